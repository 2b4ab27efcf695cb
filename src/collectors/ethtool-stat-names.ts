// ethtool stat names → (stat, queue) label pairs. Per-queue stats get a
// queue label and a queue-free stat name; device-level names stay as the
// driver gives them (trimmed). When two names map to the same pair, the later
// one keeps its raw name, so nothing is dropped silently.

export interface StatLabel {
  readonly raw: string;
  readonly stat: string;
  readonly queue: string;
}

// Each pattern yields [direction, queue, rest]. Covers virtio/veth
// (rx_queue_3_drops), mlx5 (rx3_drops), ena/bnxt (queue_3_tx_bytes) and
// i40e/ice (tx-3.tx_packets / rx-3.bytes).
const QUEUE_PATTERNS: readonly [RegExp, (m: RegExpExecArray) => [string, string, string]][] = [
  [/^(rx|tx)_queue_(\d+)_(.+)$/, (m) => [m[1], m[2], m[3]]],
  [/^queue_(\d+)_(rx|tx)_(.+)$/, (m) => [m[2], m[1], m[3]]],
  [/^(rx|tx)(\d+)_(.+)$/, (m) => [m[1], m[2], m[3]]],
  [/^(rx|tx)-(\d+)\.(?:rx_|tx_)?(.+)$/, (m) => [m[1], m[2], m[3]]],
];

export function splitQueue(raw: string): StatLabel {
  const name = raw.trim();
  for (const [pattern, parts] of QUEUE_PATTERNS) {
    const match = pattern.exec(name);
    if (match) {
      const [direction, queue, rest] = parts(match);
      return { raw: name, stat: `${direction}_${rest}`, queue: String(Number(queue)) };
    }
  }
  return { raw: name, stat: name, queue: '' };
}

/** Maps a device's stat names, resolving collisions in order of appearance. */
export function mapStatNames(names: readonly string[]): StatLabel[] {
  const taken = new Set<string>();
  const key = (stat: string, queue: string) => `${stat}\u0000${queue}`;
  const labels: StatLabel[] = [];
  for (let i = 0; i < names.length; i++) {
    let label = splitQueue(names[i]);
    if (taken.has(key(label.stat, label.queue))) {
      label = { raw: label.raw, stat: label.raw, queue: '' };
      // A driver that repeats a raw name: number the repeats by position.
      for (let n = i; taken.has(key(label.stat, label.queue)); n++) {
        label = { raw: label.raw, stat: `${label.raw}_${n}`, queue: '' };
      }
    }
    taken.add(key(label.stat, label.queue));
    labels.push(label);
  }
  return labels;
}
