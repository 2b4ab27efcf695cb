// TypeScript view of proto/ethtrack/helper/v1/helper.proto as @grpc/proto-loader
// decodes it (camelCase fields, 64-bit integers as numbers, enums as
// strings, defaults filled in). Keep in step with the proto.

export interface HelperInfo {
  version: string;
  capabilities: string[];
  residentMemoryBytes: number;
  pid: number;
  noNewPrivs: boolean;
  seccompMode: number;
}

export interface NetInterface {
  name: string;
  ifindex: number;
  driver: string;
  driverVersion: string;
  firmwareVersion: string;
  busInfo: string;
  nStats: number;
  linkKnown: boolean;
  linkUp: boolean;
  settingsKnown: boolean;
  speedMbps: number;
  duplex: number;
  autoneg: boolean;
  port: number;
  supportedModes: number[];
  advertisingModes: number[];
  lpAdvertisingModes: number[];
}

export interface ListInterfacesReply {
  interfaces: NetInterface[];
}

export interface StatsQuery {
  interface: string;
  knownGeneration: number;
}

export type InterfaceStatsStatus = 'OK' | 'NO_SUCH_DEVICE' | 'NOT_SUPPORTED' | 'ERROR';

export interface InterfaceStats {
  interface: string;
  status: InterfaceStatsStatus;
  error: string;
  generation: number;
  names: string[];
  values: number[];
}

export interface EthtoolStatsReply {
  interfaces: InterfaceStats[];
}

export interface Counter {
  name: string;
  value: number;
}

export interface CpuStats {
  cpu: number;
  counters: Counter[];
}

export interface ConntrackSummary {
  available: boolean;
  entries: number;
  limit: number;
  buckets: number;
  counters: Counter[];
  cpus: CpuStats[];
  source: string;
}

export interface StateCount {
  family: string;
  protocol: string;
  state: string;
  count: number;
}

export interface ConntrackBreakdown {
  counts: StateCount[];
  total: number;
  durationNs: number;
  truncated: boolean;
}

export interface ConntrackEntry {
  family: number;
  protocol: number;
  origSrc: Buffer;
  origDst: Buffer;
  origSport: number;
  origDport: number;
  replySrc: Buffer;
  replyDst: Buffer;
  replySport: number;
  replyDport: number;
  state: string;
  status: number;
  timeout: number;
  mark: number;
  zone: number;
  id: number;
  origPackets: number;
  origBytes: number;
  replyPackets: number;
  replyBytes: number;
  startNs: number;
  icmpId: number;
}

export interface ConntrackEntryBatch {
  entries: ConntrackEntry[];
  done: boolean;
  truncated: boolean;
  accounting: boolean;
}

export interface ProtocolStates {
  protocol: number;
  states: string[];
}

export interface ConntrackDeleteRequest {
  rules: ProtocolStates[];
  maxTimeoutRemaining?: number;
  minAgeSeconds?: number;
  statusSet?: number;
  statusClear?: number;
  maxCount: number;
  dryRun: boolean;
  deadlineMs: number;
}

export interface ConntrackDeleteReply {
  matched: StateCount[];
  deleted: StateCount[];
  scanned: number;
  truncated: boolean;
}
