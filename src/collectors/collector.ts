// What a collector is. Like node_exporter's collectors: each registers a
// name, a default on/off and its own sub-flags; the framework (registry.ts,
// runner.ts), not the collector, schedules it, times every cycle and owns the
// ethtrack_collector_* self-metrics.

import type { RenderedFamily } from '../exposition/family';
import type { FlagSpec, FlagValues } from '../flags';
import type { HelperApi } from '../helper-client/calls';
import type { Logger } from '../logger';

/**
 * "Nothing to report" (node_exporter's ErrNoData): the subsystem a collector
 * reads is absent on this node (no nf_conntrack). The runner serves no series
 * for it, counts the cycle a success and logs the reason once.
 */
export interface NoData {
  readonly noData: string;
}

export const noData = (reason: string): NoData => ({ noData: reason });

export function isNoData(result: RenderedFamily[] | NoData): result is NoData {
  return !Array.isArray(result);
}

/** One scheduled unit of work. Most definitions build one; conntrack builds two. */
export interface Collector {
  /** The `collector` label of the self-metrics. */
  readonly name: string;
  /** node-cron expression with seconds. */
  readonly schedule: string;
  /**
   * Reads the kernel through the helper and renders the families to serve.
   * A helper call refused because the kernel lacks the subsystem (the
   * helper's FAILED_PRECONDITION) is turned into NoData by the runner, so a
   * collector need not catch it.
   */
  collect(helper: HelperApi): Promise<RenderedFamily[] | NoData>;
  /** Lets go of what outlives a cycle (a helper stream); called once, when the runner stops. */
  close?(): void;
}

export interface CollectorDeps {
  logger: Logger;
  /** Set by collectors that keep connection records and so need the GC loop. */
  gc: GcRegistration;
}

/** Lets a collector ask for the conditional GC loop (gc.ts). */
export interface GcRegistration {
  /** `run` does one GC pass over `table` and returns how many records it evicted. */
  register(table: string, reason: string, run: () => Promise<number> | number): void;
}

export interface CollectorDefinition {
  readonly name: string;
  readonly help: string;
  readonly defaultEnabled: boolean;
  readonly defaultSchedule: string;
  /** Sub-flags, named `collector.<name>.<flag>`. */
  readonly flags: readonly FlagSpec[];
  /** Builds the jobs from validated flags; `schedule` is the collector's own. */
  create(flags: FlagValues, schedule: string, deps: CollectorDeps): Collector[];
}
