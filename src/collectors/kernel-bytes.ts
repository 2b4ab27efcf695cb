// The rxpath collector's hot-path parsers: the same kernel files as
// kernel-text.ts (softnet_stat, /proc/net/dev, snmp/netstat, snmp6,
// /proc/interrupts' counts), parsed straight from the read buffer into
// caller-owned arrays, so a cycle allocates no strings, arrays or objects
// per line. kernel-text.ts stays the readable reference they are tested
// against (test/collectors/kernel-bytes.test.ts). Each refuses what the
// kernel does not write with a KernelFormatError naming the file.

import { KernelFormatError } from './kernel-text';

const SPACE = 0x20;
const TAB = 0x09;
const NEWLINE = 0x0a;
const COLON = 0x3a;

const isBlank = (byte: number) => byte === SPACE || byte === TAB;

/** Index of the next newline at or after `at`, or `end`. */
function lineEnd(bytes: Buffer, at: number, end: number): number {
  const found = bytes.indexOf(NEWLINE, at);
  return found < 0 || found > end ? end : found;
}

function skipBlanks(bytes: Buffer, at: number, end: number): number {
  while (at < end && isBlank(bytes[at])) at++;
  return at;
}

function wordEnd(bytes: Buffer, at: number, end: number): number {
  while (at < end && !isBlank(bytes[at])) at++;
  return at;
}

/** A word as text, for error messages only. */
const word = (bytes: Buffer, from: number, to: number) => JSON.stringify(bytes.toString('latin1', from, to));

