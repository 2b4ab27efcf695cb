// The flows collector, the conditional GC loop and kernel pruning, on real
// conntrack entries in fresh network namespaces; `conntrack -L` is the oracle.

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  ADDRESSES,
  background,
  countByState,
  flowOracle,
  insertEntry,
  type ListedEntry,
  linkPair,
  listEntries,
  trackConnections,
  until,
} from '../support/conntrack';

const { A4, B4, A6, B6 } = ADDRESSES;

import { run, sleep } from '../support/exec';
import { type Exporter, ROOT, withExporter } from '../support/exporter';
import { type ParsedSample, parseExposition, sampleValue, select } from '../support/exposition';
import { type Netns, withNetns } from '../support/netns';

const CT_FILL = path.join(ROOT, 'build', 'helper', 'ct-fill');
const GC_STARTED = 'starting conntrack GC loop';
const PRUNE_CYCLE = 'conntrack prune cycle';

interface LogRecord {
  level: string;
  message: string;
  [field: string]: unknown;
}

function records(exporter: Exporter, message?: string): LogRecord[] {
  const parsed: LogRecord[] = [];
  for (const line of exporter.logs) {
    try {
      const record = JSON.parse(line) as LogRecord;
      if (message === undefined || record.message === message) parsed.push(record);
    } catch {
      // helper output
    }
  }
  return parsed;
}

async function scrape(exporter: Exporter): Promise<ParsedSample[]> {
  return parseExposition(await exporter.metrics());
}

/** Waits until ethtrack_gc_runs_total{table} reaches `runs`. */
async function waitForGcRuns(exporter: Exporter, table: string, runs: number): Promise<ParsedSample[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const samples = await scrape(exporter);
    if ((sampleValue(samples, 'ethtrack_gc_runs_total', { table }) ?? 0) >= runs) return samples;
    if (Date.now() > deadline) throw new Error(`fewer than ${runs} GC runs of ${table}\n${exporter.logs.join('\n')}`);
    await sleep(100);
  }
}

describe('the conntrack GC loop starts only for a consumer', () => {
  it('does not exist with the defaults: no info line, one debug line, ethtrack_gc_enabled 0, no runs', () =>
    withNetns(['gc-off'], async (ns) => {
      await trackConnections(ns);
      await withExporter(['--log.level=debug', '--gc.interval=1s'], ns, async (exporter) => {
        await sleep(1500);
        const samples = await scrape(exporter);
        assert.equal(sampleValue(samples, 'ethtrack_gc_enabled'), 0);
        assert.deepEqual(select(samples, 'ethtrack_gc_runs_total'), []);
        assert.deepEqual(records(exporter, GC_STARTED), []);
        const gcLines = records(exporter).filter((r) => /GC/i.test(r.message));
        assert.equal(gcLines.length, 1, JSON.stringify(gcLines));
        assert.equal(gcLines[0].level, 'debug');
      });
    }));

  it('starts with the flows collector: one info line with the reason, ethtrack_gc_enabled 1, and runs', () =>
    withNetns(['gc-flows'], async (ns) => {
      await trackConnections(ns);
      await withExporter(['--collector.flows', '--gc.interval=1s'], ns, async (exporter) => {
        const samples = await waitForGcRuns(exporter, 'flows', 1);
        assert.equal(sampleValue(samples, 'ethtrack_gc_enabled'), 1);
        const started = records(exporter, GC_STARTED);
        assert.equal(started.length, 1);
        assert.equal(started[0].level, 'info');
        assert.match(String(started[0].reason), /flows/);
      });
    }));

  it('starts with --gc.prune=dry-run: one info line with the reason, ethtrack_gc_enabled 1, and runs', () =>
    withNetns(['gc-prune'], async (ns) => {
      await trackConnections(ns);
      await withExporter(['--gc.prune=dry-run', '--gc.interval=1s'], ns, async (exporter) => {
        const samples = await waitForGcRuns(exporter, 'kernel', 1);
        assert.equal(sampleValue(samples, 'ethtrack_gc_enabled'), 1);
        const started = records(exporter, GC_STARTED);
        assert.equal(started.length, 1);
        assert.equal(started[0].level, 'info');
        assert.match(String(started[0].reason), /--gc\.prune=dry-run/);
        assert.equal(select(samples, 'ethtrack_gc_runs_total', { table: 'flows' }).length, 0);
      });
    }));
});

