// Original file: proto/ethtrack/helper/v1/helper.proto


export interface ConntrackBreakdownRequest {
  'deadlineMs'?: (number);
  /**
   * Count only this conntrack zone when has_zone is set.
   */
  'hasZone'?: (boolean);
  'zone'?: (number);
}

export interface ConntrackBreakdownRequest__Output {
  'deadlineMs': (number);
  /**
   * Count only this conntrack zone when has_zone is set.
   */
  'hasZone': (boolean);
  'zone': (number);
}
