// Original file: proto/ethtrack/helper/v1/helper.proto

import type { HistogramBucket as _ethtrack_helper_v1_HistogramBucket, HistogramBucket__Output as _ethtrack_helper_v1_HistogramBucket__Output } from '../../../ethtrack/helper/v1/HistogramBucket';
import type { Long } from '@grpc/proto-loader';

export interface StatsGroup {
  /**
   * ETHTOOL_STATS_* group id.
   */
  'id'?: (number);
  /**
   * (stat attribute type, value) pairs of ETHTOOL_A_STATS_GRP_STAT, in the
   * group's uapi numbering (ETHTOOL_A_STATS_ETH_MAC_*, ...).
   */
  'stats'?: (number | string | Long)[];
  'rxHistogram'?: (_ethtrack_helper_v1_HistogramBucket)[];
  'txHistogram'?: (_ethtrack_helper_v1_HistogramBucket)[];
}

export interface StatsGroup__Output {
  /**
   * ETHTOOL_STATS_* group id.
   */
  'id': (number);
  /**
   * (stat attribute type, value) pairs of ETHTOOL_A_STATS_GRP_STAT, in the
   * group's uapi numbering (ETHTOOL_A_STATS_ETH_MAC_*, ...).
   */
  'stats': (number)[];
  'rxHistogram': (_ethtrack_helper_v1_HistogramBucket__Output)[];
  'txHistogram': (_ethtrack_helper_v1_HistogramBucket__Output)[];
}
