/* LINKSTATE_GET and LINKMODES_GET replies, two more kinds of
 * GetEthtoolSettings (ethtool-settings.c dumps them like the others): why a
 * link is down (the extended state and sub-state), and the link modes we
 * support and advertise and the ones the partner advertises, so the service
 * can tell the best speed both ends could run at. Numbers only: naming the
 * states and mapping modes to speeds is the service's, where it is tested
 * without root. Both GETs are plain (no GENL_UNS_ADMIN_PERM), so the socket
 * needs no capability. */
#include <errno.h>
#include <string.h>

#include "ethtool-netlink.h"

#define BIT(n) (1ull << (n))

/* Adds bit to list unless it is full: the kernel has ~120 link modes, the
 * lists hold twice that; a bitset claiming more is cut, not refused. */
static void add_bit(uint32_t *list, size_t *n, size_t cap, uint32_t bit)
{
	if (*n < cap)
		list[(*n)++] = bit;
}

/* The set bits of a compact bitset's VALUE or MASK, size bits long. */
static int compact_bits(const struct nlattr *a, uint32_t size, uint32_t *list, size_t *n,
			size_t cap)
{
	uint16_t len = mnl_attr_get_payload_len(a);
	if (len % 4 || (size_t)len * 8 < size)
		return -EBADMSG;
	const uint8_t *words = mnl_attr_get_payload(a);
	for (uint32_t bit = 0; bit < size; bit++) {
		uint32_t w;
		memcpy(&w, words + bit / 32 * 4, 4);
		if ((w >> (bit % 32)) & 1)
			add_bit(list, n, cap, bit);
	}
	return 0;
}

/* One ETHTOOL_A_BITSET_BITS_BIT nest of a verbose bitset. */
static int verbose_bit(const struct nlattr *nest, bool nomask, struct link_bits *out)
{
	const struct nlattr *a;
	uint32_t index = 0;
	bool have_index = false, value = false;
	if (!ethnl_nest_valid(nest))
		return -EBADMSG;
	mnl_attr_for_each_nested(a, nest)
	{
		switch (mnl_attr_get_type(a)) {
		case ETHTOOL_A_BITSET_BIT_INDEX:
			if (!ethnl_u32(a, &index))
				return -EBADMSG;
			have_index = true;
			break;
		case ETHTOOL_A_BITSET_BIT_VALUE:
			if (mnl_attr_get_payload_len(a) != 0)
				return -EBADMSG;
			value = true;
			break;
		}
	}
	if (!have_index)
		return -EBADMSG; /* the name alone would need the string set */
	/* A listed bit is in the mask; without a mask the list is the value. */
	add_bit(out->mask, &out->n_mask, LINK_BITS_MAX, index);
	if (value || nomask)
		add_bit(out->value, &out->n_value, LINK_BITS_MAX, index);
	return 0;
}

int ethnl_bitset(const struct nlattr *nest, struct link_bits *out)
{
	const struct nlattr *a, *value = NULL, *mask = NULL, *bits = NULL;
	uint32_t size = 0;
	bool nomask = false, have_size = false;
	out->n_value = out->n_mask = 0;
	out->has_mask = false;
	if (!ethnl_nest_valid(nest))
		return -EBADMSG;
	mnl_attr_for_each_nested(a, nest)
	{
		switch (mnl_attr_get_type(a)) {
		case ETHTOOL_A_BITSET_NOMASK:
			nomask = true;
			break;
		case ETHTOOL_A_BITSET_SIZE:
			if (!ethnl_u32(a, &size))
				return -EBADMSG;
			have_size = true;
			break;
		case ETHTOOL_A_BITSET_BITS: bits = a; break;
		case ETHTOOL_A_BITSET_VALUE: value = a; break;
		case ETHTOOL_A_BITSET_MASK: mask = a; break;
		}
	}
	if (bits) { /* verbose: one nest per listed bit */
		if (!ethnl_nest_valid(bits))
			return -EBADMSG;
		mnl_attr_for_each_nested(a, bits)
		{
			if (mnl_attr_get_type(a) != ETHTOOL_A_BITSET_BITS_BIT)
				continue;
			int err = verbose_bit(a, nomask, out);
			if (err < 0)
				return err;
		}
		out->has_mask = !nomask;
		return 0;
	}
	if (!value)
		return 0;
	if (!have_size)
		return -EBADMSG;
	int err = compact_bits(value, size, out->value, &out->n_value, LINK_BITS_MAX);
	if (err < 0 || !mask)
		return err;
	out->has_mask = true;
	return compact_bits(mask, size, out->mask, &out->n_mask, LINK_BITS_MAX);
}

int ethnl_link_state(const struct nlmsghdr *nlh, struct link_slot *l)
{
	return ethnl_scalars(nlh, ETHTOOL_A_LINKSTATE_MAX, BIT(ETHTOOL_A_LINKSTATE_HEADER),
			     &l->p_state);
}

int ethnl_link_modes(const struct nlmsghdr *nlh, struct link_slot *l)
{
	int err = ethnl_scalars(nlh, ETHTOOL_A_LINKMODES_MAX,
				BIT(ETHTOOL_A_LINKMODES_HEADER) | BIT(ETHTOOL_A_LINKMODES_OURS) |
					BIT(ETHTOOL_A_LINKMODES_PEER),
				&l->p_modes);
	if (err < 0)
		return err;
	const struct nlattr *a;
	ethnl_attrs_for_each(a, nlh)
	{
		uint16_t type = mnl_attr_get_type(a);
		if (type == ETHTOOL_A_LINKMODES_OURS)
			err = ethnl_bitset(a, &l->ours);
		else if (type == ETHTOOL_A_LINKMODES_PEER)
			err = ethnl_bitset(a, &l->peer);
		if (err < 0)
			return err;
	}
	return 0;
}

void ethnl_link_reset(struct link_slot *l)
{
	l->p_state = (struct pairs32){ l->state, 0, N_LINK_PAIRS };
	l->p_modes = (struct pairs32){ l->modes, 0, N_LINK_PAIRS };
	l->ours.n_value = l->ours.n_mask = l->peer.n_value = l->peer.n_mask = 0;
	l->ours.has_mask = l->peer.has_mask = false;
}
