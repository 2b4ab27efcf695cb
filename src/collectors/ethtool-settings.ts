// Channels, rings, coalescing, pause, FEC, link state and link modes, and the standard statistics
// groups, from the helper's ethtool netlink replies (attribute numbers as
// the kernel's uapi <linux/ethtool_netlink.h> numbers them) to families.
// Pure functions over the replies, so they are tested with replies built in
// the tests; the ethtool collector calls them each cycle.

import type { MetricMeta } from '../exposition/family';
import { type RenderedFamily, renderFamily, type Sample } from '../exposition/family';
import type { DeviceSettings, EthtoolSettingsReply, StandardStatsReply } from '../helper-client/api';
import { bestCommonMbps, linkExtState, linkExtSubstate } from './link-modes';
import { NIC_RMON_HISTOGRAM, NIC_SETTINGS, NIC_STANDARD } from './metrics';

/** ETHTOOL_STAT_NOT_SET (~0ULL) as a double: the kernel's "driver does not count this". */
const NOT_SET = 2 ** 64 - 4096;
const valid = (v: number) => v < NOT_SET;

// ETHTOOL_A_CHANNELS_*: [max attribute, count attribute] per type.
const CHANNELS: [string, number, number][] = [
  ['rx', 2, 6],
  ['tx', 3, 7],
  ['other', 4, 8],
  ['combined', 5, 9],
];
// ETHTOOL_A_RINGS_*.
const RINGS: [string, number, number][] = [
  ['rx', 2, 6],
  ['rx_mini', 3, 7],
  ['rx_jumbo', 4, 8],
  ['tx', 5, 9],
];
// ETHTOOL_A_COALESCE_*: [type, usecs attribute, max frames attribute].
const COALESCE: [string, number, number][] = [
  ['rx', 2, 3],
  ['rx_irq', 4, 5],
  ['tx', 6, 7],
  ['tx_irq', 8, 9],
  ['rx_low', 14, 15],
  ['tx_low', 16, 17],
  ['rx_high', 19, 20],
  ['tx_high', 21, 22],
];
const COALESCE_ADAPTIVE: [string, number][] = [
  ['rx', 11],
  ['tx', 12],
];
// ETHTOOL_A_PAUSE_* and ETHTOOL_A_PAUSE_STAT_*.
const PAUSE_AUTONEG = 2;
const PAUSE_RX = 3;
const PAUSE_TX = 4;
const PAUSE_STAT_TX_FRAMES = 2;
const PAUSE_STAT_RX_FRAMES = 3;
// ETHTOOL_LINK_MODE_FEC_*_BIT.
const FEC_MODES = new Map([
  [49, 'off'],
  [50, 'rs'],
  [51, 'baser'],
  [74, 'llrs'],
]);

// ETHTOOL_A_LINKSTATE_EXT_STATE and _EXT_SUBSTATE.
const LINKSTATE_EXT_STATE = 5;
const LINKSTATE_EXT_SUBSTATE = 6;

/** The kinds a device answered, for SupportLog. */
export function settingsKinds(dev: DeviceSettings): string[] {
  const kinds: string[] = [];
  if (dev.channels.length) kinds.push('channels');
  if (dev.rings.length) kinds.push('rings');
  if (dev.coalesce.length) kinds.push('coalesce');
  if (dev.pause.length) kinds.push('pause');
  if (dev.fecKnown) kinds.push('fec');
  if (dev.linkState.length) kinds.push('link-state');
  if (dev.linkModes.length || dev.linkModesSupported.length) kinds.push('link-modes');
  return kinds;
}

function pairs(list: readonly number[]): Map<number, number> {
  const map = new Map<number, number>();
  for (let i = 0; i + 1 < list.length; i += 2) map.set(list[i], list[i + 1]);
  return map;
}

class Families {
  private readonly samples = new Map<MetricMeta, Sample[]>();
  add(meta: MetricMeta, labels: Record<string, string>, value: number | undefined): void {
    if (value === undefined || !valid(value)) return;
    const list = this.samples.get(meta) ?? [];
    list.push({ labels, value });
    this.samples.set(meta, list);
  }
  render(order: readonly MetricMeta[]): RenderedFamily[] {
    return order.map((meta) => renderFamily(meta, this.samples.get(meta) ?? []));
  }
}

