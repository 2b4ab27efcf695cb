import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapStatNames, splitQueue } from '../../src/collectors/ethtool-stat-names';

describe('stat names', () => {
  it('moves the queue number of per-queue stats into a queue label', () => {
    const cases: [string, string, string][] = [
      ['rx_queue_3_drops', 'rx_drops', '3'],
      ['rx3_drops', 'rx_drops', '3'],
      ['tx_queue_3_bytes', 'tx_bytes', '3'],
      ['queue_3_tx_bytes', 'tx_bytes', '3'],
      ['tx12_packets', 'tx_packets', '12'],
      ['rx_queue_0_xdp_redirect', 'rx_xdp_redirect', '0'],
      ['tx-7.tx_packets', 'tx_packets', '7'],
      ['rx-2.bytes', 'rx_bytes', '2'],
      ['rx_queue_007_drops', 'rx_drops', '7'],
    ];
    for (const [raw, stat, queue] of cases) assert.deepEqual(splitQueue(raw), { raw, stat, queue }, raw);
  });

  it('keeps device-level names as the driver gives them, trimmed', () => {
    for (const name of ['rx_packets', 'peer_ifindex', 'tx_timeout', 'rx_crc_errors_phy', 'rxq_drops']) {
      assert.deepEqual(splitQueue(name), { raw: name, stat: name, queue: '' });
    }
    assert.deepEqual(splitQueue('  rx_errors '), { raw: 'rx_errors', stat: 'rx_errors', queue: '' });
  });

  it('keeps the raw name for the second of two colliding names, dropping nothing', () => {
    const labels = mapStatNames(['rx_queue_0_drops', 'rx0_drops', 'rx_drops', 'rx_drops', 'tx_bytes']);
    assert.deepEqual(
      labels.map((l) => [l.stat, l.queue]),
      [
        ['rx_drops', '0'],
        ['rx0_drops', ''],
        ['rx_drops', ''],
        ['rx_drops_3', ''],
        ['tx_bytes', ''],
      ],
    );
    const keys = labels.map((l) => `${l.stat}/${l.queue}`);
    assert.equal(new Set(keys).size, keys.length);
  });
});
