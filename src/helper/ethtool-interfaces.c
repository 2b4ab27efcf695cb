/* ListInterfaces: every interface with its driver info, stat count and
 * link settings, read over SIOCETHTOOL. The reply's slots (~1.8 KB an
 * interface, mostly link mode masks) are freed once the reply is packed
 * when they hold more than RPC_KEEP_BYTES, so a host with many interfaces
 * does not keep them between calls. */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethtrack/helper/v1/helper.pb-c.h"
#include "ethtool.h"
#include "rpc.h"

/* link_mode_masks_nwords is an s8. */
#define MODE_WORDS_MAX 127

struct interface_slot {
	Ethtrack__Helper__V1__Interface msg;
	char name[IFNAMSIZ];
	char driver[32];
	char version[32];
	char fw_version[ETHTOOL_FWVERS_LEN];
	char bus_info[ETHTOOL_BUSINFO_LEN];
	uint32_t modes[3][MODE_WORDS_MAX];
};

static struct {
	Ethtrack__Helper__V1__ListInterfacesReply msg;
	struct interface_slot *slots;
	Ethtrack__Helper__V1__Interface **ptrs;
	size_t cap_slots, cap_ptrs;
} interfaces_reply = { .msg = ETHTRACK__HELPER__V1__LIST_INTERFACES_REPLY__INIT };

static void release_slots(void)
{
	if (rpc_release_large((void **)&interfaces_reply.slots, &interfaces_reply.cap_slots, sizeof(*interfaces_reply.slots)))
		interfaces_reply.msg.n_interfaces = 0;
}

#define COPY_FIELD(dst, src)                                                          \
	do {                                                                          \
		memcpy(dst, src, sizeof(dst) < sizeof(src) ? sizeof(dst) : sizeof(src)); \
		dst[sizeof(dst) - 1] = '\0';                                          \
	} while (0)

/* ETHTOOL_GLINKSETTINGS: the first call, with nwords 0, makes the kernel
 * answer how many words its link mode masks take, as a negative nwords. */
static void read_link_settings(struct interface_slot *slot)
{
	struct {
		struct ethtool_link_settings s;
		uint32_t masks[3 * MODE_WORDS_MAX];
	} req;
	Ethtrack__Helper__V1__Interface *m = &slot->msg;

	memset(&req.s, 0, sizeof(req.s));
	req.s.cmd = ETHTOOL_GLINKSETTINGS;
	if (ethtool_ioctl(slot->name, &req) < 0 || req.s.link_mode_masks_nwords >= 0)
		return;
	int nwords = -req.s.link_mode_masks_nwords;
	memset(&req, 0, sizeof(req));
	req.s.cmd = ETHTOOL_GLINKSETTINGS;
	req.s.link_mode_masks_nwords = (int8_t)nwords;
	if (ethtool_ioctl(slot->name, &req) < 0 || req.s.cmd != ETHTOOL_GLINKSETTINGS ||
	    req.s.link_mode_masks_nwords != nwords)
		return;

	m->settings_known = true;
	m->speed_mbps = req.s.speed == (uint32_t)SPEED_UNKNOWN ? 0 : req.s.speed;
	m->duplex = req.s.duplex;
	m->autoneg = req.s.autoneg == AUTONEG_ENABLE;
	m->port = req.s.port;
	for (int i = 0; i < 3; i++)
		memcpy(slot->modes[i], req.masks + i * nwords, nwords * sizeof(uint32_t));
	m->n_supported_modes = m->n_advertising_modes = m->n_lp_advertising_modes = nwords;
	m->supported_modes = slot->modes[0];
	m->advertising_modes = slot->modes[1];
	m->lp_advertising_modes = slot->modes[2];
}

static void describe_interface(struct interface_slot *slot, const char *name, unsigned index)
{
	Ethtrack__Helper__V1__Interface *m = &slot->msg;
	ethtrack__helper__v1__interface__init(m);
	snprintf(slot->name, sizeof(slot->name), "%s", name);
	slot->driver[0] = slot->version[0] = slot->fw_version[0] = slot->bus_info[0] = '\0';
	m->name = slot->name;
	m->ifindex = index;
	m->driver = slot->driver;
	m->driver_version = slot->version;
	m->firmware_version = slot->fw_version;
	m->bus_info = slot->bus_info;
	m->duplex = DUPLEX_UNKNOWN;

	struct ethtool_drvinfo drvinfo = { .cmd = ETHTOOL_GDRVINFO };
	bool have_drvinfo = ethtool_ioctl(name, &drvinfo) == 0;
	if (have_drvinfo) {
		COPY_FIELD(slot->driver, drvinfo.driver);
		COPY_FIELD(slot->version, drvinfo.version);
		COPY_FIELD(slot->fw_version, drvinfo.fw_version);
		COPY_FIELD(slot->bus_info, drvinfo.bus_info);
	}
	int64_t count = stats_count(name, have_drvinfo ? &drvinfo : NULL);
	m->n_stats = count > 0 ? (uint32_t)count : 0;

	struct ethtool_value link = { .cmd = ETHTOOL_GLINK };
	if (ethtool_ioctl(name, &link) == 0) {
		m->link_known = true;
		m->link_up = link.data != 0;
	}
	read_link_settings(slot);
}

const ProtobufCMessage *ethtool_list_interfaces(struct rpc_ctx *ctx, const uint8_t *req,
						size_t len)
{
	Ethtrack__Helper__V1__ListInterfacesRequest *request =
		ethtrack__helper__v1__list_interfaces_request__unpack(rpc_allocator(ctx), len, req);
	if (!request) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "malformed request");
		return NULL;
	}
	rpc_after_reply(ctx, release_slots);
	struct if_nameindex *names = if_nameindex();
	if (!names) {
		rpc_fail(ctx, RPC_INTERNAL, "listing interfaces: %s", strerror(errno));
		return NULL;
	}
	size_t n = 0;
	while (names[n].if_index)
		n++;
	if (grow(&interfaces_reply.slots, &interfaces_reply.cap_slots, n,
		 sizeof(*interfaces_reply.slots)) < 0 ||
	    grow(&interfaces_reply.ptrs, &interfaces_reply.cap_ptrs, n,
		 sizeof(*interfaces_reply.ptrs)) < 0) {
		if_freenameindex(names);
		rpc_fail(ctx, RPC_RESOURCE_EXHAUSTED, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		describe_interface(&interfaces_reply.slots[i], names[i].if_name, names[i].if_index);
		interfaces_reply.ptrs[i] = &interfaces_reply.slots[i].msg;
	}
	if_freenameindex(names);
	interfaces_reply.msg.n_interfaces = n;
	interfaces_reply.msg.interfaces = interfaces_reply.ptrs;
	return &interfaces_reply.msg.base;
}
