/* The flow table's pending sums: the counter deltas of the entries seen or
 * destroyed since the last reply, one sum per (family, protocol, peer,
 * port), in an open-addressing table that each reply drains and clears. Its
 * size follows the distinct label sets of one cycle, kept at the high-water
 * mark. Called with flow_lock held. */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "flows.h"

#define SUMS_MIN 1024u

static struct {
	struct flow_sum *a;
	uint32_t n, cap;
} sums;

static uint32_t sum_hash(uint8_t family, uint8_t proto, uint16_t port, const uint8_t *peer)
{
	uint64_t a, b;

	memcpy(&a, peer, 8);
	memcpy(&b, peer + 8, 8);
	return flow_mix(a ^ flow_mix(b) ^ (uint64_t)family << 32 ^ (uint64_t)proto << 40 ^
			(uint64_t)port << 48);
}

static struct flow_sum *sum_probe(struct flow_sum *table, uint32_t cap, const struct flow_sum *key)
{
	uint32_t k = sum_hash(key->family, key->proto, key->port, key->peer) & (cap - 1);

	for (;; k = (k + 1) & (cap - 1)) {
		struct flow_sum *s = &table[k];
		if (!s->used || (s->family == key->family && s->proto == key->proto &&
				 s->port == key->port && memcmp(s->peer, key->peer, 16) == 0))
			return s;
	}
}

static bool grow_sums(void)
{
	uint32_t cap = sums.cap ? sums.cap * 2 : SUMS_MIN;
	struct flow_sum *grown = calloc(cap, sizeof(*grown));

	if (!grown)
		return false;
	for (uint32_t k = 0; k < sums.cap; k++)
		if (sums.a[k].used)
			*sum_probe(grown, cap, &sums.a[k]) = sums.a[k];
	free(sums.a);
	sums.a = grown;
	sums.cap = cap;
	return true;
}

/* SPEC's peer: the other side; when both are local, the original destination. */
void flow_sum_add(const struct ct_entry *e, const uint64_t d[4])
{
	const struct ct_tuple *o = &e->orig;
	bool ported = o->proto == IPPROTO_TCP || o->proto == IPPROTO_UDP || o->proto == IPPROTO_SCTP;
	const uint8_t *peer = local_address(o->dst, o->addr_len) && !local_address(o->src, o->addr_len)
				      ? o->src
				      : o->dst;
	struct flow_sum key = { .used = 1, .family = e->key.family, .proto = o->proto,
				.addr_len = o->addr_len, .port = ported ? o->dport : 0 };

	memcpy(key.peer, peer, o->addr_len);
	if ((sums.n + 1) * 2 > sums.cap && !grow_sums())
		return;
	struct flow_sum *s = sum_probe(sums.a, sums.cap, &key);
	if (!s->used) {
		*s = key;
		sums.n++;
	}
	s->orig_bytes += d[0];
	s->orig_packets += d[1];
	s->reply_bytes += d[2];
	s->reply_packets += d[3];
}

void flow_sums_drain(void (*fn)(const struct flow_sum *sum, void *arg), void *arg)
{
	for (uint32_t k = 0; k < sums.cap; k++)
		if (sums.a[k].used)
			fn(&sums.a[k], arg);
	if (sums.a)
		memset(sums.a, 0, sums.cap * sizeof(*sums.a));
	sums.n = 0;
}

void flow_sums_clear(void)
{
	if (sums.a)
		memset(sums.a, 0, sums.cap * sizeof(*sums.a));
	sums.n = 0;
}

size_t flow_sums_bytes(void)
{
	return (size_t)sums.cap * sizeof(struct flow_sum);
}
