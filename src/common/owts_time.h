/*
 * owts_time.h — Windows FILETIME (100 ns intervals since 1601-01-01 UTC) from Unix time, and the
 * monotonic milliseconds that deadlines and timeouts are counted in.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OWTS_TIME_H
#define OWTS_TIME_H

#include <stdint.h>
#include <time.h>

#define OWTS_FILETIME_UNIX_EPOCH 116444736000000000ull

/* FILETIME of a timespec (UTC). */
static inline uint64_t owts_filetime(const struct timespec *ts)
{
	return OWTS_FILETIME_UNIX_EPOCH + (uint64_t)ts->tv_sec * 10000000ull +
	       (uint64_t)ts->tv_nsec / 100u;
}

/* FILETIME of now. */
static inline uint64_t owts_filetime_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return owts_filetime(&ts);
}

/* Milliseconds of CLOCK_MONOTONIC: for deadlines, never for dates. */
static inline uint64_t owts_monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

#endif /* OWTS_TIME_H */
