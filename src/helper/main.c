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
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
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

#include "helper.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: ethtrack-helper --socket PATH [--allow-gid GID] [--exit-with-parent]\n"
		     "       ethtrack-helper --version\n");
}

/* Creates the missing directories leading to path's parent with mode 0750;
 * *first_made is the length of the first one it made (0 when none). */
static int make_parent_dirs(const char *path, size_t *first_made)
{
	char dir[PATH_MAX];
	*first_made = 0;
	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return errno = ENAMETOOLONG, -1;
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(dir, 0750) == 0) {
			if (!*first_made)
				*first_made = (size_t)(p - dir);
		} else if (errno != EEXIST) {
			return -1;
		}
		*p = c;
		if (!c)
			break;
	}
	return 0;
}

/* With --allow-gid the socket, and every directory the helper made on the
 * way to it, belong to that group, so its members can reach the socket. */
static int share_with_group(const char *path, size_t first_made)
{
	gid_t gid;
	if (!privileges_allowed_gid(&gid))
		return 0;
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	for (;;) {
		if (chown(dir, (uid_t)-1, gid) < 0) {
			fprintf(stderr, "ethtrack-helper: --socket %s: giving %s to group %u: %s\n", path,
				dir, (unsigned)gid, strerror(errno));
			return -1;
		}
		char *slash = strrchr(dir, '/');
		if (!first_made || !slash || (size_t)(slash - dir) < first_made)
			return 0;
		*slash = '\0';
	}
}

/* A socket file left by a dead helper is removed; a live one is an error, and
 * so is anything at PATH that is not a socket. */
static int remove_stale_socket(const struct sockaddr_un *addr)
{
	struct stat st;
	if (lstat(addr->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode))
		return errno = EEXIST, -1;
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe < 0)
		return -1;
	int live = connect(probe, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
	close(probe);
	if (live)
		return errno = EADDRINUSE, -1;
	return unlink(addr->sun_path);
}

static int listen_unix(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "ethtrack-helper: --socket %s: path too long\n", path);
		return -1;
	}
	strcpy(addr.sun_path, path);
	size_t first_made;
	if (make_parent_dirs(path, &first_made) < 0) {
		fprintf(stderr, "ethtrack-helper: --socket %s: creating directory: %s\n", path,
			strerror(errno));
		return -1;
	}
	if (remove_stale_socket(&addr) < 0) {
		fprintf(stderr, "ethtrack-helper: --socket %s: %s\n", path,
			errno == EADDRINUSE ? "another helper is listening" :
			errno == EEXIST	    ? "exists and is not a socket" :
					      strerror(errno));
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		fprintf(stderr, "ethtrack-helper: socket: %s\n", strerror(errno));
		return -1;
	}
	/* The umask makes the file 0660 from the start; chmod makes it 0660
	 * whatever umask the parent gave us. */
	mode_t old = umask(0117);
	int rc = bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old);
	if (rc < 0 || chmod(path, 0660) < 0 || listen(fd, 64) < 0) {
		fprintf(stderr, "ethtrack-helper: --socket %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (share_with_group(path, first_made) < 0) {
		close(fd);
		return -1;
	}
	return fd;
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
		{ 0 },
	};
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
				fprintf(stderr, "ethtrack-helper: --allow-gid %s: not a numeric gid\n",
					optarg);
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
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || !socket_path || !*socket_path) {
		fprintf(stderr, "ethtrack-helper: --socket is required\n");
		usage(stderr);
		return 2;
	}

	if (privileges_drop() < 0)
		return 1;
	if (exit_with_parent) {
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent) {
			fprintf(stderr, "ethtrack-helper: parent already gone\n");
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
		fprintf(stderr, "ethtrack-helper: signalfd: %s\n", strerror(errno));
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
