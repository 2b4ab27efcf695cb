// `ethtool -S` read as the oracle the ethtool tests compare against, live in
// a namespace or from the text recorded under test/fixtures/.

/** `ethtool -S` as ordered [raw name, value] pairs. */
export function parseEthtoolS(text: string): [string, number][] {
  const stats: [string, number][] = [];
  for (const line of text.split('\n').slice(1)) {
    const match = /^\s*(.+?):\s+(\d+)\s*$/.exec(line);
    if (match) stats.push([match[1].trim(), Number(match[2])]);
  }
  return stats;
}
