// A cap on the open connections of one listener. When the listener is full,
// the connection idle for longest is closed to admit the new one, so a flood
// of idle connections cannot lock out the next honest client; only when every
// connection is busy is the new one refused. Refusals and evictions are
// counted and logged at most once a minute, with the count since the last line.

import type net from 'node:net';
import type { Logger } from '../logger';

export type GuardOutcome = 'evicted_idle' | 'refused_full';

interface Tracked {
  /** Requests being answered on it (HTTP only; gRPC streams are not visible from the socket). */
  busy: number;
  /** bytesRead when last looked at, and when it last changed. */
  bytesRead: number;
  lastActive: number;
}

const LOG_EVERY_MS = 60_000;

export class ConnectionGuard {
  private readonly sockets = new Map<net.Socket, Tracked>();
  private unlogged = { evicted_idle: 0, refused_full: 0 };
  private lastLog = 0;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly listener: 'http' | 'grpc',
    readonly flag: string,
    readonly max: number,
    private readonly logger: Logger,
    private readonly count: (outcome: GuardOutcome) => void,
  ) {}

  get open(): number {
    return this.sockets.size;
  }

  /** Decides on a freshly accepted socket; false when it was refused (and destroyed). */
  admit(socket: net.Socket): boolean {
    if (this.sockets.size >= this.max && !this.evictIdlest()) {
      socket.destroy();
      this.note('refused_full');
      return false;
    }
    const tracked: Tracked = { busy: 0, bytesRead: 0, lastActive: Date.now() };
    this.sockets.set(socket, tracked);
    socket.once('close', () => this.sockets.delete(socket));
    return true;
  }

  /** Marks a request started / finished on a socket, so it is never evicted mid-answer. */
  begin(socket: net.Socket): void {
    const tracked = this.sockets.get(socket);
    if (tracked) {
      tracked.busy++;
      tracked.lastActive = Date.now();
    }
  }

  end(socket: net.Socket): void {
    const tracked = this.sockets.get(socket);
    if (tracked) {
      tracked.busy = Math.max(0, tracked.busy - 1);
      tracked.lastActive = Date.now();
    }
  }

  /**
   * Closes the connection idle for longest. Activity is read from the socket's
   * byte counter, which counts what HTTP/2 reads too, so it works for both
   * listeners without hooking their parsers. O(open) per call, and it is
   * called only when the listener is full.
   */
  private evictIdlest(): boolean {
    const now = Date.now();
    let victim: net.Socket | undefined;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [socket, tracked] of this.sockets) {
      const read = socket.bytesRead;
      if (read !== tracked.bytesRead) {
        tracked.bytesRead = read;
        tracked.lastActive = now;
      }
      if (tracked.busy === 0 && tracked.lastActive < oldest) {
        oldest = tracked.lastActive;
        victim = socket;
      }
    }
    if (victim === undefined) return false;
    this.sockets.delete(victim);
    victim.destroy();
    this.note('evicted_idle');
    return true;
  }

  private note(outcome: GuardOutcome): void {
    this.count(outcome);
    this.unlogged[outcome]++;
    const wait = this.lastLog + LOG_EVERY_MS - Date.now();
    if (wait <= 0) this.flush();
    else if (this.flushTimer === undefined) {
      // The counts of this minute are logged when it is over, in one line.
      this.flushTimer = setTimeout(() => this.flush(), wait);
      this.flushTimer.unref();
    }
  }

  private flush(): void {
    this.flushTimer = undefined;
    if (this.unlogged.evicted_idle + this.unlogged.refused_full === 0) return;
    this.lastLog = Date.now();
    this.logger.warn('listener full: closed idle connections or refused new ones', {
      listener: this.listener,
      limit: `--${this.flag}=${this.max}`,
      evicted_idle: this.unlogged.evicted_idle,
      refused_full: this.unlogged.refused_full,
    });
    this.unlogged = { evicted_idle: 0, refused_full: 0 };
  }

  destroyAll(): void {
    clearTimeout(this.flushTimer);
    for (const socket of this.sockets.keys()) socket.destroy();
    this.sockets.clear();
  }
}
