// The rxpath collector's link watch (the helper's WatchLinks, rtnetlink's
// link group) against the real kernel. Once the watch is live an idle cycle
// reads no device's carrier counts; a flap makes the next cycle read the
// flapped devices' counts and no other's; the counts served equal sysfs's.
// Flaps made while the helper is down and restarting are counted too (the
// collector reads every device until a new watch has resynced). Which
// files the exporter reads is seen with `strace -y`, which names the file
// behind every descriptor.
//
// The kernel's notification reaches the service a moment after the flap
// (the helper's thread, then the stream; a NIC's carrier change is batched
// by the kernel's linkwatch for up to a second), so a cycle that starts
// before it arrived counts the flap next time: the checks below allow a
// few cycles for the counts to arrive, and the counts must then be exact.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sleep } from '../support/exec';
import { Exporter } from '../support/exporter';
import { type ParsedSample, sampleValue } from '../support/exposition';
import { type Netns, withNetns } from '../support/netns';

const ONLY_RXPATH = [
  '--no-collector.ethtool',
  '--no-collector.conntrack',
  '--collector.rxpath.schedule=* * * * * *',
  '--collector.rxpath.device-include=^w[ab]',
];
/** Cycles a flap may take to be counted (its notification may arrive after a cycle started). */
const CYCLES_TO_COUNT = 5;
const CARRIER_FILE = /\/net\/([^/>]+)\/carrier_(?:changes|up_count|down_count)>/;

const cycleAfter = (exporter: Exporter, since: number) => exporter.cycleAfter('rxpath', since);

/**
 * Runs `during` with strace attached to the exporter and returns the
 * devices whose carrier files it read meanwhile, once per read.
 * epoll_wait is traced too, only to see when strace is attached.
 */
async function carrierReads(exporter: Exporter, during: () => Promise<void>): Promise<string[]> {
  const out = path.join(os.tmpdir(), `ethtrack-strace-${process.pid}-${Date.now()}.txt`);
  const strace: ChildProcess = spawn(
    'strace',
    ['-f', '-y', '-qq', '-e', 'trace=read,pread64,epoll_wait,epoll_pwait', '-o', out, '-p', String(exporter.child.pid)],
    { stdio: 'ignore' },
  );
  const exited = new Promise((resolve) => strace.once('exit', resolve));
  try {
    const deadline = Date.now() + 10_000;
    while (!(fs.existsSync(out) && fs.statSync(out).size > 0)) {
      if (Date.now() > deadline) throw new Error('strace did not attach');
      await sleep(20);
    }
    await during();
  } finally {
    strace.kill('SIGINT');
    await exited;
  }
  const devices: string[] = [];
  for (const line of fs.readFileSync(out, 'utf8').split('\n')) {
    const match = CARRIER_FILE.exec(line);
    if (match) devices.push(match[1]);
  }
  fs.rmSync(out, { force: true });
  return devices;
}

async function flap(ns: Netns, device: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    await ns.exec('ip', ['link', 'set', device, 'down']);
    await ns.exec('ip', ['link', 'set', device, 'up']);
  }
}

async function sysfsCount(ns: Netns, device: string, file: string): Promise<number> {
  return Number((await ns.exec('cat', [`/sys/class/net/${device}/${file}`])).trim());
}

async function sysfsCounts(ns: Netns, devices: string[]): Promise<Map<string, [number, number]>> {
  const counts = new Map<string, [number, number]>();
  for (const device of devices) {
    counts.set(device, [
      await sysfsCount(ns, device, 'carrier_up_count'),
      await sysfsCount(ns, device, 'carrier_down_count'),
    ]);
  }
  return counts;
}

const served = (samples: ParsedSample[], device: string): [number, number] => [
  sampleValue(samples, 'ethtrack_nic_carrier_up_changes_total', { device }) ?? -1,
  sampleValue(samples, 'ethtrack_nic_carrier_down_changes_total', { device }) ?? -1,
];

/** Cycles after now until one serves sysfs's carrier counts for every device (at most CYCLES_TO_COUNT). */
async function countsArrive(exporter: Exporter, ns: Netns, devices: string[]): Promise<ParsedSample[]> {
  const want = await sysfsCounts(ns, devices);
  let samples: ParsedSample[] = [];
  for (let cycle = 0; cycle < CYCLES_TO_COUNT; cycle++) {
    samples = await cycleAfter(exporter, Date.now());
    if (devices.every((device) => served(samples, device).join() === want.get(device)?.join())) return samples;
  }
  assert.deepEqual(
    devices.map((device) => [device, served(samples, device)]),
    devices.map((device) => [device, want.get(device)]),
    `counts after ${CYCLES_TO_COUNT} cycles`,
  );
  return samples;
}

