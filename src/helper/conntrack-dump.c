/* DumpConntrack: the table streamed in batches of entries, each batch sent
 * as soon as it fills, so the helper holds one batch whatever the table's
 * size. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "conntrack.h"

#define BATCH_DEFAULT 512u
#define BATCH_MAX 4096u

typedef Ethtrack__Helper__V1__ConntrackDumpRequest DumpRequest;
typedef Ethtrack__Helper__V1__ConntrackEntry Entry;
typedef Ethtrack__Helper__V1__ConntrackEntryBatch EntryBatch;

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
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "malformed request");
		return;
	}
	w.batch_size = in->batch_size ? in->batch_size : BATCH_DEFAULT;
	if (w.batch_size > BATCH_MAX)
		w.batch_size = BATCH_MAX;
	uint64_t deadline = deadline_from(ctx, in->deadline_ms);
	w.deadline = deadline;
	if (!conntrack_loaded()) {
		rpc_fail(ctx, RPC_FAILED_PRECONDITION, "nf_conntrack is not loaded");
		return;
	}

	if (ct_open(&s, deadline) < 0) {
		rpc_fail(ctx, RPC_INTERNAL, "netlink socket: %s", strerror(errno));
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
		rpc_fail(ctx, RPC_INTERNAL, "IPCTNL_MSG_CT_GET dump: %s", strerror(err));
		return;
	}
	dump_flush(&w, true, res == WALK_TRUNCATED || w.out_of_time);
}

