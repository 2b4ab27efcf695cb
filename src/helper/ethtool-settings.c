/* GetEthtoolSettings: channels, rings, coalescing, pause (with its stats),
 * FEC (with its stats), link state and link modes (ethtool-link.c) of every
 * device, over ethtool netlink.
 *
 * One dump per kind, not one request per device and kind: the kernel skips
 * devices whose driver lacks the kind (EOPNOTSUPP) inside a dump, so
 * unsupported kinds cost nothing and need no per-device cache here; the
 * service logs, once per device, what a device lacks. The reply's slots
 * (~13 KB a device) are freed once the reply is packed when they hold more
 * than RPC_KEEP_BYTES: on a host with many devices that is most of the
 * helper's memory between calls, and the call comes only every few cycles. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethtrack/helper/v1/helper.pb-c.h"
#include "ethtool-netlink.h"
#include "ethtool.h"
#include "rpc.h"

#define LANES_MAX 8
#define FEC_ARRAY_MAX (1 + LANES_MAX) /* the total, then per lane */

struct settings_slot {
	Ethtrack__Helper__V1__DeviceSettings msg;
	char name[IFNAMSIZ];
	uint32_t channels[64], rings[64], coalesce[128], pause[16];
	uint64_t pause_stats[16];
	uint32_t fec_modes[32];
	uint64_t fec[3][FEC_ARRAY_MAX];
	struct pairs32 p_channels, p_rings, p_coalesce, p_pause;
	struct pairs64 p_pause_stats;
	size_t n_fec_modes, n_fec[3];
	struct link_slot link;
};

static struct {
	Ethtrack__Helper__V1__EthtoolSettingsReply msg;
	struct settings_slot *slots;
	Ethtrack__Helper__V1__DeviceSettings **ptrs;
	size_t n, cap_slots, cap_ptrs, hint;
	char errors[ETHTOOL_SETTINGS_KINDS][96];
	char *error_ptrs[ETHTOOL_SETTINGS_KINDS];
} reply = { .msg = ETHTRACK__HELPER__V1__ETHTOOL_SETTINGS_REPLY__INIT };

static uint8_t rx[ETHNL_RX_BYTES] __attribute__((aligned(8)));

static void release_slots(void)
{
	if (rpc_release_large((void **)&reply.slots, &reply.cap_slots, sizeof(*reply.slots)))
		reply.n = 0;
}

#define PAIRS(slot, field) \
	((slot)->p_##field = (struct pairs32){ (slot)->field, 0, sizeof((slot)->field) / 4 })

/* The pairs' arrays live in the slot, and slots move when the array of
 * slots grows in a later dump: point them again at every lookup. */
static struct settings_slot *repoint(struct settings_slot *s)
{
	s->p_channels.v = s->channels;
	s->p_rings.v = s->rings;
	s->p_coalesce.v = s->coalesce;
	s->p_pause.v = s->pause;
	s->p_pause_stats.v = s->pause_stats;
	s->link.p_state.v = s->link.state;
	s->link.p_modes.v = s->link.modes;
	return s;
}

/* The slot of the device a reply names, added on first sight. */
static struct settings_slot *slot_for(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;
	char name[IFNAMSIZ];
	uint32_t ifindex = 0;
	bool found = false;
	ethnl_attrs_for_each(a, nlh)
	{
		/* Every kind's header is attribute 1 (ETHTOOL_A_*_HEADER). */
		if (mnl_attr_get_type(a) == ETHTOOL_A_CHANNELS_HEADER) {
			if (ethnl_parse_header(a, name, &ifindex) < 0)
				return NULL;
			found = true;
		}
	}
	if (!found)
		return NULL;
	for (size_t k = 0; k < reply.n; k++) {
		size_t i = (reply.hint + k) % reply.n;
		if (reply.slots[i].msg.ifindex == ifindex) {
			reply.hint = i + 1;
			return repoint(&reply.slots[i]);
		}
	}
	if (grow(&reply.slots, &reply.cap_slots, reply.n + 1, sizeof(*reply.slots)) < 0)
		return NULL;
	struct settings_slot *s = &reply.slots[reply.n++];
	ethtrack__helper__v1__device_settings__init(&s->msg);
	memcpy(s->name, name, sizeof(name));
	s->msg.ifindex = ifindex;
	PAIRS(s, channels);
	PAIRS(s, rings);
	PAIRS(s, coalesce);
	PAIRS(s, pause);
	s->p_pause_stats = (struct pairs64){ s->pause_stats, 0, sizeof(s->pause_stats) / 8 };
	s->n_fec_modes = s->n_fec[0] = s->n_fec[1] = s->n_fec[2] = 0;
	ethnl_link_reset(&s->link);
	return s;
}

#define BIT(n) (1ull << (n))

static int channels_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct settings_slot *s = slot_for(nlh);
	if (!s)
		return -EBADMSG;
	return ethnl_scalars(nlh, ETHTOOL_A_CHANNELS_MAX, BIT(ETHTOOL_A_CHANNELS_HEADER),
			     &s->p_channels);
}

