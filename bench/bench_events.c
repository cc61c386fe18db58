/*
 * bench_events.c — benchmark 8 of bench/run.sh: event delivery latency, from a session state
 * change to the return of WTSWaitSystemEvent in another thread, against the round trip of a
 * trivial request (WTSQuerySessionInformationW, WTSConnectState) measured in the same run.
 *
 *	bench_events [-n EVENTS] [-u UID]
 *
 * Needs a wtsd of its own (OPENWTS_SOCKET) and root or wtsd's admin group. A waiter thread loops
 * on WTSWaitSystemEvent(WTS_CURRENT_SERVER_HANDLE, WTS_EVENT_CREATE | WTS_EVENT_DELETE) and
 * time-stamps each return. The main thread makes EVENTS changes, alternately
 *   - a session created for UID without a program (a SESSION_CREATE request, what
 *     `wtsctl create-session UID` sends: WTS_EVENT_CREATE | LOGON | STATECHANGE), and
 *   - WTSLogoffSession(that session, bWait = TRUE) (WTS_EVENT_LOGOFF | DELETE | STATECHANGE),
 * time-stamping just before the change's call (t0) and when it returned (t1), then waits for the
 * waiter's return (tw). wtsd emits the event inside the change's handler and answers waiters at
 * the end of the same main-loop turn, so the change becomes true somewhere in [t0, t1]:
 *   - delivery = tw - t1: from the change's acknowledgement to the waiter's return (the event
 *     reply leaves wtsd after the change's reply; it can be slightly negative when the waiter
 *     thread is scheduled first);
 *   - upper bound = tw - t0: includes the change's own work (a SQLite transaction synced to disk,
 *     the session's cgroup).
 * Before each change the waiter must be blocked inside wtsd again (events are not queued while
 * nobody waits): the main thread waits ARM_US after the waiter re-entered WTSWaitSystemEvent. A
 * change whose event does not arrive within 2 s is counted as missed and the wait is released
 * with WTS_EVENT_FLUSH. Between changes the baseline is timed: one
 * WTSQuerySessionInformationW(WTSConnectState) + WTSFreeMemory, a full request/reply round trip
 * through the library.
 *
 * Prints "events.*" key=value lines (stats in ms).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <wtsapi32.h>

#include "bench_util.h"
#include "owts_client.h"
#include "owts_wire.h"

#define WARMUP     6
#define ARM_US     2000
#define MISS_AFTER 2000000000ull /* ns */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static uint64_t ret_ns;  /* last return of WTSWaitSystemEvent; guarded by lock */
static uint64_t returns; /* how many returns; guarded by lock */
static DWORD ret_event;  /* the flags of the last return; guarded by lock */
static uint64_t entered; /* how many times the waiter entered the call; guarded by lock */
static bool stop;        /* guarded by lock */
static int wait_errors;  /* guarded by lock */
static bool done;        /* the waiter has left its loop; guarded by lock */

/* The waiter thread: WTSWaitSystemEvent in a loop, each return stamped and counted, until stop. */
static void *waiter(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		if (stop) {
			done = true;
			pthread_cond_broadcast(&cond);
			pthread_mutex_unlock(&lock);
			return NULL;
		}
		entered++;
		pthread_cond_broadcast(&cond);
		pthread_mutex_unlock(&lock);
		DWORD ev = 0;
		BOOL ok = WTSWaitSystemEvent(WTS_CURRENT_SERVER_HANDLE,
		                             WTS_EVENT_CREATE | WTS_EVENT_DELETE, &ev);
		uint64_t t = bench_clock_ns();
		pthread_mutex_lock(&lock);
		if (!ok) {
			wait_errors++;
			if (wait_errors > 10)
				stop = true;
		}
		ret_ns = t;
		ret_event = ev;
		returns++;
		pthread_cond_broadcast(&cond);
		pthread_mutex_unlock(&lock);
	}
}

/* SESSION_CREATE for uid, no program (as wtsctl create-session UID). Returns the new session's id,
 * or 0 after a message. */
