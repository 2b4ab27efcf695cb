// Original file: proto/ethtrack/helper/v1/helper.proto

import type { Long } from '@grpc/proto-loader';

export interface HistogramBucket {
  'low'?: (number);
  /**
   * 0 for an open upper bound.
   */
  'high'?: (number);
  'value'?: (number | string | Long);
}

export interface HistogramBucket__Output {
  'low': (number);
  /**
   * 0 for an open upper bound.
   */
  'high': (number);
  'value': (number);
}
