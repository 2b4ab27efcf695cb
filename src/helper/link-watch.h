/* WatchLinks' decoding of rtnetlink link notifications (link-watch.c), apart
 * so the unit cases (unit/) can feed it messages built from the uapi layout. */
#ifndef ETHTRACK_LINK_WATCH_H
#define ETHTRACK_LINK_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>

/* Names one message carries; more changed devices than this make a resync. */
#define LINK_WATCH_MAX_NAMES 256

/* What the next LinkChanges message says: devices named once each, or a
 * resync when the notifications cannot say which devices changed. */
struct link_changes {
	bool resync;
	size_t n;
	char names[LINK_WATCH_MAX_NAMES][IFNAMSIZ];
};

/* Adds what one datagram from the link group says (len bytes, as received)
 * to *c: the name of every RTM_NEWLINK and RTM_DELLINK it holds. A link
 * message without a usable name, or a datagram cut short, makes a resync;
 * other message types are ignored. */
void link_changes_add(struct link_changes *c, const void *buf, size_t len);

#endif
