// Original file: proto/ethtrack/helper/v1/helper.proto


export interface EepromPage {
  /**
   * 0x50 or 0x51 (SFF-8472's diagnostics) as a 7-bit address.
   */
  'i2cAddress'?: (number);
  'page'?: (number);
  'bank'?: (number);
  /**
   * 0..255, and offset + length <= 256 and within one half page; length <= 128.
   */
  'offset'?: (number);
  'length'?: (number);
  /**
   * Set in the reply.
   */
  'data'?: (Buffer | Uint8Array | string);
}

export interface EepromPage__Output {
  /**
   * 0x50 or 0x51 (SFF-8472's diagnostics) as a 7-bit address.
   */
  'i2cAddress': (number);
  'page': (number);
  'bank': (number);
  /**
   * 0..255, and offset + length <= 256 and within one half page; length <= 128.
   */
  'offset': (number);
  'length': (number);
  /**
   * Set in the reply.
   */
  'data': (Buffer);
}
