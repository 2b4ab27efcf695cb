// Original file: proto/ethtrack/helper/v1/helper.proto

import type { ProtocolStates as _ethtrack_helper_v1_ProtocolStates, ProtocolStates__Output as _ethtrack_helper_v1_ProtocolStates__Output } from '../../../ethtrack/helper/v1/ProtocolStates';

export interface ConntrackDeleteRequest {
  /**
   * IPPROTO_* numbers; empty means none (a filter must name protocols).
   */
  'rules'?: (_ethtrack_helper_v1_ProtocolStates)[];
  /**
   * Only entries with at most this many seconds left (0: no bound).
   */
  'maxTimeoutRemaining'?: (number);
  /**
   * Only entries older than this many seconds (needs timestamps; 0: no bound).
   */
  'minAgeSeconds'?: (number);
  /**
   * Status bits that must be set / clear.
   */
  'statusSet'?: (number);
  'statusClear'?: (number);
  'maxCount'?: (number);
  'dryRun'?: (boolean);
  'deadlineMs'?: (number);
}

export interface ConntrackDeleteRequest__Output {
  /**
   * IPPROTO_* numbers; empty means none (a filter must name protocols).
   */
  'rules': (_ethtrack_helper_v1_ProtocolStates__Output)[];
  /**
   * Only entries with at most this many seconds left (0: no bound).
   */
  'maxTimeoutRemaining': (number);
  /**
   * Only entries older than this many seconds (needs timestamps; 0: no bound).
   */
  'minAgeSeconds': (number);
  /**
   * Status bits that must be set / clear.
   */
  'statusSet': (number);
  'statusClear': (number);
  'maxCount': (number);
  'dryRun': (boolean);
  'deadlineMs': (number);
}
