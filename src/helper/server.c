/* The gRPC plumbing, on the gRPC core C API.
 *
 * Threads: gRPC's own, plus three of ours.
 *  - The accept thread polls the listening socket and the signalfd. It
 *    accepts connections itself, checks SO_PEERCRED and hands each fd to
 *    gRPC; on SIGTERM/SIGINT it starts the server's shutdown.
 *  - The main thread owns every call but watches. It waits on the
 *    notification queue (GRPC_CQ_NEXT, registered with the server) for a
 *    requested call, then serves that call synchronously: its batches go to
 *    a PLUCK queue bound to the call, so the handler, the reply and the
 *    status run in order with no state machine (call.c). One call at a time
 *    is plenty for a single local client, and it lets handlers keep their
 *    reply buffers in static storage.
 *  - The watch thread serves the watches (WatchLinks) the same way, on
 *    queues and a call lane of its own: a watch lasts as long as its client
 *    keeps it, so it must not hold the other calls. One watch at a time,
 *    and the newest wins: the next watch is requested as soon as one is
 *    served, and its arrival ends the one served (ABORTED) at the served
 *    one's next look (link-watch.c: WAIT_MS); watches that queued up
 *    meanwhile end at once, but the last. There is one service; a watch it
 *    no longer reads (a service restarted beside a helper that stays) must
 *    not keep the new one waiting.
 *
 * Every registered method keeps one outstanding request; a generic request
 * catches unregistered methods and answers UNIMPLEMENTED. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_posix.h>
#include <grpc/grpc_security.h>
#include <grpc/slice.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>

#include "call.h"
#include "helper.h"
#include "rpc.h"

/* Calls are served one at a time (call.c bounds each batch), so a
 * connection carries a few streams at most: one call, the watch, the watch
 * that replaces it. Only allowed peers (SO_PEERCRED) get this far. */
#define MAX_STREAMS_PER_CONNECTION 8
/* Matches the service's receive limit; the largest host's first stats reply
 * (every stat name) stays far below. */
#define SEND_LIMIT (256 * 1024 * 1024)

/* gRPC itself refuses (RESOURCE_EXHAUSTED) what is far too large to even
 * buffer; between the two limits the helper answers INVALID_ARGUMENT. */
#define GRPC_RECEIVE_LIMIT (4 * RPC_MAX_REQUEST_BYTES)

/* A requested call: filled by gRPC when it arrives. */
struct request {
	grpc_call *call;
	gpr_timespec deadline;
	grpc_metadata_array metadata;
	grpc_byte_buffer *payload;
};

struct method {
	const char *path;
	const char *name; /* "Service/Method": the path after its package */
	rpc_unary_fn unary;
	rpc_stream_fn stream;
	bool watch; /* served on the watch thread */
	void *handle;
	struct request req;
};

static struct method methods[] = {
	{ .path = "/ethtrack.helper.v1.Helper/GetInfo", .unary = info_get },
	{ .path = "/ethtrack.helper.v1.Helper/ListInterfaces", .unary = ethtool_list_interfaces },
	{ .path = "/ethtrack.helper.v1.Helper/GetEthtoolStats", .unary = ethtool_get_stats },
	{ .path = "/ethtrack.helper.v1.Helper/GetConntrackSummary", .unary = conntrack_get_summary },
	{ .path = "/ethtrack.helper.v1.Helper/GetConntrackBreakdown",
	  .unary = conntrack_get_breakdown },
	{ .path = "/ethtrack.helper.v1.Helper/DumpConntrack", .stream = conntrack_dump },
	{ .path = "/ethtrack.helper.v1.Helper/DeleteConntrack", .unary = conntrack_delete },
	{ .path = "/ethtrack.helper.v1.Helper/GetEthtoolSettings", .unary = ethtool_get_settings },
	{ .path = "/ethtrack.helper.v1.Helper/GetStandardStats", .unary = ethtool_get_standard_stats },
	{ .path = "/ethtrack.helper.v1.Helper/GetModuleEeprom", .unary = ethtool_get_module_eeprom },
	{ .path = "/ethtrack.helper.v1.Helper/GetFlows", .unary = conntrack_get_flows },
	{ .path = "/ethtrack.helper.v1.Helper/EvictFlows", .unary = conntrack_evict_flows },
	{ .path = "/ethtrack.helper.v1.Helper/WatchLinks", .stream = links_watch, .watch = true },
	{ .path = "/grpc.health.v1.Health/Check", .unary = health_check },
};
#define N_METHODS (sizeof(methods) / sizeof(methods[0]))

