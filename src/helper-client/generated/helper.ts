import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ConntrackBreakdown as _ethtrack_helper_v1_ConntrackBreakdown, ConntrackBreakdown__Output as _ethtrack_helper_v1_ConntrackBreakdown__Output } from './ethtrack/helper/v1/ConntrackBreakdown';
import type { ConntrackBreakdownRequest as _ethtrack_helper_v1_ConntrackBreakdownRequest, ConntrackBreakdownRequest__Output as _ethtrack_helper_v1_ConntrackBreakdownRequest__Output } from './ethtrack/helper/v1/ConntrackBreakdownRequest';
import type { ConntrackDeleteReply as _ethtrack_helper_v1_ConntrackDeleteReply, ConntrackDeleteReply__Output as _ethtrack_helper_v1_ConntrackDeleteReply__Output } from './ethtrack/helper/v1/ConntrackDeleteReply';
import type { ConntrackDeleteRequest as _ethtrack_helper_v1_ConntrackDeleteRequest, ConntrackDeleteRequest__Output as _ethtrack_helper_v1_ConntrackDeleteRequest__Output } from './ethtrack/helper/v1/ConntrackDeleteRequest';
import type { ConntrackDumpRequest as _ethtrack_helper_v1_ConntrackDumpRequest, ConntrackDumpRequest__Output as _ethtrack_helper_v1_ConntrackDumpRequest__Output } from './ethtrack/helper/v1/ConntrackDumpRequest';
import type { ConntrackEntry as _ethtrack_helper_v1_ConntrackEntry, ConntrackEntry__Output as _ethtrack_helper_v1_ConntrackEntry__Output } from './ethtrack/helper/v1/ConntrackEntry';
import type { ConntrackEntryBatch as _ethtrack_helper_v1_ConntrackEntryBatch, ConntrackEntryBatch__Output as _ethtrack_helper_v1_ConntrackEntryBatch__Output } from './ethtrack/helper/v1/ConntrackEntryBatch';
import type { ConntrackSummary as _ethtrack_helper_v1_ConntrackSummary, ConntrackSummary__Output as _ethtrack_helper_v1_ConntrackSummary__Output } from './ethtrack/helper/v1/ConntrackSummary';
import type { ConntrackSummaryRequest as _ethtrack_helper_v1_ConntrackSummaryRequest, ConntrackSummaryRequest__Output as _ethtrack_helper_v1_ConntrackSummaryRequest__Output } from './ethtrack/helper/v1/ConntrackSummaryRequest';
import type { Counter as _ethtrack_helper_v1_Counter, Counter__Output as _ethtrack_helper_v1_Counter__Output } from './ethtrack/helper/v1/Counter';
import type { CpuStats as _ethtrack_helper_v1_CpuStats, CpuStats__Output as _ethtrack_helper_v1_CpuStats__Output } from './ethtrack/helper/v1/CpuStats';
import type { DeviceSettings as _ethtrack_helper_v1_DeviceSettings, DeviceSettings__Output as _ethtrack_helper_v1_DeviceSettings__Output } from './ethtrack/helper/v1/DeviceSettings';
import type { DeviceStandardStats as _ethtrack_helper_v1_DeviceStandardStats, DeviceStandardStats__Output as _ethtrack_helper_v1_DeviceStandardStats__Output } from './ethtrack/helper/v1/DeviceStandardStats';
import type { EepromPage as _ethtrack_helper_v1_EepromPage, EepromPage__Output as _ethtrack_helper_v1_EepromPage__Output } from './ethtrack/helper/v1/EepromPage';
import type { EthtoolSettingsReply as _ethtrack_helper_v1_EthtoolSettingsReply, EthtoolSettingsReply__Output as _ethtrack_helper_v1_EthtoolSettingsReply__Output } from './ethtrack/helper/v1/EthtoolSettingsReply';
import type { EthtoolSettingsRequest as _ethtrack_helper_v1_EthtoolSettingsRequest, EthtoolSettingsRequest__Output as _ethtrack_helper_v1_EthtoolSettingsRequest__Output } from './ethtrack/helper/v1/EthtoolSettingsRequest';
import type { EthtoolStatsReply as _ethtrack_helper_v1_EthtoolStatsReply, EthtoolStatsReply__Output as _ethtrack_helper_v1_EthtoolStatsReply__Output } from './ethtrack/helper/v1/EthtoolStatsReply';
import type { EthtoolStatsRequest as _ethtrack_helper_v1_EthtoolStatsRequest, EthtoolStatsRequest__Output as _ethtrack_helper_v1_EthtoolStatsRequest__Output } from './ethtrack/helper/v1/EthtoolStatsRequest';
import type { EvictFlowsReply as _ethtrack_helper_v1_EvictFlowsReply, EvictFlowsReply__Output as _ethtrack_helper_v1_EvictFlowsReply__Output } from './ethtrack/helper/v1/EvictFlowsReply';
import type { EvictFlowsRequest as _ethtrack_helper_v1_EvictFlowsRequest, EvictFlowsRequest__Output as _ethtrack_helper_v1_EvictFlowsRequest__Output } from './ethtrack/helper/v1/EvictFlowsRequest';
import type { FlowSum as _ethtrack_helper_v1_FlowSum, FlowSum__Output as _ethtrack_helper_v1_FlowSum__Output } from './ethtrack/helper/v1/FlowSum';
import type { FlowsReply as _ethtrack_helper_v1_FlowsReply, FlowsReply__Output as _ethtrack_helper_v1_FlowsReply__Output } from './ethtrack/helper/v1/FlowsReply';
import type { FlowsRequest as _ethtrack_helper_v1_FlowsRequest, FlowsRequest__Output as _ethtrack_helper_v1_FlowsRequest__Output } from './ethtrack/helper/v1/FlowsRequest';
import type { GetInfoRequest as _ethtrack_helper_v1_GetInfoRequest, GetInfoRequest__Output as _ethtrack_helper_v1_GetInfoRequest__Output } from './ethtrack/helper/v1/GetInfoRequest';
import type { HelperClient as _ethtrack_helper_v1_HelperClient, HelperDefinition as _ethtrack_helper_v1_HelperDefinition } from './ethtrack/helper/v1/Helper';
import type { HelperInfo as _ethtrack_helper_v1_HelperInfo, HelperInfo__Output as _ethtrack_helper_v1_HelperInfo__Output } from './ethtrack/helper/v1/HelperInfo';
import type { HistogramBucket as _ethtrack_helper_v1_HistogramBucket, HistogramBucket__Output as _ethtrack_helper_v1_HistogramBucket__Output } from './ethtrack/helper/v1/HistogramBucket';
import type { Interface as _ethtrack_helper_v1_Interface, Interface__Output as _ethtrack_helper_v1_Interface__Output } from './ethtrack/helper/v1/Interface';
import type { InterfaceStats as _ethtrack_helper_v1_InterfaceStats, InterfaceStats__Output as _ethtrack_helper_v1_InterfaceStats__Output } from './ethtrack/helper/v1/InterfaceStats';
import type { LinkChanges as _ethtrack_helper_v1_LinkChanges, LinkChanges__Output as _ethtrack_helper_v1_LinkChanges__Output } from './ethtrack/helper/v1/LinkChanges';
import type { ListInterfacesReply as _ethtrack_helper_v1_ListInterfacesReply, ListInterfacesReply__Output as _ethtrack_helper_v1_ListInterfacesReply__Output } from './ethtrack/helper/v1/ListInterfacesReply';
import type { ListInterfacesRequest as _ethtrack_helper_v1_ListInterfacesRequest, ListInterfacesRequest__Output as _ethtrack_helper_v1_ListInterfacesRequest__Output } from './ethtrack/helper/v1/ListInterfacesRequest';
import type { ModuleEepromReply as _ethtrack_helper_v1_ModuleEepromReply, ModuleEepromReply__Output as _ethtrack_helper_v1_ModuleEepromReply__Output } from './ethtrack/helper/v1/ModuleEepromReply';
import type { ModuleEepromRequest as _ethtrack_helper_v1_ModuleEepromRequest, ModuleEepromRequest__Output as _ethtrack_helper_v1_ModuleEepromRequest__Output } from './ethtrack/helper/v1/ModuleEepromRequest';
import type { ProtocolStates as _ethtrack_helper_v1_ProtocolStates, ProtocolStates__Output as _ethtrack_helper_v1_ProtocolStates__Output } from './ethtrack/helper/v1/ProtocolStates';
import type { StandardStatsReply as _ethtrack_helper_v1_StandardStatsReply, StandardStatsReply__Output as _ethtrack_helper_v1_StandardStatsReply__Output } from './ethtrack/helper/v1/StandardStatsReply';
import type { StandardStatsRequest as _ethtrack_helper_v1_StandardStatsRequest, StandardStatsRequest__Output as _ethtrack_helper_v1_StandardStatsRequest__Output } from './ethtrack/helper/v1/StandardStatsRequest';
import type { StateCount as _ethtrack_helper_v1_StateCount, StateCount__Output as _ethtrack_helper_v1_StateCount__Output } from './ethtrack/helper/v1/StateCount';
import type { StatsGroup as _ethtrack_helper_v1_StatsGroup, StatsGroup__Output as _ethtrack_helper_v1_StatsGroup__Output } from './ethtrack/helper/v1/StatsGroup';
import type { StatsQuery as _ethtrack_helper_v1_StatsQuery, StatsQuery__Output as _ethtrack_helper_v1_StatsQuery__Output } from './ethtrack/helper/v1/StatsQuery';
import type { WatchLinksRequest as _ethtrack_helper_v1_WatchLinksRequest, WatchLinksRequest__Output as _ethtrack_helper_v1_WatchLinksRequest__Output } from './ethtrack/helper/v1/WatchLinksRequest';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  ethtrack: {
    helper: {
      v1: {
        ConntrackBreakdown: MessageTypeDefinition<_ethtrack_helper_v1_ConntrackBreakdown, _ethtrack_helper_v1_ConntrackBreakdown__Output>
        ConntrackBreakdownRequest: MessageTypeDefinition<_ethtrack_helper_v1_ConntrackBreakdownRequest, _ethtrack_helper_v1_ConntrackBreakdownRequest__Output>
        ConntrackDeleteReply: MessageTypeDefinition<_ethtrack_helper_v1_ConntrackDeleteReply, _ethtrack_helper_v1_ConntrackDeleteReply__Output>
        ConntrackDeleteRequest: MessageTypeDefinition<_ethtrack_helper_v1_ConntrackDeleteRequest, _ethtrack_helper_v1_ConntrackDeleteRequest__Output>
        ConntrackDumpRequest: MessageTypeDefinition<_ethtrack_helper_v1_ConntrackDumpRequest, _ethtrack_helper_v1_ConntrackDumpRequest__Output>
        ConntrackEntry: MessageTypeDefinition<_ethtrack_helper_v1_ConntrackEntry, _ethtrack_helper_v1_ConntrackEntry__Output>
        ConntrackEntryBatch: MessageTypeDefinition<_ethtrack_helper_v1_ConntrackEntryBatch, _ethtrack_helper_v1_ConntrackEntryBatch__Output>
        ConntrackSummary: MessageTypeDefinition<_ethtrack_helper_v1_ConntrackSummary, _ethtrack_helper_v1_ConntrackSummary__Output>
        ConntrackSummaryRequest: MessageTypeDefinition<_ethtrack_helper_v1_ConntrackSummaryRequest, _ethtrack_helper_v1_ConntrackSummaryRequest__Output>
        Counter: MessageTypeDefinition<_ethtrack_helper_v1_Counter, _ethtrack_helper_v1_Counter__Output>
        CpuStats: MessageTypeDefinition<_ethtrack_helper_v1_CpuStats, _ethtrack_helper_v1_CpuStats__Output>
        DeviceSettings: MessageTypeDefinition<_ethtrack_helper_v1_DeviceSettings, _ethtrack_helper_v1_DeviceSettings__Output>
        DeviceStandardStats: MessageTypeDefinition<_ethtrack_helper_v1_DeviceStandardStats, _ethtrack_helper_v1_DeviceStandardStats__Output>
        EepromPage: MessageTypeDefinition<_ethtrack_helper_v1_EepromPage, _ethtrack_helper_v1_EepromPage__Output>
        EthtoolSettingsReply: MessageTypeDefinition<_ethtrack_helper_v1_EthtoolSettingsReply, _ethtrack_helper_v1_EthtoolSettingsReply__Output>
        EthtoolSettingsRequest: MessageTypeDefinition<_ethtrack_helper_v1_EthtoolSettingsRequest, _ethtrack_helper_v1_EthtoolSettingsRequest__Output>
        EthtoolStatsReply: MessageTypeDefinition<_ethtrack_helper_v1_EthtoolStatsReply, _ethtrack_helper_v1_EthtoolStatsReply__Output>
        EthtoolStatsRequest: MessageTypeDefinition<_ethtrack_helper_v1_EthtoolStatsRequest, _ethtrack_helper_v1_EthtoolStatsRequest__Output>
        EvictFlowsReply: MessageTypeDefinition<_ethtrack_helper_v1_EvictFlowsReply, _ethtrack_helper_v1_EvictFlowsReply__Output>
        EvictFlowsRequest: MessageTypeDefinition<_ethtrack_helper_v1_EvictFlowsRequest, _ethtrack_helper_v1_EvictFlowsRequest__Output>
        FlowSum: MessageTypeDefinition<_ethtrack_helper_v1_FlowSum, _ethtrack_helper_v1_FlowSum__Output>
        FlowsReply: MessageTypeDefinition<_ethtrack_helper_v1_FlowsReply, _ethtrack_helper_v1_FlowsReply__Output>
        FlowsRequest: MessageTypeDefinition<_ethtrack_helper_v1_FlowsRequest, _ethtrack_helper_v1_FlowsRequest__Output>
        GetInfoRequest: MessageTypeDefinition<_ethtrack_helper_v1_GetInfoRequest, _ethtrack_helper_v1_GetInfoRequest__Output>
        Helper: SubtypeConstructor<typeof grpc.Client, _ethtrack_helper_v1_HelperClient> & { service: _ethtrack_helper_v1_HelperDefinition }
        HelperInfo: MessageTypeDefinition<_ethtrack_helper_v1_HelperInfo, _ethtrack_helper_v1_HelperInfo__Output>
        HistogramBucket: MessageTypeDefinition<_ethtrack_helper_v1_HistogramBucket, _ethtrack_helper_v1_HistogramBucket__Output>
        Interface: MessageTypeDefinition<_ethtrack_helper_v1_Interface, _ethtrack_helper_v1_Interface__Output>
        InterfaceStats: MessageTypeDefinition<_ethtrack_helper_v1_InterfaceStats, _ethtrack_helper_v1_InterfaceStats__Output>
        LinkChanges: MessageTypeDefinition<_ethtrack_helper_v1_LinkChanges, _ethtrack_helper_v1_LinkChanges__Output>
        ListInterfacesReply: MessageTypeDefinition<_ethtrack_helper_v1_ListInterfacesReply, _ethtrack_helper_v1_ListInterfacesReply__Output>
        ListInterfacesRequest: MessageTypeDefinition<_ethtrack_helper_v1_ListInterfacesRequest, _ethtrack_helper_v1_ListInterfacesRequest__Output>
        ModuleEepromReply: MessageTypeDefinition<_ethtrack_helper_v1_ModuleEepromReply, _ethtrack_helper_v1_ModuleEepromReply__Output>
        ModuleEepromRequest: MessageTypeDefinition<_ethtrack_helper_v1_ModuleEepromRequest, _ethtrack_helper_v1_ModuleEepromRequest__Output>
        ProtocolStates: MessageTypeDefinition<_ethtrack_helper_v1_ProtocolStates, _ethtrack_helper_v1_ProtocolStates__Output>
        StandardStatsReply: MessageTypeDefinition<_ethtrack_helper_v1_StandardStatsReply, _ethtrack_helper_v1_StandardStatsReply__Output>
        StandardStatsRequest: MessageTypeDefinition<_ethtrack_helper_v1_StandardStatsRequest, _ethtrack_helper_v1_StandardStatsRequest__Output>
        StateCount: MessageTypeDefinition<_ethtrack_helper_v1_StateCount, _ethtrack_helper_v1_StateCount__Output>
        StatsGroup: MessageTypeDefinition<_ethtrack_helper_v1_StatsGroup, _ethtrack_helper_v1_StatsGroup__Output>
        StatsQuery: MessageTypeDefinition<_ethtrack_helper_v1_StatsQuery, _ethtrack_helper_v1_StatsQuery__Output>
        WatchLinksRequest: MessageTypeDefinition<_ethtrack_helper_v1_WatchLinksRequest, _ethtrack_helper_v1_WatchLinksRequest__Output>
      }
    }
  }
}

