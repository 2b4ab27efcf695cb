/* What the helper may do and who may talk to it.
 *
 * Two steps, both before grpc_init() starts threads (capabilities, no_new_privs
 * and seccomp filters are per thread; threads inherit what exists when they
 * are created):
 *
 *  privileges_drop(), first thing: a clean environment, no inherited
 *  descriptors, and the real identity. Installed setuid-root and started by
 *  user U, the helper becomes U (real, effective and saved uid and gid) with
 *  PR_SET_KEEPCAPS, so CAP_NET_ADMIN survives in the permitted set and
 *  everything after this (the socket and its directory included) is done as
 *  U: U owns the socket, and cannot make root create or unlink files for it.
 *  Started by root, it stays uid 0 for now: the socket may need chown to the
 *  --allow-gid group, which needs CAP_CHOWN.
 *
 *  privileges_restrict(), once the socket listens: CAP_NET_ADMIN alone in
 *  the permitted set (when it can be had at all), the effective set empty,
 *  nothing inheritable or ambient, an empty bounding set where CAP_SETPCAP
 *  allows, no_new_privs, and the seccomp allow-list (seccomp.c).
 *
 * Every thread, gRPC's included, inherits that empty effective set. The
 * thread serving a request raises CAP_NET_ADMIN around the few calls that
 * need it and lowers it right after (net_admin_raise/net_admin_lower, as
 * iputils ping does with enable_capability_admin()), so a bug anywhere else,
 * in gRPC's parsing or our handlers, runs without the capability.
 *
 * Started by root the helper keeps uid 0, without capabilities other than
 * CAP_NET_ADMIN. It does not switch to some other uid: "the uid that started
 * it" is who may connect, and a shared uid such as nobody would let every
 * other process of that uid in. What uid 0 still owns (root's files) is kept
 * out of reach by seccomp: files open read-only, and nothing that creates,
 * renames, chmods or chowns is allowed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper.h"

static bool gid_allowed;
/* CAP_NET_ADMIN is in the permitted set: set once by privileges_restrict(),
 * before any thread exists, and only read after. */
static bool net_admin_permitted;
static gid_t allowed_gid;

void privileges_allow_gid(gid_t gid)
{
	gid_allowed = true;
	allowed_gid = gid;
}

bool privileges_allowed_gid(gid_t *gid)
{
	if (gid_allowed)
		*gid = allowed_gid;
	return gid_allowed;
}

/* Descriptors 0-2 stay (pointing at /dev/null when closed, so no socket of
 * ours becomes a stray stdout); everything else inherited is closed. */
static int close_inherited_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int null = open("/dev/null", O_RDWR);
			if (null < 0)
				return -1;
			if (null != fd) {
				dup2(null, fd);
				close(null);
			}
		}
	}
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
		return 0;
#endif
	DIR *dir = opendir("/proc/self/fd");
	if (!dir)
		return -1;
	int keep = dirfd(dir);
	struct dirent *ent;
	while ((ent = readdir(dir))) {
		int fd = atoi(ent->d_name);
		if (fd > 2 && fd != keep)
			close(fd);
	}
	closedir(dir);
	return 0;
}

static bool cap_in(cap_t caps, cap_value_t cap, cap_flag_t set)
{
	cap_flag_value_t on = CAP_CLEAR;
	return cap_get_flag(caps, cap, set, &on) == 0 && on == CAP_SET;
}

static bool have_effective(cap_value_t cap)
{
	cap_t caps = cap_get_proc();
	bool on = caps && cap_in(caps, cap, CAP_EFFECTIVE);
	cap_free(caps);
	return on;
}

/* Nothing gained through execve later: the bounding set emptied (needs
 * CAP_SETPCAP in effect, so only when started as root or setuid-root), the
 * ambient set cleared (always allowed). */
static void drop_bounding_and_ambient(void)
{
	if (have_effective(CAP_SETPCAP)) {
		for (int c = 0; c <= CAP_LAST_CAP && c < cap_max_bits(); c++)
			if (CAP_IS_SUPPORTED(c) && cap_drop_bound((cap_value_t)c) < 0 && errno != EINVAL)
				log_msg(errno, "dropping capability %d from the bounding set", c);
	}
	cap_reset_ambient();
}

/* Setuid-root started by someone else: become them, keeping the capability
 * sets across the uid change (PR_SET_KEEPCAPS; the effective set is cleared
 * by the kernel, the permitted set stays and is cut to CAP_NET_ADMIN). */
