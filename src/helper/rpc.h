/* The contract between the gRPC plumbing (server.c) and the kernel-facing
 * handlers (ethtool-*.c, conntrack-*.c, info.c). A handler decodes its request,
 * talks to the kernel and hands back a protobuf-c message; it never sees
 * gRPC types. */
#ifndef ETHTRACK_RPC_H
#define ETHTRACK_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <protobuf-c/protobuf-c.h>

/* Status codes with the values of grpc_status_code, so handlers need not
 * include grpc headers. */
enum rpc_code {
	RPC_OK = 0,
	RPC_CANCELLED = 1,
	RPC_UNKNOWN = 2,
	RPC_INVALID_ARGUMENT = 3,
	RPC_DEADLINE_EXCEEDED = 4,
	RPC_NOT_FOUND = 5,
	RPC_PERMISSION_DENIED = 7,
	RPC_RESOURCE_EXHAUSTED = 8,
	RPC_FAILED_PRECONDITION = 9,
	RPC_ABORTED = 10,
	RPC_UNIMPLEMENTED = 12,
	RPC_INTERNAL = 13,
	RPC_UNAVAILABLE = 14,
};

/* Largest request the helper decodes; anything bigger is INVALID_ARGUMENT. */
#define RPC_MAX_REQUEST_BYTES (64 * 1024)

struct rpc_ctx;

/* Records a failure; the plumbing sends it as the call's status, after the
 * method's name ("Helper/GetInfo: ..."), so handlers never name themselves. */
void rpc_fail(struct rpc_ctx *ctx, enum rpc_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A per-call arena for protobuf_c_message_unpack() and other scratch memory:
 * everything taken from it is released when the call ends, and its storage
 * is kept at its high-water mark, so decoding allocates nothing per call once
 * warm. Never call protobuf_c_message_free_unpacked() on what it holds. */
ProtobufCAllocator *rpc_allocator(struct rpc_ctx *ctx);

/* Milliseconds until the client's deadline (0 when it has passed), or -1 when
 * the client set none. Long handlers bound their kernel work by it. */
int64_t rpc_deadline_ms(const struct rpc_ctx *ctx);

/* Sends one message on a server-streaming call. Returns 0, or -1 when the
 * client is gone (the handler should stop). */
int rpc_send(struct rpc_ctx *ctx, const ProtobufCMessage *msg);

/* For a watch (a stream that lasts until the client leaves, served on the
 * watch thread): whether the client has gone or cancelled, or a newer watch
 * replaces this one (the call then ends ABORTED). Never blocks;
 * a watch handler asks between its waits, which it bounds (seconds: a
 * client that left is noticed that late, a new watch served that late).
 * Each ask costs ~0.1 ms of gRPC's polling. */
bool rpc_client_gone(struct rpc_ctx *ctx);
/* A descriptor that turns readable when the helper stops: a watch handler
 * waits on it beside its own, so a stop does not wait out a bounded wait.
 * -1 when there is none (poll() then skips it). */
int rpc_stop_fd(const struct rpc_ctx *ctx);

/* Runs fn once the call's reply has been packed for sending (or the call
 * failed): a handler whose reply is large can give its storage back to the
 * kernel then instead of holding it until its next call. One per call. */
void rpc_after_reply(struct rpc_ctx *ctx, void (*fn)(void));

/* Reply storage a handler keeps between calls up to this size; more is
 * given back once the reply is packed (rpc_after_reply). */
#define RPC_KEEP_BYTES (128 * 1024)

/* Frees *slots (cap elements of elem bytes) and zeroes *cap when it holds
 * more than RPC_KEEP_BYTES; returns whether it did (the caller then resets
 * what counts into it). */
static inline int rpc_release_large(void **slots, size_t *cap, size_t elem)
{
	if (*cap * elem <= RPC_KEEP_BYTES)
		return 0;
	free(*slots);
	*slots = NULL;
	*cap = 0;
	return 1;
}

/* A unary handler returns its reply, which stays owned by the handler and
 * valid until it is packed: until the handler's next call (handlers reuse
 * their buffers), or until its rpc_after_reply() fn runs. NULL after
 * rpc_fail(). */
typedef const ProtobufCMessage *(*rpc_unary_fn)(struct rpc_ctx *ctx, const uint8_t *req,
						  size_t len);

/* A streaming handler sends with rpc_send() and returns when done; it calls
 * rpc_fail() to end the stream with an error. */
typedef void (*rpc_stream_fn)(struct rpc_ctx *ctx, const uint8_t *req, size_t len);

/* Handlers, one per RPC of ethtrack.helper.v1.Helper and grpc.health.v1. */
const ProtobufCMessage *info_get(struct rpc_ctx *ctx, const uint8_t *req, size_t len);
const ProtobufCMessage *health_check(struct rpc_ctx *ctx, const uint8_t *req, size_t len);
const ProtobufCMessage *ethtool_list_interfaces(struct rpc_ctx *ctx, const uint8_t *req,
						size_t len);
const ProtobufCMessage *ethtool_get_stats(struct rpc_ctx *ctx, const uint8_t *req, size_t len);
const ProtobufCMessage *ethtool_get_settings(struct rpc_ctx *ctx, const uint8_t *req, size_t len);
const ProtobufCMessage *ethtool_get_standard_stats(struct rpc_ctx *ctx, const uint8_t *req,
						   size_t len);
const ProtobufCMessage *ethtool_get_module_eeprom(struct rpc_ctx *ctx, const uint8_t *req,
						  size_t len);
const ProtobufCMessage *conntrack_get_summary(struct rpc_ctx *ctx, const uint8_t *req,
					      size_t len);
const ProtobufCMessage *conntrack_get_breakdown(struct rpc_ctx *ctx, const uint8_t *req,
						size_t len);
void conntrack_dump(struct rpc_ctx *ctx, const uint8_t *req, size_t len);
void links_watch(struct rpc_ctx *ctx, const uint8_t *req, size_t len);
const ProtobufCMessage *conntrack_delete(struct rpc_ctx *ctx, const uint8_t *req, size_t len);
const ProtobufCMessage *conntrack_get_flows(struct rpc_ctx *ctx, const uint8_t *req, size_t len);
const ProtobufCMessage *conntrack_evict_flows(struct rpc_ctx *ctx, const uint8_t *req,
					      size_t len);

#endif
