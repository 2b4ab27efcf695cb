// The express app on a real HTTP server: --web.max-requests, and probes with
// basic auth on. The runner is a stand-in whose snapshot compresses only when
// the test says so: a real scrape on loopback finishes before the next one is
// parsed, so only a stand-in can hold one in flight while others arrive; and
// a real service that stays not-ready is what the stand-in reason replaces.

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import type { Runner } from '../../src/collectors/runner';
import { crcOf, deflatePiece } from '../../src/exposition/gzip-splice';
import { SelfMetrics } from '../../src/exposition/self-metrics';
import { createLogger } from '../../src/logger';
import { BasicAuth } from '../../src/serving/basic-auth';
import { createApp } from '../../src/serving/http-server';

function fetchText(port: number, urlPath: string, authorization?: string): Promise<[number, string]> {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, headers: authorization ? { authorization } : {} }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve([res.statusCode ?? 0, body]));
      })
      .on('error', () => resolve([0, '']));
  });
}

function get(port: number): Promise<number> {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path: '/metrics', headers: { 'accept-encoding': 'gzip' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', () => resolve(0));
  });
}

describe('--web.max-requests (runner stand-in holding a scrape in flight)', () => {
  it('answers scrapes beyond the limit 503 at once and counts them', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const snapshot = {
      retain: () => () => undefined,
      parts: () => [Buffer.from('x 1\n')],
      gzip: async () => {
        await held;
        const line = Buffer.from('x 1\n');
        return { pieces: [deflatePiece(line)], crc: crcOf([line]) };
      },
    };
    const metrics = new SelfMetrics();
    const app = createApp({
      runner: { snapshots: () => [snapshot] } as unknown as Runner,
      metrics,
      logger: createLogger('error', 'logfmt'),
      telemetryPath: '/metrics',
      auth: new BasicAuth(new Map()),
      maxRequests: 2,
      beforeScrape: () => undefined,
      notReadyReason: () => undefined,
      statusInfo: () => {
        throw new Error('not used');
      },
    });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const inFlight = [get(port), get(port)];
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(await Promise.all([get(port), get(port)]), [503, 503]);
      release();
      assert.deepEqual(await Promise.all(inFlight), [200, 200]);
      assert.equal(await get(port), 200, 'the slots are free again');
      const text = await metrics.render(false);
      assert.match(text, /ethtrack_connections_refused_total\{listener="http",reason="max_requests"\} 2/);
    } finally {
      server.close();
    }
  });
});

describe('probes with basic auth on (stand-in not-ready reason)', () => {
  it('answer without credentials with the status word only, with the reason to an authenticated caller', async () => {
    const auth = new BasicAuth(new Map([['prometheus', bcrypt.hashSync('right', 4)]]));
    await auth.start();
    const app = createApp({
      runner: { snapshots: () => [] } as unknown as Runner,
      metrics: new SelfMetrics(),
      logger: createLogger('error', 'logfmt'),
      telemetryPath: '/metrics',
      auth,
      maxRequests: 40,
      beforeScrape: () => undefined,
      notReadyReason: () => 'helper is down: secret detail',
      statusInfo: () => {
        throw new Error('not used');
      },
    });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const right = `Basic ${Buffer.from('prometheus:right').toString('base64')}`;
    const wrong = `Basic ${Buffer.from('prometheus:wrong').toString('base64')}`;
    try {
      assert.deepEqual(await fetchText(port, '/healthz'), [200, 'ok\n']);
      assert.deepEqual(await fetchText(port, '/readyz'), [503, 'not ready\n']);
      assert.deepEqual(await fetchText(port, '/readyz', wrong), [503, 'not ready\n']);
      assert.deepEqual(await fetchText(port, '/readyz', right), [503, 'not ready: helper is down: secret detail\n']);
      assert.equal((await fetchText(port, '/metrics'))[0], 401);
      assert.equal((await fetchText(port, '/metrics', right))[0], 200);
    } finally {
      server.close();
      await auth.stop();
    }
  });
});
