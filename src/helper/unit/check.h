/* The unit cases' check: reports a failed condition with its place and goes
 * on, counting it in the `failures` in scope. */
#ifndef ETHTRACK_UNIT_CHECK_H
#define ETHTRACK_UNIT_CHECK_H

#include <stdio.h>

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (!(cond)) {                                            \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                     \
			fprintf(stderr, "\n");                            \
			failures++;                                       \
		}                                                         \
	} while (0)

#endif
