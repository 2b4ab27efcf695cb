// Original file: proto/ethtrack/helper/v1/helper.proto


export interface ConntrackSummaryRequest {
  'perCpu'?: (boolean);
}

export interface ConntrackSummaryRequest__Output {
  'perCpu': (boolean);
}
