/* ethtool generic netlink plumbing: the family id, the sockets, one loop
 * that sends a request and walks its replies, and length-checked attribute
 * readers. Each kind of request has its own file (ethtool-settings.c,
 * ethtool-standard-stats.c, ethtool-module.c), like ethtool-*.c over ioctl. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "ethtool-netlink.h"
#include "helper.h"

static int family_id; /* 0 until resolved, negative errno when absent */
static struct ethnl_sock main_sock;
static uint8_t family_rx[ETHNL_RX_BYTES] __attribute__((aligned(8))); /* ethnl_talk fills up to this */

int ethnl_open(struct ethnl_sock *s, unsigned timeout_ms)
{
	s->nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!s->nl)
		return -errno;
	if (mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;
		mnl_socket_close(s->nl);
		s->nl = NULL;
		return -e;
	}
	/* Extended acks would only make replies longer. */
	s->portid = mnl_socket_get_portid(s->nl);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	s->seq = (uint32_t)now.tv_nsec;
	if (timeout_ms) {
		/* A reply that never comes ends the read with EAGAIN. */
		struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = timeout_ms % 1000 * 1000 };
		setsockopt(mnl_socket_get_fd(s->nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	return 0;
}

void ethnl_close(struct ethnl_sock *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	s->nl = NULL;
}

struct ethnl_sock *ethnl_main_sock(void)
{
	if (!main_sock.nl) {
		/* Dumps of every device end well within this; a stuck driver
		 * must not hold the main thread for longer. */
		int err = ethnl_open(&main_sock, 10000);
		if (err < 0) {
			errno = -err;
			return NULL;
		}
	}
	return &main_sock;
}

static int family_reply(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *a;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN)
	{
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID) {
			if (mnl_attr_get_payload_len(a) != sizeof(uint16_t))
				return -EBADMSG;
			*(int *)arg = mnl_attr_get_u16(a);
		}
	}
	return 0;
}

int ethnl_family(void)
{
	if (family_id)
		return family_id;
	struct ethnl_sock *s = ethnl_main_sock();
	if (!s)
		return -errno;
	uint8_t buf[128] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++s->seq;
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, ETHTOOL_GENL_NAME);
	int id = 0;
	int err = ethnl_talk(s, nlh, family_rx, family_reply, &id);
	if (err == -ENOENT)
		err = -EOPNOTSUPP; /* a kernel built without ethtool netlink */
	/* Only a definite answer is kept; a passing failure is asked again. */
	if (err == -EOPNOTSUPP)
		family_id = err;
	else if (err == 0 && id > 0)
		family_id = id;
	return err < 0 ? err : id > 0 ? id : -EBADMSG;
}

struct nlmsghdr *ethnl_request(void *buf, struct ethnl_sock *s, uint8_t cmd, bool dump,
			       uint16_t header_type, const char *ifname, uint32_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (uint16_t)family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : NLM_F_ACK);
	nlh->nlmsg_seq = ++s->seq;
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = ETHTOOL_GENL_VERSION;
	struct nlattr *nest = mnl_attr_nest_start(nlh, header_type);
	if (ifname)
		mnl_attr_put_strz(nlh, ETHTOOL_A_HEADER_DEV_NAME, ifname);
	if (flags)
		mnl_attr_put_u32(nlh, ETHTOOL_A_HEADER_FLAGS, flags);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

int ethnl_talk(struct ethnl_sock *s, struct nlmsghdr *req, uint8_t *rx, ethnl_reply_fn fn,
	       void *arg)
{
	if (s->admin)
		net_admin_raise();
	ssize_t sent = mnl_socket_sendto(s->nl, req, req->nlmsg_len);
	int send_errno = errno;
	if (s->admin)
		net_admin_lower();
	if (sent < 0)
		return -send_errno;
	int stop = 0; /* fn's error: the rest of a dump is still read off */
	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(s->nl), rx, ETHNL_RX_BYTES, 0);
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
			if (nlh->nlmsg_seq != req->nlmsg_seq || nlh->nlmsg_pid != s->portid)
				continue; /* a late reply to a request given up on */
			if (nlh->nlmsg_type == NLMSG_DONE) {
				/* A dump the kernel cut short (-EMSGSIZE, say) says so here;
				 * without it the part read would pass for the whole. */
				int done_err = 0;
				if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(done_err)))
					memcpy(&done_err, mnl_nlmsg_get_payload(nlh), sizeof(done_err));
				return done_err < 0 ? done_err : stop;
			}
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
				if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
					return -EBADMSG;
				return e->error ? e->error : stop;
			}
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE || stop)
				continue;
			if (!ethnl_msg_valid(nlh)) {
				stop = -EBADMSG;
				continue;
			}
			stop = fn(nlh, arg);
		}
		if (len > 0)
			return -EBADMSG; /* a message that claims more than was read */
	}
}