static uint32_t create_session(uint32_t uid)
{
	struct owts_writer w;
	if (owts_writer_begin(&w, OWTS_OP_SESSION_CREATE, 1, 0) < 0)
		return 0;
	owts_write_u32(&w, uid);
	owts_write_u32(&w, 0); /* argc: no program */
	uint8_t *rbuf = NULL;
	struct owts_frame f;
	int r = owts_client_request(&w, &rbuf, &f);
	owts_writer_free(&w);
	if (r < 0 || f.status) {
		fprintf(stderr, "bench_events: SESSION_CREATE: %s\n",
		        r < 0 ? strerror(-r) : "Windows error");
		free(rbuf);
		return 0;
	}
	struct owts_reader rd;
	owts_reader_init(&rd, f.body, f.body_len);
	uint32_t id = owts_read_u32(&rd);
	free(rbuf);
	return id;
}

/* The timespec CLOCK_MONOTONIC reaches after ns more nanoseconds (the condvar uses it). */
static struct timespec deadline(uint64_t ns)
{
	uint64_t t = bench_clock_ns() + ns;
	return (struct timespec){.tv_sec = (time_t)(t / 1000000000u),
	                         .tv_nsec = (long)(t % 1000000000u)};
}

/* Waits until the waiter entered WTSWaitSystemEvent again after its last return, then ARM_US
 * more for its request to reach wtsd. */
static bool wait_armed(void)
{
	struct timespec ts = deadline(MISS_AFTER);
	pthread_mutex_lock(&lock);
	int r = 0;
	while (entered <= returns && !stop && r != ETIMEDOUT)
		r = pthread_cond_timedwait(&cond, &lock, &ts);
	bool ok = entered > returns && !stop;
	pthread_mutex_unlock(&lock);
	usleep(ARM_US);
	return ok;
}

/* Waits for a return after `after` returns; its time in *t. False on timeout. */
static bool wait_return(uint64_t after, uint64_t *t, DWORD *ev)
{
	struct timespec ts = deadline(MISS_AFTER);
	pthread_mutex_lock(&lock);
	int r = 0;
	while (returns <= after && !stop && r != ETIMEDOUT)
		r = pthread_cond_timedwait(&cond, &lock, &ts);
	bool ok = returns > after;
	*t = ret_ns;
	*ev = ret_event;
	pthread_mutex_unlock(&lock);
	return ok;
}

static uint64_t time_query(uint32_t id)
{
	LPWSTR buf = NULL;
	DWORD len = 0;
	uint64_t t0 = bench_clock_ns();
	if (!WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, id, WTSConnectState, &buf,
	                                 &len))
		return 0;
	WTSFreeMemory(buf);
	uint64_t t = bench_clock_ns() - t0;
	return t ? t : 1;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Sorts v[0..n) (signed ns, n > 0) and prints min, median, p90 and max in ms under prefix. */
static void print_signed(const char *prefix, int64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_i64);
	double med = n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
	size_t k = (n * 9 + 9) / 10;
	printf("%s.min_ms=%.3f\n%s.median_ms=%.3f\n%s.p90_ms=%.3f\n%s.max_ms=%.3f\n", prefix,
	       (double)v[0] / 1e6, prefix, med / 1e6, prefix, (double)v[k ? k - 1 : 0] / 1e6,
	       prefix, (double)v[n - 1] / 1e6);
}

