// The metric names ethtrack exports, from where they are defined (metrics.ts
// and self-metrics.ts), and the ones a PromQL expression refers to, so rules
// and dashboards can be checked against what actually exists.

import {
  CONNTRACK,
  CONNTRACK_STATS,
  conntrackStat,
  FLOW,
  NIC,
  NIC_BUDGET,
  NIC_MODULE,
  NIC_RMON_HISTOGRAM,
  NIC_SETTINGS,
  NIC_STANDARD,
} from '../../src/collectors/metrics';
import { SelfMetrics } from '../../src/exposition/self-metrics';

export function exportedMetricNames(): Set<string> {
  const names = new Set<string>();
  for (const meta of [...Object.values(NIC), ...Object.values(CONNTRACK), ...Object.values(FLOW)]) names.add(meta.name);
  for (const meta of [...Object.values(NIC_SETTINGS), ...Object.values(NIC_MODULE), NIC_RMON_HISTOGRAM, NIC_BUDGET]) {
    names.add(meta.name);
  }
  for (const list of Object.values(NIC_STANDARD)) for (const meta of list) if (meta) names.add(meta.name);
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