/** Decimal digits [from, to) as a number, or -1 when they are not all digits. */
function decimal(bytes: Buffer, from: number, to: number): number {
  if (from === to) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = bytes[i] - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function hex(bytes: Buffer, from: number, to: number): number {
  if (from === to || to - from > 16) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const byte = bytes[i];
    let digit: number;
    if (byte >= 48 && byte <= 57) digit = byte - 48;
    else if (byte >= 97 && byte <= 102) digit = byte - 87;
    else return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** softnet_stat columns kept per CPU, in SoftnetRow's order (the CPU index is column 12). */
export const SOFTNET_COLUMNS = [0, 1, 2, 9, 10, 11] as const;
const SOFTNET_SLOT = new Int8Array(16).fill(-1);
SOFTNET_COLUMNS.forEach((column, slot) => {
  SOFTNET_SLOT[column] = slot;
});

/**
 * Calls `row(cpu, values, columns)` per CPU with SOFTNET_COLUMNS' values
 * (the array is reused); `columns` says how many the kernel wrote, so a
 * column at or past it is absent (see kernel-text.ts's SoftnetRow).
 */
export function scanSoftnet(
  bytes: Buffer,
  length: number,
  file: string,
  values: Float64Array,
  row: (cpu: number, values: Float64Array, columns: number) => void,
): void {
  let line = 0;
  let rows = 0;
  for (let at = 0; at < length; ) {
    const end = lineEnd(bytes, at, length);
    line++;
    if (end === at) {
      at = end + 1;
      continue;
    }
    let column = 0;
    let cpu = rows;
    for (let w = skipBlanks(bytes, at, end); w < end; w = skipBlanks(bytes, w, end)) {
      const stop = wordEnd(bytes, w, end);
      const value = hex(bytes, w, stop);
      if (value < 0) throw new KernelFormatError(file, `line ${line}: ${word(bytes, w, stop)} is not hexadecimal`);
      const slot = column < 16 ? SOFTNET_SLOT[column] : -1;
      if (slot >= 0) values[slot] = value;
      if (column === 12) cpu = value;
      column++;
      w = stop;
    }
    // The oldest layout still in use has 10 columns (up to received_rps).
    if (column < 10) throw new KernelFormatError(file, `line ${line} has ${column} columns, expected 10 or more`);
    row(cpu, values, column);
    rows++;
    at = end + 1;
  }
}

/**
 * Calls `row(nameStart, nameEnd, values)` for each device of /proc/net/dev
 * with its 16 counters in `values` (reused); the name is left in the bytes
 * so the caller can match it against the names it knows without a string.
 * A row for which `same(lineStart, lineEnd)` says the caller already has its
 * values (the same bytes as before) is not parsed: `values` is null then.
 */
export function scanNetDev(
  bytes: Buffer,
  length: number,
  file: string,
  values: Float64Array,
  row: (nameStart: number, nameEnd: number, values: Float64Array | null) => void,
  same?: (lineStart: number, lineEnd: number) => boolean,
): void {
  if (length < 6 || bytes.toString('latin1', 0, 6) !== 'Inter-') throw new KernelFormatError(file, 'no header line');
  let at = lineEnd(bytes, 0, length) + 1;
  at = lineEnd(bytes, at, length) + 1;
  let line = 3;
  for (; at < length; line++) {
    const end = lineEnd(bytes, at, length);
    if (end === at) {
      at = end + 1;
      continue;
    }
    const colon = bytes.indexOf(COLON, at);
    if (colon < 0 || colon > end) throw new KernelFormatError(file, `line ${line} has no device name`);
    if (same?.(at, end)) {
      row(skipBlanks(bytes, at, colon), colon, null);
      at = end + 1;
      continue;
    }
    // One pass over the row's bytes, no call per word: this runs before the JIT has optimized anything.
    let count = 0;
    let value = 0;
    let start = -1;
    for (let i = colon + 1; i < end; i++) {
      const byte = bytes[i];
      if (byte >= 48 && byte <= 57) {
        if (start < 0) start = i;
        value = value * 10 + (byte - 48);
      } else if (byte === SPACE || byte === TAB) {
        if (start < 0) continue;
        if (count < values.length) values[count] = value;
        count++;
        value = 0;
        start = -1;
      } else {
        const from = start < 0 ? i : start;
        throw new KernelFormatError(file, `line ${line}: ${word(bytes, from, wordEnd(bytes, from, end))}`);
      }
    }
    if (start >= 0) {
      if (count < values.length) values[count] = value;
      count++;
    }
    if (count !== values.length) throw new KernelFormatError(file, `line ${line} has ${count} counters`);
    row(skipBlanks(bytes, at, colon), colon, values);
    at = end + 1;
  }
}

/** Fields wanted from a header/value file, as `Section.Name` keys, encoded once. */
export class SnmpFields {
  private readonly sections: Buffer[];
  private readonly names: Buffer[];
  /** Per field, its column in the current section's header (-1: not in it). */
  private readonly columns: Int32Array;
  /**
   * Per header line of the last scan (by its place in the file): its bytes,
   * the columns found in it and its name count. A kernel's headers do not
   * change, so a header equal to the last one is compared, not walked.
   */
  private headers: { bytes: Buffer; columns: Int32Array; wanted: Int32Array; names: number }[] = [];

  constructor(readonly keys: readonly string[]) {
    this.sections = keys.map((key) => Buffer.from(key.slice(0, key.indexOf('.'))));
    this.names = keys.map((key) => Buffer.from(key.slice(key.indexOf('.') + 1)));
    this.columns = new Int32Array(keys.length);
  }

  /**
   * /proc/net/snmp and /proc/net/netstat: a header line (`Udp: InDatagrams …`)
   * then a value line with the same prefix. Sets `into[i]` to field i's value,
   * NaN when the file lacks it.
   */
  scan(bytes: Buffer, length: number, file: string, into: Float64Array): void {
    into.fill(Number.NaN);
    let line = 1;
    for (let at = 0; at < length; line += 2) {
      const headerEnd = lineEnd(bytes, at, length);
      if (headerEnd === at) break;
      const valuesAt = headerEnd + 1;
      const valuesEnd = lineEnd(bytes, valuesAt, length);
      const colon = bytes.indexOf(COLON, at);
      const prefix = colon + 1 - at;
      if (
        colon < 0 ||
        colon > headerEnd ||
        valuesAt + prefix > valuesEnd ||
        bytes.compare(bytes, at, colon + 1, valuesAt, valuesAt + prefix) !== 0
      ) {
        throw new KernelFormatError(file, `line ${line + 1} does not continue the header of line ${line}`);
      }
      const header = (line - 1) / 2;
      const seen = this.headers[header];
      let names = 0;
      let wanted: Int32Array;
      if (
        seen &&
        seen.bytes.length === headerEnd - at &&
        bytes.compare(seen.bytes, 0, seen.bytes.length, at, headerEnd) === 0
      ) {
        this.columns.set(seen.columns);
        names = seen.names;
        wanted = seen.wanted;
      } else {
        let any = false;
        for (let f = 0; f < this.sections.length; f++) {
          const section = this.sections[f];
          this.columns[f] = -1;
          if (section.length === colon - at && bytes.compare(section, 0, section.length, at, colon) === 0) any = true;
        }
        names = this.headerColumns(bytes, at, colon, headerEnd, any);
        // The wanted fields of this line in column order: the value walk then checks one column a word.
        const fields = [...this.columns.keys()].filter((f) => this.columns[f] >= 0);
        wanted = Int32Array.from(fields.sort((a, b) => this.columns[a] - this.columns[b]));
        this.headers[header] = {
          bytes: Buffer.from(bytes.subarray(at, headerEnd)),
          columns: this.columns.slice(),
          wanted,
          names,
        };
      }
      // Words are counted in one pass over the bytes (no call per word: this runs cold); only a
      // wanted column's word is parsed. Some fields are signed (Tcp MaxConn is -1); the wanted ones are counters.
      let count = 0;
      let start = -1;
      let next = 0;
      let nextColumn = wanted.length > 0 ? this.columns[wanted[0]] : -1;
      for (let i = valuesAt + prefix; i <= valuesEnd; i++) {
        const byte = i < valuesEnd ? bytes[i] : SPACE;
        if (byte !== SPACE && byte !== TAB) {
          if (start < 0) start = i;
          continue;
        }
        if (start < 0) continue;
        while (count === nextColumn) {
          const f = wanted[next];
          const value = decimal(bytes, start, i);
          if (value < 0) throw new KernelFormatError(file, `${this.keys[f]} is ${word(bytes, start, i)}`);
          into[f] = value;
          next++;
          nextColumn = next < wanted.length ? this.columns[wanted[next]] : -1;
        }
        count++;
        start = -1;
      }
      if (names !== count) {
        const section = bytes.toString('latin1', at, colon);
        throw new KernelFormatError(file, `${section}: ${names} names but ${count} values`);
      }
      at = valuesEnd + 1;
    }
  }

  /** Walks a header line's names, setting the columns of the wanted fields; returns how many names it has. */
  private headerColumns(bytes: Buffer, at: number, colon: number, headerEnd: number, any: boolean): number {
    let names = 0;
    for (let w = skipBlanks(bytes, colon + 1, headerEnd); w < headerEnd; w = skipBlanks(bytes, w, headerEnd)) {
      const stop = wordEnd(bytes, w, headerEnd);
      if (any) {
        for (let f = 0; f < this.names.length; f++) {
          const name = this.names[f];
          const section = this.sections[f];
          if (
            name.length === stop - w &&
            section.length === colon - at &&
            bytes.compare(name, 0, name.length, w, stop) === 0 &&
            bytes.compare(section, 0, section.length, at, colon) === 0
          )
            this.columns[f] = names;
        }
      }
      names++;
      w = stop;
    }
    return names;
  }

  /** /proc/net/snmp6: `Udp6RcvbufErrors   12` lines; keys have no section here. */
  scanPlain(bytes: Buffer, length: number, file: string, into: Float64Array): void {
    into.fill(Number.NaN);
    for (let at = 0; at < length; ) {
      const end = lineEnd(bytes, at, length);
      if (end === at) {
        at = end + 1;
        continue;
      }
      const nameEnd = wordEnd(bytes, at, end);
      const valueAt = skipBlanks(bytes, nameEnd, end);
      const value = decimal(bytes, valueAt, end);
      if (nameEnd === at || valueAt === nameEnd || value < 0)
        throw new KernelFormatError(file, `line ${word(bytes, at, end)}`);
      for (let f = 0; f < this.names.length; f++) {
        const name = this.names[f];
        if (name.length === nameEnd - at && bytes.compare(name, 0, name.length, at, nameEnd) === 0) into[f] = value;
      }
      at = end + 1;
    }
  }
}

/**
 * /proc/interrupts' counts: for each numbered line whose IRQ has a slot in
 * `slots` (irq → index), `totals[index]` = its interrupts summed over CPUs.
 * Slots of IRQs the file no longer lists are left NaN.
 */
export function scanInterruptCounts(
  bytes: Buffer,
  length: number,
  file: string,
  slots: ReadonlyMap<number, number>,
  totals: Float64Array,
): void {
  totals.fill(Number.NaN);
  const headerEnd = lineEnd(bytes, 0, length);
  let cpus = 0;
  for (let w = skipBlanks(bytes, 0, headerEnd); w < headerEnd; w = skipBlanks(bytes, w, headerEnd)) {
    const stop = wordEnd(bytes, w, headerEnd);
    if (stop - w < 4 || bytes.toString('latin1', w, w + 3) !== 'CPU' || decimal(bytes, w + 3, stop) < 0)
      throw new KernelFormatError(file, 'the first line does not name the CPUs');
    cpus++;
    w = stop;
  }
  if (cpus === 0) throw new KernelFormatError(file, 'the first line does not name the CPUs');
  for (let at = headerEnd + 1; at < length; ) {
    const end = lineEnd(bytes, at, length);
    const start = skipBlanks(bytes, at, end);
    const colon = bytes.indexOf(COLON, start);
    const irq = colon > start && colon < end ? decimal(bytes, start, colon) : -1;
    const slot = irq >= 0 ? slots.get(irq) : undefined;
    if (slot !== undefined) {
      let total = 0;
      let w = colon + 1;
      for (let k = 0; k < cpus; k++) {
        w = skipBlanks(bytes, w, end);
        const stop = wordEnd(bytes, w, end);
        const count = decimal(bytes, w, stop);
        if (count < 0) throw new KernelFormatError(file, `irq ${irq}: ${word(bytes, w, stop)}`);
        total += count;
        w = stop;
      }
      totals[slot] = total;
    }
    at = end + 1;
  }
}
