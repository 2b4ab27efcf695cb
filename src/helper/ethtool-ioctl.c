/* ethtool over the SIOCETHTOOL ioctl: the socket and the calls both
 * ethtool RPCs make (ethtool-interfaces.c, ethtool-stats.c). */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "ethtool.h"
#include "helper.h"

static int ioctl_fd = -1;

int ethtool_init(void)
{
	ioctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ioctl_fd < 0) /* a kernel without IPv4: any socket reaches dev_ioctl */
		ioctl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (ioctl_fd < 0) {
		log_msg(errno, "ethtool socket");
		return -1;
	}
	return 0;
}

int ethtool_ioctl(const char *ifname, void *cmd)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = cmd;
	return ioctl(ioctl_fd, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
}

int grow(void *buf, size_t *cap, size_t n, size_t size)
{
	if (n <= *cap)
		return 0;
	size_t want = *cap ? *cap : 16;
	while (want < n)
		want *= 2;
	void *p = realloc(*(void **)buf, want * size);
	if (!p)
		return -1;
	*(void **)buf = p;
	*cap = want;
	return 0;
}

int64_t stats_count(const char *ifname, const struct ethtool_drvinfo *drvinfo)
{
	struct {
		struct ethtool_sset_info hdr;
		uint32_t count;
	} sset = { .hdr = { .cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ULL << ETH_SS_STATS } };
	int err = ethtool_ioctl(ifname, &sset);
	if (err == 0)
		return (sset.hdr.sset_mask & (1ULL << ETH_SS_STATS)) ? sset.count : 0;
	if (err == -EOPNOTSUPP)
		return drvinfo ? drvinfo->n_stats : 0;
	return err;
}
