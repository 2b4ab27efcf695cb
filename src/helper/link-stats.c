/* GetLinkStats: every device's link counters (IFLA_STATS64, struct
 * rtnl_link_stats64) and carrier up/down counts in one RTM_GETLINK dump of
 * the helper's network namespace. The rxpath collector would otherwise read
 * three sysfs files per device per cycle. A GETLINK dump needs no
 * capability, so nothing is raised here (helper.h's net_admin_raise rule).
 * The socket, the receive buffer and the reply's slots are kept at their
 * high-water mark: a warm call allocates nothing. The counters are sent in
 * the kernel's uapi order; the service names them. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "ethtool.h"
#include "ethtrack/helper/v1/helper.pb-c.h"
#include "link-stats.h"
#include "rpc.h"

/* struct rtnl_link_stats64 has 24 u64 fields in Linux 6.x; room for growth. */
#define STATS64_MAX 32
/* Kernel dump skbs are at most 32 KiB; twice that never truncates a read. */
#define RX_BYTES (64 * 1024)

struct link_slot {
	Ethtrack__Helper__V1__LinkStats msg;
	char name[IFNAMSIZ];
	uint64_t stats64[STATS64_MAX];
};

static struct {
	Ethtrack__Helper__V1__LinkStatsReply msg;
	struct link_slot *slots;
	Ethtrack__Helper__V1__LinkStats **ptrs;
	size_t n, cap_slots, cap_ptrs;
} reply = { .msg = ETHTRACK__HELPER__V1__LINK_STATS_REPLY__INIT };

static struct mnl_socket *sock;
static uint32_t portid, seq;
static uint8_t rx[RX_BYTES] __attribute__((aligned(8)));

static int open_socket(void)
{
	if (sock)
		return 0;
	sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!sock)
		return -errno;
	if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;
		mnl_socket_close(sock);
		sock = NULL;
		return -e;
	}
	portid = mnl_socket_get_portid(sock);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	seq = (uint32_t)now.tv_nsec;
	/* A dump that never ends must not hold the main thread. */
	struct timeval tv = { .tv_sec = 10 };
	setsockopt(mnl_socket_get_fd(sock), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

/* Whether a reply's attributes fill it exactly, each within it: a truncated
 * or overlong attribute is refused before anything reads it. */
static bool msg_valid(const struct nlmsghdr *nlh)
{
	size_t off = MNL_ALIGN(sizeof(struct ifinfomsg));
	if (nlh->nlmsg_len < mnl_nlmsg_size(off) || MNL_ALIGN(nlh->nlmsg_len) != nlh->nlmsg_len)
		return false;
	const uint8_t *start = mnl_nlmsg_get_payload_offset(nlh, off);
	size_t len = (const uint8_t *)nlh + nlh->nlmsg_len - start, at = 0;
	while (at < len && len - at >= sizeof(struct nlattr)) {
		const struct nlattr *a = (const struct nlattr *)(start + at);
		if (a->nla_len < sizeof(struct nlattr) || a->nla_len > len - at)
			return false;
		at += MNL_ALIGN(a->nla_len);
	}
	return at >= len;
}

/* One RTM_NEWLINK of the dump into the next slot. */
static int link_reply(const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	if (!msg_valid(nlh))
		return -EBADMSG;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	if (grow(&reply.slots, &reply.cap_slots, reply.n + 1, sizeof(*reply.slots)) < 0)
		return -ENOMEM;
	struct link_slot *s = &reply.slots[reply.n];
	ethtrack__helper__v1__link_stats__init(&s->msg);
	s->name[0] = '\0';
	s->msg.ifindex = (uint32_t)ifi->ifi_index;
	bool have_name = false, up = false, down = false;
	const struct nlattr *a;
	mnl_attr_for_each(a, nlh, sizeof(*ifi))
	{
		uint16_t len = mnl_attr_get_payload_len(a);
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME: {
			const char *name = mnl_attr_get_payload(a);
			if (len < 2 || len > IFNAMSIZ || name[len - 1] != '\0' || strlen(name) != len - 1u)
				return -EBADMSG;
			memcpy(s->name, name, len);
			have_name = true;
			break;
		}
		case IFLA_STATS64: {
			/* A shorter struct from an older kernel, a longer one from a
			 * newer: whole fields only. 64-bit attributes may be 4-aligned. */
			size_t n = len / sizeof(uint64_t);
			if (n > STATS64_MAX)
				n = STATS64_MAX;
			memcpy(s->stats64, mnl_attr_get_payload(a), n * sizeof(uint64_t));
			s->msg.n_stats64 = n;
			break;
		}
		case IFLA_CARRIER_UP_COUNT:
		case IFLA_CARRIER_DOWN_COUNT:
			if (len != sizeof(uint32_t))
				return -EBADMSG;
			if (mnl_attr_get_type(a) == IFLA_CARRIER_UP_COUNT) {
				s->msg.carrier_up_count = mnl_attr_get_u32(a);
				up = true;
			} else {
				s->msg.carrier_down_count = mnl_attr_get_u32(a);
				down = true;
			}
			break;
		}
	}
	if (!have_name)
		return -EBADMSG;
	s->msg.carrier_counts = up && down;
	reply.n++;
	return 0;
}