static int become_real_user(uid_t ruid, gid_t rgid)
{
	drop_bounding_and_ambient();
	if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0 || setresgid(rgid, rgid, rgid) < 0 ||
	    setresuid(ruid, ruid, ruid) < 0) {
		log_msg(errno, "becoming uid %u", (unsigned)ruid);
		return -1;
	}
	prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L);
	cap_t caps = cap_init();
	cap_value_t net_admin = CAP_NET_ADMIN;
	int rc = caps ? cap_set_flag(caps, CAP_PERMITTED, 1, &net_admin, CAP_SET) : -1;
	if (rc == 0)
		rc = cap_set_proc(caps);
	cap_free(caps);
	if (rc < 0) {
		log_msg(errno, "keeping only CAP_NET_ADMIN");
		return -1;
	}
	uid_t r, e, s;
	if (getresuid(&r, &e, &s) < 0 || e != ruid || s != ruid) {
		log_msg(0, "uid switch did not stick");
		return -1;
	}
	return 0;
}

int privileges_drop(void)
{
	if (clearenv() != 0) {
		log_msg(0, "clearenv failed");
		return -1;
	}
	if (close_inherited_fds() < 0) {
		log_msg(errno, "closing inherited descriptors");
		return -1;
	}
	uid_t ruid = getuid();
	gid_t rgid = getgid();
	if (geteuid() == 0 && ruid != 0)
		return become_real_user(ruid, rgid);
	if (getegid() != rgid && setresgid(rgid, rgid, rgid) < 0) {
		log_msg(errno, "dropping the setgid group");
		return -1;
	}
	return 0;
}

int privileges_restrict(void)
{
	drop_bounding_and_ambient();

	/* CAP_NET_ADMIN stays only if it is permitted already: as root, setuid
	 * root, or from the file capability `setcap cap_net_admin+p`. */
	cap_t now = cap_get_proc();
	bool net_admin = now && cap_in(now, CAP_NET_ADMIN, CAP_PERMITTED);
	cap_free(now);
	cap_t caps = cap_init();
	cap_value_t keep = CAP_NET_ADMIN;
	int rc = caps ? 0 : -1;
	/* Permitted only: this thread's effective set is emptied here, before
	 * grpc_init(), so every thread created later starts without it. */
	if (rc == 0 && net_admin)
		rc = cap_set_flag(caps, CAP_PERMITTED, 1, &keep, CAP_SET);
	if (rc == 0)
		rc = cap_set_proc(caps);
	cap_free(caps);
	if (rc != 0) {
		log_msg(errno, "keeping only CAP_NET_ADMIN");
		return -1;
	}
	net_admin_permitted = net_admin;
	if (!net_admin)
		log_msg(0, "no CAP_NET_ADMIN (run as root, setuid root or with setcap "
			   "cap_net_admin+p): conntrack calls will fail, ethtool works");

	if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0) {
		log_msg(errno, "PR_SET_NO_NEW_PRIVS");
		return -1;
	}
	return seccomp_install();
}

/* The calling thread's sets, through the raw syscall: capset on pid 0
 * changes the calling thread only (credentials are per thread), allocates
 * nothing, and, unlike cap_set_proc() in a libcap built with libpsx, never
 * reaches the other threads. */
static int set_net_admin_effective(bool on)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	memset(data, 0, sizeof(data));
	data[CAP_TO_INDEX(CAP_NET_ADMIN)].permitted = CAP_TO_MASK(CAP_NET_ADMIN);
	if (on)
		data[CAP_TO_INDEX(CAP_NET_ADMIN)].effective = CAP_TO_MASK(CAP_NET_ADMIN);
	return (int)syscall(SYS_capset, &header, data);
}

int net_admin_raise(void)
{
	if (!net_admin_permitted) {
		errno = EPERM;
		return -1;
	}
	return set_net_admin_effective(true) < 0 ? -1 : 0;
}

void net_admin_lower(void)
{
	if (!net_admin_permitted)
		return;
	int saved = errno; /* callers report the errno of the call raised for */
	/* Removing from the effective set is always allowed; if it ever failed
	 * the thread would go on serving with the capability, so stop here. */
	if (set_net_admin_effective(false) < 0) {
		log_msg(errno, "lowering CAP_NET_ADMIN");
		abort();
	}
	errno = saved;
}

/* The uid that started us (the real uid, so a setuid-root helper still only
 * serves the user who ran it), root, or the configured group. */
bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || len != sizeof(cred))
		return false;
	if (cred.uid == 0 || cred.uid == getuid())
		return true;
	return gid_allowed && cred.gid == allowed_gid;
}