function exportedFlows(samples: ParsedSample[]): Map<string, { bytes: number; packets: number }> {
  const flows = new Map<string, { bytes: number; packets: number }>();
  for (const s of select(samples, 'ethtrack_flow_bytes_total')) {
    const { direction, protocol, peer, port } = s.labels;
    const packets = sampleValue(samples, 'ethtrack_flow_packets_total', s.labels);
    flows.set(`${direction}|${protocol}|${peer}|${port}`, { bytes: s.value, packets: packets ?? Number.NaN });
  }
  return new Map([...flows].sort());
}

describe('flows collector', () => {
  it('adds up conntrack accounting per peer and port, and never decreases when entries are deleted', () =>
    withNetns(['fl-a', 'fl-b'], async (a, b) => {
      await trackConnections(a, { accounting: true });
      await linkPair(a, b);
      const servers = [
        background(b, '/usr/bin/python3', ['-m', 'http.server', '--bind', '::', '8000']),
        background(a, '/usr/bin/python3', ['-m', 'http.server', '--bind', '::', '8001']),
      ];
      try {
        // Outbound http in both families, inbound http (the peer is the source), pings, udp.
        await until('http server in b', () => a.exec('curl', ['-sS', '-o', '/dev/null', `http://${B4}:8000/`]));
        await until('http server in a', () => b.exec('curl', ['-sS', '-o', '/dev/null', `http://${A4}:8001/`]));
        await a.exec('curl', ['-sS', '-o', '/dev/null', `http://[${B6}]:8000/`]);
        await a.exec('ping', ['-c', '5', '-i', '0.05', '-q', B4]);
        await a.exec('ping', ['-6', '-c', '3', '-i', '0.05', '-q', B6]);
        await a.exec('bash', ['-c', `for i in 1 2 3; do echo datagram > /dev/udp/${B4}/9999; done`]);
        await sleep(200); // the last FIN/ACKs settle

        await withExporter(
          ['--collector.flows', '--collector.flows.schedule=* * * * * *', '--gc.interval=1s'],
          a,
          async (exporter) => {
            const local = new Set([A4, A6, '127.0.0.1', '::1']);
            const listed = await listEntries(a);
            const expected = flowOracle(listed, local);
            await exporter.waitForCycle('flows', Date.now() + 50);
            const first = await scrape(exporter);
            assert.deepEqual(flowOracle(await listEntries(a), local), expected, 'the table held still');
            assert.deepEqual(exportedFlows(first), expected);
            assert.ok(expected.has(`original|tcp|${B4}|8000`) && expected.has(`original|tcp|${B4}|8001`));
            assert.ok((expected.get(`original|icmp|${B4}|`)?.packets ?? 0) === 5, 'five echo requests counted');
            assert.equal(sampleValue(first, 'ethtrack_flow_tracked'), listed.length);

            // The kernel forgets every entry; the counters must not.
            await a.exec('conntrack', ['-D']);
            assert.equal((await listEntries(a)).length, 0);
            await exporter.waitForCycle('flows', Date.now() + 50);
            const second = await scrape(exporter);
            assert.equal(sampleValue(second, 'ethtrack_flow_tracked'), 0);
            assert.deepEqual(exportedFlows(second), expected, 'counters kept after the entries went');

            // New traffic over the same (protocol, peer) adds on top.
            await a.exec('ping', ['-c', '3', '-i', '0.05', '-q', B4]);
            const [echo] = await listEntries(a);
            await exporter.waitForCycle('flows', Date.now() + 50);
            const third = exportedFlows(await scrape(exporter));
            const before = expected.get(`original|icmp|${B4}|`);
            assert.deepEqual(third.get(`original|icmp|${B4}|`), {
              bytes: (before?.bytes ?? 0) + echo.origBytes,
              packets: (before?.packets ?? 0) + 3,
            });
            for (const [key, value] of expected) {
              const now = third.get(key);
              assert.ok(now && now.bytes >= value.bytes && now.packets >= value.packets, `${key} never decreases`);
            }
            assert.deepEqual(
              records(exporter).filter((r) => r.level === 'warn'),
              [],
              'no accounting warning with accounting on',
            );
          },
        );
      } finally {
        for (const server of servers) server.stop();
      }
    }));

  it('keeps at most --collector.flows.max-series peers and counts the rest under peer="other", losing nothing', () =>
    withNetns(['fl-max-a', 'fl-max-b'], async (a, b) => {
      await trackConnections(a, { accounting: true });
      await linkPair(a, b);
      const peers = [B4, '10.88.0.3', '10.88.0.4', '10.88.0.5', '10.88.0.6'];
      for (const peer of peers.slice(1)) await b.exec('ip', ['addr', 'add', `${peer}/24`, 'dev', 'ct1']);
      for (const peer of peers) await a.exec('ping', ['-c', '2', '-i', '0.05', '-q', peer]);
      const listed = await listEntries(a);
      const args = ['--collector.flows', '--collector.flows.schedule=* * * * * *', '--collector.flows.max-series=2'];
      await withExporter(args, a, async (exporter) => {
        await exporter.waitForCycle('flows', Date.now() + 50);
        const samples = await scrape(exporter);
        const original = select(samples, 'ethtrack_flow_packets_total', { direction: 'original', protocol: 'icmp' });
        const named = original.filter((s) => s.labels.peer !== 'other');
        assert.equal(named.length, 2, JSON.stringify(original));
        for (const s of named) assert.ok(peers.includes(s.labels.peer));
        assert.equal(sampleValue(samples, 'ethtrack_flow_packets_total', { direction: 'original', peer: 'other' }), 6);
        const total = (name: string, direction: string) =>
          select(samples, name, { direction }).reduce((sum, s) => sum + s.value, 0);
        const sum = (pick: (e: ListedEntry) => number) => listed.reduce((acc, e) => acc + pick(e), 0);
        assert.equal(
          total('ethtrack_flow_packets_total', 'original'),
          sum((e) => e.origPackets),
        );
        assert.equal(
          total('ethtrack_flow_bytes_total', 'original'),
          sum((e) => e.origBytes),
        );
        assert.equal(
          total('ethtrack_flow_packets_total', 'reply'),
          sum((e) => e.replyPackets),
        );
        assert.equal(
          total('ethtrack_flow_bytes_total', 'reply'),
          sum((e) => e.replyBytes),
        );
      });
    }));

  it('evicts entries idle past their timeout (tcp time_wait 30 s) and keeps them out while they stay idle', () =>
    withNetns(['fl-idle'], async (ns) => {
      await trackConnections(ns, { accounting: true });
      for (let i = 0; i < 3; i++) {
        await insertEntry(ns, { protocol: 'tcp', src: A4, dst: B4, sport: 43000 + i, dport: 80, state: 'TIME_WAIT' });
      }
      for (let i = 0; i < 2; i++) {
        const status = 'SEEN_REPLY,ASSURED';
        await insertEntry(ns, {
          protocol: 'tcp',
          src: A4,
          dst: B4,
          sport: 43100 + i,
          dport: 80,
          state: 'ESTABLISHED',
          status,
        });
      }
      const args = ['--collector.flows', '--collector.flows.schedule=* * * * * *', '--gc.interval=1s'];
      await withExporter(args, ns, async (exporter) => {
        await exporter.waitForCycle('flows', Date.now() + 50);
        assert.equal(sampleValue(await scrape(exporter), 'ethtrack_flow_tracked'), 5);
        await sleep(31_500); // past the time_wait idle timeout, and a GC pass
        for (let cycle = 0; cycle < 2; cycle++) {
          await exporter.waitForCycle('flows', Date.now() + 50);
          const samples = await scrape(exporter);
          assert.equal(sampleValue(samples, 'ethtrack_flow_tracked'), 2, `flows cycle ${cycle} after the eviction`);
          assert.equal(sampleValue(samples, 'ethtrack_gc_evicted_total', { table: 'flows' }), 3);
        }
        assert.equal((await listEntries(ns)).length, 5, 'the kernel still has them all');
      });
    }));

  it('warns once, naming the sysctl to set, when nf_conntrack_acct is off', () =>
    withNetns(['fl-noacct-a', 'fl-noacct-b'], async (a, b) => {
      await trackConnections(a, { accounting: false });
      await linkPair(a, b);
      await a.exec('ping', ['-c', '2', '-i', '0.05', '-q', B4]);
      await withExporter(['--collector.flows', '--collector.flows.schedule=* * * * * *'], a, async (exporter) => {
        await exporter.waitForCycle('flows', Date.now() + 2100); // three cycles or more
        const warnings = records(exporter).filter((r) => r.level === 'warn' && /nf_conntrack_acct/.test(r.message));
        assert.equal(warnings.length, 1, exporter.logs.join('\n'));
        assert.match(warnings[0].message, /net\.netfilter\.nf_conntrack_acct=1/);
      });
    }));
});

