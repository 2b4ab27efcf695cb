// Original file: proto/ethtrack/helper/v1/helper.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ConntrackBreakdown as _ethtrack_helper_v1_ConntrackBreakdown, ConntrackBreakdown__Output as _ethtrack_helper_v1_ConntrackBreakdown__Output } from '../../../ethtrack/helper/v1/ConntrackBreakdown';
import type { ConntrackBreakdownRequest as _ethtrack_helper_v1_ConntrackBreakdownRequest, ConntrackBreakdownRequest__Output as _ethtrack_helper_v1_ConntrackBreakdownRequest__Output } from '../../../ethtrack/helper/v1/ConntrackBreakdownRequest';
import type { ConntrackDeleteReply as _ethtrack_helper_v1_ConntrackDeleteReply, ConntrackDeleteReply__Output as _ethtrack_helper_v1_ConntrackDeleteReply__Output } from '../../../ethtrack/helper/v1/ConntrackDeleteReply';
import type { ConntrackDeleteRequest as _ethtrack_helper_v1_ConntrackDeleteRequest, ConntrackDeleteRequest__Output as _ethtrack_helper_v1_ConntrackDeleteRequest__Output } from '../../../ethtrack/helper/v1/ConntrackDeleteRequest';
import type { ConntrackDumpRequest as _ethtrack_helper_v1_ConntrackDumpRequest, ConntrackDumpRequest__Output as _ethtrack_helper_v1_ConntrackDumpRequest__Output } from '../../../ethtrack/helper/v1/ConntrackDumpRequest';
import type { ConntrackEntryBatch as _ethtrack_helper_v1_ConntrackEntryBatch, ConntrackEntryBatch__Output as _ethtrack_helper_v1_ConntrackEntryBatch__Output } from '../../../ethtrack/helper/v1/ConntrackEntryBatch';
import type { ConntrackSummary as _ethtrack_helper_v1_ConntrackSummary, ConntrackSummary__Output as _ethtrack_helper_v1_ConntrackSummary__Output } from '../../../ethtrack/helper/v1/ConntrackSummary';
import type { ConntrackSummaryRequest as _ethtrack_helper_v1_ConntrackSummaryRequest, ConntrackSummaryRequest__Output as _ethtrack_helper_v1_ConntrackSummaryRequest__Output } from '../../../ethtrack/helper/v1/ConntrackSummaryRequest';
import type { EthtoolSettingsReply as _ethtrack_helper_v1_EthtoolSettingsReply, EthtoolSettingsReply__Output as _ethtrack_helper_v1_EthtoolSettingsReply__Output } from '../../../ethtrack/helper/v1/EthtoolSettingsReply';
import type { EthtoolSettingsRequest as _ethtrack_helper_v1_EthtoolSettingsRequest, EthtoolSettingsRequest__Output as _ethtrack_helper_v1_EthtoolSettingsRequest__Output } from '../../../ethtrack/helper/v1/EthtoolSettingsRequest';
import type { EthtoolStatsReply as _ethtrack_helper_v1_EthtoolStatsReply, EthtoolStatsReply__Output as _ethtrack_helper_v1_EthtoolStatsReply__Output } from '../../../ethtrack/helper/v1/EthtoolStatsReply';
import type { EthtoolStatsRequest as _ethtrack_helper_v1_EthtoolStatsRequest, EthtoolStatsRequest__Output as _ethtrack_helper_v1_EthtoolStatsRequest__Output } from '../../../ethtrack/helper/v1/EthtoolStatsRequest';
import type { EvictFlowsReply as _ethtrack_helper_v1_EvictFlowsReply, EvictFlowsReply__Output as _ethtrack_helper_v1_EvictFlowsReply__Output } from '../../../ethtrack/helper/v1/EvictFlowsReply';
import type { EvictFlowsRequest as _ethtrack_helper_v1_EvictFlowsRequest, EvictFlowsRequest__Output as _ethtrack_helper_v1_EvictFlowsRequest__Output } from '../../../ethtrack/helper/v1/EvictFlowsRequest';
import type { FlowsReply as _ethtrack_helper_v1_FlowsReply, FlowsReply__Output as _ethtrack_helper_v1_FlowsReply__Output } from '../../../ethtrack/helper/v1/FlowsReply';
import type { FlowsRequest as _ethtrack_helper_v1_FlowsRequest, FlowsRequest__Output as _ethtrack_helper_v1_FlowsRequest__Output } from '../../../ethtrack/helper/v1/FlowsRequest';
import type { GetInfoRequest as _ethtrack_helper_v1_GetInfoRequest, GetInfoRequest__Output as _ethtrack_helper_v1_GetInfoRequest__Output } from '../../../ethtrack/helper/v1/GetInfoRequest';
import type { HelperInfo as _ethtrack_helper_v1_HelperInfo, HelperInfo__Output as _ethtrack_helper_v1_HelperInfo__Output } from '../../../ethtrack/helper/v1/HelperInfo';
import type { LinkChanges as _ethtrack_helper_v1_LinkChanges, LinkChanges__Output as _ethtrack_helper_v1_LinkChanges__Output } from '../../../ethtrack/helper/v1/LinkChanges';
import type { ListInterfacesReply as _ethtrack_helper_v1_ListInterfacesReply, ListInterfacesReply__Output as _ethtrack_helper_v1_ListInterfacesReply__Output } from '../../../ethtrack/helper/v1/ListInterfacesReply';
import type { ListInterfacesRequest as _ethtrack_helper_v1_ListInterfacesRequest, ListInterfacesRequest__Output as _ethtrack_helper_v1_ListInterfacesRequest__Output } from '../../../ethtrack/helper/v1/ListInterfacesRequest';
import type { ModuleEepromReply as _ethtrack_helper_v1_ModuleEepromReply, ModuleEepromReply__Output as _ethtrack_helper_v1_ModuleEepromReply__Output } from '../../../ethtrack/helper/v1/ModuleEepromReply';
import type { ModuleEepromRequest as _ethtrack_helper_v1_ModuleEepromRequest, ModuleEepromRequest__Output as _ethtrack_helper_v1_ModuleEepromRequest__Output } from '../../../ethtrack/helper/v1/ModuleEepromRequest';
import type { StandardStatsReply as _ethtrack_helper_v1_StandardStatsReply, StandardStatsReply__Output as _ethtrack_helper_v1_StandardStatsReply__Output } from '../../../ethtrack/helper/v1/StandardStatsReply';
import type { StandardStatsRequest as _ethtrack_helper_v1_StandardStatsRequest, StandardStatsRequest__Output as _ethtrack_helper_v1_StandardStatsRequest__Output } from '../../../ethtrack/helper/v1/StandardStatsRequest';
import type { WatchLinksRequest as _ethtrack_helper_v1_WatchLinksRequest, WatchLinksRequest__Output as _ethtrack_helper_v1_WatchLinksRequest__Output } from '../../../ethtrack/helper/v1/WatchLinksRequest';

