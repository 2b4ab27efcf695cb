/* The flow table: one 56-byte record per tracked conntrack entry, holding the
 * counters already counted, so each dump and each DESTROY event turns into
 * deltas summed per (family, protocol, peer, port) until the next reply.
 *
 * Memory: records live in chunks of 65,536 that are never freed; a freed
 * record goes to a free list and is reused first. The hash is chained through
 * the records (a 4-byte index, no pointers), its bucket array doubled when
 * the records outnumber it. So once the table has seen its largest size, a
 * cycle allocates nothing. The key is the conntrack id plus tuple bits
 * (ports, protocol, zone): ids are 32-bit hashes that a large table shares
 * between a few entries, and a reused id with another tuple is a new entry.
 *
 * Races between the dump and the events: a record whose DESTROY was applied
 * stays as a tombstone until the next complete dump that began after it, so
 * a dump snapshot taken just before the entry died is not counted again. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <netinet/in.h>

#include "flows.h"

#define CHUNK_SHIFT 16u
#define CHUNK_RECORDS (1u << CHUNK_SHIFT)
#define BUCKETS_MIN 4096u

enum { F_DEAD = 1, F_DORMANT = 2, F_FREE = 4 };
/* Idle timeouts of SPEC's GC policy, by the class kept in flags >> 4. */
enum { T_TCP, T_TCP_CLOSING, T_OTHER };
static const uint32_t idle_seconds[] = { [T_TCP] = 360, [T_TCP_CLOSING] = 30, [T_OTHER] = 60 };

struct flow_rec {
	uint64_t orig_bytes, orig_packets, reply_bytes, reply_packets;
	uint32_t id;
	uint32_t next; /* hash chain or free list, as index + 1; 0 ends it */
	uint16_t sport, dport, zone;
	uint8_t proto;
	uint8_t flags;	      /* F_* | class << 4 */
	uint32_t gen;	      /* the dump that last saw it, or during which it died */
	uint32_t last_change; /* seconds, CLOCK_MONOTONIC */
};
_Static_assert(sizeof(struct flow_rec) == 56, "a record is 56 bytes");

pthread_mutex_t flow_lock = PTHREAD_MUTEX_INITIALIZER;

static struct {
	uint64_t generation; /* 0: no table */
	enum flow_start start;
	bool initial;	       /* no complete dump since the reset */
	uint32_t gen;	       /* bumped by each dump */
	uint32_t complete_gen; /* the last complete dump's gen, 0 when none */
	struct flow_rec **chunks;
	uint32_t n_chunks, cap_chunks;
	uint32_t used, free_head, n_records;
	uint32_t hint; /* where flow_observe() looks first */
	uint32_t *buckets;
	uint32_t n_buckets;
	uint32_t *dead; /* records to sweep; may repeat one */
	uint32_t n_dead, cap_dead;
	struct flow_stats stats;
} t;

static inline struct flow_rec *rec(uint32_t i)
{
	return &t.chunks[(i - 1) >> CHUNK_SHIFT][(i - 1) & (CHUNK_RECORDS - 1)];
}

static uint32_t now_s(void)
{
	return (uint32_t)(now_ns(CLOCK_MONOTONIC) / 1000000000u);
}

uint32_t flow_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (uint32_t)x;
}

static uint32_t key_hash(uint32_t id, uint16_t sport, uint16_t dport, uint16_t zone, uint8_t proto)
{
	return flow_mix((uint64_t)id << 32 ^ (uint64_t)sport << 16 ^ dport ^ (uint64_t)zone << 40 ^
		   (uint64_t)proto << 56);
}

static bool same_key(const struct flow_rec *r, const struct ct_entry *e)
{
	return r->id == e->id && r->sport == e->orig.sport && r->dport == e->orig.dport &&
	       r->zone == e->key.zone && r->proto == e->key.proto;
}

