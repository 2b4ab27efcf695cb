/* Unit cases of WatchLinks' decoding (link-watch.c): datagrams from
 * rtnetlink's link group built here from the uapi layout, since veths make
 * only the well-formed ones. Run from ethnl_unit.c's main. */
#include <stdio.h>
#include <string.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

#include "link-watch.h"
#include "unit/check.h"

static uint8_t dgram[64 * 1024] __attribute__((aligned(4)));
static size_t used;

/* Appends a link message: name NULL puts none; raw puts the name's bytes
 * without the NUL the kernel adds. */
static struct nlmsghdr *put_link(uint16_t type, const char *name, bool raw)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(dgram + used);
	nlh->nlmsg_type = type;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = 7;
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	if (name && raw)
		mnl_attr_put(nlh, IFLA_IFNAME, strlen(name), name);
	else if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_CARRIER_UP_COUNT, 3);
	used += nlh->nlmsg_len;
	return nlh;
}

static struct link_changes c;

static void decode(size_t len)
{
	c.n = 0;
	c.resync = false;
	link_changes_add(&c, dgram, len);
	used = 0;
}

static bool named(const char *name)
{
	for (size_t i = 0; i < c.n; i++)
		if (strcmp(c.names[i], name) == 0)
			return true;
	return false;
}

int link_watch_cases(void);
int link_watch_cases(void)
{
	int failures = 0;

	/* Names, once each; RTM_DELLINK too; other types are not links. */
	put_link(RTM_NEWLINK, "wa", false);
	put_link(RTM_NEWLINK, "wb", false);
	put_link(RTM_NEWLINK, "wa", false);
	put_link(RTM_DELLINK, "gone0", false);
	put_link(RTM_NEWADDR, "addr0", false);
	decode(used);
	CHECK(!c.resync && c.n == 3, "three names, no resync: %zu %d", c.n, c.resync);
	CHECK(named("wa") && named("wb") && named("gone0") && !named("addr0"), "the link names");

	/* A link message that cannot say which device: resync. */
	put_link(RTM_NEWLINK, "ok0", false);
	put_link(RTM_NEWLINK, NULL, false);
	decode(used);
	CHECK(c.resync, "a link message without a name resyncs");

	put_link(RTM_NEWLINK, "nonul", true);
	decode(used);
	CHECK(c.resync, "a name without its NUL resyncs");

	put_link(RTM_NEWLINK, "sixteen-chars-xx", false);
	decode(used);
	CHECK(c.resync, "a name of IFNAMSIZ characters resyncs");

	put_link(RTM_NEWLINK, "", false);
	decode(used);
	CHECK(c.resync, "an empty name resyncs");

	/* A datagram cut short, inside a message or inside its header. */
	put_link(RTM_NEWLINK, "first", false);
	struct nlmsghdr *second = put_link(RTM_NEWLINK, "second", false);
	size_t whole = used;
	decode(whole - 4);
	CHECK(c.resync, "a message cut short resyncs");
	put_link(RTM_NEWLINK, "first", false);
	decode(whole - second->nlmsg_len + 8);
	CHECK(c.resync, "a header cut short resyncs");

	/* The last message without its padding: libmnl would walk up to it. */
	struct nlmsghdr *odd = put_link(RTM_NEWLINK, "odd", false);
	odd->nlmsg_len -= 2;
	decode(used - 2);
	CHECK(c.resync && c.n == 0, "a message cut inside its padding resyncs");

	/* A length past 2 GiB (libmnl's mnl_nlmsg_ok takes it for negative). */
	struct nlmsghdr *huge = put_link(RTM_NEWLINK, "huge", false);
	huge->nlmsg_len = 0xf6083068u;
	decode(used);
	CHECK(c.resync && c.n == 0, "a message longer than its datagram resyncs");

	/* A name that claims more than its message holds is not read. */
	struct nlmsghdr *over = mnl_nlmsg_put_header(dgram);
	over->nlmsg_type = RTM_NEWLINK;
	mnl_nlmsg_put_extra_header(over, sizeof(struct ifinfomsg));
	struct nlattr *name = mnl_nlmsg_get_payload_tail(over);
	mnl_attr_put_strz(over, IFLA_IFNAME, "over");
	name->nla_len += 8;
	used = over->nlmsg_len;
	decode(used);
	CHECK(c.resync && c.n == 0, "an overrunning name resyncs");

	/* A message whose header is shorter than a link message's. */
	struct nlmsghdr *tiny = mnl_nlmsg_put_header(dgram);
	tiny->nlmsg_type = RTM_NEWLINK;
	used = tiny->nlmsg_len;
	decode(used);
	CHECK(c.resync, "a link message without its ifinfomsg resyncs");

	/* More devices than one message names: resync. */
	for (int i = 0; i <= LINK_WATCH_MAX_NAMES; i++) {
		char name[IFNAMSIZ];
		snprintf(name, sizeof(name), "v%d", i);
		put_link(RTM_NEWLINK, name, false);
	}
	decode(used);
	CHECK(c.resync, "%d devices resync", LINK_WATCH_MAX_NAMES + 1);

	return failures;
}
