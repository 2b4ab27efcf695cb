// The ethtool collector's segments when values change under the same stat
// names: a device whose values repeat is marked unchanged (its gzip member
// reused), one whose values moved is compressed afresh. Real veths hold
// their ethtool stats still (test/integration/ethtool-segments.test.ts), so
// the changing values come from a test double standing in for the helper,
// whose replies are encoded with the helper's own message types.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import winston from 'winston';
import { DeviceFilter } from '../../src/collectors/device-filter';
import { EthtoolCollector } from '../../src/collectors/ethtool';
import { mapStatNames } from '../../src/collectors/ethtool-stat-names';
import { Snapshot } from '../../src/exposition/snapshot';
import { Pattern } from '../../src/flags';
import type { NetInterface } from '../../src/helper-client/api';
import type { HelperApi } from '../../src/helper-client/calls';
import { helperService } from '../../src/helper-client/client';

const NAMES = ['rx_queue_0_xdp_packets', 'rx_queue_1_xdp_packets', 'tx_errors'];

/** A stand-in for the helper (test double): two devices whose values the test sets each cycle. */
class ValuesHelper {
  readonly values = new Map<string, number[]>([
    ['d0', [1, 2, 3]],
    ['d1', [4, 5, 6]],
  ]);

  async listInterfaces() {
    const interfaces = [...this.values.keys()].map(
      (name, i) =>
        ({ name, ifindex: i + 1, driver: 'veth', nStats: NAMES.length, linkKnown: true, linkUp: true }) as NetInterface,
    );
    return { interfaces };
  }

  async ethtoolStatsEncoded(queries: { interface: string; knownGeneration: number }[]) {
    const interfaces = queries.map((query) => ({
      interface: query.interface,
      status: 'OK',
      generation: 7,
      // Names only to a caller that does not know generation 7 yet, as the helper does.
      names: query.knownGeneration === 7 ? [] : NAMES,
      values: this.values.get(query.interface),
    }));
    return helperService().GetEthtoolStats.responseSerialize({ interfaces }) as Buffer;
  }
}

describe('ethtool collector segments when values change (helper test double)', () => {
  // As the runner does it (the last snapshot retired after the cycle, so last cycle's bytes are copied
  // from its buffer for an unchanged device), and retired before (the pool hands back the same buffer:
  // an unchanged device's lines are left in place).
  for (const releaseFirst of [false, true]) {
    it(`reuses the member of a device whose values repeat, and compresses one whose values moved (last snapshot released ${releaseFirst ? 'before' : 'after'} the cycle)`, async () => {
      const stand = new ValuesHelper();
      const job = new EthtoolCollector(
        '* * * * * *',
        { devices: new DeviceFilter(new Pattern('^d'), undefined) },
        winston.createLogger({ silent: true }),
      );
      const counts: number[][] = [];
      let previous: Snapshot | undefined;
      for (let i = 0; i < 5; i++) {
        if (i === 2) stand.values.set('d1', [4, 5, 7]);
        if (releaseFirst) previous?.retire();
        const families = await job.collect(stand as unknown as HelperApi);
        if (!releaseFirst) previous?.retire();
        const snapshot = new Snapshot(families, 0, undefined, previous);
        const plain = Buffer.concat(snapshot.parts(false)).toString();
        assert.equal(zlib.gunzipSync(await snapshot.gzipped(false)).toString(), plain);
        const expected = (device: string, values: number[]) =>
          mapStatNames(NAMES)
            .map(
              (label, k) =>
                `ethtrack_nic_stat{device="${device}",stat="${label.stat}",queue="${label.queue}"} ${values[k]}\n`,
            )
            .join('');
        assert.ok(
          plain.includes(expected('d0', [1, 2, 3]) + expected('d1', i >= 2 ? [4, 5, 7] : [4, 5, 6])),
          `cycle ${i + 1}:\n${plain}`,
        );
        counts.push([snapshot.segmentsCompressed, snapshot.segmentsReused]);
        previous = snapshot;
      }
      assert.deepEqual(counts, [
        [2, 0],
        [0, 2],
        [1, 1],
        [0, 2],
        [0, 2],
      ]);
    });
  }
});
