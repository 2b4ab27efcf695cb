// How the service's CPU is charged to collectors whose work interleaves:
// real CPU burned in this process, with the pieces of work started and ended
// on cue.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CpuAccountant } from '../../src/collectors/cpu-accounting';

/** Burns at least `ms` of this thread's CPU. */
function burn(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if (used.user + used.system >= ms * 1000) return;
  }
}

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

describe('cpu accounting', () => {
  it('charges overlapping work its share and no more than the process used', async () => {
    const charged = new Map<string, number>();
    const cpu = new CpuAccountant((collector, seconds) =>
      charged.set(collector, (charged.get(collector) ?? 0) + seconds),
    );
    const before = cpuSeconds();
    let releaseA: () => void = () => undefined;
    let releaseB: () => void = () => undefined;
    const a = cpu.track('a', () => new Promise<void>((resolve) => (releaseA = resolve)));
    burn(30); // a alone
    const b = cpu.track('b', () => new Promise<void>((resolve) => (releaseB = resolve)));
    burn(30); // a and b: split
    releaseB();
    await b;
    burn(30); // a alone again
    releaseA();
    await a;
    const used = cpuSeconds() - before;
    const [chargedA, chargedB] = [charged.get('a') ?? 0, charged.get('b') ?? 0];
    assert.ok(chargedB > 0, 'b ran while CPU was used');
    assert.ok(chargedA > chargedB, `a ran alone for two bursts and shared one: a ${chargedA}, b ${chargedB}`);
    assert.ok(chargedA + chargedB <= used + 1e-6, `charged ${chargedA + chargedB} s of ${used} s used`);
  });

  it('charges nothing for CPU used while no work is in flight', async () => {
    const charged: number[] = [];
    const cpu = new CpuAccountant((_collector, seconds) => charged.push(seconds));
    await cpu.track('a', async () => undefined);
    burn(50); // outside any work
    await cpu.track('a', async () => undefined);
    const total = charged.reduce((sum, seconds) => sum + seconds, 0);
    assert.ok(total < 0.05, `charged ${total} s, though the 50 ms were burned outside any work`);
  });
});
