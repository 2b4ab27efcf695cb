// The rxpath collector against the real kernel: softnet, link counters and
// flaps, socket-layer loss and backlog drops made for real in namespaces,
// and eth0's queue → IRQ → CPU, each compared with a tool nobody here wrote
// (ip -s -s, nstat, /proc/net/softnet_stat, /proc/interrupts). Bad input:
// a missing --path.procfs, a malformed file. rx_nohandler itself cannot be
// made to move here: the kernel counts it only for frames on a bond or team
// port that takes exact delivery, and this kernel has neither; a frame no
// protocol takes counts in rx_dropped instead (test/collectors/rxpath-links
// edits the file).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseInterrupts, parseSoftnet } from '../../src/collectors/kernel-text';
import { sleep } from '../support/exec';
import { CLI, Exporter } from '../support/exporter';
import { type ParsedSample, parseExposition, sampleValue, select } from '../support/exposition';
import { makeSocketLosses } from '../support/losses';
import { withNetns } from '../support/netns';

const EVERY_SECOND = '--collector.rxpath.schedule=* * * * * *';
const ONLY_RXPATH = ['--no-collector.ethtool', '--no-collector.conntrack', EVERY_SECOND];

const cycleAfter = (exporter: Exporter, since: number) => exporter.cycleAfter('rxpath', since);

function python(ns: { exec: (cmd: string, args: string[]) => Promise<string> }, script: string): Promise<string> {
  return ns.exec('/usr/bin/python3', ['-c', script]);
}

async function nstat(ns: { exec: (cmd: string, args: string[]) => Promise<string> }, counter: string): Promise<number> {
  // -a absolute values, -s no history update, -z zeros too.
  const out = await ns.exec('nstat', ['-asz', counter]);
  const line = out.split('\n').find((l) => l.startsWith(`${counter} `));
  assert.ok(line, `nstat printed no ${counter}: ${out}`);
  return Number(line.split(/\s+/)[1]);
}

