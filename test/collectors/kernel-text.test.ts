// The parsers of /proc text the rxpath collector reads, on texts laid out
// as each kernel writes them, and their refusal of anything else (the
// collector then fails naming the file).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  countCpuMask,
  KernelFormatError,
  parseCpuList,
  parseNetDev,
  parseSnmp6,
  parseSnmpPairs,
  parseSoftnet,
} from '../../src/collectors/kernel-text';

const row = (...words: number[]) => words.map((w) => w.toString(16).padStart(8, '0')).join(' ');

describe('softnet_stat', () => {
  it('reads 15 columns (6.x): the CPU index column names the CPU, so offline CPUs leave gaps', () => {
    const text = `${row(10, 1, 2, 0, 0, 0, 0, 0, 0, 7, 3, 4, 0, 4, 0)}\n${row(20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0)}\n`;
    assert.deepEqual(parseSoftnet(text, 'softnet_stat'), [
      { cpu: 0, processed: 10, dropped: 1, timeSqueezed: 2, receivedRps: 7, flowLimit: 3, backlogLength: 4 },
      { cpu: 2, processed: 20, dropped: 0, timeSqueezed: 0, receivedRps: 0, flowLimit: 0, backlogLength: 0 },
    ]);
  });

  it('reads 11 columns (3.11 to 5.9): rows in order, no backlog length', () => {
    const text = `${row(1, 2, 3, 0, 0, 0, 0, 0, 0, 4, 5)}\n${row(6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)}\n`;
    const rows = parseSoftnet(text, 'softnet_stat');
    assert.deepEqual(
      rows.map((r) => [r.cpu, r.processed, r.flowLimit, r.backlogLength]),
      [
        [0, 1, 5, undefined],
        [1, 6, 0, undefined],
      ],
    );
  });

  it('reads 10 columns (before 3.11): no flow limit', () => {
    assert.equal(parseSoftnet(`${row(1, 2, 3, 0, 0, 0, 0, 0, 0, 4)}\n`, 'f')[0].flowLimit, undefined);
  });

  it('refuses a row that is not hexadecimal words, naming the file', () => {
    assert.throws(
      () => parseSoftnet('hello world 1 2 3 4 5 6 7 8\n', '/x/net/softnet_stat'),
      (err: Error) => {
        assert.ok(err instanceof KernelFormatError);
        assert.match(err.message, /^\/x\/net\/softnet_stat: unexpected format/);
        return true;
      },
    );
    assert.throws(() => parseSoftnet('00000001 00000002\n', 'softnet_stat'), /2 columns/);
  });
});

describe('/proc/net/dev', () => {
  const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
  eth0: 2000 20 1 2 3 4 0 5 3000 30 6 7 8 9 10 0
`;
  it('gives each device its 16 counters', () => {
    const seen: [string, number[]][] = [];
    parseNetDev(text, 'dev', (device, values) => seen.push([device, [...values]]));
    assert.deepEqual(seen[1], ['eth0', [2000, 20, 1, 2, 3, 4, 0, 5, 3000, 30, 6, 7, 8, 9, 10, 0]]);
    assert.equal(seen[0][0], 'lo');
  });

  it('refuses a line with a missing counter', () => {
    assert.throws(
      () => parseNetDev(text.replace(' 10 0\n', ' 10\n'), '/p/net/dev', () => undefined),
      /\/p\/net\/dev: .*15 counters/,
    );
  });
});

describe('snmp, netstat, snmp6', () => {
  it('reads wanted fields of header/value pairs', () => {
    const text = 'Udp: InDatagrams RcvbufErrors\nUdp: 5 3\nTcp: InErrs\nTcp: 9\n';
    const values = new Map<string, number>();
    parseSnmpPairs(text, 'snmp', new Set(['Udp.RcvbufErrors', 'Tcp.InErrs']), values);
    assert.deepEqual(
      [...values],
      [
        ['Udp.RcvbufErrors', 3],
        ['Tcp.InErrs', 9],
      ],
    );
  });

  it('refuses a value line that does not match its header', () => {
    assert.throws(
      () => parseSnmpPairs('Udp: A B\nUdp: 1\n', 'netstat', new Set(), new Map()),
      /netstat: .*2 names but 1 values/,
    );
    assert.throws(() => parseSnmpPairs('Udp: A B\nTcp: 1 2\n', 'snmp', new Set(), new Map()), /does not continue/);
  });

  it('reads snmp6 name/value lines', () => {
    const values = new Map<string, number>();
    parseSnmp6(
      'Udp6InDatagrams                 \t4\nUdp6RcvbufErrors                \t12\n',
      'snmp6',
      new Set(['Udp6RcvbufErrors']),
      values,
    );
    assert.deepEqual([...values], [['Udp6RcvbufErrors', 12]]);
  });
});

describe('CPU lists and masks', () => {
  it('counts a CPU list and finds its lowest CPU', () => {
    assert.deepEqual(parseCpuList('3\n', 'f'), { count: 1, first: 3 });
    assert.deepEqual(parseCpuList('8-11,2\n', 'f'), { count: 5, first: 2 });
    assert.throws(() => parseCpuList('a-b', '/proc/irq/5'), /\/proc\/irq\/5/);
  });

  it('counts the CPUs of an RPS mask', () => {
    assert.equal(countCpuMask('0\n', 'f'), 0);
    assert.equal(countCpuMask('00000000,0000000f\n', 'f'), 4);
    assert.equal(countCpuMask('ff,00000001\n', 'f'), 9);
  });
});
