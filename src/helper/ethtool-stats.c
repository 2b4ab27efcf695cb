/* GetEthtoolStats: the stats of named interfaces over SIOCETHTOOL.
 *
 * Memory does not grow with cycles: the stat names of each interface are
 * cached and re-read only when its stat count or driver changes (devices
 * with identical names share one copy, ethtool-names.c), and the stats are
 * read straight into one values array that every reply shares, kept at its
 * high-water mark, as are the reply messages themselves. */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ethtrack/helper/v1/helper.pb-c.h"
#include "ethtool-names.h"
#include "ethtool.h"
#include "rpc.h"

/* More queries than any host has interfaces. With duplicates refused, the
 * reply is bounded by the host's real stats, not by the request. */
#define MAX_QUERIES 16384
/* More stats than any driver has; a larger count is treated as an error
 * rather than sized for. */
#define MAX_STATS 65536
/* An interface not asked about for this many GetEthtoolStats calls is gone
 * or excluded; its names are dropped. */
#define EVICT_AFTER_CALLS 16
/* The kernel writes the stat count of the moment, whatever count we sized
 * the buffer for; room for twice the count plus this absorbs a count that
 * grew since ETHTOOL_GSSET_INFO (a channel change in between). */
#define STATS_SLACK 256
#define STATS_ROOM(count) (2 * (size_t)(count) + STATS_SLACK)

/* The stat names of one interface, keyed by name. */
struct names_entry {
	char ifname[IFNAMSIZ];
	char driver[32];
	uint32_t count;
	uint64_t generation;
	uint64_t last_call;
	struct names_set *set; /* count names, maybe shared with other devices */
};

static struct {
	struct names_entry *entries;
	size_t n, cap;
	size_t hint; /* queries usually come in the same order each cycle */
	uint64_t generation;
	uint64_t calls;
	struct ethtool_gstrings *gstrings;
	size_t gstrings_cap;
} names_cache;

static struct names_entry *cache_find(const char *ifname)
{
	for (size_t k = 0; k < names_cache.n; k++) {
		size_t i = (names_cache.hint + k) % names_cache.n;
		if (strcmp(names_cache.entries[i].ifname, ifname) == 0) {
			names_cache.hint = i + 1;
			return &names_cache.entries[i];
		}
	}
	return NULL;
}

static void cache_evict(struct names_entry *e)
{
	/* Sets let go during a call stay readable until the next one starts. */
	names_set_put(e->set);
	*e = names_cache.entries[--names_cache.n];
}

static struct names_entry *cache_add(const char *ifname)
{
	if (grow(&names_cache.entries, &names_cache.cap, names_cache.n + 1,
		 sizeof(*names_cache.entries)) < 0)
		return NULL;
	struct names_entry *e = &names_cache.entries[names_cache.n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->ifname, sizeof(e->ifname), "%s", ifname);
	return e;
}

/* ETHTOOL_GSTRINGS(ETH_SS_STATS) into the entry; 0 or negative errno. */
static int read_names(struct names_entry *e, uint32_t count, const char *driver)
{
	size_t bytes = sizeof(struct ethtool_gstrings) + STATS_ROOM(count) * ETH_GSTRING_LEN;
	if (bytes > names_cache.gstrings_cap) {
		void *p = realloc(names_cache.gstrings, bytes);
		if (!p)
			return -ENOMEM;
		names_cache.gstrings = p;
		names_cache.gstrings_cap = bytes;
	}
	struct ethtool_gstrings *gs = names_cache.gstrings;
	memset(gs, 0, sizeof(*gs));
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_STATS;
	gs->len = count;
	int err = ethtool_ioctl(e->ifname, gs);
	if (err < 0)
		return err;
	if (gs->len != count)
		return -EAGAIN; /* the count changed under us; the next cycle retries */

	struct names_set *set = names_set_get((const char *)gs->data, count);
	if (!set)
		return -ENOMEM;
	names_set_put(e->set);
	e->set = set;
	e->count = count;
	snprintf(e->driver, sizeof(e->driver), "%s", driver);
	if (names_cache.generation == 0) {
		/* Generations start at the boot-time clock in microseconds, so a
		 * client that outlives a helper restart cannot mistake a new
		 * helper's generation for one whose names it already holds. */
		struct timespec now;
		clock_gettime(CLOCK_BOOTTIME, &now);
		names_cache.generation = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u;
	}
	e->generation = ++names_cache.generation;
	return 0;
}

