// The ethtool collector: driver info, link settings and every ethtool stat
// of the devices that pass the include/exclude filters.
//
// The helper sends stat names only when a device's string set changes, so
// the label prefix of each series is built once per string-set generation
// and a cycle only appends values.

import { type RenderedFamily, renderFamily, type Sample } from '../exposition/family';
import { TextBufferPool } from '../exposition/text-buffer';
import { escapeLabelValue } from '../exposition/value-format';
import { type FlagValues, getRegex } from '../flags';
import type { NetInterface } from '../helper-client/api';
import type { HelperClient } from '../helper-client/client';
import { EthtoolStatsDecoder } from '../helper-client/ethtool-stats-decoder';
import type { Logger } from '../logger';
import type { Collector, CollectorDefinition } from './collector';
import { DEFAULT_DEVICE_EXCLUDE, type DeviceFilter, deviceFilter } from './device-filter';
import { mapStatNames } from './ethtool-stat-names';
import { NIC } from './metrics';

export interface EthtoolFilters {
  devices: DeviceFilter;
  statInclude?: RegExp;
  statExclude?: RegExp;
}

interface DeviceNames {
  generation: number;
  /** `ethtrack_nic_stat{device="eth0",`, encoded once. */
  devicePrefix: Buffer;
  /** Per stat index: `stat="rx_drops",queue="3"} ` encoded, or null when the stat filters drop it. */
  suffixes: (Buffer | null)[];
  suffixKey: string;
}

const SPEED_UNKNOWN = 0xffffffff;
const DUPLEX_HALF = 0;
const DUPLEX_FULL = 1;

export class EthtoolCollector implements Collector {
  readonly name = 'ethtool';
  private readonly names = new Map<string, DeviceNames>();
  /**
   * Label suffixes per distinct string set, shared by every device with the
   * same stats (all veths, all ports of a NIC model); the entry keeps its key
   * so that devices share one copy of it too.
   */
  private readonly suffixCache = new Map<string, { key: string; suffixes: (Buffer | null)[] }>();
  private readonly decoder = new EthtoolStatsDecoder();
  private readonly buffers = new TextBufferPool();
  /** Devices already logged as giving no stats (or failing), with the reason logged. */
  private readonly reported = new Map<string, string>();
  private lastHelper: HelperClient | undefined;

  constructor(
    readonly schedule: string,
    private readonly filters: EthtoolFilters,
    private readonly logger: Logger,
  ) {}

  private reportOnce(device: string, reason: string, level: 'info' | 'warn'): void {
    if (this.reported.get(device) === reason) return;
    this.reported.set(device, reason);
    this.logger.log(level, 'skipping device stats', { collector: this.name, device, reason });
  }

  /** A stat passes when its raw or its mapped name passes the filters. */
  private statPasses(raw: string, stat: string): boolean {
    const { statInclude: include, statExclude: exclude } = this.filters;
    if (!include && !exclude) return true;
    const included = !include || include.test(raw) || include.test(stat);
    const excluded = !!exclude && (exclude.test(raw) || exclude.test(stat));
    return included && !excluded;
  }

  private deviceNames(device: string, generation: number, names: readonly string[]): DeviceNames {
    const joined = names.join('\n');
    let shared = this.suffixCache.get(joined);
    if (!shared) {
      const suffixes = mapStatNames(names).map((label) =>
        this.statPasses(label.raw, label.stat)
          ? Buffer.from(`stat="${escapeLabelValue(label.stat)}",queue="${label.queue}"} `)
          : null,
      );
      shared = { key: joined, suffixes };
      this.suffixCache.set(joined, shared);
    }
    const devicePrefix = Buffer.from(`${NIC.stat.name}{device="${escapeLabelValue(device)}",`);
    return { generation, devicePrefix, suffixes: shared.suffixes, suffixKey: shared.key };
  }

  /** Forgets string sets no device uses any more. */
  private pruneSuffixes(): void {
    const used = new Set<string>();
    for (const entry of this.names.values()) used.add(entry.suffixKey);
    for (const key of this.suffixCache.keys()) if (!used.has(key)) this.suffixCache.delete(key);
  }

