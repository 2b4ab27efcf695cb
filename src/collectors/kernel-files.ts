// Reading /proc and /sys every cycle on every node without allocating per
// read: one buffer that grows to the largest file and stays, and sysfs
// attributes kept open and re-read at offset 0 (the kernel regenerates a
// sysfs or seq_file text on every read from offset 0), which costs a third
// of open/read/close on a node with many devices. /proc files read every
// cycle are kept open too and pread from offset 0 into the one buffer
// (seq_file restarts its walk at offset 0), to be parsed as bytes.

import fs from 'node:fs';
import { KernelFormatError } from './kernel-text';

export class KernelFiles {
  private buffer = Buffer.allocUnsafeSlow(64 * 1024);
  private readonly small = Buffer.allocUnsafeSlow(64);
  private readonly open = new Map<string, number>();
  /** How many kept descriptors readCounter reopened after ENODEV (the device behind them went away). */
  reopens = 0;
  /** How many kept descriptors were closed: a CounterHandle taken under another count is not trusted. */
  private closes = 0;

  /** A whole file as latin1 text (kernel text is ASCII). */
  readText(file: string): string {
    const fd = fs.openSync(file, 'r');
    try {
      let length = 0;
      for (;;) {
        if (length === this.buffer.length) {
          const grown = Buffer.allocUnsafeSlow(this.buffer.length * 2);
          this.buffer.copy(grown);
          this.buffer = grown;
        }
        const read = fs.readSync(fd, this.buffer, length, this.buffer.length - length, null);
        if (read === 0) break;
        length += read;
      }
      return this.buffer.toString('latin1', 0, length);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** The buffer the last read() filled. */
  get bytes(): Buffer {
    return this.buffer;
  }

  /** A whole file into `bytes` through a descriptor kept open; returns its length. */
  read(file: string): number {
    let fd = this.open.get(file);
    if (fd === undefined) {
      fd = fs.openSync(file, 'r');
      this.open.set(file, fd);
    }
    let length = 0;
    for (;;) {
      if (length === this.buffer.length) {
        const grown = Buffer.allocUnsafeSlow(this.buffer.length * 2);
        this.buffer.copy(grown);
        this.buffer = grown;
      }
      const read = fs.readSync(fd, this.buffer, length, this.buffer.length - length, length);
      if (read === 0) return length;
      length += read;
    }
  }

  /** Like read, or -1 when the file does not exist. */
  readIfPresent(file: string): number {
    try {
      return this.read(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return -1;
      throw err;
    }
  }

  /** Like readText, or undefined when the file does not exist. */
  readTextIfPresent(file: string): string | undefined {
    try {
      return this.readText(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /**
   * A decimal counter from a sysfs attribute kept open between cycles. A
   * descriptor whose device went away (ENODEV) is reopened once, in case a
   * device of the same name came back.
   */
  readCounter(file: string): number {
    let fd = this.open.get(file);
    let length: number;
    try {
      if (fd === undefined) {
        fd = fs.openSync(file, 'r');
        this.open.set(file, fd);
      }
      length = fs.readSync(fd, this.small, 0, this.small.length, 0);
    } catch (err) {
      this.close(file);
      if ((err as NodeJS.ErrnoException).code !== 'ENODEV' || fd === undefined) throw err;
      this.reopens++;
      fd = fs.openSync(file, 'r');
      this.open.set(file, fd);
      length = fs.readSync(fd, this.small, 0, this.small.length, 0);
    }
    return this.parseCounter(length, file);
  }

  /**
   * readCounter through the descriptor `handle` remembers, so the hottest
   * reads (one per device a cycle) skip the path lookup. The number is
   * trusted only while no kept descriptor was closed since it was taken (a
   * closed number can come back as another file's); otherwise, and on any
   * error, it goes through readCounter, which reopens what must be.
   */
  readCounterAt(handle: CounterHandle): number {
    if (handle.closes === this.closes) {
      let length = -1;
      try {
        length = fs.readSync(handle.fd, this.small, 0, this.small.length, 0);
      } catch {
        // ENODEV and the like: readCounter's own handling below.
      }
      if (length >= 0) return this.parseCounter(length, handle.file);
    }
    const value = this.readCounter(handle.file);
    handle.fd = this.open.get(handle.file) ?? -1;
    handle.closes = handle.fd < 0 ? -1 : this.closes;
    return value;
  }

  private parseCounter(length: number, file: string): number {
    let value = 0;
    let digits = 0;
    for (let i = 0; i < length; i++) {
      const byte = this.small[i];
      if (byte >= 48 && byte <= 57) {
        value = value * 10 + (byte - 48);
        digits++;
      } else if (byte !== 10) {
        digits = -1;
        break;
      }
    }
    if (digits <= 0)
      throw new KernelFormatError(file, `${JSON.stringify(this.small.toString('latin1', 0, length))} is not a counter`);
    return value;
  }

  /** Closes the descriptor kept for `file`, if one is. */
  close(file: string): void {
    const fd = this.open.get(file);
    if (fd === undefined) return;
    this.open.delete(file);
    this.closes++;
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
  }

  get openCount(): number {
    return this.open.size;
  }

  closeAll(): void {
    for (const file of [...this.open.keys()]) this.close(file);
  }
}

/** A sysfs counter file and the kept descriptor KernelFiles.readCounterAt last found for it. */
export class CounterHandle {
  fd = -1;
  /** KernelFiles' close count when fd was taken; -1: none taken. */
  closes = -1;
  constructor(readonly file: string) {}
}
