// The rxpath collector: the receive path between the NIC and the socket,
// read by the unprivileged service itself from --path.procfs and
// --path.sysfs (the helper is not asked for what needs no privilege).
//
//   softnet per CPU          /proc/net/softnet_stat
//   link counters, flaps     /proc/net/dev, /sys/class/net/DEV/statistics, carrier_{up,down}_count
//   socket-layer loss        /proc/net/snmp, /proc/net/snmp6, /proc/net/netstat
//   queue → IRQ → CPU        /proc/interrupts, DEV/device/msi_irqs, /proc/irq/N/effective_affinity_list,
//                            DEV/queues/rx-N/rps_cpus
//
// Cost is what decides the shape: one /proc/net/dev read gives every
// device's counters, and a sysfs detail file is read only where its
// /proc/net/dev sum is non-zero (rx_crc etc. sum into "frame"), so a clean
// device costs three kept-open sysfs reads. The queue topology (which IRQ,
// which CPUs, the RPS mask) is configuration, re-read every
// TOPOLOGY_EVERY cycles and when a device appears; interrupt counts are read
// every cycle.

import fs from 'node:fs';
import path from 'node:path';
import { type MetricMeta, type RenderedFamily, samplePrefix } from '../exposition/family';
import { formatValue } from '../exposition/value-format';
import { type FlagValues, getString } from '../flags';
import type { Collector, CollectorDefinition } from './collector';
import { DEFAULT_DEVICE_EXCLUDE, type DeviceFilter, deviceFilter } from './device-filter';
import { KernelFiles } from './kernel-files';
import {
  countCpuMask,
  NET_DEV,
  parseCpuList,
  parseInterrupts,
  parseNetDev,
  parseSnmp6,
  parseSnmpPairs,
  parseSoftnet,
} from './kernel-text';
import { NIC_LINK, NIC_QUEUE, SOCKET, SOFTNET } from './metrics';
import { type QueueIrq, queueIrqsOf } from './queue-irqs';

/** Queue topology is re-read every this many cycles (a minute at the default 15 s). */
export const TOPOLOGY_EVERY = 4;

