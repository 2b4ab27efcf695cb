// The rxpath collector's link counters and flaps per included device, from
// one /proc/net/dev read plus the sysfs files it lacks (rxpath.ts says which
// and why). A cycle first reads every device's values, then writes a family
// only when one of its values changed or the devices did; otherwise the
// family's last body is served again. On a node most of these counters
// (errors, drops, flaps, nohandler) stay put for hours, so a cycle mostly
// reads and compares: writing the 16 families' lines anew was most of the
// cycle's JavaScript, and all of it while the code is still cold.
//
// carrier_changes is read only for devices the helper's link watch named
// since the last cycle (link-changes.ts says why that is enough), and for
// every device while there is no watch. Each device is read again at least
// every CARRIER_RECHECK_MS regardless, for a change the kernel does not
// announce: it announces carrier changes only of devices that are up.
//
// rx_nohandler is not read while the device's rx_packets stays the same.
// Each read of it costs a dev_get_stats (a veth sums every queue), and it
// only moves when a frame arrives that no protocol takes: drivers count a
// frame in rx_packets before they hand it to the stack, which is where it
// finds no handler (or, for hardware counters, a little after, which only
// makes us read once more). The value kept is one read in a cycle after
// rx_packets had last moved, so a frame counted just before a read but
// handled just after it is not missed. A driver that counted nohandler
// without rx_packets would show it late: every device's rx_nohandler is
// read again at least every NOHANDLER_RECHECK_MS.

import fs from 'node:fs';
import path from 'node:path';
import { type MetricMeta, samplePrefix } from '../exposition/family';
import { type TextBuffer, TextBufferPool } from '../exposition/text-buffer';
import type { DeviceFilter } from './device-filter';
import { scanNetDev } from './kernel-bytes';
import { CounterHandle, type KernelFiles } from './kernel-files';
import { NET_DEV, NET_DEV_COLUMNS } from './kernel-text';
import {
  CARRIER_DOWN,
  CARRIER_UP,
  LINK_FAMILIES,
  NET_DEV_DIRECT,
  NET_DEV_SPLIT,
  NOHANDLER,
  SYSFS_ALWAYS,
} from './rxpath-fields';
import type { DeviceTopology } from './rxpath-topology';

/** The /proc/net/dev column of each direct counter and of each split part's sum, flat (cold code indexes, not destructures). */
const DIRECT_COLUMNS = Int32Array.from(NET_DEV_DIRECT, ([, column]) => column);
const SPLIT_COLUMNS = Int32Array.from(NET_DEV_SPLIT.flatMap(([column, parts]) => parts.map(() => column)));
/** A value that has no sample (the file is absent, or the device went away mid-cycle). */
const NONE = -1;
const RX_PACKETS = NET_DEV.rx_packets;
const TX_PACKETS = NET_DEV.tx_packets;
/** A device's rx_nohandler is read at least this often, whether or not its rx_packets moved. */
export const NOHANDLER_RECHECK_MS = 60_000;
/** A device's carrier_changes is read at least this often, whether or not the link watch named it. */
export const CARRIER_RECHECK_MS = 300_000;
/** Spreads the carrier rechecks over the devices (a golden-ratio sequence), so they do not all fall on one cycle. */
const GOLDEN = 0.6180339887;

export interface Device {
  name: string;
  /** `metric{device="…"} ` per LINK_FAMILIES entry, encoded once, and the same with `0\n` (most counters stay zero). */
  prefixes: Buffer[];
  zeros: Buffer[];
  /** Paths per NET_DEV_SPLIT part and per SYSFS_ALWAYS entry, built once. */
  splitFiles: string[];
  alwaysFiles: string[];
  /** SYSFS_ALWAYS entries this kernel lacks (carrier counts before 4.16), not asked again. */
  absent: boolean[];
  /** carrier_changes when carrierCounts (up, down) were read after it; -1: read them. */
  carrierChangesFile: CounterHandle;
  carrierChanges: number;
  /** When carrier_changes must be read again though the link watch did not name the device (performance.now()). */
  carrierDue: number;
  carrierCounts: Float64Array;
  /** rx_nohandler as last read and when (Date.now()); settled: it may stand while rx_packets does not move. */
  nohandler: number;
  nohandlerAt: number;
  nohandlerSettled: boolean;
  /** The device's /proc/net/dev counters, as last parsed (NaN before the first parse). */
  netDev: Float64Array;
  /** Per LINK_FAMILIES entry: this cycle's value, and the value in the family's served body (NONE: no sample). */
  values: Float64Array;
  shown: Float64Array;
  /** Read when the device is first seen (a device that comes back is a new Device). */
  topology?: DeviceTopology;
}

