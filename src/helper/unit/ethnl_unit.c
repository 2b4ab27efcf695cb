/* Unit cases of the ethtool netlink plumbing (ethtool-netlink.c) over replies
 * no kernel here sends: a family reply larger than 8 KiB, a dump the kernel
 * cut short (an error in NLMSG_DONE), a settings reply with a nest among its
 * scalars (what 6.11+ headers make of coalescing), an attribute overrunning
 * its message; and WatchLinks' decoding (link_watch_unit.c). Built with ASan and UBSan (`make unit`), run by
 * test/integration/helper-unit.test.ts; exits non-zero on the first failure.
 *
 * The socket is a test double: libmnl's socket calls are wrapped
 * (-Wl,--wrap) so that a request is answered from a socketpair this file
 * fills, and the code under test recv()s the replies as from netlink. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ethtrack/helper/v1/helper.pb-c.h"
#include "ethtool-netlink.h"
#include "rpc.h"
#include "unit/check.h"

#define PORTID 4242
#define FAMILY 27

static int failures;

/* ---- the socket double */

struct mnl_socket;
static int ends[2] = { -1, -1 }; /* [0] read by the code under test, [1] written here */
/* What answers the next request: fills replies for seq with put_reply(). */
static void (*responder)(uint32_t seq, uint8_t cmd);

struct mnl_socket *__wrap_mnl_socket_open2(int bus, int flags);
int __wrap_mnl_socket_bind(struct mnl_socket *nl, unsigned groups, pid_t pid);
unsigned __wrap_mnl_socket_get_portid(const struct mnl_socket *nl);
int __wrap_mnl_socket_get_fd(const struct mnl_socket *nl);
ssize_t __wrap_mnl_socket_sendto(const struct mnl_socket *nl, const void *req, size_t len);
int __wrap_mnl_socket_close(struct mnl_socket *nl);

struct mnl_socket *__wrap_mnl_socket_open2(int bus, int flags)
{
	(void)bus;
	(void)flags;
	if (ends[0] < 0 && socketpair(AF_UNIX, SOCK_SEQPACKET, 0, ends) < 0)
		return NULL;
	return (struct mnl_socket *)&ends;
}

int __wrap_mnl_socket_bind(struct mnl_socket *nl, unsigned groups, pid_t pid)
{
	(void)nl, (void)groups, (void)pid;
	return 0;
}

unsigned __wrap_mnl_socket_get_portid(const struct mnl_socket *nl)
{
	(void)nl;
	return PORTID;
}

int __wrap_mnl_socket_get_fd(const struct mnl_socket *nl)
{
	(void)nl;
	return ends[0];
}

ssize_t __wrap_mnl_socket_sendto(const struct mnl_socket *nl, const void *req, size_t len)
{
	(void)nl;
	const struct nlmsghdr *nlh = req;
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	if (responder)
		responder(nlh->nlmsg_seq, g->cmd);
	return (ssize_t)len;
}

int __wrap_mnl_socket_close(struct mnl_socket *nl)
{
	(void)nl;
	return 0;
}

/* One reply datagram: a netlink message of type, with a genl header when
 * genl, then body. */
static uint8_t out[ETHNL_RX_BYTES] __attribute__((aligned(8)));

static struct nlmsghdr *start_reply(uint16_t type, uint32_t seq, bool genl)
{
	memset(out, 0, sizeof(out));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(out);
	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORTID;
	if (genl)
		mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
	return nlh;
}

static void send_reply(const struct nlmsghdr *nlh)
{
	if (send(ends[1], nlh, nlh->nlmsg_len, 0) != (ssize_t)nlh->nlmsg_len) {
		perror("send");
		exit(2);
	}
}

static void put_done(uint32_t seq, int error)
{
	struct nlmsghdr *nlh = start_reply(NLMSG_DONE, seq, false);
	int *e = mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	*e = error;
	send_reply(nlh);
}

/* ---- the cases */

/* The controller's answer with the family id and 16 KiB of op nests, more
 * than the family buffer once held (8 KiB): ASan reports the overflow. */
