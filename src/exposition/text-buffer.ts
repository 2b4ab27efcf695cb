// Exposition text written straight into bytes that are allocated once and
// reused, cycle after cycle (the lesson of Retina's per-cycle ethtool buffers).
// A buffer is lent to a snapshot while it is served and to each response
// still writing it; a collector only rewrites a buffer nobody holds.

import { formatValue } from './value-format';

const DIGITS = 20;

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

  constructor(initialBytes = 64 * 1024) {
    this.bytes = Buffer.allocUnsafeSlow(initialBytes);
  }

  get capacity(): number {
    return this.bytes.length;
  }

  reset(): void {
    this.length = 0;
    this.lines = 0;
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    // Grows to the high-water mark and stays there.
    const grown = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.length + extra));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  /** Pre-encoded bytes (cached label prefixes). */
  append(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
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
    if (Number.isSafeInteger(value) && value >= 0) {
      // Count the digits first, then write them backwards in place (no copy call per value).
      let digits = 1;
      for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
      let at = this.length + digits;
      this.length = at;
      do {
        this.bytes[--at] = 48 + (value % 10);
        value = Math.floor(value / 10);
      } while (value > 0);
    } else {
      this.length += this.bytes.write(formatValue(value), this.length);
    }
    this.bytes[this.length++] = 10;
    this.lines++;
  }

  /** The written bytes (a view, valid until the next reset). */
  view(): Buffer {
    return this.bytes.subarray(0, this.length);
  }
}

/** A collector's buffers: it writes into one nobody holds, allocating only when all are held. */
export class TextBufferPool {
  private readonly buffers: TextBuffer[] = [];

  /** `initialBytes` sizes new buffers (a small family need not start at 64 KiB). */
  constructor(private readonly initialBytes?: number) {}

  acquire(): TextBuffer {
    let buffer = this.buffers.find((candidate) => candidate.holders === 0);
    if (!buffer) {
      buffer = new TextBuffer(this.initialBytes);
      this.buffers.push(buffer);
    }
    buffer.reset();
    return buffer;
  }

  get size(): number {
    return this.buffers.length;
  }

  /** Drops spare buffers beyond two (after a burst of slow scrapes). */
  trim(): void {
    for (let i = this.buffers.length - 1; i >= 0 && this.buffers.length > 2; i--) {
      if (this.buffers[i].holders === 0) this.buffers.splice(i, 1);
    }
  }
}
