/* ct-count: the baseline for the conntrack breakdown benchmark. Dumps the
 * conntrack table over ctnetlink and only counts the messages, so the
 * helper's aggregation can be compared against the bare cost of the dump.
 *
 *   ct-count [repeats]    prints entries and the best wall time of the dumps */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

static uint8_t buf[64 * 1024] __attribute__((aligned(8)));

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One full-table dump; returns the number of conntrack messages or -1. */
static long dump_count(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	long count = 0;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("ct-count: netlink");
		return -1;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = 1;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("ct-count: send");
		mnl_socket_close(nl);
		return -1;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("ct-count: recv");
			count = -1;
			break;
		}
		int len = (int)n;
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type == NLMSG_DONE)
				goto out;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
				fprintf(stderr, "ct-count: dump: %s\n", strerror(-e->error));
				count = -1;
				goto out;
			}
			count++;
		}
	}
out:
	mnl_socket_close(nl);
	return count;
}

int main(int argc, char **argv)
{
	int repeats = argc > 1 ? atoi(argv[1]) : 1;
	double best = 0;
	long count = 0;

	for (int i = 0; i < (repeats > 0 ? repeats : 1); i++) {
		double t0 = now();
		count = dump_count();
		double t = now() - t0;
		if (count < 0)
			return 1;
		if (i == 0 || t < best)
			best = t;
	}
	printf("entries=%ld seconds=%.4f\n", count, best);
	return 0;
}
