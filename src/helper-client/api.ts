// The helper API as the service uses it: names for the types that grpc's
// proto-loader-gen-types generates from proto/ethtrack/helper/v1/helper.proto
// into generated/ (scripts/gen-api-types.sh, with the options the client
// loads the proto with: camelCase fields, 64-bit integers as numbers, enums
// as strings, defaults filled in). Replies are the generated `__Output`
// types, requests the permissive input types. Nothing here is written by
// hand but the names; test/helper-client/generated-api.test.ts fails when
// generated/ is stale.

export type { ConntrackBreakdown__Output as ConntrackBreakdown } from './generated/ethtrack/helper/v1/ConntrackBreakdown';
export type { ConntrackDeleteReply__Output as ConntrackDeleteReply } from './generated/ethtrack/helper/v1/ConntrackDeleteReply';
export type { ConntrackDeleteRequest } from './generated/ethtrack/helper/v1/ConntrackDeleteRequest';
export type { ConntrackEntry__Output as ConntrackEntry } from './generated/ethtrack/helper/v1/ConntrackEntry';
export type { ConntrackEntryBatch__Output as ConntrackEntryBatch } from './generated/ethtrack/helper/v1/ConntrackEntryBatch';
export type { ConntrackSummary__Output as ConntrackSummary } from './generated/ethtrack/helper/v1/ConntrackSummary';
export type { Counter__Output as Counter } from './generated/ethtrack/helper/v1/Counter';
export type { CpuStats__Output as CpuStats } from './generated/ethtrack/helper/v1/CpuStats';
export type { DeviceSettings__Output as DeviceSettings } from './generated/ethtrack/helper/v1/DeviceSettings';
export type { DeviceStandardStats__Output as DeviceStandardStats } from './generated/ethtrack/helper/v1/DeviceStandardStats';
export type { EepromPage, EepromPage__Output as EepromPageReply } from './generated/ethtrack/helper/v1/EepromPage';
export type { EthtoolSettingsReply__Output as EthtoolSettingsReply } from './generated/ethtrack/helper/v1/EthtoolSettingsReply';
export type { EthtoolSettingsRequest } from './generated/ethtrack/helper/v1/EthtoolSettingsRequest';
export type { EthtoolStatsReply__Output as EthtoolStatsReply } from './generated/ethtrack/helper/v1/EthtoolStatsReply';
export type { EvictFlowsReply__Output as EvictFlowsReply } from './generated/ethtrack/helper/v1/EvictFlowsReply';
export type { FlowSum__Output as FlowSum } from './generated/ethtrack/helper/v1/FlowSum';
export type { FlowsReply__Output as FlowsReply } from './generated/ethtrack/helper/v1/FlowsReply';
export type { HelperInfo__Output as HelperInfo } from './generated/ethtrack/helper/v1/HelperInfo';
export type { HistogramBucket__Output as HistogramBucket } from './generated/ethtrack/helper/v1/HistogramBucket';
export type { Interface__Output as NetInterface } from './generated/ethtrack/helper/v1/Interface';
export type {
  _ethtrack_helper_v1_InterfaceStats_Status__Output as InterfaceStatsStatus,
  InterfaceStats__Output as InterfaceStats,
} from './generated/ethtrack/helper/v1/InterfaceStats';
export type { LinkChanges__Output as LinkChanges } from './generated/ethtrack/helper/v1/LinkChanges';
export type { ListInterfacesReply__Output as ListInterfacesReply } from './generated/ethtrack/helper/v1/ListInterfacesReply';
export type { ModuleEepromReply__Output as ModuleEepromReply } from './generated/ethtrack/helper/v1/ModuleEepromReply';
export type { ProtocolStates } from './generated/ethtrack/helper/v1/ProtocolStates';
export type { StandardStatsReply__Output as StandardStatsReply } from './generated/ethtrack/helper/v1/StandardStatsReply';
export type { StateCount__Output as StateCount } from './generated/ethtrack/helper/v1/StateCount';
export type { StatsGroup__Output as StatsGroup } from './generated/ethtrack/helper/v1/StatsGroup';
export type { StatsQuery } from './generated/ethtrack/helper/v1/StatsQuery';
