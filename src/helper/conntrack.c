/* ctnetlink: summary and per-CPU statistics, the aggregated breakdown dump,
 * the streamed dump and selective deletion.
 *
 * Every request opens its own netlink socket and closes it when done. A dump
 * cut short by its deadline is then abandoned by closing the socket: the
 * kernel drops the rest of the dump and the next call cannot read stale
 * messages. Replies live in static storage reused across calls (handlers are
 * called one at a time); nothing grows with the table except the deletion
 * pool, which is bounded by max_count and kept at its high-water mark. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include "ethtrack/helper/v1/helper.pb-c.h"
#include "rpc.h"

/* Message and attribute numbers from the kernel ABI, spelled out so the
 * helper builds against headers older than the newest counters. */
#define CT_MSG_GET_STATS_CPU 4
#define CT_MSG_GET_STATS 5
#define CT_STATS_GLOBAL_ENTRIES 1
#define CT_STATS_GLOBAL_MAX_ENTRIES 2

#define PROC_CT "/proc/sys/net/netfilter/"
#define DEADLINE_DEFAULT_MS 5000u
#define DEADLINE_MAX_MS 120000u
#define BATCH_DEFAULT 512u
#define BATCH_MAX 4096u
#define DELETE_MAX_COUNT 100000u
#define DELETE_MAX_RULES 64u
#define DELETE_MAX_STATES 32u
/* Kernel dump skbs are at most 32 KiB; twice that never truncates a read. */
#define RX_BYTES (64 * 1024)
#define TUPLE_MAX_BYTES 160

typedef Ethtrack__Helper__V1__ConntrackSummaryRequest SummaryRequest;
typedef Ethtrack__Helper__V1__ConntrackSummary Summary;
typedef Ethtrack__Helper__V1__Counter Counter;
typedef Ethtrack__Helper__V1__CpuStats CpuStats;
typedef Ethtrack__Helper__V1__ConntrackBreakdownRequest BreakdownRequest;
typedef Ethtrack__Helper__V1__ConntrackBreakdown Breakdown;
typedef Ethtrack__Helper__V1__StateCount StateCount;
typedef Ethtrack__Helper__V1__ConntrackDumpRequest DumpRequest;
typedef Ethtrack__Helper__V1__ConntrackEntry Entry;
typedef Ethtrack__Helper__V1__ConntrackEntryBatch EntryBatch;
typedef Ethtrack__Helper__V1__ConntrackDeleteRequest DeleteRequest;
typedef Ethtrack__Helper__V1__ConntrackDeleteReply DeleteReply;

static uint8_t rx_buf[RX_BYTES] __attribute__((aligned(8)));

/* ---- names: SPEC's protocol and state labels ---- */

enum proto_label { P_TCP, P_UDP, P_ICMP, P_ICMPV6, P_SCTP, P_GRE, P_OTHER, P_COUNT };
static const char *const proto_names[P_COUNT] = { "tcp",  "udp", "icmp", "icmpv6",
						  "sctp", "gre", "other" };
static const char *const family_names[2] = { "ipv4", "ipv6" };

enum state_slot {
	S_UNREPLIED, S_REPLIED, S_ASSURED, S_UNKNOWN,
	S_NONE, S_SYN_SENT, S_SYN_RECV, S_ESTABLISHED, S_FIN_WAIT, S_CLOSE_WAIT, S_LAST_ACK,
	S_TIME_WAIT, S_CLOSE, S_SYN_SENT2,
	S_CLOSED, S_COOKIE_WAIT, S_COOKIE_ECHOED, S_SHUTDOWN_SENT, S_SHUTDOWN_RECD,
	S_SHUTDOWN_ACK_SENT, S_HEARTBEAT_SENT, S_HEARTBEAT_ACKED,
	S_REQUEST, S_RESPOND, S_PARTOPEN, S_OPEN, S_CLOSEREQ, S_CLOSING, S_TIMEWAIT,
	S_IGNORE, S_INVALID,
	S_COUNT
};

static const char *const state_names[S_COUNT] = {
	"unreplied", "replied", "assured", "unknown",
	"none", "syn_sent", "syn_recv", "established", "fin_wait", "close_wait", "last_ack",
	"time_wait", "close", "syn_sent2",
	"closed", "cookie_wait", "cookie_echoed", "shutdown_sent", "shutdown_recd",
	"shutdown_ack_sent", "heartbeat_sent", "heartbeat_acked",
	"request", "respond", "partopen", "open", "closereq", "closing", "timewait",
	"ignore", "invalid",
};

/* Indexed by the kernel's state numbers (tcp_conntrack, sctp_conntrack,
 * ct_dccp_states); names as conntrack -L prints them, lower-cased. */
static const uint8_t tcp_states[] = { S_NONE,	   S_SYN_SENT,	 S_SYN_RECV, S_ESTABLISHED,
				      S_FIN_WAIT,  S_CLOSE_WAIT, S_LAST_ACK, S_TIME_WAIT,
				      S_CLOSE,	   S_SYN_SENT2 };
static const uint8_t sctp_states[] = { S_NONE,		 S_CLOSED,	    S_COOKIE_WAIT,
				       S_COOKIE_ECHOED,	 S_ESTABLISHED,	    S_SHUTDOWN_SENT,
				       S_SHUTDOWN_RECD,	 S_SHUTDOWN_ACK_SENT, S_HEARTBEAT_SENT,
				       S_HEARTBEAT_ACKED };
