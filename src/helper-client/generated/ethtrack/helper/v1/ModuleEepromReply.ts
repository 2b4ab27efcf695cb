// Original file: proto/ethtrack/helper/v1/helper.proto

import type { EepromPage as _ethtrack_helper_v1_EepromPage, EepromPage__Output as _ethtrack_helper_v1_EepromPage__Output } from '../../../ethtrack/helper/v1/EepromPage';

// Original file: proto/ethtrack/helper/v1/helper.proto

export const _ethtrack_helper_v1_ModuleEepromReply_Status = {
  OK: 'OK',
  NO_SUCH_DEVICE: 'NO_SUCH_DEVICE',
  /**
   * No module, or the driver cannot read it (EOPNOTSUPP, ENODEV from the driver).
   */
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  ERROR: 'ERROR',
  /**
   * The read outlived deadline_ms; it goes on in the background.
   */
  TIMED_OUT: 'TIMED_OUT',
  /**
   * A read of this device that timed out earlier has not finished.
   */
  BUSY: 'BUSY',
} as const;

export type _ethtrack_helper_v1_ModuleEepromReply_Status =
  | 'OK'
  | 0
  | 'NO_SUCH_DEVICE'
  | 1
  /**
   * No module, or the driver cannot read it (EOPNOTSUPP, ENODEV from the driver).
   */
  | 'NOT_SUPPORTED'
  | 2
  | 'ERROR'
  | 3
  /**
   * The read outlived deadline_ms; it goes on in the background.
   */
  | 'TIMED_OUT'
  | 4
  /**
   * A read of this device that timed out earlier has not finished.
   */
  | 'BUSY'
  | 5

export type _ethtrack_helper_v1_ModuleEepromReply_Status__Output = typeof _ethtrack_helper_v1_ModuleEepromReply_Status[keyof typeof _ethtrack_helper_v1_ModuleEepromReply_Status]

export interface ModuleEepromReply {
  'status'?: (_ethtrack_helper_v1_ModuleEepromReply_Status);
  'error'?: (string);
  /**
   * The pages read, in request order; fewer than asked after a failure.
   */
  'pages'?: (_ethtrack_helper_v1_EepromPage)[];
}

export interface ModuleEepromReply__Output {
  'status': (_ethtrack_helper_v1_ModuleEepromReply_Status__Output);
  'error': (string);
  /**
   * The pages read, in request order; fewer than asked after a failure.
   */
  'pages': (_ethtrack_helper_v1_EepromPage__Output)[];
}
