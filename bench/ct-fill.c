/* ct-fill: fills the conntrack table of the current network namespace with
 * a deterministic mix of entries through IPCTNL_MSG_CT_NEW, many messages
 * per send, for the breakdown benchmark (conntrack -I is one process per
 * entry and far too slow for 250,000).
 *
 *   ct-fill count [timeout-seconds [first]]
 *
 * first numbers the entries from there (default 0), so the churn benchmark
 * can add fresh tuples every second beside a filled table; a fourth
 * argument "delete" deletes those entries instead (IPCTNL_MSG_CT_DELETE by
 * tuple), which is how it ends them at a known rate.
 *
 * Mix per 20 entries: 11 tcp in rotating states, 6 udp (unreplied, replied,
 * assured), 2 icmp; every seventh entry is IPv6. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tcp.h>

#define SEND_BYTES (32 * 1024)
#define MSG_MAX 256

static uint8_t sendbuf[SEND_BYTES] __attribute__((aligned(8)));
static uint8_t recvbuf[64 * 1024] __attribute__((aligned(8)));

static const uint8_t tcp_states[] = {
	TCP_CONNTRACK_ESTABLISHED, TCP_CONNTRACK_TIME_WAIT, TCP_CONNTRACK_SYN_SENT,
	TCP_CONNTRACK_SYN_RECV,	   TCP_CONNTRACK_FIN_WAIT,  TCP_CONNTRACK_CLOSE_WAIT,
	TCP_CONNTRACK_LAST_ACK,	   TCP_CONNTRACK_CLOSE,	    TCP_CONNTRACK_ESTABLISHED,
	TCP_CONNTRACK_ESTABLISHED, TCP_CONNTRACK_TIME_WAIT,
};

static void put_tuple(struct nlmsghdr *nlh, uint16_t type, int family, const void *src,
		      const void *dst, uint8_t proto, uint16_t sport, uint16_t dport, uint8_t icmp_type)
{
	struct nlattr *tuple = mnl_attr_nest_start(nlh, type);
	struct nlattr *ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);

	if (family == AF_INET) {
		mnl_attr_put(nlh, CTA_IP_V4_SRC, 4, src);
		mnl_attr_put(nlh, CTA_IP_V4_DST, 4, dst);
	} else {
		mnl_attr_put(nlh, CTA_IP_V6_SRC, 16, src);
		mnl_attr_put(nlh, CTA_IP_V6_DST, 16, dst);
	}
	mnl_attr_nest_end(nlh, ip);
	struct nlattr *p = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, proto);
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) {
		int v6 = proto == IPPROTO_ICMPV6;
		mnl_attr_put_u16(nlh, v6 ? CTA_PROTO_ICMPV6_ID : CTA_PROTO_ICMP_ID, htons(sport));
		mnl_attr_put_u8(nlh, v6 ? CTA_PROTO_ICMPV6_TYPE : CTA_PROTO_ICMP_TYPE, icmp_type);
		mnl_attr_put_u8(nlh, v6 ? CTA_PROTO_ICMPV6_CODE : CTA_PROTO_ICMP_CODE, 0);
	} else {
		mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(sport));
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dport));
	}
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, tuple);
}

/* Appends the i-th entry's CT_NEW message at buf. */
static struct nlmsghdr *put_entry(void *buf, uint32_t i, uint32_t seq, uint32_t timeout, bool delete)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	int family = i % 7 == 3 ? AF_INET6 : AF_INET;
	uint32_t kind = i % 20;
	uint8_t proto = kind < 11 ? IPPROTO_TCP : kind < 17 ? IPPROTO_UDP : IPPROTO_ICMP;
	uint8_t src[16] = { 0 }, dst[16] = { 0 };
	uint32_t status = 0;

	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | (delete ? IPCTNL_MSG_CT_DELETE : IPCTNL_MSG_CT_NEW);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (delete ? 0 : NLM_F_CREATE | NLM_F_EXCL);
	nlh->nlmsg_seq = seq;
	struct nfgenmsg *nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = (uint8_t)family;
	nfg->version = NFNETLINK_V0;

	/* The entry number is the source address, so every tuple is unique. */
	if (family == AF_INET) {
		src[0] = 10;
		src[1] = (uint8_t)(i >> 16);
		src[2] = (uint8_t)(i >> 8);
		src[3] = (uint8_t)i;
		memcpy(dst, (uint8_t[]){ 192, 0, 2, 1 }, 4);
	} else {
		src[0] = 0xfd;
		src[12] = (uint8_t)(i >> 24);
		src[13] = (uint8_t)(i >> 16);
		src[14] = (uint8_t)(i >> 8);
		src[15] = (uint8_t)i;
		dst[0] = 0x20;
		dst[1] = 0x01;
		dst[2] = 0x0d;
		dst[3] = 0xb8;
		dst[15] = 1;
	}
	if (proto == IPPROTO_ICMP && family == AF_INET6)
		proto = IPPROTO_ICMPV6;
	uint8_t req_type = proto == IPPROTO_ICMPV6 ? 128 : 8;
	uint8_t rep_type = proto == IPPROTO_ICMPV6 ? 129 : 0;
	uint16_t sport = (uint16_t)(1024 + i % 50000), dport = proto == IPPROTO_UDP ? 53 : 443;

	put_tuple(nlh, CTA_TUPLE_ORIG, family, src, dst, proto, sport, dport, req_type);
	if (delete)
		return nlh;
	put_tuple(nlh, CTA_TUPLE_REPLY, family, dst, src, proto, dport, sport, rep_type);
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(timeout));
	if (proto == IPPROTO_UDP) {
		uint32_t v = (i / 20) % 3;
		/* IPS_CONFIRMED is set on creation; a status without it is EBUSY. */
		status = IPS_CONFIRMED | (v == 0 ? 0 : v == 1 ? IPS_SEEN_REPLY : IPS_SEEN_REPLY | IPS_ASSURED);
		mnl_attr_put_u32(nlh, CTA_STATUS, htonl(status));
	}
	if (proto == IPPROTO_TCP) {
		struct nlattr *info = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
		struct nlattr *tcp = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
		mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, tcp_states[(i / 20 + kind) % 11]);
		mnl_attr_nest_end(nlh, tcp);
		mnl_attr_nest_end(nlh, info);
	}
	return nlh;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: ct-fill count [timeout-seconds [first]]\n");
		return 2;
	}
	uint32_t count = (uint32_t)strtoul(argv[1], NULL, 10);
	uint32_t timeout = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 3600;
	uint32_t first = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 0;
	bool delete = argc > 4 && strcmp(argv[4], "delete") == 0;
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
	uint32_t created = 0, failed = 0, seq = 0;
	int first_error = 0;

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("ct-fill: netlink");
		return 1;
	}
	count += first;
	for (uint32_t i = first; i < count;) {
		size_t used = 0;
		unsigned pending = 0;
		/* Each message is well under 512 bytes. */
		while (i < count && pending < MSG_MAX && used + 512 <= SEND_BYTES) {
			struct nlmsghdr *nlh = put_entry(sendbuf + used, i++, ++seq, timeout, delete);
			used += NLMSG_ALIGN(nlh->nlmsg_len);
			pending++;
		}
		if (mnl_socket_sendto(nl, sendbuf, used) < 0) {
			perror("ct-fill: send");
			return 1;
		}
		while (pending) {
			ssize_t n = mnl_socket_recvfrom(nl, recvbuf, sizeof(recvbuf));
			if (n < 0) {
				perror("ct-fill: recv");
				return 1;
			}
			int len = (int)n;
			for (struct nlmsghdr *nlh = (struct nlmsghdr *)recvbuf; mnl_nlmsg_ok(nlh, len);
			     nlh = mnl_nlmsg_next(nlh, &len)) {
				if (nlh->nlmsg_type != NLMSG_ERROR)
					continue;
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
				pending--;
				if (e->error == 0) {
					created++;
				} else {
					failed++;
					if (!first_error)
						first_error = -e->error;
				}
			}
		}
	}
	mnl_socket_close(nl);
	printf("created=%u failed=%u", created, failed);
	if (first_error)
		printf(" first_error=%s", strerror(first_error));
	printf("\n");
	return failed ? 1 : 0;
}
