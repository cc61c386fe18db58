/*
 * logoff.c — logging sessions off, and the initial program whose exit does it (see
 * lifecycle.h).
 *
 * A logoff is a record in a list, advanced by one timerfd in the main epoll set that ticks every
 * TICK_MS while any record exists: SIGTERM (and SIGCONT, so stopped processes see it) at the
 * start, SIGKILL to the whole session once the grace period is over (again at every tick after
 * that, for processes forked meanwhile), and removal of the session once none of its processes
 * is left. With cgroups, "none left" is "populated 0" in the session cgroup's cgroup.events and
 * SIGKILL is cgroup.kill, atomic against forks; without, both come from a /proc scan of the
 * processes the registry places in the session. Polling at TICK_MS rather than watching
 * cgroup.events keeps one mechanism for both modes; a logoff ends at most TICK_MS after its last
 * process.
 *
 * Callers that asked to wait (bWait) hold deferred replies in the record, answered when it
 * finishes; a caller that goes away first is dropped from it (cancel).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <winpr/error.h>
#include <winpr/wlog.h>
#include <winpr/wnd.h> /* WTS_SESSION_LOGOFF */
#include <winpr/wtsapi.h>

#include "events.h"
#include "lifecycle.h"
#include "owts_time.h"
#include "owts_error.h"
#include "procscan.h"
#include "rdp.h"
#include "spawn.h"
#include "store.h"
#include "users.h"
#include "wtsd.h"

#define TAG "openwts.wtsd.logoff"

#define TICK_MS      50
#define KILL_WAIT_MS 10000 /* after SIGKILL, give up waiting for the cgroup to empty */

struct logoff
{
	struct logoff *next;
	uint32_t session_id;
	uint64_t kill_at;    /* monotonic ms: SIGKILL from then on */
	uint64_t give_up_at; /* monotonic ms: removed even if processes remain (0 before SIGKILL) */
	struct wtsd_pending **waiters; /* deferred replies of bWait callers */
	size_t nwaiters;
};

static struct logoff *logoffs; /* main thread only */
static int timer_fd = -1;

static void arm(bool on)
{
	struct itimerspec its = {0};
	if (on) {
		its.it_value.tv_nsec = TICK_MS * 1000000L;
		its.it_interval.tv_nsec = TICK_MS * 1000000L;
	}
	if (timer_fd >= 0)
		(void)timerfd_settime(timer_fd, 0, &its, NULL);
}

int wtsd_lifecycle_open(struct wtsd *d)
{
	timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (timer_fd < 0)
		return -errno;
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &timer_fd};
	if (epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, timer_fd, &ev) < 0) {
		int r = -errno;
		close(timer_fd);
		timer_fd = -1;
		return r;
	}
	return 0;
}

static struct logoff *find(uint32_t session_id)
{
	for (struct logoff *l = logoffs; l; l = l->next)
		if (l->session_id == session_id)
			return l;
	return NULL;
}

/* --- the processes of a session ---------------------------------------------------------- */

struct scan
{
	struct wtsd *d;
	uint32_t session_id;
	int sig; /* 0: only count */
	int count;
};

static int scan_one(void *ctx, const struct wtsd_proc *p)
{
	struct scan *sc = ctx;
	if (p->state == 'Z' || (pid_t)p->pid == getpid())
		return 0;
	if (wtsd_registry_session_of(&sc->d->reg, (pid_t)p->pid, p->cgroup, p->posix_sid) !=
	    sc->session_id)
		return 0;
	sc->count++;
	if (sc->sig)
		(void)kill((pid_t)p->pid, sc->sig);
	return 0;
}