describe('rxpath collector on the real kernel', () => {
  it('exports link counters equal to ip -s -s link, and counts 5 flaps made between two cycles', async () => {
    await withNetns(['rxl'], async (ns) => {
      await ns.disableIpv6();
      await ns.addVeth('rxa', 'rxb', 1, { address: '10.77.0.1/24', peerAddress: '10.77.0.2/24' });
      await ns.exec('ping', ['-c', '3', '-i', '0.2', '10.77.0.2']);
      // Frames of an ethertype no protocol handles: the kernel counts them in rx_dropped (and /proc/net/dev's drop).
      await python(
        ns,
        "import socket\ns=socket.socket(socket.AF_PACKET,socket.SOCK_RAW)\ns.bind(('rxa',0))\nfor i in range(7): s.send(b'\\xff'*6+b'\\x02'*6+b'\\x88\\xb6'+b'x'*50)",
      );
      const exporter = await Exporter.start([...ONLY_RXPATH, '--collector.rxpath.device-include=^rx'], { ns });
      try {
        await exporter.ready();
        const before = await cycleAfter(exporter, Date.now());
        const [link] = JSON.parse(await ns.exec('ip', ['-j', '-s', '-s', 'link', 'show', 'rxb'])) as {
          stats64: { rx: Record<string, number>; tx: Record<string, number> };
        }[];
        const { rx, tx } = link.stats64;
        const value = (name: string) => sampleValue(before, name, { device: 'rxb' });
        assert.ok(rx.dropped >= 7, `rx dropped ${rx.dropped}`);
        const expected: [string, number][] = [
          ['ethtrack_nic_receive_packets_total', rx.packets],
          ['ethtrack_nic_transmit_packets_total', tx.packets],
          ['ethtrack_nic_receive_errors_total', rx.errors],
          ['ethtrack_nic_transmit_errors_total', tx.errors],
          ['ethtrack_nic_receive_dropped_total', rx.dropped],
          ['ethtrack_nic_transmit_dropped_total', tx.dropped],
          ['ethtrack_nic_receive_missed_total', rx.missed_errors],
          ['ethtrack_nic_receive_fifo_errors_total', rx.fifo_errors],
          ['ethtrack_nic_transmit_fifo_errors_total', tx.fifo_errors],
          ['ethtrack_nic_receive_over_errors_total', rx.over_errors],
          ['ethtrack_nic_receive_crc_errors_total', rx.crc_errors],
          ['ethtrack_nic_receive_frame_errors_total', rx.frame_errors],
          ['ethtrack_nic_receive_length_errors_total', rx.length_errors],
          ['ethtrack_nic_receive_nohandler_total', rx.nohandler ?? 0],
        ];
        for (const [name, want] of expected) assert.equal(value(name), want, name);

        const downBefore = sampleValue(before, 'ethtrack_nic_carrier_down_changes_total', { device: 'rxa' }) ?? -1;
        const upBefore = sampleValue(before, 'ethtrack_nic_carrier_up_changes_total', { device: 'rxa' }) ?? -1;
        for (let i = 0; i < 5; i++) {
          await ns.exec('ip', ['link', 'set', 'rxa', 'down']);
          await ns.exec('ip', ['link', 'set', 'rxa', 'up']);
        }
        // The helper's link notifications reach the service a moment after the flaps
        // (rxpath-link-watch.test.ts): a cycle that starts before they arrived counts them next time.
        let later = await cycleAfter(exporter, Date.now());
        for (let cycles = 1; cycles < 5; cycles++) {
          if (sampleValue(later, 'ethtrack_nic_carrier_down_changes_total', { device: 'rxa' }) === downBefore + 5)
            break;
          later = await cycleAfter(exporter, Date.now());
        }
        assert.equal(sampleValue(later, 'ethtrack_nic_carrier_down_changes_total', { device: 'rxa' }), downBefore + 5);
        assert.equal(sampleValue(later, 'ethtrack_nic_carrier_up_changes_total', { device: 'rxa' }), upBefore + 5);
      } finally {
        await exporter.stop();
      }
    });
  });

  it('serves rx_packets, rx_dropped and rx_nohandler as ip does after frames no protocol takes reach a settled device', async () => {
    await withNetns(['rxn'], async (ns) => {
      await ns.disableIpv6();
      await ns.addVeth('nha', 'nhb');
      const exporter = await Exporter.start([...ONLY_RXPATH, '--collector.rxpath.device-include=^nh'], { ns });
      try {
        await exporter.ready();
        // Two cycles with rx_packets still: the collector now keeps rx_nohandler instead of reading it.
        await cycleAfter(exporter, Date.now());
        await cycleAfter(exporter, Date.now());
        await cycleAfter(exporter, Date.now());
        const rx = async () => {
          const [link] = JSON.parse(await ns.exec('ip', ['-j', '-s', '-s', 'link', 'show', 'nhb'])) as {
            stats64: { rx: Record<string, number> };
          }[];
          return link.stats64.rx;
        };
        const before = await rx();
        // 0x88b5 (local experimental): an ethertype no protocol takes.
        await python(
          ns,
          "import socket\ns=socket.socket(socket.AF_PACKET,socket.SOCK_RAW)\ns.bind(('nha',0))\nfor i in range(7): s.send(b'\\xff'*6+b'\\x02'*6+b'\\x88\\xb5'+b'x'*50)",
        );
        const now = await rx();
        // The frames count in rx_packets, where the collector looks for a reason to read rx_nohandler again.
        assert.equal(now.packets - before.packets, 7, 'rx_packets');
        assert.equal(now.dropped - before.dropped, 7, 'rx_dropped');
        const samples = await cycleAfter(exporter, Date.now());
        const value = (name: string) => sampleValue(samples, name, { device: 'nhb' });
        assert.equal(value('ethtrack_nic_receive_packets_total'), now.packets);
        assert.equal(value('ethtrack_nic_receive_dropped_total'), now.dropped);
        assert.equal(value('ethtrack_nic_receive_nohandler_total'), now.nohandler ?? 0);
      } finally {
        await exporter.stop();
      }
    });
  });

  it('counts UDP receive-buffer errors and TCP listen overflows made in a namespace exactly as nstat does', async () => {
    await withNetns(['rxs'], async (ns) => {
      // A UDP socket with the smallest receive buffer and no reader, flooded; a TCP listener with backlog 1 that never accepts.
      await makeSocketLosses(ns);
      const udp = await nstat(ns, 'UdpRcvbufErrors');
      const overflows = await nstat(ns, 'TcpExtListenOverflows');
      assert.ok(udp > 0, 'the flood overflowed the receive buffer');
      assert.ok(overflows > 0, 'the connects overflowed the accept queue');
      const exporter = await Exporter.start([...ONLY_RXPATH, '--collector.rxpath.device-include=^$'], { ns });
      try {
        await exporter.ready();
        const samples = await cycleAfter(exporter, Date.now());
        assert.equal(sampleValue(samples, 'ethtrack_socket_receive_buffer_errors_total', { protocol: 'udp' }), udp);
        assert.equal(sampleValue(samples, 'ethtrack_socket_listen_overflows_total', { protocol: 'tcp' }), overflows);
        assert.equal(
          sampleValue(samples, 'ethtrack_socket_listen_drops_total', { protocol: 'tcp' }),
          await nstat(ns, 'TcpExtListenDrops'),
        );
      } finally {
        await exporter.stop();
      }
    });
  });

  it('counts backlog drops made over a veth with netdev_max_backlog lowered, as softnet_stat does', async () => {
    await withNetns(['rxba', 'rxbb'], async (a, b) => {
      await a.addVeth('bka', 'bkb', 1, { peerNs: b, address: '10.78.0.1/24', peerAddress: '10.78.0.2/24' });
      // RPS steers bkb's packets to the other CPU's backlog, so a burst from this CPU overflows it.
      await b.exec('sh', ['-c', 'echo 2 > /sys/class/net/bkb/queues/rx-0/rps_cpus']);
      const exporter = await Exporter.start([...ONLY_RXPATH, '--collector.rxpath.device-include=^bk'], { ns: b });
      const sysctl = '/proc/sys/net/core/netdev_max_backlog';
      const saved = fs.readFileSync(sysctl, 'utf8').trim();
      try {
        await exporter.ready();
        const droppedIn = (samples: ParsedSample[]) =>
          select(samples, 'ethtrack_softnet_dropped_total').reduce((sum, s) => sum + s.value, 0);
        const before = droppedIn(await cycleAfter(exporter, Date.now()));
        try {
          // A global sysctl: lowered for the shortest burst, restored at once.
          fs.writeFileSync(sysctl, '2');
          await a.exec('taskset', [
            '-c',
            '0',
            '/usr/bin/python3',
            '-c',
            "import socket\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\nfor i in range(20000): s.sendto(b'x', ('10.78.0.2', 9))",
          ]);
        } finally {
          fs.writeFileSync(sysctl, saved);
        }
        const samples = await cycleAfter(exporter, Date.now());
        const file = parseSoftnet(fs.readFileSync('/proc/net/softnet_stat', 'latin1'), 'softnet_stat');
        const kernel = file.reduce((sum, row) => sum + row.dropped, 0);
        const exported = droppedIn(samples);
        assert.ok(exported > before, `backlog drops grew (${before} → ${exported})`);
        assert.equal(exported, kernel);
        assert.equal(
          sampleValue(samples, 'ethtrack_nic_queue_rps_cpus', { device: 'bkb', queue: '0' }),
          1,
          'RPS mask of one CPU',
        );
      } finally {
        fs.writeFileSync(sysctl, saved);
        await exporter.stop();
      }
    });
  });

  it("maps this machine's eth0 queues to their IRQs and CPUs as /proc/interrupts and effective_affinity_list say", async () => {
    const exporter = await Exporter.start([...ONLY_RXPATH, '--collector.rxpath.device-include=^eth0$']);
    try {
      await exporter.ready();
      const start = Date.now();
      const before = parseInterrupts(fs.readFileSync('/proc/interrupts', 'latin1'), 'interrupts', undefined);
      const samples = await cycleAfter(exporter, start);
      const afterText = parseInterrupts(fs.readFileSync('/proc/interrupts', 'latin1'), 'interrupts', undefined);
      const driver = path.basename(fs.realpathSync('/sys/class/net/eth0/device'));
      const info = select(samples, 'ethtrack_nic_queue_irq_info', { device: 'eth0' });
      const expected = [...afterText].filter(([, line]) =>
        line.names.some((n) => n.startsWith(`${driver}-input.`) || n.startsWith(`${driver}-output.`)),
      );
      assert.ok(expected.length > 0, `eth0 (${driver}) has queue interrupts`);
      assert.equal(info.length, expected.length);
      for (const [irq, line] of expected) {
        const [, kind, queue] = /-(input|output)\.(\d+)$/.exec(line.names[0]) ?? [];
        const direction = kind === 'input' ? 'rx' : 'tx';
        const found = info.find((s) => s.labels.irq === String(irq));
        assert.ok(found, `irq ${irq}`);
        assert.equal(found.labels.queue, queue);
        assert.equal(found.labels.direction, direction);
        const affinity = fs.readFileSync(`/proc/irq/${irq}/effective_affinity_list`, 'utf8').trim();
        assert.equal(found.labels.cpu, affinity.split(/[-,]/)[0], `irq ${irq} delivered to ${affinity}`);
        const count =
          sampleValue(samples, 'ethtrack_nic_queue_interrupts_total', { device: 'eth0', queue, direction }) ?? -1;
        assert.ok((before.get(irq)?.total ?? 0) <= count && count <= line.total, `irq ${irq}: ${count}`);
      }
    } finally {
      await exporter.stop();
    }
  });
});

