// Original file: proto/ethtrack/helper/v1/helper.proto

import type { Interface as _ethtrack_helper_v1_Interface, Interface__Output as _ethtrack_helper_v1_Interface__Output } from '../../../ethtrack/helper/v1/Interface';

export interface ListInterfacesReply {
  'interfaces'?: (_ethtrack_helper_v1_Interface)[];
}

export interface ListInterfacesReply__Output {
  'interfaces': (_ethtrack_helper_v1_Interface__Output)[];
}
