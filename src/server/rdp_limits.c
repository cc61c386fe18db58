/*
 * rdp_limits.c — what wtsd keeps track of while RDP sessions live: their traffic counters and
 * last input (reported by the peer threads, at most once a second), and the idle and disconnect
 * timeouts of the listener configuration (see rdp.h).
 *
 * One timerfd in the main epoll set ticks every second while a timeout is configured: an Active
 * RDP session with a connection whose last input is idle_timeout_s old is disconnected (as
 * WTSDisconnectSession: the session stays, its client's connection ends); a Disconnected RDP
 * session that has been so for disconnect_timeout_s is logged off (logoff.c). Sessions loaded at
 * start count their disconnection from wtsd's start, not from a time before it. Whole seconds
 * are enough for limits that Windows configures in minutes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <winpr/wlog.h>
#include <winpr/wtsapi.h>

#include "lifecycle.h"
#include "owts_time.h"
#include "rdp.h"
#include "wtsd.h"

#define TAG "openwts.wtsd.rdp.limits"

#define FILETIME_PER_S 10000000ull

static int timer_fd = -1;   /* main thread only */
static uint64_t started_at; /* FILETIME of wtsd's start */

int wtsd_rdp_limits_open(struct wtsd *d)
{
	started_at = owts_filetime_now();
	if (!d->cfg.idle_timeout_s && !d->cfg.disconnect_timeout_s)
		return 0;
	timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (timer_fd < 0)
		return -errno;
	struct itimerspec its = {.it_value = {1, 0}, .it_interval = {1, 0}};
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &timer_fd};
	if (timerfd_settime(timer_fd, 0, &its, NULL) < 0 ||
	    epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, timer_fd, &ev) < 0)
		return -errno;
	WLog_INFO(TAG, "idle timeout %u s, disconnect timeout %u s (0: none)",
	          d->cfg.idle_timeout_s, d->cfg.disconnect_timeout_s);
	return 0;
}

void wtsd_rdp_limits_close(struct wtsd *d)
{
	(void)d;
	if (timer_fd >= 0)
		close(timer_fd);
	timer_fd = -1;
}

/* The first session due for a timeout at now: *logoff says which action. NULL if none. */
static struct wtsd_session *due(struct wtsd *d, uint64_t now, bool *logoff)
{
	const uint64_t idle = d->cfg.idle_timeout_s * FILETIME_PER_S;
	const uint64_t gone = d->cfg.disconnect_timeout_s * FILETIME_PER_S;
	for (size_t i = 0; i < d->reg.n; i++) {
		struct wtsd_session *s = d->reg.sessions[i];
		if (s->rec.id < WTSD_FIRST_ID || s->rec.protocol != WTS_PROTOCOL_TYPE_RDP ||
		    s->ending)
			continue;
		if (idle && s->rec.state == WTSActive && wtsd_rdp_session_attached(s->rec.id) &&
		    now - s->rec.last_input_time >= idle && s->rec.last_input_time <= now) {
			*logoff = false;
			return s;
		}
		uint64_t since =
		    s->rec.disconnect_time > started_at ? s->rec.disconnect_time : started_at;
		if (gone && s->rec.state == WTSDisconnected &&
		    !wtsd_rdp_session_attached(s->rec.id) && since <= now && now - since >= gone) {
			*logoff = true;
			return s;
		}
	}
	return NULL;
}

bool wtsd_rdp_limits_event(struct wtsd *d, void *tag)
{
	if (tag != &timer_fd)
		return false;
	uint64_t ticks;
	(void)!read(timer_fd, &ticks, sizeof(ticks));
	uint64_t now = owts_filetime_now();
	bool logoff = false;
	struct wtsd_session *s;
	/* Each action changes the session (detached, or ending), so the loop ends. */
	for (unsigned n = 0; n < 1000 && (s = due(d, now, &logoff)); n++) {
		uint32_t id = s->rec.id;
		if (logoff) {
			WLog_INFO(TAG, "session %u: disconnected for %u s, logging off", id,
			          d->cfg.disconnect_timeout_s);
			if (wtsd_logoff_begin(d, s) < 0)
				break;
		} else {
			WLog_INFO(TAG, "session %u: no input for %u s, disconnecting", id,
			          d->cfg.idle_timeout_s);
			if (wtsd_rdp_session_detach(d, id) < 0)
				break;
		}
	}
	return true;
}

int wtsd_rdp_session_stats(struct wtsd *d, void *arg)
{
	const struct wtsd_rdp_stats *x = arg;
	if (wtsd_rdp_session_holder(x->session_id) != x->connection)
		return -ENOENT;
	struct wtsd_session *s = wtsd_registry_find(&d->reg, x->session_id);
	if (!s)
		return -ENOENT;
	/* WTSINFO's counters are 32-bit: they wrap as Windows' do. */
	s->rec.in_bytes = (uint32_t)x->in_bytes;
	s->rec.out_bytes = (uint32_t)x->out_bytes;
	s->rec.in_frames = (uint32_t)x->in_frames;
	s->rec.out_frames = (uint32_t)x->out_frames;
	/* wtsd does not use RDP bulk compression: the compressed byte counters stay 0. */
	if (x->last_input > s->rec.last_input_time)
		s->rec.last_input_time = x->last_input;
	return 0;
}
