// The framework around collectors, with stand-in jobs (test doubles: a real
// collector cannot be made to hang or fail on cue).

import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import winston from 'winston';
import type { CollectorJob } from '../src/collectors/collector';
import { WithoutConntrack } from '../src/collectors/conntrack';
import { NIC } from '../src/collectors/metrics';
import { Runner, scheduleIntervalMs } from '../src/collectors/runner';
import { renderFamily } from '../src/exposition/family';
import { SelfMetrics } from '../src/exposition/self-metrics';
import { HelperCallError, type HelperClient } from '../src/helper-client/client';

const logger = winston.createLogger({ silent: true });
const noHelper = () => ({}) as HelperClient;

function standInJob(name: string, behaviour: () => Promise<void>): CollectorJob {
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
  it('reads the interval of a six-field cron schedule', () => {
    assert.equal(scheduleIntervalMs('*/15 * * * * *'), 15_000);
    assert.equal(scheduleIntervalMs('0 * * * * *'), 60_000);
  });

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
  it('is nothing to collect, logged once, not a failure (stand-in: the helper answer FAILED_PRECONDITION)', async () => {
    const lines: string[] = [];
    const recording = winston.createLogger({
      transports: [
        new winston.transports.Stream({ stream: new PassThrough().on('data', (d) => lines.push(String(d))) }),
      ],
    });
    const guard = new WithoutConntrack(recording, 'conntrack_breakdown');
    const notLoaded = () =>
      Promise.reject(new HelperCallError('GetConntrackBreakdown', grpc.status.FAILED_PRECONDITION, 'not loaded'));
    assert.equal(await guard.run(notLoaded), undefined);
    assert.equal(await guard.run(notLoaded), undefined);
    assert.equal(lines.filter((line) => line.includes('nf_conntrack is not loaded')).length, 1);
    await assert.rejects(
      guard.run(() => Promise.reject(new HelperCallError('GetConntrackBreakdown', grpc.status.INTERNAL, 'boom'))),
      /boom/,
    );
  });
});