/* The dump: sends RTM_GETLINK and hands each reply to link_reply until
 * NLMSG_DONE. Returns 0 or a negative errno. */
static int dump_links(void)
{
	uint8_t buf[64] __attribute__((aligned(4)));
	struct nlmsghdr *req = mnl_nlmsg_put_header(buf);
	req->nlmsg_type = RTM_GETLINK;
	req->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req->nlmsg_seq = ++seq;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(req, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	if (mnl_socket_sendto(sock, req, req->nlmsg_len) < 0)
		return -errno;
	int stop = 0; /* link_reply's error: the rest of the dump is still read off */
	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(sock), rx, sizeof(rx), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
		}
		if (n == 0)
			return -EPIPE;
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)rx;
		int len = (int)n;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != req->nlmsg_seq || nlh->nlmsg_pid != portid)
				continue; /* a late reply to a dump given up on */
			if (nlh->nlmsg_type == NLMSG_DONE) {
				/* A dump that failed part way says so in DONE's payload. */
				if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(int))) {
					int err;
					memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
					if (err < 0)
						return err;
				}
				return stop;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
				if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
					return -EBADMSG;
				return e->error ? e->error : stop;
			}
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE || stop)
				continue;
			stop = link_reply(nlh);
		}
		if (len > 0)
			return -EBADMSG; /* a message that claims more than was read */
	}
}

const ProtobufCMessage *link_get_stats(struct rpc_ctx *ctx, const uint8_t *req, size_t len)
{
	Ethtrack__Helper__V1__LinkStatsRequest *request =
		ethtrack__helper__v1__link_stats_request__unpack(rpc_allocator(ctx), len, req);
	if (!request) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "malformed request");
		return NULL;
	}
	int err = open_socket();
	if (err < 0) {
		rpc_fail(ctx, RPC_UNAVAILABLE, "rtnetlink socket: %s", strerror(-err));
		return NULL;
	}
	reply.n = 0;
	err = dump_links();
	if (err < 0) {
		/* The socket may hold the rest of a dump given up on: start afresh. */
		if (err == -ETIMEDOUT || err == -EBADMSG) {
			mnl_socket_close(sock);
			sock = NULL;
		}
		rpc_fail(ctx, RPC_UNAVAILABLE, "RTM_GETLINK dump: %s%s",
			 err == -EBADMSG ? "malformed reply: " : "", strerror(-err));
		return NULL;
	}
	if (grow(&reply.ptrs, &reply.cap_ptrs, reply.n, sizeof(*reply.ptrs)) < 0) {
		rpc_fail(ctx, RPC_RESOURCE_EXHAUSTED, "out of memory");
		return NULL;
	}
	/* slots may have moved while growing; point the messages now. */
	for (size_t i = 0; i < reply.n; i++) {
		struct link_slot *s = &reply.slots[i];
		s->msg.interface = s->name;
		s->msg.stats64 = s->stats64;
		reply.ptrs[i] = &s->msg;
	}
	reply.msg.devices = reply.ptrs;
	reply.msg.n_devices = reply.n;
	return &reply.msg.base;
}

int link_stats_decode(const struct nlmsghdr *nlh)
{
	reply.n = 0;
	return link_reply(nlh);
}