static void big_family(uint32_t seq, uint8_t cmd)
{
	(void)cmd;
	struct nlmsghdr *nlh = start_reply(GENL_ID_CTRL, seq, true);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, ETHTOOL_GENL_NAME);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAMILY);
	struct nlattr *ops = mnl_attr_nest_start(nlh, CTRL_ATTR_OPS);
	for (uint32_t i = 1; i <= 1024; i++) {
		struct nlattr *op = mnl_attr_nest_start(nlh, (uint16_t)i);
		mnl_attr_put_u32(nlh, CTRL_ATTR_OP_ID, i);
		mnl_attr_nest_end(nlh, op);
	}
	mnl_attr_nest_end(nlh, ops);
	send_reply(nlh);
	struct nlmsghdr *ack = start_reply(NLMSG_ERROR, seq, false);
	mnl_nlmsg_put_extra_header(ack, sizeof(struct nlmsgerr));
	send_reply(ack);
}

static void put_dev_header(struct nlmsghdr *nlh)
{
	struct nlattr *h = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_DEV_INDEX, 9);
	mnl_attr_put_strz(nlh, ETHTOOL_A_HEADER_DEV_NAME, "eth9");
	mnl_attr_nest_end(nlh, h);
}

/* A coalescing reply as a kernel with newer attributes sends it: a nest
 * (NLA_F_NESTED) among the u32s, at a type these headers know as a scalar,
 * standing for RX_PROFILE (a nest) under 6.11+ headers. */
static struct nlmsghdr *coalesce_with_nest(uint32_t seq)
{
	struct nlmsghdr *nlh = start_reply(FAMILY, seq, true);
	put_dev_header(nlh);
	mnl_attr_put_u32(nlh, ETHTOOL_A_COALESCE_RX_USECS, 50);
	struct nlattr *nest = mnl_attr_nest_start(nlh, ETHTOOL_A_COALESCE_MAX);
	struct nlattr *inner = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u16(nlh, 1, 7);
	mnl_attr_put_u32(nlh, 2, 8);
	mnl_attr_nest_end(nlh, inner);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put_u16(nlh, ETHTOOL_A_COALESCE_RX_MAX_FRAMES, 3); /* a scalar of another size */
	mnl_attr_put_u32(nlh, ETHTOOL_A_COALESCE_TX_USECS, 60);
	return nlh;
}

static void coalesce_dump(uint32_t seq, uint8_t cmd)
{
	if (cmd != ETHTOOL_MSG_COALESCE_GET) {
		put_done(seq, 0);
		return;
	}
	send_reply(coalesce_with_nest(seq));
	put_done(seq, 0);
}

/* A dump the kernel ended early: one device, then NLMSG_DONE with -EMSGSIZE. */
static void cut_short(uint32_t seq, uint8_t cmd)
{
	send_reply(coalesce_with_nest(seq));
	put_done(seq, -EMSGSIZE);
}

static int count_reply(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(*(int *)arg)++;
	return 0;
}

/* ---- rpc.h and privileges.c stand-ins (as in fuzz/fuzz_requests.c) */

int net_admin_raise(void);
void net_admin_lower(void);
int net_admin_raise(void)
{
	return 0;
}

void net_admin_lower(void)
{
}

struct rpc_ctx {
	bool failed;
	char message[256];
};

/* The cases read the reply after the handler returns, as call.c packs it;
 * what the handler would release afterwards is left alone here. */
void rpc_after_reply(struct rpc_ctx *ctx, void (*fn)(void))
{
	(void)ctx, (void)fn;
}

void rpc_fail(struct rpc_ctx *ctx, enum rpc_code code, const char *fmt, ...)
{
	(void)code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctx->message, sizeof(ctx->message), fmt, ap);
	va_end(ap);
	ctx->failed = true;
}

/* Like server.c's per-call arena: nothing unpacked is freed one by one. */
static uint8_t arena[4096] __attribute__((aligned(16)));
static size_t arena_used;

static void *arena_alloc(void *unused, size_t size)
{
	(void)unused;
	size = (size + 15) & ~(size_t)15;
	if (size > sizeof(arena) - arena_used)
		return NULL;
	void *p = arena + arena_used;
	arena_used += size;
	return p;
}

static void arena_free(void *unused, void *p)
{
	(void)unused, (void)p;
}

