// The conntrack collector: table size, limit, buckets and the per-CPU
// statistics summed over CPUs (netlink, so it works where
// /proc/net/stat/nf_conntrack is compiled out); and, on its own slower
// schedule, the per-state breakdown from a full-table dump that the helper
// aggregates in C.

import { type RenderedFamily, renderFamily } from '../exposition/family';
import { getBool, getNumber, getString } from '../flags';
import type { HelperApi } from '../helper-client/calls';
import type { Logger } from '../logger';
import { type Collector, type CollectorDefinition, type NoData, noData } from './collector';
import { CONNTRACK, CONNTRACK_STATS, conntrackStat } from './metrics';

const KNOWN_STATS: ReadonlySet<string> = new Set(CONNTRACK_STATS);

export const NOT_LOADED = 'nf_conntrack is not loaded';

export class ConntrackSummaryCollector implements Collector {
  readonly name = 'conntrack';

  constructor(readonly schedule: string) {}

  async collect(helper: HelperApi): Promise<RenderedFamily[] | NoData> {
    const summary = await helper.conntrackSummary(false);
    if (!summary.available) return noData(NOT_LOADED);
    const one = (value: number) => [{ labels: {}, value }];
    const families = [
      renderFamily(CONNTRACK.entries, one(summary.entries)),
      renderFamily(CONNTRACK.limit, one(summary.limit)),
    ];
    if (summary.buckets > 0) families.push(renderFamily(CONNTRACK.buckets, one(summary.buckets)));
    for (const counter of summary.counters) {
      if (KNOWN_STATS.has(counter.name)) families.push(renderFamily(conntrackStat(counter.name), one(counter.value)));
    }
    return families;
  }
}

export class ConntrackBreakdownCollector implements Collector {
  readonly name = 'conntrack_breakdown';
  constructor(
    readonly schedule: string,
    private readonly dumpTimeoutMs: number,
    private readonly logger: Logger,
  ) {}

  async collect(helper: HelperApi): Promise<RenderedFamily[]> {
    const breakdown = await helper.conntrackBreakdown(this.dumpTimeoutMs);
    if (breakdown.truncated) {
      this.logger.warn('conntrack dump cut off by --collector.conntrack.dump-timeout; counts are partial', {
        collector: this.name,
        counted: breakdown.total,
        timeout_ms: this.dumpTimeoutMs,
      });
    }
    return [
      renderFamily(
        CONNTRACK.entriesByState,
        breakdown.counts.map(({ family, protocol, state, count }) => ({
          labels: { family, protocol, state },
          value: count,
        })),
      ),
      renderFamily(CONNTRACK.dumpDuration, [{ labels: {}, value: breakdown.durationNs / 1e9 }]),
      renderFamily(CONNTRACK.dumpTruncated, [{ labels: {}, value: breakdown.truncated ? 1 : 0 }]),
    ];
  }
}

export const conntrack: CollectorDefinition = {
  name: 'conntrack',
  help: 'conntrack table size, limit, per-CPU statistics and per-state breakdown (netlink).',
  defaultEnabled: true,
  defaultSchedule: '*/15 * * * * *',
  flags: [
    {
      name: 'collector.conntrack.breakdown',
      kind: 'bool',
      default: true,
      help: 'Dump the table to count entries by family, protocol and state.',
    },
    {
      name: 'collector.conntrack.breakdown-schedule',
      kind: 'schedule',
      default: '0 * * * * *',
      help: 'node-cron schedule (with seconds) of the full-table dump behind entries_by_state.',
    },
    {
      name: 'collector.conntrack.dump-timeout',
      kind: 'duration',
      default: '5s',
      min: 10,
      max: 120_000,
      help: 'Deadline of a table dump; a cut-off dump is reported as truncated.',
    },
  ],
  create: (flags, schedule, deps) => {
    const jobs: Collector[] = [new ConntrackSummaryCollector(schedule)];
    if (getBool(flags, 'collector.conntrack.breakdown')) {
      jobs.push(
        new ConntrackBreakdownCollector(
          getString(flags, 'collector.conntrack.breakdown-schedule'),
          getNumber(flags, 'collector.conntrack.dump-timeout'),
          deps.logger,
        ),
      );
    }
    return jobs;
  },
};
