// The flows collector's per-entry table in the helper: entries that end
// between two cycles (reset, `conntrack -D`, pruning) counted from their
// DESTROY events, an event overrun, a helper killed mid-run, and no event
// socket with the defaults. Real entries in fresh namespaces; the oracles are
// `conntrack -E -e DESTROY -o extended` and `conntrack -L -o extended`.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  ADDRESSES,
  background,
  flowOracle,
  linkPair,
  listEntries,
  trackConnections,
  until,
} from '../support/conntrack';
import { listenForDestroys } from '../support/conntrack-events';
import { run } from '../support/exec';
import { type Exporter, HELPER_ASAN, ROOT, withExporter } from '../support/exporter';
import { type ParsedSample, parseExposition, sampleValue, select } from '../support/exposition';
import { withNetns } from '../support/netns';

const { A4, A6, B4 } = ADDRESSES;
const CT_FILL = path.join(ROOT, 'build', 'helper', 'ct-fill');

/** In b: tcp on 8000 and 8002 answers twice what it read, then closes; udp on 9999 echoes twice what came. */
const SERVER = `
import socket, threading
def serve(c):
    data = b''
    while True:
        chunk = c.recv(65536)
        if not chunk: break
        data += chunk
    c.sendall(b'y' * (2 * len(data)))
    c.close()
def tcp(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('0.0.0.0', port)); s.listen(1024)
    while True:
        c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
for port in (8000, 8002): threading.Thread(target=tcp, args=(port,), daemon=True).start()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('0.0.0.0', 9999))
while True:
    data, peer = u.recvfrom(65536); u.sendto(data * 2, peer)
`;

/** In a: n connections of each kind with payloads of known, different sizes; 8000's end in a reset. */
const CLIENT = `
import socket, struct, sys
n, b = int(sys.argv[1]), sys.argv[2]
def tcp(port, size, reset):
    c = socket.create_connection((b, port)); c.sendall(b'x' * size); c.shutdown(socket.SHUT_WR)
    while c.recv(65536): pass
    if reset: c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    c.close()
for i in range(n):
    tcp(8000, 100 + i, True)
    tcp(8002, 200 + i, False)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(2)
    u.bind(('0.0.0.0', 41000 + i))  # an ephemeral port could repeat, and two flows share one entry
    u.sendto(b'u' * (50 + i), (b, 9999)); u.recvfrom(65536); u.close()
`;

async function scrape(exporter: Exporter): Promise<ParsedSample[]> {
  return parseExposition(await exporter.metrics());
}

function exportedFlows(samples: ParsedSample[]): Map<string, { bytes: number; packets: number }> {
  const flows = new Map<string, { bytes: number; packets: number }>();
  for (const s of select(samples, 'ethtrack_flow_bytes_total')) {
    const { direction, protocol, peer, port } = s.labels;
    const packets = sampleValue(samples, 'ethtrack_flow_packets_total', s.labels) ?? Number.NaN;
    flows.set(`${direction}|${protocol}|${peer}|${port}`, { bytes: s.value, packets });
  }
  return new Map([...flows].sort());
}

const lastFlowsCycle = (samples: ParsedSample[]) =>
  sampleValue(samples, 'ethtrack_collector_last_success_timestamp_seconds', { collector: 'flows' });

/** Every exported counter is at least what it was. */
function assertNeverDown(
  before: Map<string, { bytes: number; packets: number }>,
  after: Map<string, { bytes: number; packets: number }>,
): void {
  for (const [key, was] of before) {
    const now = after.get(key);
    assert.ok(now && now.bytes >= was.bytes && now.packets >= was.packets, `${key} went down`);
  }
}

/** The inodes of the process's netlink sockets of a protocol that joined multicast groups, from /proc/net/netlink. */
function subscribedNetlinkSockets(pid: number, protocol: number): string[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: 'utf8' });
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]);
  }
  // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
  return fs
    .readFileSync(`/proc/${pid}/net/netlink`, 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 10 && Number(f[1]) === protocol && Number.parseInt(f[3], 16) !== 0)
    .filter((f) => inodes.has(f[9]))
    .map((f) => `groups=${f[3]}`);
}

const NETLINK_NETFILTER = 12;

