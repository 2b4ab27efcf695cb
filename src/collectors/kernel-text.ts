// Parsers of the kernel's text files the rxpath collector reads: softnet
// per CPU, /proc/net/dev, the header/value pairs of /proc/net/snmp and
// /proc/net/netstat, /proc/net/snmp6, /proc/interrupts, CPU lists and masks.
// Pure functions over text, so they are tested without root. Each throws a
// KernelFormatError naming the file when the text is not what the kernel
// writes, so the collector fails loudly rather than serve wrong numbers.

export class KernelFormatError extends Error {
  constructor(file: string, why: string) {
    super(`${file}: unexpected format: ${why}`);
  }
}

/**
 * One CPU's row of /proc/net/softnet_stat. Columns a kernel does not write
 * are undefined: flow_limit came with 3.11, backlog length and the CPU index
 * with 5.10 (before that, rows are online CPUs in order, as node_exporter
 * assumes); 6.x adds two more queue lengths, which are not exported.
 */
export interface SoftnetRow {
  cpu: number;
  processed: number;
  dropped: number;
  timeSqueezed: number;
  receivedRps: number | undefined;
  flowLimit: number | undefined;
  backlogLength: number | undefined;
}

const HEX_WORD = /^[0-9a-f]{1,16}$/;

export function parseSoftnet(text: string, file: string): SoftnetRow[] {
  const rows: SoftnetRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const words = line.trim().split(/\s+/);
    // The oldest layout still in use has 10 columns (up to received_rps).
    if (words.length < 10)
      throw new KernelFormatError(file, `line ${i + 1} has ${words.length} columns, expected 10 or more`);
    for (const word of words) {
      if (!HEX_WORD.test(word))
        throw new KernelFormatError(file, `line ${i + 1}: ${JSON.stringify(word)} is not hexadecimal`);
    }
    const at = (column: number) => (column < words.length ? Number.parseInt(words[column], 16) : undefined);
    rows.push({
      cpu: at(12) ?? rows.length,
      processed: at(0) as number,
      dropped: at(1) as number,
      timeSqueezed: at(2) as number,
      receivedRps: at(9),
      flowLimit: at(10),
      backlogLength: at(11),
    });
  }
  return rows;
}

/** /proc/net/dev's columns, in the kernel's order. */
export const NET_DEV_COLUMNS = [
  'rx_bytes',
  'rx_packets',
  'rx_errors',
  'rx_drop', // rx_dropped + rx_missed_errors
  'rx_fifo',
  'rx_frame', // rx_length + rx_over + rx_crc + rx_frame errors
  'rx_compressed',
  'rx_multicast',
  'tx_bytes',
  'tx_packets',
  'tx_errors',
  'tx_dropped',
  'tx_fifo',
  'tx_collisions',
  'tx_carrier', // carrier + aborted + window + heartbeat errors
  'tx_compressed',
] as const;

export type NetDevColumn = (typeof NET_DEV_COLUMNS)[number];
export const NET_DEV: Readonly<Record<NetDevColumn, number>> = Object.fromEntries(
  NET_DEV_COLUMNS.map((name, index) => [name, index]),
) as Record<NetDevColumn, number>;

/** Calls `row` for each device of /proc/net/dev with its 16 counters (the array is reused). */
export function parseNetDev(text: string, file: string, row: (device: string, values: Float64Array) => void): void {
  const values = new Float64Array(NET_DEV_COLUMNS.length);
  const lines = text.split('\n');
  if (!lines[0]?.startsWith('Inter-')) throw new KernelFormatError(file, 'no header line');
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon < 0) throw new KernelFormatError(file, `line ${i + 1} has no device name`);
    const words = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    if (words.length !== values.length) throw new KernelFormatError(file, `line ${i + 1} has ${words.length} counters`);
    for (let k = 0; k < words.length; k++) {
      const value = Number(words[k]);
      if (!Number.isInteger(value)) throw new KernelFormatError(file, `line ${i + 1}: ${JSON.stringify(words[k])}`);
      values[k] = value;
    }
    row(line.slice(0, colon).trim(), values);
  }
}

/**
 * /proc/net/snmp and /proc/net/netstat: a header line (`Udp: InDatagrams …`)
 * followed by a value line with the same prefix. Stores `Udp.RcvbufErrors`
 * style keys for the wanted fields only.
 */
