#!/usr/bin/env bash
# Generates the helper API's TypeScript types from proto/ with grpc's own
# proto-loader-gen-types, with the same options the client loads the proto
# with (src/helper-client/client.ts), and the descriptor the client builds its
# methods from (scripts/gen-descriptor.js). The output is committed;
# test/helper-client/generated-api.test.ts fails when it is stale.
#   scripts/gen-api-types.sh [OUT_DIR]   (default src/helper-client/generated)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-src/helper-client/generated}
rm -rf "$out"
node_modules/.bin/proto-loader-gen-types --longs=Number --enums=String --defaults --arrays --includeComments \
	--grpcLib=@grpc/grpc-js -I proto -O "$out" ethtrack/helper/v1/helper.proto grpc/health/v1/health.proto >/dev/null
node scripts/gen-descriptor.js >"$out/descriptor.ts"
