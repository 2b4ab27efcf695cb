// Original file: proto/ethtrack/helper/v1/helper.proto

import type { InterfaceStats as _ethtrack_helper_v1_InterfaceStats, InterfaceStats__Output as _ethtrack_helper_v1_InterfaceStats__Output } from '../../../ethtrack/helper/v1/InterfaceStats';

export interface EthtoolStatsReply {
  'interfaces'?: (_ethtrack_helper_v1_InterfaceStats)[];
}

export interface EthtoolStatsReply__Output {
  'interfaces': (_ethtrack_helper_v1_InterfaceStats__Output)[];
}
