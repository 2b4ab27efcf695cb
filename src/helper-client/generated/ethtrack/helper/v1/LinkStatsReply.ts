// Original file: proto/ethtrack/helper/v1/helper.proto

import type { LinkStats as _ethtrack_helper_v1_LinkStats, LinkStats__Output as _ethtrack_helper_v1_LinkStats__Output } from '../../../ethtrack/helper/v1/LinkStats';

export interface LinkStatsReply {
  /**
   * Every device of the helper's network namespace, in dump order.
   */
  'devices'?: (_ethtrack_helper_v1_LinkStats)[];
}

export interface LinkStatsReply__Output {
  /**
   * Every device of the helper's network namespace, in dump order.
   */
  'devices': (_ethtrack_helper_v1_LinkStats__Output)[];
}
