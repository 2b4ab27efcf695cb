// Original file: proto/ethtrack/helper/v1/helper.proto


export interface LinkChanges {
  /**
   * Read every device again: set on the first message (the watch starts
   * there) and after the kernel dropped notifications the helper had not
   * read yet, or more devices changed than one message names.
   */
  'resync'?: (boolean);
  /**
   * Devices the kernel announced a change of since the last message
   * (RTM_NEWLINK: carrier, flags, name, MTU…; RTM_DELLINK), each once.
   */
  'devices'?: (string)[];
}

export interface LinkChanges__Output {
  /**
   * Read every device again: set on the first message (the watch starts
   * there) and after the kernel dropped notifications the helper had not
   * read yet, or more devices changed than one message names.
   */
  'resync': (boolean);
  /**
   * Devices the kernel announced a change of since the last message
   * (RTM_NEWLINK: carrier, flags, name, MTU…; RTM_DELLINK), each once.
   */
  'devices': (string)[];
}
