// Run by bench/rxpath.ts inside the bench's namespace, under the CLI's V8
// flags: the rxpath collector's cycle in wall and CPU time (process.cpuUsage),
// each cycle snapshotted as the runner does, cycles spaced as a schedule would
// space them (so the JIT is as warm as in the service, not a tight loop), and
// what one background read of the queue topology costs. The cycle is timed
// twice: with the link counters from a helper started here (GetLinkStats, as
// the service reads them), and from /proc and /sys (the fallback). The
// helper's own CPU for the dump is not in the service's CPU. Prints one JSON line.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeviceFilter } from '../src/collectors/device-filter';
import { RxpathCollector } from '../src/collectors/rxpath';
import { Snapshot } from '../src/exposition/snapshot';
import { Pattern } from '../src/flags';
import type { HelperApi } from '../src/helper-client/calls';
import { HelperClient } from '../src/helper-client/client';
import { PATHS } from '../src/paths';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function cycles(collector: RxpathCollector, helper: HelperApi | undefined) {
  const wall: number[] = [];
  const cpu: number[] = [];
  let snapshot: Snapshot | undefined;
  for (let i = 0; i <= 12; i++) {
    const start = process.hrtime.bigint();
    const used = process.cpuUsage();
    const families = await collector.collect(helper);
    snapshot?.release();
    snapshot = new Snapshot(families, Date.now());
    const spent = process.cpuUsage(used);
    // The first cycle reads every device's topology: reported apart.
    if (i > 0) {
      wall.push(Number(process.hrtime.bigint() - start) / 1e6);
      cpu.push((spent.user + spent.system) / 1000);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return { wallMs: median(wall), cpuMs: median(cpu), series: snapshot?.series, source: collector.linkSource };
}

async function main(): Promise<void> {
  const options = (linkStatsFromHelper: boolean) => ({
    procfs: '/proc',
    sysfs: '/sys',
    devices: new DeviceFilter(new Pattern('^bv'), undefined),
    linkStatsFromHelper,
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rxpath-bench-'));
  const socket = path.join(dir, 'helper.sock');
  const child = spawn(PATHS.helper, ['--socket', socket, '--exit-with-parent'], { stdio: 'ignore' });
  const client = new HelperClient(`unix://${socket}`, 5000);
  try {
    for (let tries = 0; ; tries++) {
      try {
        await client.info();
        break;
      } catch (err) {
        if (tries > 100) throw err;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const helperCollector = new RxpathCollector('', options(true));
    const withHelper = await cycles(helperCollector, client);
    const files = await cycles(new RxpathCollector('', options(false)), undefined);
    await helperCollector.refreshTopology();
    console.log(
      JSON.stringify({
        ...withHelper,
        files,
        helperError: helperCollector.linkHelperError,
        refresh: helperCollector.lastRefreshStats,
      }),
    );
  } finally {
    client.close();
    child.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