struct stats_slot {
	Ethtrack__Helper__V1__InterfaceStats msg;
	size_t values_at; /* index into stats_reply.values */
	char error[96];
};

static struct {
	Ethtrack__Helper__V1__EthtoolStatsReply msg;
	struct stats_slot *slots;
	Ethtrack__Helper__V1__InterfaceStats **ptrs;
	size_t cap_slots, cap_ptrs;
	/* Every interface's struct ethtool_stats back to back: one u64 for the
	 * cmd/n_stats header, then the values, which the reply points at. */
	uint64_t *values;
	size_t cap_values;
} stats_reply = { .msg = ETHTRACK__HELPER__V1__ETHTOOL_STATS_REPLY__INIT };

_Static_assert(sizeof(struct ethtool_stats) == sizeof(uint64_t), "ethtool_stats header");

static bool valid_ifname(const char *name)
{
	size_t len = strnlen(name, IFNAMSIZ);
	if (len == 0 || len >= IFNAMSIZ || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p <= ' ' || *p == 0x7f || *p == '/')
			return false;
	}
	return true;
}

static void set_status(struct stats_slot *slot, int err)
{
	Ethtrack__Helper__V1__InterfaceStats *m = &slot->msg;
	if (err == -ENODEV) {
		m->status = ETHTRACK__HELPER__V1__INTERFACE_STATS__STATUS__NO_SUCH_DEVICE;
	} else if (err == -EOPNOTSUPP) {
		m->status = ETHTRACK__HELPER__V1__INTERFACE_STATS__STATUS__NOT_SUPPORTED;
	} else {
		m->status = ETHTRACK__HELPER__V1__INTERFACE_STATS__STATUS__ERROR;
		snprintf(slot->error, sizeof(slot->error), "%s",
			 err == -EAGAIN ? "stat count changed while reading" : strerror(-err));
		m->error = slot->error;
	}
}

