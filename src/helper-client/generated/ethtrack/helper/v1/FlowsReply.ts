// Original file: proto/ethtrack/helper/v1/helper.proto

import type { FlowSum as _ethtrack_helper_v1_FlowSum, FlowSum__Output as _ethtrack_helper_v1_FlowSum__Output } from '../../../ethtrack/helper/v1/FlowSum';
import type { Long } from '@grpc/proto-loader';

export interface FlowsReply {
  'sums'?: (_ethtrack_helper_v1_FlowSum)[];
  'generation'?: (number | string | Long);
  /**
   * Records the table holds for entries seen in this dump (idle ones left out).
   */
  'tracked'?: (number | string | Long);
  'truncated'?: (boolean);
  /**
   * True when the kernel reports accounting counters (nf_conntrack_acct=1).
   */
  'accounting'?: (boolean);
  /**
   * Entries in this dump.
   */
  'entries'?: (number | string | Long);
  /**
   * Entries taken as a baseline (not counted) because the helper restarted.
   */
  'baselined'?: (number | string | Long);
  /**
   * True while subscribed to DESTROY events.
   */
  'events'?: (boolean);
  /**
   * DESTROY events dropped by the socket (overruns) since the subscription.
   */
  'eventsLost'?: (number | string | Long);
  /**
   * DESTROY events applied since the last reply.
   */
  'destroyed'?: (number | string | Long);
  /**
   * Bytes of memory the table holds (records, hash, sums).
   */
  'tableBytes'?: (number | string | Long);
  'durationNs'?: (number | string | Long);
}

export interface FlowsReply__Output {
  'sums': (_ethtrack_helper_v1_FlowSum__Output)[];
  'generation': (number);
  /**
   * Records the table holds for entries seen in this dump (idle ones left out).
   */
  'tracked': (number);
  'truncated': (boolean);
  /**
   * True when the kernel reports accounting counters (nf_conntrack_acct=1).
   */
  'accounting': (boolean);
  /**
   * Entries in this dump.
   */
  'entries': (number);
  /**
   * Entries taken as a baseline (not counted) because the helper restarted.
   */
  'baselined': (number);
  /**
   * True while subscribed to DESTROY events.
   */
  'events': (boolean);
  /**
   * DESTROY events dropped by the socket (overruns) since the subscription.
   */
  'eventsLost': (number);
  /**
   * DESTROY events applied since the last reply.
   */
  'destroyed': (number);
  /**
   * Bytes of memory the table holds (records, hash, sums).
   */
  'tableBytes': (number);
  'durationNs': (number);
}
