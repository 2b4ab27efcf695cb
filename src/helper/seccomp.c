/* The seccomp allow-list: what the helper and gRPC's threads call once the
 * socket listens, found by running the helper under `strace -f` through
 * every RPC. Anything else kills the whole process (SIGSYS).
 *
 * Where an argument says what a call does, it is checked too:
 *  - ioctl: SIOCETHTOOL (the ethtool handlers), FIONREAD/FIONBIO (gRPC's
 *    socket code) and TCGETS (stdio asking whether stderr is a terminal);
 *  - socket: netlink only, NETLINK_ROUTE (if_nameindex),
 *    NETLINK_NETFILTER (ctnetlink) and NETLINK_GENERIC (ethtool netlink); the ethtool socket and the listening
 *    socket are opened before the filter;
 *  - openat: read-only, never creating or truncating (/proc, /sys);
 *  - mmap/mprotect: never executable memory;
 *  - prctl: thread names and reading the bounding set;
 *  - clone: threads only (CLONE_THREAD); clone3, whose flags seccomp cannot
 *    read, fails with ENOSYS so glibc falls back to clone. No fork, no exec.
 * Nothing that writes to the file system is allowed: not unlink, so the
 * socket file stays after exit and the next helper removes it as stale. */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "helper.h"

/* Called with any arguments. */
static const int plain[] = {
	/* threads, memory, time */
	SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(munmap),
	SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(brk), SCMP_SYS(exit), SCMP_SYS(exit_group),
	SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity), SCMP_SYS(sched_getparam),
	SCMP_SYS(sched_getscheduler), SCMP_SYS(getrandom), SCMP_SYS(gettid),
	SCMP_SYS(getpid), SCMP_SYS(getppid), SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid),
	SCMP_SYS(getegid), SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres), SCMP_SYS(gettimeofday),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep), SCMP_SYS(uname), SCMP_SYS(capget),
	SCMP_SYS(restart_syscall),
	/* net_admin_raise/lower: the kernel lets a thread move CAP_NET_ADMIN
	 * between its permitted and effective sets and never beyond permitted
	 * (its arguments are pointers, which seccomp cannot read) */
	SCMP_SYS(capset),
	/* glibc's qsort asks for the machine's memory before sorting a large array */
	SCMP_SYS(sysinfo),
	/* signals (abort() included, so a failed assert still reports) */
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigreturn), SCMP_SYS(tgkill),
	SCMP_SYS(sigaltstack),
	/* descriptors and gRPC's event engine */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(close), SCMP_SYS(lseek),
	SCMP_SYS(pread64), SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(statx), SCMP_SYS(access),
	SCMP_SYS(faccessat), SCMP_SYS(faccessat2), SCMP_SYS(fcntl), SCMP_SYS(dup),
	SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait),
	SCMP_SYS(eventfd2), SCMP_SYS(poll), SCMP_SYS(ppoll),
	/* sockets: the accepted unix connections and netlink */
	SCMP_SYS(accept4), SCMP_SYS(bind), SCMP_SYS(getsockname), SCMP_SYS(getpeername),
	SCMP_SYS(getsockopt), SCMP_SYS(setsockopt), SCMP_SYS(shutdown), SCMP_SYS(sendto),
	SCMP_SYS(sendmsg), SCMP_SYS(recvfrom), SCMP_SYS(recvmsg),
};

#ifdef ETHTRACK_SANITIZED
/* The sanitizer build (tests only) allows more, still killing on anything
 * else: ASan/UBSan reading /proc/self/maps and unwinding for a report, and
 * LeakSanitizer's check at exit, which clones a task (not a thread) that
 * stops our threads with ptrace while it scans memory. */
static const int sanitizer[] = {
	SCMP_SYS(readlink), SCMP_SYS(readlinkat), SCMP_SYS(getrlimit), SCMP_SYS(prlimit64),
	SCMP_SYS(getdents), SCMP_SYS(getdents64), SCMP_SYS(stat), SCMP_SYS(lstat),
	SCMP_SYS(process_vm_readv), SCMP_SYS(pipe2), SCMP_SYS(wait4),
	SCMP_SYS(waitid), SCMP_SYS(kill), SCMP_SYS(mincore), SCMP_SYS(ptrace), SCMP_SYS(clone),
};
#endif

static bool test_violation;

void seccomp_test_violation(void)
{
	test_violation = true;
}

