/* DeleteConntrack: one dump picks the entries that match the rules, keeping
 * the max_count oldest in a heap; they are then deleted one by one by tuple,
 * id and zone, oldest first, on a fresh socket. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "conntrack.h"

#define DELETE_MAX_COUNT 100000u
#define DELETE_MAX_RULES 64u
#define DELETE_MAX_STATES 32u
#define TUPLE_MAX_BYTES 160

typedef Ethtrack__Helper__V1__ConntrackDeleteRequest DeleteRequest;
typedef Ethtrack__Helper__V1__ConntrackDeleteReply DeleteReply;

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
			const uint8_t *table = proto_state_slots((uint8_t)r->protocol, &n);
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
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "malformed request");
		return NULL;
	}
	const char *why = delete_validate(in);
	if (why) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "%s", why);
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
		rpc_fail(ctx, RPC_FAILED_PRECONDITION, "nf_conntrack is not loaded");
		return NULL;
	}
	if (w.max_count > del.pool_cap) {
		struct candidate *pool = realloc(del.pool, w.max_count * sizeof(*pool));
		if (!pool) {
			rpc_fail(ctx, RPC_RESOURCE_EXHAUSTED, "out of memory");
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
		rpc_fail(ctx, RPC_INTERNAL, "netlink socket: %s", strerror(errno));
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
		rpc_fail(ctx, RPC_INTERNAL, "IPCTNL_MSG_CT_GET dump: %s",
			 walk_error(res, err));
		return NULL;
	}
	bool truncated = res == WALK_TRUNCATED;

	if (!dry_run && w.n_pool) {
		qsort(del.pool, w.n_pool, sizeof(*del.pool), cmp_start);
		if (ct_open(&s, deadline) < 0) {
			rpc_fail(ctx, RPC_INTERNAL, "netlink socket: %s",
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
			rpc_fail(ctx, RPC_INTERNAL, "IPCTNL_MSG_CT_DELETE: %s",
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
