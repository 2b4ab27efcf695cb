// A hand-written decoder for the streamed conntrack dump
// (ConntrackEntryBatch in proto/ethtrack/helper/v1/helper.proto). A large
// table streams hundreds of thousands of entries a cycle; decoding each into
// one reused view, with addresses formatted only when asked for, keeps a
// consumer of DumpConntrack from allocating a handful of objects per entry.
// (The flows collector no longer dumps: the helper's GetFlows sums for it;
// it uses formatAddress for the peers of those sums.)

import { Reader } from './wire-reader';

/** One dumped entry; valid only inside the visitor call that receives it. */
export class EntryView {
  buf: Buffer = Buffer.alloc(0);
  family = 0;
  protocol = 0;
  origSport = 0;
  origDport = 0;
  state = '';
  zone = 0;
  id = 0;
  origPackets = 0;
  origBytes = 0;
  replyPackets = 0;
  replyBytes = 0;
  private origSrcAt: [number, number] = [0, 0];
  private origDstAt: [number, number] = [0, 0];

  reset(buf: Buffer): void {
    this.buf = buf;
    this.family = this.protocol = this.origSport = this.origDport = this.zone = this.id = 0;
    this.origPackets = this.origBytes = this.replyPackets = this.replyBytes = 0;
    this.state = '';
    this.origSrcAt = [0, 0];
    this.origDstAt = [0, 0];
  }

  setOrigSrc(range: [number, number]): void {
    this.origSrcAt = range;
  }

  setOrigDst(range: [number, number]): void {
    this.origDstAt = range;
  }

  origSrc(): string {
    return formatAddress(this.buf.subarray(...this.origSrcAt));
  }

  origDst(): string {
    return formatAddress(this.buf.subarray(...this.origDstAt));
  }
}

export function formatAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
    // Canonical form (RFC 5952) through the URL parser's normalisation.
    return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
  }
  return '';
}

export interface BatchFlags {
  done: boolean;
  truncated: boolean;
  accounting: boolean;
  entries: number;
}

export class ConntrackDumpDecoder {
  private readonly view = new EntryView();
  /** State names are a handful of short strings: intern them by their bytes. */
  private readonly states = new Map<string, string>();

  private state(buf: Buffer, start: number, end: number): string {
    const key = buf.toString('latin1', start, end);
    let interned = this.states.get(key);
    if (interned === undefined) {
      interned = key;
      if (this.states.size < 64) this.states.set(key, interned);
    }
    return interned;
  }

  /** Visits each entry of one encoded ConntrackEntryBatch; returns the batch's flags. */
  decode(buf: Buffer, visit: (entry: EntryView) => void): BatchFlags {
    const flags: BatchFlags = { done: false, truncated: false, accounting: false, entries: 0 };
    const batch = new Reader(buf, 0, buf.length);
    while (batch.pos < batch.end) {
      const tag = batch.varint();
      const field = tag >>> 3;
      const wireType = tag & 7;
      if (field === 1 && wireType === 2) {
        const [start, end] = batch.bytes();
        this.entry(new Reader(buf, start, end));
        visit(this.view);
        flags.entries++;
      } else if (field === 2 && wireType === 0) flags.done = batch.varint() !== 0;
      else if (field === 3 && wireType === 0) flags.truncated = batch.varint() !== 0;
      else if (field === 4 && wireType === 0) flags.accounting = batch.varint() !== 0;
      else batch.skip(wireType);
    }
    return flags;
  }

  private entry(r: Reader): void {
    const e = this.view;
    e.reset(r.buf);
    while (r.pos < r.end) {
      const tag = r.varint();
      const field = tag >>> 3;
      const wireType = tag & 7;
      if (wireType === 0) {
        const value = r.varint();
        switch (field) {
          case 1:
            e.family = value;
            break;
          case 2:
            e.protocol = value;
            break;
          case 5:
            e.origSport = value;
            break;
          case 6:
            e.origDport = value;
            break;
          case 15:
            e.zone = value;
            break;
          case 16:
            e.id = value;
            break;
          case 17:
            e.origPackets = value;
            break;
          case 18:
            e.origBytes = value;
            break;
          case 19:
            e.replyPackets = value;
            break;
          case 20:
            e.replyBytes = value;
            break;
        }
      } else if (wireType === 2 && field === 3) e.setOrigSrc(r.bytes());
      else if (wireType === 2 && field === 4) e.setOrigDst(r.bytes());
      else if (wireType === 2 && field === 11) {
        const [start, end] = r.bytes();
        e.state = this.state(r.buf, start, end);
      } else r.skip(wireType);
    }
  }
}