static const uint8_t dccp_states[] = { S_NONE,	   S_REQUEST, S_RESPOND, S_PARTOPEN, S_OPEN,
				       S_CLOSEREQ, S_CLOSING, S_TIMEWAIT, S_IGNORE,  S_INVALID };
static const uint8_t generic_states[] = { S_UNREPLIED, S_REPLIED, S_ASSURED };

#define N(a) (sizeof(a) / sizeof((a)[0]))

static enum proto_label proto_label(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return P_TCP;
	case IPPROTO_UDP: return P_UDP;
	case IPPROTO_ICMP: return P_ICMP;
	case IPPROTO_ICMPV6: return P_ICMPV6;
	case IPPROTO_SCTP: return P_SCTP;
	case IPPROTO_GRE: return P_GRE;
	default: return P_OTHER;
	}
}

/* The state table of a protocol that has its own states, else NULL. */
static const uint8_t *proto_states(uint8_t proto, size_t *n)
{
	switch (proto) {
	case IPPROTO_TCP: *n = N(tcp_states); return tcp_states;
	case IPPROTO_SCTP: *n = N(sctp_states); return sctp_states;
	case IPPROTO_DCCP: *n = N(dccp_states); return dccp_states;
	default: *n = N(generic_states); return NULL;
	}
}

static int family_index(uint8_t family)
{
	return family == AF_INET ? 0 : family == AF_INET6 ? 1 : -1;
}

/* ---- time ---- */

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The request's deadline (default 5 s, at most 2 min), shortened to the
 * client's gRPC deadline when that comes first. */
static uint64_t deadline_from(struct rpc_ctx *ctx, uint32_t ms)
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

/* ---- /proc fallbacks ---- */

static bool conntrack_loaded(void)
{
	/* Checked before any netlink request: ctnetlink autoloads its module,
	 * and the helper must not switch conntrack on where nobody uses it. */
	return access(PROC_CT "nf_conntrack_count", F_OK) == 0;
}

static bool read_proc_u64(const char *name, uint64_t *out)
{
	char path[128], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), PROC_CT "%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	char *end;
	errno = 0;
	unsigned long long v = strtoull(buf, &end, 10);
	if (errno || end == buf)
		return false;
	*out = v;
	return true;
}

/* ---- netlink socket and the receive loop ---- */

struct ct_sock {
	struct mnl_socket *nl;
	unsigned int portid;
	uint32_t seq;
};

static int ct_open(struct ct_sock *s, uint64_t deadline)
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

static void ct_close(struct ct_sock *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	s->nl = NULL;
}

static struct nlmsghdr *ct_msg(void *buf, struct ct_sock *s, uint16_t type, uint16_t flags,
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

static int ct_send(struct ct_sock *s, const struct nlmsghdr *nlh)
{
	return mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0 ? -1 : 0;
}

static int ct_request(struct ct_sock *s, uint16_t type, uint16_t flags, uint8_t family)
{
	uint8_t buf[64] __attribute__((aligned(4)));

	return ct_send(s, ct_msg(buf, s, type, flags, family));
}

enum walk {
	WALK_DONE,	/* NLMSG_DONE or the ack */
	WALK_TRUNCATED, /* deadline passed */
	WALK_STOPPED,	/* the callback asked to stop */
	WALK_ERROR,	/* errno in *err */
};

/* Returns 0 to continue, 1 to stop. */
typedef int (*ct_msg_fn)(const struct nlmsghdr *nlh, void *arg);

/* Reads replies to the last request, one recv() buffer at a time, handing
 * each conntrack message to fn; nothing is kept between buffers. */
static enum walk ct_walk(struct ct_sock *s, uint64_t deadline, ct_msg_fn fn, void *arg, int *err)
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

static bool attr_u8(const struct nlattr *a, uint8_t *v)
{
	if (mnl_attr_get_payload_len(a) < 1)
		return false;
	*v = mnl_attr_get_u8(a);
	return true;
}

static bool attr_be16(const struct nlattr *a, uint16_t *v)
{
	if (mnl_attr_get_payload_len(a) < 2)
		return false;
	*v = ntohs(mnl_attr_get_u16(a));
	return true;
}

static bool attr_be32(const struct nlattr *a, uint32_t *v)
{
	if (mnl_attr_get_payload_len(a) < 4)
		return false;
	*v = ntohl(mnl_attr_get_u32(a));
	return true;
}

static bool attr_be64(const struct nlattr *a, uint64_t *v)
{
	uint64_t raw;

	if (mnl_attr_get_payload_len(a) < 8)
		return false;
	memcpy(&raw, mnl_attr_get_payload(a), 8); /* 64-bit attrs may be 4-aligned */
	*v = be64toh(raw);
	return true;
}

/* ---- entry parsing ---- */

struct ct_tuple {
	uint8_t src[16], dst[16];
	uint8_t addr_len;
	uint8_t proto;
	uint16_t sport, dport;
	uint16_t icmp_id;
};

/* What the breakdown needs; parse_key() reads nothing else. */
struct ct_key {
	uint8_t family;
	uint8_t proto;
	bool has_pstate;
	uint8_t pstate;
	uint32_t status;
	uint16_t zone;
};

struct ct_entry {
	struct ct_key key;
	struct ct_tuple orig, reply;
	const struct nlattr *orig_attr; /* for deletion by tuple */
	uint32_t timeout, mark, id;
	bool has_counters, has_tstamp;
	uint64_t orig_packets, orig_bytes, reply_packets, reply_bytes;
	uint64_t start_ns;
};

static void parse_proto_num(const struct nlattr *tuple, uint8_t *proto)
{
	const struct nlattr *a, *b;

	mnl_attr_for_each_nested(a, tuple) {
		if (mnl_attr_get_type(a) != CTA_TUPLE_PROTO)
			continue;
		mnl_attr_for_each_nested(b, a) {
			if (mnl_attr_get_type(b) == CTA_PROTO_NUM)
				attr_u8(b, proto);
		}
	}
}

static void parse_protoinfo(const struct nlattr *info, struct ct_key *k)
{
	const struct nlattr *a, *b;

	mnl_attr_for_each_nested(a, info) {
		uint16_t want;
		switch (mnl_attr_get_type(a)) {
		case CTA_PROTOINFO_TCP: want = CTA_PROTOINFO_TCP_STATE; break;
		case CTA_PROTOINFO_SCTP: want = CTA_PROTOINFO_SCTP_STATE; break;
		case CTA_PROTOINFO_DCCP: want = CTA_PROTOINFO_DCCP_STATE; break;
		default: continue;
		}
		mnl_attr_for_each_nested(b, a) {
			if (mnl_attr_get_type(b) == want && attr_u8(b, &k->pstate))
				k->has_pstate = true;
		}
	}
}

static void parse_key(const struct nlmsghdr *nlh, struct ct_key *k)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	memset(k, 0, sizeof(*k));
	k->family = nfg->nfgen_family;
	mnl_attr_for_each(a, nlh, sizeof(*nfg)) {
		switch (mnl_attr_get_type(a)) {
		case CTA_TUPLE_ORIG: parse_proto_num(a, &k->proto); break;
		case CTA_STATUS: attr_be32(a, &k->status); break;
		case CTA_PROTOINFO: parse_protoinfo(a, k); break;
		case CTA_ZONE: attr_be16(a, &k->zone); break;
		}
	}
}

