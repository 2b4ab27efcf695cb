// Which devices' carrier counts the rxpath collector must read this cycle,
// from the helper's WatchLinks stream (rtnetlink's link group). Reading
// carrier_changes of every device every cycle was a third of the cycle on
// the 128-veth bench, for counts that move a few times a day. The kernel
// announces every carrier change of a device that is up, and every up and
// down, after it has counted it (link-watch.c in the helper says where), so
// a device not named since the last cycle still has the counts read then.
// What this costs: a flap shows in the first cycle after the kernel
// announced it (at once for a veth; a NIC's carrier change is batched by
// the kernel's linkwatch, up to a second), and a carrier change the kernel
// does not announce (on a device that is down) shows when rxpath-links.ts
// reads every device again anyway (CARRIER_RECHECK_MS).
//
// Until the watch's first message (a resync) has arrived, and whenever the
// watch is gone (the helper restarted, refused, or there is none), every
// device is read, as before. A resync (the kernel dropped notifications)
// reads every device once; so does a cycle after one whose read failed.

import type { LinkChanges } from '../helper-client/api';
import type { HelperApi, LinkWatch } from '../helper-client/calls';
import type { Logger } from '../logger';

/** gRPC's UNIMPLEMENTED: a helper older than WatchLinks; not asked again. */
const UNIMPLEMENTED = 12;
/** A watch whose resync has not arrived this long after it started is started again (the helper serves the newest). */
export const RESYNC_WAIT_MS = 10_000;
/** A helper that refused the watch is asked again after this long (one reached over --helper.socket may be upgraded in place). */
export const REFUSED_RETRY_MS = 600_000;
/** An ended watch is logged at info at most this often (two services on one helper would take it off each other every cycle). */
const END_LOG_MS = 600_000;

export class LinkChangeWatch {
  /** The helper the watch runs on, and the watch while it runs. */
  private helper: HelperApi | undefined;
  private watch: LinkWatch | undefined;
  /** A helper that does not serve WatchLinks, and when it said so. */
  private refusedBy: HelperApi | undefined;
  private refusedAt = 0;
  /** A resync arrived since the collector last asked (takeResync). */
  private resynced = false;
  private endLoggedAt = Number.NEGATIVE_INFINITY;
  /** The watch's resync arrived and it has not ended since. */
  private live = false;
  /** Read every device next cycle. */
  private all = true;
  private named = new Set<string>();
  /** The set take() last handed out, cleared and reused by the next take(). */
  private taken = new Set<string>();
  private startedAt = 0;

  constructor(private readonly logger?: Logger) {}

  /**
   * Keeps a watch running on `helper`: called at the start of every cycle
   * with the current helper client (a restarted helper is a new client).
   */
  follow(helper: HelperApi | undefined): void {
    if (!helper) return;
    if (helper === this.refusedBy && performance.now() - this.refusedAt < REFUSED_RETRY_MS) return;
    if (helper === this.helper && this.watch) {
      if (this.live || performance.now() - this.startedAt < RESYNC_WAIT_MS) return;
      this.logger?.info('link watch: no resync from the helper; starting it again', {
        after_seconds: RESYNC_WAIT_MS / 1000,
      });
    }
    this.stop();
    this.startedAt = performance.now();
    this.helper = helper;
    const watch: LinkWatch = helper.watchLinks({
      changes: (changes) => {
        if (this.watch === watch) this.apply(changes);
      },
      ended: (error) => {
        if (this.watch !== watch) return;
        const wasLive = this.live;
        this.watch = undefined;
        this.live = false;
        if (error.code === UNIMPLEMENTED) {
          if (this.refusedBy !== helper) {
            this.logger?.info('link watch: the helper has none; every device is read each cycle', {
              err: error.message,
            });
          }
          this.refusedBy = helper;
          this.refusedAt = performance.now();
        } else if (wasLive) {
          const now = performance.now();
          const level = now - this.endLoggedAt >= END_LOG_MS ? 'info' : 'debug';
          if (level === 'info') this.endLoggedAt = now;
          this.logger?.[level]('link watch ended; every device is read each cycle until it is back', {
            err: error.message,
          });
        }
      },
    });
    this.watch = watch;
  }

  private apply(changes: LinkChanges): void {
    if (changes.resync) {
      // After an end that was logged, its coming back is too; the first start is routine.
      if (!this.live) this.logger?.[this.endLoggedAt > Number.NEGATIVE_INFINITY ? 'info' : 'debug']('link watch live');
      this.live = true;
      this.resynced = true;
      this.all = true;
      this.named.clear();
      return;
    }
    if (!this.all) for (const device of changes.devices) this.named.add(device);
  }

  /**
   * What this cycle must read: null for every device, or the devices named
   * since the last cycle (which it then forgets: the cycle reads them).
   */
  take(): ReadonlySet<string> | null {
    if (!this.live || this.all) {
      this.all = false;
      this.named.clear();
      return null;
    }
    const named = this.named;
    this.taken.clear();
    this.named = this.taken;
    this.taken = named;
    return named;
  }

  /**
   * Whether a resync arrived since the last call: the collector then renews
   * every device (a rename may be among the notifications it stands for).
   */
  takeResync(): boolean {
    const resynced = this.resynced;
    this.resynced = false;
    return resynced;
  }

  /** The cycle that took the last names failed before it read them all: the next reads every device. */
  readFailed(): void {
    this.all = true;
  }

  /** Whether a watch's resync has arrived and the watch still runs. */
  get isLive(): boolean {
    return this.live;
  }

  stop(): void {
    const watch = this.watch;
    this.watch = undefined;
    this.live = false;
    this.all = true;
    watch?.cancel();
  }
}
