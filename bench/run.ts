// npm run bench: ethtrack side by side with its peers, in one run, on the
// same devices and the same conntrack table, printing ratios (absolute times
// drift on shared machines; ratios measured in one run hold).
//
//   ethtool: 128 veth devices with 64 queues each (~74,000 stats): ethtrack's
//            cycle, CPU per hour, memory and scrape vs node_exporter's ethtool
//            collector, both every 5 s (footprint.ts).
//   conntrack: 250,000 entries: ethtrack's breakdown (helper, aggregated in C)
//            vs a raw ctnetlink dump that only counts messages vs `conntrack -L`.
//   soak:    collection every second for a while; resident memory of the
//            service and the helper must stay flat.
//
// Options (environment): BENCH_PAIRS (64), BENCH_QUEUES (64), BENCH_CT (250000),
// BENCH_SECONDS (180, each exporter's run in the ethtool benchmark),
// BENCH_SOAK_SECONDS (300), BENCH_ONLY (ethtool|conntrack|flows|soak|rxpath, comma list),
// BENCH_STAT_INCLUDE (a --collector.ethtool.stat-include regexp for ethtrack, to time the filter);
// bench/flows.ts adds BENCH_CHURN_SECONDS (600).
//   rxpath:  the rxpath collector's cycle vs node_exporter's softnet, netdev and
//            netstat on the same veths (bench/rxpath.ts).
// BENCH_NODE_FLAGS (extra node flags for the service in the ethtool benchmark).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HelperClient } from '../src/helper-client/client';
import { run, sleep } from '../test/support/exec';
import { Exporter, HELPER, ROOT } from '../test/support/exporter';
import { parseExposition, sampleValue } from '../test/support/exposition';
import { Netns } from '../test/support/netns';
import { childPids, mb, median, ms, ratio, table, timedGet } from './common';
import { benchFlows } from './flows';
import { benchEthtool } from './footprint';
import { memoryOf } from './proc';
import { benchRxpath } from './rxpath';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 64);
const QUEUES = Number(process.env.BENCH_QUEUES ?? 64);
const CT_ENTRIES = Number(process.env.BENCH_CT ?? 250_000);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 300);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'ethtool,conntrack,soak,rxpath').split(','));
const CT_COUNT = path.join(ROOT, 'build', 'helper', 'ct-count');
const CT_FILL = path.join(ROOT, 'build', 'helper', 'ct-fill');
const CAP_COST = path.join(ROOT, 'build', 'helper', 'cap-cost');

