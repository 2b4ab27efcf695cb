/* One call as a handler sees it (rpc.h): its status, its per-call arena,
 * its replies packed into one reused buffer and sent batch by batch on the
 * call's PLUCK queue, each batch bounded so a stalled client cannot hold the
 * helper. server.c decides which call runs and when. The arena and the reply
 * buffer belong to a lane: each thread that serves calls has its own (the
 * call thread, and the watch thread that serves WatchLinks), so they share
 * nothing but gRPC itself. */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <grpc/byte_buffer.h>
#include <grpc/grpc.h>
#include <grpc/slice.h>
#include <grpc/support/time.h>

#include "call.h"
#include "helper.h"
#include "rpc.h"

/* Calls are served one at a time, so a client that stops reading stalls the
 * others: each batch gets this long (less when the call's deadline is
 * sooner). */
#define CALL_STALL_SECONDS 5

/* ---- per-call arena: unpacked requests and scratch, reset after each call */

struct arena_chunk {
	struct arena_chunk *next;
	max_align_t data[];
};

struct arena {
	unsigned char *base;
	size_t cap, used, overflow;
	struct arena_chunk *chunks;
};

struct reply_buffer;

struct call_lane {
	struct arena arena;
	ProtobufCAllocator allocator;
	struct reply_buffer *reply_buf;
};

#define ARENA_ALIGN (sizeof(max_align_t))

static void *arena_alloc(void *data, size_t size)
{
	struct arena *arena = data;
	size = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (arena->cap - arena->used >= size) {
		void *p = arena->base + arena->used;
		arena->used += size;
		return p;
	}
	struct arena_chunk *chunk = malloc(sizeof(*chunk) + size);
	if (!chunk)
		return NULL;
	chunk->next = arena->chunks;
	arena->chunks = chunk;
	arena->overflow += size;
	return chunk->data;
}

static void arena_free(void *unused, void *p)
{
	(void)unused;
	(void)p;
}

static void reply_trim(struct call_lane *lane);

/* Releases everything; the arena stays at the high-water mark of one call. */
void call_release(struct call_lane *lane)
{
	struct arena *arena = &lane->arena;
	reply_trim(lane);
	size_t need = arena->used + arena->overflow;
	while (arena->chunks) {
		struct arena_chunk *next = arena->chunks->next;
		free(arena->chunks);
		arena->chunks = next;
	}
	if (need > arena->cap) {
		unsigned char *base = realloc(arena->base, need);
		if (base) {
			arena->base = base;
			arena->cap = need;
		}
	}
	arena->used = 0;
	arena->overflow = 0;
}

struct call_lane *call_lane_create(void)
{
	struct call_lane *lane = calloc(1, sizeof(*lane));
	if (!lane)
		return NULL;
	lane->allocator = (ProtobufCAllocator){
		.alloc = arena_alloc, .free = arena_free, .allocator_data = &lane->arena
	};
	return lane;
}

/* ---- the reply buffer: one, reused, handed to gRPC without a copy.
 * gRPC holds a reference until the bytes are written; if it still does when
 * the next reply is packed (a cancelled call, say), that buffer is left to
 * gRPC to free and a new one replaces it.
 * It is not kept at its high-water mark: a reply that carries every stat
 * name (the first GetEthtoolStats of a client, ~1.8 MB on 128 devices) is
 * far larger than the values-only replies after it. A buffer over
 * REPLY_RETAIN_BYTES is freed when its call ends, so it is not still held
 * while the next handler builds its reply, and a buffer more than twice the
 * reply it packs shrinks to fit (large buffers are mmapped, see main.c, so
 * the pages go back to the kernel). */

#define REPLY_KEEP_BYTES (64 * 1024) /* never worth shrinking below */
/* More than a values-only stats reply of a large host (~0.5 MB for 74,000
 * stats with busy counters); what is larger is rare enough to allocate. */
#define REPLY_RETAIN_BYTES (1024 * 1024)

struct reply_buffer {
	atomic_int refs;
	size_t cap;
	uint8_t data[];
};

static void reply_unref(void *p)
{
	struct reply_buffer *buf = p;
	if (atomic_fetch_sub(&buf->refs, 1) == 1)
		free(buf);
}

/* Once gRPC has let go of it (the call is over), a large buffer is freed. */
static void reply_trim(struct call_lane *lane)
{
	struct reply_buffer *reply_buf = lane->reply_buf;
	if (reply_buf && reply_buf->cap > REPLY_RETAIN_BYTES && atomic_load(&reply_buf->refs) == 1) {
		reply_unref(reply_buf);
		lane->reply_buf = NULL;
	}
}

