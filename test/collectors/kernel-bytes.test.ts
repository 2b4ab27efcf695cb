// The byte parsers of the rxpath hot path against the text parsers they
// replace (kernel-text.ts), on this machine's own /proc files and on each
// kernel's softnet layout, and their refusal of malformed text.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { SnmpFields, scanInterruptCounts, scanNetDev, scanSoftnet } from '../../src/collectors/kernel-bytes';
import {
  parseInterrupts,
  parseNetDev,
  parseSnmp6,
  parseSnmpPairs,
  parseSoftnet,
} from '../../src/collectors/kernel-text';

const bytes = (text: string) => Buffer.from(text, 'latin1');
const row = (...words: number[]) => words.map((w) => w.toString(16).padStart(8, '0')).join(' ');

describe('byte parsers equal the text parsers', () => {
  it('softnet_stat in every layout and this machine’s', () => {
    for (const text of [
      `${row(10, 1, 2, 0, 0, 0, 0, 0, 0, 7, 3, 4, 0, 4, 0)}\n${row(20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0)}\n`,
      `${row(1, 2, 3, 0, 0, 0, 0, 0, 0, 4, 5)}\n`,
      `${row(1, 2, 3, 0, 0, 0, 0, 0, 0, 4)}\n`,
      fs.readFileSync('/proc/net/softnet_stat', 'latin1'),
    ]) {
      const got: unknown[] = [];
      const b = bytes(text);
      scanSoftnet(b, b.length, 'f', new Float64Array(6), (cpu, v, columns) =>
        got.push({
          cpu,
          processed: v[0],
          dropped: v[1],
          timeSqueezed: v[2],
          receivedRps: columns > 9 ? v[3] : undefined,
          flowLimit: columns > 10 ? v[4] : undefined,
          backlogLength: columns > 11 ? v[5] : undefined,
        }),
      );
      assert.deepEqual(got, parseSoftnet(text, 'f'));
    }
    assert.throws(
      () => scanSoftnet(bytes('hello 1\n'), 8, '/x/softnet_stat', new Float64Array(6), () => 0),
      /\/x\/softnet_stat: unexpected format/,
    );
  });

  it('/proc/net/dev', () => {
    const text = fs.readFileSync('/proc/net/dev', 'latin1');
    const want: [string, number[]][] = [];
    parseNetDev(text, 'dev', (device, values) => want.push([device, [...values]]));
    const got: [string, number[]][] = [];
    const b = bytes(text);
    scanNetDev(b, b.length, 'dev', new Float64Array(16), (s, e, values) =>
      got.push([b.toString('latin1', s, e), values ? [...values] : []]),
    );
    assert.deepEqual(got, want);
    // Rows the caller says it has (every other one here) are named but not parsed.
    const some: [string, number[] | null][] = [];
    let row = 0;
    scanNetDev(
      b,
      b.length,
      'dev',
      new Float64Array(16),
      (s, e, values) => some.push([b.toString('latin1', s, e), values && [...values]]),
      () => row++ % 2 === 1,
    );
    assert.deepEqual(
      some,
      want.map(([device, values], i) => [device, i % 2 === 1 ? null : values]),
    );
    const cut = bytes(text.replace(/ 0\n$/, '\n'));
    assert.throws(
      () => scanNetDev(cut, cut.length, '/p/net/dev', new Float64Array(16), () => 0),
      /\/p\/net\/dev: .*15 counters/,
    );
  });

  it('snmp, netstat and snmp6', () => {
    for (const [file, keys] of [
      ['/proc/net/snmp', ['Udp.RcvbufErrors', 'Udp.InErrors', 'Tcp.InErrs', 'UdpLite.InErrors']],
      ['/proc/net/netstat', ['TcpExt.ListenOverflows', 'TcpExt.ListenDrops', 'TcpExt.TCPRcvQDrop']],
    ] as const) {
      const text = fs.readFileSync(file, 'latin1');
      const want = new Map<string, number>();
      parseSnmpPairs(text, file, new Set(keys), want);
      const got = new Float64Array(keys.length);
      const b = bytes(text);
      new SnmpFields(keys).scan(b, b.length, file, got);
      assert.deepEqual(
        [...got],
        keys.map((key) => want.get(key)),
      );
    }
    const text = 'Udp6InDatagrams                 \t4\nUdp6RcvbufErrors                \t12\n';
    const want = new Map<string, number>();
    parseSnmp6(text, 'snmp6', new Set(['Udp6RcvbufErrors']), want);
    const got = new Float64Array(1);
    new SnmpFields(['.Udp6RcvbufErrors']).scanPlain(bytes(text), text.length, 'snmp6', got);
    assert.equal(got[0], want.get('Udp6RcvbufErrors'));
    assert.throws(
      () => new SnmpFields([]).scan(bytes('Udp: A B\nUdp: 1\n'), 16, 'netstat', new Float64Array(0)),
      /2 names but 1 values/,
    );
  });

  it('snmp headers seen before: reused only while their bytes are the same', () => {
    const fields = new SnmpFields(['Udp.InErrors', 'Tcp.InErrs']);
    const scan = (text: string) => {
      const into = new Float64Array(2);
      fields.scan(bytes(text), text.length, 'snmp', into);
      return [...into];
    };
    assert.deepEqual(scan('Tcp: InErrs X\nTcp: 1 2\nUdp: A InErrors\nUdp: 3 4\n'), [4, 1]);
    assert.deepEqual(scan('Tcp: InErrs X\nTcp: 5 6\nUdp: A InErrors\nUdp: 7 8\n'), [8, 5]);
    // Another kernel's layout (columns moved, a section gone) in the same places.
    assert.deepEqual(scan('Tcp: X InErrs\nTcp: 1 2\nIp: A InErrors\nIp: 3 4\n'), [Number.NaN, 2]);
    assert.throws(() => scan('Tcp: X InErrs\nTcp: 1\n'), /2 names but 1 values/);
  });

  it('/proc/interrupts counts', () => {
    const text = fs.readFileSync('/proc/interrupts', 'latin1');
    const all = parseInterrupts(text, 'interrupts', undefined);
    const slots = new Map([...all.keys()].map((irq, i) => [irq, i]));
    const totals = new Float64Array(slots.size);
    const b = bytes(text);
    scanInterruptCounts(b, b.length, 'interrupts', slots, totals);
    assert.deepEqual(
      [...totals],
      [...all.values()].map((line) => line.total),
    );
  });
});
