// Original file: proto/ethtrack/helper/v1/helper.proto


export interface LinkStatsRequest {
}

export interface LinkStatsRequest__Output {
}
