/* A conntrack entry as ctnetlink sends it, read into C structs one nest at a
 * time, and SPEC's names for its family, protocol and state. */
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include "conntrack.h"

/* ---- names: SPEC's protocol and state labels ---- */

static const char *const proto_names[P_COUNT] = { "tcp",  "udp", "icmp", "icmpv6",
						  "sctp", "gre", "other" };
static const char *const family_names[2] = { "ipv4", "ipv6" };

const char *const state_names[S_COUNT] = {
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

enum proto_label proto_label(uint8_t proto)
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

int family_index(uint8_t family)
{
	return family == AF_INET ? 0 : family == AF_INET6 ? 1 : -1;
}

const uint8_t *proto_state_slots(uint8_t proto, size_t *n)
{
	const uint8_t *table = proto_states(proto, n);

	return table ? table : generic_states;
}

bool state_known(uint8_t proto, const char *name, enum state_slot *out)
{
	size_t n;
	const uint8_t *table = proto_state_slots(proto, &n);

	for (size_t i = 0; i < n; i++) {
		if (strcmp(state_names[table[i]], name) == 0) {
			*out = (enum state_slot)table[i];
			return true;
		}
	}
	return false;
}

/* ---- entry parsing ---- */

static void parse_proto_num(const struct nlattr *tuple, uint8_t *proto)
{
	const struct nlattr *a, *b;

	ct_attr_for_each_nested(a, tuple) {
		if (ct_attr_type(a) != CTA_TUPLE_PROTO)
			continue;
		ct_attr_for_each_nested(b, a) {
			if (ct_attr_type(b) == CTA_PROTO_NUM)
				attr_u8(b, proto);
		}
	}
}

static void parse_protoinfo(const struct nlattr *info, struct ct_key *k)
{
	const struct nlattr *a, *b;

	ct_attr_for_each_nested(a, info) {
		uint16_t want;
		switch (ct_attr_type(a)) {
		case CTA_PROTOINFO_TCP: want = CTA_PROTOINFO_TCP_STATE; break;
		case CTA_PROTOINFO_SCTP: want = CTA_PROTOINFO_SCTP_STATE; break;
		case CTA_PROTOINFO_DCCP: want = CTA_PROTOINFO_DCCP_STATE; break;
		default: continue;
		}
		ct_attr_for_each_nested(b, a) {
			if (ct_attr_type(b) == want && attr_u8(b, &k->pstate))
				k->has_pstate = true;
		}
	}
}

void parse_key(const struct nlmsghdr *nlh, struct ct_key *k)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	memset(k, 0, sizeof(*k));
	k->family = nfg->nfgen_family;
	ct_attr_for_each(a, nlh, sizeof(*nfg)) {
		switch (ct_attr_type(a)) {
		case CTA_TUPLE_ORIG: parse_proto_num(a, &k->proto); break;
		case CTA_STATUS: attr_be32(a, &k->status); break;
		case CTA_PROTOINFO: parse_protoinfo(a, k); break;
		case CTA_ZONE: attr_be16(a, &k->zone); break;
		}
	}
}

static void parse_tuple_ip(const struct nlattr *nest, struct ct_tuple *t)
{
	const struct nlattr *a;

	ct_attr_for_each_nested(a, nest) {
		uint16_t type = ct_attr_type(a);
		size_t want = type == CTA_IP_V4_SRC || type == CTA_IP_V4_DST ? 4
			      : type == CTA_IP_V6_SRC || type == CTA_IP_V6_DST ? 16
									      : 0;
		if (!want || ct_attr_len(a) < want)
			continue;
		memcpy(type == CTA_IP_V4_SRC || type == CTA_IP_V6_SRC ? t->src : t->dst,
		       ct_attr_payload(a), want);
		t->addr_len = (uint8_t)want;
	}
}

static void parse_tuple_proto(const struct nlattr *nest, struct ct_tuple *t)
{
	const struct nlattr *a;

	ct_attr_for_each_nested(a, nest) {
		switch (ct_attr_type(a)) {
		case CTA_PROTO_NUM: attr_u8(a, &t->proto); break;
		case CTA_PROTO_SRC_PORT: attr_be16(a, &t->sport); break;
		case CTA_PROTO_DST_PORT: attr_be16(a, &t->dport); break;
		case CTA_PROTO_ICMP_ID:
		case CTA_PROTO_ICMPV6_ID: attr_be16(a, &t->icmp_id); break;
		}
	}
}

static void parse_tuple(const struct nlattr *tuple, struct ct_tuple *t)
{
	const struct nlattr *a;

	ct_attr_for_each_nested(a, tuple) {
		switch (ct_attr_type(a)) {
		case CTA_TUPLE_IP: parse_tuple_ip(a, t); break;
		case CTA_TUPLE_PROTO: parse_tuple_proto(a, t); break;
		}
	}
}

static void parse_counters(const struct nlattr *nest, uint64_t *packets, uint64_t *bytes)
{
	const struct nlattr *a;

	ct_attr_for_each_nested(a, nest) {
		switch (ct_attr_type(a)) {
		case CTA_COUNTERS_PACKETS: attr_be64(a, packets); break;
		case CTA_COUNTERS_BYTES: attr_be64(a, bytes); break;
		}
	}
}

static void parse_timestamp(const struct nlattr *nest, struct ct_entry *e)
{
	const struct nlattr *a;

	ct_attr_for_each_nested(a, nest) {
		if (ct_attr_type(a) == CTA_TIMESTAMP_START && attr_be64(a, &e->start_ns))
			e->has_tstamp = true;
	}
}

static void parse(const struct nlmsghdr *nlh, struct ct_entry *e, bool reply)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	memset(e, 0, sizeof(*e));
	e->key.family = nfg->nfgen_family;
	ct_attr_for_each(a, nlh, sizeof(*nfg)) {
		switch (ct_attr_type(a)) {
		case CTA_TUPLE_ORIG:
			parse_tuple(a, &e->orig);
			e->key.proto = e->orig.proto;
			e->orig_attr = a;
			break;
		case CTA_TUPLE_REPLY:
			if (reply)
				parse_tuple(a, &e->reply);
			break;
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
		case CTA_TIMESTAMP: parse_timestamp(a, e); break;
		}
	}
}

void parse_entry(const struct nlmsghdr *nlh, struct ct_entry *e)
{
	parse(nlh, e, true);
}

void parse_entry_orig(const struct nlmsghdr *nlh, struct ct_entry *e)
{
	parse(nlh, e, false);
}

/* SPEC's state: the protocol's own state for tcp/sctp/dccp, else derived
 * from the status bits. */
enum state_slot key_state(const struct ct_key *k)
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

size_t state_counts_emit(struct state_counts *c)
{
	size_t used = 0;

	for (int f = 0; f < 2; f++)
		for (int p = 0; p < P_COUNT; p++)
			for (int s = 0; s < S_COUNT; s++) {
				if (!c->n[f][p][s])
					continue;
				Ethtrack__Helper__V1__StateCount *m = &c->msgs[used];
				ethtrack__helper__v1__state_count__init(m);
				m->family = (char *)family_names[f];
				m->protocol = (char *)proto_names[p];
				m->state = (char *)state_names[s];
				m->count = c->n[f][p][s];
				c->ptrs[used++] = m;
			}
	return used;
}

