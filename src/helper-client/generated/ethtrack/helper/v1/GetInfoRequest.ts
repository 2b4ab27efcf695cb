// Original file: proto/ethtrack/helper/v1/helper.proto


export interface GetInfoRequest {
}

export interface GetInfoRequest__Output {
}
