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
