// Original file: proto/ethtrack/helper/v1/helper.proto

import type { DeviceStandardStats as _ethtrack_helper_v1_DeviceStandardStats, DeviceStandardStats__Output as _ethtrack_helper_v1_DeviceStandardStats__Output } from '../../../ethtrack/helper/v1/DeviceStandardStats';

export interface StandardStatsReply {
  'devices'?: (_ethtrack_helper_v1_DeviceStandardStats)[];
  'error'?: (string);
}

export interface StandardStatsReply__Output {
  'devices': (_ethtrack_helper_v1_DeviceStandardStats__Output)[];
  'error': (string);
}
