// Exposition text written straight into bytes that are allocated once and
// reused, cycle after cycle (the lesson of Retina's per-cycle ethtool buffers).
// A buffer is lent to a snapshot while it is served and to each response
// still writing it; a collector only rewrites a buffer nobody holds.

import { formatValue } from './value-format';

// The longest a double prints (`-1.7976931348623157e+308`).
const DIGITS = 24;

export class TextBuffer {
  private bytes: Buffer;
  length = 0;
  /**
   * Sample lines written: each ends in value(), the only writer of a newline
   * (prefixes and text() are label text), so a snapshot need not scan for them.
   */
  lines = 0;
  /** Held by the snapshot being served, and by responses still writing it. */
  holders = 0;
  /**
   * Segments (a device's lines, say) that a snapshot compresses a piece
   * each: where each ends, its key, and whether the writer knows its bytes
   * equal those of the segment of the same key in the cycle it wrote as
   * `previousCycle`, whose piece can then be reused. None: one piece.
   */
  readonly segmentEnds: number[] = [];
  readonly segmentKeys: string[] = [];
  readonly segmentSame: boolean[] = [];
  /** The writer's number for this cycle, and for the cycle `segmentSame` compares with (0: none). */
  cycle = 0;
  previousCycle = 0;
  /**
   * The writer's cycle whose bytes the buffer holds (set when it is done),
   * and what that was before the last reset: a reset keeps the bytes, so a
   * writer may leave in place what would come out the same, as long as the
   * buffer was not reallocated (`grown`) since.
   */
  contentCycle = 0;
  previousContent = 0;
  grown = false;

  constructor(initialBytes = 64 * 1024) {
    this.bytes = Buffer.allocUnsafeSlow(initialBytes);
  }

  get capacity(): number {
    return this.bytes.length;
  }

  reset(): void {
    this.length = 0;
    this.lines = 0;
    this.previousContent = this.contentCycle;
    this.contentCycle = 0;
    this.grown = false;
    this.segmentEnds.length = 0;
    this.segmentKeys.length = 0;
    this.segmentSame.length = 0;
    this.cycle = 0;
    this.previousCycle = 0;
  }

  /** Closes the segment written since the last one (or the start). */
  endSegment(key: string, same: boolean): void {
    this.segmentEnds.push(this.length);
    this.segmentKeys.push(key);
    this.segmentSame.push(same);
  }

  /** Fresh bytes of another capacity, for a buffer nobody holds. */
  resize(capacity: number): void {
    this.bytes = Buffer.allocUnsafeSlow(capacity);
    this.length = 0;
    this.contentCycle = 0;
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    // Grows by half: the pool sizes the next buffers from what this cycle wrote.
    const grown = Buffer.allocUnsafeSlow(Math.max(Math.ceil(this.bytes.length * 1.5), this.length + extra));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
    this.grown = true;
  }

  /** Pre-encoded bytes (cached label prefixes). */
  append(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** `lines` whole sample lines already in place at [length, end), as the writer left them before the reset. */
  keepLines(end: number, lines: number): void {
    this.length = end;
    this.lines += lines;
  }

  /** `lines` whole sample lines copied from another buffer's bytes [start, end). */
  copyLines(from: TextBuffer, start: number, end: number, lines: number): void {
    this.ensure(end - start);
    from.bytes.copy(this.bytes, this.length, start, end);
    this.length += end - start;
    this.lines += lines;
  }

  /** A whole pre-encoded sample line, newline included (`prefix 0\n`: most error counters read zero). */
  line(bytes: Uint8Array): void {
    this.append(bytes);
    this.lines++;
  }

  text(value: string): void {
    this.ensure(value.length * 3);
    this.length += this.bytes.write(value, this.length);
  }

  /** A sample value and its newline; integers without going through a string. */
  value(value: number): void {
    this.ensure(DIGITS + 2);
    this.writeValue(value);
  }

  /**
   * One sample line from two pre-encoded parts of its prefix (the hot path of
   * large families): one bounds check, then copies and digits.
   */
  sample(prefix: Uint8Array, suffix: Uint8Array, value: number): void {
    this.ensure(prefix.length + suffix.length + DIGITS + 2);
    const bytes = this.bytes;
    bytes.set(prefix, this.length);
    bytes.set(suffix, this.length + prefix.length);
    this.length += prefix.length + suffix.length;
    this.writeValue(value);
  }

  /** The value's digits, written forwards, and a newline; the caller has made room. */
  private writeValue(value: number): void {
    const bytes = this.bytes;
    if (value === 0) {
      bytes[this.length++] = 48;
    } else if (value > 0 && Number.isSafeInteger(value)) {
      let digits = 1;
      for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
      let end = this.length + digits;
      this.length = end;
      do {
        bytes[--end] = 48 + (value % 10);
        value = Math.floor(value / 10);
      } while (value > 0);
    } else {
      this.length += bytes.write(formatValue(value), this.length);
    }
    bytes[this.length++] = 10;
    this.lines++;
  }

  /** The written bytes (a view, valid until the next reset). */
  view(): Buffer {
    return this.bytes.subarray(0, this.length);
  }
}

const MIN_CAPACITY = 64 * 1024;

/**
 * A collector's buffers: it writes into one nobody holds, allocating only
 * when all are held. Buffers are sized to what the last cycle wrote plus a
 * sixteenth, not to the next power of two: a family of 5 MB takes two buffers
 * of 5.3 MB, not two of 8.
 */
export class TextBufferPool {
  private readonly buffers: TextBuffer[] = [];
  private latest: TextBuffer | undefined;
  /** Acquisitions so far, and the one that last handed out each buffer. */
  private acquisitions = 0;
  private readonly lastAcquired = new WeakMap<TextBuffer, number>();

  /** `initialBytes` sizes new buffers (a small family need not start at 64 KiB). */
  constructor(private readonly initialBytes?: number) {}

  acquire(): TextBuffer {
    // The buffer acquired last has been written by now: its length is the family's current size.
    const last = this.latest?.length ?? 0;
    const want = Math.max(this.initialBytes ?? MIN_CAPACITY, Math.ceil((last + (last >> 4)) / 4096) * 4096);
    let buffer = this.buffers.find((candidate) => candidate.holders === 0);
    if (!buffer) {
      buffer = new TextBuffer(want);
      this.buffers.push(buffer);
    } else if (buffer.capacity > want + (want >> 2)) {
      buffer.resize(want);
    }
    buffer.reset();
    this.latest = buffer;
    this.lastAcquired.set(buffer, ++this.acquisitions);
    return buffer;
  }

  get size(): number {
    return this.buffers.length;
  }

  /**
   * Drops spare buffers: beyond two (after a burst of slow scrapes), and any
   * nobody holds that was not handed out by the last two acquisitions (once
   * only gzip scrapers are around, snapshots let go of their text and one
   * buffer serves every cycle).
   */
  trim(): void {
    for (let i = this.buffers.length - 1; i >= 0; i--) {
      const buffer = this.buffers[i];
      if (buffer.holders !== 0) continue;
      const idle = this.acquisitions - (this.lastAcquired.get(buffer) ?? 0) >= 2;
      if (this.buffers.length > 2 || idle) this.buffers.splice(i, 1);
    }
  }
}
