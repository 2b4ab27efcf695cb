// The ethtrack dashboards, as code. `npm run dashboards` writes them to
// grafana/dashboards/*.json, which are committed; test/dashboards.test.ts
// keeps the two in sync and checks that every query names a real metric.

import fs from 'node:fs';
import path from 'node:path';
import type { Dashboard, QueryVariableBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PATHS } from '../src/paths';
import { linksAndOptics } from './links-optics';
import { packetsLostDashboard } from './packets-lost';
import {
  dashboardOf,
  gauge,
  heatmap,
  type Item,
  queryVariable,
  row,
  stat,
  stateTimeline,
  table,
  timeseries,
} from './panels';

export const DASHBOARD_DIR = PATHS.dashboards;

const SEL = 'job=~"$job", instance=~"$instance"';
const DEV = `${SEL}, device=~"$device"`;
/** Statistic names that count something going wrong, in any driver's spelling. */
const ERROR_STATS = '.*(err|drop|discard|missed|crc|fifo).*';
const RATE = '$__rate_interval';

// Usage thresholds of the alerts in deploy/prometheus/ethtrack-alerts.yml.
const USAGE_THRESHOLDS = [
  { color: 'green', value: null },
  { color: 'orange', value: 0.75 },
  { color: 'red', value: 0.9 },
];
const UP_THRESHOLDS = [
  { color: 'red', value: null },
  { color: 'green', value: 1 },
];

function commonVariables(): QueryVariableBuilder[] {
  return [
    queryVariable('job', 'Job', 'ethtrack_build_info', 'job'),
    queryVariable('instance', 'Instance', 'ethtrack_build_info{job=~"$job"}', 'instance'),
  ];
}

function exporterHealth(): Item[] {
  return [
    row('Exporter health'),
    stateTimeline(
      'Collector success',
      [{ expr: `ethtrack_collector_success{${SEL}}`, legendFormat: '{{instance}} {{collector}}' }],
      { description: 'Whether each collector’s last cycle succeeded.', thresholds: UP_THRESHOLDS },
    ),
    timeseries(
      'Collector duration',
      [{ expr: `ethtrack_collector_duration_seconds{${SEL}}`, legendFormat: '{{instance}} {{collector}}' }],
      { unit: 's', min: 0 },
    ),
    timeseries(
      'Time since last success',
      [
        {
          expr: `time() - (ethtrack_collector_last_success_timestamp_seconds{${SEL}} > 0)`,
          legendFormat: '{{instance}} {{collector}}',
        },
      ],
      { unit: 's', min: 0, description: 'Alerts fire after 5 minutes (EthtrackCollectorStale).' },
    ),
    stateTimeline('Helper up', [{ expr: `ethtrack_helper_up{${SEL}}`, legendFormat: '{{instance}}' }], {
      thresholds: UP_THRESHOLDS,
    }),
    timeseries(
      'Helper restarts',
      [{ expr: `increase(ethtrack_helper_restarts_total{${SEL}}[1h])`, legendFormat: '{{instance}}' }],
      { min: 0, description: 'Restarts of a spawned helper in the last hour (spawn mode only).' },
    ),
    timeseries(
      'Resident memory',
      [
        { expr: `ethtrack_helper_resident_memory_bytes{${SEL}}`, legendFormat: '{{instance}} helper' },
        { expr: `process_resident_memory_bytes{${SEL}}`, legendFormat: '{{instance}} exporter' },
      ],
      { unit: 'bytes', min: 0 },
    ),
    table('Build', [{ expr: `ethtrack_build_info{${SEL}}` }], { w: 24, h: 6, hide: ['Value'] }),
  ];
}

