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
  EthtoolStatsReply,
  EvictFlowsReply,
  FlowsReply,
  HelperInfo,
  ListInterfacesReply,
  StatsQuery,
} from './api';

export interface HelperApi {
  info(): Promise<HelperInfo>;
  /** grpc.health.v1 Check; resolves to the serving status. */
  check(service?: string): Promise<string>;
  listInterfaces(): Promise<ListInterfacesReply>;
  ethtoolStats(queries: StatsQuery[]): Promise<EthtoolStatsReply>;
  /** GetEthtoolStats with the reply left encoded, for EthtoolStatsDecoder. */
  ethtoolStatsEncoded(queries: StatsQuery[]): Promise<Buffer>;
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
}