export function renderSettings(reply: EthtoolSettingsReply, passes: (device: string) => boolean): RenderedFamily[] {
  const f = new Families();
  const S = NIC_SETTINGS;
  for (const dev of reply.devices) {
    const device = dev.interface;
    if (!passes(device)) continue;
    const ch = pairs(dev.channels);
    for (const [type, maxAttr, countAttr] of CHANNELS) {
      // The kernel leaves out a type whose maximum is 0: the device has none.
      if (!ch.get(maxAttr)) continue;
      f.add(S.channels, { device, type }, ch.get(countAttr));
      f.add(S.channelsMax, { device, type }, ch.get(maxAttr));
    }
    const rings = pairs(dev.rings);
    for (const [type, maxAttr, sizeAttr] of RINGS) {
      if (!rings.get(maxAttr)) continue;
      f.add(S.ringSize, { device, type }, rings.get(sizeAttr));
      f.add(S.ringSizeMax, { device, type }, rings.get(maxAttr));
    }
    const co = pairs(dev.coalesce);
    for (const [type, usecs, frames] of COALESCE) {
      const us = co.get(usecs);
      f.add(S.coalesceDelay, { device, type }, us === undefined ? undefined : us / 1e6);
      f.add(S.coalesceFrames, { device, type }, co.get(frames));
    }
    for (const [type, attr] of COALESCE_ADAPTIVE) f.add(S.coalesceAdaptive, { device, type }, co.get(attr));
    const pause = pairs(dev.pause);
    f.add(S.pauseAutoneg, { device }, pause.get(PAUSE_AUTONEG));
    f.add(S.pauseRx, { device }, pause.get(PAUSE_RX));
    f.add(S.pauseTx, { device }, pause.get(PAUSE_TX));
    const pauseStats = pairs(dev.pauseStats);
    f.add(S.pauseRxFrames, { device }, pauseStats.get(PAUSE_STAT_RX_FRAMES));
    f.add(S.pauseTxFrames, { device }, pauseStats.get(PAUSE_STAT_TX_FRAMES));
    if (dev.fecKnown) {
      const active = FEC_MODES.get(dev.fecActive);
      if (active) f.add(S.fecActive, { device, mode: active }, 1);
      for (const bit of dev.fecModes) {
        const mode = FEC_MODES.get(bit);
        if (mode) f.add(S.fecConfigured, { device, mode }, 1);
      }
      f.add(S.fecAuto, { device }, dev.fecAuto ? 1 : 0);
      const arrays: [number[], MetricMeta, MetricMeta][] = [
        [dev.fecCorrected, S.fecCorrected, S.fecLaneCorrected],
        [dev.fecUncorrectable, S.fecUncorrectable, S.fecLaneUncorrectable],
        [dev.fecCorrectedBits, S.fecCorrectedBits, S.fecLaneCorrectedBits],
      ];
      for (const [values, total, perLane] of arrays) {
        f.add(total, { device }, values[0]);
        for (let lane = 1; lane < values.length; lane++)
          f.add(perLane, { device, lane: String(lane - 1) }, values[lane]);
      }
    }
    const state = pairs(dev.linkState);
    const ext = state.get(LINKSTATE_EXT_STATE);
    // The driver says why only while the link is down; absent, nothing is exported.
    if (ext !== undefined) {
      const reason = linkExtState(ext);
      f.add(
        S.linkDownReason,
        { device, reason, subreason: linkExtSubstate(ext, state.get(LINKSTATE_EXT_SUBSTATE)) },
        1,
      );
    }
    const best = bestCommonMbps(dev.linkModesAdvertised, dev.linkModesPeer);
    f.add(S.linkBestCommonSpeed, { device }, best === undefined ? undefined : (best * 1e6) / 8);
  }
  return f.render(Object.values(NIC_SETTINGS));
}

/** Every standard-stats metric, in a fixed order. */
const STANDARD_ORDER: MetricMeta[] = [
  ...Object.values(NIC_STANDARD).flatMap((list) => list.filter((m): m is MetricMeta => m !== undefined)),
  NIC_RMON_HISTOGRAM,
];

export function renderStandardStats(
  reply: StandardStatsReply,
  passes: (device: string) => boolean,
): { families: RenderedFamily[]; devices: Set<string> } {
  const f = new Families();
  const devices = new Set<string>();
  for (const dev of reply.devices) {
    const device = dev.interface;
    if (!passes(device)) continue;
    for (const group of dev.groups) {
      const metas = NIC_STANDARD[group.id];
      if (!metas) continue;
      for (let i = 0; i + 1 < group.stats.length; i += 2) {
        const meta = metas[group.stats[i]];
        if (meta && valid(group.stats[i + 1])) {
          f.add(meta, { device }, group.stats[i + 1]);
          devices.add(device);
        }
      }
      const histograms: [string, typeof group.rxHistogram][] = [
        ['rx', group.rxHistogram],
        ['tx', group.txHistogram],
      ];
      for (const [direction, buckets] of histograms) {
        for (const b of buckets) {
          const range = b.high ? `${b.low}-${b.high}` : `${b.low}-`;
          f.add(NIC_RMON_HISTOGRAM, { device, direction, range }, b.value);
          devices.add(device);
        }
      }
    }
  }
  return { families: f.render(STANDARD_ORDER), devices };
}