export function nicsDashboard(): Dashboard {
  const variables = [...commonVariables(), queryVariable('device', 'Device', `ethtrack_nic_info{${SEL}}`, 'device')];
  const panels: Item[] = [
    row('Links'),
    stat('Links down', [{ expr: `count(ethtrack_nic_link_up{${DEV}} == 0) or vector(0)` }], {
      thresholds: [
        { color: 'green', value: null },
        { color: 'red', value: 1 },
      ],
    }),
    stat('Devices', [{ expr: `count(ethtrack_nic_info{${DEV}})` }]),
    stat(
      'Errors and drops',
      [
        {
          expr: `sum(rate(ethtrack_nic_stat{${DEV}, stat=~"${ERROR_STATS}"}[${RATE}])) or vector(0)`,
        },
      ],
      {
        unit: 'cps',
        description: 'All error, drop, discard, missed, CRC and FIFO statistics, per second.',
        thresholds: [
          { color: 'green', value: null },
          { color: 'orange', value: 1 },
        ],
      },
    ),
    stat('Statistics exported', [{ expr: `count(ethtrack_nic_stat{${DEV}})` }]),
    stateTimeline('Link state', [{ expr: `ethtrack_nic_link_up{${DEV}}`, legendFormat: '{{instance}} {{device}}' }], {
      thresholds: UP_THRESHOLDS,
    }),
    timeseries(
      'Link speed',
      [{ expr: `ethtrack_nic_link_speed_bytes{${DEV}} * 8`, legendFormat: '{{instance}} {{device}}' }],
      { unit: 'bps', min: 0 },
    ),
    table(
      'Devices and drivers',
      [
        { expr: `ethtrack_nic_info{${DEV}}` },
        { expr: `ethtrack_nic_link_speed_bytes{${DEV}} * 8` },
        { expr: `ethtrack_nic_link_full_duplex{${DEV}}` },
        { expr: `ethtrack_nic_autonegotiate{${DEV}}` },
      ],
      { w: 24, h: 8, hide: ['Value #A'] },
    ),
    ...linksAndOptics(),
    row('Errors and drops'),
    timeseries(
      'Errors and drops by device',
      [
        {
          expr: `sum by (instance, device) (rate(ethtrack_nic_stat{${DEV}, stat=~"${ERROR_STATS}"}[${RATE}]))`,
          legendFormat: '{{instance}} {{device}}',
        },
      ],
      {
        unit: 'cps',
        min: 0,
        description:
          'Raw ethtool values are exported as gauges, but these statistics only grow (until the driver reloads), so rate() applies.',
      },
    ),
    timeseries(
      'Errors and drops by statistic (top 20)',
      [
        {
          expr: `topk(20, sum by (instance, device, stat) (rate(ethtrack_nic_stat{${DEV}, stat=~"${ERROR_STATS}"}[${RATE}])) > 0)`,
          legendFormat: '{{instance}} {{device}} {{stat}}',
        },
      ],
      { unit: 'cps', min: 0, description: 'Per-queue statistics summed over queues.' },
    ),
    timeseries(
      'Queues with the most errors and drops (top 10)',
      [
        {
          expr: `topk(10, sum by (instance, device, queue) (rate(ethtrack_nic_stat{${DEV}, queue!="", stat=~"${ERROR_STATS}"}[${RATE}])) > 0)`,
          legendFormat: '{{instance}} {{device}} queue {{queue}}',
        },
      ],
      { unit: 'cps', min: 0, w: 24 },
    ),
    row('Traffic per queue'),
    timeseries(
      'Throughput (sum of queues)',
      [
        {
          expr: `sum by (instance, device, stat) (rate(ethtrack_nic_stat{${DEV}, queue!="", stat=~"rx_bytes|tx_bytes"}[${RATE}])) * 8`,
          legendFormat: '{{instance}} {{device}} {{stat}}',
        },
      ],
      {
        unit: 'bps',
        min: 0,
        w: 24,
        description:
          'From per-queue rx_bytes/tx_bytes (queue names are normalised across drivers); empty for drivers without per-queue byte counters.',
      },
    ),
    heatmap(
      'Receive packets per queue',
      [
        {
          expr: `sum by (device, queue) (rate(ethtrack_nic_stat{${DEV}, queue!="", stat="rx_packets"}[${RATE}]))`,
          legendFormat: '{{device}} q{{queue}}',
        },
      ],
      { unit: 'pps', description: 'Uneven rows show RSS imbalance: one busy queue, one busy CPU.' },
    ),
    heatmap(
      'Transmit packets per queue',
      [
        {
          expr: `sum by (device, queue) (rate(ethtrack_nic_stat{${DEV}, queue!="", stat="tx_packets"}[${RATE}]))`,
          legendFormat: '{{device}} q{{queue}}',
        },
      ],
      { unit: 'pps' },
    ),
    ...exporterHealth(),
  ];
  return dashboardOf('ethtrack-nics', 'ethtrack / NICs', variables, panels);
}

