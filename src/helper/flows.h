/* What the flows RPCs share (SPEC "Conntrack GC policy", the flows metrics):
 * the per-entry flow table (flow-table.c) and its pending sums (flow-sums.c),
 * the DESTROY events reader
 * (conntrack-events.c) and this node's addresses (local-addresses.c). The
 * handlers are in conntrack-flows.c.
 *
 * The table and the pending sums are touched by two threads: the call thread
 * (a dump, the GC pass, the reply) and the events thread (a DESTROY). Every
 * flow_*() call is made with flow_lock held. */
#ifndef ETHTRACK_FLOWS_H
#define ETHTRACK_FLOWS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conntrack.h"

extern pthread_mutex_t flow_lock;

/* ---- local-addresses.c: this node's addresses over rtnetlink */

/* Re-reads them with one RTM_GETADDR dump (a few addresses: cheaper than a
 * subscription and its socket). Call without flow_lock; the new set is
 * swapped in under it. */
int local_addresses_refresh(void);
/* With flow_lock held. */
bool local_address(const uint8_t *addr, uint8_t len);

/* ---- flow-table.c: one compact record per tracked entry */

enum flow_start {
	FLOW_COUNT_HISTORY, /* the service's first call: every entry from zero */
	FLOW_BASELINE,	    /* the helper restarted: the first dump is not counted */
};

struct flow_stats {
	uint64_t tracked;   /* live records seen in the current dump */
	uint64_t entries;   /* entries in the current dump */
	uint64_t baselined; /* entries taken as baseline since the reset */
	uint64_t destroyed; /* DESTROY events applied since the last reply */
	bool accounting;
};

/* The generation of the table, 0 when none exists yet. */
uint64_t flow_generation(void);
/* Empties the table (keeping its memory) under a new generation. */
uint64_t flow_reset(enum flow_start start);

void flow_begin_dump(void);
/* A dumped entry: its counter deltas go to the pending sums. */
void flow_observe(const struct ct_entry *e);
/* A DESTROY event: final counters minus what was counted; the record dies. */
void flow_destroyed(const struct ct_entry *e);
/* After the walk: a complete dump sweeps the records of destroyed entries
 * and ends the baseline. */
void flow_end_dump(bool complete, struct flow_stats *out);

/* The GC pass: removes records missing from the last complete dump and puts
 * records idle past their protocol's timeout to sleep (kept, so a record
 * that moves again is not counted twice, but not tracked). */
void flow_evict(uint64_t *gone, uint64_t *idle);

/* The pending sums, one per (family, protocol, peer, port). */
struct flow_sum {
	uint8_t used;
	uint8_t family;
	uint8_t proto;
	uint8_t addr_len;
	uint16_t port;
	uint8_t peer[16];
	uint64_t orig_bytes, orig_packets, reply_bytes, reply_packets;
};

size_t flow_table_bytes(void);
/* A 64-to-32-bit hash mix, shared by the table and the sums. */
uint32_t flow_mix(uint64_t x);

/* ---- flow-sums.c: the pending sums */

/* Adds deltas (orig bytes, orig packets, reply bytes, reply packets) to the
 * sum of the entry's protocol, peer and port. */
void flow_sum_add(const struct ct_entry *e, const uint64_t d[4]);
/* Calls fn for every pending sum, then clears them. */
void flow_sums_drain(void (*fn)(const struct flow_sum *sum, void *arg), void *arg);
void flow_sums_clear(void);
size_t flow_sums_bytes(void);

/* ---- conntrack-events.c: the DESTROY subscription and its thread */

/* Subscribes (once) and starts the reader thread; 0 or -1 with errno. */
int ct_events_start(void);
bool ct_events_running(void);
/* Events the socket dropped (SO_MEMINFO's drops) since the subscription. */
uint64_t ct_events_lost(void);

#endif
