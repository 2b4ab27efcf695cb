// The collector registry: turns collector definitions into the
// `--collector.<name>`, `--collector.<name>.schedule` and sub-flags, and
// builds the enabled collectors' jobs from validated flag values.

import { type FlagSpec, type FlagValues, getBool, getString } from '../flags';
import type { Collector, CollectorDefinition, CollectorDeps } from './collector';

export function collectorFlags(definitions: readonly CollectorDefinition[]): FlagSpec[] {
  const specs: FlagSpec[] = [];
  for (const def of definitions) {
    specs.push({
      name: `collector.${def.name}`,
      kind: 'bool',
      default: def.defaultEnabled,
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