static void parse_tuple(const struct nlattr *tuple, struct ct_tuple *t)
{
	const struct nlattr *a, *b;

	mnl_attr_for_each_nested(a, tuple) {
		switch (mnl_attr_get_type(a)) {
		case CTA_TUPLE_IP:
			mnl_attr_for_each_nested(b, a) {
				uint16_t type = mnl_attr_get_type(b);
				size_t want = type == CTA_IP_V4_SRC || type == CTA_IP_V4_DST ? 4
					      : type == CTA_IP_V6_SRC || type == CTA_IP_V6_DST ? 16
											      : 0;
				if (!want || mnl_attr_get_payload_len(b) < want)
					continue;
				memcpy(type == CTA_IP_V4_SRC || type == CTA_IP_V6_SRC ? t->src : t->dst,
				       mnl_attr_get_payload(b), want);
				t->addr_len = (uint8_t)want;
			}
			break;
		case CTA_TUPLE_PROTO:
			mnl_attr_for_each_nested(b, a) {
				switch (mnl_attr_get_type(b)) {
				case CTA_PROTO_NUM: attr_u8(b, &t->proto); break;
				case CTA_PROTO_SRC_PORT: attr_be16(b, &t->sport); break;
				case CTA_PROTO_DST_PORT: attr_be16(b, &t->dport); break;
				case CTA_PROTO_ICMP_ID:
				case CTA_PROTO_ICMPV6_ID: attr_be16(b, &t->icmp_id); break;
				}
			}
			break;
		}
	}
}

static void parse_counters(const struct nlattr *nest, uint64_t *packets, uint64_t *bytes)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case CTA_COUNTERS_PACKETS: attr_be64(a, packets); break;
		case CTA_COUNTERS_BYTES: attr_be64(a, bytes); break;
		}
	}
}

static void parse_entry(const struct nlmsghdr *nlh, struct ct_entry *e)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *b;

	memset(e, 0, sizeof(*e));
	e->key.family = nfg->nfgen_family;
	mnl_attr_for_each(a, nlh, sizeof(*nfg)) {
		switch (mnl_attr_get_type(a)) {
		case CTA_TUPLE_ORIG:
			parse_tuple(a, &e->orig);
			e->key.proto = e->orig.proto;
			e->orig_attr = a;
			break;
		case CTA_TUPLE_REPLY: parse_tuple(a, &e->reply); break;
		case CTA_STATUS: attr_be32(a, &e->key.status); break;
		case CTA_PROTOINFO: parse_protoinfo(a, &e->key); break;
		case CTA_ZONE: attr_be16(a, &e->key.zone); break;
		case CTA_TIMEOUT: attr_be32(a, &e->timeout); break;
		case CTA_MARK: attr_be32(a, &e->mark); break;
		case CTA_ID: attr_be32(a, &e->id); break;
		case CTA_COUNTERS_ORIG:
			parse_counters(a, &e->orig_packets, &e->orig_bytes);
			e->has_counters = true;
			break;
		case CTA_COUNTERS_REPLY:
			parse_counters(a, &e->reply_packets, &e->reply_bytes);
			e->has_counters = true;
			break;
		case CTA_TIMESTAMP:
			mnl_attr_for_each_nested(b, a) {
				if (mnl_attr_get_type(b) == CTA_TIMESTAMP_START &&
				    attr_be64(b, &e->start_ns))
					e->has_tstamp = true;
			}
			break;
		}
	}
}

/* SPEC's state: the protocol's own state for tcp/sctp/dccp, else derived
 * from the status bits. */
static enum state_slot key_state(const struct ct_key *k)
{
	size_t n;
	const uint8_t *table = proto_states(k->proto, &n);

