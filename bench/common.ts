// Small things every benchmark uses: medians and units, tables, timed curl
// requests from inside a namespace, and node_exporter started beside ethtrack.

import { type ChildProcess, spawn } from 'node:child_process';
import { run, sleep } from '../test/support/exec';
import type { Netns } from '../test/support/netns';

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
export const ms = (seconds: number) => `${(seconds * 1000).toFixed(1)} ms`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const ratio = (a: number, b: number) => `${(a / b).toFixed(3)}x`;

export async function childPids(pid: number): Promise<number[]> {
  const out = await run('pgrep', ['-P', String(pid)]).catch(() => '');
  return out.split('\n').filter(Boolean).map(Number);
}

/** curl's own timing of one request from inside the namespace. */
export async function timedGet(ns: Netns, url: string, gzip = false): Promise<{ seconds: number; bytes: number }> {
  const args = ['-s', '-o', '/dev/null', '-w', '%{time_total} %{size_download}', '--max-time', '60'];
  if (gzip) args.push('-H', 'Accept-Encoding: gzip');
  const out = await ns.exec('curl', [...args, url]);
  const [seconds, bytes] = out.trim().split(' ').map(Number);
  return { seconds, bytes };
}

export function table(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i])).join('  ')}`);
}

export async function startNodeExporter(ns: Netns, args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const port = 9100;
  // `ip netns exec` execs node_exporter in place: the child's pid is node_exporter's.
  const child = spawn(
    'ip',
    ['netns', 'exec', ns.name, 'prometheus-node-exporter', `--web.listen-address=127.0.0.1:${port}`, ...args],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ok = await ns.exec('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${port}/`]).then(
      () => true,
      () => false,
    );
    if (ok) return { child, port };
    await sleep(100);
  }
  throw new Error('node_exporter did not start');
}
