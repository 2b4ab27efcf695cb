/* What server.c needs of call.c: the call being served, as handlers see it
 * through rpc.h, and how server.c finishes and releases it. */
#ifndef ETHTRACK_CALL_H
#define ETHTRACK_CALL_H

#include <stdbool.h>
#include <grpc/grpc.h>
#include <grpc/support/time.h>

#include "rpc.h"

struct rpc_ctx {
	grpc_call *call;
	/* "Service/Method", put before every error status so handlers need not
	 * name themselves; NULL for a method the server does not know. */
	const char *method;
	grpc_completion_queue *cq; /* the PLUCK queue the call's batches go to */
	gpr_timespec deadline;
	bool metadata_sent;
	bool client_gone;
	bool failed;
	enum rpc_code code;
	void (*after_reply)(void); /* rpc_after_reply() */
	char message[512];
};

/* Sends the reply (when there is one) and the status, and waits for the
 * client's side to close. */
void call_finish(struct rpc_ctx *ctx, const ProtobufCMessage *reply);
/* Releases what the call took from rpc_allocator(). */
void call_release(void);
/* Frees the arena and the reply buffer when the server stops. */
void calls_shutdown(void);

#endif
