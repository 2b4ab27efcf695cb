// Original file: proto/ethtrack/helper/v1/helper.proto


export interface EthtoolSettingsRequest {
  'channels'?: (boolean);
  'rings'?: (boolean);
  'coalesce'?: (boolean);
  /**
   * With ETHTOOL_FLAG_STATS, so pause and FEC statistics come along.
   */
  'pause'?: (boolean);
  'fec'?: (boolean);
}

export interface EthtoolSettingsRequest__Output {
  'channels': (boolean);
  'rings': (boolean);
  'coalesce': (boolean);
  /**
   * With ETHTOOL_FLAG_STATS, so pause and FEC statistics come along.
   */
  'pause': (boolean);
  'fec': (boolean);
}
