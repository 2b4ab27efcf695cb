// Faults while /metrics is scraped under load: a frozen helper, its socket
// removed, a conntrack table at its limit, a dump that outlives its deadline,
// and SIGTERM in the middle of a scrape.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { run, sleep } from '../support/exec';
import { Exporter, ROOT } from '../support/exporter';
import { parseExposition, sampleValue, select } from '../support/exposition';
import { Netns } from '../support/netns';

const CT_FILL = path.join(ROOT, 'build', 'helper', 'ct-fill');

/** Scrapes continuously until stopped; records status and time of each scrape. */
function scrapeUnderLoad(exporter: Exporter): { stop: () => Promise<{ status: number; ms: number }[]> } {
  const results: { status: number; ms: number }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const start = Date.now();
      let status = 0;
      try {
        status = (await exporter.request('/metrics')).status;
      } catch {
        status = -1;
      }
      results.push({ status, ms: Date.now() - start });
      await sleep(20);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return results;
    },
  };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const FAST = [
  '--collector.ethtool.device-include=^nic',
  '--collector.ethtool.schedule=* * * * * *',
  '--collector.conntrack.schedule=* * * * * *',
  '--collector.conntrack.breakdown-schedule=* * * * * *',
  '--helper.timeout=500ms',
];

describe('a frozen helper (SIGSTOP)', () => {
  it('fails the collectors, drops their stale series, serves every scrape, and recovers after a restart', async () => {
    const ns = await Netns.create('flt-stop');
    let exporter: Exporter | undefined;
    try {
      await ns.addVeth('nic0', 'nic1', 4);
      exporter = await Exporter.start(FAST, { ns });
      await exporter.ready();
      const metrics = async () => parseExposition(await (exporter as Exporter).metrics());
      const load = scrapeUnderLoad(exporter);
      const pid = await exporter.helperPid();
      process.kill(pid, 'SIGSTOP');
      const frozenAt = Date.now();
      try {
        await waitFor('ethtool marked failed', async () =>
          (await metrics()).some(
            (s) => s.name === 'ethtrack_collector_success' && s.labels.collector === 'ethtool' && s.value === 0,
          ),
        );
        // Three one-second intervals without success: the series leave /metrics.
        await waitFor(
          'stale NIC series dropped',
          async () => select(await metrics(), 'ethtrack_nic_stat', { device: 'nic0' }).length === 0,
        );
        assert.ok(Date.now() - frozenAt < 8000, 'stale series dropped within a few intervals');
        // The supervisor gives up on the frozen helper and starts a new one.
        await waitFor(
          'helper restarted',
          async () => (sampleValue(await metrics(), 'ethtrack_helper_restarts_total') ?? 0) >= 1,
        );
      } finally {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // already killed by the supervisor
        }
      }
      await waitFor(
        'NIC series back',
        async () => select(await metrics(), 'ethtrack_nic_stat', { device: 'nic0' }).length > 0,
      );
      const results = await load.stop();
      assert.deepEqual(
        results.filter((r) => r.status !== 200),
        [],
        'no scrape failed',
      );
      assert.ok(Math.max(...results.map((r) => r.ms)) < 1000, 'no scrape waited for the frozen helper');
      const after = await metrics();
      assert.equal(sampleValue(after, 'ethtrack_helper_up'), 1);
      assert.equal(sampleValue(after, 'ethtrack_collector_success', { collector: 'ethtool' }), 1);
      // Logged when a collector's failure changes (deadline, reset, unavailable), not every cycle.
      for (const collector of ['ethtool', 'conntrack', 'conntrack_breakdown']) {
        const logged = exporter.logs.filter(
          (line) => line.includes('collector failed') && line.includes(`"collector":"${collector}"`),
        ).length;
        assert.ok(logged <= 3, `${collector} failure logged ${logged} times in ~7 one-second cycles`);
      }
      assert.deepEqual(exporter.sanitizerReports(), []);
    } finally {
      await exporter?.stop();
      ns.destroy();
    }
  });
});

describe('the helper socket removed', () => {
  it('restarts the helper on a fresh socket while scrapes keep answering', async () => {
    const ns = await Netns.create('flt-sock');
    let exporter: Exporter | undefined;
    try {
      await ns.addVeth('nic0', 'nic1', 2);
      exporter = await Exporter.start(FAST, { ns });
      await exporter.ready();
      const load = scrapeUnderLoad(exporter);
      const pid = await exporter.helperPid();
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const socket = cmdline[cmdline.indexOf('--socket') + 1];
      fs.rmSync(socket);
      await waitFor('a new helper', async () => {
        const current = await (exporter as Exporter).helperPid().catch(() => 0);
        return current !== 0 && current !== pid && fs.existsSync(socket);
      });
      const since = Date.now();
      await exporter.waitForCycle('ethtool', since);
      const results = await load.stop();
      assert.deepEqual(
        results.filter((r) => r.status !== 200),
        [],
      );
      assert.ok(exporter.logs.some((line) => line.includes('helper socket vanished')));
    } finally {
      await exporter?.stop();
      ns.destroy();
    }
  });
});