/* Sends sig to every process of the session (0: none). Returns how many there are, or -errno. */
static int signal_session(struct wtsd *d, uint32_t id, int sig)
{
	if (d->reg.cg.enabled) {
		if (sig == SIGKILL) {
			int r = wtsd_cgroup_kill(&d->reg.cg, id);
			return r == -ENOENT ? 0 : r < 0 ? r : wtsd_cgroup_populated(&d->reg.cg, id);
		}
		if (sig)
			return wtsd_cgroup_signal(&d->reg.cg, id, sig);
		return wtsd_cgroup_populated(&d->reg.cg, id);
	}
	struct scan sc = {.d = d, .session_id = id, .sig = sig};
	int r = wtsd_procscan("/proc", WTSD_PROCSCAN_LEVEL0, scan_one, &sc);
	return r < 0 ? r : sc.count;
}

/* --- logoff records ------------------------------------------------------------------------ */

static void cancel_waiter(void *ctx, struct wtsd_pending *pending)
{
	struct logoff *l = ctx;
	for (size_t i = 0; i < l->nwaiters; i++) {
		if (l->waiters[i] == pending) {
			l->waiters[i] = l->waiters[--l->nwaiters];
			return;
		}
	}
}

static void unlink_record(struct logoff *l)
{
	for (struct logoff **p = &logoffs; *p; p = &(*p)->next) {
		if (*p == l) {
			*p = l->next;
			break;
		}
	}
	if (!logoffs)
		arm(false);
}

/* The session's processes are gone (or would not go): remove it, tell everyone. */
static void finish(struct wtsd *d, struct logoff *l, bool left_over)
{
	uint32_t id = l->session_id;
	int r = wtsd_registry_delete(&d->reg, id);
	if (r < 0 && r != -ENOENT)
		WLog_ERR(TAG, "session %u: cannot remove it: %s", id, strerror(-r));
	else
		WLog_INFO(TAG, "session %u logged off%s", id,
		          left_over ? " (processes that ignored SIGKILL remain)" : "");
	if (r == 0)
		wtsd_events_emit(d, WTS_EVENT_LOGOFF | WTS_EVENT_DELETE | WTS_EVENT_STATECHANGE,
		                 WTS_SESSION_LOGOFF, id);
	uint32_t status = r < 0 && r != -ENOENT ? owts_errno_to_win32(r) : ERROR_SUCCESS;
	unlink_record(l);
	/* One at a time from the record: completing a reply may free its client, whose other
	 * waiters are then cancelled out of this same array. */
	while (l->nwaiters) {
		struct wtsd_pending *p = l->waiters[--l->nwaiters];
		wtsd_control_complete(d, p, status, NULL, 0);
	}
	free(l->waiters);
	free(l);
}

/* One step of a logoff. */
static void advance(struct wtsd *d, struct logoff *l, uint64_t now)
{
	int left = signal_session(d, l->session_id, l->give_up_at ? SIGKILL : 0);
	if (left <= 0) {
		if (left < 0)
			WLog_WARN(TAG, "session %u: cannot see its processes: %s", l->session_id,
			          strerror(-left));
		finish(d, l, false);
		return;
	}
	if (!l->give_up_at && now >= l->kill_at) {
		WLog_INFO(TAG, "session %u: processes left after the grace period: SIGKILL",
		          l->session_id);
		l->give_up_at = now + KILL_WAIT_MS;
		(void)signal_session(d, l->session_id, SIGKILL);
	} else if (l->give_up_at && now >= l->give_up_at) {
		finish(d, l, true);
	}
}

bool wtsd_lifecycle_event(struct wtsd *d, void *tag)
{
	if (tag != &timer_fd)
		return false;
	uint64_t n;
	(void)!read(timer_fd, &n, sizeof(n));
	uint64_t now = owts_monotonic_ms();
	for (struct logoff *l = logoffs, *next; l; l = next) {
		next = l->next;
		advance(d, l, now);
	}
	return true;
}

