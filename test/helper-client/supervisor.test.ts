// Helper supervision when the helper cannot run. Stand-ins: /bin/false for a
// helper that crashes at once, and a path that does not exist for a binary
// removed by an upgrade (a real helper cannot be made to do either on cue).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import winston from 'winston';
import { HelperSupervisor } from '../../src/helper-client/supervisor';
import { acceptsGzip, wantsOpenMetrics } from '../../src/serving/http-server';
import { sleep } from '../support/exec';

const logger = winston.createLogger({ silent: true });

function supervisor(helperPath: string): HelperSupervisor {
  return new HelperSupervisor({ spawn: true, helperPath, socket: undefined, timeoutMs: 200, logger });
}

describe('helper supervisor', () => {
  it('backs off restarts of a helper that crashes at once (stand-in: /bin/false)', async () => {
    const s = supervisor('/bin/false');
    s.start();
    await sleep(3000);
    await s.stop();
    // 250 ms doubling: ~0.25 + 0.5 + 1 + 2 s, so at most 4-5 restarts in 3 s, not a dozen.
    assert.ok(s.restarts >= 2 && s.restarts <= 5, `${s.restarts} restarts in 3 s`);
    assert.equal(s.state, 'stopped');
  });

  it('retries a helper binary that is missing and still stops promptly (stand-in: a removed path)', async () => {
    const s = supervisor('/nonexistent/ethtrack-helper');
    s.start();
    await sleep(1200);
    assert.match(s.lastError, /ENOENT/);
    assert.ok(s.restarts >= 1, 'restart scheduled after a failed spawn');
    const start = Date.now();
    await s.stop();
    assert.ok(Date.now() - start < 500, 'stop does not wait for an exit that never comes');
  });
});

describe('content negotiation', () => {
  it('gzips unless gzip is refused with q=0', () => {
    assert.equal(acceptsGzip('gzip'), true);
    assert.equal(acceptsGzip('deflate, gzip;q=0.8'), true);
    assert.equal(acceptsGzip('gzip;q=0.5'), true);
    assert.equal(acceptsGzip('gzip;q=0'), false);
    assert.equal(acceptsGzip('gzip; q=0.000, identity'), false);
    assert.equal(acceptsGzip('identity'), false);
    assert.equal(acceptsGzip(undefined), false);
  });

  it('serves OpenMetrics only when asked', () => {
    assert.equal(wantsOpenMetrics('application/openmetrics-text; version=1.0.0,text/plain;q=0.5'), true);
    assert.equal(wantsOpenMetrics('text/plain'), false);
    assert.equal(wantsOpenMetrics(undefined), false);
  });
});
