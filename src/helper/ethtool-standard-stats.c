/* GetStandardStats: the kernel's standard statistics groups (eth-phy,
 * eth-mac, eth-ctrl, rmon with its packet-size histogram) of every device,
 * in one ETHTOOL_MSG_STATS_GET dump. The kernel leaves out devices whose
 * driver has none (EOPNOTSUPP) and, inside a group, the stats a driver does
 * not count; stat numbers are sent as the uapi numbers them and named by
 * the service. A device with no group (every veth, virtio) gives its slot
 * back at once, as it is never sent; the slots (~20 KB a device) are freed
 * once the reply is packed when they hold more than RPC_KEEP_BYTES, so a
 * host with many devices does not keep them between calls. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethtrack/helper/v1/helper.pb-c.h"
#include "ethtool-netlink.h"
#include "ethtool.h"
#include "rpc.h"

#define GROUPS 4    /* ETHTOOL_STATS_ETH_PHY .. ETHTOOL_STATS_RMON */
#define BUCKETS 16  /* ETHTOOL_RMON_HIST_MAX is 10 */
#define STATS_MAX 48 /* more than any group's ETHTOOL_A_STATS_*_CNT */

struct group_slot {
	Ethtrack__Helper__V1__StatsGroup msg;
	uint64_t stats[2 * STATS_MAX];
	struct pairs64 pairs;
	Ethtrack__Helper__V1__HistogramBucket buckets[2][BUCKETS];
	Ethtrack__Helper__V1__HistogramBucket *bucket_ptrs[2][BUCKETS];
	size_t n_buckets[2];
};

struct stats_slot {
	Ethtrack__Helper__V1__DeviceStandardStats msg;
	char name[IFNAMSIZ];
	struct group_slot groups[GROUPS];
	Ethtrack__Helper__V1__StatsGroup *group_ptrs[GROUPS];
};

static struct {
	Ethtrack__Helper__V1__StandardStatsReply msg;
	struct stats_slot *slots;
	Ethtrack__Helper__V1__DeviceStandardStats **ptrs;
	size_t n, cap_slots, cap_ptrs;
	char error[128];
} reply = { .msg = ETHTRACK__HELPER__V1__STANDARD_STATS_REPLY__INIT };

static uint8_t rx[ETHNL_RX_BYTES] __attribute__((aligned(8)));

static void release_slots(void)
{
	if (rpc_release_large((void **)&reply.slots, &reply.cap_slots, sizeof(*reply.slots)))
		reply.n = 0;
}

/* One ETHTOOL_A_STATS_GRP_HIST_RX/TX nest: low, high and value. */
static int histogram_bucket(const struct nlattr *nest, struct group_slot *g, int dir)
{
	const struct nlattr *a;
	uint32_t low = 0, high = 0;
	uint64_t value = 0;
	bool have_value = false;
	if (!ethnl_nest_valid(nest))
		return -EBADMSG;
	mnl_attr_for_each_nested(a, nest)
	{
		bool ok = true;
		switch (mnl_attr_get_type(a)) {
		case ETHTOOL_A_STATS_GRP_HIST_BKT_LOW: ok = ethnl_u32(a, &low); break;
		case ETHTOOL_A_STATS_GRP_HIST_BKT_HI: ok = ethnl_u32(a, &high); break;
		case ETHTOOL_A_STATS_GRP_HIST_VAL: ok = have_value = ethnl_u64(a, &value); break;
		}
		if (!ok)
			return -EBADMSG;
	}
	if (!have_value || g->n_buckets[dir] == BUCKETS)
		return have_value ? 0 : -EBADMSG;
	Ethtrack__Helper__V1__HistogramBucket *b = &g->buckets[dir][g->n_buckets[dir]];
	ethtrack__helper__v1__histogram_bucket__init(b);
	b->low = low;
	b->high = high;
	b->value = value;
	g->bucket_ptrs[dir][g->n_buckets[dir]++] = b;
	return 0;
}

static int parse_group(const struct nlattr *nest, struct stats_slot *s)
{
	const struct nlattr *a, *st;
	uint32_t id = GROUPS;
	if (!ethnl_nest_valid(nest))
		return -EBADMSG;
	mnl_attr_for_each_nested(a, nest)
	{
		if (mnl_attr_get_type(a) == ETHTOOL_A_STATS_GRP_ID && !ethnl_u32(a, &id))
			return -EBADMSG;
	}
	if (id >= GROUPS)
		return 0; /* a group newer than this helper */
	struct group_slot *g = &s->groups[id];
	mnl_attr_for_each_nested(a, nest)
	{
		int err = 0;
		switch (mnl_attr_get_type(a)) {
		case ETHTOOL_A_STATS_GRP_STAT:
			if (!ethnl_nest_valid(a))
				return -EBADMSG;
			mnl_attr_for_each_nested(st, a)
			{
				uint64_t v;
				if (!ethnl_u64(st, &v))
					return -EBADMSG;
				pairs64_add(&g->pairs, mnl_attr_get_type(st), v);
			}
			break;
		case ETHTOOL_A_STATS_GRP_HIST_RX: err = histogram_bucket(a, g, 0); break;
		case ETHTOOL_A_STATS_GRP_HIST_TX: err = histogram_bucket(a, g, 1); break;
		}
		if (err < 0)
			return err;
	}
	g->msg.id = id;
	/* The kernel sends every group asked for, empty when the driver counts
	 * none of it: only a group with something in it is sent on. */
	if (g->pairs.n || g->n_buckets[0] || g->n_buckets[1])
		s->group_ptrs[id] = &g->msg;
	return 0;
}

