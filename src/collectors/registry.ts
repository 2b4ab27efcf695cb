// The collector registry: turns collector definitions into the
// `--collector.<name>`, `--collector.<name>.schedule` and sub-flags (plus
// node_exporter's `--collector.disable-defaults`), and builds the enabled
// collectors' jobs from validated flag values.

import { type FlagSpec, type FlagValues, getBool, getString } from '../flags';
import type { Collector, CollectorDefinition, CollectorDeps } from './collector';

export const DISABLE_DEFAULTS = 'collector.disable-defaults';

/**
 * With `disableDefaults` every `--collector.<name>` defaults to off, so only
 * collectors enabled by name run: node_exporter's `--collector.disable-defaults`.
 */
export function collectorFlags(definitions: readonly CollectorDefinition[], disableDefaults = false): FlagSpec[] {
  const specs: FlagSpec[] = [
    {
      name: DISABLE_DEFAULTS,
      kind: 'bool',
      default: false,
      help: 'Disable every collector by default; only those enabled by name (--collector.<name>) run.',
    },
  ];
  for (const def of definitions) {
    specs.push({
      name: `collector.${def.name}`,
      kind: 'bool',
      default: disableDefaults ? false : def.defaultEnabled,
      help: `Enable the ${def.name} collector: ${def.help}`,
    });
    specs.push({
      name: `collector.${def.name}.schedule`,
      kind: 'schedule',
      default: def.defaultSchedule,
      help: `node-cron schedule (with seconds) of the ${def.name} collector.`,
    });
    specs.push(...def.flags);
  }
  return specs;
}

export function enabledCollectors(
  definitions: readonly CollectorDefinition[],
  flags: FlagValues,
): CollectorDefinition[] {
  return definitions.filter((def) => getBool(flags, `collector.${def.name}`));
}

export function buildJobs(
  definitions: readonly CollectorDefinition[],
  flags: FlagValues,
  deps: CollectorDeps,
): Collector[] {
  return enabledCollectors(definitions, flags).flatMap((def) =>
    def.create(flags, getString(flags, `collector.${def.name}.schedule`), deps),
  );
}
