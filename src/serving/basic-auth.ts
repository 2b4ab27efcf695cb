// HTTP basic auth against the bcrypt hashes of --web.config.file, built so
// that a flood of wrong passwords can neither stall the event loop nor tell
// an attacker which users exist or how costly their hashes are:
// - bcrypt runs in worker threads, with a bounded number of attempts in
//   flight; beyond it the request is answered 429 at once (no queue grows).
//   Every attempt takes a slot before its user is looked up, an unknown user
//   is compared against the slowest configured hash, and a failure keeps its
//   slot until its answer is due, so a 429 depends only on how many attempts
//   are in flight: it tells nothing about users and needs no padding (and
//   padding it would only let a flood hold more connections open);
// - successes are remembered in a bounded LRU keyed by an HMAC of user and
//   password (one entry evicted at a time), so a scraper pays bcrypt once;
// - every failure is answered no sooner than the slowest configured hash
//   takes to verify (measured at start), padded with a timer, not with CPU.
//   A loaded machine
//   verifies slower than at start, so while failures come in, the slowest
//   hash is verified again at most every few seconds (one compare, in a
//   worker), and the floor also covers the slowest compare of the last few
//   seconds: under load or a flood every failure slows alike.

import crypto from 'node:crypto';
import os from 'node:os';
import type * as WorkerThreads from 'node:worker_threads';
import type { Worker } from 'node:worker_threads';
import type { Logger } from '../logger';
import { PATHS } from '../paths';
import type { CompareReply, CompareRequest } from './bcrypt-worker';

export type AuthResult = 'ok' | 'denied' | 'busy';

/** Distinct credentials remembered; a Prometheus pair and a person need a handful. */
export const SUCCESS_MEMORY = 256;
/** Attempts in flight (comparing, or failed and waiting out the floor) per worker before new ones are turned away. */
const IN_FLIGHT_PER_WORKER = 4;
/** The failure floor is the slowest measured verify times this, for the jitter of a busy machine. */
const FLOOR_MARGIN = 1.25;
/** How long a slow compare under load keeps the floor up. */
const RECENT_MS = 10_000;
/** While failures come in, the slowest hash is measured again at most this often. */
const REMEASURE_MS = 5_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A compare sent to a worker and not yet answered. */
interface Pending {
  worker: Worker;
  resolve: (ok: boolean) => void;
  reject: (err: Error) => void;
}

/** Worker deaths are logged at most this often, with the count since the last line. */
const DEATH_LOG_EVERY_MS = 60_000;

/**
 * Worker threads running bcrypt. A worker that dies (an uncaught error, an
 * out-of-memory, a terminate) fails the compares it held, so no attempt waits
 * forever and no slot stays taken; its place is filled by a new worker when
 * the next compare needs it, so a worker that cannot start does not spin.
 */
export class ComparePool {
  private readonly workers: (Worker | undefined)[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private next = 0;
  private stopped = false;
  private deaths = 0;
  private lastDeathLog = Number.NEGATIVE_INFINITY;
  inFlight = 0;

  constructor(
    size: number,
    private readonly logger?: Logger,
  ) {
    this.workers = Array.from({ length: size }, () => this.spawn());
  }

  private spawn(): Worker {
    // Loaded here, with the first worker: services without basic auth never need it.
    const { Worker } = require('node:worker_threads') as typeof WorkerThreads;
    const worker = new Worker(PATHS.bcryptWorker);
    worker.on('message', (reply: CompareReply) => {
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      this.inFlight--;
      pending.resolve(reply.ok);
    });
    // 'error' is followed by 'exit'; the first of them fails the compares, the second finds none left.
    worker.on('error', (err) => this.died(worker, err.message));
    worker.on('exit', (code) => this.died(worker, `exited with code ${code}`));
    return worker;
  }

  private died(worker: Worker, why: string): void {
    const slot = this.workers.indexOf(worker);
    if (slot < 0) return;
    this.workers[slot] = undefined;
    if (this.stopped) return;
    let failed = 0;
    for (const [id, pending] of this.pending) {
      if (pending.worker !== worker) continue;
      this.pending.delete(id);
      this.inFlight--;
      failed++;
      pending.reject(new Error(`bcrypt worker died: ${why}`));
    }
    this.deaths++;
    const now = performance.now();
    if (now - this.lastDeathLog >= DEATH_LOG_EVERY_MS) {
      this.lastDeathLog = now;
      this.logger?.error('bcrypt worker died; its compares were answered as failures and it is replaced', {
        why,
        failed_compares: failed,
        deaths: this.deaths,
      });
    }
  }

  get size(): number {
    return this.workers.length;
  }

  workerForTest(i: number): Worker {
    return this.workers[i] as Worker;
  }

  compare(password: string, hash: string): Promise<boolean> {
    const id = this.nextId++;
    const slot = this.next++ % this.workers.length;
    let worker = this.workers[slot];
    if (worker === undefined) {
      worker = this.spawn();
      this.workers[slot] = worker;
    }
    this.inFlight++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { worker, resolve, reject });
      worker.postMessage({ id, password, hash } satisfies CompareRequest);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.workers.map((worker) => worker?.terminate()));
    for (const pending of this.pending.values()) pending.resolve(false);
    this.pending.clear();
  }
}

