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
// Cost is what decides the shape (the goal is a fifth of node_exporter's
// softnet+netdev+netstat). One /proc/net/dev read gives every device's
// counters, and a sysfs detail file is read only where its /proc/net/dev sum
// is non-zero (rx_crc etc. sum into "frame"), carrier_changes only of the
// devices the helper's link watch named (link-changes.ts; every device
// while there is no watch), the carrier up and down counts only when
// carrier_changes (their sum) moved, and rx_nohandler only when the device's
// rx_packets moved (a frame is counted there before the stack finds no
// handler for it; rxpath-links.ts says why that is enough) or
// NOHANDLER_RECHECK_MS passed. So a clean, idle device costs no read of its
// own with the watch (one kept-open sysfs read without). Taking the link counters from
// one helper RTM_GETLINK dump instead was built and measured: a grpc-js unary call costs the service about what ~100 devices'
// reads cost, and its round trip adds to the wall time, so on the 128-veth
// bench it was slower (5-6 vs 2.5-3 ms wall), paying off in the service's
// CPU only from several hundred devices. Files are pread into one buffer and parsed as bytes
// (kernel-bytes.ts); samples are written into reusable TextBuffers behind
// label prefixes encoded once per device and CPU. Most of a cycle runs
// before the JIT has optimized it (4-8 cycles), so the link part
// (rxpath-links.ts) skips what did not change: /proc/net/dev rows with last
// cycle's bytes are not parsed again, and a link family is rewritten only
// when one of its values changed. What is left is mostly the kernel's own
// cost: /proc/net/dev sums every queue of a veth (dev_get_stats), as each
// rx_nohandler read would again. Skipping the rx_nohandler reads of idle
// devices took the 128-veth bench's cycle from about 2.4 to 1.8 ms, and
// reading carrier_changes only when the link watch names a device from
// about 1.6 to 1.0 ms. The queue topology is
// configuration: read when a device appears, then every TOPOLOGY_REFRESH_MS
// in the background a device at a time (rxpath-topology.ts), and rendered
// only when it changed; a cycle only adds the interrupt counts.

import path from 'node:path';
import { type MetricMeta, type RenderedFamily, samplePrefix } from '../exposition/family';
import { type TextBuffer, TextBufferPool } from '../exposition/text-buffer';
import { type FlagValues, getString } from '../flags';
import type { HelperApi } from '../helper-client/calls';
import type { Logger } from '../logger';
import type { Collector, CollectorDefinition } from './collector';
import { DEFAULT_DEVICE_EXCLUDE, type DeviceFilter, deviceFilter } from './device-filter';
import { SnmpFields, SOFTNET_COLUMNS, scanInterruptCounts, scanSoftnet } from './kernel-bytes';
import { KernelFiles } from './kernel-files';
import { parseInterrupts } from './kernel-text';
import { LinkChangeWatch } from './link-changes';
import { NIC_QUEUE } from './metrics';
import {
  FAMILIES,
  INTERRUPTS_AT,
  LINK_AT,
  NETSTAT_FIELDS,
  SNMP_FIELDS,
  SNMP6_FIELDS,
  SOCKET_AT,
  SOCKET_FAMILIES,
  SOFTNET_AT,
  SOFTNET_FAMILIES,
  TOPOLOGY_AT,
} from './rxpath-fields';
import { LinkCounters } from './rxpath-links';
import { readTopology, sameTopology } from './rxpath-topology';

/** The queue topology is read again this often, off the cycle (and sooner when an IRQ vanishes). */
export const TOPOLOGY_REFRESH_MS = 60_000;

/** One socket counter: where it is in its file's field list, its family and its encoded prefix. */
interface SocketField {
  family: number;
  prefix: Buffer;
}

interface SocketFile {
  name: string;
  fields: SnmpFields;
  plain: boolean;
  out: SocketField[];
  values: Float64Array;
}

const enc = (meta: MetricMeta, labels: Record<string, string>) => Buffer.from(samplePrefix(meta, labels));

export interface RxpathOptions {
  procfs: string;
  sysfs: string;
  devices: DeviceFilter;
  /** How often rx_nohandler is read when rx_packets did not move (NOHANDLER_RECHECK_MS); for tests. */
  nohandlerRecheckMs?: number;
  /** How often carrier_changes is read when the link watch did not name the device (CARRIER_RECHECK_MS); for tests. */
  carrierRecheckMs?: number;
}