describe('rxpath link watch on the real kernel', () => {
  it('reads no carrier file on an idle cycle, only the flapped devices after a flap, and counts every flap', async () => {
    await withNetns(['rxw'], async (ns) => {
      await ns.disableIpv6();
      await ns.addVeth('wa0', 'wb0');
      await ns.addVeth('wa1', 'wb1');
      const DEVICES = ['wa0', 'wb0', 'wa1', 'wb1'];
      const exporter = await Exporter.start(ONLY_RXPATH, { ns });
      try {
        await exporter.ready();
        // The watch's resync arrives within the first cycles; the cycle after it reads every device once.
        await cycleAfter(exporter, Date.now());
        await cycleAfter(exporter, Date.now());

        const idle = await carrierReads(exporter, async () => {
          await cycleAfter(exporter, Date.now());
          await cycleAfter(exporter, Date.now());
        });
        assert.deepEqual(idle, [], 'idle cycles read carrier files');

        const upBefore = await sysfsCount(ns, 'wa0', 'carrier_up_count');
        let after: ParsedSample[] = [];
        const flapped = await carrierReads(exporter, async () => {
          await flap(ns, 'wa0', 5);
          after = await countsArrive(exporter, ns, DEVICES);
        });
        // wa0 went down and up; its peer wb0 lost and regained carrier with it. wa1 and wb1 were left alone.
        assert.deepEqual([...new Set(flapped)].sort(), ['wa0', 'wb0']);
        assert.equal(served(after, 'wa0')[0], upBefore + 5);

        // The helper killed: flaps made while it is down and restarting are still counted.
        const helper = await exporter.helperPid();
        process.kill(helper, 'SIGKILL');
        await flap(ns, 'wa1', 3);
        const deadline = Date.now() + 20_000;
        for (;;) {
          // pgrep fails while no helper runs.
          const pid = await exporter.helperPid().catch(() => undefined);
          if (pid !== undefined && pid !== helper) break;
          assert.ok(Date.now() < deadline, 'the helper was not restarted');
          await sleep(100);
        }
        await flap(ns, 'wb1', 2);
        await countsArrive(exporter, ns, DEVICES);

        // And the new helper's watch takes over: idle cycles read no carrier file again.
        let quiet = false;
        for (let attempt = 0; attempt < 10 && !quiet; attempt++) {
          quiet =
            (await carrierReads(exporter, () => cycleAfter(exporter, Date.now()).then(() => undefined))).length === 0;
        }
        assert.ok(quiet, 'no idle cycle without carrier reads after the helper restarted');
        assert.deepEqual(exporter.sanitizerReports(), []);
      } finally {
        await exporter.stop();
      }
    });
  });

  it('serves the new device of a name after the old one was renamed away', async () => {
    await withNetns(['rxr'], async (ns) => {
      await ns.disableIpv6();
      await ns.addVeth('wa0', 'wb0');
      const exporter = await Exporter.start(ONLY_RXPATH, { ns });
      try {
        await exporter.ready();
        await flap(ns, 'wa0', 3);
        await countsArrive(exporter, ns, ['wa0', 'wb0']);
        // Between two cycles: wa0 renamed away, and a new wa0 made. A descriptor kept open on the
        // old wa0's carrier files follows it to its new name.
        await ns.exec('ip', ['link', 'set', 'wa0', 'down']);
        await ns.exec('ip', ['link', 'set', 'wa0', 'name', 'wold']);
        await ns.exec('ip', ['link', 'add', 'wa0', 'type', 'veth', 'peer', 'name', 'wb9']);
        await ns.exec('ip', ['link', 'set', 'wa0', 'up']);
        await ns.exec('ip', ['link', 'set', 'wb9', 'up']);
        const samples = await countsArrive(exporter, ns, ['wa0', 'wb0', 'wb9']);
        assert.notDeepEqual(served(samples, 'wa0'), [
          await sysfsCount(ns, 'wold', 'carrier_up_count'),
          await sysfsCount(ns, 'wold', 'carrier_down_count'),
        ]);
      } finally {
        await exporter.stop();
      }
    });
  });
});