export function parseSnmpPairs(
  text: string,
  file: string,
  wanted: ReadonlySet<string>,
  into: Map<string, number>,
): void {
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const header = lines[i];
    if (header === '') break;
    const values = lines[i + 1];
    const colon = header.indexOf(':');
    if (colon < 0 || values.slice(0, colon + 1) !== header.slice(0, colon + 1)) {
      throw new KernelFormatError(file, `line ${i + 2} does not continue the header of line ${i + 1}`);
    }
    const section = header.slice(0, colon);
    const names = header
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    const numbers = values
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    if (names.length !== numbers.length) {
      throw new KernelFormatError(file, `${section}: ${names.length} names but ${numbers.length} values`);
    }
    for (let k = 0; k < names.length; k++) {
      const key = `${section}.${names[k]}`;
      if (!wanted.has(key)) continue;
      const value = Number(numbers[k]);
      if (!Number.isFinite(value)) throw new KernelFormatError(file, `${key} is ${JSON.stringify(numbers[k])}`);
      into.set(key, value);
    }
  }
}

/** /proc/net/snmp6: `Udp6RcvbufErrors   0` lines. */
export function parseSnmp6(text: string, file: string, wanted: ReadonlySet<string>, into: Map<string, number>): void {
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const match = /^(\S+)\s+(\d+)$/.exec(line);
    if (!match) throw new KernelFormatError(file, `line ${JSON.stringify(line)}`);
    if (wanted.has(match[1])) into.set(match[1], Number(match[2]));
  }
}

export interface InterruptLine {
  /** Interrupts summed over CPUs. */
  total: number;
  /** The actions' names (a shared line lists several, comma-separated). */
  names: string[];
}

/**
 * /proc/interrupts: the CPU header, then `N: count… chip hwirq-type name[, name]`.
 * Only numbered lines in `wanted` are parsed (all when undefined); the
 * names are the last words, as chip and trigger columns differ by arch.
 */
export function parseInterrupts(
  text: string,
  file: string,
  wanted: ReadonlySet<number> | undefined,
): Map<number, InterruptLine> {
  const result = new Map<number, InterruptLine>();
  const newline = text.indexOf('\n');
  const cpus = text.slice(0, newline).trim().split(/\s+/);
  if (newline < 0 || cpus.length === 0 || !cpus.every((word) => /^CPU\d+$/.test(word))) {
    throw new KernelFormatError(file, 'the first line does not name the CPUs');
  }
  let start = newline + 1;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const colon = text.indexOf(':', start);
    if (colon > start && colon < end) {
      const irq = Number(text.slice(start, colon));
      if (Number.isInteger(irq) && (wanted === undefined || wanted.has(irq))) {
        const words = text
          .slice(colon + 1, end)
          .trim()
          .split(/\s+/);
        let total = 0;
        for (let k = 0; k < cpus.length; k++) {
          const count = Number(words[k]);
          if (!Number.isInteger(count)) throw new KernelFormatError(file, `irq ${irq}: ${JSON.stringify(words[k])}`);
          total += count;
        }
        const names: string[] = [];
        // Names are joined by ", ": walk back from the last word while the previous one ends in a comma.
        let k = words.length - 1;
        if (k >= cpus.length + 1) names.push(words[k]);
        while (k - 1 > cpus.length && words[k - 1].endsWith(',')) names.unshift(words[--k].slice(0, -1));
        result.set(irq, { total, names });
      }
    }
    start = end + 1;
  }
  return result;
}

/** A CPU list (`0-3,8,10-11`): how many CPUs, and the lowest. */
export function parseCpuList(text: string, file: string): { count: number; first: number } {
  const trimmed = text.trim();
  let count = 0;
  let first = Number.POSITIVE_INFINITY;
  if (trimmed === '') return { count: 0, first: -1 };
  for (const part of trimmed.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) throw new KernelFormatError(file, `${JSON.stringify(part)} is not a CPU range`);
    const low = Number(match[1]);
    const high = match[2] === undefined ? low : Number(match[2]);
    count += high - low + 1;
    first = Math.min(first, low);
  }
  return { count, first };
}

/** A CPU mask (`00000000,0000000f`): how many CPUs it sets. */
export function countCpuMask(text: string, file: string): number {
  let count = 0;
  for (const word of text.trim().split(',')) {
    if (!/^[0-9a-f]+$/i.test(word)) throw new KernelFormatError(file, `${JSON.stringify(word)} is not a CPU mask`);
    for (const digit of word) {
      let nibble = Number.parseInt(digit, 16);
      while (nibble) {
        count += nibble & 1;
        nibble >>= 1;
      }
    }
  }
  return count;
}
