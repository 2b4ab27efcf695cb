// Original file: proto/ethtrack/helper/v1/helper.proto

import type { Long } from '@grpc/proto-loader';

export interface FlowsRequest {
  /**
   * The table generation of the caller's last reply; 0 on the caller's first
   * call, which starts a new table that counts every entry's history. A
   * generation the helper does not hold (the helper restarted) starts a new
   * table that takes the entries of its first complete dump as a baseline.
   */
  'generation'?: (number | string | Long);
  'deadlineMs'?: (number);
}

export interface FlowsRequest__Output {
  /**
   * The table generation of the caller's last reply; 0 on the caller's first
   * call, which starts a new table that counts every entry's history. A
   * generation the helper does not hold (the helper restarted) starts a new
   * table that takes the entries of its first complete dump as a baseline.
   */
  'generation': (number);
  'deadlineMs': (number);
}