static grpc_byte_buffer *pack_message(struct call_lane *lane, const ProtobufCMessage *msg)
{
	struct reply_buffer *reply_buf = lane->reply_buf;
	size_t len = protobuf_c_message_get_packed_size(msg);
	bool ours = reply_buf && atomic_load(&reply_buf->refs) == 1;
	bool oversized = ours && reply_buf->cap > REPLY_KEEP_BYTES && reply_buf->cap / 2 > len;
	if (!ours || reply_buf->cap < len || oversized) {
		size_t cap = reply_buf && reply_buf->cap > len && !oversized ? reply_buf->cap : len;
		struct reply_buffer *buf;
		if (ours) {
			buf = realloc(reply_buf, sizeof(*buf) + cap);
		} else {
			buf = malloc(sizeof(*buf) + cap);
			if (buf)
				atomic_init(&buf->refs, 1);
		}
		if (!buf)
			return NULL;
		if (!ours && reply_buf)
			reply_unref(reply_buf);
		buf->cap = cap;
		reply_buf = buf;
		lane->reply_buf = buf;
	}
	protobuf_c_message_pack(msg, reply_buf->data);
	atomic_fetch_add(&reply_buf->refs, 1);
	grpc_slice slice = grpc_slice_new_with_user_data(reply_buf->data, len, reply_unref, reply_buf);
	grpc_byte_buffer *bb = grpc_raw_byte_buffer_create(&slice, 1);
	grpc_slice_unref(slice);
	return bb;
}

/* ---- calls */

void rpc_fail(struct rpc_ctx *ctx, enum rpc_code code, const char *fmt, ...)
{
	if (ctx->failed)
		return;
	size_t used = 0;
	if (ctx->method) {
		int n = snprintf(ctx->message, sizeof(ctx->message), "%s: ", ctx->method);
		used = n > 0 && (size_t)n < sizeof(ctx->message) ? (size_t)n : 0;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctx->message + used, sizeof(ctx->message) - used, fmt, ap);
	va_end(ap);
	ctx->failed = true;
	ctx->code = code == RPC_OK ? RPC_UNKNOWN : code;
}

ProtobufCAllocator *rpc_allocator(struct rpc_ctx *ctx)
{
	return &ctx->lane->allocator;
}

void rpc_after_reply(struct rpc_ctx *ctx, void (*fn)(void))
{
	ctx->after_reply = fn;
}

int64_t rpc_deadline_ms(const struct rpc_ctx *ctx)
{
	gpr_timespec deadline = gpr_convert_clock_type(ctx->deadline, GPR_CLOCK_MONOTONIC);
	if (deadline.tv_sec == INT64_MAX)
		return -1;
	gpr_timespec now = gpr_now(GPR_CLOCK_MONOTONIC);
	if (gpr_time_cmp(deadline, now) <= 0)
		return 0;
	return gpr_time_to_millis(gpr_time_sub(deadline, now));
}

/* Runs one batch on the call and waits for it. */
static bool run_batch(struct rpc_ctx *ctx, const grpc_op *ops, size_t n)
{
	grpc_call_error err = grpc_call_start_batch(ctx->call, ops, n, ctx, NULL);
	if (err != GRPC_CALL_OK) {
		log_msg(0, "grpc_call_start_batch: error %d", err);
		return false;
	}
	gpr_timespec limit = gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
					  gpr_time_from_seconds(CALL_STALL_SECONDS, GPR_TIMESPAN));
	gpr_timespec deadline = gpr_convert_clock_type(ctx->deadline, GPR_CLOCK_MONOTONIC);
	if (gpr_time_cmp(deadline, limit) < 0)
		limit = gpr_time_add(deadline, gpr_time_from_millis(100, GPR_TIMESPAN));
	grpc_event ev = grpc_completion_queue_pluck(ctx->cq, ctx, limit, NULL);
	if (ev.type == GRPC_QUEUE_TIMEOUT) {
		grpc_call_cancel(ctx->call, NULL);
		ev = grpc_completion_queue_pluck(ctx->cq, ctx, gpr_inf_future(GPR_CLOCK_MONOTONIC),
						 NULL);
	}
	return ev.type == GRPC_OP_COMPLETE && ev.success;
}

int rpc_send(struct rpc_ctx *ctx, const ProtobufCMessage *msg)
{
	if (ctx->client_gone || ctx->failed)
		return -1;
	grpc_byte_buffer *bb = pack_message(ctx->lane, msg);
	if (!bb) {
		rpc_fail(ctx, RPC_RESOURCE_EXHAUSTED, "out of memory packing a reply");
		return -1;
	}
	grpc_op ops[2];
	size_t n = 0;
	memset(ops, 0, sizeof(ops));
	if (!ctx->metadata_sent)
		ops[n++].op = GRPC_OP_SEND_INITIAL_METADATA;
	ops[n].op = GRPC_OP_SEND_MESSAGE;
	ops[n++].data.send_message.send_message = bb;
	bool ok = run_batch(ctx, ops, n);
	grpc_byte_buffer_destroy(bb);
	ctx->metadata_sent = true;
	if (!ok) {
		ctx->client_gone = true;
		return -1;
	}
	return 0;
}

