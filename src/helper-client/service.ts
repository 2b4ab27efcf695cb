// The Helper and Health services' gRPC methods, built from the descriptor
// generated from proto/ (generated/descriptor.ts) with protobufjs/light:
// what @grpc/proto-loader's loadSync made of the .proto files, without
// loading proto-loader, protobufjs's parser and its descriptor extension,
// and parsing the .proto text, on every start (~60 ms, the largest part of
// the helper client's start-up). Serializing and decoding are proto-loader's:
// fromObject then encode; decode then toObject with the client's options.

import type * as grpc from '@grpc/grpc-js';
import { type INamespace, Root, type Type } from 'protobufjs/light';
import { DESCRIPTOR } from './generated/descriptor';

/** proto-loader's options the client used (longs as numbers, enums as names, defaults and empty arrays filled in). */
const TO_OBJECT = { longs: Number, enums: String, defaults: true, arrays: true } as const;

function serializer(type: Type): (value: object) => Buffer {
  return (value) => {
    if (Array.isArray(value)) {
      throw new Error(`Failed to serialize message: expected object with ${type.name} structure, got array instead`);
    }
    return type.encode(type.fromObject(value)).finish() as Buffer;
  };
}

function deserializer(type: Type): (bytes: Buffer) => object {
  return (bytes) => type.toObject(type.decode(bytes), TO_OBJECT);
}

let root: Root | undefined;
const services = new Map<string, grpc.ServiceDefinition>();

/** The methods of a service of proto/ by its full name (`ethtrack.helper.v1.Helper`), as proto-loader defines them. */
export function serviceDefinition(name: string): grpc.ServiceDefinition {
  const known = services.get(name);
  if (known) return known;
  if (!root) {
    root = Root.fromJSON(DESCRIPTOR as INamespace);
    root.resolveAll();
  }
  const methods: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const method of root.lookupService(name).methodsArray) {
    // Resolved by resolveAll above.
    const request = method.resolvedRequestType as Type;
    const response = method.resolvedResponseType as Type;
    methods[method.name] = {
      path: `/${name}/${method.name}`,
      requestStream: !!method.requestStream,
      responseStream: !!method.responseStream,
      requestSerialize: serializer(request),
      requestDeserialize: deserializer(request),
      responseSerialize: serializer(response),
      responseDeserialize: deserializer(response),
      originalName: method.name.charAt(0).toLowerCase() + method.name.slice(1),
    };
  }
  services.set(name, methods);
  return methods;
}
