/*
 * bench_pid_session.c — benchmark 2 of bench/run.sh: ProcessIdToSessionId against libsystemd's
 * sd_pid_get_session, on the same pids.
 *
 *	bench_pid_session [-r ROUNDS] [-w WARMUP]
 *
 * The pid set is every process in /proc when the program starts (bench/run.sh has a few
 * thousand running, some inside wtsd sessions). One round calls one function once per pid; a
 * round's time over the number of pids is that function's rate. The two functions alternate
 * which goes first from round to round, and the medians of the rounds give the rates.
 *
 * Both answer from /proc/<pid>/cgroup: ProcessIdToSessionId finds the wtsd session cgroup there
 * (asking wtsd only on its first call, to learn that wtsd tracks sessions by cgroup), and
 * sd_pid_get_session looks for a logind session scope. Without logind it fails, mostly with
 * -ENODATA, after the same read; the failures are counted by kind and reported. A process that
 * exits during the run makes both fail for its pid; counted too.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-login.h>
#include <wtsapi32.h>

#include "bench_util.h"

#define FIRST_CREATED_SESSION 2 /* wtsd: 0 is Services, 1 the console, created ones from 2 */

/* Outcomes of one round. */
struct tally
{
	unsigned long ok;
	unsigned long in_sessions; /* ProcessIdToSessionId: ok with a session id >= 2 */
	unsigned long enodata;     /* sd_pid_get_session: -ENODATA */
	unsigned long esrch;       /* sd_pid_get_session: -ESRCH (process gone) */
	unsigned long other;       /* any other failure */
};

/* Reads the pids under /proc into a new array. Returns the count, or -1 after a message. */
static long collect_pids(DWORD **out)
{
	DIR *d = opendir("/proc");
	if (!d) {
		perror("bench_pid_session: /proc");
		return -1;
	}
	size_t n = 0, cap = 4096;
	DWORD *pids = malloc(cap * sizeof(*pids));
	for (struct dirent *e; pids && (e = readdir(d));) {
		char *end;
		unsigned long v = strtoul(e->d_name, &end, 10);
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || *end || v > UINT32_MAX)
			continue;
		if (n == cap) {
			DWORD *p = realloc(pids, 2 * cap * sizeof(*pids));
			if (!p) {
				free(pids);
				pids = NULL;
				break;
			}
			pids = p;
			cap *= 2;
		}
		pids[n++] = (DWORD)v;
	}
	closedir(d);
	if (!pids) {
		perror("bench_pid_session");
		return -1;
	}
	*out = pids;
	return (long)n;
}

/* One round of ProcessIdToSessionId over pids. Returns its time in ns. */
static uint64_t round_wts(const DWORD *pids, size_t n, struct tally *t)
{
	memset(t, 0, sizeof(*t));
	uint64_t t0 = bench_clock_ns();
	for (size_t i = 0; i < n; i++) {
		DWORD id;
		if (ProcessIdToSessionId(pids[i], &id)) {
			t->ok++;
			t->in_sessions += id >= FIRST_CREATED_SESSION;
		} else {
			t->other++;
		}
	}
	return bench_clock_ns() - t0;
}

/* One round of sd_pid_get_session over pids. Returns its time in ns. */
static uint64_t round_sd(const DWORD *pids, size_t n, struct tally *t)
{
	memset(t, 0, sizeof(*t));
	uint64_t t0 = bench_clock_ns();
	for (size_t i = 0; i < n; i++) {
		char *session = NULL;
		int r = sd_pid_get_session((pid_t)pids[i], &session);
		if (r >= 0)
			t->ok++;
		else if (r == -ENODATA)
			t->enodata++;
		else if (r == -ESRCH)
			t->esrch++;
		else
			t->other++;
		free(session);
	}
	return bench_clock_ns() - t0;
}

static int usage(void)
{
	fprintf(stderr, "usage: bench_pid_session [-r ROUNDS] [-w WARMUP]\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long rounds = 31, warmup = 2;
	for (int c; (c = getopt(argc, argv, "r:w:")) != -1;) {
		if (c == 'r')
			rounds = bench_parse_count("-r", optarg, 1, 100000);
		else if (c == 'w')
			warmup = bench_parse_count("-w", optarg, 0, 1000);
		else
			return usage();
	}
	if (optind != argc)
		return usage();
	DWORD *pids = NULL;
	long n = collect_pids(&pids);
	if (n <= 0)
		return 1;
	uint64_t *wts = calloc(rounds, sizeof(*wts));
	uint64_t *sd = calloc(rounds, sizeof(*sd));
	if (!wts || !sd) {
		perror("bench_pid_session");
		return 1;
	}
	struct tally tw, ts;
	for (unsigned long i = 0; i < warmup + rounds; i++) {
		uint64_t a, b;
		if (i % 2) {
			b = round_sd(pids, (size_t)n, &ts);
			a = round_wts(pids, (size_t)n, &tw);
		} else {
			a = round_wts(pids, (size_t)n, &tw);
			b = round_sd(pids, (size_t)n, &ts);
		}
		if (i >= warmup) {
			wts[i - warmup] = a;
			sd[i - warmup] = b;
		}
	}
	/* The tallies are those of the last round. */
	printf("pidsession.pids=%ld\n", n);
	printf("pidsession.rounds=%lu\n", rounds);
	printf("pidsession.wts_ok=%lu\n", tw.ok);
	printf("pidsession.wts_in_sessions=%lu\n", tw.in_sessions);
	printf("pidsession.wts_failed=%lu\n", tw.other);
	printf("pidsession.sd_ok=%lu\n", ts.ok);
	printf("pidsession.sd_enodata=%lu\n", ts.enodata);
	printf("pidsession.sd_esrch=%lu\n", ts.esrch);
	printf("pidsession.sd_other=%lu\n", ts.other);
	struct bench_stats s;
	bench_stats_compute(wts, rounds, &s);
	bench_stats_print("pidsession.wts_round", &s);
	printf("pidsession.wts_per_s=%.0f\n", (double)n / ((double)s.median / 1e9));
	bench_stats_compute(sd, rounds, &s);
	bench_stats_print("pidsession.sd_round", &s);
	printf("pidsession.sd_per_s=%.0f\n", (double)n / ((double)s.median / 1e9));
	free(wts);
	free(sd);
	free(pids);
	return 0;
}