	if (table)
		return k->has_pstate && k->pstate < n ? (enum state_slot)table[k->pstate] : S_UNKNOWN;
	if (k->status & IPS_ASSURED)
		return S_ASSURED;
	if (k->status & IPS_SEEN_REPLY)
		return S_REPLIED;
	return S_UNREPLIED;
}

/* ---- counts by family/protocol/state, shared by breakdown and delete ---- */

struct state_counts {
	uint64_t n[2][P_COUNT][S_COUNT];
	StateCount msgs[2 * P_COUNT * S_COUNT];
	StateCount *ptrs[2 * P_COUNT * S_COUNT];
};

static size_t state_counts_emit(struct state_counts *c)
{
	size_t used = 0;

	for (int f = 0; f < 2; f++)
		for (int p = 0; p < P_COUNT; p++)
			for (int s = 0; s < S_COUNT; s++) {
				if (!c->n[f][p][s])
					continue;
				StateCount *m = &c->msgs[used];
				ethtrack__helper__v1__state_count__init(m);
				m->family = (char *)family_names[f];
				m->protocol = (char *)proto_names[p];
				m->state = (char *)state_names[s];
				m->count = c->n[f][p][s];
				c->ptrs[used++] = m;
			}
	return used;
}

/* ---- summary ---- */

static const struct {
	uint16_t attr;
	const char *name;
} cpu_stats[] = {
	{ 2, "found" },		  { 4, "invalid" },	  { 5, "ignore" },
	{ 8, "insert" },	  { 9, "insert_failed" }, { 10, "drop" },
	{ 11, "early_drop" },	  { 12, "error" },	  { 13, "search_restart" },
	{ 14, "clash_resolve" }, { 15, "chaintoolong" },
};
#define N_CPU_STATS N(cpu_stats)

struct cpu_slot {
	CpuStats msg;
	Counter counters[N_CPU_STATS];
	Counter *ptrs[N_CPU_STATS];
};

static struct {
	Summary reply;
	Counter counters[N_CPU_STATS];
	Counter *counter_ptrs[N_CPU_STATS];
	struct cpu_slot *cpus; /* grown to the highest CPU count seen, never shrunk */
	CpuStats **cpu_ptrs;
	size_t cpus_cap;
} summary;

struct summary_walk {
	bool per_cpu;
	bool oom;
	uint64_t sums[N_CPU_STATS];
	uint32_t seen; /* bit per cpu_stats index the kernel sent */
	size_t n_cpus;
	bool has_entries, has_max;
	uint64_t entries, max;
};

static int summary_stats_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct summary_walk *w = arg;
	const struct nlattr *a;
	uint32_t v;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		switch (mnl_attr_get_type(a)) {
		case CT_STATS_GLOBAL_ENTRIES:
			if (attr_be32(a, &v)) {
				w->entries = v;
				w->has_entries = true;
			}
			break;
		case CT_STATS_GLOBAL_MAX_ENTRIES:
			if (attr_be32(a, &v)) {
				w->max = v;
				w->has_max = true;
			}
			break;
		}
	}
	return 0;
}

static struct cpu_slot *cpu_slot_next(struct summary_walk *w)
{
	if (w->n_cpus == summary.cpus_cap) {
		size_t cap = summary.cpus_cap ? summary.cpus_cap * 2 : 16;
		struct cpu_slot *slots = realloc(summary.cpus, cap * sizeof(*slots));
		if (!slots)
			return NULL;
		summary.cpus = slots;
		CpuStats **ptrs = realloc(summary.cpu_ptrs, cap * sizeof(*ptrs));
		if (!ptrs)
			return NULL;
		summary.cpu_ptrs = ptrs;
		summary.cpus_cap = cap;
	}
	return &summary.cpus[w->n_cpus++];
}

static int summary_cpu_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct summary_walk *w = arg;
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	struct cpu_slot *slot = NULL;
	size_t used = 0;
	const struct nlattr *a;

	if (w->per_cpu) {
		slot = cpu_slot_next(w);
		if (!slot) {
			w->oom = true;
			return 1;
		}
		ethtrack__helper__v1__cpu_stats__init(&slot->msg);
		slot->msg.cpu = ntohs(nfg->res_id);
	}
	mnl_attr_for_each(a, nlh, sizeof(*nfg)) {
		uint16_t type = mnl_attr_get_type(a);
		uint32_t v;
		for (size_t i = 0; i < N_CPU_STATS; i++) {
			if (cpu_stats[i].attr != type)
				continue;
			if (!attr_be32(a, &v))
				break;
			w->sums[i] += v;
			w->seen |= 1u << i;
			if (slot && used < N_CPU_STATS) {
				Counter *c = &slot->counters[used];
				ethtrack__helper__v1__counter__init(c);
				c->name = (char *)cpu_stats[i].name;
				c->value = v;
				slot->ptrs[used++] = c;
			}
			break;
		}
	}
	if (slot) {
		slot->msg.n_counters = used;
		slot->msg.counters = slot->ptrs;
	}
	return 0;
}

