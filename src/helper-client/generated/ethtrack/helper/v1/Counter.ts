// Original file: proto/ethtrack/helper/v1/helper.proto

import type { Long } from '@grpc/proto-loader';

export interface Counter {
  /**
   * Kernel name in lower snake case: found, invalid, insert, insert_failed,
   * drop, early_drop, error, search_restart, clash_resolve, chaintoolong, ...
   */
  'name'?: (string);
  'value'?: (number | string | Long);
}

export interface Counter__Output {
  /**
   * Kernel name in lower snake case: found, invalid, insert, insert_failed,
   * drop, early_drop, error, search_restart, clash_resolve, chaintoolong, ...
   */
  'name': (string);
  'value': (number);
}
