/* Stat-name sets shared between devices with identical names
 * (ethtool-names.c), for GetEthtoolStats. */
#ifndef ETHTRACK_ETHTOOL_NAMES_H
#define ETHTRACK_ETHTOOL_NAMES_H

#include <stdbool.h>
#include <stdint.h>

struct names_set;

/* The set holding these count raw ETH_GSTRING_LEN-byte strings, shared
 * with a reference taken if one is live, else a new one; NULL when out of
 * memory. */
struct names_set *names_set_get(const char *data, uint32_t count);
/* Drops a reference (NULL is ignored); the last one retires the set, which
 * stays readable until names_sets_reap(). */
void names_set_put(struct names_set *s);
/* Frees the retired sets: call when no reply points into them any more. */
void names_sets_reap(void);
/* The set's NUL-terminated names, as many as it was made with. */
char **names_set_names(struct names_set *s);

#endif
