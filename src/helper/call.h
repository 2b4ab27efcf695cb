/* What server.c needs of call.c: the call being served, as handlers see it
 * through rpc.h, and how server.c finishes and releases it. */
#ifndef ETHTRACK_CALL_H
#define ETHTRACK_CALL_H

#include <stdbool.h>
#include <grpc/grpc.h>
#include <grpc/support/time.h>

#include "rpc.h"

/* The per-thread state of calls (call.c): a thread that serves calls owns one. */
struct call_lane;

struct rpc_ctx {
	grpc_call *call;
	struct call_lane *lane;
	int stop_fd; /* rpc_stop_fd() */
	/* For a watch: whether a newer watch replaces it (rpc_client_gone). */
	bool (*superseded)(void);
	/* "Service/Method", put before every error status so handlers need not
	 * name themselves; NULL for a method the server does not know. */
	const char *method;
	grpc_completion_queue *cq; /* the PLUCK queue the call's batches go to */
	gpr_timespec deadline;
	bool metadata_sent;
	bool client_gone;
	/* call_watch_close() started the close op (its tag is &close_watched);
	 * closed: it completed. */
	bool close_watched;
	bool closed;
	int cancelled;
	bool failed;
	enum rpc_code code;
	void (*after_reply)(void); /* rpc_after_reply() */
	char message[512];
};

/* Sends the reply (when there is one) and the status, and waits for the
 * client's side to close. */
void call_finish(struct rpc_ctx *ctx, const ProtobufCMessage *reply);
/* For a watch: asks gRPC to say when the client is gone, which
 * rpc_client_gone() then polls; call_finish() waits for it. */
void call_watch_close(struct rpc_ctx *ctx);
/* Releases what the call took from rpc_allocator(). */
void call_release(struct call_lane *lane);
struct call_lane *call_lane_create(void);
/* Frees the lane's arena and reply buffer when the server stops. */
void call_lane_destroy(struct call_lane *lane);

#endif
