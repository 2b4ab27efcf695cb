// Real conntrack fixtures in network namespaces, and the oracles the
// conntrack tests compare against: `conntrack -L -o extended` and
// `conntrack -S`, parsed here with SPEC's label rules.

import { type ChildProcess, spawn } from 'node:child_process';
import { sleep } from './exec';
import type { Netns } from './netns';

/** Long enough that nothing expires while a test compares. */
const HOLD_SECONDS = '600';

const TIMEOUT_SYSCTLS = [
  'tcp_timeout_syn_sent',
  'tcp_timeout_syn_recv',
  'tcp_timeout_established',
  'tcp_timeout_fin_wait',
  'tcp_timeout_close_wait',
  'tcp_timeout_last_ack',
  'tcp_timeout_time_wait',
  'tcp_timeout_close',
  'tcp_timeout_max_retrans',
  'tcp_timeout_unacknowledged',
  'udp_timeout',
  'udp_timeout_stream',
  'icmp_timeout',
  'icmpv6_timeout',
  'generic_timeout',
];

/**
 * Makes a namespace track connections (an INPUT rule with a conntrack match
 * for both families), keeps loopback — the test's own scrapes — out of the
 * table, and raises every timeout so the table holds still.
 */
export async function trackConnections(ns: Netns, options: { accounting?: boolean; timestamps?: boolean } = {}) {
  for (const tool of ['iptables', 'ip6tables']) {
    await ns.exec(tool, ['-A', 'INPUT', '-m', 'conntrack', '--ctstate', 'NEW,ESTABLISHED', '-j', 'ACCEPT']);
    await ns.exec(tool, ['-t', 'raw', '-A', 'OUTPUT', '-o', 'lo', '-j', 'CT', '--notrack']);
    await ns.exec(tool, ['-t', 'raw', '-A', 'PREROUTING', '-i', 'lo', '-j', 'CT', '--notrack']);
  }
  const sysctls = TIMEOUT_SYSCTLS.map((name) => `net.netfilter.nf_conntrack_${name}=${HOLD_SECONDS}`);
  sysctls.push(`net.netfilter.nf_conntrack_acct=${options.accounting ? 1 : 0}`);
  sysctls.push(`net.netfilter.nf_conntrack_timestamp=${options.timestamps ? 1 : 0}`);
  // No router solicitations or DAD chatter on the veths we add.
  sysctls.push('net.ipv6.conf.all.accept_ra=0', 'net.ipv6.conf.default.accept_ra=0');
  sysctls.push('net.ipv6.conf.default.router_solicitations=0');
  await ns.exec('sysctl', ['-qw', ...sysctls]);
}

/** The two ends of linkPair(): namespace A and namespace B, in both families. */
export const ADDRESSES = { A4: '10.88.0.1', B4: '10.88.0.2', A6: 'fd00:88::1', B6: 'fd00:88::2' } as const;

/** A veth pair from `a` (A4, A6) to `b` (B4, B6). */
export async function linkPair(a: Netns, b: Netns): Promise<void> {
  const { A4, B4, A6, B6 } = ADDRESSES;
  await a.addVeth('ct0', 'ct1', 1, { peerNs: b, address: `${A4}/24`, peerAddress: `${B4}/24` });
  await a.exec('ip', ['addr', 'add', `${A6}/64`, 'dev', 'ct0', 'nodad']);
  await b.exec('ip', ['addr', 'add', `${B6}/64`, 'dev', 'ct1', 'nodad']);
}

export interface InsertSpec {
  protocol: string;
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  state?: string;
  status?: string;
  extra?: string[];
}

