// Text exposition of collector snapshots. A collector's families are rendered
// once per cycle, not once per scrape: sample lines are the same in the
// Prometheus text format and OpenMetrics, only the headers differ.

import type { TextBuffer } from './text-buffer';
import { escapeLabelValue, formatValue } from './value-format';

export type MetricType = 'gauge' | 'counter';

export interface MetricMeta {
  /** Sample name; counters end in `_total`. */
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
}

export interface RenderedFamily {
  readonly meta: MetricMeta;
  /** Sample lines, each ending in a newline; large families write a reusable TextBuffer. */
  readonly body: string | TextBuffer;
}

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  readonly labels: Labels;
  readonly value: number;
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatLabels(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return `{${keys.map((key) => `${key}="${escapeLabelValue(labels[key])}"`).join(',')}}`;
}

/** `name{labels} ` — cache it where the label set is stable across cycles. */
export function samplePrefix(meta: MetricMeta, labels: Labels): string {
  return `${meta.name}${formatLabels(labels)} `;
}

export function renderFamily(meta: MetricMeta, samples: readonly Sample[]): RenderedFamily {
  let body = '';
  for (const sample of samples) body += `${samplePrefix(meta, sample.labels)}${formatValue(sample.value)}\n`;
  return { meta, body };
}

export function familyHeader(meta: MetricMeta, openMetrics: boolean): string {
  const name = openMetrics && meta.type === 'counter' ? meta.name.replace(/_total$/, '') : meta.name;
  return `# HELP ${name} ${escapeHelp(meta.help)}\n# TYPE ${name} ${meta.type}\n`;
}