static int rings_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct settings_slot *s = slot_for(nlh);
	if (!s)
		return -EBADMSG;
	return ethnl_scalars(nlh, ETHTOOL_A_RINGS_MAX, BIT(ETHTOOL_A_RINGS_HEADER), &s->p_rings);
}

static int coalesce_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct settings_slot *s = slot_for(nlh);
	if (!s)
		return -EBADMSG;
	return ethnl_scalars(nlh, ETHTOOL_A_COALESCE_MAX, BIT(ETHTOOL_A_COALESCE_HEADER),
			     &s->p_coalesce);
}

static int pause_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct settings_slot *s = slot_for(nlh);
	if (!s)
		return -EBADMSG;
	int err = ethnl_scalars(nlh, ETHTOOL_A_PAUSE_MAX,
				BIT(ETHTOOL_A_PAUSE_HEADER) | BIT(ETHTOOL_A_PAUSE_STATS), &s->p_pause);
	if (err < 0)
		return err;
	const struct nlattr *a, *st;
	ethnl_attrs_for_each(a, nlh)
	{
		if (mnl_attr_get_type(a) != ETHTOOL_A_PAUSE_STATS)
			continue;
		if (!ethnl_nest_valid(a))
			return -EBADMSG;
		mnl_attr_for_each_nested(st, a)
		{
			uint64_t v;
			if (mnl_attr_get_type(st) == ETHTOOL_A_PAUSE_STAT_PAD)
				continue;
			if (!ethnl_u64(st, &v))
				return -EBADMSG;
			pairs64_add(&s->p_pause_stats, mnl_attr_get_type(st), v);
		}
	}
	return 0;
}

/* A compact bitset (ETHTOOL_FLAG_COMPACT_BITSETS): its set bits' numbers. */
static int fec_modes(const struct nlattr *nest, struct settings_slot *s)
{
	const struct nlattr *a;
	uint32_t size = 0;
	const struct nlattr *value = NULL;
	if (!ethnl_nest_valid(nest))
		return -EBADMSG;
	mnl_attr_for_each_nested(a, nest)
	{
		if (mnl_attr_get_type(a) == ETHTOOL_A_BITSET_SIZE && !ethnl_u32(a, &size))
			return -EBADMSG;
		if (mnl_attr_get_type(a) == ETHTOOL_A_BITSET_VALUE)
			value = a;
	}
	if (!value)
		return 0;
	uint16_t len = mnl_attr_get_payload_len(value);
	if (len % 4 || (size_t)len * 8 < size)
		return -EBADMSG;
	const uint8_t *words = mnl_attr_get_payload(value);
	for (uint32_t bit = 0; bit < size; bit++) {
		uint32_t w;
		memcpy(&w, words + bit / 32 * 4, 4);
		if ((w >> (bit % 32)) & 1 && s->n_fec_modes < N_ELEMS(s->fec_modes))
			s->fec_modes[s->n_fec_modes++] = bit;
	}
	return 0;
}

