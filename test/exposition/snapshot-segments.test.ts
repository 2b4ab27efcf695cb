// A family written in segments (the ethtool collector writes a device per
// segment): one gzip member per segment, and a segment its writer marks as
// unchanged since the previous cycle reuses that snapshot's member. Whatever
// is reused, the gzip body decompresses to the plain body.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import { NIC } from '../../src/collectors/metrics';
import { Snapshot } from '../../src/exposition/snapshot';
import { TextBuffer } from '../../src/exposition/text-buffer';

const PREFIX = (device: string) => Buffer.from(`ethtrack_nic_stat{device="${device}",`);
const SUFFIX = (stat: number) => Buffer.from(`stat="s${stat}",queue=""} `);

/** One cycle's buffer: each device a segment of 50 stats; `same` marks what the writer knows unchanged. */
function cycleBuffer(
  values: Record<string, number>,
  same: Record<string, boolean>,
  cycle: number,
  previousCycle: number,
): TextBuffer {
  const buffer = new TextBuffer(1024);
  buffer.cycle = cycle;
  buffer.previousCycle = previousCycle;
  for (const [device, base] of Object.entries(values)) {
    for (let stat = 0; stat < 50; stat++) buffer.sample(PREFIX(device), SUFFIX(stat), base + stat);
    buffer.endSegment(device, same[device] ?? false);
  }
  return buffer;
}

async function both(snapshot: Snapshot): Promise<{ plain: string; unzipped: string }> {
  const plain = Buffer.concat(snapshot.parts(false)).toString();
  const unzipped = zlib.gunzipSync(await snapshot.gzipped(false)).toString();
  return { plain, unzipped };
}

describe('segmented snapshot compression', () => {
  it('compresses a member per segment, and the members decompress to the plain body', async () => {
    const snapshot = new Snapshot([{ meta: NIC.stat, body: cycleBuffer({ a: 1, b: 2, c: 3 }, {}, 1, 0) }], 0);
    const { plain, unzipped } = await both(snapshot);
    assert.equal(unzipped, plain);
    assert.deepEqual([snapshot.segmentsCompressed, snapshot.segmentsReused], [3, 0]);
  });

  it('reuses the previous members of segments marked unchanged, compresses the others', async () => {
    const first = new Snapshot([{ meta: NIC.stat, body: cycleBuffer({ a: 1, b: 2, c: 3 }, {}, 1, 0) }], 0);
    await first.gzip(false);
    const second = new Snapshot(
      [{ meta: NIC.stat, body: cycleBuffer({ a: 1, b: 20, c: 3 }, { a: true, c: true }, 2, 1) }],
      0,
      undefined,
      first,
    );
    const { plain, unzipped } = await both(second);
    assert.equal(unzipped, plain);
    assert.match(plain, /device="b",stat="s0",queue=""} 20\n/);
    assert.deepEqual([second.segmentsCompressed, second.segmentsReused], [1, 2]);
  });

  it('reuses nothing when the marks compare with another cycle than the previous snapshot', async () => {
    const first = new Snapshot([{ meta: NIC.stat, body: cycleBuffer({ a: 1, b: 2 }, {}, 1, 0) }], 0);
    await first.gzip(false);
    // The writer compares with its cycle 5, which is not the snapshot it is handed (cycle 1).
    const second = new Snapshot(
      [{ meta: NIC.stat, body: cycleBuffer({ a: 7, b: 8 }, { a: true, b: true }, 6, 5) }],
      0,
      undefined,
      first,
    );
    const { plain, unzipped } = await both(second);
    assert.equal(unzipped, plain);
    assert.match(unzipped, /device="a",stat="s0",queue=""} 7\n/);
    assert.deepEqual([second.segmentsCompressed, second.segmentsReused], [2, 0]);
  });

  it('reuses nothing from a previous snapshot that was never compressed, and holds no chain of snapshots', async () => {
    const first = new Snapshot([{ meta: NIC.stat, body: cycleBuffer({ a: 1 }, {}, 1, 0) }], 0);
    const second = new Snapshot(
      [{ meta: NIC.stat, body: cycleBuffer({ a: 1 }, { a: true }, 2, 1) }],
      0,
      undefined,
      first,
    );
    const { plain, unzipped } = await both(second);
    assert.equal(unzipped, plain);
    assert.deepEqual([second.segmentsCompressed, second.segmentsReused], [1, 0]);
  });

  it('compresses what follows the last segment, and skips empty segments', async () => {
    const buffer = cycleBuffer({ a: 1 }, {}, 1, 0);
    buffer.endSegment('empty', true);
    buffer.sample(PREFIX('tail'), SUFFIX(0), 5);
    const snapshot = new Snapshot([{ meta: NIC.stat, body: buffer }], 0);
    const { plain, unzipped } = await both(snapshot);
    assert.equal(unzipped, plain);
    assert.match(plain, /device="tail".* 5\n$/);
    assert.deepEqual([snapshot.segmentsCompressed, snapshot.segmentsReused], [2, 0]);
  });
});