static int stats_reply(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *a;
	char name[IFNAMSIZ];
	uint32_t ifindex = 0;
	bool found = false;
	ethnl_attrs_for_each(a, nlh)
	{
		if (mnl_attr_get_type(a) == ETHTOOL_A_STATS_HEADER) {
			if (ethnl_parse_header(a, name, &ifindex) < 0)
				return -EBADMSG;
			found = true;
		}
	}
	if (!found)
		return -EBADMSG;
	if (grow(&reply.slots, &reply.cap_slots, reply.n + 1, sizeof(*reply.slots)) < 0)
		return -ENOMEM;
	struct stats_slot *s = &reply.slots[reply.n++];
	ethtrack__helper__v1__device_standard_stats__init(&s->msg);
	memcpy(s->name, name, sizeof(name));
	s->msg.ifindex = ifindex;
	for (int i = 0; i < GROUPS; i++) {
		struct group_slot *g = &s->groups[i];
		ethtrack__helper__v1__stats_group__init(&g->msg);
		g->pairs = (struct pairs64){ g->stats, 0, N_ELEMS(g->stats) };
		g->n_buckets[0] = g->n_buckets[1] = 0;
		s->group_ptrs[i] = NULL;
	}
	ethnl_attrs_for_each(a, nlh)
	{
		if (mnl_attr_get_type(a) != ETHTOOL_A_STATS_GRP)
			continue;
		int err = parse_group(a, s);
		if (err < 0)
			return err;
	}
	bool any = false;
	for (int i = 0; i < GROUPS; i++)
		any = any || s->group_ptrs[i];
	if (!any)
		reply.n--; /* nothing to send: the next device takes the slot */
	return 0;
}

/* The dump; GET requests need no capability. */
static int dump_stats(uint32_t groups)
{
	uint8_t buf[256] __attribute__((aligned(4)));
	struct ethnl_sock *s = ethnl_main_sock();
	if (!s)
		return -errno;
	struct nlmsghdr *nlh =
		ethnl_request(buf, s, ETHTOOL_MSG_STATS_GET, true, ETHTOOL_A_STATS_HEADER, NULL, 0);
	struct nlattr *set = mnl_attr_nest_start(nlh, ETHTOOL_A_STATS_GROUPS);
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_NOMASK, 0, NULL);
	mnl_attr_put_u32(nlh, ETHTOOL_A_BITSET_SIZE, GROUPS);
	mnl_attr_put(nlh, ETHTOOL_A_BITSET_VALUE, sizeof(groups), &groups);
	mnl_attr_nest_end(nlh, set);
	return ethnl_talk(s, nlh, rx, stats_reply, NULL);
}

const ProtobufCMessage *ethtool_get_standard_stats(struct rpc_ctx *ctx, const uint8_t *req,
						   size_t len)
{
	Ethtrack__Helper__V1__StandardStatsRequest *request =
		ethtrack__helper__v1__standard_stats_request__unpack(rpc_allocator(ctx), len, req);
	if (!request) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "malformed request");
		return NULL;
	}
	uint32_t groups = request->groups ? request->groups : (1u << GROUPS) - 1;
	if (groups >= 1u << GROUPS) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "groups 0x%x: only bits 0-%d exist", groups,
			 GROUPS - 1);
		return NULL;
	}
	int family = ethnl_family();
	if (family < 0) {
		rpc_fail(ctx, family == -EOPNOTSUPP ? RPC_FAILED_PRECONDITION : RPC_UNAVAILABLE,
			 "ethtool netlink family: %s", strerror(-family));
		return NULL;
	}
	reply.n = 0;
	reply.msg.error = "";
	rpc_after_reply(ctx, release_slots);
	int err = dump_stats(groups);
	if (err < 0 && err != -EOPNOTSUPP) {
		snprintf(reply.error, sizeof(reply.error), "%s%s",
			 err == -EBADMSG ? "malformed reply: " : "", strerror(-err));
		reply.msg.error = reply.error;
	}
	if (grow(&reply.ptrs, &reply.cap_ptrs, reply.n, sizeof(*reply.ptrs)) < 0) {
		rpc_fail(ctx, RPC_RESOURCE_EXHAUSTED, "out of memory");
		return NULL;
	}
	/* slots may have moved while growing; point the messages now. Devices
	 * with no group left (every veth, virtio) are not sent. */
	size_t sent = 0;
	for (size_t i = 0; i < reply.n; i++) {
		struct stats_slot *s = &reply.slots[i];
		size_t n = 0;
		for (int k = 0; k < GROUPS; k++) {
			struct group_slot *g = &s->groups[k];
			if (!s->group_ptrs[k])
				continue;
			g->msg.stats = g->stats;
			g->msg.n_stats = g->pairs.n;
			for (int dir = 0; dir < 2; dir++)
				for (size_t b = 0; b < g->n_buckets[dir]; b++)
					g->bucket_ptrs[dir][b] = &g->buckets[dir][b];
			g->msg.rx_histogram = g->bucket_ptrs[0];
			g->msg.n_rx_histogram = g->n_buckets[0];
			g->msg.tx_histogram = g->bucket_ptrs[1];
			g->msg.n_tx_histogram = g->n_buckets[1];
			s->group_ptrs[n++] = &g->msg;
		}
		s->msg.interface = s->name;
		s->msg.groups = s->group_ptrs;
		s->msg.n_groups = n;
		if (n)
			reply.ptrs[sent++] = &s->msg;
	}
	reply.msg.devices = reply.ptrs;
	reply.msg.n_devices = sent;
	return &reply.msg.base;
}

/* For the fuzz harness: one reply through the decoder, as ethnl_talk()
 * hands it over. */
int ethtool_standard_stats_decode(const struct nlmsghdr *nlh)
{
	reply.n = 0;
	if (!ethnl_msg_valid(nlh))
		return -EBADMSG;
	return stats_reply(nlh, NULL);
}
