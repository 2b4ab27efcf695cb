// The flows collector (the counterpart of Retina's packetparser; off by
// default). Each cycle streams the conntrack table from the helper, turns
// per-entry accounting counters into deltas, and adds them to monotonic
// per-(direction, protocol, peer, port) counters. The flow table is what the
// conditional GC loop keeps bounded.

import net from 'node:net';
import os from 'node:os';
import { type RenderedFamily, renderFamily, samplePrefix } from '../exposition/family';
import { getNumber } from '../flags';
import type { HelperApi } from '../helper-client/calls';
import { ConntrackDumpDecoder, type EntryView } from '../helper-client/conntrack-dump-decoder';
import type { Logger } from '../logger';
import type { Collector, CollectorDefinition } from './collector';
import { FLOW } from './metrics';

const PROTOCOLS: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 47: 'gre', 58: 'icmpv6', 132: 'sctp' };
const PORTED = new Set([6, 17, 132]);
const SECOND = 1000;

/** Idle timeouts of SPEC's GC policy, per protocol and tcp state. */
export function idleTimeoutMs(protocol: number, state: string): number {
  if (protocol !== 6) return 60 * SECOND;
  if (state === 'time_wait' || state === 'close') return 30 * SECOND;
  if (state === 'syn_sent' || state === 'syn_recv' || state === 'syn_sent2') return 60 * SECOND;
  return 360 * SECOND;
}

/** Aggregate series with no traffic for this long are removed from the exposition. */
export const SERIES_IDLE_MS = 5 * 60 * SECOND;

export function protocolName(protocol: number): string {
  return PROTOCOLS[protocol] ?? 'other';
}

/** The fields of a dumped entry the flow table reads: EntryView, or a plain object in tests. */
export type FlowEntry = Pick<
  EntryView,
  | 'id'
  | 'protocol'
  | 'zone'
  | 'origSport'
  | 'origDport'
  | 'state'
  | 'origBytes'
  | 'origPackets'
  | 'replyBytes'
  | 'replyPackets'
  | 'origSrc'
  | 'origDst'
>;

/** The tuple facts stored with an entry, so an id the kernel reuses is seen as a new entry. */
interface Fingerprint {
  protocol: number;
  zone: number;
  sport: number;
  dport: number;
}

interface TrackedEntry extends Fingerprint {
  origBytes: number;
  origPackets: number;
  replyBytes: number;
  replyPackets: number;
  series: AggregateSeries;
  state: string;
  lastChange: number;
  seenCycle: number;
}

interface AggregateSeries {
  key: string;
  prefixes: [string, string, string, string];
  origBytes: number;
  origPackets: number;
  replyBytes: number;
  replyPackets: number;
  lastChange: number;
}

/** Counters of entries evicted for idleness while still in the kernel, so a resumed entry is not counted twice. */
interface DormantEntry extends Fingerprint {
  origBytes: number;
  origPackets: number;
  replyBytes: number;
  replyPackets: number;
  seenCycle: number;
}

/**
 * A safety bound on dormant records. They are dropped with their kernel
 * entries after every complete dump, so the kernel's own table size bounds
 * them in practice; losing one would count its connection's history twice.
 */
const MAX_DORMANT = 1 << 20;

/**
 * The table key: conntrack ids are 32-bit hashes, so a table of 250,000
 * entries holds a few pairs that share one; mixing in 21 bits of the tuple
 * makes a shared key a one-in-millions event (still caught by sameTuple).
 */
export function flowKey(entry: FlowEntry): number {
  const mix = (entry.origSport * 65599 + entry.origDport * 257 + entry.protocol * 31 + entry.zone) & 0x1fffff;
  return mix * 2 ** 32 + entry.id;
}

function sameTuple(a: Fingerprint, entry: FlowEntry): boolean {
  return (
    a.protocol === entry.protocol && a.zone === entry.zone && a.sport === entry.origSport && a.dport === entry.origDport
  );
}

