// Opt-in kernel pruning (--gc.prune), one of the GC loop's consumers. Only
// when the table is at least --gc.prune.threshold full, it asks the helper to
// delete entries matching the prune rule — udp unreplied, tcp
// time_wait/close/syn_sent — at most --gc.prune.max-per-cycle, oldest first.
// dry-run only counts candidates. It never flushes the table.

import type { SelfMetrics } from '../exposition/self-metrics';
import type { ConntrackDeleteRequest, StateCount } from '../helper-client/api';
import type { HelperApi } from '../helper-client/calls';
import type { Logger } from '../logger';

export const PRUNE_RULES: ConntrackDeleteRequest['rules'] = [
  { protocol: 17, states: ['unreplied'] },
  { protocol: 6, states: ['time_wait', 'close', 'syn_sent'] },
];

export interface PruneOptions {
  mode: 'dry-run' | 'on';
  threshold: number;
  maxPerCycle: number;
  deadlineMs: number;
}

export class ConntrackPruner {
  constructor(
    private readonly options: PruneOptions,
    private readonly helper: () => HelperApi,
    private readonly metrics: SelfMetrics,
    private readonly logger: Logger,
  ) {}

  /** One prune cycle; returns how many kernel entries it deleted. */
  async run(): Promise<number> {
    const helper = this.helper();
    const summary = await helper.conntrackSummary(false);
    if (!summary.available || summary.limit === 0) return 0;
    const usage = summary.entries / summary.limit;
    if (usage < this.options.threshold) {
      this.metrics.pruneCandidates.reset();
      return 0;
    }
    const dryRun = this.options.mode === 'dry-run';
    const reply = await helper.conntrackDelete({
      rules: PRUNE_RULES,
      maxCount: this.options.maxPerCycle,
      dryRun,
      deadlineMs: this.options.deadlineMs,
    });
    this.metrics.pruneCandidates.reset();
    const sum = (counts: StateCount[]) => counts.reduce((total, count) => total + count.count, 0);
    for (const { protocol, state, count } of reply.matched) {
      const labels = { protocol, state };
      this.metrics.pruneCandidates.inc(labels, count);
    }
    for (const { protocol, state, count } of reply.deleted) this.metrics.pruned.inc({ protocol, state }, count);
    const deleted = sum(reply.deleted);
    this.logger.info('conntrack prune cycle', {
      mode: this.options.mode,
      entries: summary.entries,
      limit: summary.limit,
      usage: usage.toFixed(3),
      candidates: sum(reply.matched),
      deleted,
      scanned: reply.scanned,
      truncated: reply.truncated,
    });
    return deleted;
  }
}
