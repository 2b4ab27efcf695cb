/* The ctnetlink plumbing every conntrack RPC uses: its deadline, the check
 * that conntrack is loaded, the netlink socket, the receive loop and the
 * attribute readers. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/netfilter/nfnetlink.h>

#include "conntrack.h"
#include "helper.h"

#define DEADLINE_DEFAULT_MS 5000u
#define DEADLINE_MAX_MS 120000u
/* Kernel dump skbs are at most 32 KiB; twice that never truncates a read. */
#define RX_BYTES (64 * 1024)

static uint8_t rx_buf[RX_BYTES] __attribute__((aligned(8)));

/* ---- time ---- */

uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t deadline_from(struct rpc_ctx *ctx, uint32_t ms)
{
	int64_t client = rpc_deadline_ms(ctx);

	if (ms == 0)
		ms = DEADLINE_DEFAULT_MS;
	if (ms > DEADLINE_MAX_MS)
		ms = DEADLINE_MAX_MS;
	if (client >= 0 && client < (int64_t)ms)
		ms = (uint32_t)client;
	return now_ns(CLOCK_MONOTONIC) + (uint64_t)ms * 1000000u;
}

bool conntrack_loaded(void)
{
	/* Checked before any netlink request: ctnetlink autoloads its module,
	 * and the helper must not switch conntrack on where nobody uses it. */
	return access(PROC_CT "nf_conntrack_count", F_OK) == 0;
}

/* ---- netlink socket and the receive loop ---- */

/* Opened without CAP_NET_ADMIN: it is checked per message, in ct_send(). */
int ct_open(struct ct_sock *s, uint64_t deadline)
{
	s->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!s->nl)
		return -1;
	if (mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;
		mnl_socket_close(s->nl);
		errno = e;
		return -1;
	}
	s->portid = mnl_socket_get_portid(s->nl);
	s->seq = (uint32_t)now_ns(CLOCK_MONOTONIC);
	if (deadline) {
		/* A recv that blocks past the deadline returns EAGAIN. */
		uint64_t left = deadline - now_ns(CLOCK_MONOTONIC);
		struct timeval tv = { .tv_sec = (time_t)(left / 1000000000u),
				      .tv_usec = (suseconds_t)(left % 1000000000u / 1000u) };
		if (left > deadline || (tv.tv_sec == 0 && tv.tv_usec == 0))
			tv.tv_usec = 1;
		setsockopt(mnl_socket_get_fd(s->nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	return 0;
}

void ct_close(struct ct_sock *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	s->nl = NULL;
}

struct nlmsghdr *ct_msg(void *buf, struct ct_sock *s, uint16_t type, uint16_t flags,
			uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++s->seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

/* nfnetlink admits a message only when the sending thread holds
 * CAP_NET_ADMIN at send time (netlink_net_capable). The socket opener's
 * credentials are checked too only for a message sent without an address
 * (send/write); mnl_socket_sendto always gives one, so the raise is needed
 * here and only here: not at socket(), nor in the receive loop, where the
 * kernel's replies and dump continuations are not checked. When the
 * capability is not permitted the send goes on and fails with EPERM. */
int ct_send(struct ct_sock *s, const struct nlmsghdr *nlh)
{
	net_admin_raise();
	ssize_t n = mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len);
	net_admin_lower();
	return n < 0 ? -1 : 0;
}

int ct_request(struct ct_sock *s, uint16_t type, uint16_t flags, uint8_t family)
{
	uint8_t buf[64] __attribute__((aligned(4)));

	return ct_send(s, ct_msg(buf, s, type, flags, family));
}

/* Reads replies to the last request, one recv() buffer at a time, handing
 * each conntrack message to fn; nothing is kept between buffers. */
enum walk ct_walk(struct ct_sock *s, uint64_t deadline, ct_msg_fn fn, void *arg, int *err)
{
	int fd = mnl_socket_get_fd(s->nl);

	for (;;) {
		if (deadline && now_ns(CLOCK_MONOTONIC) >= deadline)
			return WALK_TRUNCATED;
		ssize_t n = recv(fd, rx_buf, sizeof(rx_buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return WALK_TRUNCATED;
			*err = errno;
			return WALK_ERROR;
		}
		if (n == 0) {
			*err = EPIPE;
			return WALK_ERROR;
		}
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)rx_buf;
		int len = (int)n;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != s->seq || nlh->nlmsg_pid != s->portid)
				continue; /* not ours (cannot happen on a fresh socket) */
			if (nlh->nlmsg_type == NLMSG_DONE)
				return WALK_DONE;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
				if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
					*err = EBADMSG;
					return WALK_ERROR;
				}
				if (e->error == 0)
					return WALK_DONE;
				*err = -e->error;
				return WALK_ERROR;
			}
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg)))
				continue;
			if (fn && fn(nlh, arg))
				return WALK_STOPPED;
		}
	}
}

/* ---- attribute readers: lengths checked, never trust the buffer ---- */

bool attr_u8(const struct nlattr *a, uint8_t *v)
{
	if (ct_attr_len(a) < 1)
		return false;
	*v = *(const uint8_t *)ct_attr_payload(a);
	return true;
}

bool attr_be16(const struct nlattr *a, uint16_t *v)
{
	uint16_t raw;

	if (ct_attr_len(a) < 2)
		return false;
	memcpy(&raw, ct_attr_payload(a), 2);
	*v = ntohs(raw);
	return true;
}

bool attr_be32(const struct nlattr *a, uint32_t *v)
{
	uint32_t raw;

	if (ct_attr_len(a) < 4)
		return false;
	memcpy(&raw, ct_attr_payload(a), 4);
	*v = ntohl(raw);
	return true;
}

bool attr_be64(const struct nlattr *a, uint64_t *v)
{
	uint64_t raw;

	if (ct_attr_len(a) < 8)
		return false;
	memcpy(&raw, ct_attr_payload(a), 8); /* 64-bit attrs may be 4-aligned */
	*v = be64toh(raw);
	return true;
}

const char *walk_error(enum walk res, int err)
{
	return res == WALK_ERROR ? strerror(err) : "stopped";
}
