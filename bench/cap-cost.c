/* cap-cost: what raising CAP_NET_ADMIN around a call costs. Links the
 * helper's own privileges.c and seccomp.c, restricts itself exactly as the
 * helper does (CAP_NET_ADMIN permitted only, no_new_privs, the seccomp
 * filter), then times raise+lower pairs, the pair each ctnetlink send of
 * the helper now pays. Needs CAP_NET_ADMIN (run as root).
 *
 *   cap-cost [pairs]    prints the median ns per pair over 9 rounds */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "helper.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long pairs = argc > 1 ? atol(argv[1]) : 100000;
	double rounds[9];

	if (pairs <= 0 || privileges_restrict() < 0)
		return 2;
	if (net_admin_raise() < 0) {
		fprintf(stderr, "cap-cost: CAP_NET_ADMIN is not permitted\n");
		return 1;
	}
	net_admin_lower();
	for (size_t r = 0; r < sizeof(rounds) / sizeof(rounds[0]); r++) {
		double start = now_ns();
		for (long i = 0; i < pairs; i++) {
			net_admin_raise();
			net_admin_lower();
		}
		rounds[r] = (now_ns() - start) / (double)pairs;
	}
	qsort(rounds, sizeof(rounds) / sizeof(rounds[0]), sizeof(rounds[0]), by_value);
	printf("%.0f ns per raise+lower pair (%ld pairs, median of 9 rounds)\n", rounds[4], pairs);
	return 0;
}