export interface HelperClient extends grpc.Client {
  /**
   * Selective deletion by filter, with dry run and a cap. Never flushes.
   */
  DeleteConntrack(argument: _ethtrack_helper_v1_ConntrackDeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackDeleteReply__Output>): grpc.ClientUnaryCall;
  DeleteConntrack(argument: _ethtrack_helper_v1_ConntrackDeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackDeleteReply__Output>): grpc.ClientUnaryCall;
  DeleteConntrack(argument: _ethtrack_helper_v1_ConntrackDeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackDeleteReply__Output>): grpc.ClientUnaryCall;
  DeleteConntrack(argument: _ethtrack_helper_v1_ConntrackDeleteRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackDeleteReply__Output>): grpc.ClientUnaryCall;
  /**
   * Selective deletion by filter, with dry run and a cap. Never flushes.
   */
  deleteConntrack(argument: _ethtrack_helper_v1_ConntrackDeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackDeleteReply__Output>): grpc.ClientUnaryCall;
  deleteConntrack(argument: _ethtrack_helper_v1_ConntrackDeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackDeleteReply__Output>): grpc.ClientUnaryCall;
  deleteConntrack(argument: _ethtrack_helper_v1_ConntrackDeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackDeleteReply__Output>): grpc.ClientUnaryCall;
  deleteConntrack(argument: _ethtrack_helper_v1_ConntrackDeleteRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackDeleteReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * A full-table dump streamed in batches of entries, for the flows collector.
   */
  DumpConntrack(argument: _ethtrack_helper_v1_ConntrackDumpRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_ethtrack_helper_v1_ConntrackEntryBatch__Output>;
  DumpConntrack(argument: _ethtrack_helper_v1_ConntrackDumpRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_ethtrack_helper_v1_ConntrackEntryBatch__Output>;
  /**
   * A full-table dump streamed in batches of entries, for the flows collector.
   */
  dumpConntrack(argument: _ethtrack_helper_v1_ConntrackDumpRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_ethtrack_helper_v1_ConntrackEntryBatch__Output>;
  dumpConntrack(argument: _ethtrack_helper_v1_ConntrackDumpRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_ethtrack_helper_v1_ConntrackEntryBatch__Output>;
  
  /**
   * The GC loop's pass over the flow table: records gone from the kernel
   * without an event, and records idle past their protocol's timeout.
   */
  EvictFlows(argument: _ethtrack_helper_v1_EvictFlowsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_EvictFlowsReply__Output>): grpc.ClientUnaryCall;
  EvictFlows(argument: _ethtrack_helper_v1_EvictFlowsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_EvictFlowsReply__Output>): grpc.ClientUnaryCall;
  EvictFlows(argument: _ethtrack_helper_v1_EvictFlowsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_EvictFlowsReply__Output>): grpc.ClientUnaryCall;
  EvictFlows(argument: _ethtrack_helper_v1_EvictFlowsRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_EvictFlowsReply__Output>): grpc.ClientUnaryCall;
  /**
   * The GC loop's pass over the flow table: records gone from the kernel
   * without an event, and records idle past their protocol's timeout.
   */
  evictFlows(argument: _ethtrack_helper_v1_EvictFlowsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_EvictFlowsReply__Output>): grpc.ClientUnaryCall;
  evictFlows(argument: _ethtrack_helper_v1_EvictFlowsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_EvictFlowsReply__Output>): grpc.ClientUnaryCall;
  evictFlows(argument: _ethtrack_helper_v1_EvictFlowsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_EvictFlowsReply__Output>): grpc.ClientUnaryCall;
  evictFlows(argument: _ethtrack_helper_v1_EvictFlowsRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_EvictFlowsReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * A full-table dump aggregated in the helper into counts by
   * family/protocol/state. Bounded by a deadline; never buffers the table.
   */
  GetConntrackBreakdown(argument: _ethtrack_helper_v1_ConntrackBreakdownRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackBreakdown__Output>): grpc.ClientUnaryCall;
  GetConntrackBreakdown(argument: _ethtrack_helper_v1_ConntrackBreakdownRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackBreakdown__Output>): grpc.ClientUnaryCall;
  GetConntrackBreakdown(argument: _ethtrack_helper_v1_ConntrackBreakdownRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackBreakdown__Output>): grpc.ClientUnaryCall;
  GetConntrackBreakdown(argument: _ethtrack_helper_v1_ConntrackBreakdownRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackBreakdown__Output>): grpc.ClientUnaryCall;
  /**
   * A full-table dump aggregated in the helper into counts by
   * family/protocol/state. Bounded by a deadline; never buffers the table.
   */
  getConntrackBreakdown(argument: _ethtrack_helper_v1_ConntrackBreakdownRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackBreakdown__Output>): grpc.ClientUnaryCall;
  getConntrackBreakdown(argument: _ethtrack_helper_v1_ConntrackBreakdownRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackBreakdown__Output>): grpc.ClientUnaryCall;
  getConntrackBreakdown(argument: _ethtrack_helper_v1_ConntrackBreakdownRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackBreakdown__Output>): grpc.ClientUnaryCall;
  getConntrackBreakdown(argument: _ethtrack_helper_v1_ConntrackBreakdownRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackBreakdown__Output>): grpc.ClientUnaryCall;
  
  /**
   * Entry count, limit, buckets and per-CPU statistics (summed, and per CPU
   * on request) from ctnetlink.
   */
  GetConntrackSummary(argument: _ethtrack_helper_v1_ConntrackSummaryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackSummary__Output>): grpc.ClientUnaryCall;
  GetConntrackSummary(argument: _ethtrack_helper_v1_ConntrackSummaryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackSummary__Output>): grpc.ClientUnaryCall;
  GetConntrackSummary(argument: _ethtrack_helper_v1_ConntrackSummaryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackSummary__Output>): grpc.ClientUnaryCall;
  GetConntrackSummary(argument: _ethtrack_helper_v1_ConntrackSummaryRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackSummary__Output>): grpc.ClientUnaryCall;
  /**
   * Entry count, limit, buckets and per-CPU statistics (summed, and per CPU
   * on request) from ctnetlink.
   */
  getConntrackSummary(argument: _ethtrack_helper_v1_ConntrackSummaryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackSummary__Output>): grpc.ClientUnaryCall;
  getConntrackSummary(argument: _ethtrack_helper_v1_ConntrackSummaryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackSummary__Output>): grpc.ClientUnaryCall;
  getConntrackSummary(argument: _ethtrack_helper_v1_ConntrackSummaryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackSummary__Output>): grpc.ClientUnaryCall;
  getConntrackSummary(argument: _ethtrack_helper_v1_ConntrackSummaryRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_ConntrackSummary__Output>): grpc.ClientUnaryCall;
  
  /**
   * Channels, rings, coalescing, pause, FEC, link state and link modes over
   * ethtool netlink: one dump per kind asked for, so a device that lacks a
   * kind costs nothing.
   */
  GetEthtoolSettings(argument: _ethtrack_helper_v1_EthtoolSettingsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_EthtoolSettingsReply__Output>): grpc.ClientUnaryCall;
  GetEthtoolSettings(argument: _ethtrack_helper_v1_EthtoolSettingsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_EthtoolSettingsReply__Output>): grpc.ClientUnaryCall;
  GetEthtoolSettings(argument: _ethtrack_helper_v1_EthtoolSettingsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_EthtoolSettingsReply__Output>): grpc.ClientUnaryCall;
  GetEthtoolSettings(argument: _ethtrack_helper_v1_EthtoolSettingsRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_EthtoolSettingsReply__Output>): grpc.ClientUnaryCall;
  /**
   * Channels, rings, coalescing, pause, FEC, link state and link modes over
   * ethtool netlink: one dump per kind asked for, so a device that lacks a
   * kind costs nothing.
   */
  getEthtoolSettings(argument: _ethtrack_helper_v1_EthtoolSettingsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_EthtoolSettingsReply__Output>): grpc.ClientUnaryCall;
  getEthtoolSettings(argument: _ethtrack_helper_v1_EthtoolSettingsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_EthtoolSettingsReply__Output>): grpc.ClientUnaryCall;
  getEthtoolSettings(argument: _ethtrack_helper_v1_EthtoolSettingsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_EthtoolSettingsReply__Output>): grpc.ClientUnaryCall;
  getEthtoolSettings(argument: _ethtrack_helper_v1_EthtoolSettingsRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_EthtoolSettingsReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * ethtool statistics of the named interfaces. Stat names are sent only when
   * the caller's generation for an interface differs from the helper's.
   */
  GetEthtoolStats(argument: _ethtrack_helper_v1_EthtoolStatsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_EthtoolStatsReply__Output>): grpc.ClientUnaryCall;
  GetEthtoolStats(argument: _ethtrack_helper_v1_EthtoolStatsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_EthtoolStatsReply__Output>): grpc.ClientUnaryCall;
  GetEthtoolStats(argument: _ethtrack_helper_v1_EthtoolStatsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_EthtoolStatsReply__Output>): grpc.ClientUnaryCall;
  GetEthtoolStats(argument: _ethtrack_helper_v1_EthtoolStatsRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_EthtoolStatsReply__Output>): grpc.ClientUnaryCall;
  /**
   * ethtool statistics of the named interfaces. Stat names are sent only when
   * the caller's generation for an interface differs from the helper's.
   */
  getEthtoolStats(argument: _ethtrack_helper_v1_EthtoolStatsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_EthtoolStatsReply__Output>): grpc.ClientUnaryCall;
  getEthtoolStats(argument: _ethtrack_helper_v1_EthtoolStatsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_EthtoolStatsReply__Output>): grpc.ClientUnaryCall;
  getEthtoolStats(argument: _ethtrack_helper_v1_EthtoolStatsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_EthtoolStatsReply__Output>): grpc.ClientUnaryCall;
  getEthtoolStats(argument: _ethtrack_helper_v1_EthtoolStatsRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_EthtoolStatsReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * The flows collector's cycle: one dump through the helper's per-entry flow
   * table, answered with the counter deltas since the last call summed per
   * (protocol, peer, port). The first call subscribes to conntrack DESTROY
   * events, so entries that end between calls are counted too.
   */
  GetFlows(argument: _ethtrack_helper_v1_FlowsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_FlowsReply__Output>): grpc.ClientUnaryCall;
  GetFlows(argument: _ethtrack_helper_v1_FlowsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_FlowsReply__Output>): grpc.ClientUnaryCall;
  GetFlows(argument: _ethtrack_helper_v1_FlowsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_FlowsReply__Output>): grpc.ClientUnaryCall;
  GetFlows(argument: _ethtrack_helper_v1_FlowsRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_FlowsReply__Output>): grpc.ClientUnaryCall;
  /**
   * The flows collector's cycle: one dump through the helper's per-entry flow
   * table, answered with the counter deltas since the last call summed per
   * (protocol, peer, port). The first call subscribes to conntrack DESTROY
   * events, so entries that end between calls are counted too.
   */
  getFlows(argument: _ethtrack_helper_v1_FlowsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_FlowsReply__Output>): grpc.ClientUnaryCall;
  getFlows(argument: _ethtrack_helper_v1_FlowsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_FlowsReply__Output>): grpc.ClientUnaryCall;
  getFlows(argument: _ethtrack_helper_v1_FlowsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_FlowsReply__Output>): grpc.ClientUnaryCall;
  getFlows(argument: _ethtrack_helper_v1_FlowsRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_FlowsReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Version, capabilities held and resident memory of the helper.
   */
  GetInfo(argument: _ethtrack_helper_v1_GetInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_HelperInfo__Output>): grpc.ClientUnaryCall;
  GetInfo(argument: _ethtrack_helper_v1_GetInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_HelperInfo__Output>): grpc.ClientUnaryCall;
  GetInfo(argument: _ethtrack_helper_v1_GetInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_HelperInfo__Output>): grpc.ClientUnaryCall;
  GetInfo(argument: _ethtrack_helper_v1_GetInfoRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_HelperInfo__Output>): grpc.ClientUnaryCall;
  /**
   * Version, capabilities held and resident memory of the helper.
   */
  getInfo(argument: _ethtrack_helper_v1_GetInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_HelperInfo__Output>): grpc.ClientUnaryCall;
  getInfo(argument: _ethtrack_helper_v1_GetInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_HelperInfo__Output>): grpc.ClientUnaryCall;
  getInfo(argument: _ethtrack_helper_v1_GetInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_HelperInfo__Output>): grpc.ClientUnaryCall;
  getInfo(argument: _ethtrack_helper_v1_GetInfoRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_HelperInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Raw pages of one device's transceiver module EEPROM, read on a thread of
   * its own and bounded by deadline_ms; the service decodes them.
   */
  GetModuleEeprom(argument: _ethtrack_helper_v1_ModuleEepromRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ModuleEepromReply__Output>): grpc.ClientUnaryCall;
  GetModuleEeprom(argument: _ethtrack_helper_v1_ModuleEepromRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_ModuleEepromReply__Output>): grpc.ClientUnaryCall;
  GetModuleEeprom(argument: _ethtrack_helper_v1_ModuleEepromRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ModuleEepromReply__Output>): grpc.ClientUnaryCall;
  GetModuleEeprom(argument: _ethtrack_helper_v1_ModuleEepromRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_ModuleEepromReply__Output>): grpc.ClientUnaryCall;
  /**
   * Raw pages of one device's transceiver module EEPROM, read on a thread of
   * its own and bounded by deadline_ms; the service decodes them.
   */
  getModuleEeprom(argument: _ethtrack_helper_v1_ModuleEepromRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ModuleEepromReply__Output>): grpc.ClientUnaryCall;
  getModuleEeprom(argument: _ethtrack_helper_v1_ModuleEepromRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_ModuleEepromReply__Output>): grpc.ClientUnaryCall;
  getModuleEeprom(argument: _ethtrack_helper_v1_ModuleEepromRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ModuleEepromReply__Output>): grpc.ClientUnaryCall;
  getModuleEeprom(argument: _ethtrack_helper_v1_ModuleEepromRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_ModuleEepromReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Standard statistics (eth-phy, eth-mac, eth-ctrl, rmon) over ethtool
   * netlink, one dump for every device.
   */
  GetStandardStats(argument: _ethtrack_helper_v1_StandardStatsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_StandardStatsReply__Output>): grpc.ClientUnaryCall;
  GetStandardStats(argument: _ethtrack_helper_v1_StandardStatsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_StandardStatsReply__Output>): grpc.ClientUnaryCall;
  GetStandardStats(argument: _ethtrack_helper_v1_StandardStatsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_StandardStatsReply__Output>): grpc.ClientUnaryCall;
  GetStandardStats(argument: _ethtrack_helper_v1_StandardStatsRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_StandardStatsReply__Output>): grpc.ClientUnaryCall;
  /**
   * Standard statistics (eth-phy, eth-mac, eth-ctrl, rmon) over ethtool
   * netlink, one dump for every device.
   */
  getStandardStats(argument: _ethtrack_helper_v1_StandardStatsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_StandardStatsReply__Output>): grpc.ClientUnaryCall;
  getStandardStats(argument: _ethtrack_helper_v1_StandardStatsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_StandardStatsReply__Output>): grpc.ClientUnaryCall;
  getStandardStats(argument: _ethtrack_helper_v1_StandardStatsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_StandardStatsReply__Output>): grpc.ClientUnaryCall;
  getStandardStats(argument: _ethtrack_helper_v1_StandardStatsRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_StandardStatsReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every network interface with driver info and link settings.
   */
  ListInterfaces(argument: _ethtrack_helper_v1_ListInterfacesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ListInterfacesReply__Output>): grpc.ClientUnaryCall;
  ListInterfaces(argument: _ethtrack_helper_v1_ListInterfacesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_ListInterfacesReply__Output>): grpc.ClientUnaryCall;
  ListInterfaces(argument: _ethtrack_helper_v1_ListInterfacesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ListInterfacesReply__Output>): grpc.ClientUnaryCall;
  ListInterfaces(argument: _ethtrack_helper_v1_ListInterfacesRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_ListInterfacesReply__Output>): grpc.ClientUnaryCall;
  /**
   * Every network interface with driver info and link settings.
   */
  listInterfaces(argument: _ethtrack_helper_v1_ListInterfacesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ListInterfacesReply__Output>): grpc.ClientUnaryCall;
  listInterfaces(argument: _ethtrack_helper_v1_ListInterfacesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ethtrack_helper_v1_ListInterfacesReply__Output>): grpc.ClientUnaryCall;
  listInterfaces(argument: _ethtrack_helper_v1_ListInterfacesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ethtrack_helper_v1_ListInterfacesReply__Output>): grpc.ClientUnaryCall;
  listInterfaces(argument: _ethtrack_helper_v1_ListInterfacesRequest, callback: grpc.requestCallback<_ethtrack_helper_v1_ListInterfacesReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Which devices' links changed, as the kernel announces it (rtnetlink's
   * link group), for as long as the caller keeps the stream: the rxpath
   * collector reads a device's carrier counts only when told it changed.
   * Served on a thread of its own, one watch at a time; the first message
   * is a resync.
   */
  WatchLinks(argument: _ethtrack_helper_v1_WatchLinksRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_ethtrack_helper_v1_LinkChanges__Output>;
  WatchLinks(argument: _ethtrack_helper_v1_WatchLinksRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_ethtrack_helper_v1_LinkChanges__Output>;
  /**
   * Which devices' links changed, as the kernel announces it (rtnetlink's
   * link group), for as long as the caller keeps the stream: the rxpath
   * collector reads a device's carrier counts only when told it changed.
   * Served on a thread of its own, one watch at a time; the first message
   * is a resync.
   */
  watchLinks(argument: _ethtrack_helper_v1_WatchLinksRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_ethtrack_helper_v1_LinkChanges__Output>;
  watchLinks(argument: _ethtrack_helper_v1_WatchLinksRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_ethtrack_helper_v1_LinkChanges__Output>;
  
}

export interface HelperHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Selective deletion by filter, with dry run and a cap. Never flushes.
   */
  DeleteConntrack: grpc.handleUnaryCall<_ethtrack_helper_v1_ConntrackDeleteRequest__Output, _ethtrack_helper_v1_ConntrackDeleteReply>;
  
  /**
   * A full-table dump streamed in batches of entries, for the flows collector.
   */
  DumpConntrack: grpc.handleServerStreamingCall<_ethtrack_helper_v1_ConntrackDumpRequest__Output, _ethtrack_helper_v1_ConntrackEntryBatch>;
  
  /**
   * The GC loop's pass over the flow table: records gone from the kernel
   * without an event, and records idle past their protocol's timeout.
   */
  EvictFlows: grpc.handleUnaryCall<_ethtrack_helper_v1_EvictFlowsRequest__Output, _ethtrack_helper_v1_EvictFlowsReply>;
  
  /**
   * A full-table dump aggregated in the helper into counts by
   * family/protocol/state. Bounded by a deadline; never buffers the table.
   */
  GetConntrackBreakdown: grpc.handleUnaryCall<_ethtrack_helper_v1_ConntrackBreakdownRequest__Output, _ethtrack_helper_v1_ConntrackBreakdown>;
  
  /**
   * Entry count, limit, buckets and per-CPU statistics (summed, and per CPU
   * on request) from ctnetlink.
   */
  GetConntrackSummary: grpc.handleUnaryCall<_ethtrack_helper_v1_ConntrackSummaryRequest__Output, _ethtrack_helper_v1_ConntrackSummary>;
  
  /**
   * Channels, rings, coalescing, pause, FEC, link state and link modes over
   * ethtool netlink: one dump per kind asked for, so a device that lacks a
   * kind costs nothing.
   */
  GetEthtoolSettings: grpc.handleUnaryCall<_ethtrack_helper_v1_EthtoolSettingsRequest__Output, _ethtrack_helper_v1_EthtoolSettingsReply>;
  
  /**
   * ethtool statistics of the named interfaces. Stat names are sent only when
   * the caller's generation for an interface differs from the helper's.
   */
  GetEthtoolStats: grpc.handleUnaryCall<_ethtrack_helper_v1_EthtoolStatsRequest__Output, _ethtrack_helper_v1_EthtoolStatsReply>;
  
  /**
   * The flows collector's cycle: one dump through the helper's per-entry flow
   * table, answered with the counter deltas since the last call summed per
   * (protocol, peer, port). The first call subscribes to conntrack DESTROY
   * events, so entries that end between calls are counted too.
   */
  GetFlows: grpc.handleUnaryCall<_ethtrack_helper_v1_FlowsRequest__Output, _ethtrack_helper_v1_FlowsReply>;
  
  /**
   * Version, capabilities held and resident memory of the helper.
   */
  GetInfo: grpc.handleUnaryCall<_ethtrack_helper_v1_GetInfoRequest__Output, _ethtrack_helper_v1_HelperInfo>;
  
  /**
   * Raw pages of one device's transceiver module EEPROM, read on a thread of
   * its own and bounded by deadline_ms; the service decodes them.
   */
  GetModuleEeprom: grpc.handleUnaryCall<_ethtrack_helper_v1_ModuleEepromRequest__Output, _ethtrack_helper_v1_ModuleEepromReply>;
  
  /**
   * Standard statistics (eth-phy, eth-mac, eth-ctrl, rmon) over ethtool
   * netlink, one dump for every device.
   */
  GetStandardStats: grpc.handleUnaryCall<_ethtrack_helper_v1_StandardStatsRequest__Output, _ethtrack_helper_v1_StandardStatsReply>;
  
  /**
   * Every network interface with driver info and link settings.
   */
  ListInterfaces: grpc.handleUnaryCall<_ethtrack_helper_v1_ListInterfacesRequest__Output, _ethtrack_helper_v1_ListInterfacesReply>;
  
  /**
   * Which devices' links changed, as the kernel announces it (rtnetlink's
   * link group), for as long as the caller keeps the stream: the rxpath
   * collector reads a device's carrier counts only when told it changed.
   * Served on a thread of its own, one watch at a time; the first message
   * is a resync.
   */
  WatchLinks: grpc.handleServerStreamingCall<_ethtrack_helper_v1_WatchLinksRequest__Output, _ethtrack_helper_v1_LinkChanges>;
  
}

export interface HelperDefinition extends grpc.ServiceDefinition {
  DeleteConntrack: MethodDefinition<_ethtrack_helper_v1_ConntrackDeleteRequest, _ethtrack_helper_v1_ConntrackDeleteReply, _ethtrack_helper_v1_ConntrackDeleteRequest__Output, _ethtrack_helper_v1_ConntrackDeleteReply__Output>
  DumpConntrack: MethodDefinition<_ethtrack_helper_v1_ConntrackDumpRequest, _ethtrack_helper_v1_ConntrackEntryBatch, _ethtrack_helper_v1_ConntrackDumpRequest__Output, _ethtrack_helper_v1_ConntrackEntryBatch__Output>
  EvictFlows: MethodDefinition<_ethtrack_helper_v1_EvictFlowsRequest, _ethtrack_helper_v1_EvictFlowsReply, _ethtrack_helper_v1_EvictFlowsRequest__Output, _ethtrack_helper_v1_EvictFlowsReply__Output>
  GetConntrackBreakdown: MethodDefinition<_ethtrack_helper_v1_ConntrackBreakdownRequest, _ethtrack_helper_v1_ConntrackBreakdown, _ethtrack_helper_v1_ConntrackBreakdownRequest__Output, _ethtrack_helper_v1_ConntrackBreakdown__Output>
  GetConntrackSummary: MethodDefinition<_ethtrack_helper_v1_ConntrackSummaryRequest, _ethtrack_helper_v1_ConntrackSummary, _ethtrack_helper_v1_ConntrackSummaryRequest__Output, _ethtrack_helper_v1_ConntrackSummary__Output>
  GetEthtoolSettings: MethodDefinition<_ethtrack_helper_v1_EthtoolSettingsRequest, _ethtrack_helper_v1_EthtoolSettingsReply, _ethtrack_helper_v1_EthtoolSettingsRequest__Output, _ethtrack_helper_v1_EthtoolSettingsReply__Output>
  GetEthtoolStats: MethodDefinition<_ethtrack_helper_v1_EthtoolStatsRequest, _ethtrack_helper_v1_EthtoolStatsReply, _ethtrack_helper_v1_EthtoolStatsRequest__Output, _ethtrack_helper_v1_EthtoolStatsReply__Output>
  GetFlows: MethodDefinition<_ethtrack_helper_v1_FlowsRequest, _ethtrack_helper_v1_FlowsReply, _ethtrack_helper_v1_FlowsRequest__Output, _ethtrack_helper_v1_FlowsReply__Output>
  GetInfo: MethodDefinition<_ethtrack_helper_v1_GetInfoRequest, _ethtrack_helper_v1_HelperInfo, _ethtrack_helper_v1_GetInfoRequest__Output, _ethtrack_helper_v1_HelperInfo__Output>
  GetModuleEeprom: MethodDefinition<_ethtrack_helper_v1_ModuleEepromRequest, _ethtrack_helper_v1_ModuleEepromReply, _ethtrack_helper_v1_ModuleEepromRequest__Output, _ethtrack_helper_v1_ModuleEepromReply__Output>
  GetStandardStats: MethodDefinition<_ethtrack_helper_v1_StandardStatsRequest, _ethtrack_helper_v1_StandardStatsReply, _ethtrack_helper_v1_StandardStatsRequest__Output, _ethtrack_helper_v1_StandardStatsReply__Output>
  ListInterfaces: MethodDefinition<_ethtrack_helper_v1_ListInterfacesRequest, _ethtrack_helper_v1_ListInterfacesReply, _ethtrack_helper_v1_ListInterfacesRequest__Output, _ethtrack_helper_v1_ListInterfacesReply__Output>
  WatchLinks: MethodDefinition<_ethtrack_helper_v1_WatchLinksRequest, _ethtrack_helper_v1_LinkChanges, _ethtrack_helper_v1_WatchLinksRequest__Output, _ethtrack_helper_v1_LinkChanges__Output>
}
