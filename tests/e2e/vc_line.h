/*
 * vc_line.h — what the programs of the channel tests share to report: a monotonic clock in ms
 * and a printf-style line appended to a file descriptor in one write(), so lines of several
 * processes or threads never interleave. Header-only: the apps (vc_app, vc_server_app) and the
 * client plug-in (which must need nothing but libc) include it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VC_LINE_H
#define VC_LINE_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t vc_line_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Writes the formatted line (at most 1 KiB, newline added) to fd in one write(). */
static inline void vc_line_vwrite(int fd, const char *fmt, va_list ap)
{
	char line[1024];
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	if (n < 0 || fd < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	ssize_t w = write(fd, line, (size_t)n);
	(void)w;
}

#endif /* VC_LINE_H */
