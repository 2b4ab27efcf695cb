// Original file: proto/ethtrack/helper/v1/helper.proto

import type { EepromPage as _ethtrack_helper_v1_EepromPage, EepromPage__Output as _ethtrack_helper_v1_EepromPage__Output } from '../../../ethtrack/helper/v1/EepromPage';

export interface ModuleEepromRequest {
  'interface'?: (string);
  /**
   * At most 16, read in order; the first failure ends the read.
   */
  'pages'?: (_ethtrack_helper_v1_EepromPage)[];
  /**
   * The helper stops waiting after this long (default 2000, at most 60000).
   */
  'deadlineMs'?: (number);
}

export interface ModuleEepromRequest__Output {
  'interface': (string);
  /**
   * At most 16, read in order; the first failure ends the read.
   */
  'pages': (_ethtrack_helper_v1_EepromPage__Output)[];
  /**
   * The helper stops waiting after this long (default 2000, at most 60000).
   */
  'deadlineMs': (number);
}
