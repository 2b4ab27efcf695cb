// One gzip member spliced from pieces compressed apart. A scrape's body is
// the self-metrics, rendered per scrape, and each collector's families,
// compressed once per cycle (and an idle device's lines not even that); they
// are compressed as raw deflate ending in a sync flush, which leaves each
// piece byte-aligned with no final block, so pieces concatenate into one
// deflate stream (as pigz joins its threads' output). The gzip framing
// around them needs the CRC-32 of all the uncompressed bytes: each piece's
// CRC is computed once, and a scrape combines them (zlib's crc32_combine,
// computed here from the pieces' lengths). Concatenated gzip members would be
// simpler and are valid gzip, but curl and browsers stop after the first.

import { promisify } from 'node:util';
import zlib from 'node:zlib';

/** zlib's fastest level: on exposition text it compresses about 20 times, at a fifth of level 6's CPU. */
export const DEFLATE_OPTIONS: zlib.ZlibOptions = {
  level: zlib.constants.Z_BEST_SPEED,
  finishFlush: zlib.constants.Z_SYNC_FLUSH,
};

const deflateRawAsync = promisify(zlib.deflateRaw);

/**
 * A piece: raw deflate of `bytes`, sync-flushed (no final block). No bytes
 * make no piece: zlib answers an empty input with a final block, which would
 * end the stream early.
 */
export function deflatePiece(bytes: Buffer): Buffer {
  return bytes.length === 0 ? Buffer.alloc(0) : zlib.deflateRawSync(bytes, DEFLATE_OPTIONS);
}

export async function deflatePieceAsync(bytes: Buffer): Promise<Buffer> {
  return bytes.length === 0 ? Buffer.alloc(0) : deflateRawAsync(bytes, DEFLATE_OPTIONS);
}

/** CRC-32 and length of some uncompressed bytes. */
export interface Crc {
  crc: number;
  length: number;
}

export const EMPTY_CRC: Crc = { crc: 0, length: 0 };

/** The CRC of parts in order (continued from `start`). */
export function crcOf(parts: readonly Buffer[], start: Crc = EMPTY_CRC): Crc {
  let { crc, length } = start;
  for (const part of parts) {
    // zlib's crc32() answers 0 for a buffer without storage, which an empty Buffer may be.
    if (part.length === 0) continue;
    crc = zlib.crc32(part, crc);
    length += part.length;
  }
  return { crc, length };
}

// CRC-32 polynomial arithmetic (reflected), as zlib's crc32_combine does it.
const POLY = 0xedb88320;

/** a * b modulo the CRC polynomial. */
function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** x^(2^k) modulo the polynomial, k = 0..31. */
const X2N = (() => {
  const table = new Array<number>(32);
  let p = 0x40000000; // x^1
  table[0] = p;
  for (let k = 1; k < 32; k++) {
    p = multModP(p, p);
    table[k] = p;
  }
  return table;
})();

/** x^(n * 2^k) modulo the polynomial. */
function x2nModP(n: number, k: number): number {
  let p = 0x80000000; // x^0
  while (n > 0) {
    if (n & 1) p = multModP(X2N[k & 31], p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/** The CRC of a's bytes followed by b's. */
export function combine(a: Crc, b: Crc): Crc {
  if (b.length === 0) return a;
  return { crc: (multModP(x2nModP(b.length, 3), a.crc) ^ b.crc) >>> 0, length: a.length + b.length };
}

/** gzip header: deflate, no name or extra fields, no time, unknown OS. */
const HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff]);
/** An empty final block with fixed codes: BFINAL 1, BTYPE 01, end-of-block. */
export const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/** The pieces framed as one gzip member, whose uncompressed bytes have `crc`. */
export function gzipFrame(pieces: readonly Buffer[], crc: Crc): Buffer[] {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc.crc >>> 0, 0);
  trailer.writeUInt32LE(crc.length % 2 ** 32, 4);
  return [HEADER, ...pieces, FINAL_BLOCK, trailer];
}
