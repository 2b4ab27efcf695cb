// Original file: proto/ethtrack/helper/v1/helper.proto

import type { StatsQuery as _ethtrack_helper_v1_StatsQuery, StatsQuery__Output as _ethtrack_helper_v1_StatsQuery__Output } from '../../../ethtrack/helper/v1/StatsQuery';

export interface EthtoolStatsRequest {
  'queries'?: (_ethtrack_helper_v1_StatsQuery)[];
}

export interface EthtoolStatsRequest__Output {
  'queries': (_ethtrack_helper_v1_StatsQuery__Output)[];
}
