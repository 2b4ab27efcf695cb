// The Helper and Health services' gRPC methods, built from the descriptor
// generated from proto/ (generated/descriptor.ts) with protobufjs/light:
// what @grpc/proto-loader's loadSync made of the .proto files, without
// loading proto-loader, protobufjs's parser and its descriptor extension,
// and parsing the .proto text, on every start (~60 ms, the largest part of
// the helper client's start-up). Serializing and decoding are proto-loader's:
// fromObject then encode; decode then toObject with the client's options.

import type * as grpc from '@grpc/grpc-js';
import {
  converter,
  decoder,
  encoder,
  type INamespace,
  Namespace,
  Reader,
  Root,
  Type,
  util,
  Writer,
} from 'protobufjs/light';
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

type Generated = 'encode' | 'decode' | 'fromObject' | 'toObject';
type GeneratedFunction = (this: Type, ...args: unknown[]) => unknown;

/**
 * protobufjs's Type.setup() generates five functions for a message type on
 * its first use (encode, decode, verify, fromObject, toObject) and compiles
 * each. The client needs fromObject and encode of requests and decode and
 * toObject of replies (and of the messages inside them), never verify: each
 * is generated on its own first call instead, with the arguments setup()
 * gives it. About half the code generation of the first cycles. (setup()
 * also wraps google.protobuf types, which proto/ does not use.)
 */
function generateOnDemand(type: Type): void {
  let types: unknown[] | undefined;
  const fieldTypes = () => {
    types ??= type.fieldsArray.map((field) => field.resolve().resolvedType);
    return types;
  };
  const onDemand = (name: Generated, generate: () => GeneratedFunction) => {
    const stub = function (this: Type, ...args: unknown[]) {
      const generated = generate();
      Object.assign(type, { [name]: generated });
      return generated.apply(this, args);
    };
    Object.assign(type, { [name]: stub });
  };
  onDemand('encode', () => encoder(type)({ Writer, types: fieldTypes(), util }) as GeneratedFunction);
  onDemand('decode', () => decoder(type)({ Reader, types: fieldTypes(), util }) as GeneratedFunction);
  onDemand('fromObject', () => converter.fromObject(type)({ types: fieldTypes(), util }) as GeneratedFunction);
  onDemand('toObject', () => converter.toObject(type)({ types: fieldTypes(), util }) as GeneratedFunction);
}

function everyType(namespace: Namespace, visit: (type: Type) => void): void {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof Type) visit(nested);
    if (nested instanceof Namespace) everyType(nested, visit);
  }
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
    everyType(root, generateOnDemand);
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
