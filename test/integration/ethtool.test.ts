// The ethtool collector against `ethtool -S`, `ethtool -i`, `ethtool DEV` and
// promtool, on real veth pairs and a bridge in fresh network namespaces.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mapStatNames } from '../../src/collectors/ethtool-stat-names';
import { parseEthtoolS } from '../support/ethtool';
import { hasCommand, run, sleep } from '../support/exec';
import { Exporter } from '../support/exporter';
import { parseExposition, sampleValue, select } from '../support/exposition';
import { Netns } from '../support/netns';

describe('ethtool collector on veth pairs and a bridge', () => {
  let a: Netns;
  let b: Netns;
  let exporter: Exporter;
  let text: string;

  before(async () => {
    a = await Netns.create('eth-a');
    b = await Netns.create('eth-b');
    // No IPv6 autoconfiguration chatter ticking counters while we compare.
    await a.disableIpv6();
    await b.disableIpv6();
    await a.addVeth('wire0', 'wire1', 1, { peerNs: b, address: '10.77.0.1/24', peerAddress: '10.77.0.2/24' });
    await a.addVeth('q8a', 'q8b', 8);
    await a.addVeth('q64a', 'q64b', 64);
    await a.exec('ip', ['link', 'add', 'br0', 'type', 'bridge']);
    await a.exec('ip', ['link', 'set', 'br0', 'up']);
    // Traffic between the namespaces, done before the snapshot so counters hold still.
    await a.exec('ping', ['-c', '20', '-i', '0.01', '-q', '10.77.0.2']);
    exporter = await Exporter.start(
      ['--collector.ethtool.device-include=.', '--no-collector.conntrack', '--collector.ethtool.schedule=* * * * * *'],
      { ns: a },
    );
    await exporter.ready();
    await exporter.waitForCycle('ethtool', Date.now() + 100);
    text = await exporter.metrics();
  });

  after(async () => {
    await exporter?.stop();
    a?.destroy();
    b?.destroy();
  });

  for (const device of ['wire0', 'q8a', 'q8b', 'q64a', 'q64b']) {
    it(`exports every stat of ${device} with the value ethtool -S reports`, async () => {
      const samples = parseExposition(text);
      const stats = parseEthtoolS(await a.exec('ethtool', ['-S', device]));
      assert.ok(stats.length > 0, 'ethtool -S lists stats');
      const labels = mapStatNames(stats.map(([name]) => name));
      const exported = select(samples, 'ethtrack_nic_stat', { device });
      assert.equal(exported.length, stats.length, 'one series per ethtool stat');
      stats.forEach(([raw, value], i) => {
        const got = sampleValue(samples, 'ethtrack_nic_stat', { device, stat: labels[i].stat, queue: labels[i].queue });
        assert.equal(got, value, `${device} ${raw}`);
      });
    });
  }

  it('reads a veth across namespaces: its peer_ifindex is the peer in the other namespace', async () => {
    const samples = parseExposition(text);
    const peerIndex = Number(/^(\d+):/.exec(await b.exec('ip', ['-o', 'link', 'show', 'wire1']))?.[1]);
    assert.equal(
      sampleValue(samples, 'ethtrack_nic_stat', { device: 'wire0', stat: 'peer_ifindex', queue: '' }),
      peerIndex,
    );
  });

  it('labels per-queue stats with their queue, 64 queues deep', () => {
    const samples = parseExposition(text);
    const queues = new Set(select(samples, 'ethtrack_nic_stat', { device: 'q64a' }).map((s) => s.labels.queue));
    for (let q = 0; q < 64; q++) assert.ok(queues.has(String(q)), `queue ${q}`);
  });

  it('skips a bridge that has no stats, logs it once and still succeeds', async () => {
    const samples = parseExposition(await exporter.metrics());
    assert.equal(select(samples, 'ethtrack_nic_stat', { device: 'br0' }).length, 0);
    assert.equal(sampleValue(samples, 'ethtrack_collector_success', { collector: 'ethtool' }), 1);
    assert.equal(sampleValue(samples, 'ethtrack_nic_info', { device: 'br0', driver: 'bridge' }), 1);
    await sleep(2100); // two more cycles
    const skipped = exporter.logs.filter((line) => line.includes('skipping device stats') && line.includes('"br0"'));
    assert.equal(skipped.length, 1, skipped.join('\n'));
  });

  it('exports driver info as ethtool -i reports it', async () => {
    const samples = parseExposition(text);
    const info = await a.exec('ethtool', ['-i', 'q64a']);
    const field = (name: string) => new RegExp(`^${name}: ?(.*)$`, 'm').exec(info)?.[1].trim() ?? '';
    const [sample] = select(samples, 'ethtrack_nic_info', { device: 'q64a' });
    assert.deepEqual(sample.labels, {
      device: 'q64a',
      driver: field('driver'),
      driver_version: field('version'),
      firmware_version: field('firmware-version'),
      bus_info: field('bus-info'),
    });
  });

  it('exports link state, speed, duplex and autonegotiation as ethtool reports them', async () => {
    const samples = parseExposition(text);
    const settings = await a.exec('ethtool', ['wire0']);
    const speed = Number(/Speed: (\d+)Mb\/s/.exec(settings)?.[1]);
    assert.equal(sampleValue(samples, 'ethtrack_nic_link_speed_bytes', { device: 'wire0' }), (speed * 1e6) / 8);
    assert.equal(
      sampleValue(samples, 'ethtrack_nic_link_full_duplex', { device: 'wire0' }),
      /Duplex: Full/.test(settings) ? 1 : 0,
    );
    assert.equal(
      sampleValue(samples, 'ethtrack_nic_autonegotiate', { device: 'wire0' }),
      /Auto-negotiation: on/.test(settings) ? 1 : 0,
    );
    assert.equal(
      sampleValue(samples, 'ethtrack_nic_link_up', { device: 'wire0' }),
      /Link detected: yes/.test(settings) ? 1 : 0,
    );
  });

  it('passes promtool check metrics without a word', { skip: !hasCommand('promtool') }, async () => {
    const out = await run('promtool', ['check', 'metrics'], text);
    assert.equal(out.trim(), '');
  });

  it('does not drop a device with the default exclusions unless asked', async () => {
    const samples = parseExposition(text);
    assert.ok(select(samples, 'ethtrack_nic_stat', { device: 'lo' }).length === 0, 'lo has no ethtool stats');
  });

  it('keeps the helper alive (no seccomp kill, no restart) and free of sanitizer reports', async () => {
    const samples = parseExposition(await exporter.metrics());
    assert.equal(sampleValue(samples, 'ethtrack_helper_restarts_total'), 0);
    assert.deepEqual(exporter.sanitizerReports(), []);
  });
});