describe('flows: entries that end between two cycles', () => {
  it('counts 300 short-lived tcp and udp flows (reset, conntrack -D, pruned) exactly as their DESTROY events account them', () =>
    withNetns(['fe-a', 'fe-b'], async (a, b) => {
      await trackConnections(a, { accounting: true });
      await linkPair(a, b);
      const server = background(b, '/usr/bin/python3', ['-c', SERVER]);
      const args = [
        '--collector.flows',
        '--collector.flows.schedule=*/20 * * * * *',
        '--gc.prune=on',
        '--gc.prune.threshold=0',
        '--gc.interval=1s',
      ];
      try {
        await until('the server in b', () => a.exec('bash', ['-c', `exec 3<>/dev/tcp/${B4}/8002`]));
        await a.exec('conntrack', ['-D'], undefined).catch(() => '');
        await withExporter(args, a, async (exporter) => {
          // The cycle at start, then a scheduled one: the next is 20 s away.
          await exporter.waitForCycle('flows', 0, 30_000);
          await exporter.waitForCycle('flows', Date.now() + 50, 30_000);
          const before = await scrape(exporter);
          const cycle = lastFlowsCycle(before);
          const events = await listenForDestroys(a);
          await a.exec('python3', ['-c', CLIENT, '100', B4]);
          await a.exec('conntrack', ['-D', '-p', 'udp', '--dport', '9999']);
          await until(
            'the pruner took every tcp entry',
            async () => {
              const left = (await listEntries(a)).filter((e) => e.protocol === 'tcp' && e.origDst === B4);
              if (left.length > 0) throw new Error(`${left.length} left`);
            },
            15_000,
          );
          const destroyed = (await events.stop()).filter((e) => e.origDst === B4 && e.origSrc === A4);
          assert.equal(lastFlowsCycle(await scrape(exporter)), cycle, 'no flows cycle while the flows lived');
          const byPort = (port: string) => destroyed.filter((e) => e.origDport === port).length;
          assert.deepEqual(
            [byPort('8000'), byPort('8002'), byPort('9999')],
            [100, 100, 100],
            'conntrack -E heard every entry end',
          );

          await exporter.waitForCycle('flows', (cycle ?? 0) * 1000 + 50, 30_000);
          const after = exportedFlows(await scrape(exporter));
          const expected = flowOracle(
            destroyed.map((e) => ({ ...e, family: 'ipv4', state: '', tuple: '' })),
            new Set([A4, A6]),
          );
          for (const key of ['tcp|10.88.0.2|8000', 'tcp|10.88.0.2|8002', 'udp|10.88.0.2|9999']) {
            for (const direction of ['original', 'reply']) {
              const k = `${direction}|${key}`;
              assert.deepEqual(after.get(k), expected.get(k), k);
            }
          }
          assert.equal(sampleValue(await scrape(exporter), 'ethtrack_flow_events_lost_total'), 0);
        });
      } finally {
        server.stop();
      }
    }));
});

/** In a: one tcp connection to b:8000 held open, sending `bytes` every 200 ms for `seconds`, then idle until killed. */
const LONG_LIVED = `
import socket, sys, time
c = socket.create_connection((sys.argv[1], 8000))
end = time.time() + float(sys.argv[2])
while time.time() < end:
    c.sendall(b'z' * int(sys.argv[3])); time.sleep(0.2)
time.sleep(3600)
`;

describe('flows: long-lived connections', () => {
  it('equal conntrack -L accounting across cycles while they carry traffic, and never drop', () =>
    withNetns(['fe-long-a', 'fe-long-b'], async (a, b) => {
      await trackConnections(a, { accounting: true });
      await linkPair(a, b);
      const server = background(b, '/usr/bin/python3', ['-c', SERVER]);
      const args = ['--collector.flows', '--collector.flows.schedule=* * * * * *'];
      try {
        await until('the server in b', () => a.exec('bash', ['-c', `exec 3<>/dev/tcp/${B4}/8002`]));
        await withExporter(args, a, async (exporter) => {
          const clients = [1000, 3000].map((size) =>
            background(a, '/usr/bin/python3', ['-c', LONG_LIVED, B4, '5', String(size)]),
          );
          try {
            let last = new Map<string, { bytes: number; packets: number }>();
            for (let cycle = 0; cycle < 5; cycle++) {
              await exporter.waitForCycle('flows', Date.now() + 50);
              const now = exportedFlows(await scrape(exporter));
              assertNeverDown(last, now);
              last = now;
            }
            await until('the senders went idle', async () => {
              const before = flowOracle(await listEntries(a), new Set([A4, A6]));
              await new Promise((resolve) => setTimeout(resolve, 500));
              const after = flowOracle(await listEntries(a), new Set([A4, A6]));
              assert.deepEqual(after, before);
            });
            await exporter.waitForCycle('flows', Date.now() + 50);
            const listed = await listEntries(a);
            const expected = flowOracle(listed, new Set([A4, A6]));
            assert.ok((expected.get(`original|tcp|${B4}|8000`)?.bytes ?? 0) > 20_000, 'the connections carried data');
            assert.deepEqual(exportedFlows(await scrape(exporter)), expected);
            assert.equal(
              sampleValue(await scrape(exporter), 'ethtrack_flow_tracked'),
              listed.length,
              'every entry tracked',
            );
          } finally {
            for (const client of clients) client.stop();
          }
        });
      } finally {
        server.stop();
      }
    }));
});

