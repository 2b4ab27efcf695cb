// SPEC's conntrack GC policy, without a kernel: no loop with the defaults,
// a loop with the flows collector or with --gc.prune, each pass counted per
// table. The flows collector registers itself as it does in the service;
// the pruner's helper is a stand-in (test double: a table at 95% of its limit
// cannot be built without root).

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import winston from 'winston';
import { COLLECTORS } from '../../src/collectors';
import { buildJobs } from '../../src/collectors/registry';
import { loadConfig } from '../../src/config';
import { SelfMetrics } from '../../src/exposition/self-metrics';
import { GcLoop } from '../../src/gc/loop';
import { ConntrackPruner, PRUNE_RULES } from '../../src/gc/prune';
import type { ConntrackDeleteRequest } from '../../src/helper-client/api';
import type { HelperApi } from '../../src/helper-client/calls';

interface LogRecord {
  level: string;
  message: string;
  [field: string]: unknown;
}

function capturingLogger(): { logger: winston.Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      records.push(JSON.parse(String(chunk)) as LogRecord);
      done();
    },
  });
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, records };
}

/** The GC loop as the service builds it: collectors registered from the flags, then started. */
function serviceLoop(args: string[]) {
  const config = loadConfig(['--helper.path=/bin/true', ...args]);
  const metrics = new SelfMetrics();
  const { logger, records } = capturingLogger();
  const gc = new GcLoop(config.gc.intervalMs, metrics, logger);
  buildJobs(COLLECTORS, config.flags, { logger, gc });
  return { config, metrics, logger, records, gc };
}

const gcLines = (records: LogRecord[]) => records.filter((r) => /GC/.test(r.message));

describe('conntrack GC loop', () => {
  it('is not started with the defaults: no timer, ethtrack_gc_enabled 0, one debug line', async () => {
    const { metrics, records, gc } = serviceLoop([]);
    gc.start();
    assert.equal(gc.enabled, false);
    assert.equal(gc.reason, '');
    const text = await metrics.render(false);
    assert.match(text, /^ethtrack_gc_enabled 0$/m);
    assert.doesNotMatch(text, /^ethtrack_gc_runs_total\{/m);
    assert.deepEqual(
      gcLines(records).map((r) => r.level),
      ['debug'],
    );
    await gc.stop();
  });

  it('starts with the flows collector: one info line with the reason and interval, and counts passes', async () => {
    const { metrics, records, gc } = serviceLoop(['--collector.flows', '--gc.interval=30s']);
    gc.start();
    try {
      assert.equal(gc.enabled, true);
      assert.equal(gc.reason, 'flows collector');
      const started = gcLines(records);
      assert.equal(started.length, 1);
      assert.equal(started[0].level, 'info');
      assert.equal(started[0].reason, 'flows collector');
      assert.equal(started[0].interval_ms, 30_000);
      await gc.runOnce();
      const text = await metrics.render(false);
      assert.match(text, /^ethtrack_gc_enabled 1$/m);
      assert.match(text, /^ethtrack_gc_runs_total\{table="flows"\} 1$/m);
    } finally {
      await gc.stop();
    }
    assert.equal(gc.enabled, false, 'stopped');
  });

  it('starts with --gc.prune=dry-run and counts candidates without deleting (stand-in helper)', async () => {
    const { config, metrics, logger, records, gc } = serviceLoop(['--gc.prune=dry-run', '--gc.prune.threshold=0.9']);
    const requests: ConntrackDeleteRequest[] = [];
    const helper = {
      conntrackSummary: async () => ({
        available: true,
        entries: 95,
        limit: 100,
        buckets: 0,
        counters: [],
        cpus: [],
        source: '',
      }),
      conntrackDelete: async (request: ConntrackDeleteRequest) => {
        requests.push(request);
        return {
          matched: [{ family: '', protocol: 'udp', state: 'unreplied', count: 7 }],
          deleted: [],
          scanned: 95,
          truncated: false,
        };
      },
    } as Partial<HelperApi> as HelperApi;
    assert.equal(config.gc.prune, 'dry-run');
    const pruner = new ConntrackPruner(
      { mode: 'dry-run', threshold: config.gc.threshold, maxPerCycle: config.gc.maxPerCycle, deadlineMs: 5000 },
      () => helper,
      metrics,
      logger,
    );
    // As app.ts registers it.
    gc.register('kernel', `--gc.prune=${config.gc.prune}`, () => pruner.run());
    gc.start();
    try {
      assert.equal(gc.enabled, true);
      assert.match(String(gcLines(records)[0].reason), /--gc\.prune=dry-run/);
      await gc.runOnce();
      assert.equal(requests.length, 1);
      assert.equal(requests[0].dryRun, true);
      assert.deepEqual(requests[0].rules, PRUNE_RULES);
      assert.equal(requests[0].maxCount, config.gc.maxPerCycle);
      const text = await metrics.render(false);
      assert.match(text, /^ethtrack_gc_runs_total\{table="kernel"\} 1$/m);
      assert.match(text, /^ethtrack_gc_prune_candidates\{protocol="udp",state="unreplied"\} 7$/m);
      assert.doesNotMatch(text, /^ethtrack_gc_evicted_total\{/m, 'a dry run evicts nothing');
    } finally {
      await gc.stop();
    }
  });

  it('keeps going past a failing consumer and never runs two passes at once (stand-in consumers)', async () => {
    const { metrics, records, logger } = serviceLoop([]);
    const gc = new GcLoop(60_000, metrics, logger);
    let release: () => void = () => undefined;
    let passes = 0;
    gc.register('broken', 'test', () => {
      throw new Error('table gone');
    });
    gc.register('slow', 'test', () => {
      passes++;
      return new Promise<number>((resolve) => {
        release = () => resolve(3);
      });
    });
    const first = gc.runOnce();
    const second = gc.runOnce();
    assert.equal(first, second, 'the pass in flight is shared');
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await first;
    assert.equal(passes, 1);
    const failed = records.filter((r) => r.message === 'conntrack GC pass failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0].table, 'broken');
    const text = await metrics.render(false);
    assert.match(text, /^ethtrack_gc_evicted_total\{table="slow"\} 3$/m);
    assert.match(text, /^ethtrack_gc_runs_total\{table="slow"\} 1$/m);
  });
});
