// Original file: proto/ethtrack/helper/v1/helper.proto

import type { ConntrackEntry as _ethtrack_helper_v1_ConntrackEntry, ConntrackEntry__Output as _ethtrack_helper_v1_ConntrackEntry__Output } from '../../../ethtrack/helper/v1/ConntrackEntry';

export interface ConntrackEntryBatch {
  'entries'?: (_ethtrack_helper_v1_ConntrackEntry)[];
  /**
   * Set on the last batch.
   */
  'done'?: (boolean);
  'truncated'?: (boolean);
  /**
   * True when the kernel reports accounting counters (nf_conntrack_acct=1).
   */
  'accounting'?: (boolean);
}

export interface ConntrackEntryBatch__Output {
  'entries': (_ethtrack_helper_v1_ConntrackEntry__Output)[];
  /**
   * Set on the last batch.
   */
  'done': (boolean);
  'truncated': (boolean);
  /**
   * True when the kernel reports accounting counters (nf_conntrack_acct=1).
   */
  'accounting': (boolean);
}