static struct {
	grpc_call *call;
	grpc_call_details details;
	grpc_metadata_array metadata;
} unknown;

/* What a thread that serves calls has of its own. */
struct lane {
	grpc_completion_queue *notify_cq; /* requested calls (GRPC_CQ_NEXT) */
	grpc_completion_queue *call_cq;	  /* batches of the call being served (PLUCK) */
	struct call_lane *calls;
	uint8_t *request_buf;
	size_t request_cap;
};

/* A watch's request says which watch: it is small. */
#define WATCH_MAX_REQUEST_BYTES 1024

static uint8_t request_buf[RPC_MAX_REQUEST_BYTES];
static uint8_t watch_request_buf[WATCH_MAX_REQUEST_BYTES];
static struct lane main_lane = { .request_buf = request_buf, .request_cap = sizeof(request_buf) };
static struct lane watch_lane = { .request_buf = watch_request_buf,
				  .request_cap = sizeof(watch_request_buf) };

static grpc_server *server;
static int shutdown_tag;
/* Written once the server stops, so the watch thread's wait ends then. */
static int stop_fd = -1;

/* Copies the request into the lane's buffer; -1 when it is too large. */
static ssize_t read_request(struct lane *lane, grpc_byte_buffer *payload)
{
	uint8_t *request_buf = lane->request_buf;
	grpc_byte_buffer_reader reader;
	grpc_slice slice;
	size_t len = 0;
	bool too_large = false;

	if (!grpc_byte_buffer_reader_init(&reader, payload))
		return -1;
	while (grpc_byte_buffer_reader_next(&reader, &slice)) {
		size_t n = GRPC_SLICE_LENGTH(slice);
		if (!too_large && n <= lane->request_cap - len) {
			memcpy(request_buf + len, GRPC_SLICE_START_PTR(slice), n);
			len += n;
		} else {
			too_large = true;
		}
		grpc_slice_unref(slice);
	}
	grpc_byte_buffer_reader_destroy(&reader);
	return too_large ? -1 : (ssize_t)len;
}

/* The watch thread's next requested call, when it arrived while a watch
 * was served (watch_superseded) and so ends that watch. */
static grpc_event watch_next;
static bool watch_next_arrived;

/* A newer watch arrived: the one served ends. (A request that failed, the
 * server stopping, is kept for the loop too; the stop ends the watch through
 * rpc_stop_fd.) */
static bool watch_superseded(void)
{
	if (!watch_next_arrived) {
		watch_next = grpc_completion_queue_next(watch_lane.notify_cq,
							gpr_inf_past(GPR_CLOCK_MONOTONIC), NULL);
		watch_next_arrived = watch_next.type != GRPC_QUEUE_TIMEOUT;
	}
	return watch_next_arrived && watch_next.type == GRPC_OP_COMPLETE && watch_next.success;
}

static void serve(struct lane *lane, struct method *m, struct request *r)
{
	struct rpc_ctx ctx = { .call = r->call,
			       .lane = lane->calls,
			       .stop_fd = stop_fd,
			       .superseded = m->watch ? watch_superseded : NULL,
			       .method = m->name,
			       .cq = lane->call_cq,
			       .deadline = r->deadline };
	const ProtobufCMessage *reply = NULL;
	ssize_t len;

	if (rpc_deadline_ms(&ctx) == 0)
		rpc_fail(&ctx, RPC_DEADLINE_EXCEEDED, "deadline passed before the call was served");
	else if (ctx.superseded && ctx.superseded())
		/* Watches that queued up while one was served: only the newest is served. */
		rpc_fail(&ctx, RPC_ABORTED, "a newer watch replaced this one");
	else if (!r->payload)
		rpc_fail(&ctx, RPC_INVALID_ARGUMENT, "no request message");
	else if ((len = read_request(lane, r->payload)) < 0)
		rpc_fail(&ctx, RPC_INVALID_ARGUMENT, "request larger than %zu bytes",
			 lane->request_cap);
	else if (m->unary) {
		reply = m->unary(&ctx, lane->request_buf, (size_t)len);
		if (!reply && !ctx.failed)
			rpc_fail(&ctx, RPC_INTERNAL, "handler returned no reply");
	} else {
		if (m->watch)
			call_watch_close(&ctx);
		m->stream(&ctx, lane->request_buf, (size_t)len);
	}
	call_finish(&ctx, reply);

	if (r->payload)
		grpc_byte_buffer_destroy(r->payload);
	r->payload = NULL;
	grpc_metadata_array_destroy(&r->metadata);
	grpc_call_unref(r->call);
	r->call = NULL;
	call_release(lane->calls);
}

