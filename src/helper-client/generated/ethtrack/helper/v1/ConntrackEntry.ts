// Original file: proto/ethtrack/helper/v1/helper.proto

import type { Long } from '@grpc/proto-loader';

export interface ConntrackEntry {
  /**
   * AF_INET (2) or AF_INET6 (10)
   */
  'family'?: (number);
  /**
   * IPPROTO_*
   */
  'protocol'?: (number);
  'origSrc'?: (Buffer | Uint8Array | string);
  'origDst'?: (Buffer | Uint8Array | string);
  'origSport'?: (number);
  'origDport'?: (number);
  'replySrc'?: (Buffer | Uint8Array | string);
  'replyDst'?: (Buffer | Uint8Array | string);
  'replySport'?: (number);
  'replyDport'?: (number);
  /**
   * Protocol state name as in SPEC (established, time_wait, ..., unreplied,
   * replied, assured).
   */
  'state'?: (string);
  /**
   * IPS_* bits
   */
  'status'?: (number);
  /**
   * seconds remaining
   */
  'timeout'?: (number);
  'mark'?: (number);
  'zone'?: (number);
  'id'?: (number);
  'origPackets'?: (number | string | Long);
  'origBytes'?: (number | string | Long);
  'replyPackets'?: (number | string | Long);
  'replyBytes'?: (number | string | Long);
  /**
   * CTA_TIMESTAMP_START: wall-clock ns since the epoch; 0 when nf_conntrack_timestamp is off.
   */
  'startNs'?: (number | string | Long);
  /**
   * The ICMP type/code or id for icmp entries (0 otherwise).
   */
  'icmpId'?: (number);
}

export interface ConntrackEntry__Output {
  /**
   * AF_INET (2) or AF_INET6 (10)
   */
  'family': (number);
  /**
   * IPPROTO_*
   */
  'protocol': (number);
  'origSrc': (Buffer);
  'origDst': (Buffer);
  'origSport': (number);
  'origDport': (number);
  'replySrc': (Buffer);
  'replyDst': (Buffer);
  'replySport': (number);
  'replyDport': (number);
  /**
   * Protocol state name as in SPEC (established, time_wait, ..., unreplied,
   * replied, assured).
   */
  'state': (string);
  /**
   * IPS_* bits
   */
  'status': (number);
  /**
   * seconds remaining
   */
  'timeout': (number);
  'mark': (number);
  'zone': (number);
  'id': (number);
  'origPackets': (number);
  'origBytes': (number);
  'replyPackets': (number);
  'replyBytes': (number);
  /**
   * CTA_TIMESTAMP_START: wall-clock ns since the epoch; 0 when nf_conntrack_timestamp is off.
   */
  'startNs': (number);
  /**
   * The ICMP type/code or id for icmp entries (0 otherwise).
   */
  'icmpId': (number);
}