async function benchConntrack(): Promise<void> {
  console.log(`\n== conntrack: ${CT_ENTRIES} entries ==`);
  const ns = await Netns.create('bench-ct');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-bench-'));
  const socket = path.join(dir, 'helper.sock');
  const helper = spawn('ip', ['netns', 'exec', ns.name, HELPER, '--socket', socket], { stdio: 'ignore' });
  try {
    await ns
      .exec('sysctl', ['-qw', `net.netfilter.nf_conntrack_max=${Math.max(CT_ENTRIES + 1000, 262144)}`])
      .catch(() => undefined);
    const start = Date.now();
    await ns.exec(CT_FILL, [String(CT_ENTRIES), '3600']);
    const count = Number((await ns.exec('cat', ['/proc/sys/net/netfilter/nf_conntrack_count'])).trim());
    console.log(`  filled ${count} entries in ${((Date.now() - start) / 1000).toFixed(1)} s`);
    const client = new HelperClient(`unix://${socket}`, 60_000);
    const deadline = Date.now() + 5000;
    while (
      Date.now() < deadline &&
      !(await client.info().then(
        () => true,
        () => false,
      ))
    )
      await sleep(50);

    const breakdown: number[] = [];
    const raw: number[] = [];
    const listed: number[] = [];
    let total = 0;
    for (let i = 0; i < 5; i++) {
      let t = process.hrtime.bigint();
      const reply = await client.conntrackBreakdown(60_000);
      breakdown.push(Number(process.hrtime.bigint() - t) / 1e9);
      total = reply.total;
      t = process.hrtime.bigint();
      await ns.exec(CT_COUNT, []);
      raw.push(Number(process.hrtime.bigint() - t) / 1e9);
      t = process.hrtime.bigint();
      await ns.exec('sh', ['-c', 'conntrack -L >/dev/null 2>&1']);
      listed.push(Number(process.hrtime.bigint() - t) / 1e9);
    }
    client.close();
    table([
      ['', 'median', 'vs breakdown'],
      [`ethtrack breakdown (${total} counted, via gRPC)`, ms(median(breakdown)), '1.00x'],
      ['raw ctnetlink dump, counting only (ct-count)', ms(median(raw)), ratio(median(raw), median(breakdown))],
      ['conntrack -L > /dev/null', ms(median(listed)), ratio(median(listed), median(breakdown))],
    ]);
    console.log(
      `  breakdown / raw dump = ${ratio(median(breakdown), median(raw))} (target <= 1.3x); conntrack -L / breakdown = ${ratio(median(listed), median(breakdown))} (target >= 4x)`,
    );
    // The helper raises CAP_NET_ADMIN around each ctnetlink send (one per breakdown, two per summary).
    console.log(`  CAP_NET_ADMIN raised and lowered around each send: ${(await run(CAP_COST, [])).trim()}`);

    // The service with the breakdown only (aggregates), then with the flows collector (a per-entry table).
    for (const [label, args] of [
      ['service, conntrack + breakdown', ['--collector.conntrack.breakdown-schedule=*/5 * * * * *']],
      [
        'service, flows collector',
        [
          '--no-collector.conntrack',
          '--collector.flows',
          '--collector.flows.schedule=*/10 * * * * *',
          '--collector.conntrack.dump-timeout=60s',
        ],
      ],
    ] as const) {
      const exporter = await Exporter.start(['--no-collector.ethtool', ...args], { ns, helper: HELPER });
      await exporter.ready(120_000);
      const job = label.includes('flows') ? 'flows' : 'conntrack_breakdown';
      await exporter.waitForCycle(job, Date.now(), 120_000);
      await exporter.waitForCycle(job, Date.now(), 120_000);
      const samples = parseExposition(await exporter.metrics());
      const rss = memoryOf(exporter.child.pid ?? 0).rss;
      console.log(
        `  ${label}: cycle ${ms(sampleValue(samples, 'ethtrack_collector_duration_seconds', { collector: job }) ?? Number.NaN)}, resident ${mb(rss)}${job === 'flows' ? `, ${sampleValue(samples, 'ethtrack_flow_tracked')} entries tracked` : ''}`,
      );
      await exporter.stop();
    }
  } finally {
    helper.kill('SIGTERM');
    ns.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function benchSoak(): Promise<void> {
  console.log(
    `\n== soak: ${SOAK_SECONDS} s, a cycle every second, ${Math.min(PAIRS, 16) * 2} devices x ${QUEUES} queues ==`,
  );
  const ns = await Netns.create('bench-soak');
  try {
    for (let i = 0; i < Math.min(PAIRS, 16); i++) await ns.addVeth(`sv${i}a`, `sv${i}b`, QUEUES);
    const exporter = await Exporter.start(
      [
        '--collector.ethtool.device-include=^sv',
        '--collector.ethtool.schedule=* * * * * *',
        '--collector.conntrack.schedule=* * * * * *',
        '--collector.conntrack.breakdown-schedule=* * * * * *',
      ],
      { ns, helper: HELPER },
    );
    await exporter.ready(60_000);
    const servicePid = exporter.child.pid ?? 0;
    const [helperPid] = await childPids(servicePid);
    const url = `http://127.0.0.1:${exporter.httpPort}/metrics`;
    const samples: [number, number, number][] = [];
    const start = Date.now();
    // Warm-up: let V8 and the helper reach their working sets.
    await sleep(10_000);
    while (Date.now() - start < SOAK_SECONDS * 1000) {
      await timedGet(ns, url);
      await timedGet(ns, url, true);
      samples.push([(Date.now() - start) / 1000, memoryOf(servicePid).rss, memoryOf(helperPid).rss]);
      await sleep(5000);
    }
    const cycles = parseExposition(await exporter.metrics());
    await exporter.stop();
    // A leak keeps climbing; a warming heap levels off. Compare the middle third with the last third.
    const third = Math.max(1, Math.floor(samples.length / 3));
    const middle = samples.slice(third, 2 * third);
    const last = samples.slice(-third);
    const peak = (rows: [number, number, number][], i: 1 | 2) => Math.max(...rows.map((row) => row[i]));
    const change = (i: 1 | 2) => `${(((peak(last, i) - peak(middle, i)) / peak(middle, i)) * 100).toFixed(1)}%`;
    table([
      ['', 'start', 'peak, middle third', 'peak, last third', 'last vs middle'],
      ['service RSS', mb(samples[0][1]), mb(peak(middle, 1)), mb(peak(last, 1)), change(1)],
      ['helper RSS', mb(samples[0][2]), mb(peak(middle, 2)), mb(peak(last, 2)), change(2)],
    ]);
    console.log(
      `  ethtool collector: ${sampleValue(cycles, 'ethtrack_collector_success', { collector: 'ethtool' }) === 1 ? 'ok' : 'FAILED'}; service RSS every 5 s (MB): ${samples.map((s) => (s[1] / 1048576).toFixed(0)).join(' ')}`,
    );
  } finally {
    ns.destroy();
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the benchmarks need root (network namespaces)');
  console.log(`ethtrack benchmarks, ${new Date().toISOString()}, ${os.cpus().length} CPUs, kernel ${os.release()}`);
  if (ONLY.has('ethtool')) await benchEthtool();
  if (ONLY.has('conntrack')) await benchConntrack();
  if (ONLY.has('conntrack') || ONLY.has('flows')) await benchFlows(); // bench/flows.ts
  if (ONLY.has('soak')) await benchSoak();
  if (ONLY.has('rxpath')) await benchRxpath(PAIRS, QUEUES);
}

main().catch((err: Error) => {
  console.error(`bench failed: ${err.message}`);
  process.exit(1);
});