/* Whether attributes fill [start, start + len) exactly, each within it. */
static bool attrs_fill(const uint8_t *start, size_t len)
{
	size_t at = 0;
	/* at may pass len by the last attribute's padding: compare first. */
	while (at < len && len - at >= sizeof(struct nlattr)) {
		const struct nlattr *a = (const struct nlattr *)(start + at);
		if (a->nla_len < sizeof(struct nlattr) || a->nla_len > len - at)
			return false;
		at += MNL_ALIGN(a->nla_len);
	}
	return at >= len; /* the last attribute's padding may be cut off */
}

bool ethnl_msg_valid(const struct nlmsghdr *nlh)
{
	/* The kernel pads every message; libmnl's walks assume it. */
	if (nlh->nlmsg_len < mnl_nlmsg_size(GENL_HDRLEN) || MNL_ALIGN(nlh->nlmsg_len) != nlh->nlmsg_len)
		return false;
	const uint8_t *start = (const uint8_t *)mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN);
	return attrs_fill(start, (const uint8_t *)nlh + nlh->nlmsg_len - start);
}

bool ethnl_nest_valid(const struct nlattr *nest)
{
	return attrs_fill(mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest));
}

bool ethnl_u8(const struct nlattr *a, uint8_t *v)
{
	if (mnl_attr_get_payload_len(a) != 1)
		return false;
	*v = mnl_attr_get_u8(a);
	return true;
}

bool ethnl_u32(const struct nlattr *a, uint32_t *v)
{
	if (mnl_attr_get_payload_len(a) != 4)
		return false;
	*v = mnl_attr_get_u32(a);
	return true;
}

bool ethnl_u64(const struct nlattr *a, uint64_t *v)
{
	if (mnl_attr_get_payload_len(a) != 8)
		return false;
	memcpy(v, mnl_attr_get_payload(a), 8); /* 64-bit attributes may be 4-aligned */
	return true;
}

int ethnl_parse_header(const struct nlattr *nest, char name[IFNAMSIZ], uint32_t *ifindex)
{
	const struct nlattr *a;
	bool have_name = false, have_index = false;
	if (!ethnl_nest_valid(nest))
		return -EBADMSG;
	mnl_attr_for_each_nested(a, nest)
	{
		switch (mnl_attr_get_type(a)) {
		case ETHTOOL_A_HEADER_DEV_INDEX:
			if (!ethnl_u32(a, ifindex))
				return -EBADMSG;
			have_index = true;
			break;
		case ETHTOOL_A_HEADER_DEV_NAME: {
			uint16_t len = mnl_attr_get_payload_len(a);
			const char *s = mnl_attr_get_payload(a);
			if (len < 2 || len > IFNAMSIZ || s[len - 1] != '\0' || strlen(s) != len - 1u)
				return -EBADMSG;
			memcpy(name, s, len);
			have_name = true;
			break;
		}
		}
	}
	return have_name && have_index ? 0 : -EBADMSG;
}

bool pairs32_add(struct pairs32 *p, uint32_t type, uint32_t value)
{
	if (p->n + 2 > p->cap)
		return false;
	p->v[p->n++] = type;
	p->v[p->n++] = value;
	return true;
}

bool pairs64_add(struct pairs64 *p, uint64_t type, uint64_t value)
{
	if (p->n + 2 > p->cap)
		return false;
	p->v[p->n++] = type;
	p->v[p->n++] = value;
	return true;
}

int ethnl_scalars(const struct nlmsghdr *nlh, uint16_t max, uint64_t skip_mask,
		  struct pairs32 *out)
{
	const struct nlattr *a;
	ethnl_attrs_for_each(a, nlh)
	{
		uint16_t type = mnl_attr_get_type(a);
		if (type < 64 && (skip_mask >> type) & 1)
			continue;
		/* A nest, or a scalar of another size, is what a kernel or uapi
		 * newer than this code made of the type (6.11 put nests among the
		 * coalescing u32s): skipped, never a reason to lose the rest. What
		 * overruns the message was refused by ethnl_msg_valid(). */
		if (a->nla_type & NLA_F_NESTED)
			continue;
		uint16_t len = mnl_attr_get_payload_len(a);
		uint32_t v;
		if (len == 1)
			v = mnl_attr_get_u8(a);
		else if (len == 4)
			v = mnl_attr_get_u32(a);
		else
			continue;
		pairs32_add(out, type, v);
	}
	return 0;
}
