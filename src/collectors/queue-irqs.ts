// Which interrupt serves which queue of a network device. Drivers name their
// queue interrupts in /proc/interrupts each their own way; the device's MSI
// interrupts in sysfs narrow the search to its own, and the patterns below
// read the queue number and direction out of the name. Fixtures of each
// driver's naming are in test/fixtures/interrupts/.

export type IrqDirection = 'rx' | 'tx' | 'rxtx';

export interface QueueIrq {
  irq: number;
  queue: number;
  direction: IrqDirection;
}

/** What an interrupt's name says: whose it is (`owner`), which queue, which direction. */
export interface ParsedIrqName {
  owner: string;
  queue: number;
  direction: IrqDirection;
}

const VIRTIO = /^(virtio\d+)-(input|output)\.(\d+)$/;
const MLX5 = /^mlx5_comp(\d+)@pci:(\S+)$/;
/** ice/i40e (`ice-eth0-TxRx-3`), ixgbe/igb/bnxt (`eth0-TxRx-3`, `eth0-rx-3`), ena (`eth0-Tx-Rx-3`). */
const NAMED = /^(.+?)-(TxRx|Tx-Rx|rx|tx)-(\d+)$/;

export function parseIrqName(name: string): ParsedIrqName | undefined {
  let match = VIRTIO.exec(name);
  if (match) return { owner: match[1], queue: Number(match[3]), direction: match[2] === 'input' ? 'rx' : 'tx' };
  match = MLX5.exec(name);
  if (match) return { owner: match[2], queue: Number(match[1]), direction: 'rxtx' };
  match = NAMED.exec(name);
  if (match) {
    const kind = match[2];
    const direction: IrqDirection = kind === 'rx' ? 'rx' : kind === 'tx' ? 'tx' : 'rxtx';
    return { owner: match[1], queue: Number(match[3]), direction };
  }
  return undefined;
}

/**
 * How a device may be named in its interrupts: the netdev name (owners may
 * carry a driver prefix, `ice-eth0`), the sysfs device (`virtio2`) or the PCI
 * address (`0000:3b:00.0`, mlx5).
 */
export interface DeviceIdentity {
  name: string;
  busNames: readonly string[];
}

function owns(identity: DeviceIdentity, owner: string): boolean {
  return owner === identity.name || owner.endsWith(`-${identity.name}`) || identity.busNames.includes(owner);
}

/**
 * The device's queue interrupts among `names` (irq → action names). With
 * the device's MSI interrupts known (`msi`), only those are considered, and
 * when none names the device (renamed since the driver named them) every
 * queue-shaped one of them is taken.
 */
export function queueIrqsOf(
  identity: DeviceIdentity,
  names: ReadonlyMap<number, readonly string[]>,
  msi: ReadonlySet<number> | undefined,
): QueueIrq[] {
  const owned: QueueIrq[] = [];
  const unowned: QueueIrq[] = [];
  for (const [irq, actions] of names) {
    if (msi && !msi.has(irq)) continue;
    for (const action of actions) {
      const parsed = parseIrqName(action);
      if (!parsed) continue;
      const entry = { irq, queue: parsed.queue, direction: parsed.direction };
      (owns(identity, parsed.owner) ? owned : unowned).push(entry);
    }
  }
  const found = owned.length > 0 || !msi ? owned : unowned;
  return found.sort((a, b) => a.queue - b.queue || a.direction.localeCompare(b.direction));
}
