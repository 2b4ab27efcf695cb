// Original file: proto/ethtrack/helper/v1/helper.proto


export interface EvictFlowsRequest {
}

export interface EvictFlowsRequest__Output {
}