describe('gzip-only snapshots', () => {
  it('let go of their text buffers once compressed when no scrape asked for text, and inflate if one then does', async () => {
    const first = new Snapshot([{ meta: NIC.stat, body: cycleBuffer({ a: 1, b: 2 }, {}, 1, 0) }], 0);
    const expected = Buffer.concat(first.parts(false)).toString();
    // First snapshot: asked for text, so it keeps its text, and the next keeps it too.
    await first.gzip(false);
    const secondBuffer = cycleBuffer({ a: 1, b: 2 }, { a: true, b: true }, 2, 1);
    const second = new Snapshot([{ meta: NIC.stat, body: secondBuffer }], 0, undefined, first);
    await second.gzip(false);
    assert.equal(secondBuffer.holders, 1, 'kept: the previous snapshot was asked for text');

    // A third whose previous was only gzipped lets go of its buffer once compressed.
    const thirdBuffer = cycleBuffer({ a: 1, b: 2 }, { a: true, b: true }, 3, 2);
    const third = new Snapshot([{ meta: NIC.stat, body: thirdBuffer }], 0, undefined, second);
    const zipped = zlib.gunzipSync(await third.gzipped(false)).toString();
    assert.equal(thirdBuffer.holders, 0, 'dropped after compression');
    assert.equal(zipped, expected);
    // The collector may now rewrite the buffer: the snapshot's text comes from its pieces.
    thirdBuffer.reset();
    thirdBuffer.sample(Buffer.from('garbage{'), Buffer.from('x="y"} '), 1);
    assert.equal(Buffer.concat(third.parts(false)).toString(), expected);
    assert.equal(third.textAsked, true);
    // A response retaining a dropped snapshot holds nothing back from the collector.
    const letGo = third.retain();
    assert.equal(thirdBuffer.holders, 0);
    letGo();
    third.retire();
    assert.equal(thirdBuffer.holders, 0, 'retiring after dropping releases nothing twice');
  });
});

describe('gzip-only snapshots with whole bodies', () => {
  it('keep holding a buffer written whole (rxpath serves an unchanged body again from it)', async () => {
    const whole = () => {
      const buffer = new TextBuffer(1024);
      buffer.sample(PREFIX('a'), SUFFIX(0), 1);
      return buffer;
    };
    const first = new Snapshot([{ meta: NIC.stat, body: whole() }], 0);
    await first.gzip(false);
    const buffer = whole();
    const second = new Snapshot([{ meta: NIC.stat, body: buffer }], 0, undefined, first);
    await second.gzip(false);
    assert.equal(buffer.holders, 1, 'still held by the snapshot');
    assert.match(Buffer.concat(second.parts(false)).toString(), /device="a"/);
  });
});

describe('a first snapshot', () => {
  it('lets go of its text once compressed when no scrape asked for text: the next cycle can write the same buffer', async () => {
    const buffer = cycleBuffer({ a: 1 }, {}, 1, 0);
    const first = new Snapshot([{ meta: NIC.stat, body: buffer }], 0);
    const text = zlib.gunzipSync(await first.gzipped(false)).toString();
    assert.equal(buffer.holders, 0);
    assert.equal(Buffer.concat(first.parts(false)).toString(), text);
  });
});