function conntrackRate(stat: string): { expr: string; legendFormat: string } {
  return {
    expr: `sum by (instance) (rate(ethtrack_conntrack_${stat}_total{${SEL}}[${RATE}]))`,
    legendFormat: `{{instance}} ${stat}`,
  };
}

export function conntrackDashboard(): Dashboard {
  const usage = `ethtrack_conntrack_entries{${SEL}} / (ethtrack_conntrack_entries_limit{${SEL}} > 0)`;
  const panels: Item[] = [
    row('Table'),
    gauge('Highest table usage', [{ expr: `max(${usage})` }], {
      unit: 'percentunit',
      min: 0,
      max: 1,
      thresholds: USAGE_THRESHOLDS,
      description: 'Entries / nf_conntrack_max on the fullest node. Alerts at 75% (warning) and 90% (critical).',
    }),
    timeseries('Table usage', [{ expr: usage, legendFormat: '{{instance}}' }], {
      unit: 'percentunit',
      min: 0,
      max: 1,
      thresholds: USAGE_THRESHOLDS,
      thresholdLines: true,
      w: 18,
    }),
    timeseries(
      'Entries and limit',
      [
        { expr: `ethtrack_conntrack_entries{${SEL}}`, legendFormat: '{{instance}} entries' },
        { expr: `ethtrack_conntrack_entries_limit{${SEL}}`, legendFormat: '{{instance}} limit' },
        { expr: `ethtrack_conntrack_buckets{${SEL}}`, legendFormat: '{{instance}} buckets' },
      ],
      { min: 0 },
    ),
    timeseries(
      'Entries by protocol and state',
      [
        {
          expr: `sum by (protocol, state) (ethtrack_conntrack_entries_by_state{${SEL}})`,
          legendFormat: '{{protocol}} {{state}}',
        },
      ],
      {
        min: 0,
        stack: true,
        description: 'From the full-table dump (--collector.conntrack.breakdown-schedule, every minute by default).',
      },
    ),
    row('Failures'),
    timeseries(
      'Insert failures and drops',
      [conntrackRate('insert_failed'), conntrackRate('drop'), conntrackRate('early_drop')],
      {
        unit: 'cps',
        min: 0,
        description:
          'drop: no entry could be created (table full). early_drop: unassured entries evicted to make room. insert_failed: an entry could not be inserted (often the parallel UDP/DNS race).',
      },
    ),
    timeseries(
      'Other statistics',
      [
        conntrackRate('invalid'),
        conntrackRate('error'),
        conntrackRate('search_restart'),
        conntrackRate('clash_resolve'),
        conntrackRate('chaintoolong'),
      ],
      { unit: 'cps', min: 0 },
    ),
    timeseries('Lookups and inserts', [conntrackRate('found'), conntrackRate('insert')], {
      unit: 'cps',
      min: 0,
      w: 24,
    }),
    row('Table dump'),
    timeseries(
      'Dump duration',
      [{ expr: `ethtrack_conntrack_dump_duration_seconds{${SEL}}`, legendFormat: '{{instance}}' }],
      { unit: 's', min: 0 },
    ),
    stateTimeline(
      'Dump truncated',
      [{ expr: `ethtrack_conntrack_dump_truncated{${SEL}}`, legendFormat: '{{instance}}' }],
      {
        description: 'A dump cut off by --collector.conntrack.dump-timeout: entries by state are incomplete.',
        thresholds: [
          { color: 'green', value: null },
          { color: 'red', value: 1 },
        ],
      },
    ),
    row('Flows (--collector.flows)'),
    timeseries(
      'Top peers by bytes (top 10)',
      [
        {
          expr: `topk(10, sum by (peer) (rate(ethtrack_flow_bytes_total{${SEL}}[${RATE}])))`,
          legendFormat: '{{peer}}',
        },
      ],
      { unit: 'Bps', min: 0, description: 'Both directions. Empty unless the flows collector is enabled.' },
    ),
    timeseries(
      'Top services by bytes (top 10)',
      [
        {
          expr: `topk(10, sum by (protocol, port) (rate(ethtrack_flow_bytes_total{${SEL}}[${RATE}])))`,
          legendFormat: '{{protocol}}/{{port}}',
        },
      ],
      { unit: 'Bps', min: 0 },
    ),
    timeseries(
      'Packets by direction',
      [
        {
          expr: `sum by (instance, direction) (rate(ethtrack_flow_packets_total{${SEL}}[${RATE}]))`,
          legendFormat: '{{instance}} {{direction}}',
        },
      ],
      { unit: 'pps', min: 0 },
    ),
    timeseries('Tracked flows', [{ expr: `ethtrack_flow_tracked{${SEL}}`, legendFormat: '{{instance}}' }], { min: 0 }),
    row('GC and pruning'),
    stateTimeline('GC enabled', [{ expr: `ethtrack_gc_enabled{${SEL}}`, legendFormat: '{{instance}}' }], {
      thresholds: [
        { color: 'text', value: null },
        { color: 'blue', value: 1 },
      ],
      description: 'The GC loop runs only when flows or pruning need it.',
    }),
    timeseries(
      'GC evictions',
      [
        {
          expr: `sum by (instance, table) (rate(ethtrack_gc_evicted_total{${SEL}}[${RATE}]))`,
          legendFormat: '{{instance}} {{table}} evicted',
        },
        {
          expr: `sum by (instance, table) (rate(ethtrack_gc_runs_total{${SEL}}[${RATE}]))`,
          legendFormat: '{{instance}} {{table}} runs',
        },
      ],
      { unit: 'ops', min: 0 },
    ),
    timeseries(
      'Prune candidates',
      [
        {
          expr: `sum by (protocol, state) (ethtrack_gc_prune_candidates{${SEL}})`,
          legendFormat: '{{protocol}} {{state}}',
        },
      ],
      { min: 0, stack: true, description: 'Entries matching the prune rule (--gc.prune=dry-run or on).' },
    ),
    timeseries(
      'Pruned entries',
      [
        {
          expr: `sum by (protocol, state) (increase(ethtrack_gc_pruned_total{${SEL}}[${RATE}]))`,
          legendFormat: '{{protocol}} {{state}}',
        },
      ],
      { min: 0, stack: true, description: 'Entries deleted from the kernel table (--gc.prune=on).' },
    ),
    ...exporterHealth(),
  ];
  return dashboardOf('ethtrack-conntrack', 'ethtrack / Conntrack', commonVariables(), panels);
}

/** File name → dashboard JSON text, as committed. */
export function renderDashboards(): Map<string, string> {
  return new Map([
    ['ethtrack-nics.json', `${JSON.stringify(nicsDashboard(), null, 2)}\n`],
    ['ethtrack-conntrack.json', `${JSON.stringify(conntrackDashboard(), null, 2)}\n`],
    ['ethtrack-packets-lost.json', `${JSON.stringify(packetsLostDashboard(), null, 2)}\n`],
  ]);
}

if (require.main === module) {
  fs.mkdirSync(DASHBOARD_DIR, { recursive: true });
  for (const [name, text] of renderDashboards()) {
    fs.writeFileSync(path.join(DASHBOARD_DIR, name), text);
    console.log(`wrote ${path.relative(process.cwd(), path.join(DASHBOARD_DIR, name))}`);
  }
}
