// `npm run fixtures:record` (root): records the helper replies the root-free
// golden tests replay, from the same kind of namespaces, veths and conntrack
// entries the integration tests build, together with what `ethtool -S`,
// `ethtool -i`, `conntrack -L` and `conntrack -S` said at the same moment
// (the oracle the golden tests check the expositions against). Then rewrites
// the golden expositions from the new recording.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PATHS } from '../../src/paths';
import { ADDRESSES, background, everyStateEntries, insertEntry, linkPair, trackConnections, until } from './conntrack';
import { run, sleep } from './exec';
import {
  GOLDEN_DIR,
  goldenJobs,
  ORACLE_DIR,
  PROCFS_DIR,
  renderJobs,
  rxpathJob,
  SYSFS_DIR,
  writeGolden,
} from './golden';
import { HelperProcess, traversableTempDir } from './helper-process';
import { RecordingHelper, ReplayHelper, writeRecording } from './helper-replay';
import { type Netns, withNetns } from './netns';

const { A4, B4, B6 } = ADDRESSES;

/** What the kernel's own tools say; equal before and after the helper calls, or the moment was not still. */
async function oracle(ns: Netns): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const links = JSON.parse(await ns.exec('ip', ['-j', 'link', 'show'])) as { ifname: string }[];
  for (const { ifname } of links) {
    for (const [flag, tag] of [
      ['-S', 'ethtool-S'],
      ['-i', 'ethtool-i'],
    ]) {
      try {
        files.set(`${tag}.${ifname}.txt`, await ns.exec('ethtool', [flag, ifname]));
      } catch {
        // a device without stats (lo, the bridge) has no -S output
      }
    }
  }
  files.set('conntrack-L.txt', await ns.exec('conntrack', ['-L', '-o', 'extended']));
  files.set('conntrack-S.txt', await ns.exec('conntrack', ['-S']));
  files.set('ip-addr.json', await ns.exec('ip', ['-j', 'addr', 'show']));
  return files;
}

/** `conntrack -L -o extended` without each entry's remaining timeout, which counts down by the second. */
const withoutTimeouts = (text: string) =>
  text
    .split('\n')
    .map((line) =>
      line
        .split(/\s+/)
        .filter((_, i) => i !== 4)
        .join(' '),
    )
    .join('\n');

const comparable = (key: string, value: string | undefined) =>
  key === 'conntrack-L.txt' && value !== undefined ? withoutTimeouts(value) : value;

const same = (x: Map<string, string>, y: Map<string, string>) =>
  x.size === y.size && [...x].every(([key, value]) => comparable(key, y.get(key)) === comparable(key, value));

/** Namespace a: a veth to b with real traffic, an 8-queue veth pair, a bridge, and entries in every state. */
async function buildNode(a: Netns, b: Netns): Promise<void> {
  await trackConnections(a, { accounting: true });
  await linkPair(a, b);
  await a.addVeth('q8a', 'q8b', 8);
  await a.exec('ip', ['link', 'add', 'br0', 'type', 'bridge']);
  await a.exec('ip', ['link', 'set', 'br0', 'up']);
  for (const spec of everyStateEntries()) await insertEntry(a, spec);
  const servers = [
    background(b, '/usr/bin/python3', ['-m', 'http.server', '--bind', '::', '8000']),
    background(a, '/usr/bin/python3', ['-m', 'http.server', '--bind', '::', '8001']),
  ];
  try {
    // Outbound http in both families, inbound http (the peer is the source), pings, udp never answered.
    await until('http server in b', () => a.exec('curl', ['-sS', '-o', '/dev/null', `http://${B4}:8000/`]));
    await until('http server in a', () => b.exec('curl', ['-sS', '-o', '/dev/null', `http://${A4}:8001/`]));
    await a.exec('curl', ['-sS', '-o', '/dev/null', `http://[${B6}]:8000/`]);
    await a.exec('ping', ['-c', '5', '-i', '0.05', '-q', B4]);
    await a.exec('ping', ['-6', '-c', '3', '-i', '0.05', '-q', B6]);
    await a.exec('bash', ['-c', `for i in 1 2 3; do echo datagram > /dev/udp/${B4}/9999; done`]);
  } finally {
    for (const server of servers) server.stop();
  }
  await sleep(1000); // the last FIN/ACKs and MLD reports settle
}

/**
 * The files rxpath reads, as the namespace sees them (`ip netns exec` mounts
 * its own /sys): /proc/net/{dev,snmp,snmp6,netstat} of the namespace, the
 * node's /proc/interrupts, the first two CPUs of softnet_stat, and per device
 * its statistics, carrier counts and rx queues' RPS masks. cat, not cp: sysfs
 * paths are symlinks and its files claim 4096 bytes; the copies are real
 * directories and files holding what a read returned.
 */