describe('a conntrack table at its limit', () => {
  it('reports the table full with drops counted, and a dump past its deadline as truncated', async () => {
    const ns = await Netns.create('flt-full');
    let exporter: Exporter | undefined;
    try {
      if (!fs.existsSync(CT_FILL)) await run('make', ['-s', '-C', path.join(ROOT, 'src', 'helper'), 'bench']);
      const limit = Number((await ns.exec('cat', ['/proc/sys/net/netfilter/nf_conntrack_max'])).trim());
      // ct-fill inserts assured and unassured entries; it stops at the limit.
      await ns.exec(CT_FILL, [String(limit), '3600']).catch(() => '');
      await ns.exec('iptables', ['-A', 'INPUT', '-m', 'conntrack', '--ctstate', 'NEW', '-j', 'ACCEPT']);
      await ns.exec('iptables', [
        '-t',
        'raw',
        '-A',
        'OUTPUT',
        '-p',
        'tcp',
        '--dport',
        '1:65535',
        '-d',
        '127.0.0.1',
        '-j',
        'CT',
        '--notrack',
      ]);
      await ns.exec('iptables', [
        '-t',
        'raw',
        '-A',
        'PREROUTING',
        '-p',
        'tcp',
        '-d',
        '127.0.0.1',
        '-j',
        'CT',
        '--notrack',
      ]);
      exporter = await Exporter.start(
        [
          '--no-collector.ethtool',
          '--collector.conntrack.schedule=* * * * * *',
          '--collector.conntrack.breakdown-schedule=*/2 * * * * *',
          '--collector.conntrack.dump-timeout=20ms',
        ],
        { ns },
      );
      await exporter.ready(30_000);
      // New flows into a full table: early drops, then drops.
      spawnSync('ip', [
        'netns',
        'exec',
        ns.name,
        'sh',
        '-c',
        'for i in $(seq 1 50); do ping -c1 -W0.05 127.0.0.$((i+1)) >/dev/null 2>&1; done',
      ]);
      await exporter.waitForCycle('conntrack', Date.now());
      await exporter.waitForCycle('conntrack_breakdown', Date.now());
      const samples = parseExposition(await exporter.metrics());
      const entries = sampleValue(samples, 'ethtrack_conntrack_entries') ?? 0;
      assert.equal(sampleValue(samples, 'ethtrack_conntrack_entries_limit'), limit);
      assert.ok(entries >= limit * 0.99, `table full: ${entries} of ${limit}`);
      const dropped =
        (sampleValue(samples, 'ethtrack_conntrack_drop_total') ?? 0) +
        (sampleValue(samples, 'ethtrack_conntrack_early_drop_total') ?? 0) +
        (sampleValue(samples, 'ethtrack_conntrack_insert_failed_total') ?? 0);
      assert.ok(dropped > 0, 'drops counted');
      assert.equal(sampleValue(samples, 'ethtrack_conntrack_dump_truncated'), 1);
      assert.equal(sampleValue(samples, 'ethtrack_collector_success', { collector: 'conntrack_breakdown' }), 1);
      const counted = select(samples, 'ethtrack_conntrack_entries_by_state').reduce((sum, s) => sum + s.value, 0);
      assert.ok(counted < entries, `a truncated dump counts part of the table (${counted} < ${entries})`);
      assert.ok((sampleValue(samples, 'ethtrack_conntrack_dump_duration_seconds') ?? 1) < 0.5);
      assert.ok(exporter.logs.some((line) => line.includes('cut off by --collector.conntrack.dump-timeout')));
    } finally {
      await exporter?.stop();
      ns.destroy();
    }
  });
});

describe('SIGTERM during a scrape', () => {
  it('completes the in-flight scrape, stops the helper and exits 0 within 5 s', async () => {
    const ns = await Netns.create('flt-term');
    let exporter: Exporter | undefined;
    try {
      for (let i = 0; i < 8; i++) await ns.addVeth(`nic${i}a`, `nic${i}b`, 64);
      exporter = await Exporter.start(['--collector.ethtool.device-include=^nic', '--no-collector.conntrack'], { ns });
      await exporter.ready();
      const full = Buffer.byteLength(await exporter.metrics());
      const helperPid = await exporter.helperPid();
      // A slow reader: about two seconds for the page.
      const rate = Math.ceil(full / 2);
      const slow = exporter.request('/metrics', {}, ['--limit-rate', String(rate)]);
      await sleep(500);
      const start = Date.now();
      const code = await exporter.stop('SIGTERM');
      const elapsed = Date.now() - start;
      const reply = await slow;
      assert.equal(reply.status, 200);
      assert.ok(Math.abs(Buffer.byteLength(reply.body) - full) < full * 0.05, 'the whole page arrived');
      assert.ok(reply.body.includes('ethtrack_nic_stat{device="nic7b"'));
      assert.equal(code, 0);
      assert.ok(elapsed < 5000, `exited in ${elapsed} ms`);
      assert.throws(() => process.kill(helperPid, 0), 'helper stopped');
    } finally {
      await exporter?.stop();
      ns.destroy();
    }
  });
});
