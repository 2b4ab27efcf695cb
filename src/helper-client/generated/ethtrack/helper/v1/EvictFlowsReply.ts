// Original file: proto/ethtrack/helper/v1/helper.proto

import type { Long } from '@grpc/proto-loader';

export interface EvictFlowsReply {
  /**
   * Records of entries missing from the last complete dump (no event seen).
   */
  'gone'?: (number | string | Long);
  /**
   * Records idle past their protocol's timeout, kept out until they move.
   */
  'idle'?: (number | string | Long);
}

export interface EvictFlowsReply__Output {
  /**
   * Records of entries missing from the last complete dump (no event seen).
   */
  'gone': (number);
  /**
   * Records idle past their protocol's timeout, kept out until they move.
   */
  'idle': (number);
}
