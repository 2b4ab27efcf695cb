// The ethtool collector writes each device's stats as a segment and marks it
// unchanged when the device's names and values are those it wrote last
// cycle; the snapshot then reuses last cycle's gzip member for it instead of
// compressing it again. Against the real helper on veths in a namespace:
// idle devices are reused (a veth's ethtool stats count only XDP, so they
// hold still under ordinary traffic, as on a node's pod veths), a device whose
// channel count changed (its stat names changed) is compressed afresh, and
// every cycle's gzip body decompresses to its plain body. Values that change
// under the same names are tested with replies built in the test
// (test/collectors/ethtool-segments.test.ts).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import zlib from 'node:zlib';
import winston from 'winston';
import { DeviceFilter } from '../../src/collectors/device-filter';
import { EthtoolCollector } from '../../src/collectors/ethtool';
import { Snapshot } from '../../src/exposition/snapshot';
import { Pattern } from '../../src/flags';
import { HELPER } from '../support/exporter';
import { type HelperClient, HelperUnderTest } from '../support/helper-process';
import { Netns } from '../support/netns';

const logger = winston.createLogger({ silent: true });

describe('ethtool collector segments on real veths', () => {
  const under = new HelperUnderTest('segments');
  let ns: Netns;
  let peer: Netns;
  let client: HelperClient;

  before(async () => {
    ns = await Netns.create('segs');
    peer = await Netns.create('segs-peer');
    // No IPv6 autoconfiguration chatter ticking counters between cycles.
    await ns.disableIpv6();
    await ns.addVeth('sg0a', 'sg0b', 4, { peerNs: peer });
    await ns.addVeth('sg1a', 'sg1b', 4);
    await ns.addVeth('sg2a', 'sg2b', 4);
    client = await under.start(HELPER, ns);
  });

  after(async () => {
    await under.stop();
    ns?.destroy();
    peer?.destroy();
  });

  /** Cycles as the runner runs them: each snapshot handed the previous one and compressed. */
  async function run(job: EthtoolCollector, count: number, between: (i: number) => Promise<void>) {
    const snapshots: Snapshot[] = [];
    for (let i = 0; i < count; i++) {
      await between(i);
      const previous = snapshots.at(-1);
      previous?.retire();
      const snapshot = new Snapshot(await job.collect(client), Date.now(), undefined, previous);
      const plain = Buffer.concat(snapshot.parts(true)).toString();
      const unzipped = zlib.gunzipSync(await snapshot.gzipped(true)).toString();
      assert.equal(unzipped, plain, `cycle ${i + 1}: the gzip body is the plain body`);
      snapshots.push(snapshot);
    }
    return snapshots;
  }

  const job = (options: { skipZero?: boolean; maxSeries?: number } = {}) =>
    new EthtoolCollector('* * * * * *', { devices: new DeviceFilter(new Pattern('^sg'), undefined) }, logger, {
      settings: true,
      standardStats: true,
      maxSeries: options.maxSeries ?? 0,
      skipZero: options.skipZero ?? false,
    });

  it('reuses the members of unchanged devices and compresses a device whose stats changed afresh', async () => {
    const snapshots = await run(job(), 4, async (i) => {
      // Before the fourth cycle only: sg0a gets 2 queues instead of 4, so other per-queue stats.
      if (i === 3) await ns.exec('ethtool', ['-L', 'sg0a', 'rx', '2', 'tx', '2']);
    });
    assert.deepEqual(
      snapshots.map((s) => [s.segmentsCompressed, s.segmentsReused]),
      [
        [5, 0],
        [0, 5],
        [0, 5],
        [1, 4],
      ],
    );
  });

  it('reuses nothing with --collector.ethtool.skip-zero or a series budget, which decide per cycle what is written', async () => {
    for (const options of [{ skipZero: true }, { maxSeries: 100 }]) {
      const snapshots = await run(job(options), 3, async () => undefined);
      assert.ok(
        snapshots.every((s) => s.segmentsReused === 0),
        JSON.stringify(options),
      );
    }
  });
});
