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

/** Channels, rings, coalescing, pause and FEC (ethtool netlink); current and maximum side by side. */
export const NIC_SETTINGS = {
  channels: gauge('ethtrack_nic_channels', 'Channels (queues) configured, by type rx, tx, other, combined.'),
  channelsMax: gauge('ethtrack_nic_channels_max', 'Channels the device supports at most, by type.'),
  ringSize: gauge('ethtrack_nic_ring_size', 'Descriptors per ring, by type rx, rx_mini, rx_jumbo, tx.'),
  ringSizeMax: gauge('ethtrack_nic_ring_size_max', 'Descriptors per ring the device supports at most, by type.'),
  coalesceDelay: gauge(
    'ethtrack_nic_coalesce_delay_seconds',
    'Interrupt coalescing delay, by type rx, tx, rx_irq, tx_irq, rx_low, tx_low, rx_high, tx_high.',
  ),
  coalesceFrames: gauge('ethtrack_nic_coalesce_frames', 'Interrupt coalescing frame count, by the same types.'),
  coalesceAdaptive: gauge('ethtrack_nic_coalesce_adaptive', 'Whether adaptive coalescing is on, by type rx, tx.'),
  pauseAutoneg: gauge('ethtrack_nic_pause_autoneg_enabled', 'Whether pause frames are negotiated.'),
  pauseRx: gauge('ethtrack_nic_pause_rx_enabled', 'Whether received pause frames are honoured.'),
  pauseTx: gauge('ethtrack_nic_pause_tx_enabled', 'Whether pause frames are sent.'),
  pauseRxFrames: counter('ethtrack_nic_pause_rx_frames_total', 'Pause frames received.'),
  pauseTxFrames: counter('ethtrack_nic_pause_tx_frames_total', 'Pause frames sent.'),
  fecActive: gauge('ethtrack_nic_fec_active', 'The FEC mode in use (off, rs, baser, llrs); value 1.'),
  fecConfigured: gauge('ethtrack_nic_fec_configured', 'A FEC mode configured; value 1.'),
  fecAuto: gauge('ethtrack_nic_fec_auto', 'Whether the FEC mode is chosen automatically.'),
  fecCorrected: counter('ethtrack_nic_fec_corrected_blocks_total', 'FEC blocks corrected.'),
  fecUncorrectable: counter('ethtrack_nic_fec_uncorrectable_blocks_total', 'FEC blocks that could not be corrected.'),
  fecCorrectedBits: counter('ethtrack_nic_fec_corrected_bits_total', 'Bits corrected by FEC.'),
  fecLaneCorrected: counter('ethtrack_nic_fec_lane_corrected_blocks_total', 'FEC blocks corrected, by lane.'),
  fecLaneUncorrectable: counter(
    'ethtrack_nic_fec_lane_uncorrectable_blocks_total',
    'FEC blocks that could not be corrected, by lane.',
  ),
  fecLaneCorrectedBits: counter('ethtrack_nic_fec_lane_corrected_bits_total', 'Bits corrected by FEC, by lane.'),
  linkBestCommonSpeed: gauge(
    'ethtrack_nic_link_best_common_speed_bytes',
    'Fastest link mode both we and the link partner advertise, in bytes per second (ethtool netlink LINKMODES_GET).',
  ),
  linkDownReason: gauge(
    'ethtrack_nic_link_down_reason',
    'Why the driver says the link is down (extended link state and sub-state, LINKSTATE_GET); value 1.',
  ),
} as const;