static int fec_stats(const struct nlattr *nest, struct settings_slot *s)
{
	const struct nlattr *a;
	if (!ethnl_nest_valid(nest))
		return -EBADMSG;
	mnl_attr_for_each_nested(a, nest)
	{
		int k;
		switch (mnl_attr_get_type(a)) {
		case ETHTOOL_A_FEC_STAT_CORRECTED: k = 0; break;
		case ETHTOOL_A_FEC_STAT_UNCORR: k = 1; break;
		case ETHTOOL_A_FEC_STAT_CORR_BITS: k = 2; break;
		default: continue;
		}
		uint16_t len = mnl_attr_get_payload_len(a);
		if (len % 8 || len / 8 > FEC_ARRAY_MAX)
			return -EBADMSG;
		memcpy(s->fec[k], mnl_attr_get_payload(a), len);
		s->n_fec[k] = len / 8;
	}
	return 0;
}

static int fec_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct settings_slot *s = slot_for(nlh);
	if (!s)
		return -EBADMSG;
	Ethtrack__Helper__V1__DeviceSettings *m = &s->msg;
	const struct nlattr *a;
	m->fec_known = true;
	ethnl_attrs_for_each(a, nlh)
	{
		int err = 0;
		uint8_t u8;
		switch (mnl_attr_get_type(a)) {
		case ETHTOOL_A_FEC_MODES:
			err = fec_modes(a, s);
			break;
		case ETHTOOL_A_FEC_AUTO:
			err = ethnl_u8(a, &u8) ? 0 : -EBADMSG;
			m->fec_auto = u8 != 0;
			break;
		case ETHTOOL_A_FEC_ACTIVE:
			err = ethnl_u32(a, &m->fec_active) ? 0 : -EBADMSG;
			break;
		case ETHTOOL_A_FEC_STATS:
			err = fec_stats(a, s);
			break;
		}
		if (err < 0)
			return err;
	}
	return 0;
}

static int link_state_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct settings_slot *s = slot_for(nlh);
	return s ? ethnl_link_state(nlh, &s->link) : -EBADMSG;
}

static int link_modes_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct settings_slot *s = slot_for(nlh);
	return s ? ethnl_link_modes(nlh, &s->link) : -EBADMSG;
}

static const struct kind {
	const char *name;
	uint8_t cmd;
	uint32_t flags;
	ethnl_reply_fn fn;
} kinds[] = {
	{ "channels", ETHTOOL_MSG_CHANNELS_GET, 0, channels_reply },
	{ "rings", ETHTOOL_MSG_RINGS_GET, 0, rings_reply },
	{ "coalesce", ETHTOOL_MSG_COALESCE_GET, 0, coalesce_reply },
	{ "pause", ETHTOOL_MSG_PAUSE_GET, ETHTOOL_FLAG_STATS, pause_reply },
	{ "fec", ETHTOOL_MSG_FEC_GET, ETHTOOL_FLAG_STATS | ETHTOOL_FLAG_COMPACT_BITSETS, fec_reply },
	{ "link state", ETHTOOL_MSG_LINKSTATE_GET, 0, link_state_reply },
	{ "link modes", ETHTOOL_MSG_LINKMODES_GET, ETHTOOL_FLAG_COMPACT_BITSETS, link_modes_reply },
};
_Static_assert(N_ELEMS(kinds) == ETHTOOL_SETTINGS_KINDS, "the fuzz harness counts the kinds");

/* One dump of every device. ethtool GET requests need no capability. */
static int dump_kind(const struct kind *k)
{
	uint8_t buf[256] __attribute__((aligned(4)));
	struct ethnl_sock *s = ethnl_main_sock();
	if (!s)
		return -errno;
	/* Every kind's header is attribute 1. */
	struct nlmsghdr *nlh = ethnl_request(buf, s, k->cmd, true, 1, NULL, k->flags);
	return ethnl_talk(s, nlh, rx, k->fn, NULL);
}

