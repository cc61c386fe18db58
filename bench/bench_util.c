/*
 * bench_util.c — clock, statistics, option parsing and /proc memory figures for the benchmarks
 * (see bench_util.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"

uint64_t bench_clock_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

void bench_stats_compute(uint64_t *samples, size_t n, struct bench_stats *out)
{
	qsort(samples, n, sizeof(*samples), cmp_u64);
	out->min = samples[0];
	out->max = samples[n - 1];
	out->median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
	size_t rank = (n * 9 + 9) / 10; /* ceil(0.9 n), 1-based */
	out->p90 = samples[rank - 1];
}

void bench_stats_print(const char *prefix, const struct bench_stats *s)
{
	printf("%s.min_ms=%.3f\n", prefix, (double)s->min / 1e6);
	printf("%s.median_ms=%.3f\n", prefix, (double)s->median / 1e6);
	printf("%s.p90_ms=%.3f\n", prefix, (double)s->p90 / 1e6);
	printf("%s.max_ms=%.3f\n", prefix, (double)s->max / 1e6);
}

unsigned long bench_parse_count(const char *opt, const char *arg, unsigned long min,
                                unsigned long max)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max) {
		fprintf(stderr, "%s: expected a number from %lu to %lu, got \"%s\"\n", opt, min,
		        max, arg);
		exit(2);
	}
	return v;
}

/* Parses the kB value of a status line after its key. Returns 0 or -EBADMSG. */
static int status_value(const char *line, size_t keylen, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(line + keylen, &end, 10);
	if (errno || end == line + keylen)
		return -EBADMSG;
	*out = v;
	return 0;
}

int bench_proc_memory(pid_t pid, uint64_t *rss_kib, uint64_t *hwm_kib)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	char line[256];
	uint64_t rss = 0, hwm = 0;
	int found = 0, r = 0;
	while (r == 0 && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "VmRSS:", 6) == 0) {
			r = status_value(line, 6, &rss);
			found |= 1;
		} else if (strncmp(line, "VmHWM:", 6) == 0) {
			r = status_value(line, 6, &hwm);
			found |= 2;
		}
	}
	fclose(f);
	if (r < 0)
		return r;
	if (found != 3)
		return -ENOENT;
	*rss_kib = rss;
	*hwm_kib = hwm;
	return 0;
}