describe('ethtool collector filters', () => {
  it('applies the default device exclusion and the stat include/exclude regexps', async () => {
    const ns = await Netns.create('eth-f');
    let exporter: Exporter | undefined;
    try {
      await ns.disableIpv6();
      await ns.addVeth('veth9', 'nic9', 4);
      exporter = await Exporter.start(
        ['--no-collector.conntrack', '--collector.ethtool.stat-include=xdp', '--collector.ethtool.stat-exclude=_tx_'],
        { ns },
      );
      await exporter.ready();
      const samples = parseExposition(await exporter.metrics());
      assert.equal(
        select(samples, 'ethtrack_nic_stat', { device: 'veth9' }).length,
        0,
        'veth.+ is excluded by default',
      );
      const nic = select(samples, 'ethtrack_nic_stat', { device: 'nic9' });
      assert.ok(nic.length > 0);
      for (const sample of nic) {
        assert.match(sample.labels.stat, /xdp/);
        assert.doesNotMatch(sample.labels.stat, /_tx_/);
      }
    } finally {
      await exporter?.stop();
      ns.destroy();
    }
  });
});

describe('ethtool collector on the host NIC', () => {
  it('reports eth0 counters that lie between two ethtool -S reads around the snapshot', async (t) => {
    const links = await run('ip', ['-o', 'link', 'show', 'eth0']).catch(() => '');
    if (!links) {
      t.skip('this machine has no eth0');
      return;
    }
    const exporter = await Exporter.start([
      '--collector.ethtool.device-include=^eth0$',
      '--no-collector.conntrack',
      '--collector.ethtool.schedule=* * * * * *',
    ]);
    try {
      await exporter.ready();
      const before = parseEthtoolS(await run('ethtool', ['-S', 'eth0']));
      const readAt = Date.now();
      // A cycle finishing 1.5 s after the read started after it (cycles take milliseconds).
      await exporter.waitForCycle('ethtool', readAt + 1500);
      const samples = parseExposition(await exporter.metrics());
      const after = parseEthtoolS(await run('ethtool', ['-S', 'eth0']));
      const labels = mapStatNames(before.map(([name]) => name));
      assert.equal(select(samples, 'ethtrack_nic_stat', { device: 'eth0' }).length, before.length);
      before.forEach(([raw, low], i) => {
        const got = sampleValue(samples, 'ethtrack_nic_stat', {
          device: 'eth0',
          stat: labels[i].stat,
          queue: labels[i].queue,
        });
        const high = after[i][1];
        assert.ok(
          got !== undefined && got >= Math.min(low, high) && got <= Math.max(low, high),
          `${raw}: ${low} <= ${got} <= ${high}`,
        );
      });
    } finally {
      await exporter.stop();
    }
  });
});