static int rule(scmp_filter_ctx ctx, int sys, unsigned n, const struct scmp_arg_cmp *cmp)
{
	int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, sys, n, cmp);
	if (rc < 0)
		log_msg(-rc, "seccomp rule for syscall %d", sys);
	return rc;
}

#define RULE(ctx, sys, ...)                                                                     \
	rule(ctx, SCMP_SYS(sys), sizeof((struct scmp_arg_cmp[]){ __VA_ARGS__ }) /                \
					 sizeof(struct scmp_arg_cmp),                            \
	     (struct scmp_arg_cmp[]){ __VA_ARGS__ })

static int add_rules(scmp_filter_ctx ctx)
{
	int rc = 0;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		rc = rc ?: rule(ctx, plain[i], 0, NULL);
#ifdef ETHTRACK_SANITIZED
	for (size_t i = 0; i < sizeof(sanitizer) / sizeof(sanitizer[0]); i++)
		rc = rc ?: rule(ctx, sanitizer[i], 0, NULL);
	/* The sanitizer runtime names its threads and checks dumpability. */
	rc = rc ?: rule(ctx, SCMP_SYS(prctl), 0, NULL);
#else
	rc = rc ?: RULE(ctx, prctl, SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME));
	rc = rc ?: RULE(ctx, prctl, SCMP_A0(SCMP_CMP_EQ, PR_GET_NAME));
	rc = rc ?: RULE(ctx, prctl, SCMP_A0(SCMP_CMP_EQ, PR_CAPBSET_READ));
#endif
	const unsigned long ioctls[] = { SIOCETHTOOL, FIONREAD, FIONBIO, TCGETS };
	for (size_t i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++)
		rc = rc ?: RULE(ctx, ioctl, SCMP_A1(SCMP_CMP_EQ, ioctls[i]));

	rc = rc ?: RULE(ctx, socket, SCMP_A0(SCMP_CMP_EQ, AF_NETLINK),
			SCMP_A2(SCMP_CMP_EQ, NETLINK_ROUTE));
	rc = rc ?: RULE(ctx, socket, SCMP_A0(SCMP_CMP_EQ, AF_NETLINK),
			SCMP_A2(SCMP_CMP_EQ, NETLINK_NETFILTER));
	rc = rc ?: RULE(ctx, socket, SCMP_A0(SCMP_CMP_EQ, AF_NETLINK),
			SCMP_A2(SCMP_CMP_EQ, NETLINK_GENERIC));

	/* O_TMPFILE includes O_DIRECTORY; only its own bit is refused. */
	const unsigned long writing = O_ACCMODE | O_CREAT | O_TRUNC | (O_TMPFILE & ~O_DIRECTORY);
	rc = rc ?: RULE(ctx, openat, SCMP_A2(SCMP_CMP_MASKED_EQ, writing, 0));
#ifdef ETHTRACK_SANITIZED
	rc = rc ?: RULE(ctx, open, SCMP_A1(SCMP_CMP_MASKED_EQ, writing, 0));
#endif
	rc = rc ?: RULE(ctx, mmap, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	rc = rc ?: RULE(ctx, mprotect, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));

#ifndef ETHTRACK_SANITIZED
	rc = rc ?: RULE(ctx, clone, SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
#endif
	if (!rc) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
		if (rc < 0)
			log_msg(-rc, "seccomp rule for clone3");
	}
	return rc;
}

/* --seccomp-test-violation: a thread of ours calls socket(AF_PACKET), which
 * the filter does not allow; the whole process must die of SIGSYS. */
static void *violate(void *unused)
{
	(void)unused;
	sleep(1);
	log_msg(0, "--seccomp-test-violation: calling socket(AF_PACKET)");
	int fd = socket(AF_PACKET, SOCK_RAW, 0);
	log_msg(0, "socket(AF_PACKET) returned %d (%s): the filter did not kill", fd,
		fd < 0 ? strerror(errno) : "open");
	return NULL;
}

int seccomp_install(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx) {
		log_msg(0, "seccomp_init failed");
		return -1;
	}
	int rc = add_rules(ctx);
	/* no_new_privs is set by privileges_restrict(); the library need not. */
	rc = rc ?: seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* Every thread, should one already exist. */
	rc = rc ?: seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (!rc) {
		rc = seccomp_load(ctx);
		if (rc < 0)
			log_msg(-rc, "loading the seccomp filter");
	}
	seccomp_release(ctx);
	if (rc)
		return -1;
	if (test_violation) {
		pthread_t thread;
		if (pthread_create(&thread, NULL, violate, NULL) == 0)
			pthread_detach(thread);
	}
	return 0;
}
