// The ethtool collector: driver info, link settings and every ethtool stat
// of the devices that pass the include/exclude filters.
//
// The helper sends stat names only when a device's string set changes, so
// the label prefix of each series is built once per string-set generation
// and a cycle only appends values.
//
// With --collector.ethtool.settings and --collector.ethtool.standard-stats
// it also renders what ethtool netlink knows (ethtool-settings.ts); the
// module job is its own collector (ethtool-module.ts), on its own schedule.
// --collector.ethtool.max-series caps ethtrack_nic_stat: devices in
// interface order and stats in driver order, so the same series are left out
// every cycle.

import { type RenderedFamily, renderFamily, type Sample } from '../exposition/family';
import { TextBufferPool } from '../exposition/text-buffer';
import { escapeLabelValue } from '../exposition/value-format';
import { type FlagValues, getBool, getNumber, getRegex, type Pattern } from '../flags';
import type { EthtoolSettingsReply, ListInterfacesReply, NetInterface, StandardStatsReply } from '../helper-client/api';
import type { HelperApi } from '../helper-client/calls';
import { HelperCallError } from '../helper-client/client';
import { EthtoolStatsDecoder } from '../helper-client/ethtool-stats-decoder';
import type { Logger } from '../logger';
import type { Collector, CollectorDefinition } from './collector';
import { DEFAULT_DEVICE_EXCLUDE, type DeviceFilter, deviceFilter } from './device-filter';
import { type DeviceNames, deviceNames, writeDeviceLines } from './ethtool-device-lines';
import { EthtoolModuleCollector, moduleOptions } from './ethtool-module';
import { renderSettings, renderStandardStats, settingsKinds } from './ethtool-settings';
import { SlowSettings } from './ethtool-slow-settings';
import { mapStatNames } from './ethtool-stat-names';
import { NIC, NIC_BUDGET } from './metrics';

export interface EthtoolFilters {
  devices: DeviceFilter;
  statInclude?: Pattern;
  statExclude?: Pattern;
}

export interface EthtoolOptions {
  settings: boolean;
  standardStats: boolean;
  /** 0: no budget. */
  maxSeries: number;
  skipZero: boolean;
}

