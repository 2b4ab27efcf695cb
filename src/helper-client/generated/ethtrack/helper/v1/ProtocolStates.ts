// Original file: proto/ethtrack/helper/v1/helper.proto


export interface ProtocolStates {
  'protocol'?: (number);
  /**
   * State names per SPEC; empty means every state of the protocol.
   */
  'states'?: (string)[];
}

export interface ProtocolStates__Output {
  'protocol': (number);
  /**
   * State names per SPEC; empty means every state of the protocol.
   */
  'states': (string)[];
}
