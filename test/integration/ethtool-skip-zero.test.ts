// --collector.ethtool.skip-zero on a real veth pair, with `ethtool -S` as the
// oracle: a stat that has read zero since start is left out, one that has
// read non-zero is exported with ethtool's value. The veth counts
// rx_queue_0_xdp_packets/_bytes only in NAPI mode (GRO on, the sender's TSO
// off), so switching that on mid-test turns stats from zero to non-zero.
// No veth counter ever falls back to zero, so "stays once seen" is not
// exercised here.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mapStatNames } from '../../src/collectors/ethtool-stat-names';
import { parseEthtoolS } from '../support/ethtool';
import { Exporter } from '../support/exporter';
import { parseExposition, select } from '../support/exposition';
import { Netns } from '../support/netns';

const DEVICE = 'sz1';

/** ethtool -S of the device, as `stat/queue` → value, and which of them are non-zero. */
async function oracle(ns: Netns): Promise<{ all: Map<string, number>; nonZero: Map<string, number> }> {
  const stats = parseEthtoolS(await ns.exec('ethtool', ['-S', DEVICE]));
  const labels = mapStatNames(stats.map(([name]) => name));
  const all = new Map(stats.map(([, value], i) => [`${labels[i].stat}/${labels[i].queue}`, value]));
  return { all, nonZero: new Map([...all].filter(([, value]) => value !== 0)) };
}

async function exported(exporter: Exporter): Promise<Map<string, number>> {
  await exporter.waitForCycle('ethtool', Date.now() + 100);
  const samples = select(parseExposition(await exporter.metrics()), 'ethtrack_nic_stat', { device: DEVICE });
  return new Map(samples.map((s) => [`${s.labels.stat}/${s.labels.queue}`, s.value]));
}

describe('--collector.ethtool.skip-zero on a veth pair', () => {
  let sender: Netns;
  let receiver: Netns;
  let exporter: Exporter;

  before(async () => {
    sender = await Netns.create('sz-tx');
    receiver = await Netns.create('sz-rx');
    // No IPv6 autoconfiguration: only the test's pings move counters.
    for (const ns of [sender, receiver]) {
      await ns.disableIpv6();
    }
    await sender.addVeth('sz0', DEVICE, 1, { peerNs: receiver, address: '10.78.0.1/24', peerAddress: '10.78.0.2/24' });
    exporter = await Exporter.start(
      [
        `--collector.ethtool.device-include=^${DEVICE}$`,
        '--collector.ethtool.skip-zero',
        '--no-collector.conntrack',
        '--no-collector.ethtool.module',
        '--collector.ethtool.schedule=* * * * * *',
      ],
      { ns: receiver },
    );
    await exporter.ready();
  });

  after(async () => {
    await exporter?.stop();
    sender?.destroy();
    receiver?.destroy();
  });

  it('exports only the stats that are non-zero, with ethtool -S values', async () => {
    const { all, nonZero } = await oracle(receiver);
    assert.ok(all.size > nonZero.size, `ethtool -S lists zero stats: ${[...all.keys()].join(', ')}`);
    assert.ok(nonZero.has('peer_ifindex/'), 'peer_ifindex is non-zero');
    assert.deepEqual(await exported(exporter), nonZero);
  });

  it('adds a stat once it reads non-zero, and still leaves out the ones that stay zero', async () => {
    const before = await oracle(receiver);
    assert.equal(before.all.get('rx_xdp_packets/0'), 0, 'rx_queue_0_xdp_packets starts at zero');
    // Received skbs go through the veth's NAPI (and are counted) with GRO on and TSO off at the sender.
    await receiver.exec('ethtool', ['-K', DEVICE, 'gro', 'on']);
    await sender.exec('ethtool', ['-K', 'sz0', 'tso', 'off']);
    await sender.exec('ping', ['-c', '5', '-i', '0.01', '-q', '10.78.0.2']);
    const now = await oracle(receiver);
    assert.ok((now.nonZero.get('rx_xdp_packets/0') ?? 0) >= 5, 'ethtool -S counts the pings on queue 0');
    assert.ok(now.all.size > now.nonZero.size, 'some stats are still zero');
    assert.deepEqual(await exported(exporter), now.nonZero);
  });
});
