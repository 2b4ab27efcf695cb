// The metric names ethtrack exports, from where they are defined (metrics.ts
// and self-metrics.ts), and the ones a PromQL expression refers to, so rules
// and dashboards can be checked against what actually exists.

import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  CONNTRACK,
  CONNTRACK_STATS,
  conntrackStat,
  FLOW,
  NIC,
  NIC_BUDGET,
  NIC_LINK,
  NIC_MODULE,
  NIC_QUEUE,
  NIC_RMON_HISTOGRAM,
  NIC_SETTINGS,
  NIC_STANDARD,
  SOCKET,
  SOFTNET,
} from '../../src/collectors/metrics';
import { SelfMetrics } from '../../src/exposition/self-metrics';
import { PATHS } from '../../src/paths';

/** What the ethtool collector (stats, settings, standard statistics) and, unless left out, its module job export. */
export function ethtoolMetricNames(withModule = true): Set<string> {
  const names = new Set<string>();
  for (const meta of [
    ...Object.values(NIC),
    ...Object.values(NIC_SETTINGS),
    ...(withModule ? Object.values(NIC_MODULE) : []),
    NIC_RMON_HISTOGRAM,
    NIC_BUDGET,
  ]) {
    names.add(meta.name);
  }
  for (const list of Object.values(NIC_STANDARD)) for (const meta of list) if (meta) names.add(meta.name);
  return names;
}

/** What the rxpath collector exports. */
export function rxpathMetricNames(): Set<string> {
  const names = new Set<string>();
  for (const family of [SOFTNET, NIC_LINK, NIC_QUEUE, SOCKET]) {
    for (const meta of Object.values(family)) names.add(meta.name);
  }
  return names;
}

export function exportedMetricNames(): Set<string> {
  const names = new Set<string>([...ethtoolMetricNames(), ...rxpathMetricNames()]);
  for (const family of [CONNTRACK, FLOW]) {
    for (const meta of Object.values(family)) names.add(meta.name);
  }
  for (const stat of CONNTRACK_STATS) names.add(conntrackStat(stat).name);
  for (const metric of new SelfMetrics().text.getMetricsAsArray()) names.add(metric.name);
  return names;
}

/**
 * Names of ethtrack's own and the process metrics in a PromQL expression
 * (`ethtrack_*`, `process_*`, `nodejs_*`). Recording-rule names
 * (`level:metric:op`) are not metrics and are skipped.
 */
export function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/(?<![\w:])(?:ethtrack|process|nodejs)_\w+(?![\w:])/g)].map((match) => match[0]);
}

/** The recording rules deploy/prometheus defines (`level:metric:op`). */
export function recordedRuleNames(): Set<string> {
  const names = new Set<string>();
  for (const file of fs
    .readdirSync(PATHS.prometheusRules)
    .filter((name) => /\.yml$/.test(name) && !name.includes('.test.'))) {
    const parsed = YAML.parse(fs.readFileSync(path.join(PATHS.prometheusRules, file), 'utf8')) as {
      groups?: { rules: { record?: string }[] }[];
    };
    for (const group of parsed.groups ?? []) for (const rule of group.rules) if (rule.record) names.add(rule.record);
  }
  return names;
}

/** Recording-rule names of ethtrack's own in a PromQL expression. */
export function recordedIn(expr: string): string[] {
  return [...expr.matchAll(/(?<![\w:])[a-z_]*:?ethtrack[\w]*:[\w:]+/g)].map((match) => match[0]);
}
