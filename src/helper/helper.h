/* What main.c wires together: privileges, the kernel handles opened before
 * privileges are dropped, and the gRPC server loop. Handlers use rpc.h. */
#ifndef ETHTRACK_HELPER_H
#define ETHTRACK_HELPER_H

#include <stdbool.h>
#include <sys/types.h>

#ifndef ETHTRACK_VERSION
#define ETHTRACK_VERSION "0.0.0"
#endif

/* log.c: "ethtrack-helper: MESSAGE" on stderr, then ": strerror(errnum)"
 * when errnum is not 0, as error(3) prints it (without exiting). */
void log_msg(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* privileges.c: privileges_drop() first thing (environment, descriptors, the
 * real uid), privileges_restrict() once the socket listens (CAP_NET_ADMIN
 * permitted only, effective empty, no_new_privs, seccomp); both before
 * grpc_init(). */
int privileges_drop(void);
int privileges_restrict(void);
void privileges_allow_gid(gid_t gid);
bool privileges_allowed_gid(gid_t *gid);
/* CAP_NET_ADMIN into the calling thread's effective set and out again
 * (capset on this thread only, no allocation). Raise around, and only
 * around:
 *  - the send of a netlink message that needs CAP_NET_ADMIN (nfnetlink,
 *    and generic netlink operations flagged GENL_ADMIN_PERM): the kernel
 *    checks the sending thread at send time. It checks the socket opener's
 *    credentials (kept with the socket at socket()) as well, but only for a
 *    message sent without an address (send/write): raise around socket()
 *    too if you send that way; mnl_socket_sendto always gives one;
 *  - bind() or NETLINK_ADD_MEMBERSHIP to a privileged multicast group;
 *  - setsockopt SO_RCVBUFFORCE / SO_SNDBUFFORCE;
 *  - privileged ioctls (the ETHTOOL_S* setters; the ETHTOOL_G* getters
 *    used here need nothing).
 * Never hold it across a gRPC call, a blocking wait or a receive loop;
 * lower on every path out. net_admin_raise() returns -1 (errno EPERM) when
 * the capability is not permitted at all (started without it): callers go
 * on with the call anyway, so the kernel's own EPERM reaches the operator.
 * net_admin_lower() keeps errno, so the raised call's error survives it. */
int net_admin_raise(void);
void net_admin_lower(void);
/* SO_PEERCRED policy for an accepted connection. */
bool peer_allowed(int fd);

/* seccomp.c: the allow-list, installed by privileges_restrict(). */
int seccomp_install(void);
/* Makes the helper call a syscall outside the allow-list once it is in place. */
void seccomp_test_violation(void);

/* ethtool-ioctl.c: opens the ioctl socket once, in the helper's network namespace. */
int ethtool_init(void);

/* conntrack-events.c, --test-event-rcvbuf (tests only): the DESTROY events
 * socket gets a receive buffer of this many bytes instead of the default,
 * so a test can force an overrun. */
void ct_events_test_rcvbuf(int bytes);
/* link-watch.c, the same for WatchLinks' socket (SO_RCVBUF; the kernel's
 * floor is a few KiB). */
void link_watch_test_rcvbuf(int bytes);

/* server.c: serves on an already listening unix socket until SIGTERM/SIGINT
 * (delivered through signal_fd, a signalfd). Returns the exit status. */
int server_run(int listen_fd, int signal_fd);

#endif
