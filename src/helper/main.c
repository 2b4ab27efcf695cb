/* ethtrack-helper: flags, the listening socket, signals; then the server.
 *
 *   ethtrack-helper --socket PATH [--allow-gid GID] [--exit-with-parent]
 *   ethtrack-helper --version
 *
 * Order matters: privileges_drop() first (a setuid-root helper becomes the
 * user who started it, so the socket and its directory are theirs), then the
 * parent-death signal (a uid change clears it), the signal mask, the kernel
 * handles and the socket, then privileges_restrict() (CAP_NET_ADMIN only,
 * no_new_privs, seccomp), and only then gRPC and its threads.
 *
 * Memory (issue 15: 16 MB resident on 128 devices): malloc's mmap threshold
 * is pinned at its default before anything allocates. Left dynamic, glibc
 * raises it to the size of any mmapped block freed, so the large buffers the
 * handlers let go after a call (call.c, ethtool-settings.c) would come from
 * the brk heap next time and stay resident after being freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ethtool-netlink.h"
#include "helper.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: ethtrack-helper --socket PATH [--allow-gid GID] [--exit-with-parent]\n"
		     "       ethtrack-helper --version\n");
}

/* The socket is set up through directory descriptors, never by following
 * a path: the helper may run as root in a directory other users can write
 * (a shared emptyDir), and a symlink swapped in at any component must not
 * turn a chown or an unlink onto another file. */

#define MAX_DIRS_MADE 16

