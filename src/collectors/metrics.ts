// Every metric name, help text and type that collectors render, defined once.
// The framework's own self-metrics (collector_*, helper_*, build_info, gc_*)
// live in self-metrics.ts as prom-client objects.

import type { MetricMeta } from '../exposition/family';

const gauge = (name: string, help: string): MetricMeta => ({ name, help, type: 'gauge' });
const counter = (name: string, help: string): MetricMeta => ({ name, help, type: 'counter' });

export const NIC = {
  stat: gauge('ethtrack_nic_stat', 'An ethtool statistic as the driver reports it (queue="" for device-level stats).'),
  info: gauge('ethtrack_nic_info', 'Driver information of a network device; value 1.'),
  linkUp: gauge('ethtrack_nic_link_up', 'Whether the link is up (ETHTOOL_GLINK).'),
  linkSpeedBytes: gauge('ethtrack_nic_link_speed_bytes', 'Negotiated link speed in bytes per second.'),
  linkFullDuplex: gauge('ethtrack_nic_link_full_duplex', 'Whether the link is full duplex.'),
  autonegotiate: gauge('ethtrack_nic_autonegotiate', 'Whether autonegotiation is enabled.'),
} as const;

export const CONNTRACK = {
  entries: gauge('ethtrack_conntrack_entries', 'Entries in the conntrack table.'),
  limit: gauge('ethtrack_conntrack_entries_limit', 'Maximum entries of the conntrack table (nf_conntrack_max).'),
  buckets: gauge('ethtrack_conntrack_buckets', 'Hash buckets of the conntrack table.'),
  entriesByState: gauge(
    'ethtrack_conntrack_entries_by_state',
    'Conntrack entries by family, protocol and state, from the last table dump.',
  ),
  dumpDuration: gauge('ethtrack_conntrack_dump_duration_seconds', 'Duration of the last conntrack table dump.'),
  dumpTruncated: gauge(
    'ethtrack_conntrack_dump_truncated',
    'Whether the last conntrack table dump was cut off by --collector.conntrack.dump-timeout.',
  ),
} as const;

/** Per-CPU conntrack statistics, summed over CPUs, as counters. */
export const CONNTRACK_STATS = [
  'found',
  'invalid',
  'ignore',
  'insert',
  'insert_failed',
  'drop',
  'early_drop',
  'error',
  'search_restart',
  'clash_resolve',
  'chaintoolong',
] as const;

export function conntrackStat(name: string): MetricMeta {
  return counter(`ethtrack_conntrack_${name}_total`, `Conntrack statistic ${name}, summed over CPUs (netlink).`);
}

export const FLOW = {
  bytes: counter('ethtrack_flow_bytes_total', 'Bytes of tracked connections by direction, protocol, peer and port.'),
  packets: counter(
    'ethtrack_flow_packets_total',
    'Packets of tracked connections by direction, protocol, peer and port.',
  ),
  tracked: gauge('ethtrack_flow_tracked', 'Conntrack entries the flow table holds.'),
  eventsLost: counter(
    'ethtrack_flow_events_lost_total',
    "Conntrack DESTROY events the helper's socket dropped (overrun); the next dump repairs the table.",
  ),
} as const;