const enc = (meta: MetricMeta, labels: Record<string, string>) => Buffer.from(samplePrefix(meta, labels));

export class LinkCounters {
  /** Included devices by name; null for names the filter excludes. */
  private readonly devices = new Map<string, Device | null>();
  /** Last cycle's /proc/net/dev rows, to match a row's name by bytes without a string. */
  private rowNames: Buffer[] = [];
  private rowDevices: (Device | null)[] = [];
  private readonly netDevValues = new Float64Array(NET_DEV_COLUMNS.length);
  /**
   * The last /proc/net/dev read and where its rows were: a row whose bytes
   * are the same again is not parsed again (an idle device's row stays the
   * same, and parsing is most of what cold code does here). lastRows is 0
   * until a read went through whole, so a failed one is never matched.
   */
  private last = Buffer.allocUnsafeSlow(0);
  private lastStarts: number[] = [];
  private lastEnds: number[] = [];
  private lastRows = 0;
  private lastLength = 0;
  /** Included devices in /proc/net/dev order, this cycle. */
  order: Device[] = [];
  /** Bumped when the included devices or their order change; a body written under another is stale. */
  private orderVersion = 0;
  private readonly pools = LINK_FAMILIES.map(() => new TextBufferPool(4 * 1024));
  /** Per family, the body served and the orderVersion it was written under. */
  readonly bodies: (TextBuffer | undefined)[] = LINK_FAMILIES.map(() => undefined);
  private readonly bodyVersions = new Float64Array(LINK_FAMILIES.length).fill(-1);
  /** Per family: a value differs from its body this cycle. */
  private readonly changed = new Uint8Array(LINK_FAMILIES.length);
  /** performance.now() at the start of this cycle. */
  private now = 0;
  /** Devices whose carrier_changes this cycle reads (the link watch's), or null: every device. */
  private named: ReadonlySet<string> | null = null;
  private spread = 0;

  constructor(
    private readonly files: KernelFiles,
    private readonly procfs: string,
    private readonly sysfs: string,
    private readonly filter: DeviceFilter,
    /** NOHANDLER_RECHECK_MS; tests set 0 (read every cycle) or more than they run. */
    private readonly nohandlerRecheckMs = NOHANDLER_RECHECK_MS,
    /** CARRIER_RECHECK_MS; tests set more than they run. */
    private readonly carrierRecheckMs = CARRIER_RECHECK_MS,
  ) {}

  private netClass(device: string, ...parts: string[]): string {
    return path.join(this.sysfs, 'class', 'net', device, ...parts);
  }

  private device(name: string): Device | null {
    let device = this.devices.get(name);
    if (device === undefined) {
      device = this.filter.passes(name)
        ? {
            name,
            prefixes: LINK_FAMILIES.map((meta) => enc(meta, { device: name })),
            zeros: LINK_FAMILIES.map((meta) => Buffer.from(`${samplePrefix(meta, { device: name })}0\n`)),
            splitFiles: NET_DEV_SPLIT.flatMap(([, parts]) =>
              parts.map(([, file]) => this.netClass(name, 'statistics', file)),
            ),
            alwaysFiles: SYSFS_ALWAYS.map(([, relative]) => this.netClass(name, relative)),
            absent: SYSFS_ALWAYS.map(() => false),
            carrierChangesFile: new CounterHandle(this.netClass(name, 'carrier_changes')),
            carrierChanges: -1,
            carrierDue: 0,
            carrierCounts: new Float64Array(2),
            nohandler: NONE,
            nohandlerAt: 0,
            nohandlerSettled: false,
            netDev: new Float64Array(NET_DEV_COLUMNS.length).fill(Number.NaN),
            values: new Float64Array(LINK_FAMILIES.length),
            shown: new Float64Array(LINK_FAMILIES.length),
          }
        : null;
      this.devices.set(name, device);
    }
    return device;
  }