const DEFAULT_OPTIONS: EthtoolOptions = { settings: false, standardStats: false, maxSeries: 0, skipZero: false };

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
  private lastHelper: HelperApi | undefined;
  /** Per device, what it lacks of ethtool netlink and on which driver/link, as last logged. */
  private readonly support = new Map<string, string>();
  private budgetLogged = false;
  /** Numbers the cycles that wrote ethtrack_nic_stat, so a snapshot can tell which cycle a segment equals. */
  private cycle = 0;
  private lastWritten = 0;
  /** Per netlink extra (settings, standard stats), why its last call failed, as last logged. */
  private readonly extraFailed = new Map<string, string>();
  /** Channels, rings, coalescing and link modes: read every few cycles, served in between. */
  private readonly slowSettings = new SlowSettings();
  /**
   * What the last cycle made of the interface list and of the netlink
   * replies. The helper client hands back the same object while a reply's
   * bytes repeat, so an unchanged list or settings reply is not filtered or
   * rendered again (on a node of idle veths, none of them change).
   */
  private listMemo: { reply: ListInterfacesReply; devices: NetInterface[]; families: RenderedFamily[] } | undefined;
  private readonly netlinkMemo = new Map<
    boolean,
    {
      answered: EthtoolSettingsReply | undefined;
      stats: StandardStatsReply | undefined;
      base: EthtoolSettingsReply | undefined;
      devices: readonly NetInterface[];
      families: RenderedFamily[];
    }
  >();

  constructor(
    readonly schedule: string,
    private readonly filters: EthtoolFilters,
    private readonly logger: Logger,
    private readonly options: EthtoolOptions = DEFAULT_OPTIONS,
  ) {}

  /** Logs once what a device lacks, again only when that, its driver or its link changes. */
  private logSupport(dev: NetInterface, lacking: string[]): void {
    const key = `${dev.driver}|${dev.linkUp}|${lacking.join(',')}`;
    if (this.support.get(dev.name) === key) return;
    this.support.set(dev.name, key);
    if (lacking.length > 0) {
      this.logger.log('info', 'device lacks ethtool netlink data; skipped', {
        collector: this.name,
        device: dev.name,
        driver: dev.driver,
        lacking: lacking.join(', '),
      });
    }
  }

  private async netlinkFamilies(helper: HelperApi, devices: readonly NetInterface[]): Promise<RenderedFamily[]> {
    const { settings, standardStats } = this.options;
    if (!settings && !standardStats) return [];
    const passes = (name: string) => this.filters.devices.passes(name);
    const asked = this.slowSettings.request(devices.map((dev) => dev.name));
    const [answered, statsReply] = await Promise.all([
      settings ? this.extra('settings', () => helper.ethtoolSettings(asked)) : undefined,
      standardStats ? this.extra('standard stats', () => helper.standardStats(0)) : undefined,
    ]);
    if (settings && !answered) this.slowSettings.reset();
    if (answered && asked.channels) this.slowSettings.remember(answered);
    // The same replies (the client hands back the same object for the same bytes) render the same.
    // Slow and fast cycles ask for different kinds: one rendering kept for each.
    const memo = this.netlinkMemo.get(asked.channels);
    const base = this.slowSettings.base;
    if (
      memo &&
      memo.answered === answered &&
      memo.stats === statsReply &&
      memo.base === base &&
      memo.devices === devices
    ) {
      return memo.families;
    }
    const settingsReply = answered && this.slowSettings.complete(asked, answered);
    const families: RenderedFamily[] = [];
    const have = new Map<string, string[]>();
    if (settingsReply) {
      for (const error of settingsReply.errors) this.reportOnce('*', `ethtool netlink ${error}`, 'warn');
      families.push(...renderSettings(settingsReply, passes));
      for (const dev of settingsReply.devices) have.set(dev.interface, settingsKinds(dev));
    }
    if (statsReply) {
      if (statsReply.error) this.reportOnce('*', `ethtool netlink standard stats: ${statsReply.error}`, 'warn');
      const rendered = renderStandardStats(statsReply, passes);
      families.push(...rendered.families);
      for (const name of rendered.devices) have.set(name, [...(have.get(name) ?? []), 'standard-stats']);
    }
    // A kind whose call failed is logged once by extra(), not as lacking on every device.
    const wanted = [
      ...(settingsReply ? ['channels', 'rings', 'coalesce', 'pause', 'fec', 'link-state', 'link-modes'] : []),
      ...(statsReply ? ['standard-stats'] : []),
    ];
    for (const dev of devices) {
      const got = have.get(dev.name) ?? [];
      this.logSupport(
        dev,
        wanted.filter((kind) => !got.includes(kind)),
      );
    }
    this.netlinkMemo.set(asked.channels, { answered, stats: statsReply, base, devices, families });
    return families;
  }

  /**
   * One netlink extra's call. Its failure leaves only that extra out of this
   * cycle: `ethtool -S` and link info come over ioctl and are served anyway.
   * Logged once: no ethtool netlink (FAILED_PRECONDITION) at info, anything
   * else at warn, again when its text changes.
   */
  private async extra<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (err) {
      const absent = err instanceof HelperCallError && err.subsystemMissing;
      const reason = absent ? 'no ethtool netlink on this kernel' : (err as Error).message;
      if (this.extraFailed.get(what) !== reason) {
        this.extraFailed.set(what, reason);
        this.logger.log(absent ? 'info' : 'warn', `ethtool netlink ${what} left out`, {
          collector: this.name,
          reason,
        });
      }
      return undefined;
    }
  }

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
    return deviceNames(generation, devicePrefix, shared.suffixes, shared.key);
  }

  /** Forgets string sets no device uses any more. */
  private pruneSuffixes(): void {
    const used = new Set<string>();
    for (const entry of this.names.values()) used.add(entry.suffixKey);
    for (const key of this.suffixCache.keys()) if (!used.has(key)) this.suffixCache.delete(key);
  }

  async collect(helper: HelperApi): Promise<RenderedFamily[]> {
    // A new helper numbers its string-set generations afresh.
    if (helper !== this.lastHelper) {
      this.names.clear();
      this.slowSettings.reset();
      this.listMemo = undefined;
      this.netlinkMemo.clear();
      this.lastHelper = helper;
    }
    const list = await helper.listInterfaces();
    let listed = this.listMemo;
    if (listed?.reply !== list) {
      const devices = list.interfaces.filter((dev) => this.filters.devices.passes(dev.name));
      listed = { reply: list, devices, families: linkFamilies(devices) };
      this.listMemo = listed;
    }
    const { devices } = listed;
    const present = new Set(devices.map((dev) => dev.name));
    for (const name of this.names.keys()) if (!present.has(name)) this.names.delete(name);
    for (const name of this.reported.keys()) if (!present.has(name)) this.reported.delete(name);
    for (const name of this.support.keys()) if (!present.has(name)) this.support.delete(name);

    const withStats = devices.filter((dev) => dev.nStats > 0 || this.names.has(dev.name) || dev.driver !== '');
    const [reply, netlink] = await Promise.all([
      helper.ethtoolStatsEncoded(
        withStats.map((dev) => ({ interface: dev.name, knownGeneration: this.names.get(dev.name)?.generation ?? 0 })),
      ),
      this.netlinkFamilies(helper, devices),
    ]);
    const { maxSeries, skipZero } = this.options;
    let budget = maxSeries > 0 ? maxSeries : Number.POSITIVE_INFINITY;
    let dropped = 0;

    // Trim before acquiring, so the buffer being written is never trimmed away.
    this.buffers.trim();
    const body = this.buffers.acquire();
    // Each device's lines are a segment; one written from the same values as
    // last cycle is the same bytes, and its compressed piece is reused.
    body.cycle = ++this.cycle;
    body.previousCycle = this.lastWritten;
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
      const { count } = stats;
      if (count !== cached.suffixes.length) {
        // Names and values disagree (a string set changed under us): ask afresh next cycle.
        this.names.delete(device);
        this.reportOnce(device, `stat count changed (${cached.suffixes.length} names, ${count} values)`, 'info');
        continue;
      }
      this.reported.delete(device);
      const lines = writeDeviceLines(body, device, cached, stats.values, count, {
        cycle: this.cycle,
        previousCycle: this.lastWritten,
        budget,
        budgeted: maxSeries > 0,
        skipZero,
      });
      budget -= lines.written;
      dropped += lines.dropped;
    }
    this.lastWritten = this.cycle;
    body.contentCycle = this.cycle;
    if (this.suffixCache.size > this.names.size) this.pruneSuffixes();
    const families = [{ meta: NIC.stat, body }, ...listed.families, ...netlink];
    if (maxSeries > 0) {
      if (dropped > 0 && !this.budgetLogged) {
        this.logger.log('warn', 'ethtool stat series over budget; the same ones are left out every cycle', {
          collector: this.name,
          maxSeries,
          dropped,
        });
      }
      this.budgetLogged = dropped > 0;
      families.push(renderFamily(NIC_BUDGET, [{ labels: {}, value: dropped }]));
    }
    return families;
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
    {
      name: 'collector.ethtool.settings',
      kind: 'bool',
      default: true,
      help: 'Channels, rings, coalescing, pause and FEC with their statistics (ethtool netlink).',
    },
    {
      name: 'collector.ethtool.standard-stats',
      kind: 'bool',
      default: true,
      help: 'The standard statistics groups eth-phy, eth-mac, eth-ctrl and rmon (ethtool netlink).',
    },
    {
      name: 'collector.ethtool.max-series',
      kind: 'int',
      default: 0,
      help: 'Budget of ethtrack_nic_stat series per node (0: none); the same series beyond it are left out every cycle.',
    },
    {
      name: 'collector.ethtool.skip-zero',
      kind: 'bool',
      default: false,
      help: 'Leave out ethtrack_nic_stat series that have read zero since start.',
    },
    {
      name: 'collector.ethtool.module',
      kind: 'bool',
      default: true,
      help: 'Transceiver module diagnostics (SFF-8472, SFF-8636, CMIS), read on their own schedule.',
    },
    {
      name: 'collector.ethtool.module-schedule',
      kind: 'schedule',
      default: '0 */5 * * * *',
      help: 'node-cron schedule (with seconds) of the module reads.',
    },
    {
      name: 'collector.ethtool.module-timeout',
      kind: 'duration',
      default: '2s',
      help: "How long one device's module read may take; a slower one marks only that device stale.",
    },
  ],
  create: (flags, schedule, deps) => {
    const filters = ethtoolFilters(flags);
    const jobs: Collector[] = [
      new EthtoolCollector(schedule, filters, deps.logger, {
        settings: getBool(flags, 'collector.ethtool.settings'),
        standardStats: getBool(flags, 'collector.ethtool.standard-stats'),
        maxSeries: getNumber(flags, 'collector.ethtool.max-series'),
        skipZero: getBool(flags, 'collector.ethtool.skip-zero'),
      }),
    ];
    if (getBool(flags, 'collector.ethtool.module')) {
      jobs.push(new EthtoolModuleCollector(moduleOptions(flags), filters.devices, deps.logger));
    }
    return jobs;
  },
};
