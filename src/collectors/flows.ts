// The flows collector (the counterpart of Retina's packetparser; off by
// default). The per-entry accounting lives in the helper's flow table
// (GetFlows): each cycle the helper walks one dump, adds the counter deltas
// of the entries it saw and of those that ended since the last cycle (their
// DESTROY events), and answers with the sums per (protocol, peer, port). The
// service keeps only the aggregate series: the max-series budget, the
// peer="other" overflow, idle-series removal and the rendering.

import { type RenderedFamily, renderFamily, samplePrefix } from '../exposition/family';
import { getNumber } from '../flags';
import type { FlowSum, FlowsReply } from '../helper-client/api';
import type { HelperApi } from '../helper-client/calls';
import { formatAddress } from '../helper-client/conntrack-dump-decoder';
import type { Logger } from '../logger';
import type { Collector, CollectorDefinition } from './collector';
import { FLOW } from './metrics';

const PROTOCOLS: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 47: 'gre', 58: 'icmpv6', 132: 'sctp' };
const PORTED = new Set([6, 17, 132]);
const SECOND = 1000;

/** Aggregate series with no traffic for this long are removed from the exposition. */
export const SERIES_IDLE_MS = 5 * 60 * SECOND;

export function protocolName(protocol: number): string {
  return PROTOCOLS[protocol] ?? 'other';
}

/** A sum as the helper sends it, or a plain object in tests. */
export type FlowDelta = Pick<
  FlowSum,
  'protocol' | 'port' | 'origBytes' | 'origPackets' | 'replyBytes' | 'replyPackets'
> & { peer: Uint8Array };

interface AggregateSeries {
  prefixes: [string, string, string, string];
  origBytes: number;
  origPackets: number;
  replyBytes: number;
  replyPackets: number;
  lastChange: number;
}

/** The monotonic per-(protocol, peer, port) counters, at most maxSeries label sets. */
export class FlowSeries {
  readonly series = new Map<string, AggregateSeries>();

  constructor(private readonly maxSeries: number) {}

  private seriesFor(protocol: string, peerAddress: string, port: string, now: number): AggregateSeries {
    let peer = peerAddress;
    let key = `${protocol}|${peer}|${port}`;
    let series = this.series.get(key);
    if (series) return series;
    if (this.series.size >= this.maxSeries) {
      peer = 'other';
      key = `${protocol}|other|`;
      series = this.series.get(key);
      if (series) return series;
    }
    const labels = (direction: string) => ({ direction, protocol, peer, port: peer === 'other' ? '' : port });
    series = {
      prefixes: [
        samplePrefix(FLOW.bytes, labels('original')),
        samplePrefix(FLOW.bytes, labels('reply')),
        samplePrefix(FLOW.packets, labels('original')),
        samplePrefix(FLOW.packets, labels('reply')),
      ],
      origBytes: 0,
      origPackets: 0,
      replyBytes: 0,
      replyPackets: 0,
      lastChange: now,
    };
    this.series.set(key, series);
    return series;
  }

  add(sum: FlowDelta, now: number): void {
    const port = PORTED.has(sum.protocol) ? String(sum.port) : '';
    const series = this.seriesFor(protocolName(sum.protocol), formatAddress(sum.peer), port, now);
    series.origBytes += sum.origBytes;
    series.origPackets += sum.origPackets;
    series.replyBytes += sum.replyBytes;
    series.replyPackets += sum.replyPackets;
    if (sum.origBytes + sum.origPackets + sum.replyBytes + sum.replyPackets > 0) series.lastChange = now;
  }

  /** Removes series idle for SERIES_IDLE_MS; returns how many. */
  evictIdle(now: number): number {
    let evicted = 0;
    for (const [key, series] of this.series) {
      if (now - series.lastChange > SERIES_IDLE_MS) {
        this.series.delete(key);
        evicted++;
      }
    }
    return evicted;
  }

