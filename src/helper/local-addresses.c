/* This node's addresses, which decide a connection's peer (SPEC: the side
 * that is not one of this node's addresses). Read with one RTM_GETADDR dump
 * over rtnetlink before each flows dump: a node has a handful of addresses
 * (kube-ipvs0 a few thousand at most), so a dump costs well under a
 * millisecond and needs no socket or thread kept open. Kept sorted for
 * bsearch; the events thread reads them under flow_lock. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "flows.h"

struct address {
	uint8_t len;
	uint8_t addr[16];
};

struct address_set {
	struct address *a;
	size_t n, cap;
};

static struct address_set sets[2];
static struct address_set *current = &sets[0];

static int address_cmp(const void *x, const void *y)
{
	const struct address *a = x, *b = y;

	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(a->addr, b->addr, a->len);
}

bool local_address(const uint8_t *addr, uint8_t len)
{
	struct address key = { .len = len };

	if (len != 4 && len != 16)
		return false;
	memcpy(key.addr, addr, len);
	return bsearch(&key, current->a, current->n, sizeof(key), address_cmp) != NULL;
}

/* IFA_LOCAL is the node's own address on a point-to-point link, where
 * IFA_ADDRESS is the far end; elsewhere only IFA_ADDRESS is sent. */
static int addr_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct address_set *set = arg;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *local = NULL, *address = NULL;

	if (nlh->nlmsg_type != RTM_NEWADDR || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)))
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(a) == IFA_LOCAL)
			local = a;
		else if (mnl_attr_get_type(a) == IFA_ADDRESS)
			address = a;
	}
	a = local ? local : address;
	size_t len = ifa->ifa_family == AF_INET ? 4 : ifa->ifa_family == AF_INET6 ? 16 : 0;
	if (!a || !len || mnl_attr_get_payload_len(a) < len)
		return MNL_CB_OK;
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		struct address *grown = realloc(set->a, cap * sizeof(*grown));
		if (!grown)
			return MNL_CB_ERROR;
		set->a = grown;
		set->cap = cap;
	}
	struct address *out = &set->a[set->n++];
	memset(out, 0, sizeof(*out));
	out->len = (uint8_t)len;
	memcpy(out->addr, mnl_attr_get_payload(a), len);
	return MNL_CB_OK;
}

static int dump_addresses(struct mnl_socket *nl, struct address_set *set)
{
	uint8_t buf[MNL_SOCKET_BUFFER_SIZE] __attribute__((aligned(4)));
	unsigned int portid = mnl_socket_get_portid(nl);
	uint32_t seq = (uint32_t)now_ns(CLOCK_MONOTONIC);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_UNSPEC;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -1;
		int rc = mnl_cb_run(buf, (size_t)n, seq, portid, addr_cb, set);
		if (rc == MNL_CB_STOP)
			return 0;
		if (rc == MNL_CB_ERROR)
			return -1;
	}
}

int local_addresses_refresh(void)
{
	struct address_set *next = current == &sets[0] ? &sets[1] : &sets[0];
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	int rc = -1, e;

	if (!nl)
		return -1;
	next->n = 0;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == 0)
		rc = dump_addresses(nl, next);
	e = errno;
	mnl_socket_close(nl);
	if (rc < 0) {
		errno = e;
		return -1;
	}
	qsort(next->a, next->n, sizeof(*next->a), address_cmp);
	pthread_mutex_lock(&flow_lock);
	current = next;
	pthread_mutex_unlock(&flow_lock);
	return 0;
}