/** IEEE 802.3 and RMON standard statistics, by uapi group and stat number (ETHTOOL_A_STATS_*). */
export const NIC_STANDARD: Record<number, readonly (MetricMeta | undefined)[]> = {
  0: [counter('ethtrack_nic_phy_symbol_errors_total', 'eth-phy aSymbolErrorDuringCarrier.')],
  1: [
    ['frames_transmitted', 'aFramesTransmittedOK'],
    ['single_collision_frames', 'aSingleCollisionFrames'],
    ['multiple_collision_frames', 'aMultipleCollisionFrames'],
    ['frames_received', 'aFramesReceivedOK'],
    ['frame_check_sequence_errors', 'aFrameCheckSequenceErrors'],
    ['alignment_errors', 'aAlignmentErrors'],
    ['transmitted_bytes', 'aOctetsTransmittedOK'],
    ['deferred_transmissions', 'aFramesWithDeferredXmissions'],
    ['late_collisions', 'aLateCollisions'],
    ['excessive_collision_aborts', 'aFramesAbortedDueToXSColls'],
    ['internal_transmit_errors', 'aFramesLostDueToIntMACXmitError'],
    ['carrier_sense_errors', 'aCarrierSenseErrors'],
    ['received_bytes', 'aOctetsReceivedOK'],
    ['internal_receive_errors', 'aFramesLostDueToIntMACRcvError'],
    ['multicast_frames_transmitted', 'aMulticastFramesXmittedOK'],
    ['broadcast_frames_transmitted', 'aBroadcastFramesXmittedOK'],
    ['excessive_deferral_frames', 'aFramesWithExcessiveDeferral'],
    ['multicast_frames_received', 'aMulticastFramesReceivedOK'],
    ['broadcast_frames_received', 'aBroadcastFramesReceivedOK'],
    ['in_range_length_errors', 'aInRangeLengthErrors'],
    ['out_of_range_length_fields', 'aOutOfRangeLengthField'],
    ['frame_too_long_errors', 'aFrameTooLongErrors'],
  ].map(([name, ieee]) => counter(`ethtrack_nic_mac_${name}_total`, `eth-mac ${ieee}.`)),
  2: [
    counter('ethtrack_nic_mac_control_frames_transmitted_total', 'eth-ctrl aMACControlFramesTransmitted.'),
    counter('ethtrack_nic_mac_control_frames_received_total', 'eth-ctrl aMACControlFramesReceived.'),
    counter('ethtrack_nic_mac_control_unsupported_opcodes_total', 'eth-ctrl aUnsupportedOpcodesReceived.'),
  ],
  3: [
    counter('ethtrack_nic_rmon_undersize_packets_total', 'rmon etherStatsUndersizePkts.'),
    counter('ethtrack_nic_rmon_oversize_packets_total', 'rmon etherStatsOversizePkts.'),
    counter('ethtrack_nic_rmon_fragments_total', 'rmon etherStatsFragments.'),
    counter('ethtrack_nic_rmon_jabbers_total', 'rmon etherStatsJabbers.'),
  ],
};

export const NIC_RMON_HISTOGRAM = counter(
  'ethtrack_nic_rmon_packets_total',
  'rmon packets by size range ("64-64", "1519-10240"; "N-" open above) and direction rx, tx.',
);

/** What the series budget left out of ethtrack_nic_stat in the last cycle. */
export const NIC_BUDGET = gauge(
  'ethtrack_nic_stat_series_dropped',
  'ethtrack_nic_stat series left out in the last cycle by --collector.ethtool.max-series.',
);

/** Transceiver module diagnostics, in base units, with the module's own thresholds. */
export const NIC_MODULE = {
  info: gauge('ethtrack_nic_module_info', 'The module type (sfp, qsfp, cmis) and its identifier byte; value 1.'),
  temperature: gauge('ethtrack_nic_module_temperature_celsius', 'Module temperature.'),
  voltage: gauge('ethtrack_nic_module_voltage_volts', 'Module supply voltage.'),
  bias: gauge('ethtrack_nic_module_laser_bias_amperes', 'Laser bias current, by lane.'),
  txPower: gauge('ethtrack_nic_module_tx_power_watts', 'Transmit optical power, by lane.'),
  rxPower: gauge('ethtrack_nic_module_rx_power_watts', 'Receive optical power, by lane.'),
  temperatureThreshold: gauge(
    'ethtrack_nic_module_temperature_threshold_celsius',
    'The module temperature alarm and warning thresholds, by type high_alarm, low_alarm, high_warning, low_warning.',
  ),
  voltageThreshold: gauge('ethtrack_nic_module_voltage_threshold_volts', 'Supply voltage thresholds, by type.'),
  biasThreshold: gauge('ethtrack_nic_module_laser_bias_threshold_amperes', 'Laser bias thresholds, by type.'),
  txPowerThreshold: gauge('ethtrack_nic_module_tx_power_threshold_watts', 'Transmit power thresholds, by type.'),
  rxPowerThreshold: gauge('ethtrack_nic_module_rx_power_threshold_watts', 'Receive power thresholds, by type.'),
  stale: gauge(
    'ethtrack_nic_module_stale',
    'Whether the last module read failed or timed out and older values are served.',
  ),
  lastRead: gauge('ethtrack_nic_module_last_read_timestamp_seconds', 'When the module was last read successfully.'),
} as const;
