/* What link-stats.c offers beyond its handler (rpc.h): the reply decoder,
 * for the fuzz harness. */
#ifndef ETHTRACK_LINK_STATS_H
#define ETHTRACK_LINK_STATS_H

#include <linux/netlink.h>

/* One RTM_GETLINK reply (netlink header, ifinfomsg, attributes) through the
 * decoder, as the dump hands it over; 0 or a negative errno (-EBADMSG for
 * what does not fit). */
int link_stats_decode(const struct nlmsghdr *nlh);

#endif
