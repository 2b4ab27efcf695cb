// Golden expositions: each collector's text exposition rendered from the
// recorded helper replies through the real collectors, runner and snapshot,
// kept under test/fixtures/golden/<job>.prom. UPDATE_GOLDEN=1 rewrites them
// (node_exporter's end-to-end-test.sh -u); otherwise a difference is shown
// as a line diff, so a renamed metric or label reads as a reviewable change.

import fs from 'node:fs';
import path from 'node:path';
import winston from 'winston';
import { COLLECTORS } from '../../src/collectors';
import type { Collector } from '../../src/collectors/collector';
import { buildJobs } from '../../src/collectors/registry';
import { Runner } from '../../src/collectors/runner';
import { loadConfig } from '../../src/config';
import { SelfMetrics } from '../../src/exposition/self-metrics';
import type { HelperApi } from '../../src/helper-client/calls';
import { PATHS } from '../../src/paths';

export const GOLDEN_DIR = path.join(PATHS.testFixtures, 'golden');
/** The proc and sys files the rxpath collector reads, recorded from the recording namespace. */
export const PROCFS_DIR = path.join(PATHS.testFixtures, 'procfs');
export const SYSFS_DIR = path.join(PATHS.testFixtures, 'sysfs');
export const ORACLE_DIR = path.join(PATHS.testFixtures, 'oracle');
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

/** The flags of the recording and of every replay: the defaults, with the flows collector on. */
// The helper-fed collectors; rxpath reads /proc and /sys itself, not the helper. No module
// job: no device here has a module; its decoders have root-free tests.
export const GOLDEN_ARGS = [
  '--helper.path=/bin/true',
  '--collector.flows',
  '--no-collector.rxpath',
  '--no-collector.ethtool.module',
];

/** The rxpath collector alone, reading the recorded files through --path.procfs and --path.sysfs. */
export const RXPATH_ARGS = [
  ...GOLDEN_ARGS.filter((arg) => arg !== '--no-collector.rxpath'),
  `--path.procfs=${PROCFS_DIR}`,
  `--path.sysfs=${SYSFS_DIR}`,
];

export function rxpathJob(): Collector {
  const config = loadConfig(RXPATH_ARGS);
  const jobs = buildJobs(COLLECTORS, config.flags, {
    logger: winston.createLogger({ silent: true }),
    gc: { register: () => undefined },
  });
  const job = jobs.find((j) => j.name === 'rxpath');
  if (!job) throw new Error('no rxpath job from RXPATH_ARGS');
  return job;
}

/** Every collector job ethtrack builds from GOLDEN_ARGS (the helper, recorded, decided which addresses were the node's). */
export function goldenJobs(): Collector[] {
  const config = loadConfig(GOLDEN_ARGS);
  const logger = winston.createLogger({ silent: true });
  const jobs = buildJobs(COLLECTORS, config.flags, { logger, gc: { register: () => undefined } });
  return jobs;
}

/** One cycle of every job through the runner; each job's snapshot in the text format, by job name. */
export async function renderJobs(jobs: Collector[], helper: HelperApi): Promise<Map<string, string>> {
  const runner = new Runner(jobs, () => helper, new SelfMetrics(), winston.createLogger({ silent: true }));
  try {
    await runner.runAll();
    const failed = runner.statuses.filter((status) => status.lastError !== undefined || !status.succeeded);
    if (failed.length > 0) {
      throw new Error(failed.map((status) => `${status.name}: ${status.lastError ?? 'no cycle'}`).join('\n'));
    }
    const snapshots = runner.snapshots();
    if (snapshots.length !== runner.statuses.length) throw new Error('a job has no fresh snapshot');
    return new Map(
      runner.statuses.map((status, i) => [status.name, Buffer.concat(snapshots[i].parts(false)).toString()]),
    );
  } finally {
    await runner.stop();
  }
}

export const goldenPath = (job: string) => path.join(GOLDEN_DIR, `${job}.prom`);

export function writeGolden(job: string, text: string): void {
  fs.mkdirSync(GOLDEN_DIR, { recursive: true });
  fs.writeFileSync(goldenPath(job), text);
}

export function readOracle(file: string): string {
  return fs.readFileSync(path.join(ORACLE_DIR, file), 'utf8');
}

/**
 * A line diff of expected against actual (longest common subsequence), with
 * two lines of context around each change: `-` golden, `+` now.
 */
export function lineDiff(expected: string, actual: string, context = 2): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops: [' ' | '-' | '+', string][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push([' ', a[i++]]);
      j++;
    } else if (j < b.length && (i === a.length || lcs[i][j + 1] > lcs[i + 1][j])) {
      ops.push(['+', b[j++]]);
    } else {
      ops.push(['-', a[i++]]);
    }
  }
  const shown = ops.map(([op], k) =>
    ops.slice(Math.max(0, k - context), k + context + 1).some(([near]) => near !== ' ') ? op : undefined,
  );
  const out: string[] = [];
  ops.forEach(([op, line], k) => {
    if (shown[k] === undefined) {
      if (out.at(-1) !== '...') out.push('...');
    } else {
      out.push(`${op} ${line}`);
    }
  });
  return out.join('\n');
}