async function recordKernelFiles(ns: Netns): Promise<void> {
  fs.rmSync(PROCFS_DIR, { recursive: true, force: true });
  fs.rmSync(SYSFS_DIR, { recursive: true, force: true });
  const script = `set -eu
proc=$1 sys=$2
mkdir -p "$proc/net"
for f in dev snmp snmp6 netstat; do cat "/proc/net/$f" >"$proc/net/$f"; done
head -n 2 /proc/net/softnet_stat >"$proc/net/softnet_stat"
cat /proc/interrupts >"$proc/interrupts"
for d in /sys/class/net/*; do
  out="$sys/class/net/\${d##*/}"
  mkdir -p "$out/statistics"
  for f in "$d"/statistics/*; do cat "$f" >"$out/statistics/\${f##*/}"; done
  for f in carrier_up_count carrier_down_count; do
    if [ -r "$d/$f" ]; then cat "$d/$f" >"$out/$f"; fi
  done
  for q in "$d"/queues/rx-*; do
    [ -r "$q/rps_cpus" ] || continue
    mkdir -p "$out/queues/\${q##*/}"
    cat "$q/rps_cpus" >"$out/queues/\${q##*/}/rps_cpus"
  done
done`;
  // Background traffic (IPv6 router solicitations) can move a counter between
  // the /proc/net/dev read and the sysfs reads: record again until they agree.
  for (let attempt = 1; ; attempt++) {
    await ns.exec('bash', ['-c', script, 'record', PROCFS_DIR, SYSFS_DIR]);
    if (kernelFilesAgree()) return;
    if (attempt === 10) throw new Error('/proc/net/dev and sysfs never agreed across a recording');
    await sleep(200);
  }
}

/** Whether the recorded /proc/net/dev and each device's sysfs packet counters tell the same story. */
function kernelFilesAgree(): boolean {
  const dev = fs
    .readFileSync(path.join(PROCFS_DIR, 'net', 'dev'), 'utf8')
    .split('\n')
    .slice(2)
    .filter(Boolean);
  return dev.every((line) => {
    const [name, rest] = line.split(':');
    const fields = rest.trim().split(/\s+/).map(Number);
    const stat = (file: string) =>
      Number(fs.readFileSync(path.join(SYSFS_DIR, 'class', 'net', name.trim(), 'statistics', file), 'utf8'));
    return stat('rx_packets') === fields[1] && stat('tx_packets') === fields[9];
  });
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('recording needs root: namespaces, veths and the helper');
  await withNetns(['rec-a', 'rec-b'], async (a, b) => {
    await buildNode(a, b);
    const { dir, cleanup } = traversableTempDir('record');
    const helper = await HelperProcess.start(PATHS.helper, path.join(dir, 'helper.sock'), { ns: a });
    try {
      for (let attempt = 1; ; attempt++) {
        const before = await oracle(a);
        const recorder = new RecordingHelper(helper.address);
        const info = await recorder.info();
        recorder.calls.length = 0;
        const addresses = JSON.parse(before.get('ip-addr.json') ?? '[]') as { addr_info: { local: string }[] }[];
        const localAddresses = addresses.flatMap((link) => link.addr_info.map((addr) => addr.local));
        // Every job once, in order, as the runner would run them.
        for (const job of goldenJobs()) await job.collect(recorder);
        recorder.close();
        const after = await oracle(a);
        if (!same(before, after)) {
          const moved = [...new Set([...before.keys(), ...after.keys()])].filter(
            (k) => comparable(k, before.get(k)) !== comparable(k, after.get(k)),
          );
          console.log(`attempt ${attempt}: ${moved.join(', ')} changed during the recording`);
          if (attempt === 5) throw new Error('the namespace never held still across a recording');
          await sleep(1000);
          continue;
        }
        writeRecording(recorder.calls, {
          recordedAt: new Date().toISOString(),
          kernel: os.release(),
          helperVersion: info.version,
          localAddresses,
        });
        fs.rmSync(ORACLE_DIR, { recursive: true, force: true });
        fs.mkdirSync(ORACLE_DIR, { recursive: true });
        for (const [file, text] of before) fs.writeFileSync(path.join(ORACLE_DIR, file), text);
        console.log(`recorded ${recorder.calls.length} calls on attempt ${attempt}`);
        break;
      }
    } finally {
      await helper.stop();
      cleanup();
    }
    await recordKernelFiles(a);
  });
  // The golden files follow the new recording.
  const replay = new ReplayHelper();
  fs.rmSync(GOLDEN_DIR, { recursive: true, force: true });
  const jobs = [...goldenJobs(), rxpathJob()];
  for (const [job, text] of await renderJobs(jobs, replay)) {
    writeGolden(job, text);
    console.log(`wrote golden/${job}.prom (${text.split('\n').length - 1} lines)`);
  }
  await run('chmod', ['-R', 'a+rX', PATHS.testFixtures]);
}

main().catch((err: Error) => {
  console.error(`fixtures:record: ${err.stack ?? err.message}`);
  process.exit(1);
});
