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
} as const;

/** Softnet per CPU (/proc/net/softnet_stat), label `cpu`. */
export const SOFTNET = {
  processed: counter(
    'ethtrack_softnet_processed_total',
    'Packets processed by the CPU’s softirq (softnet_stat column 1).',
  ),
  dropped: counter(
    'ethtrack_softnet_dropped_total',
    'Packets dropped because the CPU’s input backlog was full (net.core.netdev_max_backlog).',
  ),
  timeSqueezed: counter(
    'ethtrack_softnet_time_squeezed_total',
    'Times the softirq ran out of budget or time with work left (net.core.netdev_budget, netdev_budget_usecs).',
  ),
  receivedRps: counter(
    'ethtrack_softnet_received_rps_total',
    'Times the CPU was woken to process packets steered to it by RPS.',
  ),
  flowLimit: counter(
    'ethtrack_softnet_flow_limit_total',
    'Packets dropped by the flow limit (net.core.flow_limit_table_len).',
  ),
  backlogLength: gauge(
    'ethtrack_softnet_backlog_packets',
    'Packets waiting in the CPU’s input backlog when read (kernel 5.10+).',
  ),
} as const;

/**
 * The kernel's own link counters of a device (rtnl_link_stats64, as
 * /proc/net/dev and /sys/class/net/DEV/statistics show them), label `device`.
 */
export const NIC_LINK = {
  receivePackets: counter('ethtrack_nic_receive_packets_total', 'Packets received (kernel link counter rx_packets).'),
  transmitPackets: counter('ethtrack_nic_transmit_packets_total', 'Packets transmitted (tx_packets).'),
  receiveErrors: counter('ethtrack_nic_receive_errors_total', 'Receive errors of any kind (rx_errors).'),
  transmitErrors: counter('ethtrack_nic_transmit_errors_total', 'Transmit errors of any kind (tx_errors).'),
  receiveDropped: counter(
    'ethtrack_nic_receive_dropped_total',
    'Received packets dropped by the driver or the stack before a protocol took them (rx_dropped).',
  ),
  transmitDropped: counter('ethtrack_nic_transmit_dropped_total', 'Packets dropped on transmit (tx_dropped).'),
  receiveMissed: counter(
    'ethtrack_nic_receive_missed_total',
    'Packets the NIC missed for lack of a receive buffer: the ring was full (rx_missed_errors).',
  ),
  receiveFifo: counter('ethtrack_nic_receive_fifo_errors_total', 'Receive FIFO overruns (rx_fifo_errors).'),
  transmitFifo: counter('ethtrack_nic_transmit_fifo_errors_total', 'Transmit FIFO underruns (tx_fifo_errors).'),
  receiveOver: counter('ethtrack_nic_receive_over_errors_total', 'Receive ring overflows (rx_over_errors).'),
  receiveCrc: counter('ethtrack_nic_receive_crc_errors_total', 'Frames received with a bad FCS (rx_crc_errors).'),
  receiveFrame: counter('ethtrack_nic_receive_frame_errors_total', 'Frame alignment errors (rx_frame_errors).'),
  receiveLength: counter('ethtrack_nic_receive_length_errors_total', 'Frames of a wrong length (rx_length_errors).'),
  receiveNohandler: counter(
    'ethtrack_nic_receive_nohandler_total',
    'Packets dropped because no protocol handler took them (rx_nohandler: inactive bond slave, unknown ethertype).',
  ),
  carrierUp: counter('ethtrack_nic_carrier_up_changes_total', 'Times the carrier came up (carrier_up_count).'),
  carrierDown: counter(
    'ethtrack_nic_carrier_down_changes_total',
    'Times the carrier went down (carrier_down_count); each is a link flap, however short.',
  ),
} as const;

/** Queue → IRQ → CPU, labels `device`, `queue` (and `direction` for interrupts). */
export const NIC_QUEUE = {
  interrupts: counter(
    'ethtrack_nic_queue_interrupts_total',
    'Interrupts of the queue’s IRQ, summed over CPUs (/proc/interrupts).',
  ),
  irqInfo: gauge(
    'ethtrack_nic_queue_irq_info',
    'The queue’s IRQ number and the lowest CPU it is delivered to (effective_affinity_list); value 1.',
  ),
  irqCpus: gauge('ethtrack_nic_queue_irq_cpus', 'How many CPUs the queue’s IRQ is delivered to (effective affinity).'),
  rpsCpus: gauge('ethtrack_nic_queue_rps_cpus', 'CPUs in the receive queue’s RPS mask (rps_cpus); 0 when RPS is off.'),
} as const;

/** Socket-layer loss of the node's network namespace, label `protocol`. */
export const SOCKET = {
  receiveBufferErrors: counter(
    'ethtrack_socket_receive_buffer_errors_total',
    'Datagrams dropped because the socket’s receive buffer was full (RcvbufErrors).',
  ),
  sendBufferErrors: counter(
    'ethtrack_socket_send_buffer_errors_total',
    'Datagrams dropped because the socket’s send buffer was full (SndbufErrors).',
  ),
  receiveErrors: counter('ethtrack_socket_receive_errors_total', 'Datagrams that could not be delivered (InErrors).'),
  checksumErrors: counter('ethtrack_socket_checksum_errors_total', 'Datagrams with a bad checksum (InCsumErrors).'),
  listenOverflows: counter(
    'ethtrack_socket_listen_overflows_total',
    'Connections dropped because a listener’s accept queue was full (TcpExt ListenOverflows).',
  ),
  listenDrops: counter(
    'ethtrack_socket_listen_drops_total',
    'Connection requests a listener dropped, for any reason (ListenDrops).',
  ),
  backlogDrops: counter(
    'ethtrack_socket_backlog_drops_total',
    'Segments dropped because a socket’s backlog was full while user space held it (TCPBacklogDrop).',
  ),
  receiveQueueDrops: counter(
    'ethtrack_socket_receive_queue_drops_total',
    'Segments dropped because the socket’s receive queue was full (TCPRcvQDrop).',
  ),
} as const;
