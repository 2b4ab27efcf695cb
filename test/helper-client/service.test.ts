// The helper client's methods come from a descriptor generated from proto/
// (src/helper-client/service.ts) instead of @grpc/proto-loader at run time;
// they must encode and decode exactly as proto-loader's loadSync of proto/
// with the client's former options would.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { PROTO_DIR } from '../../src/helper-client/client';
import { serviceDefinition } from '../../src/helper-client/service';

const FILES = ['ethtrack/helper/v1/helper.proto', 'grpc/health/v1/health.proto'];
const OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
  includeDirs: [PROTO_DIR],
};

/** A message of `type` with every field set (two elements in repeated ones), nested messages to `depth`. */
function sample(type: protobuf.Type, depth = 0): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    field.resolve();
    const one = (): unknown => {
      if (field.resolvedType instanceof protobuf.Type) return depth < 3 ? sample(field.resolvedType, depth + 1) : {};
      if (field.resolvedType instanceof protobuf.Enum) return Object.keys(field.resolvedType.values).at(-1);
      switch (field.type) {
        case 'string':
          return `${field.name}-x`;
        case 'bytes':
          return Buffer.from([1, 2, 250]);
        case 'bool':
          return true;
        case 'double':
        case 'float':
          return 1.5;
        default:
          return field.id * 1000 + 7;
      }
    };
    if (field.map) value[field.name] = { a: one(), b: one() };
    else value[field.name] = field.repeated ? [one(), one()] : one();
  }
  return value;
}

describe('helper client methods from the generated descriptor', () => {
  const loaded = protoLoader.loadSync(FILES, OPTIONS);
  const root = protobuf.loadSync(FILES.map((file) => `${PROTO_DIR}/${file}`));
  for (const name of ['ethtrack.helper.v1.Helper', 'grpc.health.v1.Health']) {
    it(`encode and decode every ${name} message as proto-loader does`, () => {
      const expected = loaded[name] as grpc.ServiceDefinition;
      const actual = serviceDefinition(name);
      assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
      for (const [rpc, method] of Object.entries(expected)) {
        const mine = actual[rpc];
        assert.equal(mine.path, method.path);
        assert.equal(mine.requestStream, method.requestStream, rpc);
        assert.equal(mine.responseStream, method.responseStream, rpc);
        const service = root.lookupService(name);
        const request = sample(root.lookupType(service.methods[rpc].requestType));
        const response = sample(root.lookupType(service.methods[rpc].responseType));
        // Samples are in the .proto's own (snake_case) names; proto-loader's fromObject wants camelCase.
        const requestObject = method.requestDeserialize(
          root.lookupType(service.methods[rpc].requestType).encode(request).finish() as Buffer,
        );
        const responseBytes = root.lookupType(service.methods[rpc].responseType).encode(response).finish() as Buffer;
        const responseObject = method.responseDeserialize(responseBytes);
        assert.deepEqual(mine.requestSerialize(requestObject), method.requestSerialize(requestObject), rpc);
        assert.deepEqual(mine.responseDeserialize(responseBytes), responseObject, rpc);
        assert.deepEqual(mine.requestDeserialize(method.requestSerialize(requestObject)), requestObject, rpc);
        assert.deepEqual(mine.responseSerialize(responseObject), method.responseSerialize(responseObject), rpc);
        assert.ok(responseBytes.length > 0 || Object.keys(response).length === 0, rpc);
      }
    });
  }
});
