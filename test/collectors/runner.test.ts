// The framework around collectors, with stand-in jobs (test doubles: a real
// collector cannot be made to hang or fail on cue).

import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import winston from 'winston';
import { type Collector, noData } from '../../src/collectors/collector';
import { NIC } from '../../src/collectors/metrics';
import { Runner } from '../../src/collectors/runner';
import { renderFamily } from '../../src/exposition/family';
import { SelfMetrics } from '../../src/exposition/self-metrics';
import { HelperCallError, type HelperClient, helperErrorDetail } from '../../src/helper-client/client';

const logger = winston.createLogger({ silent: true });
const noHelper = () => ({}) as HelperClient;

function standInJob(name: string, behaviour: () => Promise<void>): Collector {
  return {
    name,
    schedule: '* * * * * *',
    collect: async () => {
      await behaviour();
      return [renderFamily(NIC.linkUp, [{ labels: { device: name }, value: 1 }])];
    },
  };
}

describe('runner', () => {
  it('times every cycle and records success and failure in the self-metrics (stand-in jobs)', async () => {
    let fail = false;
    const metrics = new SelfMetrics();
    const runner = new Runner(
      [
        standInJob('flaky', async () => {
          if (fail) throw new Error('kernel said no');
        }),
      ],
      noHelper,
      metrics,
      logger,
    );
    await runner.runAll();
    let text = await metrics.render(false);
    assert.match(text, /ethtrack_collector_success\{collector="flaky"\} 1/);
    assert.match(text, /ethtrack_collector_duration_seconds\{collector="flaky"\} \d/);
    fail = true;
    await runner.runAll();
    text = await metrics.render(false);
    assert.match(text, /ethtrack_collector_success\{collector="flaky"\} 0/);
    assert.equal(runner.statuses[0].lastError, 'kernel said no');
    assert.equal(runner.snapshots().length, 1, 'the last good snapshot is served until it goes stale');
  });

  it('never runs two cycles of one job at once (a stand-in job that hangs)', async () => {
    let release: () => void = () => undefined;
    let started = 0;
    const runner = new Runner(
      [
        standInJob('slow', () => {
          started++;
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        }),
      ],
      noHelper,
      new SelfMetrics(),
      logger,
    );
    const first = runner.runAll();
    const second = runner.runAll();
    assert.equal(started, 1);
    release();
    await Promise.all([first, second]);
    assert.equal(runner.statuses[0].skippedOverlaps, 1);
  });

  it('drops a snapshot older than three intervals', async () => {
    const runner = new Runner([standInJob('once', async () => undefined)], noHelper, new SelfMetrics(), logger);
    await runner.runAll();
    const now = Date.now();
    assert.equal(runner.snapshots(now + 2_900).length, 1);
    assert.equal(runner.snapshots(now + 3_100).length, 0);
  });
});

describe('a node without nf_conntrack', () => {
  it('is no data for the runner: no series, a success, the reason logged once (stand-in: the helper answers FAILED_PRECONDITION)', async () => {
    const lines: string[] = [];
    const recording = winston.createLogger({
      transports: [
        new winston.transports.Stream({ stream: new PassThrough().on('data', (d) => lines.push(String(d))) }),
      ],
    });
    let code = grpc.status.FAILED_PRECONDITION;
    const job: Collector = {
      name: 'conntrack_breakdown',
      schedule: '* * * * * *',
      collect: () =>
        Promise.reject(
          new HelperCallError(
            'GetConntrackBreakdown',
            code,
            'Helper/GetConntrackBreakdown: nf_conntrack is not loaded',
          ),
        ),
    };
    const metrics = new SelfMetrics();
    const runner = new Runner([job], noHelper, metrics, recording);
    await runner.runAll();
    await runner.runAll();
    assert.equal(lines.filter((line) => line.includes('nf_conntrack is not loaded')).length, 1);
    assert.equal(runner.statuses[0].succeeded, true);
    assert.equal(runner.allSucceededOnce, true);
    assert.equal(runner.snapshots().length, 1);
    assert.equal(runner.snapshots()[0].parts(false).length, 0);
    assert.match(await metrics.text.metrics(), /ethtrack_collector_success\{collector="conntrack_breakdown"\} 1/);

    code = grpc.status.INTERNAL;
    await runner.runAll();
    assert.equal(runner.statuses[0].lastError, 'helper GetConntrackBreakdown: nf_conntrack is not loaded');
    assert.match(await metrics.text.metrics(), /ethtrack_collector_success\{collector="conntrack_breakdown"\} 0/);
    await runner.stop();
  });

  it('a collector may itself report no data (a summary that says unavailable)', async () => {
    const runner = new Runner(
      [{ name: 'conntrack', schedule: '* * * * * *', collect: async () => noData('nf_conntrack is not loaded') }],
      noHelper,
      new SelfMetrics(),
      logger,
    );
    await runner.runAll();
    assert.equal(runner.statuses[0].noData, 'nf_conntrack is not loaded');
    assert.equal(runner.statuses[0].series, 0);
    assert.equal(runner.allSucceededOnce, true);
    await runner.stop();
  });

  it("counts the series of each job's latest snapshot once per cycle (a stand-in job)", async () => {
    let devices = ['a', 'b', 'c'];
    const runner = new Runner(
      [
        {
          name: 'nics',
          schedule: '* * * * * *',
          collect: async () => [
            renderFamily(
              NIC.linkUp,
              devices.map((device) => ({ labels: { device }, value: 1 })),
            ),
            renderFamily(NIC.info, []),
          ],
        },
      ],
      noHelper,
      new SelfMetrics(),
      logger,
    );
    await runner.runAll();
    assert.equal(runner.statuses[0].series, 3);
    devices = ['a'];
    await runner.runAll();
    assert.equal(runner.statuses[0].series, 1);
    await runner.stop();
  });
});

describe('helper error messages', () => {
  it("keep the helper's words whole, commas included, and trim only grpc-js's decorations", () => {
    const helperWords = '20000 queries, at most 16384';
    assert.equal(helperErrorDetail(grpc.status.INVALID_ARGUMENT, helperWords), helperWords);
    assert.equal(
      new HelperCallError('GetEthtoolStats', grpc.status.INVALID_ARGUMENT, `Helper/GetEthtoolStats: ${helperWords}`)
        .message,
      `helper GetEthtoolStats: ${helperWords}`,
    );
    assert.equal(
      helperErrorDetail(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded after 2.001s,LB pick: 0.001s,remote_addr=x'),
      'deadline exceeded',
    );
    assert.equal(
      helperErrorDetail(
        grpc.status.UNAVAILABLE,
        'No connection established. Last error: connect ENOENT /run/x.sock. Resolution note: ',
      ),
      'No connection established. Last error: connect ENOENT /run/x.sock',
    );
  });
});