  /**
   * Reads the link counters of the included devices, in /proc/net/dev order,
   * and writes the families whose values changed into `bodies`. Returns
   * whether the devices listed changed (then `order` may hold new devices).
   * `named`: the devices whose carrier_changes to read (the link watch's
   * since the last cycle), or null for every device.
   */
  read(named: ReadonlySet<string> | null = null): boolean {
    this.named = named;
    if (named !== null) {
      for (const name of named) {
        const device = this.devices.get(name);
        if (device) this.renew(device);
      }
    }
    const file = path.join(this.procfs, 'net', 'dev');
    const length = this.files.read(file);
    const bytes = this.files.bytes;
    // Monotonic: a wall clock stepped back would hold rx_nohandler's recheck off for as long.
    this.now = performance.now();
    if (this.lastRows > 0 && length === this.lastLength && bytes.compare(this.last, 0, length, 0, length) === 0) {
      // The whole file is last cycle's: the same devices in the same order with the same values.
      for (let d = 0; d < this.order.length; d++) this.readDevice(this.order[d], this.order[d].netDev, true, true);
      this.render();
      return false;
    }
    const order: Device[] = [];
    let row = 0;
    let unnamed: string | undefined;
    const last = this.last;
    const lastStarts = this.lastStarts;
    const lastEnds = this.lastEnds;
    const lastRows = this.lastRows;
    const starts: number[] = [];
    const ends: number[] = [];
    this.lastRows = 0;
    const same = (at: number, end: number): boolean => {
      starts.push(at);
      ends.push(end);
      if (row >= lastRows) return false;
      const from = lastStarts[row];
      const to = lastEnds[row];
      return to - from === end - at && bytes.compare(last, from, to, at, end) === 0;
    };
    scanNetDev(
      bytes,
      length,
      file,
      this.netDevValues,
      (start, end, values) => {
        const known = this.rowNames[row];
        let device: Device | null;
        if (values === null) {
          // The row's bytes are last cycle's, name included.
          device = this.rowDevices[row];
        } else if (
          known !== undefined &&
          known.length === end - start &&
          bytes.compare(known, 0, known.length, start, end) === 0
        ) {
          device = this.rowDevices[row];
        } else {
          unnamed = bytes.toString('latin1', start, end);
          device = this.device(unnamed);
          this.rowNames[row] = Buffer.from(unnamed, 'latin1');
          this.rowDevices[row] = device;
        }
        row++;
        if (device !== null) {
          // Counters that went back: another device has the name now (renamed, made anew); without
          // the link watch to say so, this is how it shows.
          if (
            values !== null &&
            (values[RX_PACKETS] < device.netDev[RX_PACKETS] || values[TX_PACKETS] < device.netDev[TX_PACKETS])
          )
            this.renew(device);
          // null: the row's bytes are last cycle's, and so are its values.
          const still = values === null || values[RX_PACKETS] === device.netDev[RX_PACKETS];
          if (values !== null) device.netDev.set(values);
          order.push(device);
          this.readDevice(device, device.netDev, still, values === null);
        }
      },
      same,
    );
    if (this.last.length < length) this.last = Buffer.allocUnsafeSlow(bytes.length);
    bytes.copy(this.last, 0, 0, length);
    this.lastStarts = starts;
    this.lastEnds = ends;
    this.lastRows = row;
    this.lastLength = length;
    this.rowNames.length = row;
    this.rowDevices.length = row;
    // Rows matched by name at the same places hold the same included devices in the same order.
    const listed = unnamed !== undefined || order.length !== this.order.length;
    if (listed) {
      this.forgetGone();
      this.orderVersion++;
    }
    this.order = order;
    this.render();
    return listed;
  }

  /**
   * One device's values into device.values, noting the families they
   * change. `still`: rx_packets is what it was last cycle; `rowSame`: the
   * whole /proc/net/dev row is last cycle's bytes.
   */
  private readDevice(device: Device, netDev: Float64Array, still: boolean, rowSame: boolean): void {
    const changes = this.carrierChanges(device);
    // The row is last cycle's bytes, so are its counters, and the split parts
    // of its sums too (counters only grow: an unchanged sum has unchanged
    // parts). With no flap and rx_nohandler not due, every value is last
    // cycle's: device.values already holds them and the bodies show them.
    if (rowSame && changes >= 0 && changes === device.carrierChanges && !this.nohandlerDue(device, still)) return;
    const out = device.values;
    let family = 0;
    for (let k = 0; k < DIRECT_COLUMNS.length; k++, family++) out[family] = netDev[DIRECT_COLUMNS[k]];
    // A part is read only where its sum is non-zero.
    for (let p = 0; p < SPLIT_COLUMNS.length; p++, family++) {
      out[family] = netDev[SPLIT_COLUMNS[p]] > 0 ? this.files.readCounter(device.splitFiles[p]) : 0;
    }
    let carrierKnown = 0;
    for (let k = 0; k < SYSFS_ALWAYS.length; k++, family++) {
      out[family] = NONE;
      if (device.absent[k]) continue;
      if (k === NOHANDLER) {
        if (!this.nohandlerDue(device, still)) {
          out[family] = device.nohandler;
          continue;
        }
        device.nohandlerSettled = false;
      }
      if (k >= CARRIER_UP && changes >= 0 && changes === device.carrierChanges) {
        // No flap since the counts were read: carrier_changes is their sum.
        out[family] = device.carrierCounts[k - CARRIER_UP];
        carrierKnown++;
        continue;
      }
      try {
        const value = this.files.readCounter(device.alwaysFiles[k]);
        out[family] = value;
        if (k === NOHANDLER) {
          device.nohandler = value;
          device.nohandlerAt = this.now;
          // Read a cycle or more after rx_packets last moved: no frame it counted is still on its way.
          device.nohandlerSettled = still;
        } else if (k >= CARRIER_UP) {
          device.carrierCounts[k - CARRIER_UP] = value;
          carrierKnown++;
        }
      } catch (err) {
        // Kernels before 4.16 have no carrier counts; a device may vanish mid-cycle.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        if (fs.existsSync(this.netClass(device.name))) device.absent[k] = true;
      }
    }
    // Kept only once both counts were read after `changes` was: a flap in between shows next cycle.
    device.carrierChanges = changes >= 0 && carrierKnown === 2 ? changes : -1;
    const shown = device.shown;
    for (let f = 0; f < out.length; f++) if (out[f] !== shown[f]) this.changed[f] = 1;
  }

