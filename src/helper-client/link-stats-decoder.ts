// A hand-written decoder for LinkStatsReply (proto/ethtrack/helper/v1/
// helper.proto), read by the rxpath collector every cycle: each device's
// counters land in one reused Float64Array and its name is left as a byte
// range of the reply, so a cycle allocates no object, array or string per
// device (the collector matches names by bytes against the ones it knows).

import { DecodeError, Reader } from './wire-reader';

/** struct rtnl_link_stats64's fields by index, in uapi order (<linux/if_link.h>). */
export const STATS64 = {
  rx_packets: 0,
  tx_packets: 1,
  rx_bytes: 2,
  tx_bytes: 3,
  rx_errors: 4,
  tx_errors: 5,
  rx_dropped: 6,
  tx_dropped: 7,
  multicast: 8,
  collisions: 9,
  rx_length_errors: 10,
  rx_over_errors: 11,
  rx_crc_errors: 12,
  rx_frame_errors: 13,
  rx_fifo_errors: 14,
  rx_missed_errors: 15,
  tx_aborted_errors: 16,
  tx_carrier_errors: 17,
  tx_fifo_errors: 18,
  tx_heartbeat_errors: 19,
  tx_window_errors: 20,
  rx_compressed: 21,
  tx_compressed: 22,
  rx_nohandler: 23,
  rx_otherhost_dropped: 24,
} as const;

/** The helper sends at most this many (its STATS64_MAX). */
const STATS64_MAX = 32;

/** One device of the reply; every field is overwritten by the next device. */
export interface DecodedLink {
  /** The reply the name is in, and its byte range. */
  buf: Buffer;
  nameStart: number;
  nameEnd: number;
  ifindex: number;
  /** rtnl_link_stats64 fields; those at or past `count` the kernel did not send. */
  stats64: Float64Array;
  count: number;
  carrierCounts: boolean;
  carrierUp: number;
  carrierDown: number;
}

export class LinkStatsDecoder {
  private readonly link: DecodedLink = {
    buf: Buffer.alloc(0),
    nameStart: 0,
    nameEnd: 0,
    ifindex: 0,
    stats64: new Float64Array(STATS64_MAX),
    count: 0,
    carrierCounts: false,
    carrierUp: 0,
    carrierDown: 0,
  };

  /** Calls `row` with each device of an encoded LinkStatsReply, in order; `row` must not keep its argument. */
  decode(buf: Buffer, row: (link: DecodedLink) => void): void {
    const reply = new Reader(buf, 0, buf.length);
    while (reply.pos < reply.end) {
      const tag = reply.varint();
      if (tag >>> 3 !== 1 || (tag & 7) !== 2) {
        reply.skip(tag & 7);
        continue;
      }
      const [start, end] = reply.bytes();
      this.device(buf, start, end);
      row(this.link);
    }
  }

  private device(buf: Buffer, start: number, end: number): void {
    const link = this.link;
    link.buf = buf;
    link.nameStart = link.nameEnd = 0;
    link.ifindex = 0;
    link.count = 0;
    link.carrierCounts = false;
    link.carrierUp = link.carrierDown = 0;
    const r = new Reader(buf, start, end);
    while (r.pos < r.end) {
      const tag = r.varint();
      const field = tag >>> 3;
      const wireType = tag & 7;
      if (field === 1 && wireType === 2) [link.nameStart, link.nameEnd] = r.bytes();
      else if (field === 2 && wireType === 0) link.ifindex = r.varint();
      else if (field === 3 && wireType === 2) {
        const [from, to] = r.bytes();
        const packed = new Reader(buf, from, to);
        while (packed.pos < to) {
          const value = packed.varint();
          if (link.count < STATS64_MAX) link.stats64[link.count++] = value;
        }
      } else if (field === 3 && wireType === 0) {
        const value = r.varint();
        if (link.count < STATS64_MAX) link.stats64[link.count++] = value;
      } else if (field === 4 && wireType === 0) link.carrierCounts = r.varint() !== 0;
      else if (field === 5 && wireType === 0) link.carrierUp = r.varint();
      else if (field === 6 && wireType === 0) link.carrierDown = r.varint();
      else r.skip(wireType);
    }
    if (link.nameEnd === link.nameStart) throw new DecodeError('a device without a name');
  }
}