export class RxpathCollector implements Collector {
  readonly name = 'rxpath';
  private readonly files = new KernelFiles();
  private readonly pools = FAMILIES.map((_, i) => new TextBufferPool(i >= TOPOLOGY_AT ? 64 * 1024 : 4 * 1024));
  private readonly bodies: TextBuffer[] = [];
  private readonly links: LinkCounters;
  /** The helper's link watch: which devices' carrier counts to read. */
  readonly linkWatch: LinkChangeWatch;
  private readonly softnetValues = new Float64Array(SOFTNET_COLUMNS.length);
  private readonly cpuPrefixes: Buffer[][] = [];
  private readonly socketFiles: SocketFile[];
  /** The rendered topology families and what the interrupt counts need. */
  private topologyDirty = true;
  private readonly topologyBodies: (TextBuffer | undefined)[] = [undefined, undefined, undefined];
  private irqSlots = new Map<number, number>();
  private irqPrefixes: Buffer[] = [];
  private irqTotals = new Float64Array(0);
  private lastRefresh = Date.now();
  private refreshing = false;
  private refreshError: Error | undefined;
  /** What the last background topology refresh cost (the bench reports it beside the cycle). */
  lastRefreshStats: { wallMs: number; cpuMs: number; devices: number } | undefined;

  constructor(
    readonly schedule: string,
    private readonly options: RxpathOptions,
    logger?: Logger,
  ) {
    this.linkWatch = new LinkChangeWatch(logger);
    const socketFile = (name: string, fields: [string, MetricMeta, string][], plain: boolean): SocketFile => ({
      name: path.join(options.procfs, 'net', name),
      fields: new SnmpFields(fields.map(([key]) => (plain ? `.${key}` : key))),
      plain,
      out: fields.map(([, meta, protocol]) => ({
        family: SOCKET_AT + SOCKET_FAMILIES.indexOf(meta),
        prefix: enc(meta, { protocol }),
      })),
      values: new Float64Array(fields.length),
    });
    this.links = new LinkCounters(
      this.files,
      options.procfs,
      options.sysfs,
      options.devices,
      options.nohandlerRecheckMs,
      options.carrierRecheckMs,
    );
    this.socketFiles = [
      socketFile('snmp', SNMP_FIELDS, false),
      socketFile('snmp6', SNMP6_FIELDS, true),
      socketFile('netstat', NETSTAT_FIELDS, false),
    ];
  }

  private proc(...parts: string[]): string {
    return path.join(this.options.procfs, ...parts);
  }

  /** `helper`: the link watch runs on it when it serves one; without, every device's carrier count is read. */
  async collect(helper?: HelperApi): Promise<RenderedFamily[]> {
    if (this.refreshError) {
      const err = this.refreshError;
      this.refreshError = undefined;
      throw err;
    }
    for (let i = 0; i < TOPOLOGY_AT; i++) if (i < LINK_AT || i >= SOCKET_AT) this.bodies[i] = this.pools[i].acquire();
    this.softnet();
    const before = this.links.order.length;
    this.linkWatch.follow(helper);
    if (this.linkWatch.takeResync()) this.links.renewAll();
    let listed: boolean;
    try {
      listed = this.links.read(this.linkWatch.take());
    } catch (err) {
      this.linkWatch.readFailed();
      throw err;
    }
    if (listed) {
      const order = this.links.order;
      if (order.some((device) => !device.topology) || order.length !== before) this.topologyDirty = true;
    }
    this.socket();
    this.queues();
    const rendered: RenderedFamily[] = [];
    for (let i = 0; i < FAMILIES.length; i++) {
      const body =
        i >= TOPOLOGY_AT
          ? this.topologyBodies[i - TOPOLOGY_AT]
          : i >= LINK_AT && i < SOCKET_AT
            ? this.links.bodies[i - LINK_AT]
            : this.bodies[i];
      if (body) rendered.push({ meta: FAMILIES[i], body });
    }
    if (!this.refreshing && Date.now() - this.lastRefresh >= TOPOLOGY_REFRESH_MS) void this.refreshTopology();
    return rendered;
  }

  close(): void {
    this.linkWatch.stop();
  }

  private softnet(): void {
    const file = this.proc('net', 'softnet_stat');
    const length = this.files.read(file);
    scanSoftnet(this.files.bytes, length, file, this.softnetValues, (cpu, values, columns) => {
      let prefixes = this.cpuPrefixes[cpu];
      if (!prefixes) {
        prefixes = SOFTNET_FAMILIES.map((meta) => enc(meta, { cpu: String(cpu) }));
        this.cpuPrefixes[cpu] = prefixes;
      }
      for (let k = 0; k < SOFTNET_COLUMNS.length; k++) {
        if (SOFTNET_COLUMNS[k] >= columns) continue;
        const body = this.bodies[SOFTNET_AT + k];
        body.append(prefixes[k]);
        body.value(values[k]);
      }
    });
  }

