/* What the conntrack-*.c files share: the ctnetlink socket and its receive
 * loop (conntrack-netlink.c), an entry as parsed from a CT_GET message with
 * its SPEC names and the counts by family/protocol/state
 * (conntrack-entry.c). Each RPC has its own file: summary, breakdown, dump,
 * delete, like libmnl's examples/netfilter/nfct-*.c.
 *
 * Every request opens its own netlink socket and closes it when done. A dump
 * cut short by its deadline is then abandoned by closing the socket: the
 * kernel drops the rest of the dump and the next call cannot read stale
 * messages. Replies live in static storage reused across calls (handlers are
 * called one at a time); nothing grows with the table except the deletion
 * pool, which is bounded by max_count and kept at its high-water mark. */
#ifndef ETHTRACK_CONNTRACK_H
#define ETHTRACK_CONNTRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <libmnl/libmnl.h>

#include "ethtrack/helper/v1/helper.pb-c.h"
#include "rpc.h"

#define PROC_CT "/proc/sys/net/netfilter/"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- conntrack-netlink.c: time, the socket, the receive loop, attributes */

uint64_t now_ns(clockid_t clock);
/* The request's deadline (default 5 s, at most 2 min), shortened to the
 * client's gRPC deadline when that comes first. */
uint64_t deadline_from(struct rpc_ctx *ctx, uint32_t ms);
/* Whether nf_conntrack is loaded; checked before any netlink request. */
bool conntrack_loaded(void);

struct ct_sock {
	struct mnl_socket *nl;
	unsigned int portid;
	uint32_t seq;
};

int ct_open(struct ct_sock *s, uint64_t deadline);
void ct_close(struct ct_sock *s);
/* Puts a ctnetlink request header (with the next sequence number) in buf. */
struct nlmsghdr *ct_msg(void *buf, struct ct_sock *s, uint16_t type, uint16_t flags,
			uint8_t family);
int ct_send(struct ct_sock *s, const struct nlmsghdr *nlh);
/* A request without attributes. */
int ct_request(struct ct_sock *s, uint16_t type, uint16_t flags, uint8_t family);

enum walk {
	WALK_DONE,	/* NLMSG_DONE or the ack */
	WALK_TRUNCATED, /* deadline passed */
	WALK_STOPPED,	/* the callback asked to stop */
	WALK_ERROR,	/* errno in *err */
};

/* Returns 0 to continue, 1 to stop. */
typedef int (*ct_msg_fn)(const struct nlmsghdr *nlh, void *arg);

enum walk ct_walk(struct ct_sock *s, uint64_t deadline, ct_msg_fn fn, void *arg, int *err);
/* Why a walk that ended in WALK_ERROR or WALK_STOPPED failed. */
const char *walk_error(enum walk res, int err);

/* Attribute walking as libmnl does it (the same bounds checks), inlined:
 * the dump parsers call these some forty times an entry, a million entries
 * a cycle, and libmnl's are calls through the PLT. */
static inline bool ct_attr_ok(const struct nlattr *a, ptrdiff_t len)
{
	return len >= (ptrdiff_t)sizeof(*a) && a->nla_len >= sizeof(*a) && (ptrdiff_t)a->nla_len <= len;
}

static inline uint16_t ct_attr_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

static inline uint16_t ct_attr_len(const struct nlattr *a)
{
	return (uint16_t)(a->nla_len - MNL_ATTR_HDRLEN);
}

static inline const void *ct_attr_payload(const struct nlattr *a)
{
	return (const char *)a + MNL_ATTR_HDRLEN;
}

#define ct_attr_for_each_nested(a, nest)                                                         \
	for ((a) = ct_attr_payload(nest);                                                         \
	     ct_attr_ok((a), (const char *)(nest) + MNL_ALIGN((nest)->nla_len) - (const char *)(a)); \
	     (a) = (const struct nlattr *)((const char *)(a) + MNL_ALIGN((a)->nla_len)))

#define ct_attr_for_each(a, nlh, offset)                                                         \
	for ((a) = (const struct nlattr *)((const char *)(nlh) + MNL_NLMSG_HDRLEN +               \
					  MNL_ALIGN(offset));                                     \
	     ct_attr_ok((a), (const char *)(nlh) + MNL_ALIGN((nlh)->nlmsg_len) - (const char *)(a)); \
	     (a) = (const struct nlattr *)((const char *)(a) + MNL_ALIGN((a)->nla_len)))

/* Attribute readers: lengths checked, never trust the buffer. */
bool attr_u8(const struct nlattr *a, uint8_t *v);
bool attr_be16(const struct nlattr *a, uint16_t *v);
bool attr_be32(const struct nlattr *a, uint32_t *v);
bool attr_be64(const struct nlattr *a, uint64_t *v);

/* ---- conntrack-entry.c: SPEC's names, entry parsing, counts */

enum proto_label { P_TCP, P_UDP, P_ICMP, P_ICMPV6, P_SCTP, P_GRE, P_OTHER, P_COUNT };

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

extern const char *const state_names[S_COUNT];

enum proto_label proto_label(uint8_t proto);
/* 0 for ipv4, 1 for ipv6, -1 for any other family. */
int family_index(uint8_t family);
/* The state slots a protocol can be in: its own (tcp, sctp, dccp) or the
 * ones derived from the status bits. */
const uint8_t *proto_state_slots(uint8_t proto, size_t *n);
/* Finds a state of the protocol by its SPEC name. */
bool state_known(uint8_t proto, const char *name, enum state_slot *out);

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

void parse_key(const struct nlmsghdr *nlh, struct ct_key *k);
void parse_entry(const struct nlmsghdr *nlh, struct ct_entry *e);
/* The same without the reply tuple, which the flow table never reads. */
void parse_entry_orig(const struct nlmsghdr *nlh, struct ct_entry *e);
enum state_slot key_state(const struct ct_key *k);

/* Counts by family/protocol/state, shared by breakdown and delete. */
struct state_counts {
	uint64_t n[2][P_COUNT][S_COUNT];
	Ethtrack__Helper__V1__StateCount msgs[2 * P_COUNT * S_COUNT];
	Ethtrack__Helper__V1__StateCount *ptrs[2 * P_COUNT * S_COUNT];
};

/* Fills msgs and ptrs with the non-zero counts; returns how many. */
size_t state_counts_emit(struct state_counts *c);

#endif
