// Original file: proto/ethtrack/helper/v1/helper.proto

import type { StatsGroup as _ethtrack_helper_v1_StatsGroup, StatsGroup__Output as _ethtrack_helper_v1_StatsGroup__Output } from '../../../ethtrack/helper/v1/StatsGroup';

export interface DeviceStandardStats {
  'interface'?: (string);
  'ifindex'?: (number);
  'groups'?: (_ethtrack_helper_v1_StatsGroup)[];
}

export interface DeviceStandardStats__Output {
  'interface': (string);
  'ifindex': (number);
  'groups': (_ethtrack_helper_v1_StatsGroup__Output)[];
}
