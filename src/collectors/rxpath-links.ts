// The rxpath collector's link counters, as tables: which family each
// counter is, where /proc/net/dev and sysfs keep it (the files path), and
// which rtnl_link_stats64 field of the helper's GetLinkStats reply it is
// (the helper path). Both print the same dev_get_stats() values. And what
// the collector keeps per included device.

import path from 'node:path';
import { type MetricMeta, samplePrefix } from '../exposition/family';
import { STATS64 } from '../helper-client/link-stats-decoder';
import type { KernelFiles } from './kernel-files';
import { NET_DEV } from './kernel-text';
import { NIC_LINK } from './metrics';
import type { DeviceTopology } from './rxpath-topology';

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
/** Sysfs counters read every cycle: [metric, path under /sys/class/net/DEV]. */
export const SYSFS_ALWAYS: [MetricMeta, string][] = [
  [NIC_LINK.receiveNohandler, 'statistics/rx_nohandler'],
  [NIC_LINK.carrierUp, 'carrier_up_count'],
  [NIC_LINK.carrierDown, 'carrier_down_count'],
];

/** SYSFS_ALWAYS indexes of the carrier counts. */
export const CARRIER_UP = 1;
export const CARRIER_DOWN = 2;

/** The link families, in the order they are served. */
export const LINK_FAMILIES: MetricMeta[] = [
  ...NET_DEV_DIRECT.map(([meta]) => meta),
  ...NET_DEV_SPLIT.flatMap(([, parts]) => parts.map(([meta]) => meta)),
  ...SYSFS_ALWAYS.map(([meta]) => meta),
];
/**
 * Per LINK_FAMILIES entry, its rtnl_link_stats64 field in the helper's reply
 * (the same dev_get_stats() values /proc/net/dev and sysfs print); -1 and -2:
 * the carrier up and down counts.
 */
export const LINK_STATS64: Int8Array = Int8Array.from(
  [
    STATS64.rx_packets,
    STATS64.tx_packets,
    STATS64.rx_errors,
    STATS64.tx_errors,
    STATS64.tx_dropped,
    STATS64.rx_fifo_errors,
    STATS64.tx_fifo_errors,
    STATS64.rx_dropped,
    STATS64.rx_missed_errors,
    STATS64.rx_over_errors,
    STATS64.rx_crc_errors,
    STATS64.rx_frame_errors,
    STATS64.rx_length_errors,
    STATS64.rx_nohandler,
    -1,
    -2,
  ],
  (index) => index,
);

/** An included device: what its samples and files need, built once. */
export interface Device {
  name: string;
  nameBytes: Buffer;
  /** `metric{device="…"} ` per LINK_FAMILIES entry, encoded once, and the same with `0\n` (most counters stay zero). */
  prefixes: Buffer[];
  zeros: Buffer[];
  /** Paths per NET_DEV_SPLIT part and per SYSFS_ALWAYS entry, built once. */
  splitFiles: string[];
  alwaysFiles: string[];
  /** SYSFS_ALWAYS entries this kernel lacks (carrier counts before 4.16), not asked again. */
  absent: boolean[];
  /** carrier_changes when carrierCounts (up, down) were read after it; -1: read them. */
  carrierChangesFile: string;
  carrierChanges: number;
  carrierCounts: Float64Array;
  /** Read when the device is first seen (a device that comes back is a new Device). */
  topology?: DeviceTopology;
}

/** `netClass` is the device's directory under --path.sysfs's class/net. */
export function newDevice(name: string, netClass: string): Device {
  const prefix = (meta: MetricMeta) => samplePrefix(meta, { device: name });
  return {
    name,
    nameBytes: Buffer.from(name, 'latin1'),
    prefixes: LINK_FAMILIES.map((meta) => Buffer.from(prefix(meta))),
    zeros: LINK_FAMILIES.map((meta) => Buffer.from(`${prefix(meta)}0\n`)),
    splitFiles: NET_DEV_SPLIT.flatMap(([, parts]) => parts.map(([, file]) => path.join(netClass, 'statistics', file))),
    alwaysFiles: SYSFS_ALWAYS.map(([, relative]) => path.join(netClass, relative)),
    absent: SYSFS_ALWAYS.map(() => false),
    carrierChangesFile: path.join(netClass, 'carrier_changes'),
    carrierChanges: -1,
    carrierCounts: new Float64Array(2),
  };
}

/**
 * carrier_changes (carrier_up_count + carrier_down_count, one read instead
 * of two), or -1 when it cannot stand for them: the counts are absent, or
 * the file was reopened (a device of the same name came back, whose counts
 * may split the same sum differently).
 */
export function carrierChanges(files: KernelFiles, device: Device): number {
  if (device.absent[CARRIER_UP] || device.absent[CARRIER_DOWN]) return -1;
  const reopens = files.reopens;
  try {
    const changes = files.readCounter(device.carrierChangesFile);
    return files.reopens === reopens ? changes : -1;
  } catch {
    // A device that vanished mid-cycle: the counts' own reads say how.
    return -1;
  }
}
