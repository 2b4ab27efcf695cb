// Original file: proto/ethtrack/helper/v1/helper.proto


export interface Interface {
  'name'?: (string);
  'ifindex'?: (number);
  /**
   * Empty when the device has no ethtool driver info (EOPNOTSUPP).
   */
  'driver'?: (string);
  'driverVersion'?: (string);
  'firmwareVersion'?: (string);
  'busInfo'?: (string);
  /**
   * Stat count from ETHTOOL_GSSET_INFO(ETH_SS_STATS); 0 when unsupported.
   */
  'nStats'?: (number);
  /**
   * ETHTOOL_GLINK succeeded
   */
  'linkKnown'?: (boolean);
  'linkUp'?: (boolean);
  /**
   * From ETHTOOL_GLINKSETTINGS. settings_known is false when unsupported.
   */
  'settingsKnown'?: (boolean);
  /**
   * Megabits per second; 0 when unknown (SPEED_UNKNOWN).
   */
  'speedMbps'?: (number);
  /**
   * 0 half, 1 full, 255 unknown (DUPLEX_*).
   */
  'duplex'?: (number);
  'autoneg'?: (boolean);
  'port'?: (number);
  /**
   * Link mode bitmaps as 32-bit words, least significant word first.
   */
  'supportedModes'?: (number)[];
  'advertisingModes'?: (number)[];
  'lpAdvertisingModes'?: (number)[];
}

export interface Interface__Output {
  'name': (string);
  'ifindex': (number);
  /**
   * Empty when the device has no ethtool driver info (EOPNOTSUPP).
   */
  'driver': (string);
  'driverVersion': (string);
  'firmwareVersion': (string);
  'busInfo': (string);
  /**
   * Stat count from ETHTOOL_GSSET_INFO(ETH_SS_STATS); 0 when unsupported.
   */
  'nStats': (number);
  /**
   * ETHTOOL_GLINK succeeded
   */
  'linkKnown': (boolean);
  'linkUp': (boolean);
  /**
   * From ETHTOOL_GLINKSETTINGS. settings_known is false when unsupported.
   */
  'settingsKnown': (boolean);
  /**
   * Megabits per second; 0 when unknown (SPEED_UNKNOWN).
   */
  'speedMbps': (number);
  /**
   * 0 half, 1 full, 255 unknown (DUPLEX_*).
   */
  'duplex': (number);
  'autoneg': (boolean);
  'port': (number);
  /**
   * Link mode bitmaps as 32-bit words, least significant word first.
   */
  'supportedModes': (number)[];
  'advertisingModes': (number)[];
  'lpAdvertisingModes': (number)[];
}