const ProtobufCMessage *ethtool_get_settings(struct rpc_ctx *ctx, const uint8_t *req, size_t len)
{
	Ethtrack__Helper__V1__EthtoolSettingsRequest *request =
		ethtrack__helper__v1__ethtool_settings_request__unpack(rpc_allocator(ctx), len, req);
	if (!request) {
		rpc_fail(ctx, RPC_INVALID_ARGUMENT, "malformed request");
		return NULL;
	}
	const bool wanted[] = { request->channels, request->rings, request->coalesce,
				request->pause, request->fec, request->link_state,
				request->link_modes };
	int family = ethnl_family();
	if (family < 0) {
		rpc_fail(ctx, family == -EOPNOTSUPP ? RPC_FAILED_PRECONDITION : RPC_UNAVAILABLE,
			 "ethtool netlink family: %s", strerror(-family));
		return NULL;
	}
	reply.n = 0;
	reply.msg.n_errors = 0;
	rpc_after_reply(ctx, release_slots);
	for (size_t i = 0; i < N_ELEMS(kinds); i++) {
		if (!wanted[i])
			continue;
		int err = dump_kind(&kinds[i]);
		if (err < 0 && err != -EOPNOTSUPP) {
			size_t e = reply.msg.n_errors++;
			snprintf(reply.errors[e], sizeof(reply.errors[e]), "%s: %s%s", kinds[i].name,
				 err == -EBADMSG ? "malformed reply: " : "", strerror(-err));
			reply.error_ptrs[e] = reply.errors[e];
		}
	}
	const ProtobufCMessage *m = ethtool_settings_reply();
	if (!m)
		rpc_fail(ctx, RPC_RESOURCE_EXHAUSTED, "out of memory");
	return m;
}

const ProtobufCMessage *ethtool_settings_reply(void)
{
	if (grow(&reply.ptrs, &reply.cap_ptrs, reply.n, sizeof(*reply.ptrs)) < 0)
		return NULL;
	/* slots may have moved while growing; point the messages now. */
	for (size_t i = 0; i < reply.n; i++) {
		struct settings_slot *s = &reply.slots[i];
		Ethtrack__Helper__V1__DeviceSettings *m = &s->msg;
		m->interface = s->name;
		m->channels = s->channels, m->n_channels = s->p_channels.n;
		m->rings = s->rings, m->n_rings = s->p_rings.n;
		m->coalesce = s->coalesce, m->n_coalesce = s->p_coalesce.n;
		m->pause = s->pause, m->n_pause = s->p_pause.n;
		m->pause_stats = s->pause_stats, m->n_pause_stats = s->p_pause_stats.n;
		m->fec_modes = s->fec_modes, m->n_fec_modes = s->n_fec_modes;
		m->fec_corrected = s->fec[0], m->n_fec_corrected = s->n_fec[0];
		m->fec_uncorrectable = s->fec[1], m->n_fec_uncorrectable = s->n_fec[1];
		m->fec_corrected_bits = s->fec[2], m->n_fec_corrected_bits = s->n_fec[2];
		struct link_slot *l = &s->link;
		m->link_state = l->state, m->n_link_state = l->p_state.n;
		m->link_modes = l->modes, m->n_link_modes = l->p_modes.n;
		m->link_modes_advertised = l->ours.value, m->n_link_modes_advertised = l->ours.n_value;
		m->link_modes_supported = l->ours.mask, m->n_link_modes_supported = l->ours.n_mask;
		m->link_modes_peer = l->peer.value, m->n_link_modes_peer = l->peer.n_value;
		reply.ptrs[i] = m;
	}
	reply.msg.devices = reply.ptrs;
	reply.msg.n_devices = reply.n;
	reply.msg.errors = reply.error_ptrs;
	return &reply.msg.base;
}

/* For the fuzz harness and the decode tool: one reply of kind k through its
 * decoder, as ethnl_talk() hands it over (checked by ethnl_msg_valid()
 * first); keep adds to the devices decoded so far. */
int ethtool_settings_decode(unsigned k, const struct nlmsghdr *nlh, bool keep)
{
	if (!keep)
		reply.n = 0;
	if (!ethnl_msg_valid(nlh))
		return -EBADMSG;
	return kinds[k % N_ELEMS(kinds)].fn(nlh, NULL);
}