describe('rxpath bad input', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exits 2 naming --path.procfs when it does not exist', () => {
    const result = spawnSync(process.execPath, [CLI, '--path.procfs=/nonexistent/proc'], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr.trim(), /^.*--path\.procfs.*$/);
  });

  it('fails the collector naming a malformed file while the others keep serving', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-procfs-'));
    dirs.push(root);
    fs.mkdirSync(path.join(root, 'net'));
    for (const name of ['dev', 'snmp', 'snmp6', 'netstat']) {
      fs.writeFileSync(path.join(root, 'net', name), fs.readFileSync(`/proc/net/${name}`));
    }
    fs.writeFileSync(path.join(root, 'interrupts'), fs.readFileSync('/proc/interrupts'));
    fs.writeFileSync(path.join(root, 'net', 'softnet_stat'), 'this is not softnet_stat\n');
    const exporter = await Exporter.start([
      `--path.procfs=${root}`,
      EVERY_SECOND,
      '--collector.ethtool.device-include=^eth0$',
      '--no-collector.conntrack',
    ]);
    try {
      const deadline = Date.now() + 20_000;
      let samples: ParsedSample[] = [];
      while (Date.now() < deadline) {
        samples = parseExposition(await exporter.metrics());
        if (sampleValue(samples, 'ethtrack_collector_success', { collector: 'rxpath' }) === 0) break;
        await sleep(100);
      }
      assert.equal(sampleValue(samples, 'ethtrack_collector_success', { collector: 'rxpath' }), 0);
      assert.equal(select(samples, 'ethtrack_softnet_processed_total').length, 0);
      await exporter.waitForCycle('ethtool', Date.now());
      samples = parseExposition(await exporter.metrics());
      assert.equal(sampleValue(samples, 'ethtrack_collector_success', { collector: 'ethtool' }), 1);
      assert.ok(select(samples, 'ethtrack_nic_stat', { device: 'eth0' }).length > 0);
      const page = await exporter.request('/');
      assert.ok(page.body.includes(path.join(root, 'net', 'softnet_stat')), 'the status page names the file');
      assert.ok(
        exporter.logs.some((line) => line.includes('collector failed') && line.includes(`${root}/net/softnet_stat`)),
        'the log names the file',
      );
    } finally {
      await exporter.stop();
    }
  });
});