const ProtobufCMessage *conntrack_get_summary(struct rpc_ctx *ctx, const uint8_t *req, size_t len)
{
	SummaryRequest *in = ethtrack__helper__v1__conntrack_summary_request__unpack(rpc_allocator(ctx), len, req);
	struct summary_walk w = { 0 };
	struct ct_sock s = { 0 };
	Summary *r = &summary.reply;
	int err = 0;

	if (!in) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "conntrack summary: malformed request");
		return NULL;
	}
	w.per_cpu = in->per_cpu;

	ethtrack__helper__v1__conntrack_summary__init(r);
	if (!conntrack_loaded()) {
		r->available = false;
		return &r->base;
	}
	uint64_t deadline = deadline_from(ctx, 2000);
	if (ct_open(&s, deadline) < 0) {
		rpc_fail(ctx, RPC_INTERNAL, "conntrack summary: netlink socket: %s", strerror(errno));
		return NULL;
	}
	/* Global counts; kernels before 4.x lack GET_STATS (EOPNOTSUPP): /proc then. */
	if (ct_request(&s, CT_MSG_GET_STATS, NLM_F_ACK, AF_UNSPEC) == 0)
		ct_walk(&s, deadline, summary_stats_cb, &w, &err);
	err = 0;
	enum walk res = WALK_ERROR;
	if (ct_request(&s, CT_MSG_GET_STATS_CPU, NLM_F_DUMP, AF_UNSPEC) == 0)
		res = ct_walk(&s, deadline, summary_cpu_cb, &w, &err);
	else
		err = errno;
	ct_close(&s);
	if (w.oom) {
		rpc_fail(ctx, RPC_RESOURCE_EXHAUSTED, "conntrack summary: out of memory");
		return NULL;
	}
	if (res == WALK_TRUNCATED) {
		rpc_fail(ctx, RPC_DEADLINE_EXCEEDED, "conntrack summary: per-CPU statistics timed out");
		return NULL;
	}
	if (res == WALK_ERROR && err != EOPNOTSUPP) {
		rpc_fail(ctx, RPC_INTERNAL, "conntrack summary: IPCTNL_MSG_CT_GET_STATS_CPU: %s",
			 strerror(err));
		return NULL;
	}

	r->available = true;
	r->source = (char *)(w.has_entries ? "netlink" : "proc");
	if (w.has_entries)
		r->entries = w.entries;
	else
		read_proc_u64("nf_conntrack_count", &r->entries);
	if (w.has_max)
		r->limit = w.max;
	else
		read_proc_u64("nf_conntrack_max", &r->limit);
	read_proc_u64("nf_conntrack_buckets", &r->buckets);

	size_t used = 0;
	for (size_t i = 0; i < N_CPU_STATS; i++) {
		if (!(w.seen & (1u << i)))
			continue;
		Counter *c = &summary.counters[used];
		ethtrack__helper__v1__counter__init(c);
		c->name = (char *)cpu_stats[i].name;
		c->value = w.sums[i];
		summary.counter_ptrs[used++] = c;
	}
	r->n_counters = used;
	r->counters = summary.counter_ptrs;
	for (size_t i = 0; i < w.n_cpus; i++) {
		/* Counter pointers are set again: the slot array may have moved. */
		struct cpu_slot *slot = &summary.cpus[i];
		for (size_t j = 0; j < slot->msg.n_counters; j++)
			slot->ptrs[j] = &slot->counters[j];
		slot->msg.counters = slot->ptrs;
		summary.cpu_ptrs[i] = &slot->msg;
	}
	r->n_cpus = w.n_cpus;
	r->cpus = w.n_cpus ? summary.cpu_ptrs : NULL;
	return &r->base;
}

/* ---- breakdown ---- */

static struct {
	Breakdown reply;
	struct state_counts counts;
} breakdown;

struct breakdown_walk {
	bool has_zone;
	uint16_t zone;
	uint64_t total;
};

static int breakdown_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct breakdown_walk *w = arg;
	struct ct_key k;

	parse_key(nlh, &k);
	int f = family_index(k.family);
	if (f < 0 || (w->has_zone && k.zone != w->zone))
		return 0;
	breakdown.counts.n[f][proto_label(k.proto)][key_state(&k)]++;
	w->total++;
	return 0;
}

static const char *walk_error(enum walk res, int err)
{
	return res == WALK_ERROR ? strerror(err) : "stopped";
}

const ProtobufCMessage *conntrack_get_breakdown(struct rpc_ctx *ctx, const uint8_t *req, size_t len)
{
	BreakdownRequest *in = ethtrack__helper__v1__conntrack_breakdown_request__unpack(rpc_allocator(ctx), len, req);
	struct breakdown_walk w = { 0 };
	struct ct_sock s = { 0 };
	Breakdown *r = &breakdown.reply;
	int err = 0;

	if (!in) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "conntrack breakdown: malformed request");
		return NULL;
	}
	uint32_t deadline_ms = in->deadline_ms;
	w.has_zone = in->has_zone;
	bool zone_ok = in->zone <= UINT16_MAX;
	w.zone = (uint16_t)in->zone;
	if (!zone_ok) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "conntrack breakdown: zone above 65535");
		return NULL;
	}
	if (!conntrack_loaded()) {
		rpc_fail(ctx, RPC_FAILED_PRECONDITION, "conntrack breakdown: nf_conntrack is not loaded");
		return NULL;
	}

	uint64_t start = now_ns(CLOCK_MONOTONIC);
	uint64_t deadline = deadline_from(ctx, deadline_ms);
	memset(breakdown.counts.n, 0, sizeof(breakdown.counts.n));
	if (ct_open(&s, deadline) < 0) {
		rpc_fail(ctx, RPC_INTERNAL, "conntrack breakdown: netlink socket: %s", strerror(errno));
		return NULL;
	}
	enum walk res = WALK_ERROR;
	if (ct_request(&s, IPCTNL_MSG_CT_GET, NLM_F_DUMP, AF_UNSPEC) == 0)
		res = ct_walk(&s, deadline, breakdown_cb, &w, &err);
	else
		err = errno;
	ct_close(&s); /* also abandons a cut-off dump */
	if (res == WALK_ERROR || res == WALK_STOPPED) {
		rpc_fail(ctx, RPC_INTERNAL, "conntrack breakdown: IPCTNL_MSG_CT_GET dump: %s",
			 walk_error(res, err));
		return NULL;
	}

	ethtrack__helper__v1__conntrack_breakdown__init(r);
	r->n_counts = state_counts_emit(&breakdown.counts);
	r->counts = breakdown.counts.ptrs;
	r->total = w.total;
	r->truncated = res == WALK_TRUNCATED;
	r->duration_ns = now_ns(CLOCK_MONOTONIC) - start;
	return &r->base;
}

