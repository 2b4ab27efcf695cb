// Original file: proto/ethtrack/helper/v1/helper.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The kinds a device supports; a device absent from a kind's dump (the
 * kernel skips EOPNOTSUPP in dumps) has the kind's field empty.
 */
export interface DeviceSettings {
  'interface'?: (string);
  'ifindex'?: (number);
  /**
   * (attribute type, value) pairs of the reply's top-level u8/u32
   * attributes, in the uapi numbering: ETHTOOL_A_CHANNELS_*,
   * ETHTOOL_A_RINGS_*, ETHTOOL_A_COALESCE_*, ETHTOOL_A_PAUSE_*.
   */
  'channels'?: (number)[];
  'rings'?: (number)[];
  'coalesce'?: (number)[];
  'pause'?: (number)[];
  /**
   * (ETHTOOL_A_PAUSE_STAT_* type, value) pairs.
   */
  'pauseStats'?: (number | string | Long)[];
  'fecKnown'?: (boolean);
  /**
   * Link mode bit numbers set in ETHTOOL_A_FEC_MODES (ETHTOOL_LINK_MODE_FEC_*).
   */
  'fecModes'?: (number)[];
  'fecAuto'?: (boolean);
  /**
   * ETHTOOL_A_FEC_ACTIVE, a link mode bit number; 0 when absent.
   */
  'fecActive'?: (number);
  /**
   * ETHTOOL_A_FEC_STAT_* arrays: the total first, then one value per lane.
   */
  'fecCorrected'?: (number | string | Long)[];
  'fecUncorrectable'?: (number | string | Long)[];
  'fecCorrectedBits'?: (number | string | Long)[];
  /**
   * (ETHTOOL_A_LINKSTATE_* type, value) pairs of the u8/u32 attributes:
   * LINK, SQI, SQI_MAX, EXT_STATE, EXT_SUBSTATE, EXT_DOWN_CNT.
   */
  'linkState'?: (number)[];
  /**
   * (ETHTOOL_A_LINKMODES_* type, value) pairs of the u8/u32 attributes:
   * AUTONEG, SPEED, DUPLEX, LANES, ...; the bitsets are below.
   */
  'linkModes'?: (number)[];
  /**
   * Link mode bit numbers (enum ethtool_link_mode_bit_indices) of
   * ETHTOOL_A_LINKMODES_OURS: its value (advertised) and its mask
   * (supported), and of ETHTOOL_A_LINKMODES_PEER (the partner advertises).
   */
  'linkModesAdvertised'?: (number)[];
  'linkModesSupported'?: (number)[];
  'linkModesPeer'?: (number)[];
}

/**
 * The kinds a device supports; a device absent from a kind's dump (the
 * kernel skips EOPNOTSUPP in dumps) has the kind's field empty.
 */
export interface DeviceSettings__Output {
  'interface': (string);
  'ifindex': (number);
  /**
   * (attribute type, value) pairs of the reply's top-level u8/u32
   * attributes, in the uapi numbering: ETHTOOL_A_CHANNELS_*,
   * ETHTOOL_A_RINGS_*, ETHTOOL_A_COALESCE_*, ETHTOOL_A_PAUSE_*.
   */
  'channels': (number)[];
  'rings': (number)[];
  'coalesce': (number)[];
  'pause': (number)[];
  /**
   * (ETHTOOL_A_PAUSE_STAT_* type, value) pairs.
   */
  'pauseStats': (number)[];
  'fecKnown': (boolean);
  /**
   * Link mode bit numbers set in ETHTOOL_A_FEC_MODES (ETHTOOL_LINK_MODE_FEC_*).
   */
  'fecModes': (number)[];
  'fecAuto': (boolean);
  /**
   * ETHTOOL_A_FEC_ACTIVE, a link mode bit number; 0 when absent.
   */
  'fecActive': (number);
  /**
   * ETHTOOL_A_FEC_STAT_* arrays: the total first, then one value per lane.
   */
  'fecCorrected': (number)[];
  'fecUncorrectable': (number)[];
  'fecCorrectedBits': (number)[];
  /**
   * (ETHTOOL_A_LINKSTATE_* type, value) pairs of the u8/u32 attributes:
   * LINK, SQI, SQI_MAX, EXT_STATE, EXT_SUBSTATE, EXT_DOWN_CNT.
   */
  'linkState': (number)[];
  /**
   * (ETHTOOL_A_LINKMODES_* type, value) pairs of the u8/u32 attributes:
   * AUTONEG, SPEED, DUPLEX, LANES, ...; the bitsets are below.
   */
  'linkModes': (number)[];
  /**
   * Link mode bit numbers (enum ethtool_link_mode_bit_indices) of
   * ETHTOOL_A_LINKMODES_OURS: its value (advertised) and its mask
   * (supported), and of ETHTOOL_A_LINKMODES_PEER (the partner advertises).
   */
  'linkModesAdvertised': (number)[];
  'linkModesSupported': (number)[];
  'linkModesPeer': (number)[];
}