/** In a: `count` datagrams to b:9999 from one fixed source port, so the conntrack tuple repeats. */
const FIXED_PORT_UDP = `
import socket, sys
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
u.bind(('0.0.0.0', 40404))
for i in range(int(sys.argv[2])): u.sendto(b'r' * 64, (sys.argv[1], 9999))
`;

describe('flows: a tuple the kernel tracks again', () => {
  it('counts an entry recreated under the same tuple (and, where the kernel reuses it, the same id) as a new entry', () =>
    withNetns(['fe-reuse-a', 'fe-reuse-b'], async (a, b) => {
      await trackConnections(a, { accounting: true });
      await linkPair(a, b);
      const args = ['--collector.flows', '--collector.flows.schedule=* * * * * *'];
      await withExporter(args, a, async (exporter) => {
        await exporter.waitForCycle('flows', Date.now() + 50);
        const key = `original|udp|${B4}|9999`;
        const ids: string[] = [];
        const idOf = async () =>
          /id=(\d+)/.exec(await a.exec('conntrack', ['-L', '-p', 'udp', '--sport', '40404', '-o', 'id']))?.[1] ?? '';
        // First life: 3 datagrams, seen by a cycle, then deleted.
        await a.exec('python3', ['-c', FIXED_PORT_UDP, B4, '3']);
        ids.push(await idOf());
        await exporter.waitForCycle('flows', Date.now() + 50);
        assert.equal(exportedFlows(await scrape(exporter)).get(key)?.packets, 3);
        await a.exec('conntrack', ['-D', '-p', 'udp', '--sport', '40404']);
        // Second life, same tuple: 2 datagrams, then deleted before any cycle sees it... or after.
        await a.exec('python3', ['-c', FIXED_PORT_UDP, B4, '2']);
        ids.push(await idOf());
        await exporter.waitForCycle('flows', Date.now() + 50);
        assert.equal(exportedFlows(await scrape(exporter)).get(key)?.packets, 5, `ids ${ids.join(', ')}`);
        // Third life: 4 datagrams; its first reading is below the second life's last one.
        await a.exec('conntrack', ['-D', '-p', 'udp', '--sport', '40404']);
        await a.exec('python3', ['-c', FIXED_PORT_UDP, B4, '4']);
        ids.push(await idOf());
        await exporter.waitForCycle('flows', Date.now() + 50);
        const flows = exportedFlows(await scrape(exporter)).get(key);
        assert.deepEqual(flows, { packets: 9, bytes: 9 * (64 + 28) }, `ids ${ids.join(', ')}`);
      });
    }));
});

