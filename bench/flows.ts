// The flows collector's benchmarks (issue 8), called from run.ts when
// BENCH_ONLY names conntrack or flows:
//
//   size:  at 250,000 entries and at BENCH_CT (when larger), a flows cycle
//          (GetFlows through the helper's table) against a raw ctnetlink dump
//          that only counts messages (ct-count); the helper's resident memory
//          and bytes per tracked entry; the service's resident and anonymous
//          memory with the flows collector on. nf_conntrack_max is raised for
//          the run and restored.
//   churn: BENCH_CHURN_SECONDS (600) of 2,000 new and 2,000 deleted entries a
//          second (ct-fill, by tuple) on top of a 250,000-entry table, flows
//          every 5 s: DESTROY events lost, the peaks of service and helper
//          memory in each half of the run, and the helper's CPU share.

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HelperClient } from '../src/helper-client/client';
import { run, sleep } from '../test/support/exec';
import { Exporter, HELPER, ROOT } from '../test/support/exporter';
import { parseExposition, sampleValue } from '../test/support/exposition';
import { Netns } from '../test/support/netns';

const CT_ENTRIES = Number(process.env.BENCH_CT ?? 250_000);
const CHURN_SECONDS = Number(process.env.BENCH_CHURN_SECONDS ?? 600);
const CHURN_PER_SECOND = 2000;
const CT_COUNT = path.join(ROOT, 'build', 'helper', 'ct-count');
const CT_FILL = path.join(ROOT, 'build', 'helper', 'ct-fill');
const CT_MAX = '/proc/sys/net/netfilter/nf_conntrack_max';

/** Before this change (issue 8's table, the same machine): the service kept one JS object per entry. */
const BEFORE: Record<number, { raw: number; flows: number; service: number }> = {
  250000: { raw: 0.417, flows: 0.98, service: 165e6 },
  1000000: { raw: 1.711, flows: 5.064, service: 334e6 },
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (seconds: number) => `${(seconds * 1000).toFixed(0)} ms`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function statusKb(pid: number, field: string): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
}

const rssOf = (pid: number) => statusKb(pid, 'VmRSS');

function pssAnonOf(pid: number): number {
  const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/Pss_Anon:\s+(\d+) kB/.exec(rollup)?.[1] ?? 0) * 1024;
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function table(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i])).join('  ')}`);
}

async function withConntrackMax<T>(entries: number, body: () => Promise<T>): Promise<T> {
  const before = fs.readFileSync(CT_MAX, 'utf8').trim();
  const wanted = Math.max(Number(before), Math.ceil(entries * 1.1));
  fs.writeFileSync(CT_MAX, String(wanted));
  try {
    return await body();
  } finally {
    fs.writeFileSync(CT_MAX, before);
  }
}

async function startHelper(ns: Netns, socket: string): Promise<{ child: ChildProcess; client: HelperClient }> {
  const child = spawn('ip', ['netns', 'exec', ns.name, HELPER, '--socket', socket], { stdio: 'ignore' });
  const client = new HelperClient(`unix://${socket}`, 120_000);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (
      await client.info().then(
        () => true,
        () => false,
      )
    )
      return { child, client };
    await sleep(50);
  }
  throw new Error('the helper did not answer');
}

interface SizeResult {
  entries: number;
  raw: number;
  flows: number;
  firstFlows: number;
  helperRss: number;
  helperIdleRss: number;
  tableBytes: number;
  serviceRss: number;
  servicePssAnon: number;
  serviceCycle: number;
}

