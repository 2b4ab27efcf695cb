// Original file: proto/ethtrack/helper/v1/helper.proto

import type { StateCount as _ethtrack_helper_v1_StateCount, StateCount__Output as _ethtrack_helper_v1_StateCount__Output } from '../../../ethtrack/helper/v1/StateCount';
import type { Long } from '@grpc/proto-loader';

export interface ConntrackBreakdown {
  'counts'?: (_ethtrack_helper_v1_StateCount)[];
  'total'?: (number | string | Long);
  'durationNs'?: (number | string | Long);
  'truncated'?: (boolean);
}

export interface ConntrackBreakdown__Output {
  'counts': (_ethtrack_helper_v1_StateCount__Output)[];
  'total': (number);
  'durationNs': (number);
  'truncated': (boolean);
}
