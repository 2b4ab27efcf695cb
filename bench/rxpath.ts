// The rxpath collector's cycle on the bench's veths, side by side with
// node_exporter's softnet, netdev and netstat collectors in the same run
// (the same files and devices; node_exporter also reads lo, as its include and
// exclude flags cannot both be set), as a ratio; and the series it adds per
// device and per CPU. Both run every 2 s; each is measured over 20 cycles
// after 8 of warm-up, in a namespace without IPv6 (new veths' autoconfiguration
// traffic). Called from run.ts (BENCH_ONLY=rxpath).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sleep } from '../test/support/exec';
import { Exporter, HELPER } from '../test/support/exporter';
import { parseExposition, sampleValue } from '../test/support/exposition';
import { Netns } from '../test/support/netns';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (seconds: number) => `${(seconds * 1000).toFixed(2)} ms`;

/** Cycles left out before measuring (the JIT's first optimisations), then cycles measured, for both exporters. */
const WARMUP_CYCLES = 8;
const MEASURED_CYCLES = 20;

export async function benchRxpath(pairs: number, queues: number): Promise<void> {
  console.log(`\n== rxpath: ${pairs * 2} veth devices x ${queues} queues ==`);
  const ns = await Netns.create('bench-rx');
  try {
    // New veths send IPv6 autoconfiguration for their first ~30 s: traffic no node's settled devices
    // carry, which would make every /proc/net/dev row change in the measured cycles (both exporters').
    await ns.disableIpv6();
    for (let i = 0; i < pairs; i++) await ns.addVeth(`bv${i}a`, `bv${i}b`, queues);
    const exporter = await Exporter.start(
      [
        '--no-collector.ethtool',
        '--no-collector.conntrack',
        '--collector.rxpath.device-include=^bv',
        '--collector.rxpath.schedule=*/2 * * * * *',
      ],
      { ns, helper: HELPER },
    );
    const cycles: number[] = [];
    let text = '';
    try {
      await exporter.ready(60_000);
      let last = 0;
      let seen = 0;
      while (cycles.length < MEASURED_CYCLES) {
        text = await exporter.metrics();
        const samples = parseExposition(text);
        const ts =
          sampleValue(samples, 'ethtrack_collector_last_success_timestamp_seconds', { collector: 'rxpath' }) ?? 0;
        if (ts !== last) {
          if (last !== 0 && ++seen > WARMUP_CYCLES)
            cycles.push(sampleValue(samples, 'ethtrack_collector_duration_seconds', { collector: 'rxpath' }) ?? 0);
          last = ts;
          // Found this cycle: the next scrape after the next one, every 2 s as node_exporter is scraped
          // below (a scrape every 300 ms, 10k series each, was more work between cycles than its own).
          await sleep(2000);
        } else await sleep(300);
      }
    } finally {
      await exporter.stop();
    }
    const lines = text.split('\n').filter((line) => /^ethtrack_(softnet|nic|socket)_/.test(line));
    const perDevice = lines.filter((line) => line.includes('device="bv0a"')).length;
    const perCpu = lines.filter((line) => line.includes('cpu="0"') && line.startsWith('ethtrack_softnet_')).length;
    const queueSeries = lines.filter((line) => line.includes('device="bv0a"') && line.includes('queue=')).length;
    const node = lines.filter((line) => line.startsWith('ethtrack_socket_')).length;

    const port = 9100;
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        ns.name,
        'prometheus-node-exporter',
        `--web.listen-address=127.0.0.1:${port}`,
        '--collector.disable-defaults',
        '--collector.softnet',
        '--collector.netdev',
        '--collector.netstat',
      ],
      { stdio: 'ignore' },
    );
    const neCycles: number[] = [];
    /** node_exporter's process CPU (utime + stime) over the scrapes: an upper bound, HTTP included. */
    const ticks = () => {
      const pid = Number(fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim() || child.pid);
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10; // ms at USER_HZ 100
    };
    let neCpuStart = -1;
    let neCpuMs = Number.NaN;
    try {
      const deadline = Date.now() + 10_000;
      let neSeen = 0;
      while (neCycles.length < MEASURED_CYCLES && Date.now() < deadline + 120_000) {
        const out = await ns.exec('curl', ['-s', `http://127.0.0.1:${port}/metrics`]).catch(() => '');
        if (out === '') {
          await sleep(100);
          continue;
        }
        const samples = parseExposition(out);
        // Each scrape runs the three collectors once: their durations add up to one cycle.
        const sum = ['softnet', 'netdev', 'netstat']
          .map(
            (collector) => sampleValue(samples, 'node_scrape_collector_duration_seconds', { collector }) ?? Number.NaN,
          )
          .reduce((a, b) => a + b, 0);
        if (++neSeen <= WARMUP_CYCLES) {
          await sleep(2000);
          continue;
        }
        if (neCpuStart < 0) neCpuStart = ticks();
        else neCycles.push(sum);
        // Scraped as often as rxpath runs (every 2 s), so both are as warm.
        await sleep(2000);
      }
      neCpuMs = (ticks() - neCpuStart) / neCycles.length;
    } finally {
      child.kill('SIGTERM');
    }
    // The same cycle in-process, under the CLI's V8 flags, for its CPU time and the topology refresh.
    const cli = fs.readFileSync(path.join(__dirname, '..', 'src', 'cli.js'), 'utf8').split('\n')[0];
    const v8Flags = cli.split(/\s+/).filter((word) => word.startsWith('--'));
    const inProcess = JSON.parse(await ns.exec('node', [...v8Flags, path.join(__dirname, 'rxpath-cpu.js')])) as {
      wallMs: number;
      cpuMs: number;
      refresh: { wallMs: number; cpuMs: number; devices: number };
    };
    console.log(`  rxpath cycle (median of ${cycles.length}, after ${WARMUP_CYCLES}): ${ms(median(cycles))}`);
    console.log(
      `  rxpath cycle in-process (median of 12, ${v8Flags.join(' ')}): ${inProcess.wallMs.toFixed(2)} ms wall, ${inProcess.cpuMs.toFixed(2)} ms CPU`,
    );
    console.log(
      `  rxpath queue topology read in the background (every minute): ${inProcess.refresh.wallMs.toFixed(1)} ms wall, ${inProcess.refresh.cpuMs.toFixed(1)} ms CPU for ${inProcess.refresh.devices} devices`,
    );
    console.log(`  node_exporter process CPU per scrape (upper bound, HTTP included): ${neCpuMs.toFixed(2)} ms`);
    console.log(
      `  node_exporter softnet + netdev + netstat (median of ${neCycles.length}, after ${WARMUP_CYCLES}): ${ms(median(neCycles))}`,
    );
    console.log(`  rxpath / node_exporter = ${(median(cycles) / median(neCycles)).toFixed(2)}x (goal <= 0.2x)`);
    console.log(
      `  series: ${perDevice} per device (${perDevice - queueSeries} link counters + ${queueSeries} per-queue: RPS, and 3 per queue interrupt on NICs that have them), ${perCpu} per CPU, ${node} per node (socket)`,
    );
  } finally {
    ns.destroy();
  }
}
