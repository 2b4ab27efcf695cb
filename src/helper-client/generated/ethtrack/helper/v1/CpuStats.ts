// Original file: proto/ethtrack/helper/v1/helper.proto

import type { Counter as _ethtrack_helper_v1_Counter, Counter__Output as _ethtrack_helper_v1_Counter__Output } from '../../../ethtrack/helper/v1/Counter';

export interface CpuStats {
  'cpu'?: (number);
  'counters'?: (_ethtrack_helper_v1_Counter)[];
}

export interface CpuStats__Output {
  'cpu': (number);
  'counters': (_ethtrack_helper_v1_Counter__Output)[];
}
