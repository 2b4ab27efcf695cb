/* What the ethtool netlink files share (ethtool-settings.c,
 * ethtool-standard-stats.c, ethtool-module.c): the "ethtool" generic netlink
 * family, resolved once, its sockets, one request-and-replies loop, and
 * attribute readers that check every length. Layouts come from the kernel's
 * uapi, <linux/ethtool_netlink.h>. */
#ifndef ETHTRACK_ETHTOOL_NETLINK_H
#define ETHTRACK_ETHTOOL_NETLINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <protobuf-c/protobuf-c.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>

/* Kernel dump skbs are at most 32 KiB; twice that never truncates a read. */
#define ETHNL_RX_BYTES (64 * 1024)

struct ethnl_sock {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	/* Its requests are GENL_UNS_ADMIN_PERM (module EEPROM reads): the
	 * kernel checks the sending thread's CAP_NET_ADMIN at send time, so
	 * ethnl_talk() raises it around each send and nothing else. */
	bool admin;
};

/* The family id of "ethtool", asked of the generic netlink controller on
 * the first call and kept; negative errno when the kernel has none. Called
 * on the main thread before any module thread starts. */
int ethnl_family(void);

/* The main thread's socket, opened on first use and kept; NULL with errno. */
struct ethnl_sock *ethnl_main_sock(void);
/* A socket of its own (module reads run on their own threads). */
int ethnl_open(struct ethnl_sock *s, unsigned timeout_ms);
void ethnl_close(struct ethnl_sock *s);

/* Starts a request for cmd in buf: netlink and genl headers, then the
 * request header nest `header_type` naming ifname (NULL for a dump) with
 * ETHTOOL_A_HEADER_FLAGS. */
struct nlmsghdr *ethnl_request(void *buf, struct ethnl_sock *s, uint8_t cmd, bool dump,
			       uint16_t header_type, const char *ifname, uint32_t flags);

/* Called with each reply's attributes (after the genl header); returns 0,
 * or a negative errno to stop with that error. */
typedef int (*ethnl_reply_fn)(const struct nlmsghdr *nlh, void *arg);

/* Sends the request and hands every reply to fn until the dump ends or the
 * ack comes. rx is ETHNL_RX_BYTES long. Returns 0 or a negative errno (the
 * kernel's, in an ack or in the NLMSG_DONE of a dump it cut short; or
 * fn's). */
int ethnl_talk(struct ethnl_sock *s, struct nlmsghdr *req, uint8_t *rx, ethnl_reply_fn fn,
	       void *arg);

/* Whether a reply's attributes, or a nest's, fill it exactly: a truncated
 * or overlong attribute is refused before anything reads it. ethnl_talk()
 * checks every reply; walkers check each nest they enter. */
bool ethnl_msg_valid(const struct nlmsghdr *nlh);
bool ethnl_nest_valid(const struct nlattr *nest);

/* ---- attribute readers: false when the payload is not the exact size */
bool ethnl_u8(const struct nlattr *a, uint8_t *v);
bool ethnl_u32(const struct nlattr *a, uint32_t *v);
bool ethnl_u64(const struct nlattr *a, uint64_t *v);

/* The device an ETHTOOL_A_*_HEADER nest names; 0, or -EBADMSG when either
 * is missing or malformed. */
int ethnl_parse_header(const struct nlattr *nest, char name[IFNAMSIZ], uint32_t *ifindex);

/* The first attribute after the genl header, and the payload's end, of a
 * reply; for mnl_attr_for_each-style walks that check every length. */
#define ethnl_attrs_for_each(attr, nlh) mnl_attr_for_each(attr, nlh, GENL_HDRLEN)

/* A bounded "(type, value)" pair list. */
struct pairs32 {
	uint32_t *v;
	size_t n, cap;
};
struct pairs64 {
	uint64_t *v;
	size_t n, cap;
};

/* Appends (type, value); false when full (extra attributes are dropped). */
bool pairs32_add(struct pairs32 *p, uint32_t type, uint32_t value);
bool pairs64_add(struct pairs64 *p, uint64_t type, uint64_t value);

/* Top-level u8/u32 attributes of a settings reply into pairs; the header
 * and the nests named in skip are left to the caller. Nests and attributes
 * of any other size are skipped, whatever their type: a newer kernel or
 * uapi may have made them so (max is kept for source compatibility). The
 * reply's framing is checked by ethnl_talk(); returns 0. */
int ethnl_scalars(const struct nlmsghdr *nlh, uint16_t max, uint64_t skip_mask,
		  struct pairs32 *out);

/* ---- link state and link modes (ethtool-link.c) */

#define LINK_BITS_MAX 256
#define N_LINK_PAIRS 32

/* A bitset's set bits (value) and, when it has a mask, the mask's bits;
 * both as bit numbers, at most LINK_BITS_MAX each. */
struct link_bits {
	uint32_t value[LINK_BITS_MAX], mask[LINK_BITS_MAX];
	size_t n_value, n_mask;
	bool has_mask;
};

/* What LINKSTATE_GET and LINKMODES_GET said of one device. */
struct link_slot {
	uint32_t state[N_LINK_PAIRS], modes[N_LINK_PAIRS];
	struct pairs32 p_state, p_modes;
	struct link_bits ours, peer;
};

void ethnl_link_reset(struct link_slot *l);
/* A bitset nest, compact (SIZE, VALUE, MASK) or verbose (BITS of BIT
 * nests with INDEX and a VALUE flag); NOMASK marks one without a mask. */
int ethnl_bitset(const struct nlattr *nest, struct link_bits *out);
int ethnl_link_state(const struct nlmsghdr *nlh, struct link_slot *l);
int ethnl_link_modes(const struct nlmsghdr *nlh, struct link_slot *l);

/* The reply decoders, for the fuzz harness: 0 or -EBADMSG. */
int ethtool_settings_decode(unsigned kind, const struct nlmsghdr *nlh, bool keep);
/* The settings reply as the decoded replies so far left it; for the
 * decode tool (fuzz/decode_reply.c) that packs it. */
const ProtobufCMessage *ethtool_settings_reply(void);
#define ETHTOOL_SETTINGS_KINDS 7
int ethtool_standard_stats_decode(const struct nlmsghdr *nlh);
int ethtool_module_decode(const struct nlmsghdr *nlh);

/* Test double (ethtrack-helper --test-slow-module-read DEV:MS): module
 * reads of DEV sleep MS first, to stand for a driver that hangs. */
void ethnl_test_slow_module(const char *spec);

#endif
