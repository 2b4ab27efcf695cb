// The module job of the ethtool collector: transceiver diagnostics on their
// own schedule (--collector.ethtool.module-schedule, every 5 minutes by
// default: optics change slowly). Each device is read with its own deadline
// (--collector.ethtool.module-timeout); the helper reads on a thread of its
// own, so a slow driver delays nobody else. What was read is cached and
// served between reads; a device whose read fails or times out keeps its
// last values with ethtrack_nic_module_stale 1. A device without a module
// is not asked again until its driver or link changes, and is logged once.

import { type RenderedFamily, renderFamily, type Sample } from '../exposition/family';
import { type FlagValues, getNumber, getString } from '../flags';
import type { NetInterface } from '../helper-client/api';
import type { HelperApi } from '../helper-client/calls';
import type { Logger } from '../logger';
import type { Collector } from './collector';
import type { DeviceFilter } from './device-filter';
import { NIC_MODULE } from './metrics';
import {
  decodeModule,
  diagnosticPages,
  IDENTITY_PAGES,
  type ModuleDiagnostics,
  type Thresholds,
} from './module-eeprom';

export interface ModuleOptions {
  schedule: string;
  timeoutMs: number;
}

export function moduleOptions(flags: FlagValues): ModuleOptions {
  return {
    schedule: getString(flags, 'collector.ethtool.module-schedule'),
    timeoutMs: getNumber(flags, 'collector.ethtool.module-timeout'),
  };
}

/** A device's last good read; a device whose first read already failed has only `stale`. */
export interface Cached {
  diag?: ModuleDiagnostics;
  readAt?: number;
  stale: boolean;
}

export class EthtoolModuleCollector implements Collector {
  readonly name = 'ethtool_module';
  readonly schedule: string;
  private readonly cache = new Map<string, Cached>();
  /** Devices without a module, keyed to the driver and link they had then. */
  private readonly absent = new Map<string, string>();
  private readonly logged = new Map<string, string>();

  constructor(
    private readonly options: ModuleOptions,
    private readonly devices: DeviceFilter,
    private readonly logger: Logger,
  ) {
    this.schedule = options.schedule;
  }

  private logOnce(device: string, reason: string, level: 'info' | 'warn'): void {
    if (this.logged.get(device) === reason) return;
    this.logged.set(device, reason);
    this.logger.log(level, 'module read', { collector: this.name, device, reason });
  }

  /** Both reads of one device; undefined when it has no module (remembered). */
  private async read(helper: HelperApi, dev: NetInterface): Promise<void> {
    const key = `${dev.driver}|${dev.linkUp}`;
    if (this.absent.get(dev.name) === key) return;
    this.absent.delete(dev.name);
    const deadline = this.options.timeoutMs;
    const started = Date.now();
    const first = await helper.moduleEeprom(dev.name, IDENTITY_PAGES, deadline);
    let pages = first.pages;
    let status = first.status;
    let error = first.error;
    if (status === 'OK' && pages.length >= 1) {
      const more = diagnosticPages(Buffer.from(pages[0].data), pages[1] ? Buffer.from(pages[1].data) : undefined);
      const left = deadline - (Date.now() - started);
      if (more.length > 0 && left > 0) {
        const second = await helper.moduleEeprom(dev.name, more, left);
        pages = [...pages, ...second.pages];
        status = second.status;
        error = second.error;
      } else if (more.length > 0) {
        status = 'TIMED_OUT';
        error = 'no time left for the diagnostic pages';
      }
    }
    if (status === 'NOT_SUPPORTED' || status === 'NO_SUCH_DEVICE') {
      this.absent.set(dev.name, key);
      this.cache.delete(dev.name);
      this.logOnce(dev.name, `no module to read (${error || status})`, 'info');
      return;
    }
    const cached = this.cache.get(dev.name);
    if (status === 'BUSY' && !cached) {
      // Another device's read has not ended (the helper runs one at a time): nothing known yet, nothing stale.
      this.logOnce(dev.name, `${status}: ${error}`, 'info');
      return;
    }
    if (status !== 'OK') {
      this.cache.set(dev.name, { ...cached, stale: true });
      this.logOnce(dev.name, `${status}: ${error}`, 'warn');
      return;
    }
    const diag = decodeModule(pages);
    if (!diag) {
      this.absent.set(dev.name, key);
      this.logOnce(dev.name, `module type 0x${(pages[0]?.data[0] ?? 0).toString(16)} is not decoded`, 'info');
      return;
    }
    this.logged.delete(dev.name);
    this.cache.set(dev.name, { diag, readAt: Date.now() / 1000, stale: false });
  }

  async collect(helper: HelperApi): Promise<RenderedFamily[]> {
    const { interfaces } = await helper.listInterfaces();
    const devices = interfaces.filter((dev) => this.devices.passes(dev.name));
    const present = new Set(devices.map((dev) => dev.name));
    for (const map of [this.cache, this.absent, this.logged]) {
      for (const name of map.keys()) if (!present.has(name)) map.delete(name);
    }
    // One device at a time: the helper serves calls in order, and a slow one
    // is bounded by its own deadline.
    for (const dev of devices) {
      try {
        await this.read(helper, dev);
      } catch (err) {
        this.cache.set(dev.name, { ...this.cache.get(dev.name), stale: true });
        this.logOnce(dev.name, (err as Error).message, 'warn');
      }
    }
    return renderModules(this.cache);
  }
}

export function renderModules(cache: ReadonlyMap<string, Cached>): RenderedFamily[] {
  const M = NIC_MODULE;
  const out = new Map<typeof M.info, Sample[]>();
  const add = (meta: typeof M.info, labels: Record<string, string>, value: number | undefined) => {
    if (value === undefined || !Number.isFinite(value)) return;
    const list = out.get(meta) ?? [];
    list.push({ labels, value });
    out.set(meta, list);
  };
  const addThresholds = (meta: typeof M.info, device: string, t: Thresholds | undefined) => {
    if (!t) return;
    for (const [type, value] of Object.entries(t)) add(meta, { device, type }, value);
  };
  for (const [device, { diag, readAt, stale }] of cache) {
    add(M.stale, { device }, stale ? 1 : 0);
    if (!diag) continue;
    add(M.info, { device, type: diag.kind, identifier: `0x${diag.identifier.toString(16).padStart(2, '0')}` }, 1);
    add(M.temperature, { device }, diag.temperatureCelsius);
    add(M.voltage, { device }, diag.voltageVolts);
    diag.lanes.forEach((lane, i) => {
      const labels = { device, lane: String(i) };
      add(M.bias, labels, lane.biasAmperes);
      add(M.txPower, labels, lane.txPowerWatts);
      add(M.rxPower, labels, lane.rxPowerWatts);
    });
    addThresholds(M.temperatureThreshold, device, diag.thresholds.temperature);
    addThresholds(M.voltageThreshold, device, diag.thresholds.voltage);
    addThresholds(M.biasThreshold, device, diag.thresholds.bias);
    addThresholds(M.txPowerThreshold, device, diag.thresholds.txPower);
    addThresholds(M.rxPowerThreshold, device, diag.thresholds.rxPower);
    add(M.lastRead, { device }, readAt);
  }
  return Object.values(M).map((meta) => renderFamily(meta, out.get(meta) ?? []));
}
