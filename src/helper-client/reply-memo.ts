// Decoding a reply only when its bytes change. A node's interface list and
// its ethtool netlink settings repeat byte for byte from one cycle to the
// next, yet proto-loader's decoding (and a collector's rendering of it) cost
// every cycle, and churned the JIT: each decode left garbage and reoptimised
// code behind. An unchanged reply is handed back as the object decoded last
// time, deeply frozen so that no caller can change what the next cycle gets.

/** Distinct requests remembered per client (the settings collector asks two shapes; a few more is headroom). */
const MAX_ENTRIES = 8;

interface Entry {
  bytes: Buffer;
  value: unknown;
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

export class ReplyMemo {
  private readonly entries = new Map<string, Entry>();
  /** Decodes that found their bytes unchanged, and those that did not (for tests). */
  hits = 0;
  misses = 0;

  /** The reply to `key` (its method and request) decoded, or the last decoding if `bytes` repeat it. */
  decode(key: string, bytes: Buffer, decode: (bytes: Buffer) => unknown): unknown {
    const entry = this.entries.get(key);
    if (entry?.bytes.equals(bytes)) {
      this.hits++;
      return entry.value;
    }
    this.misses++;
    const value = deepFreeze(decode(bytes));
    this.entries.delete(key);
    // A copy: the bytes grpc-js hands over are its own.
    this.entries.set(key, { bytes: Buffer.from(bytes), value });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}