  /** rx_nohandler must be read: rx_packets moved, or the value is unsettled or due its recheck. */
  private nohandlerDue(device: Device, still: boolean): boolean {
    if (device.absent[NOHANDLER]) return false;
    return !(still && device.nohandlerSettled && this.now - device.nohandlerAt < this.nohandlerRecheckMs);
  }

  /**
   * carrier_changes (carrier_up_count + carrier_down_count, one read instead
   * of two), or -1 when it cannot stand for them: the counts are absent, or
   * the file was reopened (a device of the same name came back, whose counts
   * may split the same sum differently).
   */
  private carrierChanges(device: Device): number {
    if (device.absent[CARRIER_UP] || device.absent[CARRIER_DOWN]) return -1;
    const named = this.named;
    if (named !== null && device.carrierChanges >= 0 && !named.has(device.name) && this.now < device.carrierDue) {
      // Not announced since it was read: the same counts.
      return device.carrierChanges;
    }
    const reopens = this.files.reopens;
    try {
      const changes = this.files.readCounterAt(device.carrierChangesFile);
      this.spread = (this.spread + GOLDEN) % 1;
      device.carrierDue = this.now + this.carrierRecheckMs * (0.5 + 0.5 * this.spread);
      return this.files.reopens === reopens ? changes : -1;
    } catch {
      // A device that vanished mid-cycle: the counts' own reads say how.
      return -1;
    }
  }

  /** Writes afresh each family whose values or devices changed; the others keep their body. */
  private render(): void {
    const order = this.order;
    for (let f = 0; f < LINK_FAMILIES.length; f++) {
      if (this.changed[f] === 0 && this.bodyVersions[f] === this.orderVersion) continue;
      const body = this.pools[f].acquire();
      for (let d = 0; d < order.length; d++) {
        const device = order[d];
        const value = device.values[f];
        device.shown[f] = value;
        if (value === 0) body.line(device.zeros[f]);
        else if (value !== NONE) {
          body.append(device.prefixes[f]);
          body.value(value);
        }
      }
      this.bodies[f] = body;
      this.bodyVersions[f] = this.orderVersion;
      this.changed[f] = 0;
    }
  }

  /**
   * The device of this name may be another than the one its descriptors were
   * opened on (one renamed, a new one made under its old name: a kept sysfs
   * descriptor follows its device, not the name): they are opened again, and
   * its carrier counts and rx_nohandler read.
   */
  private renew(device: Device): void {
    this.closeFiles(device);
    device.carrierChanges = -1;
    device.nohandlerSettled = false;
  }

  /** Renews every device (a resync of the link watch: a rename may be among what was lost). */
  renewAll(): void {
    for (const device of this.devices.values()) if (device) this.renew(device);
  }

  /** Closes the descriptors kept for the device's files: its own paths, not a scan of every kept one. */
  private closeFiles(device: Device): void {
    this.files.close(device.carrierChangesFile.file);
    for (const file of device.alwaysFiles) this.files.close(file);
    for (const file of device.splitFiles) this.files.close(file);
  }

  /** Whether `device` is still the one of its name (not gone, not come back as another). */
  isCurrent(device: Device): boolean {
    return this.devices.get(device.name) === device;
  }

  /** Drops what was kept for devices /proc/net/dev no longer lists. */
  private forgetGone(): void {
    const listed = new Set(this.rowNames.map((name) => name.toString('latin1')));
    for (const [name, device] of this.devices) {
      if (listed.has(name)) continue;
      this.devices.delete(name);
      if (device) this.closeFiles(device);
    }
  }
}
