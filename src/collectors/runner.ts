// Runs collector jobs on their node-cron schedules, one cycle of a job at a
// time, and keeps each job's latest snapshot rendered in both exposition
// formats (and gzipped on demand), so a scrape never waits for the kernel.

import { EventEmitter } from 'node:events';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import cron, { type ScheduledTask } from 'node-cron';
import { familyHeader, type RenderedFamily } from '../exposition/family';
import type { SelfMetrics } from '../exposition/self-metrics';
import type { TextBuffer } from '../exposition/text-buffer';
import type { HelperClient } from '../helper-client/client';
import type { Logger } from '../logger';
import type { CollectorJob } from './collector';

const gzip = promisify(zlib.gzip);

/**
 * A job's latest families, rendered once. Sample lines are shared by both
 * formats; only the headers differ, so each family keeps one body and two
 * small headers. Nothing of the collector's own objects is retained.
 */
export class Snapshot {
  private readonly chunks: { text: Buffer; openMetrics: Buffer; body: Buffer }[] = [];
  private readonly lent: TextBuffer[] = [];
  private gzipped: [Promise<Buffer> | undefined, Promise<Buffer> | undefined] = [undefined, undefined];

  constructor(
    families: readonly RenderedFamily[],
    readonly takenAt: number,
  ) {
    for (const family of families) {
      let body: Buffer;
      if (typeof family.body === 'string') {
        body = Buffer.from(family.body);
      } else {
        body = family.body.view();
        family.body.holders++;
        this.lent.push(family.body);
      }
      if (body.length === 0) continue;
      this.chunks.push({
        text: Buffer.from(familyHeader(family.meta, false)),
        openMetrics: Buffer.from(familyHeader(family.meta, true)),
        body,
      });
    }
  }

  /** Holds the snapshot's buffers for a response still writing them. */
  retain(): void {
    for (const buffer of this.lent) buffer.holders++;
  }

  release(): void {
    for (const buffer of this.lent) buffer.holders--;
  }

  /** The rendered families in one format, as buffers to write in order. */
  parts(openMetrics: boolean): Buffer[] {
    const parts: Buffer[] = [];
    for (const chunk of this.chunks) parts.push(openMetrics ? chunk.openMetrics : chunk.text, chunk.body);
    return parts;
  }

  /** One gzip member per snapshot and format; members concatenate into a valid gzip stream. */
  gzip(openMetrics: boolean): Promise<Buffer> {
    const index = openMetrics ? 1 : 0;
    let member = this.gzipped[index];
    if (!member) {
      member = gzip(Buffer.concat(this.parts(openMetrics)), { level: 6 });
      this.gzipped[index] = member;
    }
    return member;
  }
}

export interface JobStatus {
  name: string;
  schedule: string;
  intervalMs: number;
  running: boolean;
  lastRun?: Date;
  lastDurationMs?: number;
  lastSuccess?: Date;
  lastError?: string;
  succeeded: boolean;
  skippedOverlaps: number;
}

/** The longest gap between consecutive runs of a cron expression (irregular schedules included). */
export function scheduleIntervalMs(schedule: string): number {
  const task = cron.createTask(schedule, () => undefined);
  try {
    const runs = task.getNextRuns(25);
    let longest = 0;
    for (let i = 1; i < runs.length; i++) longest = Math.max(longest, runs[i].getTime() - runs[i - 1].getTime());
    return longest > 0 ? longest : 60_000;
  } finally {
    void task.destroy();
  }
}

class ScheduledJob {
  snapshot: Snapshot | undefined;
  readonly status: JobStatus;
  task: ScheduledTask | undefined;
  current: Promise<void> | undefined;

  constructor(readonly job: CollectorJob) {
    this.status = {
      name: job.name,
      schedule: job.schedule,
      intervalMs: scheduleIntervalMs(job.schedule),
      running: false,
      succeeded: false,
      skippedOverlaps: 0,
    };
  }
}

/** Emits `cycle` with the job's status after every cycle. */
export class Runner extends EventEmitter {
  private readonly jobs: ScheduledJob[];
  private stopped = false;

  constructor(
    jobs: readonly CollectorJob[],
    private readonly helper: () => HelperClient,
    private readonly metrics: SelfMetrics,
    private readonly logger: Logger,
  ) {
    super();
    this.jobs = jobs.map((job) => new ScheduledJob(job));
  }

  get statuses(): readonly JobStatus[] {
    return this.jobs.map((job) => job.status);
  }

  start(): void {
    for (const scheduled of this.jobs) {
      scheduled.task = cron.schedule(scheduled.job.schedule, () => this.runOnce(scheduled), {
        name: scheduled.job.name,
      });
      void this.runOnce(scheduled);
    }
  }

  /** Runs every job once now (tests, and the first cycle after the helper comes up). */
  async runAll(): Promise<void> {
    await Promise.all(this.jobs.map((job) => this.runOnce(job)));
  }

  /** Starts a cycle unless one of the same job is still running. */
  runOnce(scheduled: ScheduledJob): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (scheduled.current) {
      scheduled.status.skippedOverlaps++;
      this.logger.debug('previous cycle still running; skipped', { collector: scheduled.job.name });
      return scheduled.current;
    }
    scheduled.current = this.cycle(scheduled).finally(() => {
      scheduled.current = undefined;
    });
    return scheduled.current;
  }

  private async cycle(scheduled: ScheduledJob): Promise<void> {
    const { job, status } = scheduled;
    const labels = { collector: job.name };
    status.running = true;
    const start = process.hrtime.bigint();
    status.lastRun = new Date();
    try {
      const families = await job.collect(this.helper());
      const now = Date.now();
      scheduled.snapshot?.release();
      scheduled.snapshot = new Snapshot(families, now);
      if (!status.succeeded || status.lastError) {
        this.logger.info('collector succeeded', { collector: job.name });
      }
      status.succeeded = true;
      status.lastError = undefined;
      status.lastSuccess = new Date(now);
      this.metrics.collectorSuccess.set(labels, 1);
      this.metrics.collectorLastSuccess.set(labels, now / 1000);
    } catch (err) {
      const message = (err as Error).message;
      if (status.lastError !== message) {
        this.logger.warn('collector failed', { collector: job.name, err: message });
      }
      status.lastError = message;
      this.metrics.collectorSuccess.set(labels, 0);
    } finally {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      status.lastDurationMs = seconds * 1000;
      status.running = false;
      this.metrics.collectorDuration.set(labels, seconds);
      this.emit('cycle', status);
    }
  }

  /** Fresh snapshots only: a job whose last success is older than three intervals is left out. */
  snapshots(now = Date.now()): Snapshot[] {
    const fresh: Snapshot[] = [];
    for (const { snapshot, status } of this.jobs) {
      if (snapshot && now - snapshot.takenAt <= 3 * status.intervalMs) fresh.push(snapshot);
    }
    return fresh;
  }

  /** Every enabled job has succeeded at least once. */
  get allSucceededOnce(): boolean {
    return this.jobs.every((job) => job.status.lastSuccess !== undefined);
  }

  /** Stops scheduling; waits at most graceMs for cycles in flight (they only read). */
  async stop(graceMs = 1000): Promise<void> {
    this.stopped = true;
    for (const job of this.jobs) await job.task?.destroy();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.jobs.map((job) => job.current)),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
