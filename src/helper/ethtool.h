/* What the ethtool-*.c files share: the SIOCETHTOOL socket, opened once by
 * ethtool_init() (helper.h), and the two ioctl helpers both RPCs use. */
#ifndef ETHTRACK_ETHTOOL_H
#define ETHTRACK_ETHTOOL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/ethtool.h>

/* Returns 0 or a negative errno. */
int ethtool_ioctl(const char *ifname, void *cmd);
/* Stat count from ETHTOOL_GSSET_INFO, or drvinfo's n_stats on kernels
 * without it; 0 when the driver has no stats. Negative errno on failure. */
int64_t stats_count(const char *ifname, const struct ethtool_drvinfo *drvinfo);
/* Grows *buf to hold n elements of size each; never shrinks. */
int grow(void *buf, size_t *cap, size_t n, size_t size);

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

#endif