/* ---- streamed dump ---- */

struct entry_slot {
	Entry msg;
	uint8_t addr[4][16];
};

static struct {
	EntryBatch batch;
	struct entry_slot slots[BATCH_MAX];
	Entry *ptrs[BATCH_MAX];
} dump;

struct dump_walk {
	struct rpc_ctx *ctx;
	size_t batch_size;
	size_t used;
	bool accounting;
	bool client_gone;
	/* A slow reader blocks each batch; the deadline is checked after each. */
	uint64_t deadline;
	bool out_of_time;
};

static void set_bytes(ProtobufCBinaryData *out, uint8_t *store, const uint8_t *addr, size_t len)
{
	memcpy(store, addr, len);
	out->data = store;
	out->len = len;
}

static int dump_flush(struct dump_walk *w, bool done, bool truncated)
{
	EntryBatch *b = &dump.batch;

	ethtrack__helper__v1__conntrack_entry_batch__init(b);
	b->n_entries = w->used;
	b->entries = w->used ? dump.ptrs : NULL;
	b->done = done;
	b->truncated = truncated;
	b->accounting = w->accounting;
	w->used = 0;
	if (rpc_send(w->ctx, &b->base) < 0) {
		w->client_gone = true;
		return -1;
	}
	return 0;
}

static int dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_walk *w = arg;
	struct ct_entry e;

	parse_entry(nlh, &e);
	if (family_index(e.key.family) < 0)
		return 0;

	struct entry_slot *slot = &dump.slots[w->used];
	Entry *m = &slot->msg;
	ethtrack__helper__v1__conntrack_entry__init(m);
	m->family = e.key.family;
	m->protocol = e.key.proto;
	set_bytes(&m->orig_src, slot->addr[0], e.orig.src, e.orig.addr_len);
	set_bytes(&m->orig_dst, slot->addr[1], e.orig.dst, e.orig.addr_len);
	set_bytes(&m->reply_src, slot->addr[2], e.reply.src, e.reply.addr_len);
	set_bytes(&m->reply_dst, slot->addr[3], e.reply.dst, e.reply.addr_len);
	m->orig_sport = e.orig.sport;
	m->orig_dport = e.orig.dport;
	m->reply_sport = e.reply.sport;
	m->reply_dport = e.reply.dport;
	m->state = (char *)state_names[key_state(&e.key)];
	m->status = e.key.status;
	m->timeout = e.timeout;
	m->mark = e.mark;
	m->zone = e.key.zone;
	m->id = e.id;
	m->orig_packets = e.orig_packets;
	m->orig_bytes = e.orig_bytes;
	m->reply_packets = e.reply_packets;
	m->reply_bytes = e.reply_bytes;
	m->start_ns = e.has_tstamp ? e.start_ns : 0;
	m->icmp_id = e.orig.icmp_id;
	if (e.has_counters)
		w->accounting = true;
	dump.ptrs[w->used++] = m;

	if (w->used == w->batch_size) {
		if (dump_flush(w, false, false) < 0)
			return 1;
		if (now_ns(CLOCK_MONOTONIC) > w->deadline) {
			w->out_of_time = true;
			return 1;
		}
	}
	return 0;
}

void conntrack_dump(struct rpc_ctx *ctx, const uint8_t *req, size_t len)
{
	DumpRequest *in = ethtrack__helper__v1__conntrack_dump_request__unpack(rpc_allocator(ctx), len, req);
	struct dump_walk w = { .ctx = ctx };
	struct ct_sock s = { 0 };
	int err = 0;

	if (!in) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "conntrack dump: malformed request");
		return;
	}
	w.batch_size = in->batch_size ? in->batch_size : BATCH_DEFAULT;
	if (w.batch_size > BATCH_MAX)
		w.batch_size = BATCH_MAX;
	uint64_t deadline = deadline_from(ctx, in->deadline_ms);
	w.deadline = deadline;
	if (!conntrack_loaded()) {
		rpc_fail(ctx, RPC_FAILED_PRECONDITION, "conntrack dump: nf_conntrack is not loaded");
		return;
	}

	if (ct_open(&s, deadline) < 0) {
		rpc_fail(ctx, RPC_INTERNAL, "conntrack dump: netlink socket: %s", strerror(errno));
		return;
	}
	enum walk res = WALK_ERROR;
	if (ct_request(&s, IPCTNL_MSG_CT_GET, NLM_F_DUMP, AF_UNSPEC) == 0)
		res = ct_walk(&s, deadline, dump_cb, &w, &err);
	else
		err = errno;
	ct_close(&s);
	if (w.client_gone)
		return;
	if (res == WALK_ERROR) {
		rpc_fail(ctx, RPC_INTERNAL, "conntrack dump: IPCTNL_MSG_CT_GET dump: %s", strerror(err));
		return;
	}
	dump_flush(&w, true, res == WALK_TRUNCATED || w.out_of_time);
}

