/*
 * bench_util.h — what the OpenWTS benchmarks share: a monotonic clock, sample statistics, option
 * parsing and reading a process's memory figures.
 *
 * Every benchmark measures OpenWTS and a baseline in the same run, interleaving the two so that
 * a change of machine load hits both, and reports medians: one slow sample (a page-cache miss, a
 * scheduler hiccup) moves a median much less than a mean. Results go to stdout as "key=value"
 * lines that bench/run.sh turns into its table; commentary goes to stderr.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_BENCH_UTIL_H
#define OPENWTS_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Nanoseconds of CLOCK_MONOTONIC. */
uint64_t bench_clock_ns(void);

/* Summary of a set of samples (nanoseconds). */
struct bench_stats
{
	uint64_t min;
	uint64_t median; /* the middle sample; mean of the two middle ones for an even count */
	uint64_t p90;    /* the sample at rank ceil(0.9 n) */
	uint64_t max;
};

/*
 * Sorts samples[0..n) in place and summarises them into *out. n must be > 0.
 */
void bench_stats_compute(uint64_t *samples, size_t n, struct bench_stats *out);

/*
 * Prints "<prefix>.min_ms=…", ".median_ms=…", ".p90_ms=…" and ".max_ms=…" to stdout, in
 * milliseconds with microsecond resolution.
 */
void bench_stats_print(const char *prefix, const struct bench_stats *s);

/*
 * Parses a decimal count in [min, max] for option opt. Exits with status 2 and a message on
 * anything else (the benchmarks' callers are scripts: a typo should stop the run).
 */
unsigned long bench_parse_count(const char *opt, const char *arg, unsigned long min,
                                unsigned long max);

/*
 * Reads the "VmRSS:" and "VmHWM:" lines of /proc/<pid>/status, in KiB. Returns 0 with both
 * written, or -errno (-ENOENT for a missing line).
 */
int bench_proc_memory(pid_t pid, uint64_t *rss_kib, uint64_t *hwm_kib);

#endif /* OPENWTS_BENCH_UTIL_H */
