/*
 * bench_processes.c — benchmark 1 of bench/run.sh: WTSEnumerateProcessesExW at level 1 and
 * level 0 for WTS_ANY_SESSION, against `ps -e -o pid,sess,uid,comm`.
 *
 *	bench_processes [-n REPS] [-w WARMUP]
 *
 * ps is what an administrator runs for the same facts (pid, session, user, name). It is timed as
 * a whole command — posix_spawn, its run with stdout on /dev/null, waitpid — since that is what
 * the answer costs a script. WTSEnumerateProcessesExW is timed from the call to the
 * WTSFreeMemoryExW of its block: round trip to wtsd, the daemon's /proc scan, the packing into
 * WTS_PROCESS_INFO_EXW records. Each repetition runs ps, level 1 and level 0 back to back, so a
 * change of load affects all three alike; the medians go to stdout as key=value lines.
 *
 * Before timing, one level-1 call checks that the scenario is what bench/run.sh set up: how many
 * processes, how many of them in wtsd sessions (ids >= 2), in how many sessions.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <wtsapi32.h>

#include "bench_util.h"

#define FIRST_CREATED_SESSION 2 /* wtsd: 0 is Services, 1 the console, created ones from 2 */

extern char **environ;

static char *const ps_argv[] = {"ps", "-e", "-o", "pid,sess,uid,comm", NULL};

/*
 * Runs ps with stdout on out_fd (or /dev/null for -1) and waits for it. Returns 0 if it exited
 * with status 0, -1 otherwise (after a message).
 */
static int run_ps(int out_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (out_fd < 0)
		posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	else
		posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	pid_t pid;
	int e = posix_spawnp(&pid, ps_argv[0], &fa, NULL, ps_argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (e) {
		fprintf(stderr, "bench_processes: cannot run ps: %s\n", strerror(e));
		return -1;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("bench_processes: waitpid");
			return -1;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_processes: ps failed (status %#x)\n", (unsigned)status);
		return -1;
	}
	return 0;
}

/* Counts the data rows ps prints (its output minus the header). Returns the count or -1. */
static long ps_rows(void)
{
	FILE *tmp = tmpfile();
	if (!tmp) {
		perror("bench_processes: tmpfile");
		return -1;
	}
	long lines = -1;
	if (run_ps(fileno(tmp)) == 0) {
		rewind(tmp);
		lines = 0;
		for (int c; (c = getc(tmp)) != EOF;)
			lines += c == '\n';
		lines -= 1;
	}
	fclose(tmp);
	return lines;
}

/* Times one WTSEnumerateProcessesExW + WTSFreeMemoryExW. Returns ns, or 0 after a message. */
static uint64_t time_enum(DWORD level)
{
	DWORD lvl = level, count = 0;
	LPWSTR info = NULL;
	uint64_t t0 = bench_clock_ns();
	if (!WTSEnumerateProcessesExW(WTS_CURRENT_SERVER_HANDLE, &lvl, WTS_ANY_SESSION, &info,
	                              &count)) {
		fprintf(stderr, "bench_processes: WTSEnumerateProcessesExW level %u: error %u\n",
		        (unsigned)level, (unsigned)GetLastError());
		return 0;
	}
	WTSFreeMemoryExW(level ? WTSTypeProcessInfoLevel1 : WTSTypeProcessInfoLevel0, info, count);
	uint64_t t = bench_clock_ns() - t0;
	return t ? t : 1;
}

static int cmp_dword(const void *a, const void *b)
{
	DWORD x = *(const DWORD *)a, y = *(const DWORD *)b;
	return (x > y) - (x < y);
}

/* Prints what one level-1 enumeration sees. Returns 0, or -1 if the call fails. */
static int describe_scenario(void)
{
	DWORD level = 1, count = 0;
	LPWSTR info = NULL;
	if (!WTSEnumerateProcessesExW(WTS_CURRENT_SERVER_HANDLE, &level, WTS_ANY_SESSION, &info,
	                              &count)) {
		fprintf(stderr, "bench_processes: WTSEnumerateProcessesExW: error %u\n",
		        (unsigned)GetLastError());
		return -1;
	}
	const WTS_PROCESS_INFO_EXW *p = (const WTS_PROCESS_INFO_EXW *)info;
	DWORD *ids = calloc(count ? count : 1, sizeof(*ids));
	DWORD in_sessions = 0, sessions = 0;
	for (DWORD i = 0; ids && i < count; i++) {
		if (p[i].SessionId >= FIRST_CREATED_SESSION)
			ids[in_sessions++] = p[i].SessionId;
	}
	if (ids) {
		qsort(ids, in_sessions, sizeof(*ids), cmp_dword);
		for (DWORD i = 0; i < in_sessions; i++)
			sessions += i == 0 || ids[i] != ids[i - 1];
	}
	free(ids);
	WTSFreeMemoryExW(WTSTypeProcessInfoLevel1, info, count);
	printf("processes.count=%u\n", (unsigned)count);
	printf("processes.in_sessions=%u\n", (unsigned)in_sessions);
	printf("processes.sessions=%u\n", (unsigned)sessions);
	printf("processes.ps_rows=%ld\n", ps_rows());
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: bench_processes [-n REPS] [-w WARMUP]\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long reps = 21, warmup = 2;
	for (int c; (c = getopt(argc, argv, "n:w:")) != -1;) {
		if (c == 'n')
			reps = bench_parse_count("-n", optarg, 1, 100000);
		else if (c == 'w')
			warmup = bench_parse_count("-w", optarg, 0, 1000);
		else
			return usage();
	}
	if (optind != argc)
		return usage();
	if (describe_scenario() < 0)
		return 1;
	uint64_t *ps = calloc(reps, sizeof(*ps));
	uint64_t *l1 = calloc(reps, sizeof(*l1));
	uint64_t *l0 = calloc(reps, sizeof(*l0));
	if (!ps || !l1 || !l0) {
		perror("bench_processes");
		return 1;
	}
	for (unsigned long i = 0; i < warmup + reps; i++) {
		uint64_t t0 = bench_clock_ns();
		if (run_ps(-1) < 0)
			return 1;
		uint64_t t_ps = bench_clock_ns() - t0;
		uint64_t t_l1 = time_enum(1);
		uint64_t t_l0 = time_enum(0);
		if (!t_l1 || !t_l0)
			return 1;
		if (i >= warmup) {
			ps[i - warmup] = t_ps;
			l1[i - warmup] = t_l1;
			l0[i - warmup] = t_l0;
		}
	}
	struct bench_stats s;
	printf("processes.reps=%lu\n", reps);
	bench_stats_compute(ps, reps, &s);
	bench_stats_print("processes.ps", &s);
	bench_stats_compute(l1, reps, &s);
	bench_stats_print("processes.level1", &s);
	bench_stats_compute(l0, reps, &s);
	bench_stats_print("processes.level0", &s);
	free(ps);
	free(l1);
	free(l0);
	return 0;
}
