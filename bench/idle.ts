// The idle service of the ethtool benchmark (one device, default
// collectors): the time from spawn to its "ready" log line (from when on
// /readyz answers 200, which is checked), and its memory
// 10 s after ready. footprint.ts runs it once as part of `npm run bench`;
// run alone it repeats, since one start on a shared machine says little:
//
//   node dist/bench/idle.js [runs=5]      medians of ready time, RSS, anon
//   IDLE_SETTLE_MS=0 node dist/bench/idle.js 9   ready time only (no 10 s wait)
//
// BENCH_NODE_FLAGS adds node flags to the service (--cpu-prof...).

import { sleep } from '../test/support/exec';
import { Exporter, HELPER } from '../test/support/exporter';
import { Netns } from '../test/support/netns';
import { mb, median } from './common';
import { type Memory, memoryOf } from './proc';

const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

/** An idle service on one device: time from spawn to ready, then its memory `settleMs` later. */
export async function idle(settleMs = 10_000): Promise<{ readySeconds: number; memory: Memory; helper: Memory }> {
  const ns = await Netns.create('bench-idle');
  try {
    await ns.addVeth('iv0a', 'iv0b');
    // The kernel's own work on a new device (addrconf) finishes before the clock starts.
    await sleep(1000);
    const start = Date.now();
    const exporter = await Exporter.start(['--collector.ethtool.device-include=^iv0a$'], {
      ns,
      helper: HELPER,
      nodeFlags: NODE_FLAGS,
    });
    // Its own "ready" log line, read from its stderr as it comes: polling /readyz with a curl per
    // try (a fork and exec each, on a 2-core machine) took CPU from the start it measured.
    while (exporter.readyAt === 0 && Date.now() - start < 20_000) await sleep(2);
    const readySeconds = exporter.readyAt > 0 ? (exporter.readyAt - start) / 1000 : Number.NaN;
    const reply = await exporter.request('/readyz');
    if (reply.status !== 200) throw new Error(`logged ready, but /readyz answers ${reply.status}`);
    await sleep(settleMs);
    const memory = memoryOf(exporter.child.pid ?? 0);
    const helper = memoryOf(await exporter.helperPid());
    await exporter.stop();
    return { readySeconds, memory, helper };
  } finally {
    ns.destroy();
  }
}

/** `runs` idle starts, each printed; the medians of their ready times and memory (service and helper). */
export async function idleMedians(
  runs: number,
  settleMs = 10_000,
): Promise<{ readySeconds: number; memory: Memory; helper: Memory; runs: number }> {
  const results: Awaited<ReturnType<typeof idle>>[] = [];
  for (let i = 0; i < runs; i++) {
    const result = await idle(settleMs);
    results.push(result);
    console.log(
      `  idle run ${i + 1}: ready ${result.readySeconds.toFixed(3)} s, rss ${mb(result.memory.rss)}, anon ${mb(result.memory.anon)}`,
    );
  }
  const of = (pick: (r: Awaited<ReturnType<typeof idle>>) => number) => median(results.map(pick));
  return {
    readySeconds: of((r) => r.readySeconds),
    memory: { rss: of((r) => r.memory.rss), anon: of((r) => r.memory.anon) },
    helper: { rss: of((r) => r.helper.rss), anon: of((r) => r.helper.anon) },
    runs,
  };
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const { readySeconds, memory } = await idleMedians(runs, Number(process.env.IDLE_SETTLE_MS ?? 10_000));
  console.log(`median of ${runs}: ready ${readySeconds.toFixed(3)} s, rss ${mb(memory.rss)}, anon ${mb(memory.anon)}`);
}

if (require.main === module) void main();
