// HTTP basic auth against the bcrypt hashes of --web.config.file, built so
// that a flood of wrong passwords can neither stall the event loop nor tell
// an attacker which users exist or how costly their hashes are:
// - bcrypt runs in worker threads, with a bounded number of compares in
//   flight; beyond it the request is answered 429 at once (no queue grows);
// - successes are remembered in a bounded LRU keyed by an HMAC of user and
//   password (one entry evicted at a time), so a scraper pays bcrypt once;
// - every failure is answered no sooner than the slowest configured hash
//   takes to verify (measured at start), padded with a timer, not with CPU.
//   An unknown user costs no bcrypt at all, just the wait. A loaded machine
//   verifies slower than at start, so while failures come in, the slowest
//   hash is verified again at most every few seconds (one compare, in a
//   worker), and the floor also covers the slowest compare of the last few
//   seconds: under load or a flood every failure slows alike.

import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CompareReply, CompareRequest } from './bcrypt-worker';

export type AuthResult = 'ok' | 'denied' | 'busy';

/** Distinct credentials remembered; a Prometheus pair and a person need a handful. */
export const SUCCESS_MEMORY = 256;
/** Compares in flight per worker before new attempts are turned away. */
const IN_FLIGHT_PER_WORKER = 4;
/** The failure floor is the slowest measured verify times this, for the jitter of a busy machine. */
const FLOOR_MARGIN = 1.25;
/** How long a slow compare under load keeps the floor up. */
const RECENT_MS = 10_000;
/** While failures come in, the slowest hash is measured again at most this often. */
const REMEASURE_MS = 5_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

class ComparePool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, (ok: boolean) => void>();
  private nextId = 0;
  private next = 0;
  inFlight = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(path.join(__dirname, 'bcrypt-worker.js'));
      worker.on('message', (reply: CompareReply) => {
        const resolve = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        this.inFlight--;
        resolve?.(reply.ok);
      });
      this.workers.push(worker);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  compare(password: string, hash: string): Promise<boolean> {
    const id = this.nextId++;
    this.inFlight++;
    const worker = this.workers[this.next++ % this.workers.length];
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      worker.postMessage({ id, password, hash } satisfies CompareRequest);
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    for (const resolve of this.pending.values()) resolve(false);
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

  constructor(private readonly users: ReadonlyMap<string, string>) {}

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
    this.pool = new ComparePool(Math.max(1, Math.min(4, os.availableParallelism() - 1)));
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

  private async compare(password: string, hash: string): Promise<boolean> {
    const started = performance.now();
    const ok = await (this.pool as ComparePool).compare(password, hash);
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
    // Busy before the user is looked up, so a 429 says nothing about which users exist.
    if (this.pool.inFlight >= this.maxInFlight) return 'busy';
    const hash = this.users.get(user);
    if (hash === undefined) return fail();
    if (!(await this.compare(password, hash))) return fail();
    this.remember(digest);
    return 'ok';
  }
}
