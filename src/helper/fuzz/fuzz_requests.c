/* libFuzzer harness over every RPC's request decoding and validation.
 *
 * The first byte picks the RPC (bytes from 0xe0 up pick a decoder instead,
 * below), the rest is its request message, handed to the real handler
 * exactly as server.c hands it (at most RPC_MAX_REQUEST_BYTES). The gRPC plumbing is replaced by the few rpc.h
 * functions below, and the kernel is kept out of reach: the ethtool socket is
 * never opened (every ioctl fails with EBADF) and mnl_socket_open2 is
 * wrapped (-Wl,--wrap) to fail, so a request that passes validation ends in
 * an error status instead of a dump or a deletion.
 *
 * Beyond what ASan and UBSan catch, it checks the handler contract: a unary
 * handler returns a reply exactly when it did not fail; a request that does
 * not decode as its message type is INVALID_ARGUMENT; every reply packs. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethtrack/helper/v1/helper.pb-c.h"
#include "grpc/health/v1/health.pb-c.h"
#include "ethtool-netlink.h"
#include "link-watch.h"
#include "rpc.h"

struct libmnl_socket;
struct libmnl_socket *__wrap_mnl_socket_open2(int bus, int flags);
struct libmnl_socket *__wrap_mnl_socket_open2(int bus, int flags)
{
	(void)bus;
	(void)flags;
	errno = EPERM;
	return NULL;
}

/* privileges.c is not linked: the harness holds no capability, so raising
 * fails as in a helper started without one, and the call goes on. */
int net_admin_raise(void);
void net_admin_lower(void);
int net_admin_raise(void)
{
	errno = EPERM;
	return -1;
}

void net_admin_lower(void)
{
}

struct rpc_ctx {
	bool failed;
	enum rpc_code code;
	void (*after_reply)(void);
	char message[512];
};

/* Run after the reply is packed, as call.c does, so a reply that still
 * points into what it released shows up as use-after-free next time. */
void rpc_after_reply(struct rpc_ctx *ctx, void (*fn)(void))
{
	ctx->after_reply = fn;
}

void rpc_fail(struct rpc_ctx *ctx, enum rpc_code code, const char *fmt, ...)
{
	if (ctx->failed)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctx->message, sizeof(ctx->message), fmt, ap);
	va_end(ap);
	ctx->failed = true;
	ctx->code = code == RPC_OK ? RPC_UNKNOWN : code;
}

/* Like server.c's arena: everything is released after the call, so a
 * handler that keeps a pointer into its request shows up as use-after-free. */
static void **allocations;
static size_t n_allocations, cap_allocations;

static void *tracked_alloc(void *unused, size_t size)
{
	(void)unused;
	if (n_allocations == cap_allocations) {
		size_t cap = cap_allocations ? 2 * cap_allocations : 256;
		void **p = realloc(allocations, cap * sizeof(*p));
		if (!p)
			return NULL;
		allocations = p;
		cap_allocations = cap;
	}
	void *p = malloc(size ? size : 1);
	if (p)
		allocations[n_allocations++] = p;
	return p;
}

static void tracked_free(void *unused, void *p)
{
	(void)unused;
	(void)p;
}

static void release_all(void)
{
	for (size_t i = 0; i < n_allocations; i++)
		free(allocations[i]);
	n_allocations = 0;
}

static ProtobufCAllocator allocator = { .alloc = tracked_alloc, .free = tracked_free };

ProtobufCAllocator *rpc_allocator(struct rpc_ctx *ctx)
{
	(void)ctx;
	return &allocator;
}

int64_t rpc_deadline_ms(const struct rpc_ctx *ctx)
{
	(void)ctx;
	return 50;
}

static uint8_t packed[1 << 20];

static void pack(const ProtobufCMessage *msg)
{
	size_t len = protobuf_c_message_get_packed_size(msg);
	uint8_t *buf = len <= sizeof(packed) ? packed : malloc(len);
	if (!buf)
		abort();
	if (protobuf_c_message_pack(msg, buf) != len)
		abort();
	if (buf != packed)
		free(buf);
}

int rpc_send(struct rpc_ctx *ctx, const ProtobufCMessage *msg)
{
	if (ctx->failed)
		return -1;
	pack(msg);
	return 0;
}

