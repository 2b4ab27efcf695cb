/* WatchLinks: tells the service which devices' links changed, as the kernel
 * announces it on rtnetlink's link group (RTNLGRP_LINK), so the rxpath
 * collector reads a device's carrier counts after it changed rather than
 * every device's, every cycle.
 *
 * The kernel lets any user receive NETLINK_ROUTE multicast, so nothing is
 * raised here. The watch thread (server.c) runs this for as long as the
 * client keeps the call: it waits on the socket (and the helper's stop)
 * WAIT_MS at a time and asks between waits whether the client has gone.
 *
 * A message names devices, not their counts: the service reads the counts
 * from sysfs after the message arrives. The kernel counts a carrier change
 * before it announces it (netif_carrier_on/off count, then linkwatch
 * notifies; an administrative up or down is announced after the driver's
 * open or stop), so a read after the message sees the flap. linkwatch
 * announces carrier changes only of devices that are up; the service reads
 * every device again every few minutes for the others. What cannot say
 * which devices changed makes a resync, which the service answers by reading
 * every device: notifications the kernel dropped (the socket overran:
 * ENOBUFS), a datagram cut short, a link message without a name, more
 * devices than one message names. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

#include "ethtrack/helper/v1/helper.pb-c.h"
#include "helper.h"
#include "link-watch.h"
#include "rpc.h"

/* Between two waits the watch asks whether its client has gone: a client
 * that left is noticed within this, and the next watch served (a service
 * restarted beside a helper that stays reads every device until then).
 * Each ask costs ~0.1 ms of gRPC's polling: at a second, 0.36 s of CPU an
 * hour; at five, 0.07. A stop ends the wait at once (rpc_stop_fd). */
#define WAIT_MS 5000
/* Datagrams read before the changes are sent, so a storm of notifications
 * cannot keep the watch from sending (or from noticing its client left). */
#define DRAIN_MAX 1024

typedef Ethtrack__Helper__V1__WatchLinksRequest WatchRequest;
typedef Ethtrack__Helper__V1__LinkChanges LinkChanges;

static int name_attr(const struct nlattr *attr, void *data)
{
	const char **name = data;

	if (mnl_attr_get_type(attr) != IFLA_IFNAME)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_ERROR;
	const char *s = mnl_attr_get_str(attr);
	size_t len = strlen(s);
	if (len == 0 || len >= IFNAMSIZ)
		return MNL_CB_ERROR;
	*name = s;
	return MNL_CB_OK;
}

static void add_name(struct link_changes *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->names[i], name) == 0)
			return;
	if (c->n == LINK_WATCH_MAX_NAMES) {
		c->resync = true;
		return;
	}
	strcpy(c->names[c->n++], name);
}

void link_changes_add(struct link_changes *c, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t off = 0;

	/* Walked by hand: libmnl's mnl_nlmsg_ok() reads nlmsg_len as an int, so
	 * a length past 2 GiB passes it as negative. A message must fit whole
	 * with its padding: libmnl walks attributes up to the aligned end. The
	 * kernel pads every message, so only a datagram cut short fails this. */
	while (len - off >= sizeof(struct nlmsghdr) && !c->resync) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)(p + off);
		if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len - off)
			break;
		size_t step = NLMSG_ALIGN((size_t)nlh->nlmsg_len);
		if (step > len - off)
			break;
		off += step;
		if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
			continue;
		const char *name = NULL;
		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct ifinfomsg)) ||
		    mnl_attr_parse(nlh, sizeof(struct ifinfomsg), name_attr, &name) < 0 || !name) {
			c->resync = true;
			return;
		}
		add_name(c, name);
	}
	/* Bytes left that are not a whole message: the datagram was cut short. */
	if (off < len)
		c->resync = true;
}

static int send_changes(struct rpc_ctx *ctx, struct link_changes *c)
{
	static char *devices[LINK_WATCH_MAX_NAMES];
	LinkChanges msg;

	ethtrack__helper__v1__link_changes__init(&msg);
	msg.resync = c->resync;
	/* A resync reads every device: the names would say nothing more. */
	if (!c->resync) {
		for (size_t i = 0; i < c->n; i++)
			devices[i] = c->names[i];
		msg.n_devices = c->n;
		msg.devices = devices;
	}
	c->resync = false;
	c->n = 0;
	return rpc_send(ctx, &msg.base);
}

/* --test-event-rcvbuf: the socket's receive buffer, 0 for the kernel's default. */
static int test_rcvbuf;

void link_watch_test_rcvbuf(int bytes)
{
	test_rcvbuf = bytes;
}

/* Reads what the socket holds (up to DRAIN_MAX datagrams) into *c. */
static void drain(int fd, struct link_changes *c)
{
	static uint8_t buf[32 * 1024] __attribute__((aligned(4)));

	for (int i = 0; i < DRAIN_MAX; i++) {
		struct sockaddr_nl from;
		socklen_t from_len = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC,
				     (struct sockaddr *)&from, &from_len);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			if (errno == EINTR)
				continue;
			/* ENOBUFS: the kernel dropped notifications, which devices is
			 * unknown. Any other error the kernel reports on the socket
			 * means the same to the service: read them all. */
			c->resync = true;
			if (errno == ENOBUFS)
				continue;
			return;
		}
		/* Only the kernel speaks for links; another process could send here. */
		if (from_len != sizeof(from) || from.nl_family != AF_NETLINK || from.nl_pid != 0)
			continue;
		if ((size_t)n > sizeof(buf))
			c->resync = true;
		else
			link_changes_add(c, buf, (size_t)n);
	}
}

void links_watch(struct rpc_ctx *ctx, const uint8_t *req, size_t len)
{
	/* The watch thread serves one watch at a time: its state can be static. */
	static struct link_changes changes;

	if (!ethtrack__helper__v1__watch_links_request__unpack(rpc_allocator(ctx), len, req)) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "malformed request");
		return;
	}
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!nl) {
		rpc_fail(ctx, RPC_UNAVAILABLE, "route netlink socket: %s", strerror(errno));
		return;
	}
	if (test_rcvbuf > 0 && setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &test_rcvbuf,
					  sizeof(test_rcvbuf)) < 0)
		log_msg(errno, "--test-event-rcvbuf on the link socket");
	/* Joined before the first message (a resync), so no change falls between. */
	if (mnl_socket_bind(nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		rpc_fail(ctx, RPC_UNAVAILABLE, "joining the link group: %s", strerror(errno));
		mnl_socket_close(nl);
		return;
	}
	changes.n = 0;
	changes.resync = true;
	for (;;) {
		if ((changes.resync || changes.n > 0) && send_changes(ctx, &changes) < 0)
			break;
		struct pollfd fds[2] = {
			{ .fd = mnl_socket_get_fd(nl), .events = POLLIN },
			{ .fd = rpc_stop_fd(ctx), .events = POLLIN },
		};
		int ready = poll(fds, 2, WAIT_MS);
		if (fds[1].revents || rpc_client_gone(ctx))
			break;
		if (ready < 0 && errno != EINTR) {
			rpc_fail(ctx, RPC_INTERNAL, "poll: %s", strerror(errno));
			break;
		}
		if (fds[0].revents)
			drain(mnl_socket_get_fd(nl), &changes);
	}
	mnl_socket_close(nl);
}
