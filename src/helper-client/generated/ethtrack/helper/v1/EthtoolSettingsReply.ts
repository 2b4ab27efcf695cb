// Original file: proto/ethtrack/helper/v1/helper.proto

import type { DeviceSettings as _ethtrack_helper_v1_DeviceSettings, DeviceSettings__Output as _ethtrack_helper_v1_DeviceSettings__Output } from '../../../ethtrack/helper/v1/DeviceSettings';

export interface EthtoolSettingsReply {
  'devices'?: (_ethtrack_helper_v1_DeviceSettings)[];
  /**
   * "kind: error" for a dump that failed as a whole.
   */
  'errors'?: (string)[];
}

export interface EthtoolSettingsReply__Output {
  'devices': (_ethtrack_helper_v1_DeviceSettings__Output)[];
  /**
   * "kind: error" for a dump that failed as a whole.
   */
  'errors': (string)[];
}
