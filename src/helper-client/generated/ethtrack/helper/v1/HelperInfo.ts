// Original file: proto/ethtrack/helper/v1/helper.proto

import type { Long } from '@grpc/proto-loader';

export interface HelperInfo {
  'version'?: (string);
  /**
   * Capability names held in the effective set, e.g. "cap_net_admin".
   */
  'capabilities'?: (string)[];
  'residentMemoryBytes'?: (number | string | Long);
  'pid'?: (number);
  'noNewPrivs'?: (boolean);
  /**
   * Seccomp mode from /proc/self/status (0 off, 2 filter).
   */
  'seccompMode'?: (number);
}

export interface HelperInfo__Output {
  'version': (string);
  /**
   * Capability names held in the effective set, e.g. "cap_net_admin".
   */
  'capabilities': (string)[];
  'residentMemoryBytes': (number);
  'pid': (number);
  'noNewPrivs': (boolean);
  /**
   * Seccomp mode from /proc/self/status (0 off, 2 filter).
   */
  'seccompMode': (number);
}
