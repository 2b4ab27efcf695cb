/* The conntrack DESTROY subscription, opened by the first GetFlows call (so
 * only while the flows collector is enabled), and the thread that drains it.
 *
 * Only NFNLGRP_CONNTRACK_DESTROY: NEW and UPDATE events would flood the
 * socket under churn and say nothing a dump does not. A dedicated thread
 * reads it, not the call loop: events must be read while a dump or a slow
 * client holds the call thread for seconds, or a churning table overruns any
 * buffer. Each event is applied to the flow table under flow_lock.
 *
 * An overrun (ENOBUFS) loses events, never the subscription: the kernel
 * counts the dropped messages in the socket's drops (SO_MEMINFO), which is
 * what GetFlows reports, and the next dump repairs the table.
 *
 * CAP_NET_ADMIN is raised (net_admin_raise(), helper.h) only around the two
 * calls the kernel checks it at: events_join() (membership of the conntrack
 * multicast group) and events_rcvbuf() (SO_RCVBUFFORCE past rmem_max). The
 * socket itself needs none: it only receives. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/sock_diag.h>

#include "flows.h"
#include "helper.h"

/* The kernel doubles it: 32 MiB of skbs, some 30,000 events of burst while
 * the thread is off the CPU. */
#define EVENT_RCVBUF_BYTES (16 * 1024 * 1024)

static struct {
	struct mnl_socket *nl;
	pthread_t thread;
	bool running;
	int rcvbuf;
	uint8_t buf[64 * 1024] __attribute__((aligned(8)));
} ev = { .rcvbuf = EVENT_RCVBUF_BYTES };

void ct_events_test_rcvbuf(int bytes)
{
	ev.rcvbuf = bytes;
}

static struct mnl_socket *events_socket(void)
{
	return mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
}

/* Joining a conntrack multicast group is checked against the calling
 * thread's CAP_NET_ADMIN at the time of the call, so it is raised around it. */
static int events_join(struct mnl_socket *nl)
{
	int group = NFNLGRP_CONNTRACK_DESTROY;

	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -1;
	net_admin_raise();
	int rc = mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group));
	int e = errno;
	net_admin_lower();
	errno = e;
	return rc;
}

/* SO_RCVBUFFORCE goes past net.core.rmem_max with CAP_NET_ADMIN, checked at the call. */
static int events_rcvbuf(struct mnl_socket *nl, int bytes)
{
	net_admin_raise();
	int rc = setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes));
	int e = errno;
	net_admin_lower();
	errno = e;
	return rc;
}

static void apply(const struct nlmsghdr *nlh)
{
	struct ct_entry e;

	if (nlh->nlmsg_type != ((NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE) ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg)))
		return;
	parse_entry_orig(nlh, &e);
	pthread_mutex_lock(&flow_lock);
	flow_destroyed(&e);
	pthread_mutex_unlock(&flow_lock);
}

static void *events_loop(void *arg)
{
	int fd = mnl_socket_get_fd(ev.nl);

	(void)arg;
	for (;;) {
		ssize_t n = recv(fd, ev.buf, sizeof(ev.buf), 0);
		if (n < 0) {
			if (errno == ENOBUFS || errno == EINTR)
				continue; /* counted by the kernel in the socket's drops */
			log_msg(errno, "conntrack events");
			usleep(100 * 1000);
			continue;
		}
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)ev.buf;
		int len = (int)n;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			apply(nlh);
	}
	return NULL;
}

int ct_events_start(void)
{
	if (ev.running)
		return 0;
	ev.nl = events_socket();
	if (!ev.nl)
		return -1;
	int rc = events_join(ev.nl);
	if (rc == 0 && events_rcvbuf(ev.nl, ev.rcvbuf) < 0)
		log_msg(errno, "SO_RCVBUFFORCE %d on the conntrack events socket", ev.rcvbuf);
	if (rc == 0) {
		int e = pthread_create(&ev.thread, NULL, events_loop, NULL);
		if (e) {
			errno = e;
			rc = -1;
		}
	}
	if (rc < 0) {
		int e = errno;
		mnl_socket_close(ev.nl);
		ev.nl = NULL;
		errno = e;
		return -1;
	}
	pthread_detach(ev.thread);
	ev.running = true;
	log_msg(0, "subscribed to conntrack DESTROY events (receive buffer %d bytes)", ev.rcvbuf);
	return 0;
}

bool ct_events_running(void)
{
	return ev.running;
}

uint64_t ct_events_lost(void)
{
	uint32_t mem[SK_MEMINFO_VARS] = { 0 };
	socklen_t len = sizeof(mem);

	if (!ev.running ||
	    getsockopt(mnl_socket_get_fd(ev.nl), SOL_SOCKET, SO_MEMINFO, mem, &len) < 0 ||
	    len <= SK_MEMINFO_DROPS * sizeof(uint32_t))
		return 0;
	return mem[SK_MEMINFO_DROPS];
}
