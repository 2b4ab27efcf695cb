import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as protobuf from 'protobufjs';
import { TextBuffer, TextBufferPool } from '../../src/exposition/text-buffer';
import { PROTO_DIR } from '../../src/helper-client/client';
import { ConntrackDumpDecoder } from '../../src/helper-client/conntrack-dump-decoder';
import { EthtoolStatsDecoder } from '../../src/helper-client/ethtool-stats-decoder';

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

describe('ConntrackDumpDecoder', () => {
  it('decodes what protobufjs encodes, skipping the fields it does not need', async () => {
    const root = await protobuf.load(`${PROTO_DIR}/ethtrack/helper/v1/helper.proto`);
    const Batch = root.lookupType('ethtrack.helper.v1.ConntrackEntryBatch');
    const v6 = Buffer.from('fd000088000000000000000000000002', 'hex');
    const encoded = Buffer.from(
      Batch.encode(
        Batch.fromObject({
          entries: [
            {
              family: 10,
              protocol: 6,
              origSrc: v6,
              origDst: Buffer.from('fd000088000000000000000000000001', 'hex'),
              origSport: 40000,
              origDport: 443,
              replySrc: v6,
              replyDst: v6,
              replySport: 443,
              replyDport: 40000,
              state: 'time_wait',
              status: 14,
              timeout: 120,
              mark: 7,
              zone: 3,
              id: 4122591770,
              origPackets: 10,
              origBytes: 2 ** 40,
              replyPackets: 9,
              replyBytes: 1234,
              startNs: 1795312861000000000,
              icmpId: 0,
            },
            {
              family: 2,
              protocol: 1,
              origSrc: Buffer.from([10, 0, 0, 1]),
              origDst: Buffer.from([10, 0, 0, 2]),
              state: 'replied',
              id: 1,
            },
          ],
          done: true,
          accounting: true,
        }),
      ).finish(),
    );
    const seen: unknown[] = [];
    const flags = new ConntrackDumpDecoder().decode(encoded, (e) =>
      seen.push([
        e.id,
        e.protocol,
        e.zone,
        e.origSport,
        e.origDport,
        e.state,
        e.origBytes,
        e.origPackets,
        e.replyBytes,
        e.replyPackets,
        e.origSrc(),
        e.origDst(),
      ]),
    );
    assert.deepEqual(flags, { done: true, truncated: false, accounting: true, entries: 2 });
    assert.deepEqual(seen, [
      [4122591770, 6, 3, 40000, 443, 'time_wait', 2 ** 40, 10, 1234, 9, 'fd00:88::2', 'fd00:88::1'],
      [1, 1, 0, 0, 0, 'replied', 0, 0, 0, 0, '10.0.0.1', '10.0.0.2'],
    ]);
  });
});

describe('TextBuffer', () => {
  it('writes sample values as the text format expects', () => {
    const buffer = new TextBuffer(8);
    for (const value of [
      0,
      7,
      1234567890123,
      2 ** 53 - 1,
      2 ** 64,
      0.5,
      -3,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]) {
      buffer.value(value);
    }
    assert.equal(
      buffer.view().toString(),
      [
        '0',
        '7',
        '1234567890123',
        '9007199254740991',
        '18446744073709552000',
        '0.5',
        '-3',
        'NaN',
        '+Inf',
        '-Inf',
        '',
      ].join('\n'),
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