/** SPEC's default prune rule, stated independently of the implementation. */
function matchesPruneRule(e: ListedEntry): boolean {
  return (
    (e.protocol === 'udp' && e.state === 'unreplied') ||
    (e.protocol === 'tcp' && ['time_wait', 'close', 'syn_sent'].includes(e.state))
  );
}

/**
 * A table of prune candidates and bystanders, in both families. Candidates
 * are inserted in order so that, with timestamps on, `oldest` lists them
 * oldest first.
 */
async function fillPruneFixture(ns: Netns): Promise<{ oldest: string[] }> {
  let port = 42000;
  const oldest: string[] = [];
  const tcp = async (src: string, dst: string, state: string, status?: string) => {
    const sport = port++;
    await insertEntry(ns, { protocol: 'tcp', src, dst, sport, dport: 80, state, status });
    return `tcp src=${src} dst=${dst} sport=${sport} dport=80`;
  };
  const udp = async (src: string, dst: string, status?: string) => {
    const sport = port++;
    await insertEntry(ns, { protocol: 'udp', src, dst, sport, dport: 53, status });
    return `udp src=${src} dst=${dst} sport=${sport} dport=53`;
  };
  for (const [src, dst] of [
    [A4, B4],
    [A6, B6],
  ]) {
    oldest.push(await udp(src, dst));
    await tcp(src, dst, 'ESTABLISHED', 'SEEN_REPLY,ASSURED');
    oldest.push(await tcp(src, dst, 'TIME_WAIT', 'SEEN_REPLY,ASSURED'));
    await udp(src, dst, 'SEEN_REPLY');
    oldest.push(await tcp(src, dst, 'CLOSE', 'SEEN_REPLY'));
    await udp(src, dst, 'SEEN_REPLY,ASSURED');
    oldest.push(await tcp(src, dst, 'SYN_SENT'));
    await tcp(src, dst, 'SYN_RECV', 'SEEN_REPLY');
    oldest.push(await udp(src, dst));
    await tcp(src, dst, 'FIN_WAIT', 'SEEN_REPLY,ASSURED');
    oldest.push(await tcp(src, dst, 'TIME_WAIT', 'SEEN_REPLY,ASSURED'));
    await tcp(src, dst, 'CLOSE_WAIT', 'SEEN_REPLY,ASSURED');
    await tcp(src, dst, 'LAST_ACK', 'SEEN_REPLY,ASSURED');
  }
  await insertEntry(ns, {
    protocol: 'icmp',
    src: A4,
    dst: B4,
    extra: ['--icmp-type', '8', '--icmp-code', '0', '--icmp-id', '7'],
  });
  return { oldest };
}