/* ---- selective deletion ---- */

struct candidate {
	uint64_t start; /* UINT64_MAX without a timestamp: youngest */
	uint32_t id;
	uint16_t zone;
	uint8_t family, proto, slot, tuple_len;
	uint8_t tuple[TUPLE_MAX_BYTES];
};

static struct {
	DeleteReply reply;
	struct state_counts matched, deleted;
	uint64_t rule[256]; /* per protocol: bit per state slot; 0 = no rule */
	struct candidate *pool; /* max-heap on start, grown to the high-water max_count */
	size_t pool_cap;
} del;

struct delete_walk {
	uint32_t max_timeout;
	uint64_t min_age_ns;
	uint64_t now_real_ns;
	uint32_t status_set, status_clear;
	size_t max_count;
	size_t n_pool;
	uint64_t scanned;
};

static void heap_sift_down(struct candidate *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, big = i;
		if (l < n && h[l].start > h[big].start)
			big = l;
		if (r < n && h[r].start > h[big].start)
			big = r;
		if (big == i)
			return;
		struct candidate t = h[i];
		h[i] = h[big];
		h[big] = t;
		i = big;
	}
}

static void heap_sift_up(struct candidate *h, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (h[p].start >= h[i].start)
			return;
		struct candidate t = h[i];
		h[i] = h[p];
		h[p] = t;
		i = p;
	}
}

/* Keeps the max_count oldest candidates: a max-heap whose root is the
 * youngest kept, replaced whenever an older one turns up. */
static void pool_offer(struct delete_walk *w, const struct candidate *c)
{
	if (w->n_pool < w->max_count) {
		del.pool[w->n_pool] = *c;
		heap_sift_up(del.pool, w->n_pool++);
	} else if (c->start < del.pool[0].start) {
		del.pool[0] = *c;
		heap_sift_down(del.pool, w->n_pool, 0);
	}
}

static int delete_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct delete_walk *w = arg;
	struct ct_entry e;

	parse_entry(nlh, &e);
	int f = family_index(e.key.family);
	if (f < 0)
		return 0;
	w->scanned++;
	uint64_t mask = del.rule[e.key.proto];
	enum state_slot st = key_state(&e.key);
	if (!(mask & (1ull << st)))
		return 0;
	if (w->max_timeout && e.timeout > w->max_timeout)
		return 0;
	if ((e.key.status & w->status_set) != w->status_set || (e.key.status & w->status_clear))
		return 0;
	if (w->min_age_ns) {
		if (!e.has_tstamp || e.start_ns > w->now_real_ns ||
		    w->now_real_ns - e.start_ns < w->min_age_ns)
			return 0;
	}
	if (!e.orig_attr || e.orig_attr->nla_len > TUPLE_MAX_BYTES)
		return 0; /* cannot name it for deletion */

	del.matched.n[f][proto_label(e.key.proto)][st]++;
	struct candidate c = {
		.start = e.has_tstamp ? e.start_ns : UINT64_MAX,
		.id = e.id,
		.zone = e.key.zone,
		.family = e.key.family,
		.proto = e.key.proto,
		.slot = (uint8_t)st,
		.tuple_len = (uint8_t)e.orig_attr->nla_len,
	};
	memcpy(c.tuple, e.orig_attr, e.orig_attr->nla_len);
	pool_offer(w, &c);
	return 0;
}

/* Deletes one entry by its original tuple, id and zone: the kernel flushes
 * the whole table on a CT_DELETE without a tuple, so one is always sent. */
static enum walk delete_one(struct ct_sock *s, const struct candidate *c, uint64_t deadline, int *err)
{
	uint8_t buf[512] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = ct_msg(buf, s, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, c->family);

	memcpy(mnl_nlmsg_get_payload_tail(nlh), c->tuple, c->tuple_len);
	nlh->nlmsg_len += MNL_ALIGN(c->tuple_len);
	mnl_attr_put_u32(nlh, CTA_ID, htonl(c->id));
	mnl_attr_put_u16(nlh, CTA_ZONE, htons(c->zone));
	if (ct_send(s, nlh) < 0) {
		*err = errno;
		return WALK_ERROR;
	}
	return ct_walk(s, deadline, NULL, NULL, err);
}

static bool state_known(uint8_t proto, const char *name, enum state_slot *out)
{
	size_t n;
	const uint8_t *table = proto_states(proto, &n);

	if (!table)
		table = generic_states;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(state_names[table[i]], name) == 0) {
			*out = (enum state_slot)table[i];
			return true;
		}
	}
	return false;
}

