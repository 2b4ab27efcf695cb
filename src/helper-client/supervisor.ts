// Keeps a helper reachable. Spawn mode starts ethtrack-helper as a child,
// restarts it with backoff when it dies or stops answering, and stops it on
// exit. Connect mode reaches a helper started elsewhere (a sidecar, a systemd
// unit). Either way a periodic GetInfo tells whether the helper is up.

import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { Logger } from '../logger';
import { Backoff } from './backoff';
import { HelperClient } from './client';

export interface SupervisorOptions {
  spawn: boolean;
  helperPath: string;
  /** `unix:///path`; empty in spawn mode picks a private runtime directory. */
  socket: string | undefined;
  timeoutMs: number;
  logger: Logger;
  /** How often the helper is probed. */
  probeIntervalMs?: number;
  /** Consecutive failed probes after which a spawned helper is killed and restarted. */
  maxFailedProbes?: number;
}

/** A spawned helper that has not answered by then is treated as hung. */
const STARTUP_GRACE_MS = 10_000;
/**
 * What a spawned helper prints (server.c) once its socket accepts. Until
 * then it is not asked: a probe that finds no socket puts grpc-js's channel
 * into reconnect backoff (100 ms), which cost ~25 ms of every start. A helper
 * that never prints it is probed anyway after ANNOUNCE_WAIT_MS.
 */
const SERVING_LINE = /^ethtrack-helper \S+: serving \(pid \d+\)$/;
const ANNOUNCE_WAIT_MS = 1000;

export type HelperState = 'starting' | 'up' | 'down' | 'stopped';

/** The address in `unix:///path` form that grpc-js and the helper both accept. */
export function socketPathOf(address: string): string {
  if (!address.startsWith('unix://')) throw new Error(`helper socket ${address} is not a unix:// address`);
  return address.replace(/^unix:\/\//, '');
}

/** The helper gets no environment but the sanitizer settings of a test build. */
function sanitizerEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS']) {
    if (process.env[key] !== undefined) env[key] = process.env[key];
  }
  return env;
}

export class HelperSupervisor extends EventEmitter {
  state: HelperState = 'starting';
  version = '';
  residentMemoryBytes = 0;
  restarts = 0;
  lastError = '';

  private client: HelperClient | undefined;
  private child: ChildProcess | undefined;
  private readonly backoff = new Backoff();
  private probeTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private failedProbes = 0;
  private stopping = false;
  private runtimeDir: string | undefined;
  private readonly address: string;
  private upSince = 0;
  private spawnedAt = 0;
  /** The spawned helper printed SERVING_LINE. */
  private announced = false;

  constructor(private readonly options: SupervisorOptions) {
    super();
    if (options.socket) {
      this.address = options.socket;
    } else {
      this.runtimeDir = fs.mkdtempSync(path.join(process.env.XDG_RUNTIME_DIR || os.tmpdir(), 'ethtrack-'));
      fs.chmodSync(this.runtimeDir, 0o750);
      this.address = `unix://${path.join(this.runtimeDir, 'helper.sock')}`;
    }
  }

  /** The current client; calls fail fast (with the RPC named) while the helper is down. */
  get helper(): HelperClient {
    if (!this.client) this.client = new HelperClient(this.address, this.options.timeoutMs);
    return this.client;
  }

  get isUp(): boolean {
    return this.state === 'up';
  }

  start(): void {
    if (this.options.spawn) this.spawnHelper();
    this.probeTimer = setInterval(() => void this.probe(), this.options.probeIntervalMs ?? 2000);
    this.probeTimer.unref();
    void this.probe();
  }

