import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FlowEntry, FlowTable } from '../../src/collectors/flows';

function entry(id: number, sport: number, bytes: number): FlowEntry {
  return {
    id,
    protocol: 6,
    zone: 0,
    origSport: sport,
    origDport: 443,
    state: 'established',
    origBytes: bytes,
    origPackets: 1,
    replyBytes: 0,
    replyPackets: 0,
    origSrc: () => '10.0.0.1',
    origDst: () => '192.0.2.7',
  };
}

const total = (table: FlowTable) => [...table.series.values()].reduce((sum, s) => sum + s.origBytes, 0);

describe('flow table', () => {
  it('keeps two live entries that share a 32-bit conntrack id apart and counts each once', () => {
    const table = new FlowTable(100, (address) => address === '10.0.0.1');
    for (let cycle = 1; cycle <= 3; cycle++) {
      table.beginCycle();
      table.observe(entry(42, 1000, 100 * cycle), 0);
      table.observe(entry(42, 2000, 10 * cycle), 0);
      table.dropUnseen();
    }
    assert.equal(table.entries.size, 2);
    assert.equal(total(table), 300 + 30, 'deltas, not whole histories every cycle');
    const [series] = table.series.values();
    assert.match(series.prefixes[0], /peer="192\.0\.2\.7",port="443"/);
  });

  it('never decreases when entries disappear, and counts a new entry from zero', () => {
    const table = new FlowTable(100, () => false);
    table.beginCycle();
    table.observe(entry(1, 1000, 500), 0);
    table.dropUnseen();
    table.beginCycle();
    table.dropUnseen();
    assert.equal(table.entries.size, 0);
    assert.equal(total(table), 500);
    table.beginCycle();
    table.observe(entry(2, 1001, 70), 0);
    table.dropUnseen();
    assert.equal(total(table), 570);
  });
});
