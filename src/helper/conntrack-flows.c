/* GetFlows and EvictFlows: the flows collector's cycle and its GC pass over
 * the flow table (flow-table.c). A GetFlows call subscribes to DESTROY events
 * (first call only), re-reads this node's addresses, walks one
 * IPCTNL_MSG_CT_GET dump through the table and answers with the deltas
 * summed per (protocol, peer, port): those of the dump and those of the
 * entries that died since the last reply. The reply's sums live in static
 * storage kept at its high-water mark. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "flows.h"
#include "helper.h"

typedef Ethtrack__Helper__V1__FlowsRequest FlowsRequest;
typedef Ethtrack__Helper__V1__FlowsReply FlowsReply;
typedef Ethtrack__Helper__V1__FlowSum FlowSum;
typedef Ethtrack__Helper__V1__EvictFlowsReply EvictFlowsReply;

struct sum_slot {
	FlowSum msg;
	uint8_t peer[16];
};

static struct {
	FlowsReply reply;
	struct sum_slot *slots;
	FlowSum **ptrs;
	size_t n, cap;
	bool out_of_memory;
	bool events_failed_logged;
	EvictFlowsReply evict;
} flows;

static int flows_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct ct_entry e;

	(void)arg;
	parse_entry_orig(nlh, &e);
	pthread_mutex_lock(&flow_lock);
	flow_observe(&e);
	pthread_mutex_unlock(&flow_lock);
	return 0;
}

static void take_sum(const struct flow_sum *s, void *arg)
{
	(void)arg;
	if (flows.n == flows.cap) {
		size_t cap = flows.cap ? flows.cap * 2 : 256;
		struct sum_slot *slots = realloc(flows.slots, cap * sizeof(*slots));
		if (slots)
			flows.slots = slots;
		FlowSum **ptrs = slots ? realloc(flows.ptrs, cap * sizeof(*ptrs)) : NULL;
		if (!ptrs) {
			flows.out_of_memory = true;
			return;
		}
		flows.ptrs = ptrs;
		flows.cap = cap;
	}
	struct sum_slot *slot = &flows.slots[flows.n];
	FlowSum *m = &slot->msg;
	ethtrack__helper__v1__flow_sum__init(m);
	memcpy(slot->peer, s->peer, s->addr_len);
	m->protocol = s->proto;
	m->peer.data = slot->peer;
	m->peer.len = s->addr_len;
	m->port = s->port;
	m->orig_bytes = s->orig_bytes;
	m->orig_packets = s->orig_packets;
	m->reply_bytes = s->reply_bytes;
	m->reply_packets = s->reply_packets;
	flows.n++;
}

/* The table the caller's generation names; a new one when it names none
 * (its first call) or one the helper does not hold (the helper restarted). */
static uint64_t table_for(uint64_t generation)
{
	uint64_t held;

	pthread_mutex_lock(&flow_lock);
	held = flow_generation();
	if (generation == 0 || generation != held) {
		held = flow_reset(generation == 0 ? FLOW_COUNT_HISTORY : FLOW_BASELINE);
		if (generation != 0)
			log_msg(0, "flow table: the caller's generation is unknown (helper restarted); "
				   "the first dump is a baseline");
	}
	pthread_mutex_unlock(&flow_lock);
	return held;
}

const ProtobufCMessage *conntrack_get_flows(struct rpc_ctx *ctx, const uint8_t *req, size_t len)
{
	FlowsRequest *in = ethtrack__helper__v1__flows_request__unpack(rpc_allocator(ctx), len, req);
	FlowsReply *r = &flows.reply;
	struct ct_sock s = { 0 };
	struct flow_stats stats;
	int err = 0;

	if (!in) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "malformed request");
		return NULL;
	}
	uint64_t start = now_ns(CLOCK_MONOTONIC);
	uint64_t deadline = deadline_from(ctx, in->deadline_ms);
	if (!conntrack_loaded()) {
		rpc_fail(ctx, RPC_FAILED_PRECONDITION, "nf_conntrack is not loaded");
		return NULL;
	}
	if (local_addresses_refresh() < 0) {
		rpc_fail(ctx, RPC_INTERNAL, "RTM_GETADDR dump: %s", strerror(errno));
		return NULL;
	}
	uint64_t generation = table_for(in->generation);
	if (!generation) {
		rpc_fail(ctx, RPC_RESOURCE_EXHAUSTED, "no memory for the flow table");
		return NULL;
	}
	/* Subscribed before the dump, so an entry that dies during it is seen. */
	if (ct_events_start() < 0 && !flows.events_failed_logged) {
		flows.events_failed_logged = true;
		log_msg(errno, "conntrack DESTROY events unavailable; counting from dumps only");
	}

	if (ct_open(&s, deadline) < 0) {
		rpc_fail(ctx, RPC_INTERNAL, "netlink socket: %s", strerror(errno));
		return NULL;
	}
	pthread_mutex_lock(&flow_lock);
	flow_begin_dump();
	pthread_mutex_unlock(&flow_lock);
	enum walk res = WALK_ERROR;
	if (ct_request(&s, IPCTNL_MSG_CT_GET, NLM_F_DUMP, AF_UNSPEC) == 0)
		res = ct_walk(&s, deadline, flows_cb, NULL, &err);
	else
		err = errno;
	ct_close(&s); /* also abandons a cut-off dump */
	if (res == WALK_ERROR || res == WALK_STOPPED) {
		/* The deltas observed so far stay pending for the next call. */
		rpc_fail(ctx, RPC_INTERNAL, "IPCTNL_MSG_CT_GET dump: %s", walk_error(res, err));
		return NULL;
	}

	flows.n = 0;
	flows.out_of_memory = false;
	pthread_mutex_lock(&flow_lock);
	flow_end_dump(res == WALK_DONE, &stats);
	flow_sums_drain(take_sum, NULL);
	size_t table_bytes = flow_table_bytes();
	pthread_mutex_unlock(&flow_lock);
	if (flows.out_of_memory)
		log_msg(ENOMEM, "flow sums dropped from a reply");
	if (stats.baselined)
		log_msg(0, "flow table: %llu entries taken as a baseline",
			(unsigned long long)stats.baselined);

	ethtrack__helper__v1__flows_reply__init(r);
	for (size_t k = 0; k < flows.n; k++)
		flows.ptrs[k] = &flows.slots[k].msg;
	r->n_sums = flows.n;
	r->sums = flows.n ? flows.ptrs : NULL;
	r->generation = generation;
	r->tracked = stats.tracked;
	r->truncated = res == WALK_TRUNCATED;
	r->accounting = stats.accounting;
	r->entries = stats.entries;
	r->baselined = stats.baselined;
	r->events = ct_events_running();
	r->events_lost = ct_events_lost();
	r->destroyed = stats.destroyed;
	r->table_bytes = table_bytes;
	r->duration_ns = now_ns(CLOCK_MONOTONIC) - start;
	return &r->base;
}

const ProtobufCMessage *conntrack_evict_flows(struct rpc_ctx *ctx, const uint8_t *req, size_t len)
{
	EvictFlowsReply *r = &flows.evict;

	if (!ethtrack__helper__v1__evict_flows_request__unpack(rpc_allocator(ctx), len, req)) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "malformed request");
		return NULL;
	}
	ethtrack__helper__v1__evict_flows_reply__init(r);
	pthread_mutex_lock(&flow_lock);
	flow_evict(&r->gone, &r->idle);
	pthread_mutex_unlock(&flow_lock);
	return &r->base;
}
