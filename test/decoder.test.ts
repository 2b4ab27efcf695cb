import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as protobuf from 'protobufjs';
import { EthtoolStatsDecoder } from '../src/ethtool-stats-decoder';
import { PROTO_DIR } from '../src/helper-client';
import { TextBuffer, TextBufferPool } from '../src/text-buffer';

describe('EthtoolStatsDecoder', () => {
  it('decodes what protobufjs encodes from the proto, values past 2^32 included', async () => {
    const root = await protobuf.load(`${PROTO_DIR}/ethtrack/helper/v1/helper.proto`);
    const Reply = root.lookupType('ethtrack.helper.v1.EthtoolStatsReply');
    const values = [0, 1, 127, 128, 300, 2 ** 32 + 5, 2 ** 53 - 1];
    const encoded = Buffer.from(
      Reply.encode(
        Reply.fromObject({
          interfaces: [
            { interface: 'eth0', generation: 42, names: values.map((_, i) => `s${i}`), values },
            { interface: 'br0', status: 2 },
            { interface: 'gone', status: 3, error: 'Input/output error' },
          ],
        }),
      ).finish(),
    );
    const decoded = [...new EthtoolStatsDecoder().decode(encoded)].map((d) => ({
      ...d,
      values: Array.from(d.values.subarray(0, d.count)),
    }));
    assert.deepEqual(decoded[0], {
      interface: 'eth0',
      status: 'OK',
      error: '',
      generation: 42,
      names: values.map((_, i) => `s${i}`),
      values,
      count: values.length,
    });
    assert.equal(decoded[1].status, 'NOT_SUPPORTED');
    assert.deepEqual([decoded[2].status, decoded[2].error], ['ERROR', 'Input/output error']);
  });

  it('rejects a truncated message instead of reading past it', () => {
    const decoder = new EthtoolStatsDecoder();
    assert.throws(() => [...decoder.decode(Buffer.from([0x0a, 0x05, 0x0a, 0x10, 0x65]))], /past the end/);
    assert.throws(() => [...decoder.decode(Buffer.from([0x0a, 0x02, 0x10, 0xff]))], /truncated varint/);
  });
});

describe('TextBuffer', () => {
  it('writes sample values as the text format expects', () => {
    const buffer = new TextBuffer(8);
    for (const value of [0, 7, 1234567890123, 2 ** 53 - 1, 2 ** 64, 0.5, -3, Number.NaN, Number.POSITIVE_INFINITY]) {
      buffer.value(value);
    }
    assert.equal(
      buffer.view().toString(),
      ['0', '7', '1234567890123', '9007199254740991', '18446744073709552000', '0.5', '-3', 'NaN', '+Inf', ''].join(
        '\n',
      ),
    );
  });

  it('reuses a buffer nobody holds and never rewrites a held one', () => {
    const pool = new TextBufferPool();
    const first = pool.acquire();
    first.text('served');
    first.holders++;
    const second = pool.acquire();
    assert.notEqual(second, first);
    first.holders--;
    assert.equal(pool.acquire(), first, 'released buffer reused');
    assert.equal(pool.size, 2);
  });
});