/* The link (bucket or a record's next) that points at the entry's record,
 * or at the 0 that ends its chain. */
static uint32_t *find_link(const struct ct_entry *e)
{
	uint32_t *link = &t.buckets[key_hash(e->id, e->orig.sport, e->orig.dport, e->key.zone,
					     e->key.proto) & (t.n_buckets - 1)];
	while (*link && !same_key(rec(*link), e))
		link = &rec(*link)->next;
	return link;
}

static void grow_buckets(void)
{
	uint32_t n = t.n_buckets * 2;
	uint32_t *b = calloc(n, sizeof(*b));

	if (!b)
		return; /* longer chains, still correct */
	for (uint32_t k = 0; k < t.n_buckets; k++) {
		for (uint32_t i = t.buckets[k], next; i; i = next) {
			struct flow_rec *r = rec(i);
			next = r->next;
			uint32_t *head = &b[key_hash(r->id, r->sport, r->dport, r->zone, r->proto) & (n - 1)];
			r->next = *head;
			*head = i;
		}
	}
	free(t.buckets);
	t.buckets = b;
	t.n_buckets = n;
}

static uint32_t alloc_rec(void)
{
	if (t.free_head) {
		uint32_t i = t.free_head;
		t.free_head = rec(i)->next;
		return i;
	}
	if (t.used == t.n_chunks * CHUNK_RECORDS) {
		if (t.n_chunks == t.cap_chunks) {
			uint32_t cap = t.cap_chunks ? t.cap_chunks * 2 : 16;
			struct flow_rec **c = realloc(t.chunks, cap * sizeof(*c));
			if (!c)
				return 0;
			t.chunks = c;
			t.cap_chunks = cap;
		}
		struct flow_rec *chunk = malloc(CHUNK_RECORDS * sizeof(*chunk));
		if (!chunk)
			return 0;
		t.chunks[t.n_chunks++] = chunk;
	}
	return ++t.used;
}

/* A zeroed record for the entry, linked where find_link() ended; 0 when out
 * of memory (the entry then goes uncounted until memory is found). */
static uint32_t insert(const struct ct_entry *e, uint32_t *link)
{
	if (t.n_records >= t.n_buckets) {
		grow_buckets();
		link = find_link(e);
	}
	uint32_t i = alloc_rec();
	if (!i)
		return 0;
	struct flow_rec *r = rec(i);
	memset(r, 0, sizeof(*r));
	r->id = e->id;
	r->sport = e->orig.sport;
	r->dport = e->orig.dport;
	r->zone = e->key.zone;
	r->proto = e->key.proto;
	r->next = *link;
	*link = i;
	t.n_records++;
	return i;
}

static void release(uint32_t *link)
{
	uint32_t i = *link;
	struct flow_rec *r = rec(i);

	*link = r->next;
	r->flags = F_FREE;
	r->next = t.free_head;
	t.free_head = i;
	t.n_records--;
}

static uint8_t idle_class(const struct ct_entry *e)
{
	if (e->key.proto != IPPROTO_TCP)
		return T_OTHER;
	switch (key_state(&e->key)) {
	case S_TIME_WAIT:
	case S_CLOSE: return T_TCP_CLOSING;
	case S_SYN_SENT:
	case S_SYN_RECV:
	case S_SYN_SENT2: return T_OTHER;
	default: return T_TCP;
	}
}

/* ---- counting ---- */

/* The entry's counters minus the record's, into the sums; the record takes
 * the entry's. A counter below the record's is a new entry under a reused
 * key: counted from zero. A new entry's sum is sent even at zero, so its
 * series exists from the first cycle that sees it. */