/** Socket counters: [file key, metric, protocol]. */
const SNMP_FIELDS: [string, MetricMeta, string][] = [
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
const SNMP6_FIELDS: [string, MetricMeta, string][] = [
  ['Udp6RcvbufErrors', SOCKET.receiveBufferErrors, 'udp6'],
  ['Udp6SndbufErrors', SOCKET.sendBufferErrors, 'udp6'],
  ['Udp6InErrors', SOCKET.receiveErrors, 'udp6'],
  ['Udp6InCsumErrors', SOCKET.checksumErrors, 'udp6'],
  ['UdpLite6RcvbufErrors', SOCKET.receiveBufferErrors, 'udplite6'],
  ['UdpLite6SndbufErrors', SOCKET.sendBufferErrors, 'udplite6'],
  ['UdpLite6InErrors', SOCKET.receiveErrors, 'udplite6'],
];
/** TcpExt counts IPv4 and IPv6 together, so their protocol is `tcp`. */
const NETSTAT_FIELDS: [string, MetricMeta, string][] = [
  ['TcpExt.ListenOverflows', SOCKET.listenOverflows, 'tcp'],
  ['TcpExt.ListenDrops', SOCKET.listenDrops, 'tcp'],
  ['TcpExt.TCPBacklogDrop', SOCKET.backlogDrops, 'tcp'],
  ['TcpExt.TCPRcvQDrop', SOCKET.receiveQueueDrops, 'tcp'],
];

/** Link counters straight from /proc/net/dev: [metric, column]. */
const NET_DEV_DIRECT: [MetricMeta, number][] = [
  [NIC_LINK.receivePackets, NET_DEV.rx_packets],
  [NIC_LINK.transmitPackets, NET_DEV.tx_packets],
  [NIC_LINK.receiveErrors, NET_DEV.rx_errors],
  [NIC_LINK.transmitErrors, NET_DEV.tx_errors],
  [NIC_LINK.transmitDropped, NET_DEV.tx_dropped],
  [NIC_LINK.receiveFifo, NET_DEV.rx_fifo],
  [NIC_LINK.transmitFifo, NET_DEV.tx_fifo],
];
/** Sysfs counters whose sum /proc/net/dev shows in one column: read only when that sum is non-zero. */
const NET_DEV_SPLIT: [number, [MetricMeta, string][]][] = [
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
const SYSFS_ALWAYS: [MetricMeta, string][] = [
  [NIC_LINK.receiveNohandler, 'statistics/rx_nohandler'],
  [NIC_LINK.carrierUp, 'carrier_up_count'],
  [NIC_LINK.carrierDown, 'carrier_down_count'],
];

/** Families rendered by appending `prefix value\n` lines; prefixes are cached per label set. */
class Families {
  private readonly bodies = new Map<MetricMeta, string>();
  add(meta: MetricMeta, prefix: string, value: number): void {
    this.bodies.set(meta, `${this.bodies.get(meta) ?? ''}${prefix}${formatValue(value)}\n`);
  }
  rendered(): RenderedFamily[] {
    return [...this.bodies].map(([meta, body]) => ({ meta, body }));
  }
}

interface QueueTopology {
  irqs: (QueueIrq & { interruptsPrefix: string; cpuCount: number; infoPrefix: string; cpusPrefix: string })[];
  rps: { prefix: string; cpus: number }[];
}

export interface RxpathOptions {
  procfs: string;
  sysfs: string;
  devices: DeviceFilter;
}

export class RxpathCollector implements Collector {
  readonly name = 'rxpath';
  private readonly files = new KernelFiles();
  private readonly prefixes = new Map<string, string>();
  private readonly topology = new Map<string, QueueTopology>();
  private readonly included = new Set<string>();
  /** Sysfs counters a kernel lacks (carrier counts before 4.16), not asked again. */
  private readonly absent = new Set<string>();
  private cycles = 0;

  constructor(
    readonly schedule: string,
    private readonly options: RxpathOptions,
  ) {}

  private prefix(meta: MetricMeta, key: string, labels: Record<string, string>): string {
    const cacheKey = `${meta.name}\0${key}`;
    let prefix = this.prefixes.get(cacheKey);
    if (prefix === undefined) {
      prefix = samplePrefix(meta, labels);
      this.prefixes.set(cacheKey, prefix);
    }
    return prefix;
  }

  private proc(...parts: string[]): string {
    return path.join(this.options.procfs, ...parts);
  }

  private netClass(device: string, ...parts: string[]): string {
    return path.join(this.options.sysfs, 'class', 'net', device, ...parts);
  }

  async collect(): Promise<RenderedFamily[]> {
    const out = new Families();
    this.softnet(out);
    const devices = this.links(out);
    this.socket(out);
    const refresh = this.cycles++ % TOPOLOGY_EVERY === 0;
    this.queues(out, devices, refresh);
    return out.rendered();
  }

  private softnet(out: Families): void {
    const file = this.proc('net', 'softnet_stat');
    for (const row of parseSoftnet(this.files.readText(file), file)) {
      const cpu = String(row.cpu);
      const add = (meta: MetricMeta, value: number | undefined) => {
        if (value !== undefined) out.add(meta, this.prefix(meta, cpu, { cpu }), value);
      };
      add(SOFTNET.processed, row.processed);
      add(SOFTNET.dropped, row.dropped);
      add(SOFTNET.timeSqueezed, row.timeSqueezed);
      add(SOFTNET.receivedRps, row.receivedRps);
      add(SOFTNET.flowLimit, row.flowLimit);
      add(SOFTNET.backlogLength, row.backlogLength);
    }
  }

  /** Link counters of the included devices; returns their names. */
  private links(out: Families): string[] {
    const file = this.proc('net', 'dev');
    const seen: string[] = [];
    parseNetDev(this.files.readText(file), file, (device, values) => {
      if (!this.options.devices.passes(device)) return;
      seen.push(device);
      this.included.add(device);
      const add = (meta: MetricMeta, value: number) => out.add(meta, this.prefix(meta, device, { device }), value);
      for (const [meta, column] of NET_DEV_DIRECT) add(meta, values[column]);
      for (const [column, parts] of NET_DEV_SPLIT) {
        for (const [meta, name] of parts) {
          add(meta, values[column] > 0 ? this.files.readCounter(this.netClass(device, 'statistics', name)) : 0);
        }
      }
      for (const [meta, relative] of SYSFS_ALWAYS) {
        const counter = this.netClass(device, relative);
        if (this.absent.has(counter)) continue;
        try {
          add(meta, this.files.readCounter(counter));
        } catch (err) {
          // Kernels before 4.16 have no carrier counts; a device may vanish mid-cycle.
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
          if (fs.existsSync(this.netClass(device))) this.absent.add(counter);
        }
      }
    });
    const present = new Set(seen);
    for (const device of this.included) {
      if (present.has(device)) continue;
      this.included.delete(device);
      this.topology.delete(device);
      this.files.closeUnder(`${this.netClass(device)}/`);
      for (const key of this.prefixes.keys()) if (key.endsWith(`\0${device}`)) this.prefixes.delete(key);
    }
    return seen;
  }

  private socket(out: Families): void {
    const values = new Map<string, number>();
    const read = (file: string, fields: [string, MetricMeta, string][], parse: typeof parseSnmp6) => {
      const text = this.files.readTextIfPresent(file);
      // snmp6 is absent when IPv6 is disabled.
      if (text === undefined) return;
      parse(text, file, new Set(fields.map(([key]) => key)), values);
      for (const [key, meta, protocol] of fields) {
        const value = values.get(key);
        if (value !== undefined) out.add(meta, this.prefix(meta, protocol, { protocol }), value);
      }
    };
    read(this.proc('net', 'snmp'), SNMP_FIELDS, parseSnmpPairs);
    read(this.proc('net', 'snmp6'), SNMP6_FIELDS, parseSnmp6);
    read(this.proc('net', 'netstat'), NETSTAT_FIELDS, parseSnmpPairs);
  }

  private queues(out: Families, devices: readonly string[], refresh: boolean): void {
    const stale = refresh || devices.some((device) => !this.topology.has(device));
    const file = this.proc('interrupts');
    if (stale) {
      const all = parseInterrupts(this.files.readText(file), file, undefined);
      const names = new Map([...all].map(([irq, line]) => [irq, line.names]));
      for (const device of devices) {
        if (refresh || !this.topology.has(device)) this.topology.set(device, this.readTopology(device, names));
      }
    }
    const wanted = new Set<number>();
    for (const device of devices) for (const irq of this.topology.get(device)?.irqs ?? []) wanted.add(irq.irq);
    const counts = wanted.size > 0 ? parseInterrupts(this.files.readText(file), file, wanted) : new Map();
    for (const device of devices) {
      const topology = this.topology.get(device);
      if (!topology) continue;
      for (const irq of topology.irqs) {
        const line = counts.get(irq.irq);
        if (line) out.add(NIC_QUEUE.interrupts, irq.interruptsPrefix, line.total);
        if (irq.cpuCount > 0) {
          out.add(NIC_QUEUE.irqInfo, irq.infoPrefix, 1);
          out.add(NIC_QUEUE.irqCpus, irq.cpusPrefix, irq.cpuCount);
        }
      }
      for (const rps of topology.rps) out.add(NIC_QUEUE.rpsCpus, rps.prefix, rps.cpus);
    }
  }

  private readTopology(device: string, names: ReadonlyMap<number, readonly string[]>): QueueTopology {
    let busNames: string[] = [];
    let msi: Set<number> | undefined;
    try {
      const real = fs.realpathSync(this.netClass(device, 'device'));
      busNames = [path.basename(real), path.basename(path.dirname(real))];
      // A virtio NIC's MSI interrupts belong to the PCI function above its virtioN device.
      for (const dir of [real, path.dirname(real)]) {
        try {
          msi = new Set(fs.readdirSync(path.join(dir, 'msi_irqs')).map(Number));
          break;
        } catch {
          // not an MSI-capable device
        }
      }
    } catch {
      // a virtual device: no bus, no interrupts of its own
    }
    const topology: QueueTopology = { irqs: [], rps: [] };
    if (busNames.length > 0) {
      for (const irq of queueIrqsOf({ name: device, busNames }, names, msi)) {
        const labels = { device, queue: String(irq.queue), direction: irq.direction };
        const affinity =
          this.files.readTextIfPresent(this.proc('irq', String(irq.irq), 'effective_affinity_list')) ??
          this.files.readTextIfPresent(this.proc('irq', String(irq.irq), 'smp_affinity_list'));
        const cpus =
          affinity === undefined ? { count: 0, first: -1 } : parseCpuList(affinity, this.proc('irq', String(irq.irq)));
        topology.irqs.push({
          ...irq,
          interruptsPrefix: samplePrefix(NIC_QUEUE.interrupts, labels),
          infoPrefix: samplePrefix(NIC_QUEUE.irqInfo, { ...labels, irq: String(irq.irq), cpu: String(cpus.first) }),
          cpusPrefix: samplePrefix(NIC_QUEUE.irqCpus, labels),
          cpuCount: cpus.count,
        });
      }
    }
    let queues: string[] = [];
    try {
      queues = fs.readdirSync(this.netClass(device, 'queues')).filter((name) => name.startsWith('rx-'));
    } catch {
      // device gone since /proc/net/dev was read
    }
    for (const queue of queues.sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)))) {
      const mask = this.files.readTextIfPresent(this.netClass(device, 'queues', queue, 'rps_cpus'));
      if (mask === undefined) continue; // kernels without CONFIG_RPS
      topology.rps.push({
        prefix: samplePrefix(NIC_QUEUE.rpsCpus, { device, queue: queue.slice(3) }),
        cpus: countCpuMask(mask, this.netClass(device, 'queues', queue, 'rps_cpus')),
      });
    }
    return topology;
  }
}

export function rxpathOptions(flags: FlagValues): RxpathOptions {
  return {
    procfs: getString(flags, 'path.procfs'),
    sysfs: getString(flags, 'path.sysfs'),
    devices: deviceFilter(flags, 'collector.rxpath'),
  };
}

export const rxpath: CollectorDefinition = {
  name: 'rxpath',
  help: 'the receive path from /proc and /sys: softnet per CPU, link counters and flaps, queue IRQs and CPUs, socket-layer loss.',
  defaultEnabled: true,
  defaultSchedule: '*/15 * * * * *',
  flags: [
    {
      name: 'collector.rxpath.device-include',
      kind: 'regex',
      default: undefined,
      help: 'Regexp of devices whose link counters and queues to read; when set, the default exclusion no longer applies.',
    },
    {
      name: 'collector.rxpath.device-exclude',
      kind: 'regex',
      default: DEFAULT_DEVICE_EXCLUDE,
      help: 'Regexp of devices to exclude.',
    },
  ],
  create: (flags, schedule) => [new RxpathCollector(schedule, rxpathOptions(flags))],
};
