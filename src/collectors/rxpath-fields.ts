// What the rxpath collector reads and where each value goes: the fields of
// /proc/net/snmp, snmp6 and netstat, the columns of /proc/net/dev and the
// sysfs counters, each mapped to its metric, and the order of the
// collector's families. Data only; rxpath.ts does the reading.

import type { MetricMeta } from '../exposition/family';
import { NET_DEV } from './kernel-text';
import { NIC_LINK, NIC_QUEUE, SOCKET, SOFTNET } from './metrics';

/** Socket counters: [file key, metric, protocol]. */
export const SNMP_FIELDS: [string, MetricMeta, string][] = [
  ['Udp.RcvbufErrors', SOCKET.receiveBufferErrors, 'udp'],
  ['Udp.SndbufErrors', SOCKET.sendBufferErrors, 'udp'],
  ['Udp.InErrors', SOCKET.receiveErrors, 'udp'],
  ['Udp.InCsumErrors', SOCKET.checksumErrors, 'udp'],
  ['UdpLite.RcvbufErrors', SOCKET.receiveBufferErrors, 'udplite'],
  ['UdpLite.SndbufErrors', SOCKET.sendBufferErrors, 'udplite'],
  ['UdpLite.InErrors', SOCKET.receiveErrors, 'udplite'],
  ['Tcp.InErrs', SOCKET.receiveErrors, 'tcp'],
  ['Tcp.InCsumErrors', SOCKET.checksumErrors, 'tcp'],
];
export const SNMP6_FIELDS: [string, MetricMeta, string][] = [
  ['Udp6RcvbufErrors', SOCKET.receiveBufferErrors, 'udp6'],
  ['Udp6SndbufErrors', SOCKET.sendBufferErrors, 'udp6'],
  ['Udp6InErrors', SOCKET.receiveErrors, 'udp6'],
  ['Udp6InCsumErrors', SOCKET.checksumErrors, 'udp6'],
  ['UdpLite6RcvbufErrors', SOCKET.receiveBufferErrors, 'udplite6'],
  ['UdpLite6SndbufErrors', SOCKET.sendBufferErrors, 'udplite6'],
  ['UdpLite6InErrors', SOCKET.receiveErrors, 'udplite6'],
];
/** TcpExt counts IPv4 and IPv6 together, so their protocol is `tcp`. */
export const NETSTAT_FIELDS: [string, MetricMeta, string][] = [
  ['TcpExt.ListenOverflows', SOCKET.listenOverflows, 'tcp'],
  ['TcpExt.ListenDrops', SOCKET.listenDrops, 'tcp'],
  ['TcpExt.TCPBacklogDrop', SOCKET.backlogDrops, 'tcp'],
  ['TcpExt.TCPRcvQDrop', SOCKET.receiveQueueDrops, 'tcp'],
];

/** Link counters straight from /proc/net/dev: [metric, column]. */
export const NET_DEV_DIRECT: [MetricMeta, number][] = [
  [NIC_LINK.receivePackets, NET_DEV.rx_packets],
  [NIC_LINK.transmitPackets, NET_DEV.tx_packets],
  [NIC_LINK.receiveErrors, NET_DEV.rx_errors],
  [NIC_LINK.transmitErrors, NET_DEV.tx_errors],
  [NIC_LINK.transmitDropped, NET_DEV.tx_dropped],
  [NIC_LINK.receiveFifo, NET_DEV.rx_fifo],
  [NIC_LINK.transmitFifo, NET_DEV.tx_fifo],
];
/** Sysfs counters whose sum /proc/net/dev shows in one column: read only when that sum is non-zero. */
export const NET_DEV_SPLIT: [number, [MetricMeta, string][]][] = [
  [
    NET_DEV.rx_drop,
    [
      [NIC_LINK.receiveDropped, 'rx_dropped'],
      [NIC_LINK.receiveMissed, 'rx_missed_errors'],
    ],
  ],
  [
    NET_DEV.rx_frame,
    [
      [NIC_LINK.receiveOver, 'rx_over_errors'],
      [NIC_LINK.receiveCrc, 'rx_crc_errors'],
      [NIC_LINK.receiveFrame, 'rx_frame_errors'],
      [NIC_LINK.receiveLength, 'rx_length_errors'],
    ],
  ],
];
/** Sysfs counters read every cycle unless rxpath-links.ts knows them unchanged: [metric, path under /sys/class/net/DEV]. */
export const SYSFS_ALWAYS: [MetricMeta, string][] = [
  [NIC_LINK.receiveNohandler, 'statistics/rx_nohandler'],
  [NIC_LINK.carrierUp, 'carrier_up_count'],
  [NIC_LINK.carrierDown, 'carrier_down_count'],
];

/** SYSFS_ALWAYS indexes of rx_nohandler and of the carrier counts. */
export const NOHANDLER = 0;
export const CARRIER_UP = 1;
export const CARRIER_DOWN = 2;

/** The collector's families, in the order they are served. */
export const LINK_FAMILIES: MetricMeta[] = [
  ...NET_DEV_DIRECT.map(([meta]) => meta),
  ...NET_DEV_SPLIT.flatMap(([, parts]) => parts.map(([meta]) => meta)),
  ...SYSFS_ALWAYS.map(([meta]) => meta),
];
export const SOFTNET_FAMILIES: MetricMeta[] = [
  SOFTNET.processed,
  SOFTNET.dropped,
  SOFTNET.timeSqueezed,
  SOFTNET.receivedRps,
  SOFTNET.flowLimit,
  SOFTNET.backlogLength,
];
export const SOCKET_FAMILIES: MetricMeta[] = [
  ...new Set([...SNMP_FIELDS, ...SNMP6_FIELDS, ...NETSTAT_FIELDS].map(([, m]) => m)),
];
export const QUEUE_FAMILIES: MetricMeta[] = [
  NIC_QUEUE.interrupts,
  NIC_QUEUE.irqInfo,
  NIC_QUEUE.irqCpus,
  NIC_QUEUE.rpsCpus,
];
export const FAMILIES: MetricMeta[] = [...SOFTNET_FAMILIES, ...LINK_FAMILIES, ...SOCKET_FAMILIES, ...QUEUE_FAMILIES];
export const SOFTNET_AT = 0;
export const LINK_AT = SOFTNET_FAMILIES.length;
export const SOCKET_AT = LINK_AT + LINK_FAMILIES.length;
export const INTERRUPTS_AT = SOCKET_AT + SOCKET_FAMILIES.length;
/** The families rendered from the topology alone: written when it changes, served as they are otherwise. */
export const TOPOLOGY_AT = INTERRUPTS_AT + 1;
