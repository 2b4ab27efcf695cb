// Runs the real built exporter (dist/src/cli.js), optionally inside a
// network namespace, and talks to it with curl from the same namespace.

import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import { PATHS } from '../../src/paths';
import { run, sleep } from './exec';
import { type ParsedSample, parseExposition, sampleValue } from './exposition';
import type { Netns } from './netns';

export const ROOT = PATHS.root;
export const CLI = PATHS.cli;
export const HELPER = PATHS.helper;
export const HELPER_ASAN = PATHS.helperAsan;

// `#!/usr/bin/env -S NAME=value... node --flag...`: the environment and the
// V8 flags the CLI's shebang runs it with, so tests measure what users run.
const SHEBANG = fs.readFileSync(CLI, 'utf8').split('\n')[0].split(/\s+/).slice(2);
const NODE_AT = SHEBANG.indexOf('node');
export const NODE_FLAGS: string[] = SHEBANG.slice(NODE_AT + 1);
export const NODE_ENV: Record<string, string> = Object.fromEntries(
  SHEBANG.slice(0, NODE_AT).map((assignment) => assignment.split('=', 2)),
);

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class Exporter {
  readonly logs: string[] = [];
  httpPort = 0;
  grpcPort = 0;
  /** When (Date.now()) the exporter logged that it is ready: /readyz answers 200 from then on. */
  readyAt = 0;
  private exited: Promise<number | null>;
  exitCode: number | null | undefined;

  private constructor(
    readonly child: ChildProcess,
    readonly ns: Netns | undefined,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      }),
    );
    let buffered = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) this.onLine(line);
    });
  }

  private onLine(line: string): void {
    this.logs.push(line);
    if (process.env.ETHTRACK_TEST_VERBOSE) process.stderr.write(`[exporter] ${line}\n`);
    try {
      const record = JSON.parse(line) as { msg?: string; message?: string; address?: string; grpc_health?: string };
      if ((record.message ?? record.msg) === 'ready' && this.readyAt === 0) this.readyAt = Date.now();
      if ((record.message ?? record.msg) === 'listening' && record.address && record.grpc_health) {
        this.httpPort = Number(record.address.split(':').pop());
        this.grpcPort = Number(record.grpc_health.split(':').pop());
      }
    } catch {
      // helper output or a non-JSON line
    }
  }

  /** Starts the exporter on ephemeral loopback ports and waits until it listens. */
  static async start(
    args: readonly string[],
    options: {
      ns?: Netns;
      helper?: string;
      runUnder?: readonly string[];
      limitFiles?: number;
      nodeFlags?: readonly string[];
    } = {},
  ): Promise<Exporter> {
    const argv = [
      ...NODE_FLAGS,
      ...(options.nodeFlags ?? []),
      CLI,
      '--web.listen-address=127.0.0.1:0',
      '--grpc.listen-address=127.0.0.1:0',
      '--log.format=json',
      `--helper.path=${options.helper ?? HELPER_ASAN}`,
      ...args,
    ];
    // runUnder: a command that starts the exporter (and so the helper it spawns), such as setpriv.
    // limitFiles: prlimit execs node in its place, so the child's pid is the exporter's.
    const prefix: string[] = [
      ...(options.runUnder ?? []),
      ...(options.limitFiles === undefined
        ? []
        : ['prlimit', `--nofile=${options.limitFiles}:${options.limitFiles}`, '--']),
    ];
    const [program, programArgs]: [string, string[]] = prefix.length
      ? [prefix[0], [...prefix.slice(1), process.execPath, ...argv]]
      : [process.execPath, argv];
    const [cmd, cmdArgs] = options.ns ? options.ns.wrap(program, programArgs) : [program, programArgs];
    const child = spawn(cmd, cmdArgs, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...NODE_ENV, ASAN_OPTIONS: 'detect_leaks=0' },
    });
    const exporter = new Exporter(child, options.ns);
    const deadline = Date.now() + 20_000;
    while (exporter.httpPort === 0) {
      if (exporter.exitCode !== undefined) throw new Error(`exporter exited: ${exporter.logs.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`exporter did not listen: ${exporter.logs.join('\n')}`);
      await sleep(25);
    }
    return exporter;
  }

  /** An HTTP request with curl, from the exporter's namespace. */
  async request(urlPath: string, headers: Record<string, string> = {}, extra: string[] = []): Promise<HttpReply> {
    const args = ['-sS', '--max-time', '10', '-D', '-', ...extra];
    for (const [key, value] of Object.entries(headers)) args.push('-H', `${key}: ${value}`);
    args.push(`http://127.0.0.1:${this.httpPort}${urlPath}`);
    const [cmd, cmdArgs] = this.ns ? this.ns.wrap('curl', args) : ['curl', args];
    const result = await new Promise<{ stdout: string }>((resolve, reject) =>
      execFile(cmd, cmdArgs, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) =>
        err ? reject(new Error(`curl ${urlPath}: ${stderr || err.message}`)) : resolve({ stdout }),
      ),
    );
    // -D - puts the response head before the body on stdout.
    const split = result.stdout.indexOf('\r\n\r\n');
    const head = result.stdout.slice(0, split).split('\r\n');
    const body = result.stdout.slice(split + 4);
    const status = Number(head[0].split(' ')[1]);
    const replyHeaders: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) replyHeaders[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { status, headers: replyHeaders, body };
  }

  async metrics(headers: Record<string, string> = {}): Promise<string> {
    const reply = await this.request('/metrics', headers);
    if (reply.status !== 200) throw new Error(`/metrics answered ${reply.status}: ${reply.body}`);
    return reply.body;
  }

  /** Samples of the first `collector` cycle that started after `since` (ms since epoch), from /metrics. */
  async cycleAfter(collector: string, since: number): Promise<ParsedSample[]> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const samples = parseExposition(await this.metrics());
      const labels = { collector };
      const end = (sampleValue(samples, 'ethtrack_collector_last_success_timestamp_seconds', labels) ?? 0) * 1000;
      const took = (sampleValue(samples, 'ethtrack_collector_duration_seconds', labels) ?? 0) * 1000;
      // The timestamp is a wall clock's and ends the cycle; its start is that less its duration.
      if (end - took > since) return samples;
      await sleep(100);
    }
    throw new Error(`no ${collector} cycle after ${since}: ${this.logs.join('\n')}`);
  }

  /** Waits for /readyz to answer 200. */
  async ready(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const reply = await this.request('/readyz');
      if (reply.status === 200) return;
      last = reply.body;
      await sleep(50);
    }
    throw new Error(`exporter not ready: ${last}\n${this.logs.join('\n')}`);
  }

  /** Waits until the snapshot of `collector` is newer than `after` (ms since epoch). */
  async waitForCycle(collector: string, after: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const text = await this.metrics();
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`ethtrack_collector_last_success_timestamp_seconds{collector="${collector}"}`));
      if (line && Number(line.split(' ')[1]) * 1000 > after) return;
      await sleep(100);
    }
    throw new Error(`no ${collector} cycle after ${after}`);
  }

  /** Resident memory of the exporter process, in bytes. */
  residentBytes(): number {
    const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
  }

  helperPid(): Promise<number> {
    return run('pgrep', ['-P', String(this.child.pid), '-f', 'ethtrack-helper']).then((out) => {
      const pids = out.trim().split('\n').filter(Boolean).map(Number);
      return pids[0];
    });
  }

  /** SIGTERM and wait; returns the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.exitCode === undefined) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** Log lines that show the helper's sanitizers found something. */
  sanitizerReports(): string[] {
    return this.logs.filter((line) =>
      /AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer/.test(line),
    );
  }
}

/**
 * Runs body against an exporter without the ethtool collector (the conntrack
 * and flows suites), started in ns with `args`, and stops it whatever body
 * does; a sanitizer report from the (ASan by default) helper fails the test.
 */
export async function withExporter<T>(
  args: string[],
  ns: Netns,
  body: (exporter: Exporter) => Promise<T>,
  helper?: string,
): Promise<T> {
  const exporter = await Exporter.start(['--no-collector.ethtool', ...args], { ns, helper });
  try {
    await exporter.ready();
    const result = await body(exporter);
    assert.deepEqual(exporter.sanitizerReports(), []);
    return result;
  } finally {
    await exporter.stop();
  }
}