  /** Waits until the helper answers or timeoutMs passes; resolves to whether it is up. */
  async waitUntilUp(timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end && !this.stopping) {
      if (this.awaitingAnnouncement()) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            this.off('announced', done);
            resolve();
          };
          const timer = setTimeout(done, 50);
          this.once('announced', done);
        });
        continue;
      }
      if (await this.probe()) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.isUp;
  }

  private spawnHelper(): void {
    const { helperPath, logger } = this.options;
    const socketPath = socketPathOf(this.address);
    this.state = 'starting';
    this.spawnedAt = Date.now();
    this.upSince = 0;
    this.failedProbes = 0;
    this.announced = false;
    let child: ChildProcess;
    try {
      child = spawn(helperPath, ['--socket', socketPath, '--exit-with-parent'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: sanitizerEnvironment(),
      });
    } catch (err) {
      this.lastError = `spawning ${helperPath}: ${(err as Error).message}`;
      logger.error('cannot start helper', { path: helperPath, err: (err as Error).message });
      this.scheduleRestart(0);
      return;
    }
    this.child = child;
    // While the helper starts, on the other core. Only a head start: the first call does it anyway.
    setImmediate(() => {
      try {
        this.helper.prepare();
      } catch {
        // The first call fails the same way, naming its RPC.
      }
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      readline.createInterface({ input: stream }).on('line', (line) => {
        logger.info(line, { component: 'helper' });
        if (this.child === child && SERVING_LINE.test(line)) {
          this.announced = true;
          this.emit('announced');
        }
      });
    }
    const gone = (why: string) => {
      if (this.child !== child) return;
      this.child = undefined;
      // Only a helper that stayed up for a minute starts the backoff afresh.
      const upFor = this.state === 'up' ? Date.now() - this.upSince : 0;
      this.setState('down');
      if (this.stopping) return;
      this.lastError = why;
      this.scheduleRestart(upFor);
    };
    // A binary that cannot be executed gets 'error' and never 'exit'.
    child.on('error', (err) => {
      logger.error('cannot start helper', { path: helperPath, err: err.message });
      if (child.pid === undefined) gone(`spawning ${helperPath}: ${err.message}`);
    });
    child.on('exit', (code, signal) => gone(`helper exited (${signal ?? `status ${code}`})`));
  }

  private scheduleRestart(upForMs: number): void {
    if (upForMs > 60_000) this.backoff.reset();
    const delay = this.backoff.next();
    this.options.logger.warn('helper gone; restarting', { reason: this.lastError, delay_ms: delay });
    this.restartTimer = setTimeout(() => {
      this.restarts++;
      this.resetClient();
      this.spawnHelper();
      void this.waitUntilUp(STARTUP_GRACE_MS);
    }, delay);
  }

  private resetClient(): void {
    this.client?.close();
    this.client = undefined;
  }

  private setState(state: HelperState): void {
    if (this.state === state) return;
    const previous = this.state;
    this.state = state;
    if (state === 'up') this.upSince = Date.now();
    this.options.logger.info('helper state changed', { from: previous, to: state });
    this.emit('state', state);
  }

  /** A helper just spawned, not yet serving (nor given up on announcing it). */
  private awaitingAnnouncement(): boolean {
    return (
      this.options.spawn &&
      this.child !== undefined &&
      !this.announced &&
      this.state === 'starting' &&
      Date.now() - this.spawnedAt < ANNOUNCE_WAIT_MS
    );
  }

  /** One GetInfo round trip; updates state, version and resident memory. */
  async probe(): Promise<boolean> {
    if (this.stopping) return false;
    if (this.options.spawn && !this.child) return false;
    if (this.awaitingAnnouncement()) return false;
    if (this.options.spawn && this.child && this.state === 'up' && !fs.existsSync(socketPathOf(this.address))) {
      // Live connections survive an unlinked socket, new ones would not: start afresh.
      this.options.logger.warn('helper socket vanished; restarting the helper', { socket: this.address });
      this.lastError = 'helper socket vanished';
      this.child.kill('SIGKILL');
      return false;
    }
    try {
      const info = await this.helper.info();
      this.version = info.version;
      this.residentMemoryBytes = info.residentMemoryBytes;
      this.failedProbes = 0;
      this.setState('up');
      return true;
    } catch (err) {
      this.failedProbes++;
      this.lastError = (err as Error).message;
      if (this.state === 'up') this.setState('down');
      if (this.state === 'starting' && !this.options.spawn) this.setState('down');
      const max = this.options.maxFailedProbes ?? 3;
      const stuckStarting = this.state === 'starting' && Date.now() - this.spawnedAt > STARTUP_GRACE_MS;
      if (
        this.options.spawn &&
        this.child &&
        this.failedProbes >= max &&
        (this.state !== 'starting' || stuckStarting)
      ) {
        this.options.logger.warn('helper stopped answering; killing it', { failed_probes: this.failedProbes });
        this.failedProbes = 0;
        this.child.kill('SIGKILL');
      }
      return false;
    }
  }

  /** Stops probing and the spawned helper (SIGTERM, then SIGKILL after graceMs). */
  async stop(graceMs = 2000): Promise<void> {
    this.stopping = true;
    clearInterval(this.probeTimer);
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (child && child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    this.state = 'stopped';
    this.resetClient();
    if (this.runtimeDir) fs.rmSync(this.runtimeDir, { recursive: true, force: true });
  }
}
