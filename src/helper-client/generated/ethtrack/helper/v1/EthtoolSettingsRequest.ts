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
  /**
   * LINKSTATE_GET: link, SQI and the extended state (why a link is down).
   */
  'linkState'?: (boolean);
  /**
   * LINKMODES_GET: our supported and advertised modes and the peer's.
   */
  'linkModes'?: (boolean);
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
  /**
   * LINKSTATE_GET: link, SQI and the extended state (why a link is down).
   */
  'linkState': (boolean);
  /**
   * LINKMODES_GET: our supported and advertised modes and the peer's.
   */
  'linkModes': (boolean);
}