export class FlowTable {
  /** By flowKey(): the conntrack id (CTA_ID) and bits of the tuple. */
  readonly entries = new Map<number, TrackedEntry>();
  readonly series = new Map<string, AggregateSeries>();
  private readonly dormant = new Map<number, DormantEntry>();
  /** Entries dropped because the kernel no longer has them, not yet reported as GC evictions. */
  private goneSinceGc = 0;
  private cycle = 0;

  constructor(
    private readonly maxSeries: number,
    private readonly isLocal: (address: string) => boolean,
  ) {}

  /** The other side of a connection: not one of this node's addresses; when both are local, the destination. */
  peerOf(entry: FlowEntry): string {
    const src = entry.origSrc();
    const dst = entry.origDst();
    if (this.isLocal(dst) && !this.isLocal(src)) return src;
    return dst;
  }

  private seriesFor(entry: FlowEntry, now: number): AggregateSeries {
    const protocol = protocolName(entry.protocol);
    const port = PORTED.has(entry.protocol) ? String(entry.origDport) : '';
    let peer = this.peerOf(entry);
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
      key,
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

  beginCycle(): void {
    this.cycle++;
  }

  /** Adds one dumped entry's counter deltas to its aggregate series. */
  observe(entry: FlowEntry, now: number): void {
    const key = flowKey(entry);
    let tracked = this.entries.get(key);
    if (tracked && !sameTuple(tracked, entry)) {
      // The kernel reused the id for another connection.
      this.entries.delete(key);
      tracked = undefined;
    }
    if (!tracked) {
      let base = this.dormant.get(key);
      if (base && !sameTuple(base, entry)) base = undefined;
      // Evicted for idleness and still idle: it stays out of the table until its counters move.
      if (
        base &&
        entry.origBytes === base.origBytes &&
        entry.origPackets === base.origPackets &&
        entry.replyBytes === base.replyBytes &&
        entry.replyPackets === base.replyPackets
      ) {
        base.seenCycle = this.cycle;
        return;
      }
      this.dormant.delete(key);
      tracked = {
        origBytes: base?.origBytes ?? 0,
        origPackets: base?.origPackets ?? 0,
        replyBytes: base?.replyBytes ?? 0,
        replyPackets: base?.replyPackets ?? 0,
        series: this.seriesFor(entry, now),
        protocol: entry.protocol,
        zone: entry.zone,
        sport: entry.origSport,
        dport: entry.origDport,
        state: entry.state,
        lastChange: now,
        seenCycle: this.cycle,
      };
      this.entries.set(key, tracked);
    }
    // A counter below the last reading means a new entry under a reused key: count it from zero.
    const delta = (current: number, previous: number) => (current >= previous ? current - previous : current);
    const dOrigBytes = delta(entry.origBytes, tracked.origBytes);
    const dOrigPackets = delta(entry.origPackets, tracked.origPackets);
    const dReplyBytes = delta(entry.replyBytes, tracked.replyBytes);
    const dReplyPackets = delta(entry.replyPackets, tracked.replyPackets);
    tracked.origBytes = entry.origBytes;
    tracked.origPackets = entry.origPackets;
    tracked.replyBytes = entry.replyBytes;
    tracked.replyPackets = entry.replyPackets;
    tracked.state = entry.state;
    tracked.seenCycle = this.cycle;
    if (dOrigBytes + dOrigPackets + dReplyBytes + dReplyPackets > 0) {
      // Its series may have been removed for idleness: take up a live one.
      if (this.series.get(tracked.series.key) !== tracked.series) tracked.series = this.seriesFor(entry, now);
      tracked.series.origBytes += dOrigBytes;
      tracked.series.origPackets += dOrigPackets;
      tracked.series.replyBytes += dReplyBytes;
      tracked.series.replyPackets += dReplyPackets;
      tracked.series.lastChange = now;
      tracked.lastChange = now;
    }
  }

  /** After a complete dump: entries the kernel no longer has are gone. Returns how many were dropped. */
  dropUnseen(): number {
    let dropped = 0;
    for (const [key, tracked] of this.entries) {
      if (tracked.seenCycle !== this.cycle) {
        this.entries.delete(key);
        dropped++;
      }
    }
    for (const [key, dormant] of this.dormant) {
      if (dormant.seenCycle !== this.cycle) this.dormant.delete(key);
    }
    this.goneSinceGc += dropped;
    return dropped;
  }

  /** GC: entries idle past their protocol's timeout, and aggregate series idle for five minutes. */
  evictIdle(now: number): number {
    let evicted = 0;
    for (const [key, tracked] of this.entries) {
      if (now - tracked.lastChange > idleTimeoutMs(tracked.protocol, tracked.state)) {
        this.entries.delete(key);
        this.dormant.set(key, {
          origBytes: tracked.origBytes,
          origPackets: tracked.origPackets,
          replyBytes: tracked.replyBytes,
          replyPackets: tracked.replyPackets,
          protocol: tracked.protocol,
          zone: tracked.zone,
          sport: tracked.sport,
          dport: tracked.dport,
          seenCycle: tracked.seenCycle,
        });
        evicted++;
      }
    }
    for (const key of this.dormant.keys()) {
      if (this.dormant.size <= MAX_DORMANT) break;
      this.dormant.delete(key);
    }
    evicted += this.goneSinceGc;
    this.goneSinceGc = 0;
    for (const [key, series] of this.series) {
      if (now - series.lastChange > SERIES_IDLE_MS) {
        this.series.delete(key);
        evicted++;
      }
    }
    return evicted;
  }

  render(): RenderedFamily[] {
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
      renderFamily(FLOW.tracked, [{ labels: {}, value: this.entries.size }]),
    ];
  }
}

