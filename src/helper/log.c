/* The helper's one way to write to stderr, after glibc's error(3) and
 * iputils: the program's name, the message and, for a system error, what
 * strerror() says about it. Never exits; callers decide what failure means. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "helper.h"

void log_msg(int errnum, const char *fmt, ...)
{
	int saved = errno;
	char message[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	/* One fprintf, so lines from the accept thread and the main thread do
	 * not interleave. */
	if (errnum)
		fprintf(stderr, "ethtrack-helper: %s: %s\n", message, strerror(errnum));
	else
		fprintf(stderr, "ethtrack-helper: %s\n", message);
	errno = saved;
}
