// What a collector is. Like node_exporter's collectors: each registers a
// name, a default on/off and its own sub-flags; the framework (registry.ts,
// runner.ts), not the collector, schedules it, times every cycle and owns the
// ethtrack_collector_* self-metrics.

import type { RenderedFamily } from '../exposition/family';
import type { FlagSpec, FlagValues } from '../flags';
import type { HelperClient } from '../helper-client/client';
import type { Logger } from '../logger';

/** One scheduled unit of work. Most collectors have one; conntrack has two. */
export interface CollectorJob {
  /** The `collector` label of the self-metrics. */
  readonly name: string;
  /** node-cron expression with seconds. */
  readonly schedule: string;
  /** Reads the kernel through the helper and renders the families to serve. */
  collect(helper: HelperClient): Promise<RenderedFamily[]>;
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
  create(flags: FlagValues, schedule: string, deps: CollectorDeps): CollectorJob[];
}
