// A grpc.health.v1 client for tests, built from the proto the project ships.

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_DIR } from '../../src/helper-client/client';

export type HealthClient = grpc.Client & Record<string, unknown>;

/** `ownConnection`: not shared with other clients of the same target (grpc-js pools them by default). */
export function healthClient(port: number, ownConnection = false): HealthClient {
  const definition = protoLoader.loadSync('grpc/health/v1/health.proto', { includeDirs: [PROTO_DIR], enums: String });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
  };
  return new loaded.grpc.health.v1.Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': ownConnection ? 1 : 0,
  }) as HealthClient;
}

export function check(client: HealthClient, service: string, deadlineMs = 5000): Promise<string> {
  const method = client.Check as (
    req: object,
    opts: grpc.CallOptions,
    cb: (err: grpc.ServiceError | null, reply?: { status: string }) => void,
  ) => void;
  return new Promise((resolve, reject) =>
    method.call(client, { service }, { deadline: Date.now() + deadlineMs }, (err, reply) =>
      err ? reject(err) : resolve(reply?.status ?? ''),
    ),
  );
}
