/*
 * bench_sessions.c — benchmark 3 of bench/run.sh: WTSEnumerateSessionsW with a large session
 * registry, against the same call with the registry as a fresh wtsd has it (session 0 only).
 *
 *	bench_sessions [-s SESSIONS] [-n CALLS] [-u UID]
 *
 * Needs a wtsd of its own (OPENWTS_SOCKET) that nothing else uses, and root or wtsd's admin
 * group, because it fills the registry: it
 *   1. times CALLS calls of WTSEnumerateSessionsW + WTSFreeMemory on the fresh registry (the
 *      baseline) and reads wtsd's VmRSS and VmHWM from /proc/<pid>/status;
 *   2. creates SESSIONS sessions for UID (default 65534, nobody) with SESSION_CREATE requests —
 *      what `wtsctl create-session UID` sends, without a process per session — and times that;
 *   3. times CALLS calls again and reads the memory figures again.
 * In 1 and 3 it also times the bare protocol exchange (SESSION_ENUM request, reply received,
 * nothing decoded) to show how the time of a call divides between wtsd plus the socket and the
 * library's decoding and packing, and prints the size of the reply.
 *
 * wtsd's pid comes from SO_PEERCRED of a connection to its socket. Sessions created here stay in
 * that wtsd's registry, state directory and cgroup tree: bench/run.sh runs this under
 * tests/with-wtsd.sh, which throws all of it away.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <wtsapi32.h>

#include "bench_util.h"
#include "owts_client.h"
#include "owts_paths.h"
#include "owts_wire.h"

#define WARMUP_CALLS 5

/* Returns the pid of the process listening on the control socket, or -errno. */
static pid_t daemon_pid(void)
{
	const char *path = owts_socket_path();
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int r = 0;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		r = -errno;
	close(fd);
	return r < 0 ? r : cred.pid;
}

/*
 * Sends one request of op — with_uid adds the body of SESSION_CREATE: uid and no program — and
 * receives the reply. Returns the reply's total size in bytes, or -1 after a message (also for a
 * reply with a non-zero status).
 */
static long exchange(uint16_t op, uint32_t uid, bool with_uid)
{
	struct owts_writer w;
	if (owts_writer_begin(&w, op, 1, 0) < 0)
		return -1;
	if (with_uid) {
		owts_write_u32(&w, uid);
		owts_write_u32(&w, 0); /* argc: no program */
	}
	uint8_t *rbuf = NULL;
	struct owts_frame f;
	int r = owts_client_request(&w, &rbuf, &f);
	owts_writer_free(&w);
	if (r < 0) {
		fprintf(stderr, "bench_sessions: %s: %s\n", owts_op_name(op), strerror(-r));
		return -1;
	}
	long size = (long)(f.body_len + OWTS_FRAME_HEADER);
	if (f.status) {
		fprintf(stderr, "bench_sessions: %s: Windows error %u\n", owts_op_name(op),
		        f.status);
		size = -1;
	}
	free(rbuf);
	return size;
}

/* One WTSEnumerateSessionsW + WTSFreeMemory. Returns ns (and the count), or 0 after a message. */
static uint64_t time_enum(DWORD *count)
{
	PWTS_SESSION_INFOW info = NULL;
	uint64_t t0 = bench_clock_ns();
	if (!WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, count)) {
		fprintf(stderr, "bench_sessions: WTSEnumerateSessionsW: error %u\n",
		        (unsigned)GetLastError());
		return 0;
	}
	WTSFreeMemory(info);
	uint64_t t = bench_clock_ns() - t0;
	return t ? t : 1;
}

/* Times calls enumerations (and as many bare exchanges) and prints them under prefix. */
static int measure(const char *prefix, unsigned long calls, pid_t wtsd)
{
	uint64_t *api = calloc(calls, sizeof(*api));
	uint64_t *raw = calloc(calls, sizeof(*raw));
	DWORD count = 0;
	long reply = 0;
	int r = api && raw ? 0 : -1;
	for (unsigned long i = 0; r == 0 && i < WARMUP_CALLS + calls; i++) {
		uint64_t t_api = time_enum(&count);
		uint64_t t0 = bench_clock_ns();
		reply = exchange(OWTS_OP_SESSION_ENUM, 0, false);
		uint64_t t_raw = bench_clock_ns() - t0;
		if (!t_api || reply < 0)
			r = -1;
		else if (i >= WARMUP_CALLS) {
			api[i - WARMUP_CALLS] = t_api;
			raw[i - WARMUP_CALLS] = t_raw;
		}
	}
	uint64_t rss = 0, hwm = 0;
	if (r == 0 && bench_proc_memory(wtsd, &rss, &hwm) < 0)
		fprintf(stderr, "bench_sessions: no memory figures of wtsd pid %d\n", (int)wtsd);
	if (r == 0) {
		struct bench_stats s;
		printf("%s.count=%u\n", prefix, (unsigned)count);
		printf("%s.calls=%lu\n", prefix, calls);
		printf("%s.reply_bytes=%ld\n", prefix, reply);
		bench_stats_compute(api, calls, &s);
		bench_stats_print(prefix, &s);
		char raw_prefix[64];
		snprintf(raw_prefix, sizeof(raw_prefix), "%s.exchange", prefix);
		bench_stats_compute(raw, calls, &s);
		bench_stats_print(raw_prefix, &s);
		printf("%s.wtsd_rss_kib=%llu\n", prefix, (unsigned long long)rss);
		printf("%s.wtsd_hwm_kib=%llu\n", prefix, (unsigned long long)hwm);
	}
	free(api);
	free(raw);
	return r;
}

static int usage(void)
{
	fprintf(stderr, "usage: bench_sessions [-s SESSIONS] [-n CALLS] [-u UID]\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long sessions = 10000, calls = 200, uid = 65534;
	for (int c; (c = getopt(argc, argv, "s:n:u:")) != -1;) {
		if (c == 's')
			sessions = bench_parse_count("-s", optarg, 1, 1000000);
		else if (c == 'n')
			calls = bench_parse_count("-n", optarg, 1, 1000000);
		else if (c == 'u')
			uid = bench_parse_count("-u", optarg, 0, UINT32_MAX - 1);
		else
			return usage();
	}
	if (optind != argc)
		return usage();
	pid_t wtsd = daemon_pid();
	if (wtsd < 0) {
		fprintf(stderr, "bench_sessions: no wtsd on %s: %s\n", owts_socket_path(),
		        strerror(-wtsd));
		return 1;
	}
	printf("sessions.wtsd_pid=%d\n", (int)wtsd);
	if (measure("sessions.base", calls, wtsd) < 0)
		return 1;
	uint64_t t0 = bench_clock_ns();
	for (unsigned long i = 0; i < sessions; i++) {
		if (exchange(OWTS_OP_SESSION_CREATE, (uint32_t)uid, true) < 0) {
			fprintf(stderr, "bench_sessions: created %lu of %lu sessions\n", i,
			        sessions);
			return 1;
		}
	}
	double secs = (double)(bench_clock_ns() - t0) / 1e9;
	printf("sessions.created=%lu\n", sessions);
	printf("sessions.create_s=%.3f\n", secs);
	printf("sessions.create_per_s=%.0f\n", (double)sessions / secs);
	return measure("sessions.full", calls, wtsd) < 0 ? 1 : 0;
}