/** conntrack -I specs for every tcp state the kernel has, plus udp, sctp, gre and an unnamed protocol, in both families. */
export function everyStateEntries(): InsertSpec[] {
  const { A4, B4, A6, B6 } = ADDRESSES;
  const specs: InsertSpec[] = [];
  let port = 41000;
  const tcp = (src: string, dst: string, state: string, status?: string) =>
    specs.push({ protocol: 'tcp', src, dst, sport: port++, dport: 80, state, status });
  for (const [src, dst] of [
    [A4, B4],
    [A6, B6],
  ]) {
    tcp(src, dst, 'SYN_SENT');
    tcp(src, dst, 'SYN_RECV', 'SEEN_REPLY');
    tcp(src, dst, 'ESTABLISHED', 'SEEN_REPLY,ASSURED');
    tcp(src, dst, 'ESTABLISHED', 'SEEN_REPLY,ASSURED');
    tcp(src, dst, 'FIN_WAIT', 'SEEN_REPLY,ASSURED');
    tcp(src, dst, 'CLOSE_WAIT', 'SEEN_REPLY,ASSURED');
    tcp(src, dst, 'LAST_ACK', 'SEEN_REPLY,ASSURED');
    tcp(src, dst, 'TIME_WAIT', 'SEEN_REPLY,ASSURED');
    tcp(src, dst, 'TIME_WAIT', 'SEEN_REPLY,ASSURED');
    tcp(src, dst, 'CLOSE', 'SEEN_REPLY');
    specs.push({ protocol: 'udp', src, dst, sport: port++, dport: 53 });
    specs.push({ protocol: 'udp', src, dst, sport: port++, dport: 53 });
    specs.push({ protocol: 'udp', src, dst, sport: port++, dport: 53, status: 'SEEN_REPLY' });
    specs.push({ protocol: 'udp', src, dst, sport: port++, dport: 53, status: 'SEEN_REPLY,ASSURED' });
  }
  specs.push({
    protocol: 'sctp',
    src: A4,
    dst: B4,
    sport: port++,
    dport: 5001,
    state: 'ESTABLISHED',
    status: 'SEEN_REPLY',
    extra: ['--orig-vtag', '1', '--reply-vtag', '2'],
  });
  specs.push({ protocol: 'gre', src: A4, dst: B4, extra: ['--srckey', '1', '--dstkey', '2'] });
  specs.push({ protocol: '253', src: A4, dst: B4 });
  return specs;
}

/** `conntrack -I`: the family follows from the addresses. */
export async function insertEntry(ns: Netns, spec: InsertSpec): Promise<void> {
  const args = ['-I', '-p', spec.protocol, '-s', spec.src, '-d', spec.dst, '-t', HOLD_SECONDS];
  if (spec.sport !== undefined) args.push('--sport', String(spec.sport));
  if (spec.dport !== undefined) args.push('--dport', String(spec.dport));
  if (spec.state) args.push('--state', spec.state);
  if (spec.status) args.push('--status', spec.status);
  args.push(...(spec.extra ?? []));
  await ns.exec('conntrack', args);
}

export interface ListedEntry {
  family: string;
  protocol: string;
  state: string;
  /** The original tuple, enough to tell entries apart. */
  tuple: string;
  origPackets: number;
  origBytes: number;
  replyPackets: number;
  replyBytes: number;
  origSrc: string;
  origDst: string;
  origDport: string;
}

const NAMED_PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'icmpv6', 'sctp', 'gre']);
const STATEFUL = new Set(['tcp', 'sctp', 'dccp']);