static const struct {
	const ProtobufCMessageDescriptor *request;
	rpc_unary_fn unary;
	rpc_stream_fn stream;
} rpcs[] = {
	{ &ethtrack__helper__v1__get_info_request__descriptor, info_get, NULL },
	{ &ethtrack__helper__v1__list_interfaces_request__descriptor, ethtool_list_interfaces, NULL },
	{ &ethtrack__helper__v1__ethtool_stats_request__descriptor, ethtool_get_stats, NULL },
	{ &ethtrack__helper__v1__conntrack_summary_request__descriptor, conntrack_get_summary, NULL },
	{ &ethtrack__helper__v1__conntrack_breakdown_request__descriptor, conntrack_get_breakdown,
	  NULL },
	{ &ethtrack__helper__v1__conntrack_dump_request__descriptor, NULL, conntrack_dump },
	{ &ethtrack__helper__v1__conntrack_delete_request__descriptor, conntrack_delete, NULL },
	{ &ethtrack__helper__v1__ethtool_settings_request__descriptor, ethtool_get_settings, NULL },
	{ &ethtrack__helper__v1__standard_stats_request__descriptor, ethtool_get_standard_stats,
	  NULL },
	{ &ethtrack__helper__v1__module_eeprom_request__descriptor, ethtool_get_module_eeprom,
	  NULL },
	{ &grpc__health__v1__health_check_request__descriptor, health_check, NULL },
	{ &ethtrack__helper__v1__flows_request__descriptor, conntrack_get_flows, NULL },
	{ &ethtrack__helper__v1__evict_flows_request__descriptor, conntrack_evict_flows, NULL },
	{ &ethtrack__helper__v1__watch_links_request__descriptor, NULL, links_watch },
};
#define N_RPCS (sizeof(rpcs) / sizeof(rpcs[0]))

/* First byte 0xf0-0xff: the rest is the attributes of an ethtool netlink
 * reply, decoded by its low nibble as a settings kind (0-6: channels, rings,
 * coalesce, pause, FEC, link state, link modes), standard stats (7) or a
 * module EEPROM reply (8-15). Decoders must refuse what does not fit, never
 * read past it. */
static void fuzz_reply(uint8_t which, const uint8_t *attrs, size_t len)
{
	static uint8_t buf[NLMSG_HDRLEN + GENL_HDRLEN + 65536] __attribute__((aligned(8)));
	if (len > 65536 - 64)
		return;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
	/* The length as the kernel would claim it; copied to a heap buffer of
	 * exactly that size so ASan sees any read beyond. */
	memcpy(mnl_nlmsg_get_payload_tail(nlh), attrs, len);
	nlh->nlmsg_len += (uint32_t)len;
	uint8_t *exact = malloc(nlh->nlmsg_len);
	if (!exact)
		return;
	memcpy(exact, buf, nlh->nlmsg_len);
	const struct nlmsghdr *msg = (const struct nlmsghdr *)exact;
	unsigned k = which & 0xf;
	if (k < ETHTOOL_SETTINGS_KINDS) {
		/* A decoded reply must also pack: every array within its slot. */
		const ProtobufCMessage *m = NULL;
		if (ethtool_settings_decode(k, msg, false) == 0)
			m = ethtool_settings_reply();
		if (m)
			pack(m);
	} else if (k == ETHTOOL_SETTINGS_KINDS) {
		ethtool_standard_stats_decode(msg);
	} else {
		ethtool_module_decode(msg);
	}
	free(exact);
}

/* First byte 0xe0-0xef: the rest is one datagram from rtnetlink's link
 * group, as WatchLinks receives it, in a heap buffer of exactly its size. A
 * name it takes must be a device name; a resync names none. */
static void fuzz_link_datagram(const uint8_t *data, size_t len)
{
	static struct link_changes changes;
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact)
		return;
	memcpy(exact, data, len);
	changes.n = 0;
	changes.resync = false;
	link_changes_add(&changes, exact, len);
	for (size_t i = 0; i < changes.n; i++) {
		size_t n = strnlen(changes.names[i], IFNAMSIZ);
		if (n == 0 || n == IFNAMSIZ)
			abort();
	}
	free(exact);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] >= 0xf0) {
		fuzz_reply(data[0], data + 1, size - 1);
		return 0;
	}
	if (data[0] >= 0xe0) {
		fuzz_link_datagram(data + 1, size - 1);
		return 0;
	}
	size_t which = data[0] % N_RPCS;
	const uint8_t *req = data + 1;
	size_t len = size - 1;
	if (len > RPC_MAX_REQUEST_BYTES) /* server.c answers INVALID_ARGUMENT itself */
		return -1;

	ProtobufCMessage *decoded = protobuf_c_message_unpack(rpcs[which].request, &allocator, len, req);
	bool decodes = decoded != NULL;
	release_all();

	struct rpc_ctx ctx = { 0 };
	const ProtobufCMessage *reply = NULL;
	if (rpcs[which].unary) {
		reply = rpcs[which].unary(&ctx, req, len);
		if ((reply == NULL) != ctx.failed) {
			fprintf(stderr, "rpc %zu: reply %p but failed=%d (%s)\n", which, (void *)reply,
				ctx.failed, ctx.message);
			abort();
		}
		if (reply)
			pack(reply);
		if (ctx.after_reply)
			ctx.after_reply();
	} else {
		rpcs[which].stream(&ctx, req, len);
	}
	if (!decodes && !(ctx.failed && ctx.code == RPC_INVALID_ARGUMENT)) {
		fprintf(stderr, "rpc %zu: undecodable request answered %d (%s)\n", which,
			ctx.failed ? (int)ctx.code : 0, ctx.message);
		abort();
	}
	release_all();
	return 0;
}
