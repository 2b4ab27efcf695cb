// `--collector.disable-defaults` on the real exporter, in a fresh network
// namespace with one NIC: only collectors enabled by name run, their series
// and self-metrics are all that is served, and /readyz and the status page
// wait for nothing else.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CONNTRACK, CONNTRACK_STATS, conntrackStat, FLOW } from '../../src/collectors/metrics';
import { SelfMetrics } from '../../src/exposition/self-metrics';
import { Exporter } from '../support/exporter';
import { type ParsedSample, parseExposition, select } from '../support/exposition';
import { ethtoolMetricNames, rxpathMetricNames } from '../support/metric-names';
import { Netns } from '../support/netns';

/** What the ethtool collector and its module job export. */
const NIC_NAMES = ethtoolMetricNames();
const OTHER_COLLECTOR_NAMES = new Set([
  ...rxpathMetricNames(),
  ...Object.values(CONNTRACK).map((meta) => meta.name),
  ...CONNTRACK_STATS.map((stat) => conntrackStat(stat).name),
  ...Object.values(FLOW).map((meta) => meta.name),
]);
const SELF_NAMES = new Set(new SelfMetrics().text.getMetricsAsArray().map((metric) => metric.name as string));

/** The family a sample belongs to (histogram and summary suffixes removed). */
function family(sample: ParsedSample): string {
  return sample.name.replace(/_(bucket|sum|count)$/, '');
}

function isSelfMetric(sample: ParsedSample): boolean {
  return SELF_NAMES.has(family(sample)) || /^(process|nodejs)_/.test(sample.name);
}

/** Collector names in the status page's table, one per row. */
function statusPageCollectors(html: string): string[] {
  return [...html.matchAll(/<tr [^>]*data-collector="([^"]*)"/g)].map((match) => match[1]);
}

describe('--collector.disable-defaults', () => {
  let ns: Netns;

  before(async () => {
    ns = await Netns.create('dd');
    // A NIC the default device exclusion (veth.+, lo) lets through.
    await ns.addVeth('nic0', 'nic1', 2);
  });

  after(() => ns?.destroy());

  it('with --collector.ethtool serves only the ethtool collector’s series (its stats and module jobs) and self-metrics', async () => {
    const exporter = await Exporter.start(
      ['--collector.disable-defaults', '--collector.ethtool', '--collector.ethtool.schedule=* * * * * *'],
      { ns },
    );
    try {
      await exporter.ready();
      await exporter.waitForCycle('ethtool', Date.now());
      const samples = parseExposition(await exporter.metrics());
      assert.ok(select(samples, 'ethtrack_nic_stat', { device: 'nic0' }).length > 0, 'ethtool series of nic0');
      for (const sample of samples) {
        assert.ok(!OTHER_COLLECTOR_NAMES.has(family(sample)), `${sample.name} is not another collector's`);
        assert.ok(NIC_NAMES.has(family(sample)) || isSelfMetric(sample), `${sample.name} is ethtool's or self`);
      }
      const success = select(samples, 'ethtrack_collector_success');
      assert.deepEqual(
        success.map((s) => [s.labels.collector, s.value]),
        [
          ['ethtool', 1],
          ['ethtool_module', 1],
        ],
      );
      assert.deepEqual(statusPageCollectors((await exporter.request('/')).body), ['ethtool', 'ethtool_module']);
      assert.equal(exporter.logs.filter((line) => line.includes('no collector enabled')).length, 0);
    } finally {
      await exporter.stop();
    }
  });

  it('alone starts, serves only self-metrics, and says so in one log line', async () => {
    const exporter = await Exporter.start(['--collector.disable-defaults'], { ns });
    try {
      await exporter.ready();
      const samples = parseExposition(await exporter.metrics());
      assert.ok(samples.length > 0);
      for (const sample of samples) assert.ok(isSelfMetric(sample), `${sample.name} is a self-metric`);
      assert.equal(select(samples, 'ethtrack_collector_success').length, 0);
      assert.equal(select(samples, 'ethtrack_helper_up')[0]?.value, 1);
      assert.deepEqual(statusPageCollectors((await exporter.request('/')).body), []);
      const said = exporter.logs.filter((line) => line.includes('no collector enabled'));
      assert.equal(said.length, 1, exporter.logs.join('\n'));
      assert.match(said[0], /"disable_defaults":true/);
    } finally {
      await exporter.stop();
    }
  });
});
