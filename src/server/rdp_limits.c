/*
 * rdp_limits.c — what wtsd keeps track of while RDP sessions live: their traffic counters and
 * last input (reported by the peer threads, at most once a second), and the limits of each
 * listener's configuration (see rdp.h, docs/internals/listeners.md).
 *
 * Every limit is the listener's, read from its record when it is checked, so WTSCreateListener
 * (UPDATE) changes it from the next check and WTSQueryListenerConfig shows what is enforced:
 * MaxConnectionCount when a connection is accepted (rdp_peer.c), TimeoutSettingsIdle,
 * TimeoutSettingsConnection and TimeoutSettingsDisconnection (milliseconds, 0 = none) by a
 * timerfd in the main epoll set that ticks every second while some listener has a timeout. An
 * Active RDP session with a connection whose last input is TimeoutSettingsIdle old, or whose
 * connection is TimeoutSettingsConnection old, reaches a limit: as Windows, BrokenTimeoutSettings
 * says what follows — 0 disconnects it (as WTSDisconnectSession: the session stays, its client's
 * connection ends), 1 ends it (logoff). A Disconnected RDP session that has been so for
 * TimeoutSettingsDisconnection is logged off (logoff.c). BrokenTimeoutSettings 1 also ends a
 * session whose connection broke by itself (rdp_session.c). A session's listener is that of the
 * connection that holds it or held it last (wtsd_rdp_session_listener); sessions loaded at
 * start count as RDP-Tcp's, and count their disconnection from wtsd's start, not from a time
 * before it. Checks once a second are enough for limits that Windows configures in minutes.
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
#include "listeners.h"
#include "owts_time.h"
#include "rdp.h"
#include "wtsd.h"

#define TAG "openwts.wtsd.rdp.limits"

#define FILETIME_PER_MS 10000ull
#define NO_LIMIT        0xFFFFFFFFu /* Windows' "unlimited" MaxConnectionCount */

static int timer_fd = -1;   /* main thread only */
static bool armed;          /* the timer ticks */
static uint64_t started_at; /* FILETIME of wtsd's start */

int wtsd_rdp_limits_open(struct wtsd *d)
{
	started_at = owts_filetime_now();
	timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (timer_fd < 0)
		return -errno;
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &timer_fd};
	if (epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, timer_fd, &ev) < 0)
		return -errno;
	wtsd_rdp_limits_refresh(d);
	return 0;
}

void wtsd_rdp_limits_refresh(struct wtsd *d)
{
	bool want = false;
	for (size_t i = 0; i < d->reg.nlisteners; i++) {
		const struct owts_listener *c = &d->reg.listeners[i]->cfg;
		if (c->timeout_idle || c->timeout_disconnection || c->timeout_connection) {
			want = true;
			WLog_DBG(TAG,
			         "listener \"%s\": idle timeout %u ms, connection limit %u ms, "
			         "disconnect timeout %u ms",
			         c->name, c->timeout_idle, c->timeout_connection,
			         c->timeout_disconnection);
		}
	}
	if (timer_fd < 0 || want == armed)
		return;
	struct itimerspec its = {{0, 0}, {0, 0}};
	if (want)
		its = (struct itimerspec){.it_value = {1, 0}, .it_interval = {1, 0}};
	if (timerfd_settime(timer_fd, 0, &its, NULL) < 0) {
		WLog_ERR(TAG, "timeouts: timerfd_settime: %s", strerror(errno));
		return;
	}
	armed = want;
	WLog_INFO(TAG, "idle and disconnect timeouts %s", want ? "checked every second" : "off");
}

void wtsd_rdp_limits_close(struct wtsd *d)
{
	(void)d;
	if (timer_fd >= 0)
		close(timer_fd);
	timer_fd = -1;
	armed = false;
}

unsigned wtsd_rdp_limits_max_connections(struct wtsd *d, uint32_t listener_id)
{
	const struct wtsd_listener *l = wtsd_listener_find_id(&d->reg, listener_id);
	if (!l || l->cfg.max_connections == NO_LIMIT)
		return 0;
	return l->cfg.max_connections;
}

/* What the check found: a session, the action and the listener limit that applies. */
struct due
{
	struct wtsd_session *s;
	bool logoff;
	uint32_t limit_ms;
	const char *listener;
	const char *what; /* for the log: "no input", "connected", "disconnected" */
};

/* The first session due for a timeout at now into *out. Returns false if none. */
static bool due(struct wtsd *d, uint64_t now, struct due *out)
{
	for (size_t i = 0; i < d->reg.n; i++) {
		struct wtsd_session *s = d->reg.sessions[i];
		if (s->rec.id < WTSD_FIRST_ID || s->rec.protocol != WTS_PROTOCOL_TYPE_RDP ||
		    s->ending)
			continue;
		const struct wtsd_listener *l =
		    wtsd_listener_find_id(&d->reg, wtsd_rdp_session_listener(s->rec.id));
		if (!l)
			continue;
		const uint64_t idle = l->cfg.timeout_idle * FILETIME_PER_MS;
		const uint64_t held = l->cfg.timeout_connection * FILETIME_PER_MS;
		const uint64_t gone = l->cfg.timeout_disconnection * FILETIME_PER_MS;
		const bool end = l->cfg.broken_timeout == 1; /* a limit ends the session */
		bool attached = wtsd_rdp_session_attached(s->rec.id);
		bool active = s->rec.state == WTSActive && attached;
		*out = (struct due){s, end, l->cfg.timeout_idle, l->cfg.name, "no input"};
		if (idle && active && s->rec.last_input_time <= now &&
		    now - s->rec.last_input_time >= idle)
			return true;
		*out = (struct due){s, end, l->cfg.timeout_connection, l->cfg.name, "connected"};
		if (held && active && s->rec.connect_time <= now &&
		    now - s->rec.connect_time >= held)
			return true;
		uint64_t since =
		    s->rec.disconnect_time > started_at ? s->rec.disconnect_time : started_at;
		*out = (struct due){s, true, l->cfg.timeout_disconnection, l->cfg.name,
		                    "disconnected"};
		if (gone && s->rec.state == WTSDisconnected && !attached && since <= now &&
		    now - since >= gone)
			return true;
	}
	return false;
}

bool wtsd_rdp_limits_event(struct wtsd *d, void *tag)
{
	if (tag != &timer_fd)
		return false;
	uint64_t ticks;
	(void)!read(timer_fd, &ticks, sizeof(ticks));
	uint64_t now = owts_filetime_now();
	struct due x;
	/* Each action changes the session (detached, or ending), so the loop ends. */
	for (unsigned n = 0; n < 1000 && due(d, now, &x); n++) {
		uint32_t id = x.s->rec.id;
		WLog_INFO(TAG, "session %u: %s for %u ms (listener \"%s\"), %s", id, x.what,
		          x.limit_ms, x.listener, x.logoff ? "logging off" : "disconnecting");
		if (x.logoff ? wtsd_logoff_begin(d, x.s) < 0 : wtsd_rdp_session_detach(d, id) < 0)
			break;
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
