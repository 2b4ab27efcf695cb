// Original file: proto/ethtrack/helper/v1/helper.proto

import type { Counter as _ethtrack_helper_v1_Counter, Counter__Output as _ethtrack_helper_v1_Counter__Output } from '../../../ethtrack/helper/v1/Counter';
import type { CpuStats as _ethtrack_helper_v1_CpuStats, CpuStats__Output as _ethtrack_helper_v1_CpuStats__Output } from '../../../ethtrack/helper/v1/CpuStats';
import type { Long } from '@grpc/proto-loader';

export interface ConntrackSummary {
  /**
   * False when nf_conntrack is not loaded; the rest is then empty.
   */
  'available'?: (boolean);
  'entries'?: (number | string | Long);
  'limit'?: (number | string | Long);
  'buckets'?: (number | string | Long);
  /**
   * Summed over CPUs; only the counters the kernel reports.
   */
  'counters'?: (_ethtrack_helper_v1_Counter)[];
  'cpus'?: (_ethtrack_helper_v1_CpuStats)[];
  /**
   * "netlink" or "proc" for where entries/limit came from.
   */
  'source'?: (string);
}

export interface ConntrackSummary__Output {
  /**
   * False when nf_conntrack is not loaded; the rest is then empty.
   */
  'available': (boolean);
  'entries': (number);
  'limit': (number);
  'buckets': (number);
  /**
   * Summed over CPUs; only the counters the kernel reports.
   */
  'counters': (_ethtrack_helper_v1_Counter__Output)[];
  'cpus': (_ethtrack_helper_v1_CpuStats__Output)[];
  /**
   * "netlink" or "proc" for where entries/limit came from.
   */
  'source': (string);
}
