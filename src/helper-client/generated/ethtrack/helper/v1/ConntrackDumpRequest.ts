// Original file: proto/ethtrack/helper/v1/helper.proto


export interface ConntrackDumpRequest {
  /**
   * Entries per streamed batch; the helper clamps it to [1, 4096].
   */
  'batchSize'?: (number);
  'deadlineMs'?: (number);
}

export interface ConntrackDumpRequest__Output {
  /**
   * Entries per streamed batch; the helper clamps it to [1, 4096].
   */
  'batchSize': (number);
  'deadlineMs': (number);
}
