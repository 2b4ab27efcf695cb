// Pieces compressed apart, spliced into one gzip member: checked against
// node's own zlib (CRC-32 of the concatenation, gunzip) and gzip(1).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import { combine, crcOf, deflatePiece, EMPTY_CRC, gzipFrame } from '../../src/exposition/gzip-splice';

/** Pieces of assorted sizes (empty, one byte, text, random bytes, 3 MB). */
function pieces(): Buffer[] {
  return [
    Buffer.from('# HELP a b\n# TYPE a gauge\n'),
    Buffer.alloc(0),
    Buffer.from('x'),
    crypto.randomBytes(70_000),
    Buffer.alloc(3 * 1024 * 1024, 'ethtrack_nic_stat{device="bv0a",stat="rx_queue_xdp_packets",queue="1"} 0\n'),
    Buffer.from('# EOF\n'),
  ];
}

describe('gzip splice', () => {
  it('combines CRCs as the CRC of the concatenation', () => {
    const parts = pieces();
    let combined = EMPTY_CRC;
    for (const part of parts) combined = combine(combined, crcOf([part]));
    const whole = Buffer.concat(parts);
    assert.deepEqual(combined, { crc: zlib.crc32(whole), length: whole.length });
    assert.deepEqual(crcOf(parts), combined);
  });

  it('frames sync-flushed pieces as one gzip member that node and gzip(1) decompress whole', () => {
    const parts = pieces();
    const member = Buffer.concat(gzipFrame(parts.map(deflatePiece), crcOf(parts)));
    const whole = Buffer.concat(parts);
    assert.ok(zlib.gunzipSync(member).equals(whole));
    const gzip = spawnSync('gzip', ['-dc'], { input: member, maxBuffer: 16 * 1024 * 1024 });
    assert.equal(gzip.status, 0, String(gzip.stderr));
    assert.ok(gzip.stdout.equals(whole));
    // gzip -l reads the trailer: the length it states is ours.
    const listed = spawnSync('gzip', ['-lv'], { input: member }).stdout.toString();
    assert.match(listed, new RegExp(`\\b${whole.length}\\b`));
  });

  it('fails a frame whose CRC does not match: the trailer is checked, not decoration', () => {
    const parts = pieces().slice(0, 3);
    const wrong = { ...crcOf(parts), crc: (crcOf(parts).crc ^ 1) >>> 0 };
    const member = Buffer.concat(gzipFrame(parts.map(deflatePiece), wrong));
    assert.throws(() => zlib.gunzipSync(member), /incorrect data check/);
  });
});