/* Reads one interface's stats into stats_reply.values at *used. */
static int read_stats(const Ethtrack__Helper__V1__StatsQuery *q, struct stats_slot *slot,
		      size_t *used)
{
	Ethtrack__Helper__V1__InterfaceStats *m = &slot->msg;
	const char *ifname = q->interface;

	struct ethtool_drvinfo drvinfo = { .cmd = ETHTOOL_GDRVINFO };
	int err = ethtool_ioctl(ifname, &drvinfo);
	if (err < 0 && err != -EOPNOTSUPP)
		return err;
	bool have_drvinfo = err == 0;
	if (!have_drvinfo)
		drvinfo.driver[0] = '\0';
	drvinfo.driver[sizeof(drvinfo.driver) - 1] = '\0';

	int64_t count = stats_count(ifname, have_drvinfo ? &drvinfo : NULL);
	if (count < 0)
		return (int)count;
	if (count == 0)
		return -EOPNOTSUPP;
	if (count > MAX_STATS)
		return -E2BIG;

	struct names_entry *e = cache_find(ifname);
	if (!e && !(e = cache_add(ifname)))
		return -ENOMEM;
	e->last_call = names_cache.calls;
	if (e->count != count || strcmp(e->driver, drvinfo.driver) != 0) {
		err = read_names(e, (uint32_t)count, drvinfo.driver);
		if (err < 0)
			return err;
	}

	size_t need = *used + 1 + STATS_ROOM(count);
	if (grow(&stats_reply.values, &stats_reply.cap_values, need, sizeof(uint64_t)) < 0)
		return -ENOMEM;
	struct ethtool_stats *stats = (struct ethtool_stats *)&stats_reply.values[*used];
	stats->cmd = ETHTOOL_GSTATS;
	stats->n_stats = (uint32_t)count;
	err = ethtool_ioctl(ifname, stats);
	if (err < 0)
		return err;
	if (stats->n_stats != count) {
		e->count = 0; /* re-read the names next time */
		return -EAGAIN;
	}

	m->generation = e->generation;
	if (q->known_generation != e->generation) {
		m->n_names = e->count;
		m->names = names_set_names(e->set);
	}
	m->n_values = (size_t)count;
	slot->values_at = *used + 1;
	*used += 1 + (size_t)count;
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted copy of the names in a buffer kept at its high-water mark. */
static bool has_duplicate(Ethtrack__Helper__V1__StatsQuery *const *queries, size_t n)
{
	static const char **sorted;
	static size_t cap;
	if (n < 2)
		return false;
	if (grow(&sorted, &cap, n, sizeof(*sorted)) < 0)
		return true; /* refuse rather than risk an unbounded reply */
	for (size_t i = 0; i < n; i++)
		sorted[i] = queries[i]->interface;
	qsort(sorted, n, sizeof(*sorted), compare_names);
	for (size_t i = 1; i < n; i++)
		if (strcmp(sorted[i - 1], sorted[i]) == 0)
			return true;
	return false;
}

const ProtobufCMessage *ethtool_get_stats(struct rpc_ctx *ctx, const uint8_t *req, size_t len)
{
	Ethtrack__Helper__V1__EthtoolStatsRequest *request =
		ethtrack__helper__v1__ethtool_stats_request__unpack(rpc_allocator(ctx), len, req);
	if (!request) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "malformed request");
		return NULL;
	}
	size_t n = request->n_queries;
	if (n > MAX_QUERIES) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "%zu queries (at most %d)", n,
			 MAX_QUERIES);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!valid_ifname(request->queries[i]->interface)) {
			rpc_fail(ctx, RPC_INVALID_ARGUMENT,
				 "query %zu: invalid interface name", i);
			return NULL;
		}
	}
	if (has_duplicate(request->queries, n)) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "an interface is asked for twice");
		return NULL;
	}
	if (grow(&stats_reply.slots, &stats_reply.cap_slots, n, sizeof(*stats_reply.slots)) < 0 ||
	    grow(&stats_reply.ptrs, &stats_reply.cap_ptrs, n, sizeof(*stats_reply.ptrs)) < 0) {
		rpc_fail(ctx, RPC_RESOURCE_EXHAUSTED, "out of memory");
		return NULL;
	}

	/* The previous reply has been sent: what it pointed into can go. */
	names_sets_reap();
	names_cache.calls++;

	size_t used = 0;
	for (size_t i = 0; i < n; i++) {
		const Ethtrack__Helper__V1__StatsQuery *q = request->queries[i];
		struct stats_slot *slot = &stats_reply.slots[i];
		ethtrack__helper__v1__interface_stats__init(&slot->msg);
		slot->msg.interface = q->interface;
		slot->values_at = 0;
		int err = read_stats(q, slot, &used);
		if (err < 0) {
			set_status(slot, err);
			if (err == -ENODEV) {
				struct names_entry *e = cache_find(q->interface);
				if (e)
					cache_evict(e);
			}
		}
		stats_reply.ptrs[i] = &slot->msg;
	}
	/* values may have moved while growing; point the reply at it now. */
	for (size_t i = 0; i < n; i++) {
		struct stats_slot *slot = &stats_reply.slots[i];
		if (slot->msg.n_values)
			slot->msg.values = &stats_reply.values[slot->values_at];
	}
	for (size_t i = 0; i < names_cache.n;) {
		struct names_entry *e = &names_cache.entries[i];
		if (names_cache.calls - e->last_call > EVICT_AFTER_CALLS)
			cache_evict(e);
		else
			i++;
	}
	stats_reply.msg.n_interfaces = n;
	stats_reply.msg.interfaces = stats_reply.ptrs;
	return &stats_reply.msg.base;
}