/** One line of `conntrack -L -o extended`, labelled by SPEC's rules. */
export function parseListedEntry(line: string): ListedEntry {
  const tokens = line.trim().split(/\s+/);
  const [family, , protoName] = tokens;
  const hasState = !tokens[5].includes('=');
  const state = STATEFUL.has(protoName)
    ? hasState
      ? tokens[5].toLowerCase()
      : 'unknown'
    : tokens.includes('[UNREPLIED]')
      ? 'unreplied'
      : tokens.includes('[ASSURED]')
        ? 'assured'
        : 'replied';
  // Original direction: the first occurrence of each key=value.
  const first = new Map<string, string>();
  const second = new Map<string, string>();
  for (const token of tokens.slice(5)) {
    const eq = token.indexOf('=');
    if (eq <= 0) continue;
    const key = token.slice(0, eq);
    const value = token.slice(eq + 1);
    if (!first.has(key)) first.set(key, value);
    else if (!second.has(key)) second.set(key, value);
  }
  const tupleKeys = ['src', 'dst', 'sport', 'dport', 'type', 'code', 'id', 'srckey', 'dstkey'];
  const tuple = [protoName, ...tupleKeys.filter((k) => first.has(k)).map((k) => `${k}=${first.get(k)}`)].join(' ');
  return {
    family,
    protocol: NAMED_PROTOCOLS.has(protoName) ? protoName : 'other',
    state,
    tuple,
    origPackets: Number(first.get('packets') ?? 0),
    origBytes: Number(first.get('bytes') ?? 0),
    replyPackets: Number(second.get('packets') ?? 0),
    replyBytes: Number(second.get('bytes') ?? 0),
    origSrc: first.get('src') ?? '',
    origDst: first.get('dst') ?? '',
    origDport: first.get('dport') ?? '',
  };
}

/** The namespace's table as `conntrack -L -o extended` lists it. */
export async function listEntries(ns: Netns): Promise<ListedEntry[]> {
  const out = await ns.exec('conntrack', ['-L', '-o', 'extended']);
  return out.split('\n').filter(Boolean).map(parseListedEntry);
}

/** Counts by `family|protocol|state`. */
export function countByState(entries: ListedEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { family, protocol, state } of entries) {
    const key = `${family}|${protocol}|${state}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].sort());
}

/** Flow counters per series key `direction|protocol|peer|port` as conntrack -L's accounting adds them up. */
export function flowOracle(
  entries: ListedEntry[],
  local: Set<string>,
): Map<string, { bytes: number; packets: number }> {
  const sums = new Map<string, { bytes: number; packets: number }>();
  const add = (key: string, bytes: number, packets: number) => {
    const sum = sums.get(key) ?? { bytes: 0, packets: 0 };
    sum.bytes += bytes;
    sum.packets += packets;
    sums.set(key, sum);
  };
  for (const e of entries) {
    const peer = local.has(e.origDst) && !local.has(e.origSrc) ? e.origSrc : e.origDst;
    const port = ['tcp', 'udp', 'sctp'].includes(e.protocol) ? e.origDport : '';
    add(`original|${e.protocol}|${peer}|${port}`, e.origBytes, e.origPackets);
    add(`reply|${e.protocol}|${peer}|${port}`, e.replyBytes, e.replyPackets);
  }
  return new Map([...sums].sort());
}

/** `conntrack -S`, each statistic summed over CPUs. */
export async function conntrackStats(ns: Netns): Promise<Map<string, number>> {
  return parseConntrackStats(await ns.exec('conntrack', ['-S']));
}

/** `conntrack -S` text, each statistic summed over CPUs. */
export function parseConntrackStats(out: string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of out.split('\n')) {
    for (const [, name, value] of line.matchAll(/(\w+)=(\d+)/g)) {
      if (name === 'cpu') continue;
      sums.set(name, (sums.get(name) ?? 0) + Number(value));
    }
  }
  return sums;
}

/** A background process inside a namespace (a server, a held-open connection); killed by `stop`. */
export function background(ns: Netns, cmd: string, args: readonly string[]): { child: ChildProcess; stop: () => void } {
  const [command, argv] = ns.wrap(cmd, args);
  const child = spawn(command, argv, { stdio: 'ignore' });
  return {
    child,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Waits until `probe` resolves without throwing. */
export async function until(what: string, probe: () => Promise<unknown>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      await probe();
      return;
    } catch (err) {
      last = err;
      await sleep(50);
    }
  }
  throw new Error(`${what}: ${(last as Error)?.message}`);
}