static void serve_unknown(void)
{
	struct rpc_ctx ctx = { .call = unknown.call,
			       .lane = main_lane.calls,
			       .stop_fd = stop_fd,
			       .cq = main_lane.call_cq,
			       .deadline = unknown.details.deadline };
	char *method = grpc_slice_to_c_string(unknown.details.method);
	rpc_fail(&ctx, RPC_UNIMPLEMENTED, "unknown method %s", method);
	gpr_free(method);
	call_finish(&ctx, NULL);
	grpc_call_details_destroy(&unknown.details);
	grpc_metadata_array_destroy(&unknown.metadata);
	grpc_call_unref(unknown.call);
	unknown.call = NULL;
}

static bool request_method(struct method *m)
{
	struct lane *lane = m->watch ? &watch_lane : &main_lane;
	struct request *r = &m->req;
	grpc_metadata_array_init(&r->metadata);
	return grpc_server_request_registered_call(server, m->handle, &r->call, &r->deadline,
						   &r->metadata, &r->payload, lane->call_cq,
						   lane->notify_cq, m) == GRPC_CALL_OK;
}

static bool request_unknown(void)
{
	grpc_call_details_init(&unknown.details);
	grpc_metadata_array_init(&unknown.metadata);
	return grpc_server_request_call(server, &unknown.call, &unknown.details, &unknown.metadata,
					main_lane.call_cq, main_lane.notify_cq,
					&unknown) == GRPC_CALL_OK;
}

/* ---- the watch thread */

static void *watch_loop(void *arg)
{
	(void)arg;
	grpc_event ev = grpc_completion_queue_next(watch_lane.notify_cq,
						   gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL);
	/* A request that fails: the server is shutting down. */
	while (ev.type == GRPC_OP_COMPLETE && ev.success) {
		struct method *m = ev.tag;
		/* The call is taken out, and the next requested at once: its
		 * arrival is what ends this one (watch_superseded). */
		struct request served = m->req;
		memset(&m->req, 0, sizeof(m->req));
		watch_next_arrived = false;
		bool requested = request_method(m);
		serve(&watch_lane, m, &served);
		if (!requested)
			break;
		if (watch_next_arrived)
			ev = watch_next;
		else
			ev = grpc_completion_queue_next(watch_lane.notify_cq,
							gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL);
	}
	return NULL;
}

static bool lane_init(struct lane *lane)
{
	lane->notify_cq = grpc_completion_queue_create_for_next(NULL);
	lane->call_cq = grpc_completion_queue_create_for_pluck(NULL);
	lane->calls = call_lane_create();
	if (!lane->calls)
		return false;
	grpc_server_register_completion_queue(server, lane->notify_cq, NULL);
	return true;
}

static void lane_destroy(struct lane *lane)
{
	grpc_completion_queue_shutdown(lane->notify_cq);
	while (grpc_completion_queue_next(lane->notify_cq, gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL)
		       .type != GRPC_QUEUE_SHUTDOWN)
		;
	grpc_completion_queue_destroy(lane->notify_cq);
	grpc_completion_queue_shutdown(lane->call_cq);
	grpc_completion_queue_destroy(lane->call_cq);
	call_lane_destroy(lane->calls);
}

/* ---- accepting */

struct acceptor {
	int listen_fd;
	int signal_fd;
	grpc_server_credentials *creds;
};

