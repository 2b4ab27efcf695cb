// `conntrack -E -e DESTROY -o extended` run alongside a test as the oracle
// for entries that end between two flows cycles: each line is an entry's
// final accounting as the kernel sent it.

import { spawn } from 'node:child_process';
import { run, sleep } from './exec';
import type { Netns } from './netns';

export interface DestroyedEntry {
  protocol: string;
  origSrc: string;
  origDst: string;
  origDport: string;
  origPackets: number;
  origBytes: number;
  replyPackets: number;
  replyBytes: number;
}

/** One `[DESTROY] ipv4 2 tcp 6 src=... packets=.. bytes=.. src=... packets=.. bytes=..` line. */
export function parseDestroyLine(line: string): DestroyedEntry | undefined {
  const tokens = line.trim().split(/\s+/);
  if (tokens[0] !== '[DESTROY]') return undefined;
  const first = new Map<string, string>();
  const second = new Map<string, string>();
  for (const token of tokens) {
    const eq = token.indexOf('=');
    if (eq <= 0) continue;
    const key = token.slice(0, eq);
    if (!first.has(key)) first.set(key, token.slice(eq + 1));
    else if (!second.has(key)) second.set(key, token.slice(eq + 1));
  }
  return {
    protocol: tokens[3],
    origSrc: first.get('src') ?? '',
    origDst: first.get('dst') ?? '',
    origDport: first.get('dport') ?? '',
    origPackets: Number(first.get('packets') ?? 0),
    origBytes: Number(first.get('bytes') ?? 0),
    replyPackets: Number(second.get('packets') ?? 0),
    replyBytes: Number(second.get('bytes') ?? 0),
  };
}

/**
 * Listens for DESTROY events in the namespace until `stop()`, which returns
 * what it heard, and throws if conntrack reported losing events.
 *
 * conntrack-tools 1.4.7 applies --buffer-size to its request socket, not to
 * the event socket, which keeps net.core.rmem_default (some 200 events);
 * so the default is raised while the event socket is created, then restored.
 */
export async function listenForDestroys(ns: Netns): Promise<{ stop: () => Promise<DestroyedEntry[]> }> {
  const rmemDefault = (await run('sysctl', ['-n', 'net.core.rmem_default'])).trim();
  await run('sysctl', ['-qw', 'net.core.rmem_default=33554432']);
  const [command, argv] = ns.wrap('conntrack', ['-E', '-e', 'DESTROY', '-o', 'extended']);
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  await sleep(300); // subscribed before the caller makes traffic
  await run('sysctl', ['-qw', `net.core.rmem_default=${rmemDefault}`]);
  return {
    stop: async () => {
      await sleep(500); // the last events printed
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      if (/ENOBUFS/.test(err)) throw new Error(`conntrack -E lost events: ${err}`);
      return out
        .split('\n')
        .map(parseDestroyLine)
        .filter((e): e is DestroyedEntry => e !== undefined);
    },
  };
}