static int cmp_start(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Checks the request field by field and fills del.rule; NULL when valid. */
static const char *delete_validate(const DeleteRequest *in)
{
	static char why[160];

	memset(del.rule, 0, sizeof(del.rule));
	if (in->n_rules == 0)
		return "at least one protocol rule is required";
	if (in->n_rules > DELETE_MAX_RULES)
		return "too many rules (at most 64)";
	for (size_t i = 0; i < in->n_rules; i++) {
		const Ethtrack__Helper__V1__ProtocolStates *r = in->rules[i];
		if (r->protocol > 255) {
			snprintf(why, sizeof(why), "rule %zu: protocol %u is not an IP protocol", i,
				 r->protocol);
			return why;
		}
		if (r->n_states > DELETE_MAX_STATES)
			return "too many states in a rule (at most 32)";
		if (r->n_states == 0) {
			size_t n;
			const uint8_t *table = proto_states((uint8_t)r->protocol, &n);
			if (!table)
				table = generic_states;
			for (size_t j = 0; j < n; j++)
				del.rule[r->protocol] |= 1ull << table[j];
			del.rule[r->protocol] |= 1ull << S_UNKNOWN;
			continue;
		}
		for (size_t j = 0; j < r->n_states; j++) {
			enum state_slot st;
			if (!r->states[j] || !state_known((uint8_t)r->protocol, r->states[j], &st)) {
				snprintf(why, sizeof(why),
					 "rule %zu: \"%.40s\" is not a state of protocol %u", i,
					 r->states[j] ? r->states[j] : "", r->protocol);
				return why;
			}
			del.rule[r->protocol] |= 1ull << st;
		}
	}
	if (in->max_count == 0)
		return "max_count must be at least 1";
	if (in->status_set & in->status_clear)
		return "status_set and status_clear overlap";
	return NULL;
}

const ProtobufCMessage *conntrack_delete(struct rpc_ctx *ctx, const uint8_t *req, size_t len)
{
	DeleteRequest *in = ethtrack__helper__v1__conntrack_delete_request__unpack(rpc_allocator(ctx), len, req);
	struct delete_walk w = { 0 };
	struct ct_sock s = { 0 };
	DeleteReply *r = &del.reply;
	int err = 0;

	if (!in) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "conntrack delete: malformed request");
		return NULL;
	}
	const char *why = delete_validate(in);
	if (why) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "conntrack delete: %s", why);
		return NULL;
	}
	w.max_count = in->max_count > DELETE_MAX_COUNT ? DELETE_MAX_COUNT : in->max_count;
	w.max_timeout = in->max_timeout_remaining;
	w.min_age_ns = (uint64_t)in->min_age_seconds * 1000000000u;
	w.status_set = in->status_set;
	w.status_clear = in->status_clear;
	bool dry_run = in->dry_run;
	uint64_t deadline = deadline_from(ctx, in->deadline_ms);

	if (!conntrack_loaded()) {
		rpc_fail(ctx, RPC_FAILED_PRECONDITION, "conntrack delete: nf_conntrack is not loaded");
		return NULL;
	}
	if (w.max_count > del.pool_cap) {
		struct candidate *pool = realloc(del.pool, w.max_count * sizeof(*pool));
		if (!pool) {
			rpc_fail(ctx, RPC_RESOURCE_EXHAUSTED, "conntrack delete: out of memory");
			return NULL;
		}
		del.pool = pool;
		del.pool_cap = w.max_count;
	}
	memset(del.matched.n, 0, sizeof(del.matched.n));
	memset(del.deleted.n, 0, sizeof(del.deleted.n));
	/* CTA_TIMESTAMP_START is wall-clock time (ktime_get_real_ns). */
	w.now_real_ns = now_ns(CLOCK_REALTIME);

	if (ct_open(&s, deadline) < 0) {
		rpc_fail(ctx, RPC_INTERNAL, "conntrack delete: netlink socket: %s", strerror(errno));
		return NULL;
	}
	enum walk res = WALK_ERROR;
	if (ct_request(&s, IPCTNL_MSG_CT_GET, NLM_F_DUMP, AF_UNSPEC) == 0)
		res = ct_walk(&s, deadline, delete_cb, &w, &err);
	else
		err = errno;
	/* Deletions go on a fresh socket, after the dump is over or abandoned. */
	ct_close(&s);
	if (res == WALK_ERROR || res == WALK_STOPPED) {
		rpc_fail(ctx, RPC_INTERNAL, "conntrack delete: IPCTNL_MSG_CT_GET dump: %s",
			 walk_error(res, err));
		return NULL;
	}
	bool truncated = res == WALK_TRUNCATED;

	if (!dry_run && w.n_pool) {
		qsort(del.pool, w.n_pool, sizeof(*del.pool), cmp_start);
		if (ct_open(&s, deadline) < 0) {
			rpc_fail(ctx, RPC_INTERNAL, "conntrack delete: netlink socket: %s",
				 strerror(errno));
			return NULL;
		}
		for (size_t i = 0; i < w.n_pool; i++) {
			const struct candidate *c = &del.pool[i];
			if (now_ns(CLOCK_MONOTONIC) >= deadline) {
				truncated = true;
				break;
			}
			err = 0;
			int d = delete_one(&s, c, deadline, &err);
			if (d == WALK_DONE) {
				del.deleted.n[family_index(c->family)][proto_label(c->proto)][c->slot]++;
				continue;
			}
			if (d == WALK_TRUNCATED) {
				truncated = true;
				break;
			}
			if (err == ENOENT)
				continue; /* gone meanwhile, or the id was reused */
			ct_close(&s);
			rpc_fail(ctx, RPC_INTERNAL, "conntrack delete: IPCTNL_MSG_CT_DELETE: %s",
				 strerror(err));
			return NULL;
		}
		ct_close(&s);
	}

	ethtrack__helper__v1__conntrack_delete_reply__init(r);
	r->n_matched = state_counts_emit(&del.matched);
	r->matched = del.matched.ptrs;
	r->n_deleted = state_counts_emit(&del.deleted);
	r->deleted = del.deleted.ptrs;
	r->scanned = w.scanned;
	r->truncated = truncated;
	return &r->base;
}
