// ethtool netlink on real devices: channels of veths with 1, 8 and 64
// queues against `ethtool -l`; eth0's channels, rings and coalescing against
// `ethtool -l/-g/-c`; devices lacking a kind logged once and skipped; a
// module read slower than its deadline (the helper's test double
// --test-slow-module-read) marks only that device stale; and the series
// budget over 64 veths of 64 queues.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SLOW_EVERY } from '../../src/collectors/ethtool-slow-settings';
import { parseEthtoolS } from '../support/ethtool';
import { run } from '../support/exec';
import { Exporter, HELPER } from '../support/exporter';
import { parseExposition, sampleValue, select } from '../support/exposition';
import { Netns } from '../support/netns';

/** `ethtool -l/-g` output: { max: {RX: 256}, current: {...} }, n/a left out. */
function parseMaxCurrent(text: string): { max: Map<string, number>; current: Map<string, number> } {
  const max = new Map<string, number>();
  const current = new Map<string, number>();
  let into = max;
  for (const line of text.split('\n')) {
    if (/^Pre-set maximums/.test(line)) into = max;
    else if (/^Current hardware settings/.test(line)) into = current;
    const m = /^([A-Za-z ]+):\s+(\d+)$/.exec(line.trim());
    if (m) into.set(m[1].trim(), Number(m[2]));
  }
  return { max, current };
}

/** `ethtool -c`: "rx-usecs: 0" lines, n/a left out. */
function parseCoalesce(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z-]+):\s+(\d+)$/.exec(line.trim());
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

const CHANNEL_TYPES: [string, string][] = [
  ['RX', 'rx'],
  ['TX', 'tx'],
  ['Other', 'other'],
  ['Combined', 'combined'],
];

function checkChannels(text: string, samples: ReturnType<typeof parseExposition>, device: string): void {
  const { max, current } = parseMaxCurrent(text);
  for (const [ethtool, type] of CHANNEL_TYPES) {
    assert.equal(
      sampleValue(samples, 'ethtrack_nic_channels_max', { device, type }),
      max.get(ethtool),
      `${device} ${type} max`,
    );
    assert.equal(
      sampleValue(samples, 'ethtrack_nic_channels', { device, type }),
      current.get(ethtool),
      `${device} ${type}`,
    );
  }
}

