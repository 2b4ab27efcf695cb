// Charges the service's CPU time to collectors, for
// ethtrack_collector_cpu_seconds_total. A collector's work is asynchronous
// (a cycle waits for the helper; compression runs in zlib's threads) and the
// work of several collectors and scrapes interleaves, so CPU cannot be timed
// per call. Instead the process's CPU time (all threads: JavaScript, garbage
// collection, compression) is read whenever a piece of work starts or ends,
// and what was used since the previous reading is split evenly among the
// pieces in flight during it. Nothing is charged while no collector works.

export class CpuAccountant {
  private last = process.cpuUsage();
  private readonly inFlight = new Map<string, number>();
  private total = 0;

  constructor(private readonly charge: (collector: string, seconds: number) => void) {}

  private settle(): void {
    const now = process.cpuUsage();
    const micros = now.user - this.last.user + (now.system - this.last.system);
    this.last = now;
    if (this.total === 0 || micros <= 0) return;
    for (const [collector, pieces] of this.inFlight) this.charge(collector, (micros / 1e6) * (pieces / this.total));
  }

  /** Runs `work` and charges its collector a share of the CPU used until it settles. */
  async track<T>(collector: string, work: () => Promise<T>): Promise<T> {
    this.settle();
    this.inFlight.set(collector, (this.inFlight.get(collector) ?? 0) + 1);
    this.total++;
    try {
      return await work();
    } finally {
      this.settle();
      const pieces = (this.inFlight.get(collector) ?? 1) - 1;
      if (pieces === 0) this.inFlight.delete(collector);
      else this.inFlight.set(collector, pieces);
      this.total--;
    }
  }
}