const tuples = (entries: ListedEntry[]) => entries.map((e) => e.tuple).sort();

describe('kernel pruning (--gc.prune)', () => {
  it('dry-run reports the candidates and deletes nothing', () =>
    withNetns(['pr-dry'], async (ns) => {
      await trackConnections(ns);
      await fillPruneFixture(ns);
      const listed = await listEntries(ns);
      const args = ['--gc.prune=dry-run', '--gc.prune.threshold=0', '--gc.interval=1s'];
      await withExporter(args, ns, async (exporter) => {
        const samples = await waitForGcRuns(exporter, 'kernel', 2);
        assert.deepEqual(tuples(await listEntries(ns)), tuples(listed), 'nothing deleted');

        const expected = new Map<string, number>();
        for (const e of listed.filter(matchesPruneRule)) {
          const key = `${e.protocol}|${e.state}`;
          expected.set(key, (expected.get(key) ?? 0) + 1);
        }
        const reported = new Map(
          select(samples, 'ethtrack_gc_prune_candidates')
            .filter((s) => s.value > 0)
            .map((s) => [`${s.labels.protocol}|${s.labels.state}`, s.value] as const),
        );
        assert.deepEqual(new Map([...reported].sort()), new Map([...expected].sort()));
        assert.ok(select(samples, 'ethtrack_gc_pruned_total').every((s) => s.value === 0));
        const cycles = records(exporter, PRUNE_CYCLE);
        assert.ok(cycles.length >= 2);
        for (const cycle of cycles) {
          assert.equal(cycle.deleted, 0);
          assert.equal(cycle.candidates, listed.filter(matchesPruneRule).length);
        }
      });
    }));

  it('deletes only matching entries, oldest first, at most --gc.prune.max-per-cycle a cycle', () =>
    withNetns(['pr-on'], async (ns) => {
      await trackConnections(ns, { timestamps: true });
      const { oldest } = await fillPruneFixture(ns);
      const listed = await listEntries(ns);
      const bystanders = tuples(listed.filter((e) => !matchesPruneRule(e)));
      assert.equal(listed.filter(matchesPruneRule).length, oldest.length);
      const max = 4;
      const args = ['--gc.prune=on', '--gc.prune.threshold=0', `--gc.prune.max-per-cycle=${max}`, '--gc.interval=1s'];
      await withExporter(args, ns, async (exporter) => {
        await until('a first prune cycle', async () => {
          if (records(exporter, PRUNE_CYCLE).length === 0) throw new Error('none yet');
        });
        const afterFirst = await listEntries(ns);
        assert.equal(records(exporter, PRUNE_CYCLE).length, 1, 'read before the second cycle');
        assert.deepEqual(
          tuples(afterFirst),
          tuples(listed.filter((e) => !oldest.slice(0, max).includes(e.tuple))),
          'the first cycle took exactly the oldest max-per-cycle candidates',
        );

        await until(
          'every candidate pruned',
          async () => {
            const left = await listEntries(ns);
            if (left.some(matchesPruneRule)) throw new Error(`${left.filter(matchesPruneRule).length} left`);
          },
          15_000,
        );
        assert.deepEqual(tuples(await listEntries(ns)), bystanders, 'bystanders untouched');
        const samples = await waitForGcRuns(exporter, 'kernel', Math.ceil(oldest.length / max) + 1);
        const cycles = records(exporter, PRUNE_CYCLE);
        for (const cycle of cycles) assert.ok(Number(cycle.deleted) <= max, JSON.stringify(cycle));
        assert.equal(
          cycles.reduce((sum, cycle) => sum + Number(cycle.deleted), 0),
          oldest.length,
        );
        const pruned = select(samples, 'ethtrack_gc_pruned_total').reduce((sum, s) => sum + s.value, 0);
        assert.equal(pruned, oldest.length);
        assert.equal(sampleValue(samples, 'ethtrack_gc_evicted_total', { table: 'kernel' }), oldest.length);
      });
    }));

  it('prunes only while entries/limit is at least --gc.prune.threshold', () =>
    withNetns(['pr-thr'], async (ns) => {
      await trackConnections(ns);
      await fillPruneFixture(ns);
      const listed = await listEntries(ns);
      const count = Number((await ns.exec('sysctl', ['-n', 'net.netfilter.nf_conntrack_count'])).trim());
      const limit = Number((await ns.exec('sysctl', ['-n', 'net.netfilter.nf_conntrack_max'])).trim());
      assert.equal(count, listed.length);
      const prune = ['--gc.prune=on', '--gc.prune.max-per-cycle=2', '--gc.interval=1s'];

      // One entry short of the threshold: nothing happens.
      await withExporter([...prune, `--gc.prune.threshold=${(count + 1) / limit}`], ns, async (exporter) => {
        const samples = await waitForGcRuns(exporter, 'kernel', 2);
        assert.deepEqual(tuples(await listEntries(ns)), tuples(listed));
        assert.deepEqual(records(exporter, PRUNE_CYCLE), []);
        assert.ok(select(samples, 'ethtrack_gc_prune_candidates').every((s) => s.value === 0));
      });

      // Exactly at the threshold: one cycle prunes two, which takes the table below it; then nothing.
      await withExporter([...prune, `--gc.prune.threshold=${count / limit}`], ns, async (exporter) => {
        await waitForGcRuns(exporter, 'kernel', 3);
        const left = await listEntries(ns);
        assert.equal(left.length, count - 2);
        assert.deepEqual(
          tuples(left.filter((e) => !matchesPruneRule(e))),
          tuples(listed.filter((e) => !matchesPruneRule(e))),
        );
        const cycles = records(exporter, PRUNE_CYCLE);
        assert.equal(cycles.length, 1, JSON.stringify(cycles));
        assert.equal(cycles[0].deleted, 2);
      });
    }));
});

