// Original file: proto/ethtrack/helper/v1/helper.proto

import type { Long } from '@grpc/proto-loader';

export interface StatsQuery {
  'interface'?: (string);
  /**
   * The generation of the names the caller holds; 0 when none.
   */
  'knownGeneration'?: (number | string | Long);
}

export interface StatsQuery__Output {
  'interface': (string);
  /**
   * The generation of the names the caller holds; 0 when none.
   */
  'knownGeneration': (number);
}
