/* What the helper may do and who may talk to it. For now: a clean
 * environment, no inherited descriptors, and the SO_PEERCRED policy.
 * Capabilities, no_new_privs and seccomp come with a later issue; they belong
 * in privileges_drop(), which runs before grpc_init() starts threads. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper.h"

static bool gid_allowed;
static gid_t allowed_gid;

void privileges_allow_gid(gid_t gid)
{
	gid_allowed = true;
	allowed_gid = gid;
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

int privileges_drop(void)
{
	if (clearenv() != 0) {
		fprintf(stderr, "ethtrack-helper: clearenv failed\n");
		return -1;
	}
	if (close_inherited_fds() < 0) {
		fprintf(stderr, "ethtrack-helper: closing inherited descriptors: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
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