describe('a table many netlink messages deep', () => {
  it('breaks down, streams and scans 20,000 entries exactly as conntrack -L lists them', () =>
    withNetns(['deep'], async (ns) => {
      await trackConnections(ns);
      // A bulk inserter (bench/ct-fill.c): conntrack -I is one process per entry.
      await run('make', ['-s', '-C', path.join(ROOT, 'src', 'helper'), 'bench']);
      await ns.exec(CT_FILL, ['20000', '600']);
      const listed = await listEntries(ns);
      assert.equal(listed.length, 20_000);
      const args = [
        '--collector.conntrack.schedule=* * * * * *',
        '--collector.conntrack.breakdown-schedule=* * * * * *',
        '--collector.flows',
        '--collector.flows.schedule=* * * * * *',
        '--gc.prune=dry-run',
        '--gc.prune.threshold=0',
        '--gc.interval=1s',
      ];
      await withExporter(args, ns, async (exporter) => {
        const start = Date.now();
        await exporter.waitForCycle('conntrack_breakdown', start + 50);
        await exporter.waitForCycle('flows', start + 50);
        const samples = await waitForGcRuns(exporter, 'kernel', 1);
        const byState = new Map(
          select(samples, 'ethtrack_conntrack_entries_by_state')
            .map((s) => [`${s.labels.family}|${s.labels.protocol}|${s.labels.state}`, s.value] as const)
            .sort(([x], [y]) => (x < y ? -1 : 1)),
        );
        assert.deepEqual(byState, countByState(listed));
        assert.equal(sampleValue(samples, 'ethtrack_conntrack_dump_truncated'), 0);
        assert.equal(sampleValue(samples, 'ethtrack_flow_tracked'), listed.length);
        const candidates = select(samples, 'ethtrack_gc_prune_candidates').reduce((sum, s) => sum + s.value, 0);
        assert.equal(candidates, listed.filter(matchesPruneRule).length);
        assert.equal((await listEntries(ns)).length, listed.length, 'dry-run deleted nothing');
      });
    }));
});
