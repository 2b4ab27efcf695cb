// Original file: proto/ethtrack/helper/v1/helper.proto

import type { Long } from '@grpc/proto-loader';

export interface LinkStats {
  'interface'?: (string);
  'ifindex'?: (number);
  /**
   * IFLA_STATS64: struct rtnl_link_stats64's fields in uapi order (rx_packets,
   * tx_packets, rx_bytes, ...), as many as the kernel sent; empty when it
   * sent none.
   */
  'stats64'?: (number | string | Long)[];
  /**
   * IFLA_CARRIER_UP_COUNT / IFLA_CARRIER_DOWN_COUNT (kernel 4.16 and later);
   * carrier_counts is false when the kernel sent neither.
   */
  'carrierCounts'?: (boolean);
  'carrierUpCount'?: (number);
  'carrierDownCount'?: (number);
}

export interface LinkStats__Output {
  'interface': (string);
  'ifindex': (number);
  /**
   * IFLA_STATS64: struct rtnl_link_stats64's fields in uapi order (rx_packets,
   * tx_packets, rx_bytes, ...), as many as the kernel sent; empty when it
   * sent none.
   */
  'stats64': (number)[];
  /**
   * IFLA_CARRIER_UP_COUNT / IFLA_CARRIER_DOWN_COUNT (kernel 4.16 and later);
   * carrier_counts is false when the kernel sent neither.
   */
  'carrierCounts': (boolean);
  'carrierUpCount': (number);
  'carrierDownCount': (number);
}