static void count(struct flow_rec *r, const struct ct_entry *e, bool fresh)
{
	const uint64_t now[4] = { e->orig_bytes, e->orig_packets, e->reply_bytes, e->reply_packets };
	uint64_t *was[4] = { &r->orig_bytes, &r->orig_packets, &r->reply_bytes, &r->reply_packets };
	uint64_t d[4];
	bool moved = false;

	for (int k = 0; k < 4; k++) {
		d[k] = now[k] >= *was[k] ? now[k] - *was[k] : now[k];
		moved |= d[k] != 0;
		*was[k] = now[k];
	}
	if (moved || fresh)
		flow_sum_add(e, d);
	if (moved)
		r->last_change = now_s();
}

static void take_baseline(struct flow_rec *r, const struct ct_entry *e)
{
	r->orig_bytes = e->orig_bytes;
	r->orig_packets = e->orig_packets;
	r->reply_bytes = e->reply_bytes;
	r->reply_packets = e->reply_packets;
	t.stats.baselined++;
}

static bool unchanged(const struct flow_rec *r, const struct ct_entry *e)
{
	return r->orig_bytes == e->orig_bytes && r->orig_packets == e->orig_packets &&
	       r->reply_bytes == e->reply_bytes && r->reply_packets == e->reply_packets;
}

static void zero_counters(struct flow_rec *r)
{
	r->orig_bytes = r->orig_packets = r->reply_bytes = r->reply_packets = 0;
}

void flow_observe(const struct ct_entry *e)
{
	if (!t.generation || family_index(e->key.family) < 0)
		return;
	t.stats.entries++;
	t.stats.accounting |= e->has_counters;
	uint32_t *link = NULL;
	uint32_t i = 0;
	struct flow_rec *r;

	/* Dumps walk the kernel's hash in the same order each time, and records
	 * are allocated in the order of the first: the record after the last one
	 * found is usually this entry's, read without touching the hash. */
	if (t.hint && t.hint <= t.used && !(rec(t.hint)->flags & F_FREE) && same_key(rec(t.hint), e))
		i = t.hint;
	if (!i) {
		link = find_link(e);
		i = *link;
	}
	if (i) {
		r = rec(i);
		if (r->flags & F_DEAD) {
			if (r->gen == t.gen)
				return; /* a snapshot taken before the DESTROY we applied */
			r->flags &= (uint8_t)~F_DEAD; /* the key reused after it died */
			zero_counters(r);
			count(r, e, true);
		} else if (r->flags & F_DORMANT) {
			if (unchanged(r, e)) {
				r->gen = t.gen;
				return;
			}
			r->flags &= (uint8_t)~F_DORMANT;
			count(r, e, false);
		} else {
			count(r, e, false);
		}
	} else {
		if (!(i = insert(e, link)))
			return;
		r = rec(i);
		r->last_change = now_s();
		if (t.initial && t.start == FLOW_BASELINE)
			take_baseline(r, e);
		else
			count(r, e, true);
	}
	r->gen = t.gen;
	r->flags = (uint8_t)((r->flags & 0x0f) | idle_class(e) << 4);
	t.stats.tracked++;
	t.hint = i + 1;
}

static void mark_dead(uint32_t i)
{
	if (t.n_dead == t.cap_dead) {
		uint32_t cap = t.cap_dead ? t.cap_dead * 2 : 1024;
		uint32_t *d = realloc(t.dead, cap * sizeof(*d));
		if (!d)
			return; /* left for the GC pass as a record missing from the dump */
		t.dead = d;
		t.cap_dead = cap;
	}
	t.dead[t.n_dead++] = i;
}

void flow_destroyed(const struct ct_entry *e)
{
	if (!t.generation || family_index(e->key.family) < 0)
		return;
	t.stats.destroyed++;
	t.stats.accounting |= e->has_counters;
	uint32_t *link = find_link(e);
	uint32_t i = *link;
	struct flow_rec *r;

	if (i) {
		r = rec(i);
		bool fresh = r->flags & F_DEAD;
		if (fresh)
			zero_counters(r); /* a later entry under the key, never dumped */
		count(r, e, fresh);
	} else {
		if (!(i = insert(e, link)))
			return;
		r = rec(i);
		if (t.initial && t.start == FLOW_BASELINE)
			take_baseline(r, e);
		else
			count(r, e, true);
	}
	r->flags = (uint8_t)((r->flags & ~F_DORMANT) | F_DEAD);
	r->gen = t.gen;
	mark_dead(i);
}