static int usage(void)
{
	fprintf(stderr, "usage: bench_events [-n EVENTS] [-u UID]\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long events = 200, uid = 65534;
	for (int c; (c = getopt(argc, argv, "n:u:")) != -1;) {
		if (c == 'n')
			events = bench_parse_count("-n", optarg, 2, 100000);
		else if (c == 'u')
			uid = bench_parse_count("-u", optarg, 0, UINT32_MAX - 1);
		else
			return usage();
	}
	if (optind != argc)
		return usage();
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&cond, &ca);
	pthread_t th;
	if (pthread_create(&th, NULL, waiter, NULL) != 0)
		return 1;
	unsigned long total = events + WARMUP;
	int64_t *delivery = calloc(total, sizeof(*delivery));
	int64_t *bound = calloc(total, sizeof(*bound));
	uint64_t *change = calloc(total, sizeof(*change));
	uint64_t *query = calloc(total, sizeof(*query));
	if (!delivery || !bound || !change || !query)
		return 1;
	unsigned long n = 0, missed = 0, wrong = 0, nq = 0;
	uint32_t id = 0;
	int rc = 0;
	for (unsigned long i = 0; i < total && rc == 0; i++) {
		if (!wait_armed()) {
			fprintf(stderr, "bench_events: the waiter does not wait (errors)\n");
			rc = 1;
			break;
		}
		pthread_mutex_lock(&lock);
		uint64_t r0 = returns;
		pthread_mutex_unlock(&lock);
		bool create = i % 2 == 0;
		uint64_t t0 = bench_clock_ns();
		if (create) {
			id = create_session((uint32_t)uid);
			if (!id)
				rc = 1;
		} else if (!WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, id, TRUE)) {
			fprintf(stderr, "bench_events: WTSLogoffSession(%u): error %u\n", id,
			        (unsigned)GetLastError());
			rc = 1;
		}
		uint64_t t1 = bench_clock_ns();
		if (rc)
			break;
		uint64_t tw = 0;
		DWORD ev = 0;
		if (!wait_return(r0, &tw, &ev)) {
			missed++;
			DWORD dummy;
			(void)WTSWaitSystemEvent(WTS_CURRENT_SERVER_HANDLE, WTS_EVENT_FLUSH,
			                         &dummy);
			(void)wait_return(r0, &tw, &ev);
			continue;
		}
		if (!(ev & (create ? WTS_EVENT_CREATE : WTS_EVENT_DELETE))) {
			wrong++;
			continue;
		}
		/* The baseline: a query of the new session after a create, of session 0 (always
		 * there) after a logoff. */
		uint64_t tq = time_query(create ? id : 0);
		if (i < WARMUP)
			continue;
		delivery[n] = (int64_t)tw - (int64_t)t1;
		bound[n] = (int64_t)(tw - t0);
		change[n] = t1 - t0;
		n++;
		if (tq)
			query[nq++] = tq;
	}
	/* Release the waiter: a flush from this process and handle. Its request may not have
	 * reached wtsd yet (a flush releases only waits already there), so flush until it left. */
	pthread_mutex_lock(&lock);
	stop = true;
	int errors = wait_errors;
	for (int k = 0; !done && k < 100; k++) {
		pthread_mutex_unlock(&lock);
		DWORD dummy;
		(void)WTSWaitSystemEvent(WTS_CURRENT_SERVER_HANDLE, WTS_EVENT_FLUSH, &dummy);
		struct timespec ts = deadline(50000000u);
		pthread_mutex_lock(&lock);
		if (!done)
			(void)pthread_cond_timedwait(&cond, &lock, &ts);
	}
	bool left = done;
	pthread_mutex_unlock(&lock);
	if (left)
		pthread_join(th, NULL);
	else
		fprintf(stderr, "bench_events: the waiter does not return\n");
	if (id && (total % 2))
		(void)WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, id, TRUE);
	printf("events.count=%lu\nevents.missed=%lu\nevents.wrong=%lu\nevents.wait_errors=%d\n", n,
	       missed, wrong, errors);
	printf("events.queries=%lu\n", nq);
	if (rc || n == 0 || nq == 0) {
		fprintf(stderr, "bench_events: no figures (%lu events, %lu missed)\n", n, missed);
		return 1;
	}
	print_signed("events.delivery", delivery, n);
	print_signed("events.bound", bound, n);
	struct bench_stats s;
	bench_stats_compute(change, n, &s);
	bench_stats_print("events.change", &s);
	bench_stats_compute(query, nq, &s);
	bench_stats_print("events.query", &s);
	return 0;
}
