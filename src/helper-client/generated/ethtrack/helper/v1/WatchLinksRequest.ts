// Original file: proto/ethtrack/helper/v1/helper.proto


export interface WatchLinksRequest {
}

export interface WatchLinksRequest__Output {
}