struct socket_dir {
	int fd;			   /* the socket's parent directory */
	int made[MAX_DIRS_MADE];   /* directories this helper created, to share with --allow-gid */
	size_t n_made;
	char name[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

/* Opens (creating, mode 0750) each directory leading to path's last
 * component with O_NOFOLLOW, from the root or the working directory. */
static int open_socket_dir(const char *path, struct socket_dir *d)
{
	char copy[PATH_MAX];
	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return errno = ENAMETOOLONG, -1;
	d->n_made = 0;
	int fd = open(copy[0] == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char *save = NULL;
	char *part = strtok_r(copy, "/", &save);
	while (part) {
		char *next = strtok_r(NULL, "/", &save);
		if (strcmp(part, "..") == 0) {
			close(fd);
			return errno = EINVAL, -1;
		}
		if (!next) {
			if (strlen(part) >= sizeof(d->name)) {
				close(fd);
				return errno = ENAMETOOLONG, -1;
			}
			strcpy(d->name, part);
			d->fd = fd;
			return 0;
		}
		mode_t old = umask(0027); /* 0750 whatever umask we were given */
		bool made = mkdirat(fd, part, 0750) == 0;
		umask(old);
		if (!made && errno != EEXIST) {
			close(fd);
			return -1;
		}
		int child = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		if (child < 0)
			return -1;
		if (made && d->n_made < MAX_DIRS_MADE)
			d->made[d->n_made++] = dup(child);
		fd = child;
		part = next;
	}
	close(fd);
	return errno = EINVAL, -1;
}

/* A socket file left by a dead helper is removed; a live one is an error, and
 * so is anything at the name that is not a socket. The working directory is
 * the socket's directory here. */
static int remove_stale_socket(const struct socket_dir *d)
{
	struct stat st;
	if (fstatat(d->fd, d->name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode))
		return errno = EEXIST, -1;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	strcpy(addr.sun_path, d->name);
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe < 0)
		return -1;
	int live = connect(probe, (const struct sockaddr *)&addr, sizeof(addr)) == 0;
	close(probe);
	if (live)
		return errno = EADDRINUSE, -1;
	return unlinkat(d->fd, d->name, 0);
}

/* With --allow-gid the socket, and every directory the helper made on the
 * way to it, belong to that group, so its members can reach the socket. */
static int share_with_group(const struct socket_dir *d)
{
	gid_t gid;
	if (!privileges_allowed_gid(&gid))
		return 0;
	if (fchownat(d->fd, d->name, (uid_t)-1, gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	for (size_t i = 0; i < d->n_made; i++)
		if (d->made[i] >= 0 && fchown(d->made[i], (uid_t)-1, gid) < 0)
			return -1;
	return 0;
}

static int listen_unix(const char *path)
{
	struct socket_dir d = { .fd = -1 };
	int fd = -1;
	const char *step = "opening its directory";
	if (open_socket_dir(path, &d) < 0)
		goto fail;
	/* bind() takes a path: bind relative to the directory we hold open. */
	step = "entering its directory";
	if (fchdir(d.fd) < 0)
		goto fail;
	step = "removing a stale socket";
	if (remove_stale_socket(&d) < 0)
		goto fail;
	step = "socket";
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		goto fail;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	strcpy(addr.sun_path, d.name);
	/* The umask makes the file 0660 from the start: no chmod by name. */
	mode_t old = umask(0117);
	int rc = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old);
	step = "bind";
	if (rc < 0)
		goto fail;
	step = "listen";
	if (listen(fd, 64) < 0)
		goto fail;
	step = "giving it to --allow-gid";
	if (share_with_group(&d) < 0)
		goto fail;
	if (chdir("/") < 0)
		goto fail;
	close(d.fd);
	for (size_t i = 0; i < d.n_made; i++)
		close(d.made[i]);
	return fd;
fail:
	if (errno == EADDRINUSE || errno == EEXIST)
		log_msg(0, "--socket %s: %s: %s", path, step,
			errno == EADDRINUSE ? "another helper is listening"
					    : "exists and is not a socket");
	else
		log_msg(errno, "--socket %s: %s", path, step);
	if (fd >= 0)
		close(fd);
	if (d.fd >= 0)
		close(d.fd);
	for (size_t i = 0; i < d.n_made; i++)
		close(d.made[i]);
	return -1;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "allow-gid", required_argument, NULL, 'g' },
		{ "exit-with-parent", no_argument, NULL, 'p' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		/* Hidden, for tests: proves the seccomp filter kills the process. */
		{ "seccomp-test-violation", no_argument, NULL, 'X' },
		/* Hidden test double: module reads of DEV sleep MS first, standing
		 * for a driver that hangs on its module EEPROM. */
		{ "test-slow-module-read", required_argument, NULL, 'M' },
		/* Hidden, for tests: tiny receive buffers for the conntrack DESTROY
		 * events and the link notifications force overruns. */
		{ "test-event-rcvbuf", required_argument, NULL, 'R' },
		{ 0 },
	};
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	const char *socket_path = NULL;
	int exit_with_parent = 0;
	pid_t parent = getppid();
	int opt;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 's':
			socket_path = optarg;
			break;
		case 'g': {
			char *end;
			errno = 0;
			unsigned long gid = strtoul(optarg, &end, 10);
			if (errno || *optarg == '\0' || *end != '\0' || gid >= (gid_t)-1) {
				log_msg(0, "--allow-gid %s: not a numeric gid", optarg);
				return 2;
			}
			privileges_allow_gid((gid_t)gid);
			break;
		}
		case 'p':
			exit_with_parent = 1;
			break;
		case 'V':
			printf("ethtrack-helper %s\n", ETHTRACK_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		case 'X':
			seccomp_test_violation();
			break;
		case 'M':
			log_msg(0, "test double: module reads of %s are slowed", optarg);
			ethnl_test_slow_module(optarg);
			break;
		case 'R': {
			char *end;
			errno = 0;
			long bytes = strtol(optarg, &end, 10);
			if (errno || *optarg == '\0' || *end != '\0' || bytes < 1 || bytes > INT32_MAX) {
				log_msg(0, "--test-event-rcvbuf %s: not a byte count", optarg);
				return 2;
			}
			ct_events_test_rcvbuf((int)bytes);
			link_watch_test_rcvbuf((int)bytes);
			break;
		}
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || !socket_path || !*socket_path) {
		log_msg(0, "--socket is required");
		usage(stderr);
		return 2;
	}

	if (privileges_drop() < 0)
		return 1;
	if (exit_with_parent) {
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent) {
			log_msg(0, "parent already gone");
			return 1;
		}
	}

	/* Blocked before gRPC starts threads, so every thread inherits the mask
	 * and the signals arrive only through the signalfd. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &stop, NULL) < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	int signal_fd = signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK);
	if (signal_fd < 0) {
		log_msg(errno, "signalfd");
		return 1;
	}

	if (ethtool_init() < 0)
		return 1;
	int listen_fd = listen_unix(socket_path);
	if (listen_fd < 0)
		return 1;
	if (privileges_restrict() < 0)
		return 1;

	/* The socket file stays: seccomp allows no unlink, and the next helper
	 * removes a stale socket before binding. */
	int status = server_run(listen_fd, signal_fd);
	close(listen_fd);
	return status;
}
