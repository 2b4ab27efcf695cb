// A hand-written decoder for the one large, hot message: EthtoolStatsReply
// (proto/ethtrack/helper/v1/helper.proto). Stat values are decoded into one
// reused Float64Array instead of a fresh array of numbers per device per
// cycle, so steady-state collection allocates next to nothing.

import type { InterfaceStatsStatus } from './api';
import { Reader } from './wire-reader';

const STATUS: readonly InterfaceStatsStatus[] = ['OK', 'NO_SUCH_DEVICE', 'NOT_SUPPORTED', 'ERROR'];

export interface DecodedInterfaceStats {
  interface: string;
  status: InterfaceStatsStatus;
  error: string;
  generation: number;
  /** Present only when the string set changed. */
  names: string[];
  /** Valid until the next interface is decoded. */
  values: Float64Array;
  count: number;
}

export class EthtoolStatsDecoder {
  private values = new Float64Array(1024);

  private room(count: number): void {
    if (count > this.values.length) this.values = new Float64Array(Math.max(count, this.values.length * 2));
  }

  /** Yields each interface of an encoded EthtoolStatsReply in order. */
  *decode(buf: Buffer): Generator<DecodedInterfaceStats> {
    const reply = new Reader(buf, 0, buf.length);
    while (reply.pos < reply.end) {
      const tag = reply.varint();
      if (tag >>> 3 !== 1 || (tag & 7) !== 2) {
        reply.skip(tag & 7);
        continue;
      }
      const [start, end] = reply.bytes();
      yield this.interfaceStats(new Reader(buf, start, end));
    }
  }

  private interfaceStats(r: Reader): DecodedInterfaceStats {
    const decoded: DecodedInterfaceStats = {
      interface: '',
      status: 'OK',
      error: '',
      generation: 0,
      names: [],
      values: this.values,
      count: 0,
    };
    while (r.pos < r.end) {
      const tag = r.varint();
      const field = tag >>> 3;
      const wireType = tag & 7;
      if (field === 1 && wireType === 2) decoded.interface = r.string();
      else if (field === 2 && wireType === 0) decoded.status = STATUS[r.varint()] ?? 'ERROR';
      else if (field === 3 && wireType === 2) decoded.error = r.string();
      else if (field === 4 && wireType === 0) decoded.generation = r.varint();
      else if (field === 5 && wireType === 2) decoded.names.push(r.string());
      else if (field === 6 && wireType === 2) {
        const [start, end] = r.bytes();
        // At most one value per byte: room for the worst case, then fill.
        this.room(decoded.count + (end - start));
        const packed = new Reader(r.buf, start, end);
        const values = this.values;
        let count = decoded.count;
        while (packed.pos < end) values[count++] = packed.varint();
        decoded.count = count;
      } else if (field === 6 && wireType === 0) {
        this.room(decoded.count + 1);
        this.values[decoded.count++] = r.varint();
      } else r.skip(wireType);
    }
    decoded.values = this.values;
    return decoded;
  }
}