/** This node's addresses, re-read at most once per cycle. */
export function localAddresses(): Set<string> {
  const set = new Set<string>();
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? [])
      set.add(net.isIPv6(address.address) ? address.address.split('%')[0] : address.address);
  }
  return set;
}

export class FlowsCollector implements Collector {
  readonly name = 'flows';
  readonly table: FlowTable;
  private local = new Set<string>();
  private warnedAccounting = false;
  private readonly decoder = new ConntrackDumpDecoder();
  /** This node's addresses, which decide a connection's peer; a replay test gives the recorded node's. */
  addresses: () => Set<string> = localAddresses;

  constructor(
    readonly schedule: string,
    maxSeries: number,
    private readonly dumpTimeoutMs: number,
    private readonly logger: Logger,
  ) {
    this.table = new FlowTable(maxSeries, (address) => this.local.has(address));
  }

  async collect(helper: HelperApi): Promise<RenderedFamily[]> {
    this.local = this.addresses();
    const now = Date.now();
    const { table } = this;
    table.beginCycle();
    let complete = false;
    let accounting = true;
    let sawEntries = false;
    const observe = (entry: EntryView) => table.observe(entry, now);
    for await (const encoded of helper.dumpConntrackEncoded(1024, this.dumpTimeoutMs)) {
      const batch = this.decoder.decode(encoded, observe);
      if (batch.entries > 0) {
        sawEntries = true;
        accounting &&= batch.accounting;
      }
      if (batch.done) complete = !batch.truncated;
    }
    if (complete) table.dropUnseen();
    else this.logger.warn('conntrack dump for flows cut off; keeping unseen entries', { collector: this.name });
    if (sawEntries && !accounting && !this.warnedAccounting) {
      this.warnedAccounting = true;
      this.logger.warn(
        'conntrack accounting is off, so flow byte and packet counters stay at zero; set sysctl net.netfilter.nf_conntrack_acct=1',
        { collector: this.name },
      );
    }
    return table.render();
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
    deps.gc.register('flows', 'flows collector', () => collector.table.evictIdle(Date.now()));
    return [collector];
  },
};
