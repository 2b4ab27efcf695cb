// Run by bench/rxpath.ts inside the bench's namespace, under the CLI's V8
// flags: the rxpath collector's cycle in wall and CPU time (process.cpuUsage),
// each cycle snapshotted as the runner does, cycles spaced as a schedule would
// space them (so the JIT is as warm as in the service, not a tight loop), and
// what one background read of the queue topology costs. With a helper of its
// own, as in the service, so the link watch is live (measured cycles start
// after its resync). Prints one JSON line.

import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { DeviceFilter } from '../src/collectors/device-filter';
import { RxpathCollector } from '../src/collectors/rxpath';
import { Snapshot } from '../src/exposition/snapshot';
import { Pattern } from '../src/flags';
import { HelperClient } from '../src/helper-client/client';
import { PATHS } from '../src/paths';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const socket = path.join(os.tmpdir(), `ethtrack-bench-rx-${process.pid}.sock`);
  const helper = spawn(PATHS.helper, ['--socket', socket, '--exit-with-parent'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    helper.stderr.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('serving')) resolve();
    });
    helper.once('exit', () => reject(new Error('the helper exited')));
  });
  const client = new HelperClient(`unix://${socket}`, 5000);
  const collector = new RxpathCollector('', {
    procfs: '/proc',
    sysfs: '/sys',
    devices: new DeviceFilter(new Pattern('^bv'), undefined),
  });
  const wall: number[] = [];
  const cpu: number[] = [];
  let snapshot: Snapshot | undefined;
  for (let i = 0; i <= 12; i++) {
    // The first cycle starts the link watch; the cycle after its resync reads every device once.
    while (i === 1 && !collector.linkWatch.isLive) await new Promise((resolve) => setTimeout(resolve, 10));
    if (i === 1) await collector.collect(client);
    const start = process.hrtime.bigint();
    const used = process.cpuUsage();
    const families = await collector.collect(client);
    snapshot?.retire();
    snapshot = new Snapshot(families, Date.now());
    const spent = process.cpuUsage(used);
    // The first cycle reads every device's topology: reported apart.
    if (i > 0) {
      wall.push(Number(process.hrtime.bigint() - start) / 1e6);
      cpu.push((spent.user + spent.system) / 1000);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  await collector.refreshTopology();
  collector.close();
  client.close();
  helper.kill();
  console.log(
    JSON.stringify({
      wallMs: median(wall),
      cpuMs: median(cpu),
      series: snapshot?.series,
      refresh: collector.lastRefreshStats,
    }),
  );
}

void main();
