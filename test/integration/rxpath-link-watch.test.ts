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
// (the helper's thread, then the stream), so the cycle that must show a
// flap is one that starts a little after it: a flap made just before a
// cycle starts is counted by the next one.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sleep } from '../support/exec';
import { Exporter } from '../support/exporter';
import { type ParsedSample, parseExposition, sampleValue } from '../support/exposition';
import { type Netns, withNetns } from '../support/netns';

const ONLY_RXPATH = [
  '--no-collector.ethtool',
  '--no-collector.conntrack',
  '--collector.rxpath.schedule=* * * * * *',
  '--collector.rxpath.device-include=^w[ab]',
];
/** How long after a flap the cycle that must count it starts, at least (the notification's way is a few ms). */
const SETTLE_MS = 200;
const CARRIER_FILE = /\/net\/([^/>]+)\/carrier_(?:changes|up_count|down_count)>/;

/** Samples of a cycle that started after `since` (ms since epoch). */
async function cycleAfter(exporter: Exporter, since: number): Promise<ParsedSample[]> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const samples = parseExposition(await exporter.metrics());
    const end =
      (sampleValue(samples, 'ethtrack_collector_last_success_timestamp_seconds', { collector: 'rxpath' }) ?? 0) * 1000;
    const took = (sampleValue(samples, 'ethtrack_collector_duration_seconds', { collector: 'rxpath' }) ?? 0) * 1000;
    if (end - took > since) return samples;
    await sleep(100);
  }
  throw new Error(`no rxpath cycle after ${since}: ${exporter.logs.join('\n')}`);
}

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

async function assertCounts(ns: Netns, samples: ParsedSample[], device: string): Promise<void> {
  for (const [metric, file] of [
    ['ethtrack_nic_carrier_up_changes_total', 'carrier_up_count'],
    ['ethtrack_nic_carrier_down_changes_total', 'carrier_down_count'],
  ]) {
    assert.equal(sampleValue(samples, metric, { device }), await sysfsCount(ns, device, file), `${metric} ${device}`);
  }
}

describe('rxpath link watch on the real kernel', () => {
  it('reads no carrier file on an idle cycle, only the flapped devices after a flap, and counts every flap', async () => {
    await withNetns(['rxw'], async (ns) => {
      await ns.disableIpv6();
      await ns.addVeth('wa0', 'wb0');
      await ns.addVeth('wa1', 'wb1');
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
          after = await cycleAfter(exporter, Date.now() + SETTLE_MS);
        });
        // wa0 went down and up; its peer wb0 lost and regained carrier with it. wa1 and wb1 were left alone.
        assert.deepEqual([...new Set(flapped)].sort(), ['wa0', 'wb0']);
        assert.equal(sampleValue(after, 'ethtrack_nic_carrier_up_changes_total', { device: 'wa0' }), upBefore + 5);
        for (const device of ['wa0', 'wb0', 'wa1', 'wb1']) await assertCounts(ns, after, device);

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
        const restarted = await cycleAfter(exporter, Date.now() + SETTLE_MS);
        for (const device of ['wa0', 'wb0', 'wa1', 'wb1']) await assertCounts(ns, restarted, device);
        assert.deepEqual(exporter.sanitizerReports(), []);
      } finally {
        await exporter.stop();
      }
    });
  });
});
