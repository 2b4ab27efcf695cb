// Original file: proto/ethtrack/helper/v1/helper.proto

import type { Long } from '@grpc/proto-loader';

// Original file: proto/ethtrack/helper/v1/helper.proto

export const _ethtrack_helper_v1_InterfaceStats_Status = {
  OK: 'OK',
  NO_SUCH_DEVICE: 'NO_SUCH_DEVICE',
  /**
   * The driver has no ethtool stats (EOPNOTSUPP or zero stats).
   */
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  ERROR: 'ERROR',
} as const;

export type _ethtrack_helper_v1_InterfaceStats_Status =
  | 'OK'
  | 0
  | 'NO_SUCH_DEVICE'
  | 1
  /**
   * The driver has no ethtool stats (EOPNOTSUPP or zero stats).
   */
  | 'NOT_SUPPORTED'
  | 2
  | 'ERROR'
  | 3

export type _ethtrack_helper_v1_InterfaceStats_Status__Output = typeof _ethtrack_helper_v1_InterfaceStats_Status[keyof typeof _ethtrack_helper_v1_InterfaceStats_Status]

export interface InterfaceStats {
  'interface'?: (string);
  'status'?: (_ethtrack_helper_v1_InterfaceStats_Status);
  /**
   * errno text when status is ERROR.
   */
  'error'?: (string);
  /**
   * Changes whenever the helper re-reads the string set.
   */
  'generation'?: (number | string | Long);
  /**
   * Present only when generation != the caller's known_generation.
   */
  'names'?: (string)[];
  'values'?: (number | string | Long)[];
}

export interface InterfaceStats__Output {
  'interface': (string);
  'status': (_ethtrack_helper_v1_InterfaceStats_Status__Output);
  /**
   * errno text when status is ERROR.
   */
  'error': (string);
  /**
   * Changes whenever the helper re-reads the string set.
   */
  'generation': (number);
  /**
   * Present only when generation != the caller's known_generation.
   */
  'names': (string)[];
  'values': (number)[];
}
