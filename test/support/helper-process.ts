// The helper binary run on its own, as root or as another user (setpriv),
// with what tests read from the running process: /proc/<pid>/status and its
// stderr. Also throwaway users and groups, removed even when a test fails.

import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HelperCallError, HelperClient } from '../../src/helper-client/client';
import { run, runSync, sleep } from './exec';
import { ROOT } from './exporter';
import type { Netns } from './netns';

export interface Identity {
  uid: number;
  gid: number;
  /** Supplementary groups; none when empty. */
  groups?: number[];
}

/** setpriv's argument vector that runs cmd as the identity. */
export function asIdentity(id: Identity, cmd: string, args: readonly string[]): [string, string[]] {
  const groups = id.groups?.length ? ['--groups', id.groups.join(',')] : ['--clear-groups'];
  return ['setpriv', [`--reuid=${id.uid}`, `--regid=${id.gid}`, ...groups, cmd, ...args]];
}

export class HelperProcess {
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  private constructor(
    readonly child: ChildProcess,
    readonly socketPath: string,
  ) {
    let partial = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      this.stderr.push(...lines);
    });
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        if (partial) this.stderr.push(partial);
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get address(): string {
    return `unix://${this.socketPath}`;
  }

  /** Starts binary (directly, or as `as` through setpriv, which execs it) and
   * waits until it answers Health/Check. */
  static async start(
    binary: string,
    socketPath: string,
    options: { as?: Identity; args?: string[]; env?: NodeJS.ProcessEnv; ns?: Netns } = {},
  ): Promise<HelperProcess> {
    const args = ['--socket', socketPath, ...(options.args ?? [])];
    let [cmd, argv] = options.as ? asIdentity(options.as, binary, args) : [binary, args];
    // Inside a namespace `ip netns exec` runs it, and needs a PATH to find it.
    if (options.ns) [cmd, argv] = options.ns.wrap(cmd, argv);
    const env = options.env ?? (options.ns ? { PATH: process.env.PATH } : {});
    const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], env });
    const helper = new HelperProcess(child, socketPath);
    const client = new HelperClient(helper.address, 500);
    try {
      const deadline = Date.now() + 15_000;
      for (;;) {
        if (helper.exit) throw new Error(`helper exited (${JSON.stringify(helper.exit)}): ${helper.stderr.join('\n')}`);
        if (Date.now() > deadline) throw new Error(`helper did not answer: ${helper.stderr.join('\n')}`);
        try {
          if ((await client.check()) === 'SERVING') break;
        } catch {
          await sleep(50);
        }
      }
    } catch (err) {
      helper.kill('SIGKILL');
      throw err;
    } finally {
      client.close();
    }
    return helper;
  }

  /** Fields of /proc/<pid>/status, e.g. CapEff, NoNewPrivs, Seccomp, Uid. */
  status(): Map<string, string> {
    const fields = new Map<string, string>();
    for (const line of fs.readFileSync(`/proc/${this.pid}/status`, 'utf8').split('\n')) {
      const at = line.indexOf(':');
      if (at > 0) fields.set(line.slice(0, at), line.slice(at + 1).trim());
    }
    return fields;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (!this.exit) this.child.kill(signal);
  }

  /** SIGTERM, then the exit; SIGKILL if it takes longer than timeoutMs. */
  async stop(timeoutMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A temporary directory every user can traverse, removed by cleanup(). */
export function traversableTempDir(tag: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ethtrack-${tag}-`));
  fs.chmodSync(dir, 0o755);
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A system user and a system group with unique names, for one test file. */
export class TestAccounts {
  private readonly users: string[] = [];
  private readonly groups: string[] = [];

  async user(tag: string): Promise<Identity & { name: string }> {
    const name = `et${tag}${crypto.randomBytes(3).toString('hex')}`;
    await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', name]);
    this.users.push(name);
    const uid = Number((await run('id', ['-u', name])).trim());
    const gid = Number((await run('id', ['-g', name])).trim());
    return { name, uid, gid };
  }

  async group(tag: string): Promise<{ name: string; gid: number }> {
    const name = `et${tag}${crypto.randomBytes(3).toString('hex')}`;
    await run('groupadd', ['--system', name]);
    this.groups.push(name);
    const gid = Number((await run('getent', ['group', name])).split(':')[2]);
    return { name, gid };
  }

  /** Never throws. */
  removeAll(): void {
    for (const name of this.users.splice(0)) runSync('userdel', [name]);
    for (const name of this.groups.splice(0)) runSync('groupdel', [name]);
  }
}

export interface ProbeResult {
  ok: boolean;
  code?: number;
  error?: string;
}

/** Development-only packages the probe does not need to carry along. */
const NOT_FOR_THE_PROBE = new Set(['@biomejs', 'typescript', '@types']);

/**
 * A copy of the client and its runtime modules inside dir, which the other
 * user can read: the checkout itself may sit in a directory only root can
 * enter (a mktemp -d clone), and a probe that cannot even load must not pass
 * for a refused one.
 */
function probeRoot(dir: string): string {
  const root = path.join(dir, 'probe-root');
  if (!fs.existsSync(root)) {
    fs.cpSync(path.join(ROOT, 'dist', 'src'), path.join(root, 'dist', 'src'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'proto'), path.join(root, 'proto'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(root, 'package.json'));
    fs.cpSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), {
      recursive: true,
      filter: (source) =>
        !NOT_FOR_THE_PROBE.has(path.relative(path.join(ROOT, 'node_modules'), source).split(path.sep)[0]),
    });
    runSync('chmod', ['-R', 'a+rX', root]);
  }
  return root;
}

/** GetInfo from a separate node process running as id: what another user's
 * client sees. */
export function probeAs(id: Identity, address: string, dir: string): ProbeResult {
  const script = path.join(dir, 'probe.js');
  if (!fs.existsSync(script)) {
    const client = path.join(probeRoot(dir), path.relative(ROOT, require.resolve('../../src/helper-client/client')));
    fs.writeFileSync(
      script,
      `const { HelperClient } = require(${JSON.stringify(client)});
const client = new HelperClient(process.argv[2], 1500);
client.info().then(
  (info) => { console.log(JSON.stringify({ ok: true, pid: info.pid })); client.close(); },
  (err) => { console.log(JSON.stringify({ ok: false, code: err.code, error: err.message })); client.close(); },
);
`,
      { mode: 0o644 },
    );
  }
  const [cmd, args] = asIdentity(id, process.execPath, [script, address]);
  const result = runSync(cmd, args);
  const line = result.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as ProbeResult;
  } catch {
    throw new Error(
      `the probe did not run as uid ${id.uid}: stdout ${JSON.stringify(result.stdout)}; stderr ${result.stderr}`,
    );
  }
}

/**
 * A helper started on its own (binary, in `ns` if given) with a client for
 * it, for a suite's before(); stop() (for its after()) closes the client,
 * kills the helper and removes its socket's directory, whatever state
 * before() reached.
 */
export class HelperUnderTest {
  private readonly temp: { dir: string; cleanup: () => void };
  helper: HelperProcess | undefined;
  client!: HelperClient;

  constructor(tag: string) {
    this.temp = traversableTempDir(tag);
  }

  async start(binary: string, ns?: Netns, timeoutMs = 3000): Promise<HelperClient> {
    this.helper = await HelperProcess.start(binary, path.join(this.temp.dir, 'helper.sock'), { ns });
    this.client = new HelperClient(this.helper.address, timeoutMs);
    return this.client;
  }

  async stop(): Promise<void> {
    this.client?.close();
    if (this.helper) {
      this.helper.kill('SIGKILL');
      await this.helper.exited;
    }
    this.temp.cleanup();
  }
}

export { HelperCallError, HelperClient };