static ProtobufCAllocator allocator = { .alloc = arena_alloc, .free = arena_free };

ProtobufCAllocator *rpc_allocator(struct rpc_ctx *ctx)
{
	(void)ctx;
	return &allocator;
}

int64_t rpc_deadline_ms(const struct rpc_ctx *ctx)
{
	(void)ctx;
	return -1;
}

int rpc_send(struct rpc_ctx *ctx, const ProtobufCMessage *msg)
{
	(void)ctx, (void)msg;
	return 0;
}

int link_watch_cases(void);

static uint32_t coalesce_value(const Ethtrack__Helper__V1__DeviceSettings *d, uint32_t type)
{
	for (size_t i = 0; i + 1 < d->n_coalesce; i += 2)
		if (d->coalesce[i] == type)
			return d->coalesce[i + 1];
	return UINT32_MAX;
}

int main(void)
{
	responder = big_family;
	int family = ethnl_family();
	CHECK(family == FAMILY, "a 16 KiB family reply resolves the family: %d", family);

	/* A nest among the scalars is skipped; the scalars around it are kept. */
	responder = coalesce_dump;
	Ethtrack__Helper__V1__EthtoolSettingsRequest req =
		ETHTRACK__HELPER__V1__ETHTOOL_SETTINGS_REQUEST__INIT;
	req.coalesce = true;
	uint8_t packed[64];
	size_t len = ethtrack__helper__v1__ethtool_settings_request__pack(&req, packed);
	struct rpc_ctx ctx = { 0 };
	const Ethtrack__Helper__V1__EthtoolSettingsReply *reply =
		(const void *)ethtool_get_settings(&ctx, packed, len);
	CHECK(reply && !ctx.failed, "settings answered: %s", ctx.message);
	if (reply) {
		CHECK(reply->n_errors == 0, "no error: %s", reply->n_errors ? reply->errors[0] : "");
		CHECK(reply->n_devices == 1, "one device: %zu", reply->n_devices);
		if (reply->n_devices == 1) {
			const Ethtrack__Helper__V1__DeviceSettings *d = reply->devices[0];
			CHECK(coalesce_value(d, ETHTOOL_A_COALESCE_RX_USECS) == 50, "rx-usecs before the nest");
			CHECK(coalesce_value(d, ETHTOOL_A_COALESCE_TX_USECS) == 60, "tx-usecs after the nest");
			CHECK(coalesce_value(d, ETHTOOL_A_COALESCE_MAX) == UINT32_MAX, "the nest is no scalar");
			CHECK(coalesce_value(d, ETHTOOL_A_COALESCE_RX_MAX_FRAMES) == UINT32_MAX,
			      "a u16 is not read as a u8 or u32");
		}
	}
	CHECK(ethtool_settings_decode(2, coalesce_with_nest(1), false) == 0, "the decoder entry agrees");

	/* What overruns its container is still refused. */
	struct nlmsghdr *bad = coalesce_with_nest(1);
	struct nlattr *last = (struct nlattr *)((uint8_t *)bad + bad->nlmsg_len - MNL_ALIGN(8));
	last->nla_len = 12; /* 4 bytes past the message */
	CHECK(ethtool_settings_decode(2, bad, false) == -EBADMSG, "an overrunning attribute is refused");

	/* The error a dump ends with is the dump's result. */
	responder = cut_short;
	uint8_t buf[256] __attribute__((aligned(4)));
	static uint8_t rx[ETHNL_RX_BYTES] __attribute__((aligned(8)));
	struct ethnl_sock *s = ethnl_main_sock();
	struct nlmsghdr *dump = ethnl_request(buf, s, ETHTOOL_MSG_COALESCE_GET, true, 1, NULL, 0);
	int seen = 0;
	int err = ethnl_talk(s, dump, rx, count_reply, &seen);
	CHECK(err == -EMSGSIZE, "a dump cut short ends in its error: %d", err);
	CHECK(seen == 1, "the part before it was read: %d", seen);

	failures += link_watch_cases();

	if (failures)
		fprintf(stderr, "%d failed\n", failures);
	else
		printf("ethnl unit cases passed\n");
	return failures ? 1 : 0;
}