int wtsd_logoff_begin(struct wtsd *d, struct wtsd_session *s)
{
	if (s->ending)
		return 0;
	struct logoff *l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	uint32_t id = s->rec.id;
	s->ending = true;
	l->session_id = id;
	l->kill_at = owts_monotonic_ms() + d->cfg.logoff_grace_ms;
	l->next = logoffs;
	logoffs = l;
	WLog_INFO(TAG, "session %u: logoff of \"%s\" begins (grace %u ms)", id, s->rec.user,
	          d->cfg.logoff_grace_ms);
	(void)wtsd_rdp_session_detach(d, id);
	int n = signal_session(d, id, d->cfg.logoff_grace_ms ? SIGTERM : SIGKILL);
	if (n > 0 && d->cfg.logoff_grace_ms)
		(void)signal_session(d, id, SIGCONT);
	if (!d->cfg.logoff_grace_ms)
		l->give_up_at = owts_monotonic_ms() + KILL_WAIT_MS;
	arm(true);
	/* Nothing ran in it: done now. */
	if (n == 0 || signal_session(d, id, 0) == 0)
		finish(d, l, false);
	return 0;
}

uint32_t wtsd_logoff_wait(struct wtsd *d, const struct wtsd_peer *peer, uint32_t session_id)
{
	struct logoff *l = find(session_id);
	if (!l)
		return ERROR_SUCCESS;
	struct wtsd_pending **w = realloc(l->waiters, (l->nwaiters + 1) * sizeof(*w));
	if (!w)
		return ERROR_NOT_ENOUGH_MEMORY;
	l->waiters = w;
	struct wtsd_pending *p = wtsd_control_defer(d, peer, cancel_waiter, l);
	if (!p)
		return ERROR_NOT_ENOUGH_MEMORY;
	l->waiters[l->nwaiters++] = p;
	return WTSD_STATUS_DEFERRED;
}

void wtsd_lifecycle_close(struct wtsd *d)
{
	(void)d;
	while (logoffs) {
		struct logoff *l = logoffs;
		logoffs = l->next;
		/* Waiters were cancelled with their clients (wtsd_control_close). */
		free(l->waiters);
		free(l);
	}
	if (timer_fd >= 0)
		close(timer_fd);
	timer_fd = -1;
}

/* --- the initial program ----------------------------------------------------------------- */

int wtsd_lifecycle_start_program(struct wtsd *d, struct wtsd_session *s)
{
	const char *program = d->cfg.initial_program;
	if (!program[0])
		return 0;
	snprintf(s->rec.initial_program, sizeof(s->rec.initial_program), "%s", program);
	int r = wtsd_user_home(s->rec.uid, s->rec.working_dir, sizeof(s->rec.working_dir));
	if (r == 0)
		r = wtsd_store_session_put(d->reg.store, &s->rec);
	if (r < 0)
		return r;
	char *argv[] = {"/bin/sh", "-c", (char *)program, NULL};
	pid_t pid;
	r = wtsd_spawn(&d->reg, s, argv, d->cfg.socket_path, &pid);
	if (r < 0) {
		WLog_ERR(TAG, "session %u: cannot start the initial program \"%s\": %s", s->rec.id,
		         program, strerror(-r));
		return r;
	}
	s->initial_pid = pid;
	WLog_INFO(TAG, "session %u: initial program \"%s\" is pid %d", s->rec.id, program,
	          (int)pid);
	return 0;
}

void wtsd_lifecycle_reaped(struct wtsd *d, pid_t pid)
{
	for (size_t i = 0; i < d->reg.n; i++) {
		struct wtsd_session *s = d->reg.sessions[i];
		if (s->initial_pid != pid)
			continue;
		s->initial_pid = 0;
		if (!d->cfg.logoff_on_exit || s->ending) {
			WLog_INFO(TAG, "session %u: initial program pid %d ended", s->rec.id,
			          (int)pid);
			return;
		}
		WLog_INFO(TAG, "session %u: initial program pid %d ended: logging off", s->rec.id,
		          (int)pid);
		int r = wtsd_logoff_begin(d, s);
		if (r < 0)
			WLog_ERR(TAG, "session %u: cannot log off: %s", s->rec.id, strerror(-r));
		return;
	}
}
