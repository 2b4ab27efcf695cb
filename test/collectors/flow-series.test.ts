import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FlowDelta, FlowSeries, SERIES_IDLE_MS } from '../../src/collectors/flows';

function sum(peer: number[], port: number, bytes: number, protocol = 6): FlowDelta {
  return {
    protocol,
    peer: Uint8Array.from(peer),
    port,
    origBytes: bytes,
    origPackets: 1,
    replyBytes: 0,
    replyPackets: 0,
  };
}

const text = (series: FlowSeries) =>
  series
    .render(0, 0)
    .map((family) => family.body)
    .join('');

describe('flow series (the aggregates the service keeps)', () => {
  it('adds the helper deltas to monotonic counters labelled by protocol, peer and port', () => {
    const series = new FlowSeries(100);
    series.add(sum([192, 0, 2, 7], 443, 100), 0);
    series.add(sum([192, 0, 2, 7], 443, 50), 1);
    assert.match(text(series), /direction="original",protocol="tcp",peer="192\.0\.2\.7",port="443"} 150\n/);
  });

  it('formats ipv6 peers canonically and leaves the port empty for protocols without ports', () => {
    const series = new FlowSeries(100);
    series.add(sum([0xfd, 0, 0, 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2], 0, 10, 58), 0);
    assert.match(text(series), /protocol="icmpv6",peer="fd00:88::2",port=""} 10\n/);
  });

  it('counts label sets past max-series under peer="other", losing nothing', () => {
    const series = new FlowSeries(1);
    series.add(sum([10, 0, 0, 1], 80, 5), 0);
    series.add(sum([10, 0, 0, 2], 80, 7), 0);
    series.add(sum([10, 0, 0, 3], 81, 11), 0);
    assert.match(text(series), /peer="other",port=""} 18\n/);
  });

  it('removes series idle for five minutes, and only those', () => {
    const series = new FlowSeries(100);
    series.add(sum([10, 0, 0, 1], 80, 5), 0);
    series.add(sum([10, 0, 0, 2], 80, 5), SERIES_IDLE_MS);
    assert.equal(series.evictIdle(SERIES_IDLE_MS + 1), 1);
    assert.equal(series.series.size, 1);
  });
});
