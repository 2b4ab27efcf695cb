/* GetConntrackBreakdown: one IPCTNL_MSG_CT_GET dump reduced to counts by
 * family, protocol and state as it streams past, so nothing grows with the
 * table. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "conntrack.h"

typedef Ethtrack__Helper__V1__ConntrackBreakdownRequest BreakdownRequest;
typedef Ethtrack__Helper__V1__ConntrackBreakdown Breakdown;

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

const ProtobufCMessage *conntrack_get_breakdown(struct rpc_ctx *ctx, const uint8_t *req, size_t len)
{
	BreakdownRequest *in = ethtrack__helper__v1__conntrack_breakdown_request__unpack(rpc_allocator(ctx), len, req);
	struct breakdown_walk w = { 0 };
	struct ct_sock s = { 0 };
	Breakdown *r = &breakdown.reply;
	int err = 0;

	if (!in) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "malformed request");
		return NULL;
	}
	uint32_t deadline_ms = in->deadline_ms;
	w.has_zone = in->has_zone;
	bool zone_ok = in->zone <= UINT16_MAX;
	w.zone = (uint16_t)in->zone;
	if (!zone_ok) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "zone above 65535");
		return NULL;
	}
	if (!conntrack_loaded()) {
		rpc_fail(ctx, RPC_FAILED_PRECONDITION, "nf_conntrack is not loaded");
		return NULL;
	}

	uint64_t start = now_ns(CLOCK_MONOTONIC);
	uint64_t deadline = deadline_from(ctx, deadline_ms);
	memset(breakdown.counts.n, 0, sizeof(breakdown.counts.n));
	if (ct_open(&s, deadline) < 0) {
		rpc_fail(ctx, RPC_INTERNAL, "netlink socket: %s", strerror(errno));
		return NULL;
	}
	enum walk res = WALK_ERROR;
	if (ct_request(&s, IPCTNL_MSG_CT_GET, NLM_F_DUMP, AF_UNSPEC) == 0)
		res = ct_walk(&s, deadline, breakdown_cb, &w, &err);
	else
		err = errno;
	ct_close(&s); /* also abandons a cut-off dump */
	if (res == WALK_ERROR || res == WALK_STOPPED) {
		rpc_fail(ctx, RPC_INTERNAL, "IPCTNL_MSG_CT_GET dump: %s",
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

