// Original file: proto/ethtrack/helper/v1/helper.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One (protocol, peer, port)'s counter deltas since the last reply.
 */
export interface FlowSum {
  /**
   * IPPROTO_*
   */
  'protocol'?: (number);
  /**
   * 4 or 16 bytes: the other side, per SPEC (the original destination when
   * both sides are local).
   */
  'peer'?: (Buffer | Uint8Array | string);
  /**
   * The original direction's destination port for tcp, udp and sctp; else 0.
   */
  'port'?: (number);
  'origBytes'?: (number | string | Long);
  'origPackets'?: (number | string | Long);
  'replyBytes'?: (number | string | Long);
  'replyPackets'?: (number | string | Long);
}

/**
 * One (protocol, peer, port)'s counter deltas since the last reply.
 */
export interface FlowSum__Output {
  /**
   * IPPROTO_*
   */
  'protocol': (number);
  /**
   * 4 or 16 bytes: the other side, per SPEC (the original destination when
   * both sides are local).
   */
  'peer': (Buffer);
  /**
   * The original direction's destination port for tcp, udp and sctp; else 0.
   */
  'port': (number);
  'origBytes': (number);
  'origPackets': (number);
  'replyBytes': (number);
  'replyPackets': (number);
}
