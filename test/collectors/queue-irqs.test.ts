// Queue → IRQ mapping from /proc/interrupts in each driver's naming
// (constructed fixtures in test/fixtures/interrupts/, see its README).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseInterrupts } from '../../src/collectors/kernel-text';
import { type DeviceIdentity, queueIrqsOf } from '../../src/collectors/queue-irqs';
import { PATHS } from '../../src/paths';

function fixture(driver: string): { names: Map<number, string[]>; totals: Map<number, number> } {
  const file = path.join(PATHS.testFixtures, 'interrupts', `${driver}.txt`);
  const lines = parseInterrupts(fs.readFileSync(file, 'latin1'), file, undefined);
  return {
    names: new Map([...lines].map(([irq, line]) => [irq, line.names])),
    totals: new Map([...lines].map(([irq, line]) => [irq, line.total])),
  };
}

const cases: [string, DeviceIdentity, Set<number> | undefined, [number, number, string][]][] = [
  [
    'virtio',
    { name: 'eth0', busNames: ['virtio2', '0000:00:03.0'] },
    undefined,
    [
      [38, 0, 'rx'],
      [39, 0, 'tx'],
      [40, 1, 'rx'],
      [41, 1, 'tx'],
    ],
  ],
  [
    'mlx5',
    { name: 'ens3f0np0', busNames: ['0000:3b:00.0', 'pci0000:3a'] },
    undefined,
    [
      [99, 0, 'rxtx'],
      [100, 1, 'rxtx'],
      [101, 2, 'rxtx'],
      [102, 3, 'rxtx'],
    ],
  ],
  [
    'ice',
    { name: 'ens1f0', busNames: ['0000:20:00.0'] },
    undefined,
    [
      [61, 0, 'rxtx'],
      [62, 1, 'rxtx'],
      [63, 2, 'rxtx'],
      [64, 3, 'rxtx'],
    ],
  ],
  [
    'i40e',
    { name: 'eth2', busNames: ['0000:40:00.0'] },
    undefined,
    [
      [71, 0, 'rxtx'],
      [72, 1, 'rxtx'],
    ],
  ],
  [
    'ixgbe',
    { name: 'eth4', busNames: ['0000:01:00.0'] },
    undefined,
    [
      [80, 0, 'rxtx'],
      [81, 1, 'rxtx'],
    ],
  ],
  [
    'ixgbe',
    { name: 'eth5', busNames: ['0000:01:00.1'] },
    undefined,
    [
      [83, 0, 'rx'],
      [84, 0, 'tx'],
    ],
  ],
  [
    'bnxt',
    { name: 'enp94s0f0np0', busNames: ['0000:5e:00.0'] },
    undefined,
    [
      [110, 0, 'rxtx'],
      [111, 1, 'rxtx'],
      [112, 2, 'rxtx'],
      [113, 3, 'rxtx'],
    ],
  ],
  [
    'ena',
    { name: 'eth0', busNames: ['0000:00:05.0'] },
    undefined,
    [
      [28, 0, 'rxtx'],
      [29, 1, 'rxtx'],
    ],
  ],
  ['ena', { name: 'eth1', busNames: ['0000:00:06.0'] }, undefined, [[30, 0, 'rxtx']]],
  // Renamed since the driver named its interrupts: the MSI list still finds them.
  [
    'ice',
    { name: 'uplink0', busNames: ['0000:20:00.0'] },
    new Set([60, 61, 62, 63, 64]),
    [
      [61, 0, 'rxtx'],
      [62, 1, 'rxtx'],
      [63, 2, 'rxtx'],
      [64, 3, 'rxtx'],
    ],
  ],
];

describe('queue interrupts by driver naming', () => {
  for (const [driver, identity, msi, expected] of cases) {
    it(`finds ${identity.name}'s queue IRQs in ${driver}'s naming${msi ? ' (MSI list, renamed device)' : ''}`, () => {
      const { names } = fixture(driver);
      const found = queueIrqsOf(identity, names, msi).map((q) => [q.irq, q.queue, q.direction]);
      assert.deepEqual(found, expected);
    });
  }

  it('sums each interrupt over CPUs', () => {
    assert.equal(fixture('virtio').totals.get(38), 4600);
    assert.equal(fixture('mlx5').totals.get(102), 8000);
  });

  it('does not take a device whose name is a prefix of another (eth2 vs eth20)', () => {
    const { names } = fixture('i40e');
    assert.deepEqual(
      queueIrqsOf({ name: 'eth20', busNames: [] }, names, undefined).map((q) => q.irq),
      [73],
    );
  });

  it('reads every action of a shared interrupt line', () => {
    const text =
      '           CPU0       CPU1\n 11:          5          6   IO-APIC  11-fasteoi   uhci_hcd:usb1, eth9-rx-0\n';
    const lines = parseInterrupts(text, 'interrupts', undefined);
    assert.deepEqual(lines.get(11), { total: 11, names: ['uhci_hcd:usb1', 'eth9-rx-0'] });
  });
});