static void *accept_loop(void *arg)
{
	struct acceptor *a = arg;
	struct pollfd fds[2] = {
		{ .fd = a->listen_fd, .events = POLLIN },
		{ .fd = a->signal_fd, .events = POLLIN },
	};

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_msg(errno, "poll");
			break;
		}
		if (fds[1].revents) {
			struct signalfd_siginfo si;
			if (read(a->signal_fd, &si, sizeof(si)) == sizeof(si))
				break;
		}
		if (!fds[0].revents)
			continue;
		for (;;) {
			/* Non-blocking: gRPC's poller must never block on a read. */
			int fd = accept4(a->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (fd < 0) {
				if (errno == EMFILE || errno == ENFILE) {
					log_msg(errno, "accept");
					usleep(100 * 1000);
				}
				break;
			}
			if (!peer_allowed(fd)) {
				log_msg(0, "refused a connection: peer credentials not allowed");
				close(fd);
				continue;
			}
			grpc_server_add_channel_from_fd(server, fd, a->creds);
		}
	}
	grpc_server_shutdown_and_notify(server, main_lane.notify_cq, &shutdown_tag);
	if (eventfd_write(stop_fd, 1) < 0)
		log_msg(errno, "eventfd_write");
	grpc_server_cancel_all_calls(server);
	return NULL;
}

int server_run(int listen_fd, int signal_fd)
{
	grpc_init();

	grpc_arg args[] = {
		{ .type = GRPC_ARG_INTEGER,
		  .key = GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH,
		  .value.integer = GRPC_RECEIVE_LIMIT },
		{ .type = GRPC_ARG_INTEGER, .key = GRPC_ARG_MAX_SEND_MESSAGE_LENGTH, .value.integer = SEND_LIMIT },
		{ .type = GRPC_ARG_INTEGER,
		  .key = GRPC_ARG_MAX_CONCURRENT_STREAMS,
		  .value.integer = MAX_STREAMS_PER_CONNECTION },
	};
	grpc_channel_args channel_args = { .num_args = 3, .args = args };
	stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (stop_fd < 0) {
		log_msg(errno, "eventfd");
		return 1;
	}
	server = grpc_server_create(&channel_args, NULL);
	if (!lane_init(&main_lane) || !lane_init(&watch_lane)) {
		log_msg(0, "out of memory");
		return 1;
	}
	for (size_t i = 0; i < N_METHODS; i++) {
		methods[i].handle = grpc_server_register_method(
			server, methods[i].path, NULL, GRPC_SRM_PAYLOAD_READ_INITIAL_BYTE_BUFFER, 0);
		if (!methods[i].handle) {
			log_msg(0, "cannot register %s", methods[i].path);
			return 1;
		}
		methods[i].name = strrchr(methods[i].path, '.') + 1;
	}
	grpc_server_start(server);

	bool ok = request_unknown();
	for (size_t i = 0; i < N_METHODS; i++)
		ok = ok && request_method(&methods[i]);
	if (!ok) {
		log_msg(0, "cannot request calls");
		return 1;
	}

	struct acceptor acceptor = {
		.listen_fd = listen_fd,
		.signal_fd = signal_fd,
		.creds = grpc_insecure_server_credentials_create(),
	};
	pthread_t accept_thread, watch_thread;
	int rc = pthread_create(&accept_thread, NULL, accept_loop, &acceptor);
	if (rc == 0)
		rc = pthread_create(&watch_thread, NULL, watch_loop, NULL);
	if (rc != 0) {
		log_msg(rc, "pthread_create");
		return 1;
	}
	fprintf(stderr, "ethtrack-helper %s: serving (pid %d)\n", ETHTRACK_VERSION, (int)getpid());

	bool stopping = false;
	while (!stopping) {
		grpc_event ev = grpc_completion_queue_next(main_lane.notify_cq,
							   gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL);
		if (ev.type != GRPC_OP_COMPLETE || ev.tag == &shutdown_tag) {
			stopping = true;
		} else if (!ev.success) {
			/* A request failed: the server is shutting down. */
		} else if (ev.tag == &unknown) {
			serve_unknown();
			request_unknown();
		} else {
			struct method *m = ev.tag;
			serve(&main_lane, m, &m->req);
			request_method(m);
		}
	}

	pthread_join(accept_thread, NULL);
	pthread_join(watch_thread, NULL);
	grpc_server_destroy(server);
	lane_destroy(&main_lane);
	lane_destroy(&watch_lane);
	grpc_server_credentials_release(acceptor.creds);
	close(stop_fd);
	for (size_t i = 0; i < N_METHODS; i++) {
		if (methods[i].req.payload)
			grpc_byte_buffer_destroy(methods[i].req.payload);
		grpc_metadata_array_destroy(&methods[i].req.metadata);
	}
	grpc_call_details_destroy(&unknown.details);
	grpc_metadata_array_destroy(&unknown.metadata);
	grpc_shutdown();
	log_msg(0, "stopped");
	return 0;
}