  render(tracked: number, eventsLost: number): RenderedFamily[] {
    let bytes = '';
    let packets = '';
    for (const series of this.series.values()) {
      const [bo, br, po, pr] = series.prefixes;
      bytes += `${bo}${series.origBytes}\n${br}${series.replyBytes}\n`;
      packets += `${po}${series.origPackets}\n${pr}${series.replyPackets}\n`;
    }
    return [
      { meta: FLOW.bytes, body: bytes },
      { meta: FLOW.packets, body: packets },
      renderFamily(FLOW.tracked, [{ labels: {}, value: tracked }]),
      renderFamily(FLOW.eventsLost, [{ labels: {}, value: eventsLost }]),
    ];
  }
}

export class FlowsCollector implements Collector {
  readonly name = 'flows';
  readonly series: FlowSeries;
  /** The helper's table this collector's counters continue; 0 before the first reply. */
  private generation = 0;
  /** The helper's events_lost at the last reply of this generation, and the monotonic total. */
  private lostSeen = 0;
  private eventsLost = 0;
  private warnedAccounting = false;
  private warnedEvents = false;
  private helper: HelperApi | undefined;

  constructor(
    readonly schedule: string,
    maxSeries: number,
    private readonly dumpTimeoutMs: number,
    private readonly logger: Logger,
  ) {
    this.series = new FlowSeries(maxSeries);
  }

  async collect(helper: HelperApi): Promise<RenderedFamily[]> {
    this.helper = helper;
    const reply = await helper.getFlows(this.generation, this.dumpTimeoutMs);
    this.follow(reply);
    const now = Date.now();
    for (const sum of reply.sums) this.series.add(sum, now);
    if (reply.truncated) {
      this.logger.warn('conntrack dump for flows cut off; unseen entries are counted by the next dump', {
        collector: this.name,
      });
    }
    if (reply.entries > 0 && !reply.accounting && !this.warnedAccounting) {
      this.warnedAccounting = true;
      this.logger.warn(
        'conntrack accounting is off, so flow byte and packet counters stay at zero; set sysctl net.netfilter.nf_conntrack_acct=1',
        { collector: this.name },
      );
    }
    return this.series.render(reply.tracked, this.eventsLost);
  }

  /** Follows the helper's table across helper restarts: a new table's entries are a baseline, its loss count starts at 0. */
  private follow(reply: FlowsReply): void {
    if (reply.generation !== this.generation) {
      this.generation = reply.generation;
      this.lostSeen = 0;
    }
    if (!reply.events && !this.warnedEvents) {
      this.warnedEvents = true;
      this.logger.warn(
        'the helper could not subscribe to conntrack DESTROY events; entries that end between cycles are counted only up to their last dump',
        { collector: this.name },
      );
    }
    if (reply.baselined > 0) {
      this.logger.info('helper restarted: conntrack entries taken as the flow baseline, not counted again', {
        collector: this.name,
        entries: reply.baselined,
      });
    }
    this.eventsLost += Math.max(0, reply.eventsLost - this.lostSeen);
    this.lostSeen = reply.eventsLost;
  }

  /** The GC pass: the helper's records gone or idle, then the aggregate series idle for five minutes. */
  async evict(): Promise<number> {
    let evicted = 0;
    if (this.helper) {
      const reply = await this.helper.evictFlows();
      evicted += reply.gone + reply.idle;
    }
    return evicted + this.series.evictIdle(Date.now());
  }
}

export const flows: CollectorDefinition = {
  name: 'flows',
  help: 'Bytes and packets of tracked connections by direction, protocol, peer and port.',
  defaultEnabled: false,
  defaultSchedule: '*/15 * * * * *',
  flags: [
    {
      name: 'collector.flows.max-series',
      kind: 'int',
      default: 10_000,
      min: 1,
      max: 1_000_000,
      help: 'Most (protocol, peer, port) label sets; the rest are counted under peer="other".',
    },
  ],
  create: (flags, schedule, deps) => {
    const collector = new FlowsCollector(
      schedule,
      getNumber(flags, 'collector.flows.max-series'),
      getNumber(flags, 'collector.conntrack.dump-timeout'),
      deps.logger,
    );
    deps.gc.register('flows', 'flows collector', () => collector.evict());
    return [collector];
  },
};
