// The helper's memory on the ethtool bench, for comparing helper builds
// (issue 15: the helper must stay at or under 16 MB resident). 128 veth
// devices with 64 queues each (~74,000 stats), the ethtool collector alone
// every 5 s, scraped every 5 s; each helper binary given runs for
// BENCH_SECONDS in the same namespace, one after the other, and its peak
// resident and anonymous memory (smaps_rollup) are printed, with its largest
// mappings at the end of the run (smaps), to show where the memory is.
//
//   node dist/bench/helper-memory.js [HELPER...]   (default: build/helper/ethtrack-helper)
//
// Options (environment): BENCH_PAIRS (64), BENCH_QUEUES (64), BENCH_SECONDS (60),
// BENCH_SMAPS_TO (a file to copy the last helper's /proc/<pid>/smaps to).

import fs from 'node:fs';
import { sleep } from '../test/support/exec';
import { Exporter, HELPER } from '../test/support/exporter';
import { Netns } from '../test/support/netns';
import { type Memory, memoryOf, peakMemory } from './proc';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 64);
const QUEUES = Number(process.env.BENCH_QUEUES ?? 64);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const INTERVAL_MS = 5000;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

interface Mapping {
  name: string;
  rss: number;
  anon: number;
}

/** Resident bytes per mapping name (unnamed anonymous mappings summed as "[anon]"). */
function mappingsOf(pid: number): Mapping[] {
  const byName = new Map<string, Mapping>();
  let current: Mapping | undefined;
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      const name = header[1] || '[anon]';
      current = byName.get(name) ?? { name, rss: 0, anon: 0 };
      byName.set(name, current);
      continue;
    }
    const field = /^(Rss|Anonymous):\s+(\d+) kB/.exec(line);
    if (field && current) {
      if (field[1] === 'Rss') current.rss += Number(field[2]) * 1024;
      else current.anon += Number(field[2]) * 1024;
    }
  }
  return [...byName.values()].sort((a, b) => b.rss - a.rss);
}

/** Thread count and VmHWM (the kernel's own resident high-water mark, which catches peaks between samples). */
function statusOf(pid: number): { threads: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    threads: Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 0),
    hwm: Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024,
  };
}

async function measure(ns: Netns, helper: string): Promise<void> {
  const exporter = await Exporter.start(
    [
      '--collector.ethtool.device-include=^bv',
      '--no-collector.conntrack',
      '--no-collector.rxpath',
      '--collector.ethtool.schedule=*/5 * * * * *',
    ],
    { ns, helper },
  );
  try {
    await exporter.ready(60_000);
    const pid = await exporter.helperPid();
    let peak: Memory = { rss: 0, anon: 0 };
    const readings: string[] = [];
    let samples = 0;
    const end = Date.now() + SECONDS * 1000;
    while (Date.now() < end) {
      const page = await exporter.metrics();
      samples = page.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
      const now = memoryOf(pid);
      peak = peakMemory(peak, now);
      readings.push(mb(now.rss));
      await sleep(INTERVAL_MS);
    }
    const status = statusOf(pid);
    console.log(`\n${helper}`);
    console.log(
      `  peak: rss ${mb(peak.rss)}, anon ${mb(peak.anon)}; VmHWM ${mb(status.hwm)}; threads ${status.threads}; samples on the last page ${samples}`,
    );
    console.log(`  rss every 5 s: ${readings.join(' ')}`);
    if (process.env.BENCH_SMAPS_TO) fs.writeFileSync(process.env.BENCH_SMAPS_TO, fs.readFileSync(`/proc/${pid}/smaps`));
    for (const m of mappingsOf(pid).slice(0, 12))
      console.log(`  ${mb(m.rss).padStart(9)} (anon ${mb(m.anon)})  ${m.name}`);
  } finally {
    await exporter.stop();
  }
}

async function main(): Promise<void> {
  const helpers = process.argv.slice(2);
  const ns = await Netns.create('helper-mem');
  try {
    for (let i = 0; i < PAIRS; i++) await ns.addVeth(`bv${i}a`, `bv${i}b`, QUEUES);
    console.log(`${PAIRS * 2} devices x ${QUEUES} queues; ${SECONDS} s per helper`);
    for (const helper of helpers.length ? helpers : [HELPER]) await measure(ns, helper);
  } finally {
    ns.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
