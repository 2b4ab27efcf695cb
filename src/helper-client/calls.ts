// The calls ethtrack makes to its helper, as a type: what collectors and the
// pruner depend on. HelperClient implements it over gRPC; the root-free tests
// implement it by replaying replies recorded from a real helper
// (test/support/helper-replay.ts), so a collector runs the same code either way.

import type {
  ConntrackBreakdown,
  ConntrackDeleteReply,
  ConntrackDeleteRequest,
  ConntrackEntryBatch,
  ConntrackSummary,
  EepromPage,
  EthtoolSettingsReply,
  EthtoolSettingsRequest,
  EthtoolStatsReply,
  EvictFlowsReply,
  FlowsReply,
  HelperInfo,
  LinkChanges,
  ListInterfacesReply,
  ModuleEepromReply,
  StandardStatsReply,
  StatsQuery,
} from './api';
/** What a WatchLinks stream reports to its owner. */
export interface LinkWatchHandlers {
  /** A message: a resync (read every device), or the devices whose link changed since the last one. */
  changes(changes: LinkChanges): void;
  /** The stream ended (the helper went away, refused, or the watch was lost); not called after cancel(). `code`: gRPC's status. */
  ended(error: Error & { readonly code: number | undefined }): void;
}

/** A running WatchLinks stream. */
export interface LinkWatch {
  cancel(): void;
}

export interface HelperApi {
  info(): Promise<HelperInfo>;
  /** grpc.health.v1 Check; resolves to the serving status. */
  check(service?: string): Promise<string>;
  listInterfaces(): Promise<ListInterfacesReply>;
  ethtoolStats(queries: StatsQuery[]): Promise<EthtoolStatsReply>;
  /** GetEthtoolStats with the reply left encoded, for EthtoolStatsDecoder. */
  ethtoolStatsEncoded(queries: StatsQuery[]): Promise<Buffer>;
  /** Channels, rings, coalescing, pause and FEC of every device (ethtool netlink). */
  ethtoolSettings(request: EthtoolSettingsRequest): Promise<EthtoolSettingsReply>;
  /** Standard statistics groups (bit n: ETHTOOL_STATS group n; 0: all) of every device. */
  standardStats(groups: number): Promise<StandardStatsReply>;
  /** Raw module EEPROM pages of one device; the helper waits at most deadlineMs. */
  moduleEeprom(device: string, pages: EepromPage[], deadlineMs: number): Promise<ModuleEepromReply>;
  conntrackSummary(perCpu?: boolean): Promise<ConntrackSummary>;
  conntrackBreakdown(deadlineMs: number): Promise<ConntrackBreakdown>;
  conntrackDelete(request: ConntrackDeleteRequest): Promise<ConntrackDeleteReply>;
  /** DumpConntrack as encoded ConntrackEntryBatch messages, for ConntrackDumpDecoder. */
  dumpConntrackEncoded(batchSize: number, deadlineMs: number): AsyncGenerator<Buffer>;
  dumpConntrack(batchSize: number, deadlineMs: number): AsyncGenerator<ConntrackEntryBatch>;
  /** The flows cycle: deltas since the last call, summed per (protocol, peer, port) in the helper's flow table. */
  getFlows(generation: number, deadlineMs: number): Promise<FlowsReply>;
  /** The GC pass over the helper's flow table. */
  evictFlows(): Promise<EvictFlowsReply>;
  /** Which devices' links change, for as long as the watch runs (rtnetlink's link group, through the helper). */
  watchLinks(handlers: LinkWatchHandlers): LinkWatch;
}