  async collect(helper: HelperClient): Promise<RenderedFamily[]> {
    // A new helper numbers its string-set generations afresh.
    if (helper !== this.lastHelper) {
      this.names.clear();
      this.lastHelper = helper;
    }
    const { interfaces } = await helper.listInterfaces();
    const devices = interfaces.filter((dev) => this.filters.devices.passes(dev.name));
    const present = new Set(devices.map((dev) => dev.name));
    for (const name of this.names.keys()) if (!present.has(name)) this.names.delete(name);
    for (const name of this.reported.keys()) if (!present.has(name)) this.reported.delete(name);

    const withStats = devices.filter((dev) => dev.nStats > 0 || this.names.has(dev.name) || dev.driver !== '');
    const reply = await helper.ethtoolStatsEncoded(
      withStats.map((dev) => ({ interface: dev.name, knownGeneration: this.names.get(dev.name)?.generation ?? 0 })),
    );

    // Trim before acquiring, so the buffer being written is never trimmed away.
    this.buffers.trim();
    const body = this.buffers.acquire();
    for (const stats of this.decoder.decode(reply)) {
      const device = stats.interface;
      if (stats.status === 'NOT_SUPPORTED') {
        this.reportOnce(device, 'driver has no ethtool stats', 'info');
        continue;
      }
      if (stats.status === 'NO_SUCH_DEVICE') {
        this.names.delete(device);
        continue;
      }
      if (stats.status !== 'OK') {
        this.reportOnce(device, stats.error || stats.status, 'warn');
        continue;
      }
      let cached = this.names.get(device);
      if (stats.names.length > 0 || !cached || cached.generation !== stats.generation) {
        cached = this.deviceNames(device, stats.generation, stats.names);
        this.names.set(device, cached);
      }
      const { devicePrefix, suffixes } = cached;
      const { values, count } = stats;
      if (count !== suffixes.length) {
        // Names and values disagree (a string set changed under us): ask afresh next cycle.
        this.names.delete(device);
        this.reportOnce(device, `stat count changed (${suffixes.length} names, ${count} values)`, 'info');
        continue;
      }
      this.reported.delete(device);
      for (let i = 0; i < count; i++) {
        const suffix = suffixes[i];
        if (suffix !== null) body.sample(devicePrefix, suffix, values[i]);
      }
    }
    if (this.suffixCache.size > this.names.size) this.pruneSuffixes();
    return [{ meta: NIC.stat, body }, ...linkFamilies(devices)];
  }
}

function linkFamilies(devices: readonly NetInterface[]): RenderedFamily[] {
  const info: Sample[] = [];
  const up: Sample[] = [];
  const speed: Sample[] = [];
  const duplex: Sample[] = [];
  const autoneg: Sample[] = [];
  for (const dev of devices) {
    const labels = { device: dev.name };
    if (dev.driver !== '') {
      info.push({
        labels: {
          device: dev.name,
          driver: dev.driver,
          driver_version: dev.driverVersion,
          firmware_version: dev.firmwareVersion,
          bus_info: dev.busInfo,
        },
        value: 1,
      });
    }
    if (dev.linkKnown) up.push({ labels, value: dev.linkUp ? 1 : 0 });
    if (dev.settingsKnown) {
      if (dev.speedMbps > 0 && dev.speedMbps !== SPEED_UNKNOWN) {
        speed.push({ labels, value: (dev.speedMbps * 1_000_000) / 8 });
      }
      if (dev.duplex === DUPLEX_FULL || dev.duplex === DUPLEX_HALF) {
        duplex.push({ labels, value: dev.duplex === DUPLEX_FULL ? 1 : 0 });
      }
      autoneg.push({ labels, value: dev.autoneg ? 1 : 0 });
    }
  }
  return [
    renderFamily(NIC.info, info),
    renderFamily(NIC.linkUp, up),
    renderFamily(NIC.linkSpeedBytes, speed),
    renderFamily(NIC.linkFullDuplex, duplex),
    renderFamily(NIC.autonegotiate, autoneg),
  ];
}

export function ethtoolFilters(flags: FlagValues): EthtoolFilters {
  return {
    devices: deviceFilter(flags, 'collector.ethtool'),
    statInclude: getRegex(flags, 'collector.ethtool.stat-include'),
    statExclude: getRegex(flags, 'collector.ethtool.stat-exclude'),
  };
}

export const ethtool: CollectorDefinition = {
  name: 'ethtool',
  help: 'NIC driver info, link settings and ethtool statistics.',
  defaultEnabled: true,
  defaultSchedule: '*/15 * * * * *',
  flags: [
    {
      name: 'collector.ethtool.device-include',
      kind: 'regex',
      default: undefined,
      help: 'Regexp of devices to include; when set, the default exclusion no longer applies.',
    },
    {
      name: 'collector.ethtool.device-exclude',
      kind: 'regex',
      default: DEFAULT_DEVICE_EXCLUDE,
      help: 'Regexp of devices to exclude.',
    },
    {
      name: 'collector.ethtool.stat-include',
      kind: 'regex',
      default: undefined,
      help: 'Regexp of stats to include, matched against the raw and the queue-free name.',
    },
    {
      name: 'collector.ethtool.stat-exclude',
      kind: 'regex',
      default: undefined,
      help: 'Regexp of stats to exclude, matched against the raw and the queue-free name.',
    },
  ],
  create: (flags, schedule, deps) => [new EthtoolCollector(schedule, ethtoolFilters(flags), deps.logger)],
};
