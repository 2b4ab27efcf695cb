/* Shared ETH_SS_STATS string sets for GetEthtoolStats (ethtool-stats.c).
 *
 * Devices of one driver and queue count have identical stat names: 128 veths
 * with 64 queues hold 577 names each, 2.4 MB if every device kept its own
 * copy. Each set read from the kernel is looked up among the live ones
 * (hash, then byte for byte) and shared, counted by reference; the names a
 * device's reply carries are the same either way. A set whose last device
 * lets go is retired, not freed: the reply being built may still point into
 * it, so it is freed when the next call starts (names_sets_reap). */
#include <stdlib.h>
#include <string.h>

#include "ethtool-names.h"
#include "ethtool.h"

struct names_set {
	uint64_t hash;
	uint32_t count;
	uint32_t refs;
	/* count pointers, then count strings of ETH_GSTRING_LEN + 1 bytes
	 * (NUL-terminated), in the same allocation. */
	char *names[];
};

static struct {
	struct names_set **live;
	size_t n_live, cap_live;
	struct names_set **retired;
	size_t n_retired, cap_retired;
} sets;

/* FNV-1a over the raw strings. */
static uint64_t hash_strings(const char *data, uint32_t count)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < (size_t)count * ETH_GSTRING_LEN; i++) {
		h ^= (unsigned char)data[i];
		h *= 1099511628211ull;
	}
	return h;
}

static bool same_strings(const struct names_set *s, const char *data, uint32_t count)
{
	if (s->count != count)
		return false;
	for (uint32_t i = 0; i < count; i++)
		if (memcmp(s->names[i], data + (size_t)i * ETH_GSTRING_LEN, ETH_GSTRING_LEN) != 0)
			return false;
	return true;
}

struct names_set *names_set_get(const char *data, uint32_t count)
{
	uint64_t hash = hash_strings(data, count);
	for (size_t i = 0; i < sets.n_live; i++) {
		struct names_set *s = sets.live[i];
		if (s->hash == hash && same_strings(s, data, count)) {
			s->refs++;
			return s;
		}
	}
	if (grow(&sets.live, &sets.cap_live, sets.n_live + 1, sizeof(*sets.live)) < 0)
		return NULL;
	struct names_set *s =
		malloc(sizeof(*s) + (size_t)count * (sizeof(char *) + ETH_GSTRING_LEN + 1));
	if (!s)
		return NULL;
	s->hash = hash;
	s->count = count;
	s->refs = 1;
	char *text = (char *)(s->names + count);
	for (uint32_t i = 0; i < count; i++) {
		s->names[i] = text + (size_t)i * (ETH_GSTRING_LEN + 1);
		memcpy(s->names[i], data + (size_t)i * ETH_GSTRING_LEN, ETH_GSTRING_LEN);
		s->names[i][ETH_GSTRING_LEN] = '\0';
	}
	sets.live[sets.n_live++] = s;
	return s;
}

void names_set_put(struct names_set *s)
{
	if (!s || --s->refs > 0)
		return;
	for (size_t i = 0; i < sets.n_live; i++) {
		if (sets.live[i] == s) {
			sets.live[i] = sets.live[--sets.n_live];
			break;
		}
	}
	if (grow(&sets.retired, &sets.cap_retired, sets.n_retired + 1, sizeof(*sets.retired)) <
	    0) {
		/* Cannot defer: leaking is safer than a dangling reply. */
		return;
	}
	sets.retired[sets.n_retired++] = s;
}

void names_sets_reap(void)
{
	for (size_t i = 0; i < sets.n_retired; i++)
		free(sets.retired[i]);
	sets.n_retired = 0;
}

char **names_set_names(struct names_set *s)
{
	return s->names;
}
