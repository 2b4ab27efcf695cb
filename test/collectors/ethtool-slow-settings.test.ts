// Which settings kinds the ethtool collector asks for in a cycle, and how the
// ones it did not ask for are served from the last reply that had them.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyDevice, SLOW_EVERY, SlowSettings } from '../../src/collectors/ethtool-slow-settings';
import type { DeviceSettings, EthtoolSettingsReply } from '../../src/helper-client/api';

function device(name: string, fields: Partial<DeviceSettings>): DeviceSettings {
  return { ...emptyDevice(name, 1), ...fields };
}

const reply = (...devices: DeviceSettings[]): EthtoolSettingsReply => ({ devices, errors: [] });

describe('ethtool settings read every few cycles', () => {
  it(`asks for channels, rings, coalescing and link modes on the first cycle and every ${SLOW_EVERY}th, pause, FEC and link state every cycle`, () => {
    const slow = new SlowSettings();
    const asked = Array.from({ length: 2 * SLOW_EVERY + 1 }, () => slow.request(['eth0']));
    assert.deepEqual(
      asked.map((a) => a.channels),
      asked.map((_, i) => i % SLOW_EVERY === 0),
    );
    for (const a of asked) {
      assert.equal(a.rings, a.channels);
      assert.equal(a.coalesce, a.channels);
      assert.equal(a.linkModes, a.channels);
      assert.equal(a.pause && a.fec && a.linkState, true);
    }
  });

  it('asks for everything again when the set of devices changes, and after a reset', () => {
    const slow = new SlowSettings();
    assert.equal(slow.request(['eth0']).channels, true);
    assert.equal(slow.request(['eth0']).channels, false);
    assert.equal(slow.request(['eth0', 'eth1']).channels, true);
    assert.equal(slow.request(['eth0', 'eth1']).channels, false);
    slow.reset();
    assert.equal(slow.request(['eth0', 'eth1']).channels, true);
  });

  it('serves the last channels, rings, coalescing and link modes in between, even for a device no fast dump lists', () => {
    const slow = new SlowSettings();
    const full = slow.request(['eth0', 'veth0']);
    slow.complete(
      full,
      reply(
        device('eth0', { channels: [6, 4], rings: [1, 1024], pause: [2, 1], linkModesAdvertised: [32] }),
        device('veth0', { channels: [6, 8] }),
      ),
    );
    const fast = slow.request(['eth0', 'veth0']);
    assert.equal(fast.channels, false);
    // The fast dumps: eth0 with new pause values; veth0 has no pause, FEC or link state, so it is absent.
    const merged = slow.complete(fast, reply(device('eth0', { pause: [2, 0] })));
    const byName = new Map(merged.devices.map((dev) => [dev.interface, dev]));
    assert.deepEqual(byName.get('eth0')?.pause, [2, 0], 'fast kinds are this cycle’s');
    assert.deepEqual(byName.get('eth0')?.channels, [6, 4], 'slow kinds are the last read');
    assert.deepEqual(byName.get('eth0')?.rings, [1, 1024]);
    assert.deepEqual(byName.get('eth0')?.linkModesAdvertised, [32]);
    assert.deepEqual(byName.get('veth0')?.channels, [6, 8]);
    assert.deepEqual(byName.get('veth0')?.pause, []);
  });
});
