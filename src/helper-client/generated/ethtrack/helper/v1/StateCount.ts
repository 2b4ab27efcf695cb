// Original file: proto/ethtrack/helper/v1/helper.proto

import type { Long } from '@grpc/proto-loader';

export interface StateCount {
  /**
   * ipv4, ipv6
   */
  'family'?: (string);
  /**
   * tcp, udp, icmp, icmpv6, sctp, gre, other
   */
  'protocol'?: (string);
  /**
   * SPEC's state rules
   */
  'state'?: (string);
  'count'?: (number | string | Long);
}

export interface StateCount__Output {
  /**
   * ipv4, ipv6
   */
  'family': (string);
  /**
   * tcp, udp, icmp, icmpv6, sctp, gre, other
   */
  'protocol': (string);
  /**
   * SPEC's state rules
   */
  'state': (string);
  'count': (number);
}