void flow_begin_dump(void)
{
	t.gen++;
	t.stats.tracked = 0;
	t.stats.entries = 0;
	t.stats.accounting = false;
}

/* Frees the tombstones of entries that died before this dump began. */
static void sweep_dead(void)
{
	uint32_t kept = 0;

	for (uint32_t k = 0; k < t.n_dead; k++) {
		uint32_t i = t.dead[k];
		struct flow_rec *r = rec(i);
		if ((r->flags & (F_DEAD | F_FREE)) != F_DEAD)
			continue; /* revived, or listed twice and freed already */
		if (r->gen == t.gen) {
			t.dead[kept++] = i;
			continue;
		}
		struct ct_entry key = { .id = r->id, .key = { .zone = r->zone, .proto = r->proto },
					.orig = { .sport = r->sport, .dport = r->dport } };
		uint32_t *link = find_link(&key);
		if (*link == i)
			release(link);
	}
	t.n_dead = kept;
}

void flow_end_dump(bool complete, struct flow_stats *out)
{
	if (complete && t.generation) {
		sweep_dead();
		t.complete_gen = t.gen;
		t.initial = false;
	}
	*out = t.stats;
	t.stats.destroyed = 0;
	t.stats.baselined = 0;
}

void flow_evict(uint64_t *gone, uint64_t *idle)
{
	uint32_t now = now_s();

	*gone = *idle = 0;
	if (!t.generation || !t.complete_gen)
		return;
	for (uint32_t k = 0; k < t.n_buckets; k++) {
		uint32_t *link = &t.buckets[k];
		while (*link) {
			struct flow_rec *r = rec(*link);
			if (r->flags & F_DEAD) {
				link = &r->next; /* swept by the dumps */
			} else if (r->gen < t.complete_gen) {
				*gone += !(r->flags & F_DORMANT);
				release(link); /* gone from the kernel without an event */
			} else {
				if (!(r->flags & F_DORMANT) &&
				    now - r->last_change > idle_seconds[r->flags >> 4]) {
					r->flags |= F_DORMANT;
					++*idle;
				}
				link = &r->next;
			}
		}
	}
}

uint64_t flow_generation(void)
{
	return t.generation;
}

uint64_t flow_reset(enum flow_start start)
{
	uint64_t old = t.generation;

	if (!t.buckets) {
		t.buckets = calloc(BUCKETS_MIN, sizeof(*t.buckets));
		if (!t.buckets)
			return 0;
		t.n_buckets = BUCKETS_MIN;
	} else {
		memset(t.buckets, 0, t.n_buckets * sizeof(*t.buckets));
	}
	t.used = t.free_head = t.n_records = t.n_dead = t.hint = 0;
	t.gen = t.complete_gen = 0;
	t.initial = true;
	t.start = start;
	memset(&t.stats, 0, sizeof(t.stats));
	flow_sums_clear();
	/* 52 bits: the service reads it as a JavaScript number. */
	do
		t.generation = (now_ns(CLOCK_REALTIME) ^ (uint64_t)(uintptr_t)&t) & ((1ULL << 52) - 1);
	while (t.generation == 0 || t.generation == old);
	return t.generation;
}

size_t flow_table_bytes(void)
{
	return (size_t)t.n_chunks * CHUNK_RECORDS * sizeof(struct flow_rec) +
	       (size_t)t.n_buckets * sizeof(uint32_t) + flow_sums_bytes() +
	       (size_t)t.cap_dead * sizeof(uint32_t) + (size_t)t.cap_chunks * sizeof(void *);
}