  private socket(): void {
    const bytes = this.files.bytes;
    for (const file of this.socketFiles) {
      const length = this.files.readIfPresent(file.name);
      // snmp6 is absent when IPv6 is disabled.
      if (length < 0) continue;
      if (file.plain) file.fields.scanPlain(bytes, length, file.name, file.values);
      else file.fields.scan(bytes, length, file.name, file.values);
      for (let f = 0; f < file.out.length; f++) {
        const value = file.values[f];
        if (Number.isNaN(value)) continue;
        const body = this.bodies[file.out[f].family];
        body.append(file.out[f].prefix);
        body.value(value);
      }
    }
  }

  private queues(): void {
    const missing = this.links.order.filter((device) => !device.topology);
    if (missing.length > 0) {
      const names = this.interruptNames();
      for (const device of missing) {
        device.topology = readTopology(this.options.procfs, this.options.sysfs, device.name, names);
      }
      this.topologyDirty = true;
    }
    if (this.topologyDirty) this.renderTopology();
    if (this.irqSlots.size === 0) return;
    const file = this.proc('interrupts');
    const length = this.files.read(file);
    scanInterruptCounts(this.files.bytes, length, file, this.irqSlots, this.irqTotals);
    const body = this.bodies[INTERRUPTS_AT];
    for (let slot = 0; slot < this.irqTotals.length; slot++) {
      const total = this.irqTotals[slot];
      // An IRQ gone from /proc/interrupts (queues changed): read the topology again soon.
      if (Number.isNaN(total)) this.lastRefresh = 0;
      else {
        body.append(this.irqPrefixes[slot]);
        body.value(total);
      }
    }
  }

  private interruptNames(): Map<number, readonly string[]> {
    const file = this.proc('interrupts');
    const all = parseInterrupts(this.files.readText(file), file, undefined);
    return new Map([...all].map(([irq, line]) => [irq, line.names]));
  }

  /** Writes the topology families afresh (into buffers no snapshot holds) and the interrupt slots. */
  private renderTopology(): void {
    this.topologyDirty = false;
    const [info, cpus, rps] = [0, 1, 2].map((k) => this.pools[TOPOLOGY_AT + k].acquire());
    const slots = new Map<number, number>();
    const prefixes: Buffer[] = [];
    for (const device of this.links.order) {
      const topology = device.topology;
      if (!topology) continue;
      for (const irq of topology.irqs) {
        const labels = { device: device.name, queue: String(irq.queue), direction: irq.direction };
        if (!slots.has(irq.irq)) {
          slots.set(irq.irq, prefixes.length);
          prefixes.push(enc(NIC_QUEUE.interrupts, labels));
        }
        if (irq.cpuCount > 0) {
          info.text(samplePrefix(NIC_QUEUE.irqInfo, { ...labels, irq: String(irq.irq), cpu: String(irq.firstCpu) }));
          info.value(1);
          cpus.text(samplePrefix(NIC_QUEUE.irqCpus, labels));
          cpus.value(irq.cpuCount);
        }
      }
      for (const queue of topology.rps) {
        rps.text(samplePrefix(NIC_QUEUE.rpsCpus, { device: device.name, queue: String(queue.queue) }));
        rps.value(queue.cpus);
      }
    }
    this.topologyBodies[0] = info;
    this.topologyBodies[1] = cpus;
    this.topologyBodies[2] = rps;
    this.irqSlots = slots;
    this.irqPrefixes = prefixes;
    this.irqTotals = new Float64Array(prefixes.length);
  }

  /**
   * Reads every included device's topology again, a device per event-loop
   * turn so scrapes are not held up, and marks the families for rendering
   * when anything changed. A failure fails the next cycle, naming the file.
   */
  async refreshTopology(): Promise<void> {
    this.refreshing = true;
    const wall = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    try {
      // Not on the cycle that started it.
      await new Promise((resolve) => setImmediate(resolve));
      const names = this.interruptNames();
      const devices = [...this.links.order];
      for (const device of devices) {
        await new Promise((resolve) => setImmediate(resolve));
        if (!this.links.isCurrent(device) || !device.topology) continue;
        const fresh = readTopology(this.options.procfs, this.options.sysfs, device.name, names);
        if (!sameTopology(device.topology, fresh)) {
          device.topology = fresh;
          this.topologyDirty = true;
        }
      }
      const used = process.cpuUsage(cpu);
      this.lastRefreshStats = {
        wallMs: Number(process.hrtime.bigint() - wall) / 1e6,
        cpuMs: (used.user + used.system) / 1000,
        devices: devices.length,
      };
    } catch (err) {
      this.refreshError = err as Error;
    } finally {
      this.lastRefresh = Date.now();
      this.refreshing = false;
    }
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
  create: (flags, schedule, deps) => [new RxpathCollector(schedule, rxpathOptions(flags), deps.logger)],
};
