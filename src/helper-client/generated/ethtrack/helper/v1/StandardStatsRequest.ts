// Original file: proto/ethtrack/helper/v1/helper.proto


export interface StandardStatsRequest {
  /**
   * Bit n set asks for ETHTOOL_STATS group n (0 eth-phy, 1 eth-mac,
   * 2 eth-ctrl, 3 rmon); 0 asks for all four.
   */
  'groups'?: (number);
}

export interface StandardStatsRequest__Output {
  /**
   * Bit n set asks for ETHTOOL_STATS group n (0 eth-phy, 1 eth-mac,
   * 2 eth-ctrl, 3 rmon); 0 asks for all four.
   */
  'groups': (number);
}