describe('ethtool netlink settings on veths, with a slow module read (test double)', () => {
  let ns: Netns;
  let exporter: Exporter;
  let dir: string;

  before(async () => {
    ns = await Netns.create('nl-veth');
    await ns.addVeth('q1a', 'q1b', 1);
    await ns.addVeth('q8a', 'q8b', 8);
    await ns.addVeth('q64a', 'q64b', 64);
    // The test double: the real helper, whose module reads of q8a sleep 3 s.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ethtrack-slow-'));
    fs.chmodSync(dir, 0o755);
    const wrapper = path.join(dir, 'helper');
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec ${HELPER} --test-slow-module-read=q8a:3000 "$@"\n`, { mode: 0o755 });
    exporter = await Exporter.start(
      [
        `--helper.path=${wrapper}`,
        '--collector.ethtool.device-include=^q',
        '--no-collector.conntrack',
        '--collector.ethtool.schedule=* * * * * *',
        '--collector.ethtool.module-schedule=*/2 * * * * *',
        '--collector.ethtool.module-timeout=300ms',
      ],
      { ns },
    );
    await exporter.ready();
    await exporter.waitForCycle('ethtool_module', Date.now() + 100);
    await exporter.waitForCycle('ethtool', Date.now() + 100);
  });

  after(async () => {
    await exporter?.stop();
    ns?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const device of ['q1a', 'q1b', 'q8a', 'q64a', 'q64b']) {
    it(`exports the channels of ${device} as ethtool -l shows them`, async () => {
      const samples = parseExposition(await exporter.metrics());
      checkChannels(await ns.exec('ethtool', ['-l', device]), samples, device);
    });
  }

  it(`shows a channel change (ethtool -L) within ${SLOW_EVERY} cycles: channels are re-read every few cycles`, async () => {
    await ns.exec('ethtool', ['-L', 'q64a', 'rx', '16', 'tx', '16']);
    let samples = parseExposition(await exporter.metrics());
    for (let i = 0; i < SLOW_EVERY; i++) {
      await exporter.waitForCycle('ethtool', Date.now() + 100);
      samples = parseExposition(await exporter.metrics());
    }
    assert.equal(sampleValue(samples, 'ethtrack_nic_channels', { device: 'q64a', type: 'rx' }), 16);
    checkChannels(await ns.exec('ethtool', ['-l', 'q64a']), samples, 'q64a');
  });

  it('skips what veths lack (rings, coalesce, pause, fec, standard stats) and logs it once per device', async () => {
    await exporter.waitForCycle('ethtool', Date.now() + 1000);
    const samples = parseExposition(await exporter.metrics());
    assert.equal(select(samples, 'ethtrack_nic_ring_size').length, 0);
    assert.equal(select(samples, 'ethtrack_nic_pause_rx_frames_total').length, 0);
    assert.equal(select(samples, 'ethtrack_nic_mac_frame_check_sequence_errors_total').length, 0);
    const lines = exporter.logs.filter((l) => l.includes('lacks ethtool netlink data') && l.includes('"q8a"'));
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /rings, coalesce, pause, fec, standard-stats/);
  });

  it('marks only the slow device stale and keeps the ethtool collector on time', async () => {
    await exporter.waitForCycle('ethtool_module', Date.now() + 100);
    const samples = parseExposition(await exporter.metrics());
    assert.equal(sampleValue(samples, 'ethtrack_nic_module_stale', { device: 'q8a' }), 1);
    assert.deepEqual(
      select(samples, 'ethtrack_nic_module_stale').map((s) => s.labels.device),
      ['q8a'],
      'devices without a module are skipped, not stale',
    );
    // Every cycle of the ethtool collector ended well before the 3 s the slow read holds its thread.
    const last = sampleValue(samples, 'ethtrack_collector_duration_seconds', { collector: 'ethtool' });
    assert.ok(last !== undefined && last < 3, `ethtool cycle took ${last} s`);
    assert.ok(exporter.logs.some((l) => l.includes('TIMED_OUT') && l.includes('q8a')));
  });
});

describe('ethtool netlink settings of eth0 (virtio)', () => {
  let exporter: Exporter;

  before(async () => {
    exporter = await Exporter.start([
      '--collector.ethtool.device-include=^eth0$',
      '--no-collector.conntrack',
      '--no-collector.ethtool.module',
    ]);
    await exporter.ready();
  });

  after(async () => {
    await exporter?.stop();
  });

  it('exports channels, rings and coalescing as ethtool -l, -g and -c show them', async () => {
    const samples = parseExposition(await exporter.metrics());
    checkChannels(await run('ethtool', ['-l', 'eth0']), samples, 'eth0');
    const rings = parseMaxCurrent(await run('ethtool', ['-g', 'eth0']));
    for (const [ethtool, type] of [
      ['RX', 'rx'],
      ['RX Mini', 'rx_mini'],
      ['RX Jumbo', 'rx_jumbo'],
      ['TX', 'tx'],
    ]) {
      const device = 'eth0';
      assert.equal(sampleValue(samples, 'ethtrack_nic_ring_size_max', { device, type }), rings.max.get(ethtool), type);
      assert.equal(sampleValue(samples, 'ethtrack_nic_ring_size', { device, type }), rings.current.get(ethtool), type);
    }
    const co = parseCoalesce(await run('ethtool', ['-c', 'eth0']));
    for (const [type, usecs, frames] of [
      ['rx', 'rx-usecs', 'rx-frames'],
      ['tx', 'tx-usecs', 'tx-frames'],
      ['rx_irq', 'rx-usecs-irq', 'rx-frames-irq'],
      ['tx_irq', 'tx-usecs-irq', 'tx-frames-irq'],
    ]) {
      const device = 'eth0';
      const us = co.get(usecs);
      assert.equal(
        sampleValue(samples, 'ethtrack_nic_coalesce_delay_seconds', { device, type }),
        us === undefined ? undefined : us / 1e6,
        usecs,
      );
      assert.equal(sampleValue(samples, 'ethtrack_nic_coalesce_frames', { device, type }), co.get(frames), frames);
    }
  });
});

describe('series budget over 64 veths of 64 queues', () => {
  let ns: Netns;
  let exporter: Exporter;

  before(async () => {
    ns = await Netns.create('nl-budget');
    for (let i = 0; i < 32; i++) await ns.addVeth(`bud${i}a`, `bud${i}b`, 64);
    exporter = await Exporter.start(
      [
        '--collector.ethtool.device-include=^bud',
        '--no-collector.conntrack',
        '--no-collector.ethtool.module',
        '--collector.ethtool.max-series=10000',
        '--collector.ethtool.schedule=* * * * * *',
      ],
      { ns },
    );
    await exporter.ready();
  });

  after(async () => {
    await exporter?.stop();
    ns?.destroy();
  });

  it('exports exactly 10,000 ethtrack_nic_stat series, the same every cycle, and counts the rest', async () => {
    let total = 0;
    for (let i = 0; i < 32; i++) {
      for (const side of ['a', 'b']) total += parseEthtoolS(await ns.exec('ethtool', ['-S', `bud${i}${side}`])).length;
    }
    assert.ok(total > 10_000, `${total} stats in all`);
    const keys: string[][] = [];
    for (let cycle = 0; cycle < 2; cycle++) {
      await exporter.waitForCycle('ethtool', Date.now() + 100);
      const samples = parseExposition(await exporter.metrics());
      const stats = select(samples, 'ethtrack_nic_stat');
      assert.equal(stats.length, 10_000);
      assert.equal(sampleValue(samples, 'ethtrack_nic_stat_series_dropped', {}), total - 10_000);
      keys.push(stats.map((s) => JSON.stringify(s.labels)).sort());
    }
    assert.deepEqual(keys[0], keys[1]);
    assert.equal(exporter.logs.filter((l) => l.includes('over budget')).length, 1);
  });
});
