/* ctnetlink: summary and per-CPU statistics, the aggregated breakdown dump,
 * the streamed dump and selective deletion. Implemented by issue 3. */
#include "rpc.h"

const ProtobufCMessage *conntrack_get_summary(struct rpc_ctx *ctx, const uint8_t *req, size_t len)
{
	(void)req;
	(void)len;
	rpc_fail(ctx, RPC_UNIMPLEMENTED, "conntrack summary is not implemented yet");
	return NULL;
}

const ProtobufCMessage *conntrack_get_breakdown(struct rpc_ctx *ctx, const uint8_t *req, size_t len)
{
	(void)req;
	(void)len;
	rpc_fail(ctx, RPC_UNIMPLEMENTED, "conntrack breakdown is not implemented yet");
	return NULL;
}

void conntrack_dump(struct rpc_ctx *ctx, const uint8_t *req, size_t len)
{
	(void)req;
	(void)len;
	rpc_fail(ctx, RPC_UNIMPLEMENTED, "conntrack dump is not implemented yet");
}

const ProtobufCMessage *conntrack_delete(struct rpc_ctx *ctx, const uint8_t *req, size_t len)
{
	(void)req;
	(void)len;
	rpc_fail(ctx, RPC_UNIMPLEMENTED, "conntrack delete is not implemented yet");
	return NULL;
}