async function benchSize(entries: number): Promise<SizeResult> {
  const ns = await Netns.create(`bench-fl-${entries}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-bench-flows-'));
  let helper: ChildProcess | undefined;
  try {
    await ns.exec(CT_FILL, [String(entries), '3600']);
    const started = await startHelper(ns, path.join(dir, 'helper.sock'));
    helper = started.child;
    const { client } = started;
    const helperPid = Number((await run('pgrep', ['-f', `ethtrack-helper --socket ${dir}`])).trim().split('\n')[0]);
    const helperIdleRss = rssOf(helperPid);
    const raw: number[] = [];
    const flows: number[] = [];
    let generation = 0;
    let tableBytes = 0;
    let firstFlows = 0;
    for (let i = 0; i < 4; i++) {
      let t = process.hrtime.bigint();
      await ns.exec(CT_COUNT, []);
      raw.push(Number(process.hrtime.bigint() - t) / 1e9);
      t = process.hrtime.bigint();
      const reply = await client.getFlows(generation, 120_000);
      const seconds = Number(process.hrtime.bigint() - t) / 1e9;
      if (i === 0) firstFlows = seconds;
      else flows.push(seconds);
      generation = reply.generation;
      tableBytes = reply.tableBytes;
      if (reply.truncated) throw new Error('GetFlows cut off');
    }
    const helperRss = rssOf(helperPid);
    client.close();
    helper.kill('SIGTERM');
    helper = undefined;

    const exporter = await Exporter.start(
      [
        '--no-collector.ethtool',
        '--no-collector.conntrack',
        '--collector.flows',
        '--collector.flows.schedule=*/10 * * * * *',
        '--collector.conntrack.dump-timeout=120s',
      ],
      { ns, helper: HELPER },
    );
    try {
      await exporter.ready(120_000);
      for (let i = 0; i < 3; i++) await exporter.waitForCycle('flows', Date.now(), 120_000);
      const samples = parseExposition(await exporter.metrics());
      const pid = exporter.child.pid ?? 0;
      return {
        entries,
        raw: median(raw),
        flows: median(flows),
        firstFlows,
        helperRss,
        helperIdleRss,
        tableBytes,
        serviceRss: rssOf(pid),
        servicePssAnon: pssAnonOf(pid),
        serviceCycle: sampleValue(samples, 'ethtrack_collector_duration_seconds', { collector: 'flows' }) ?? Number.NaN,
      };
    } finally {
      await exporter.stop();
    }
  } finally {
    helper?.kill('SIGTERM');
    ns.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function benchChurn(): Promise<void> {
  console.log(
    `\n== flows churn: ${CHURN_PER_SECOND} new and ${CHURN_PER_SECOND} deleted entries a second on 250,000, ${CHURN_SECONDS} s, flows every 5 s ==`,
  );
  const ns = await Netns.create('bench-fl-churn');
  try {
    await ns.exec(CT_FILL, ['250000', '7200']);
    const exporter = await Exporter.start(
      [
        '--no-collector.ethtool',
        '--no-collector.conntrack',
        '--collector.flows',
        '--collector.flows.schedule=*/5 * * * * *',
        '--collector.conntrack.dump-timeout=60s',
      ],
      { ns, helper: HELPER },
    );
    try {
      await exporter.ready(120_000);
      await exporter.waitForCycle('flows', Date.now(), 120_000); // subscribed: new entries carry the event extension
      const servicePid = exporter.child.pid ?? 0;
      const helperPid = await exporter.helperPid();
      const cpuStart = cpuSeconds(helperPid);
      const start = Date.now();
      const samples: [number, number, number][] = [];
      let next = 1_000_000;
      const alive: number[] = [];
      let created = 0;
      let deleted = 0;
      /** ct-fill's count of what the kernel accepted ("created=N failed=M"); it exits 1 on any failure. */
      const fill = async (args: string[]) => {
        const out = await ns.exec(CT_FILL, args).catch((err: Error & { stdout?: string }) => err.stdout ?? '');
        return Number(/created=(\d+)/.exec(out)?.[1] ?? 0);
      };
      while (Date.now() - start < CHURN_SECONDS * 1000) {
        const tick = Date.now();
        created += await fill([String(CHURN_PER_SECOND), '600', String(next)]);
        alive.push(next);
        next += CHURN_PER_SECOND;
        if (alive.length > 5) deleted += await fill([String(CHURN_PER_SECOND), '600', String(alive.shift()), 'delete']);
        samples.push([(Date.now() - start) / 1000, rssOf(servicePid), rssOf(helperPid)]);
        await sleep(Math.max(0, 1000 - (Date.now() - tick)));
      }
      const wall = (Date.now() - start) / 1000;
      const cpu = cpuSeconds(helperPid) - cpuStart;
      await exporter.waitForCycle('flows', Date.now(), 60_000);
      const metrics = parseExposition(await exporter.metrics());
      const half = Math.floor(samples.length / 2);
      const peak = (from: number, to: number, k: 1 | 2) => Math.max(...samples.slice(from, to).map((s) => s[k]));
      const lost = sampleValue(metrics, 'ethtrack_flow_events_lost_total') ?? Number.NaN;
      table([
        ['', 'first half peak', 'second half peak', 'growth (target <= 2 MiB)'],
        ...(
          [
            ['service resident', 1],
            ['helper resident', 2],
          ] as const
        ).map(([label, k]) => [
          label,
          mib(peak(0, half, k)),
          mib(peak(half, samples.length, k)),
          mib(peak(half, samples.length, k) - peak(0, half, k)),
        ]),
      ]);
      console.log(
        `  ${created} created, ${deleted} deleted in ${wall.toFixed(0)} s (${(created / wall).toFixed(0)}/s new, ${(deleted / wall).toFixed(0)}/s deleted); events lost ${lost} (target 0); helper CPU ${((cpu / wall) * 100).toFixed(1)}% of one core; tracked ${sampleValue(metrics, 'ethtrack_flow_tracked')}`,
      );
    } finally {
      await exporter.stop();
    }
  } finally {
    ns.destroy();
  }
}

export async function benchFlows(): Promise<void> {
  await run('make', ['-s', '-C', path.join(ROOT, 'src', 'helper'), 'all', 'bench']);
  const sizes = [...new Set([250_000, CT_ENTRIES])].sort((a, b) => a - b);
  const results: SizeResult[] = [];
  await withConntrackMax(Math.max(...sizes), async () => {
    for (const entries of sizes) {
      console.log(`\n== flows: ${entries} entries ==`);
      const result = await benchSize(entries);
      results.push(result);
      console.log(
        `  raw dump ${ms(result.raw)}, GetFlows ${ms(result.flows)} (first, counting history: ${ms(result.firstFlows)}), service cycle ${ms(result.serviceCycle)}`,
      );
    }
  });
  console.log('\n== flows: before (one JS object per entry in the service) and now (the table in the helper) ==');
  table([
    [
      'entries',
      'raw dump',
      'flows cycle before',
      'flows cycle now',
      'now / raw (target <= 1.3x)',
      'service RSS before',
      'service RSS now (Pss_Anon)',
      'helper RSS (idle)',
      'table bytes/entry',
      'helper RSS bytes/entry',
    ],
    ...results.map((r) => [
      r.entries.toLocaleString('en'),
      ms(r.raw),
      BEFORE[r.entries] ? ms(BEFORE[r.entries].flows) : '-',
      ms(r.flows),
      `${(r.flows / r.raw).toFixed(2)}x`,
      BEFORE[r.entries] ? mb(BEFORE[r.entries].service) : '-',
      `${mb(r.serviceRss)} (${mb(r.servicePssAnon)})`,
      `${mb(r.helperRss)} (${mb(r.helperIdleRss)})`,
      (r.tableBytes / r.entries).toFixed(0),
      ((r.helperRss - r.helperIdleRss) / r.entries).toFixed(0),
    ]),
  ]);
  if (CHURN_SECONDS > 0) await withConntrackMax(300_000, benchChurn);
}
