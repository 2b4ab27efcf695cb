// Original file: proto/ethtrack/helper/v1/helper.proto

import type { StateCount as _ethtrack_helper_v1_StateCount, StateCount__Output as _ethtrack_helper_v1_StateCount__Output } from '../../../ethtrack/helper/v1/StateCount';
import type { Long } from '@grpc/proto-loader';

export interface ConntrackDeleteReply {
  /**
   * Matches (candidates in dry run) and deletions, by protocol/state.
   */
  'matched'?: (_ethtrack_helper_v1_StateCount)[];
  'deleted'?: (_ethtrack_helper_v1_StateCount)[];
  'scanned'?: (number | string | Long);
  'truncated'?: (boolean);
}

export interface ConntrackDeleteReply__Output {
  /**
   * Matches (candidates in dry run) and deletions, by protocol/state.
   */
  'matched': (_ethtrack_helper_v1_StateCount__Output)[];
  'deleted': (_ethtrack_helper_v1_StateCount__Output)[];
  'scanned': (number);
  'truncated': (boolean);
}