/* ---- watches: streams that last until the client leaves */

void call_watch_close(struct rpc_ctx *ctx)
{
	grpc_op op;
	memset(&op, 0, sizeof(op));
	op.op = GRPC_OP_RECV_CLOSE_ON_SERVER;
	op.data.recv_close_on_server.cancelled = &ctx->cancelled;
	grpc_call_error err = grpc_call_start_batch(ctx->call, &op, 1, &ctx->close_watched, NULL);
	if (err != GRPC_CALL_OK) {
		log_msg(0, "grpc_call_start_batch: error %d", err);
		ctx->client_gone = true;
		return;
	}
	ctx->close_watched = true;
}

int rpc_stop_fd(const struct rpc_ctx *ctx)
{
	return ctx->stop_fd;
}

bool rpc_client_gone(struct rpc_ctx *ctx)
{
	if (ctx->client_gone || !ctx->close_watched)
		return ctx->client_gone;
	if (ctx->superseded && ctx->superseded()) {
		rpc_fail(ctx, RPC_ABORTED, "a newer watch replaced this one");
		ctx->client_gone = true;
		return true;
	}
	grpc_event ev = grpc_completion_queue_pluck(ctx->cq, &ctx->close_watched,
						    gpr_inf_past(GPR_CLOCK_MONOTONIC), NULL);
	if (ev.type == GRPC_OP_COMPLETE) {
		ctx->closed = true;
		ctx->client_gone = true;
	}
	return ctx->client_gone;
}

/* The close completes once the status is sent (or the call is cancelled);
 * bounded like a batch, so a stuck call is cancelled, never waited on. */
static void wait_close(struct rpc_ctx *ctx)
{
	gpr_timespec limit = gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
					  gpr_time_from_seconds(CALL_STALL_SECONDS, GPR_TIMESPAN));
	grpc_event ev = grpc_completion_queue_pluck(ctx->cq, &ctx->close_watched, limit, NULL);
	if (ev.type == GRPC_QUEUE_TIMEOUT) {
		grpc_call_cancel(ctx->call, NULL);
		grpc_completion_queue_pluck(ctx->cq, &ctx->close_watched,
					    gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL);
	}
	ctx->closed = true;
}

void call_finish(struct rpc_ctx *ctx, const ProtobufCMessage *reply)
{
	grpc_op ops[4];
	size_t n = 0;
	grpc_byte_buffer *bb = NULL;
	grpc_slice details;
	int cancelled = 0;

	memset(ops, 0, sizeof(ops));
	if (reply && !ctx->failed) {
		bb = pack_message(ctx->lane, reply);
		if (!bb)
			rpc_fail(ctx, RPC_RESOURCE_EXHAUSTED, "out of memory packing the reply");
	}
	/* The packed bytes are all gRPC needs: the handler's storage may go. */
	if (ctx->after_reply)
		ctx->after_reply();
	ctx->after_reply = NULL;
	if (!ctx->metadata_sent)
		ops[n++].op = GRPC_OP_SEND_INITIAL_METADATA;
	if (bb) {
		ops[n].op = GRPC_OP_SEND_MESSAGE;
		ops[n++].data.send_message.send_message = bb;
	}
	ops[n].op = GRPC_OP_SEND_STATUS_FROM_SERVER;
	if (ctx->failed) {
		details = grpc_slice_from_copied_string(ctx->message);
		ops[n].data.send_status_from_server.status = (grpc_status_code)ctx->code;
		ops[n++].data.send_status_from_server.status_details = &details;
	} else {
		ops[n++].data.send_status_from_server.status = GRPC_STATUS_OK;
	}
	if (!ctx->close_watched) {
		ops[n].op = GRPC_OP_RECV_CLOSE_ON_SERVER;
		ops[n++].data.recv_close_on_server.cancelled = &cancelled;
	}

	run_batch(ctx, ops, n);
	if (ctx->close_watched && !ctx->closed)
		wait_close(ctx);
	ctx->metadata_sent = true;
	if (bb)
		grpc_byte_buffer_destroy(bb);
	if (ctx->failed)
		grpc_slice_unref(details);
}

void call_lane_destroy(struct call_lane *lane)
{
	if (!lane)
		return;
	call_release(lane);
	free(lane->arena.base);
	if (lane->reply_buf)
		reply_unref(lane->reply_buf);
	free(lane);
}
