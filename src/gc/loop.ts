// The conditional conntrack GC loop (SPEC "Conntrack GC policy"). It exists
// only for consumers that keep connection records — the flows collector's
// table and opt-in kernel pruning. With neither, no timer is created.

import type { GcRegistration } from '../collectors/collector';
import type { SelfMetrics } from '../exposition/self-metrics';
import type { Logger } from '../logger';

interface GcConsumer {
  table: string;
  reason: string;
  run: () => Promise<number> | number;
}

/** What the status page shows of the loop. */
export interface GcState {
  enabled: boolean;
  /** Why it runs: the consumers' reasons, comma-separated; empty when none registered. */
  reason: string;
  intervalMs: number;
  /** Completed passes and records evicted, summed over tables, since start. */
  runs: number;
  evicted: number;
}

export class GcLoop implements GcRegistration {
  private readonly consumers: GcConsumer[] = [];
  private runs = 0;
  private evicted = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly metrics: SelfMetrics,
    private readonly logger: Logger,
  ) {
    metrics.gcEnabled.set(0);
  }

  register(table: string, reason: string, run: () => Promise<number> | number): void {
    this.consumers.push({ table, reason, run });
  }

  get enabled(): boolean {
    return this.timer !== undefined;
  }

  get reason(): string {
    return this.consumers.map((consumer) => consumer.reason).join(', ');
  }

  get state(): GcState {
    return {
      enabled: this.enabled,
      reason: this.reason,
      intervalMs: this.intervalMs,
      runs: this.runs,
      evicted: this.evicted,
    };
  }

  start(): void {
    if (this.consumers.length === 0) {
      this.logger.debug('conntrack GC loop not started: flows collector and pruning are off');
      return;
    }
    this.logger.info('starting conntrack GC loop', { reason: this.reason, interval_ms: this.intervalMs });
    this.metrics.gcEnabled.set(1);
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One pass over every consumer; a pass still running is not started again. */
  runOnce(): Promise<void> {
    if (!this.running) {
      this.running = (async () => {
        for (const consumer of this.consumers) {
          const labels = { table: consumer.table };
          try {
            const evicted = await consumer.run();
            this.runs++;
            this.evicted += evicted;
            this.metrics.gcRuns.inc(labels);
            if (evicted > 0) this.metrics.gcEvicted.inc(labels, evicted);
          } catch (err) {
            this.logger.warn('conntrack GC pass failed', { table: consumer.table, err: (err as Error).message });
          }
        }
      })().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  /** Stops the loop; waits at most graceMs for a pass in flight. */
  async stop(graceMs = 1000): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }
}
