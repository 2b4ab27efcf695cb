// One device's ethtrack_nic_stat lines, written as a segment of the family's
// TextBuffer (the hot path of the ethtool collector: 74k lines a cycle on
// the bench). The device's label prefixes are encoded once per string-set
// generation; its values are compared with those it was last written with,
// and a device whose lines would come out the same as last cycle's (a veth's
// ethtool stats count only XDP, so on a node of pod veths most never move)
// has last cycle's bytes copied instead of rendered, and its segment is
// marked unchanged so the snapshot reuses its compressed piece.

import type { TextBuffer } from '../exposition/text-buffer';

export interface DeviceNames {
  generation: number;
  /** `ethtrack_nic_stat{device="eth0",`, encoded once. */
  devicePrefix: Buffer;
  /** Per stat index: `stat="rx_drops",queue="3"} ` encoded, or null when the stat filters drop it. */
  suffixes: (Buffer | null)[];
  suffixKey: string;
  /** With --collector.ethtool.skip-zero: 1 for each stat that has read non-zero since start. */
  seen?: Uint8Array;
  /** The values the device's lines were last written with, and in which of the collector's cycles. */
  lastValues?: Float64Array;
  lastCycle: number;
  /** Where those lines are: a buffer, its range and line count (valid while the buffer's cycle is lastCycle). */
  lastBuffer?: TextBuffer;
  lastStart: number;
  lastEnd: number;
  lastLines: number;
}

export function deviceNames(
  generation: number,
  devicePrefix: Buffer,
  suffixes: (Buffer | null)[],
  suffixKey: string,
): DeviceNames {
  return { generation, devicePrefix, suffixes, suffixKey, lastCycle: 0, lastStart: 0, lastEnd: 0, lastLines: 0 };
}

/** Whether `values` equal the device's last written values; keeps them as its last either way. */
function sameValues(names: DeviceNames, values: Float64Array, count: number): boolean {
  let last = names.lastValues;
  if (last?.length !== count) {
    last = new Float64Array(count);
    last.set(values.subarray(0, count));
    names.lastValues = last;
    return false;
  }
  let same = true;
  for (let i = 0; i < count; i++) {
    if (last[i] !== values[i]) {
      same = false;
      last[i] = values[i];
    }
  }
  return same;
}

export interface LineOptions {
  /** The collector's number for this cycle and for the last cycle that wrote (body.cycle, body.previousCycle). */
  cycle: number;
  previousCycle: number;
  /** Series still allowed (Infinity without --collector.ethtool.max-series). */
  budget: number;
  budgeted: boolean;
  skipZero: boolean;
}

/**
 * Writes the device's lines into `body` as one segment keyed by `device`;
 * returns how many lines the budget left out. Lines are the same bytes as
 * last cycle's when the names (this DeviceNames) and values are the same and
 * neither skip-zero nor a budget decides per cycle which lines are written.
 */
export function writeDeviceLines(
  body: TextBuffer,
  device: string,
  names: DeviceNames,
  values: Float64Array,
  count: number,
  options: LineOptions,
): { written: number; dropped: number } {
  const wroteLastCycle = names.lastCycle === options.previousCycle && options.previousCycle !== 0;
  const same = sameValues(names, values, count) && wroteLastCycle && !options.skipZero && !options.budgeted;
  const start = body.length;
  const linesBefore = body.lines;
  let written = 0;
  let dropped = 0;
  const prior = names.lastBuffer;
  if (
    same &&
    prior === body &&
    body.previousContent === options.previousCycle &&
    !body.grown &&
    names.lastStart === start
  ) {
    // Last cycle's bytes are where this device's lines go, in this very buffer: left in place.
    body.keepLines(names.lastEnd, names.lastLines);
  } else if (same && prior && prior !== body && prior.cycle === options.previousCycle) {
    // Last cycle's bytes, intact in another buffer (not rewritten since: its cycle is still the last): copied.
    body.copyLines(prior, names.lastStart, names.lastEnd, names.lastLines);
  } else {
    let seen: Uint8Array | undefined;
    if (options.skipZero) {
      if (names.seen?.length !== count) names.seen = new Uint8Array(count);
      seen = names.seen;
    }
    const { devicePrefix, suffixes } = names;
    let budget = options.budget;
    for (let i = 0; i < count; i++) {
      const suffix = suffixes[i];
      if (suffix === null) continue;
      if (seen) {
        if (values[i] !== 0) seen[i] = 1;
        else if (seen[i] === 0) continue;
      }
      if (budget <= 0) {
        dropped++;
        continue;
      }
      budget--;
      written++;
      body.sample(devicePrefix, suffix, values[i]);
    }
  }
  body.endSegment(device, same);
  names.lastCycle = options.cycle;
  names.lastBuffer = body;
  names.lastStart = start;
  names.lastEnd = body.length;
  names.lastLines = body.lines - linesBefore;
  return { written: same ? names.lastLines : written, dropped };
}
