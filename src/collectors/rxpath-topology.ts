// The queue topology of a network device, for the rxpath collector: which
// IRQ serves each queue, the CPUs it is delivered to, and each receive
// queue's RPS CPU mask. This is configuration (it changes when an operator
// or irqbalance changes it), and reading it costs a file per queue (8,192
// rps_cpus files on the bench's 128 veths of 64 queues), so the collector
// reads it off the cycle's hot path: when a device first appears and then on
// its own slower cadence (rxpath.ts), and renders it only when it changed.

import fs from 'node:fs';
import path from 'node:path';
import { countCpuMask, parseCpuList } from './kernel-text';
import { type IrqDirection, queueIrqsOf } from './queue-irqs';

export interface QueueIrqTopology {
  irq: number;
  queue: number;
  direction: IrqDirection;
  /** CPUs the IRQ is delivered to, and the lowest of them (-1 when unknown). */
  cpuCount: number;
  firstCpu: number;
}

export interface DeviceTopology {
  irqs: QueueIrqTopology[];
  /** Per receive queue (ascending), the number of CPUs in its RPS mask. */
  rps: { queue: number; cpus: number }[];
}

/** An RPS mask: 9 bytes per 32 CPUs, so room for 8,192 CPUs. */
const MASK = Buffer.allocUnsafe(4096);

function readIfPresent(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** `names`: /proc/interrupts' action names per IRQ (parseInterrupts). */
export function readTopology(
  procfs: string,
  sysfs: string,
  device: string,
  names: ReadonlyMap<number, readonly string[]>,
): DeviceTopology {
  const netClass = path.join(sysfs, 'class', 'net', device);
  let busNames: string[] = [];
  let msi: Set<number> | undefined;
  try {
    const real = fs.realpathSync(path.join(netClass, 'device'));
    busNames = [path.basename(real), path.basename(path.dirname(real))];
    // A virtio NIC's MSI interrupts belong to the PCI function above its virtioN device.
    for (const dir of [real, path.dirname(real)]) {
      try {
        msi = new Set(fs.readdirSync(path.join(dir, 'msi_irqs')).map(Number));
        break;
      } catch {
        // not an MSI-capable device
      }
    }
  } catch {
    // a virtual device: no bus, no interrupts of its own
  }
  const topology: DeviceTopology = { irqs: [], rps: [] };
  if (busNames.length > 0) {
    for (const irq of queueIrqsOf({ name: device, busNames }, names, msi)) {
      const dir = path.join(procfs, 'irq', String(irq.irq));
      const affinity =
        readIfPresent(path.join(dir, 'effective_affinity_list')) ?? readIfPresent(path.join(dir, 'smp_affinity_list'));
      const cpus = affinity === undefined ? { count: 0, first: -1 } : parseCpuList(affinity, dir);
      topology.irqs.push({ ...irq, cpuCount: cpus.count, firstCpu: cpus.first });
    }
  }
  let queues: number[] = [];
  try {
    queues = fs
      .readdirSync(path.join(netClass, 'queues'))
      .filter((name) => name.startsWith('rx-'))
      .map((name) => Number(name.slice(3)))
      .sort((a, b) => a - b);
  } catch {
    // device gone since /proc/net/dev was read
  }
  for (const queue of queues) {
    const file = `${netClass}/queues/rx-${queue}/rps_cpus`;
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (err) {
      // kernels without CONFIG_RPS; a device gone mid-read
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    let mask: string;
    try {
      mask = MASK.toString('latin1', 0, fs.readSync(fd, MASK, 0, MASK.length, 0));
    } finally {
      fs.closeSync(fd);
    }
    topology.rps.push({ queue, cpus: countCpuMask(mask, file) });
  }
  return topology;
}

export function sameTopology(a: DeviceTopology, b: DeviceTopology): boolean {
  if (a.irqs.length !== b.irqs.length || a.rps.length !== b.rps.length) return false;
  for (let i = 0; i < a.irqs.length; i++) {
    const x = a.irqs[i];
    const y = b.irqs[i];
    if (
      x.irq !== y.irq ||
      x.queue !== y.queue ||
      x.direction !== y.direction ||
      x.cpuCount !== y.cpuCount ||
      x.firstCpu !== y.firstCpu
    )
      return false;
  }
  for (let i = 0; i < a.rps.length; i++)
    if (a.rps[i].queue !== b.rps[i].queue || a.rps[i].cpus !== b.rps[i].cpus) return false;
  return true;
}
