// Runs collector jobs on their node-cron schedules, one cycle of a job at a
// time, and keeps each job's latest snapshot rendered in both exposition
// formats (and gzipped on demand), so a scrape never waits for the kernel.
// A cycle's duration covers collecting, decoding and rendering; its CPU
// (ethtrack_collector_cpu_seconds_total) also the compression that scrapers
// asking for gzip cause, which starts as soon as the cycle has rendered.

import { EventEmitter } from 'node:events';
import type { RenderedFamily } from '../exposition/family';
import type { SelfMetrics } from '../exposition/self-metrics';
import { Snapshot } from '../exposition/snapshot';
import type { HelperApi } from '../helper-client/calls';
import { HelperCallError } from '../helper-client/client';
import type { Logger } from '../logger';
import { type Collector, isNoData, type NoData, noData } from './collector';
import { CpuAccountant } from './cpu-accounting';
import { type Schedule, scheduleIntervalMs, startSchedule } from './schedule';

export interface JobStatus {
  name: string;
  schedule: string;
  intervalMs: number;
  running: boolean;
  lastRun?: Date;
  lastDurationMs?: number;
  lastSuccess?: Date;
  lastError?: string;
  /** Samples in the latest snapshot (what /metrics serves for this job while it is fresh). */
  series: number;
  /** Why the last cycle had nothing to report (NoData), if it had not. */
  noData?: string;
  succeeded: boolean;
  skippedOverlaps: number;
}

class ScheduledJob {
  snapshot: Snapshot | undefined;
  readonly status: JobStatus;
  task: Schedule | undefined;
  current: Promise<void> | undefined;

  constructor(readonly job: Collector) {
    this.status = {
      name: job.name,
      schedule: job.schedule,
      intervalMs: scheduleIntervalMs(job.schedule),
      running: false,
      series: 0,
      succeeded: false,
      skippedOverlaps: 0,
    };
  }
}

/** Emits `cycle` with the job's status after every cycle. */
export class Runner extends EventEmitter {
  private readonly jobs: ScheduledJob[];
  private stopped = false;
  private readonly cpu: CpuAccountant;

  constructor(
    jobs: readonly Collector[],
    private readonly helper: () => HelperApi,
    private readonly metrics: SelfMetrics,
    private readonly logger: Logger,
  ) {
    super();
    this.jobs = jobs.map((job) => new ScheduledJob(job));
    this.cpu = new CpuAccountant((collector, seconds) => metrics.collectorCpu.inc({ collector }, seconds));
  }

  get statuses(): readonly JobStatus[] {
    return this.jobs.map((job) => job.status);
  }

  start(): void {
    for (const scheduled of this.jobs) {
      const collector = scheduled.job.name;
      scheduled.task = startSchedule(scheduled.job.schedule, collector, () => void this.runOnce(scheduled), {
        onError: (err) => this.logger.error('scheduled run failed', { collector, err: String(err) }),
        onLate: (lateMs) =>
          this.logger.warn('scheduled run started late; runs missed meanwhile are skipped', {
            collector,
            late_ms: Math.round(lateMs),
          }),
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
    scheduled.current = this.cpu
      .track(scheduled.job.name, () => this.cycle(scheduled))
      .finally(() => {
        scheduled.current = undefined;
      });
    return scheduled.current;
  }

  /** One collect, with the helper's "the kernel lacks this" turned into NoData. */
  private async collect(job: Collector): Promise<RenderedFamily[] | NoData> {
    try {
      return await job.collect(this.helper());
    } catch (err) {
      if (err instanceof HelperCallError && err.subsystemMissing) return noData(err.detail);
      throw err;
    }
  }

  private async cycle(scheduled: ScheduledJob): Promise<void> {
    const { job, status } = scheduled;
    const labels = { collector: job.name };
    status.running = true;
    const start = process.hrtime.bigint();
    status.lastRun = new Date();
    try {
      const result = await this.collect(job);
      const now = Date.now();
      const previous = scheduled.snapshot;
      previous?.retire();
      scheduled.snapshot = new Snapshot(
        isNoData(result) ? [] : result,
        now,
        (work) => this.cpu.track(job.name, work),
        previous,
      );
      // Scrapers that asked for gzip will again: compress now, off the event loop, not in their scrape.
      // A first snapshot that can let go of its text too: most scrapers ask for gzip, and once it is
      // compressed the collector's next cycle writes the same buffer instead of a second one.
      const first = !previous && scheduled.snapshot.dropsText;
      if (first || previous?.gzipAsked) scheduled.snapshot.compress().catch(() => undefined);
      status.series = scheduled.snapshot.series;
      if (isNoData(result)) {
        if (status.noData !== result.noData)
          this.logger.info('collector has no data', { collector: job.name, reason: result.noData });
      } else if (!status.succeeded || status.lastError || status.noData) {
        this.logger.info('collector succeeded', { collector: job.name });
      }
      status.noData = isNoData(result) ? result.noData : undefined;
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
    for (const job of this.jobs) await job.task?.stop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.jobs.map((job) => job.current)),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    for (const job of this.jobs) job.job.close?.();
  }
}
