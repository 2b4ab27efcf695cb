// Original file: proto/ethtrack/helper/v1/helper.proto


export interface ListInterfacesRequest {
}

export interface ListInterfacesRequest__Output {
}