describe('flows: the events socket', () => {
  it('does not exist with the defaults (flows off, prune off), and joins only the DESTROY group with flows on', () =>
    withNetns(['fe-sock'], async (ns) => {
      await trackConnections(ns, { accounting: true });
      await withExporter(['--collector.conntrack.schedule=* * * * * *'], ns, async (exporter) => {
        await exporter.waitForCycle('conntrack', Date.now() + 50);
        assert.deepEqual(subscribedNetlinkSockets(await exporter.helperPid(), NETLINK_NETFILTER), []);
      });
      await withExporter(['--collector.flows', '--collector.flows.schedule=* * * * * *'], ns, async (exporter) => {
        await exporter.waitForCycle('flows', Date.now() + 50);
        // NFNLGRP_CONNTRACK_DESTROY is group 3: bit 2.
        assert.deepEqual(subscribedNetlinkSockets(await exporter.helperPid(), NETLINK_NETFILTER), ['groups=00000004']);
      });
    }));

  it('counts an overrun (a tiny buffer, 5,000 entries deleted at once) in events_lost_total, never goes down, and the next dump repairs the table', () =>
    withNetns(['fe-overrun'], async (ns) => {
      await trackConnections(ns, { accounting: true });
      await run('make', ['-s', '-C', path.join(ROOT, 'src', 'helper'), 'bench']);
      const dir = fs.mkdtempSync('/tmp/ethtrack-overrun-');
      const wrapper = path.join(dir, 'ethtrack-helper-tiny-events');
      fs.writeFileSync(wrapper, `#!/bin/sh\nexec ${HELPER_ASAN} --test-event-rcvbuf=4096 "$@"\n`, { mode: 0o755 });
      fs.chmodSync(dir, 0o755);
      const args = ['--collector.flows', '--collector.flows.schedule=* * * * * *', '--gc.interval=1s'];
      try {
        await withExporter(
          args,
          ns,
          async (exporter) => {
            // Filled once the helper is subscribed: only then do entries carry the event extension.
            await exporter.waitForCycle('flows', Date.now() + 50);
            await ns.exec(CT_FILL, ['5000', '600']);
            await exporter.waitForCycle('flows', Date.now() + 50);
            const first = await scrape(exporter);
            assert.equal(sampleValue(first, 'ethtrack_flow_tracked'), 5000);
            assert.equal(sampleValue(first, 'ethtrack_flow_events_lost_total'), 0);
            await ns.exec('conntrack', ['-D']);
            await exporter.waitForCycle('flows', Date.now() + 50);
            await exporter.waitForCycle('flows', Date.now() + 50);
            const second = await scrape(exporter);
            const lost = sampleValue(second, 'ethtrack_flow_events_lost_total') ?? 0;
            assert.ok(lost > 0 && lost <= 5000, `events lost: ${lost}`);
            assert.equal(sampleValue(second, 'ethtrack_flow_tracked'), 0, 'the dump repaired the table');
            assertNeverDown(exportedFlows(first), exportedFlows(second));
            // The records whose events were dropped are the ones the GC pass finds missing from the dump.
            await until('a GC pass evicts the records the events missed', async () => {
              const evicted = sampleValue(await scrape(exporter), 'ethtrack_gc_evicted_total', { table: 'flows' });
              if ((evicted ?? 0) < lost) throw new Error(`evicted ${evicted} of ${lost}`);
            });
            const evicted = sampleValue(await scrape(exporter), 'ethtrack_gc_evicted_total', { table: 'flows' });
            assert.equal(evicted, lost, 'every lost event is one record evicted, and only those');
          },
          wrapper,
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }));
});

describe('flows: a helper killed mid-run', () => {
  it('takes the surviving entries as a baseline: no counter goes down, nothing is counted twice', () =>
    withNetns(['fe-kill-a', 'fe-kill-b'], async (a, b) => {
      await trackConnections(a, { accounting: true });
      await linkPair(a, b);
      await a.exec('ping', ['-c', '4', '-i', '0.05', '-q', B4]);
      await a.exec('bash', ['-c', `for i in 1 2 3; do echo datagram > /dev/udp/${B4}/9999; done`]);
      const args = ['--collector.flows', '--collector.flows.schedule=* * * * * *'];
      await withExporter(args, a, async (exporter) => {
        const local = new Set([A4, A6]);
        await exporter.waitForCycle('flows', Date.now() + 50);
        const first = exportedFlows(await scrape(exporter));
        assert.deepEqual(first, flowOracle(await listEntries(a), local));

        const pid = await exporter.helperPid();
        process.kill(pid, 'SIGKILL');
        await until('a new helper', async () => {
          const now = await exporter.helperPid();
          if (!now || now === pid) throw new Error('not yet');
        });
        await until(
          'the baseline logged',
          async () => {
            if (!exporter.logs.some((line) => line.includes('taken as the flow baseline'))) throw new Error('not yet');
          },
          15_000,
        );
        const line = exporter.logs.find((l) => l.includes('taken as the flow baseline')) ?? '';
        assert.equal(JSON.parse(line).level, 'info');
        assert.ok(JSON.parse(line).entries >= 2, line);
        await exporter.waitForCycle('flows', Date.now() + 50);
        const second = exportedFlows(await scrape(exporter));
        assert.deepEqual(second, first, 'the baselined entries were not counted again');

        // New traffic after the restart is counted on top.
        await a.exec('ping', ['-c', '3', '-i', '0.05', '-q', B4]);
        await exporter.waitForCycle('flows', Date.now() + 50);
        const third = exportedFlows(await scrape(exporter));
        assert.deepEqual(third, flowOracle(await listEntries(a), local));
        assertNeverDown(second, third);
      });
    }));
});