export class BasicAuth {
  private pool: ComparePool | undefined;
  private readonly remembered = new Map<string, true>();
  private readonly key = crypto.randomBytes(32);
  /** No failure is answered sooner than this after it arrived (measured at start). */
  failureFloorMs = 0;
  private slowestHash = '';
  private recentSlowestMs = 0;
  private recentSlowestAt = 0;
  private remeasuring = false;
  private remeasuredAt = 0;
  /** Attempts holding a slot: from admission until answered. */
  private admitted = 0;

  constructor(
    private readonly users: ReadonlyMap<string, string>,
    readonly logger?: Logger,
  ) {}

  poolForTest(): ComparePool {
    return this.pool as ComparePool;
  }

  get enabled(): boolean {
    return this.users.size > 0;
  }

  get maxInFlight(): number {
    return (this.pool?.size ?? 0) * IN_FLIGHT_PER_WORKER;
  }

  /** Starts the workers and measures the slowest hash; before anything listens. */
  async start(): Promise<void> {
    if (!this.enabled) return;
    // Leave a core to the event loop; more than four would only queue on a small machine.
    this.pool = new ComparePool(Math.max(1, Math.min(4, os.availableParallelism() - 1)), this.logger);
    let slowest = 0;
    for (const hash of new Set(this.users.values())) {
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        await this.pool.compare('ethtrack-measuring-a-wrong-password', hash);
        const took = performance.now() - started;
        if (took > slowest) {
          slowest = took;
          this.slowestHash = hash;
        }
      }
    }
    this.failureFloorMs = Math.ceil(slowest * FLOOR_MARGIN);
  }

  async stop(): Promise<void> {
    await this.pool?.stop();
  }

  private floorMs(now: number): number {
    const recent = now - this.recentSlowestAt < RECENT_MS ? this.recentSlowestMs * FLOOR_MARGIN : 0;
    return Math.max(this.failureFloorMs, recent);
  }

  /** Verifies the slowest hash once more, so the floor follows the machine's load now. */
  private remeasure(now: number): void {
    if (this.remeasuring || now - this.remeasuredAt < REMEASURE_MS || !this.pool) return;
    this.remeasuring = true;
    void this.compare('ethtrack-measuring-a-wrong-password', this.slowestHash).finally(() => {
      this.remeasuring = false;
      this.remeasuredAt = performance.now();
    });
  }

  /** A compare in a worker; a worker that died on it counts as a mismatch. */
  private async compare(password: string, hash: string): Promise<boolean> {
    const started = performance.now();
    let ok: boolean;
    try {
      ok = await (this.pool as ComparePool).compare(password, hash);
    } catch {
      return false;
    }
    const now = performance.now();
    const took = now - started;
    if (took > this.recentSlowestMs || now - this.recentSlowestAt >= RECENT_MS) {
      this.recentSlowestMs = took;
      this.recentSlowestAt = now;
    }
    return ok;
  }

  private digest(user: string, password: string): string {
    return crypto.createHmac('sha256', this.key).update(user).update('\0').update(password).digest('base64');
  }

  private remember(digest: string): void {
    this.remembered.delete(digest);
    this.remembered.set(digest, true);
    if (this.remembered.size > SUCCESS_MEMORY) {
      // Map iteration is insertion order: the first key is the least recently used.
      const oldest = this.remembered.keys().next().value as string;
      this.remembered.delete(oldest);
    }
  }

  async check(header: string | undefined): Promise<AuthResult> {
    const arrived = performance.now();
    const fail = async (): Promise<AuthResult> => {
      this.remeasure(arrived);
      // The floor may rise while we wait (a slow compare finishing), so look again after each sleep.
      for (let now = performance.now(); now - arrived < this.floorMs(now); now = performance.now()) {
        await sleep(this.floorMs(now) - (now - arrived));
      }
      return 'denied';
    };
    if (!header || !/^basic /i.test(header) || !this.pool) return fail();
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return fail();
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const digest = this.digest(user, password);
    if (this.remembered.has(digest)) {
      this.remember(digest);
      return 'ok';
    }
    // The slots are taken before the user is looked up, by every attempt alike,
    // and a failed attempt keeps its slot until its answer is due (the floor):
    // so whether an attempt is turned away busy depends only on how many others
    // are in flight, never on whether a user exists or how dear its hash is.
    if (this.admitted >= this.maxInFlight) return 'busy';
    this.admitted++;
    try {
      const hash = this.users.get(user);
      // An unknown user is compared against the slowest configured hash (its
      // answer ignored), so it loads the workers as much as a real user does.
      const ok = await this.compare(password, hash ?? this.slowestHash);
      if (!ok || hash === undefined) return await fail();
      this.remember(digest);
      return 'ok';
    } finally {
      this.admitted--;
    }
  }
}
