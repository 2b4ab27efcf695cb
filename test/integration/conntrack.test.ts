// The conntrack collector against `conntrack -L`, `conntrack -S` and
// node_exporter's conntrack collector, on real entries in fresh network
// namespaces: traffic over a veth pair plus `conntrack -I` for every state.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ADDRESSES,
  background,
  conntrackStats,
  countByState,
  everyStateEntries,
  insertEntry,
  linkPair,
  listEntries,
  trackConnections,
  until,
} from '../support/conntrack';

const { B4, B6 } = ADDRESSES;

import { hasCommand, run } from '../support/exec';
import { Exporter } from '../support/exporter';
import { parseExposition, sampleValue, select } from '../support/exposition';
import { Netns } from '../support/netns';

const INVALID_TCP = `
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
for port in (1, 2, 3):
    s.sendto(struct.pack('!HHIIBBHHH', 40000 + port, 80, 0, 0, 5 << 4, 0x06, 1024, 0, 0), (sys.argv[1], 0))
`;

describe('conntrack collector on real entries', () => {
  let a: Netns;
  let b: Netns;
  let exporter: Exporter;
  const stops: (() => void)[] = [];

  before(async () => {
    a = await Netns.create('ct-a');
    b = await Netns.create('ct-b');
    await trackConnections(a);
    await linkPair(a, b);
    for (const spec of everyStateEntries()) await insertEntry(a, spec);

    // Real traffic: a closed http exchange (tcp), a connection held open,
    // pings in both families, and udp to a closed port (never replied).
    const server = background(b, '/usr/bin/python3', ['-m', 'http.server', '--bind', '::', '8000']);
    stops.push(server.stop);
    await until('http server in the peer namespace', () =>
      a.exec('curl', ['-sS', '-o', '/dev/null', `http://${B4}:8000/`]),
    );
    await a.exec('curl', ['-sS', '-o', '/dev/null', `http://[${B6}]:8000/`]);
    const held = background(a, 'bash', ['-c', `exec 3<>/dev/tcp/${B4}/8000; sleep 300`]);
    stops.push(held.stop);
    await a.exec('ping', ['-c', '2', '-i', '0.05', '-q', B4]);
    await a.exec('ping', ['-6', '-c', '2', '-i', '0.05', '-q', B6]);
    await a.exec('bash', ['-c', `echo probe > /dev/udp/${B4}/9999`]);
    // Three tcp segments with SYN and RST both set: conntrack counts them invalid.
    await a.exec('/usr/bin/python3', ['-c', INVALID_TCP, B4]);
    await until('the held connection is established', async () => {
      const entries = await listEntries(a);
      if (!entries.some((e) => e.protocol === 'tcp' && e.state === 'established' && e.origDport === '8000'))
        throw new Error('not yet');
    });

    exporter = await Exporter.start(
      [
        '--no-collector.ethtool',
        '--collector.conntrack.schedule=* * * * * *',
        '--collector.conntrack.breakdown-schedule=* * * * * *',
      ],
      { ns: a },
    );
    await exporter.ready();
  });

  after(async () => {
    await exporter?.stop();
    for (const stop of stops) stop();
    a?.destroy();
    b?.destroy();
  });

  it('counts entries by family, protocol and state exactly as conntrack -L does', async () => {
    const listed = await listEntries(a);
    const expected = countByState(listed);
    await exporter.waitForCycle('conntrack_breakdown', Date.now() + 50);
    const samples = parseExposition(await exporter.metrics());
    const still = countByState(await listEntries(a));
    assert.deepEqual(still, expected, 'the table held still while we compared');

    const exported = new Map(
      select(samples, 'ethtrack_conntrack_entries_by_state')
        .map((s) => [`${s.labels.family}|${s.labels.protocol}|${s.labels.state}`, s.value] as const)
        .sort(([x], [y]) => (x < y ? -1 : 1)),
    );
    assert.deepEqual(exported, expected);
    // The fixture really covers what it claims to.
    for (const state of [
      'established',
      'time_wait',
      'syn_sent',
      'syn_recv',
      'fin_wait',
      'close_wait',
      'last_ack',
      'close',
    ]) {
      assert.ok(expected.has(`ipv4|tcp|${state}`), `ipv4 tcp ${state}`);
      assert.ok(expected.has(`ipv6|tcp|${state}`), `ipv6 tcp ${state}`);
    }
    for (const key of [
      'ipv4|udp|unreplied',
      'ipv4|udp|replied',
      'ipv4|udp|assured',
      'ipv4|icmp|replied',
      'ipv6|icmpv6|replied',
      'ipv4|sctp|established',
      'ipv4|gre|unreplied',
      'ipv4|other|unreplied',
    ]) {
      assert.ok(expected.has(key), key);
    }
    assert.equal(sampleValue(samples, 'ethtrack_conntrack_dump_truncated'), 0);
    assert.ok((sampleValue(samples, 'ethtrack_conntrack_dump_duration_seconds') ?? -1) >= 0);
    assert.equal(sampleValue(samples, 'ethtrack_conntrack_entries'), listed.length);
  });

  it('reports entries and limit as node_exporter conntrack collector does', async () => {
    const port = 19100;
    const node = background(a, 'prometheus-node-exporter', [
      '--collector.disable-defaults',
      '--collector.conntrack',
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    stops.push(node.stop);
    let nodeText = '';
    await until('node_exporter answers', async () => {
      nodeText = await a.exec('curl', ['-sSf', '--max-time', '2', `http://127.0.0.1:${port}/metrics`]);
    });
    await exporter.waitForCycle('conntrack', Date.now() + 50);
    const ours = parseExposition(await exporter.metrics());
    const theirs = parseExposition(nodeText);
    node.stop();

    const nodeEntries = sampleValue(theirs, 'node_nf_conntrack_entries');
    const nodeLimit = sampleValue(theirs, 'node_nf_conntrack_entries_limit');
    assert.ok(nodeEntries !== undefined && nodeEntries > 0, 'node_exporter sees entries');
    assert.equal(sampleValue(ours, 'ethtrack_conntrack_entries'), nodeEntries);
    assert.equal(sampleValue(ours, 'ethtrack_conntrack_entries_limit'), nodeLimit);
    const buckets = Number((await a.exec('sysctl', ['-n', 'net.netfilter.nf_conntrack_buckets'])).trim());
    assert.equal(sampleValue(ours, 'ethtrack_conntrack_buckets'), buckets);
  });

  it('exports every conntrack -S statistic as a counter summed over CPUs', async () => {
    const before = await conntrackStats(a);
    await exporter.waitForCycle('conntrack', Date.now() + 50);
    const samples = parseExposition(await exporter.metrics());
    const after = await conntrackStats(a);
    assert.ok(before.size >= 10, `conntrack -S lists the kernel's statistics: ${[...before.keys()]}`);
    assert.ok((before.get('insert') ?? 0) > 0, 'conntrack -I counted inserts');
    assert.equal(before.get('invalid'), 3, 'the SYN+RST segments counted invalid');
    for (const [stat, low] of before) {
      const high = after.get(stat) ?? low;
      const value = sampleValue(samples, `ethtrack_conntrack_${stat}_total`);
      assert.ok(value !== undefined, `ethtrack_conntrack_${stat}_total is exported`);
      assert.ok(value >= low && value <= high, `${stat}: ${value} not within conntrack -S ${low}..${high}`);
    }
    // Nothing ticks them while the table holds still: the reads agree exactly.
    assert.deepEqual(after, before);
  });

  it('passes promtool check metrics', { skip: !hasCommand('promtool') }, async () => {
    const text = await exporter.metrics();
    const conntrackOnly = text
      .split('\n')
      .filter((line) => /ethtrack_conntrack_/.test(line))
      .join('\n');
    assert.equal((await run('promtool', ['check', 'metrics'], `${conntrackOnly}\n`)).trim(), '');
  });

  it('keeps the helper free of sanitizer reports', () => {
    assert.deepEqual(exporter.sanitizerReports(), []);
  });
});
