/* GetConntrackSummary: the table's size and limit, and the per-CPU
 * statistics summed (and per CPU when asked), from IPCTNL_MSG_CT_GET_STATS
 * and _STATS_CPU; /proc fills what an older kernel's netlink lacks. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netfilter/nfnetlink.h>

#include "conntrack.h"

/* Message and attribute numbers from the kernel ABI, spelled out so the
 * helper builds against headers older than the newest counters. */
#define CT_MSG_GET_STATS_CPU 4
#define CT_MSG_GET_STATS 5
#define CT_STATS_GLOBAL_ENTRIES 1
#define CT_STATS_GLOBAL_MAX_ENTRIES 2

typedef Ethtrack__Helper__V1__ConntrackSummaryRequest SummaryRequest;
typedef Ethtrack__Helper__V1__ConntrackSummary Summary;
typedef Ethtrack__Helper__V1__Counter Counter;
typedef Ethtrack__Helper__V1__CpuStats CpuStats;

/* ---- /proc fallbacks ---- */

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

/* ---- netlink ---- */

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
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "malformed request");
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
		rpc_fail(ctx, RPC_INTERNAL, "netlink socket: %s", strerror(errno));
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
		rpc_fail(ctx, RPC_RESOURCE_EXHAUSTED, "out of memory");
		return NULL;
	}
	if (res == WALK_TRUNCATED) {
		rpc_fail(ctx, RPC_DEADLINE_EXCEEDED, "per-CPU statistics timed out");
		return NULL;
	}
	if (res == WALK_ERROR && err != EOPNOTSUPP) {
		rpc_fail(ctx, RPC_INTERNAL, "IPCTNL_MSG_CT_GET_STATS_CPU: %s",
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

