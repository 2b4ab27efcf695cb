// A grpc_health_probe of our own for scripts/test-image.sh: asks
// grpc.health.v1 Check at an address, prints the status and exits 0 only on
// SERVING, as Kubernetes' native gRPC readiness probe decides. Uses the
// repository's health.proto and grpc-js, so nothing is downloaded.
//
//   node dist/test/support/grpc-health-check.js 127.0.0.1:10161 [service]

import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

// dist/test/support -> the repository's proto/.
const PROTO_DIR = path.resolve(__dirname, '..', '..', '..', 'proto');

function main(): void {
  const [address, service = ''] = process.argv.slice(2);
  if (!address) {
    console.error('usage: grpc-health-check.js HOST:PORT [SERVICE]');
    process.exit(2);
  }
  const definition = protoLoader.loadSync('grpc/health/v1/health.proto', { includeDirs: [PROTO_DIR], enums: String });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
  };
  const client = new loaded.grpc.health.v1.Health(address, grpc.credentials.createInsecure());
  const check = (client as unknown as Record<string, unknown>).Check as (
    req: object,
    opts: grpc.CallOptions,
    cb: (err: grpc.ServiceError | null, reply?: { status: string }) => void,
  ) => void;
  check.call(client, { service }, { deadline: Date.now() + 5000 }, (err, reply) => {
    client.close();
    if (err) {
      console.log(`error: ${err.message}`);
      process.exit(1);
    }
    const status = reply?.status ?? '';
    console.log(status);
    process.exit(status === 'SERVING' ? 0 : 1);
  });
}

main();
