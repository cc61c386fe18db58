/*
 * events.c — session events (see events.h): EVENT_WAIT (WTSWaitSystemEvent) and EVENT_SUBSCRIBE
 * (WM_WTSSESSION_CHANGE notifications and the OpenWTSEvent* fd), on deferred replies.
 *
 * A waiter is a deferred EVENT_WAIT reply. wtsd_events_emit() ORs the bits of each change into
 * every waiter whose mask takes them and arms an eventfd in the main loop's epoll set; when the
 * loop reaches it (after the rest of that turn's work), every waiter that saw something is
 * answered. So one change reported as several calls (CREATE, then LOGON) reaches a waiter as one
 * answer with both bits. Events that happen while nobody waits are not kept for a later wait
 * (Windows documents no queue either).
 *
 * A subscriber is a deferred EVENT_SUBSCRIBE reply that never completes: an acknowledgement
 * frame, then one frame per notification, pushed with wtsd_control_push() in the order of the
 * emits. NOTIFY_FOR_THIS_SESSION subscribers get only the notifications of the session their
 * process was in when it subscribed.
 *
 * WTS_EVENT_FLUSH: Windows releases every pending wait "on that server handle". The request
 * carries a scope — the caller's server handle value — and a flush releases the waiters of the
 * same process (SO_PEERCRED pid) and scope; they get what they had seen, WTS_EVENT_NONE unless an
 * event was already recorded for them. The flush itself is answered at once with
 * WTS_EVENT_NONE.
 *
 * Both lists are main-thread only. Answering a waiter can end its client (one that had shut
 * down its side), which cancels that client's other waiters; so the loops below take one entry
 * out of the list before answering it and start again from the head.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <winpr/error.h>
#include <winpr/wlog.h>
#include <winpr/wtsapi.h>

#include "events.h"
#include "handlers.h"
#include "owts_error.h"
#include "owts_records.h"
#include "wtsd.h"

#define TAG "openwts.wtsd.events"

#define WAITERS_MAX     4096 /* pending EVENT_WAITs, all clients together */
#define SUBSCRIBERS_MAX 1024 /* as many as clients may connect */

struct waiter
{
	struct waiter *prev, *next;
	struct wtsd_pending *pending;
	pid_t pid;      /* of the client, for WTS_EVENT_FLUSH */
	uint32_t scope; /* the caller's server handle value, for WTS_EVENT_FLUSH */
	uint32_t mask;  /* WTS_EVENT_* bits it waits for */
	uint32_t seen;  /* bits seen since it began waiting, answered at the end of the turn */
};

struct subscriber
{
	struct subscriber *prev, *next;
	struct wtsd_pending *pending;
	uint32_t flags;   /* NOTIFY_FOR_THIS_SESSION or NOTIFY_FOR_ALL_SESSIONS */
	uint32_t session; /* the subscriber's session, for NOTIFY_FOR_THIS_SESSION */
};

/* Main thread only. */
static struct waiter *waiters;
static struct subscriber *subscribers;
static unsigned nwaiters, nsubscribers;
static int wake_fd = -1; /* eventfd in the main epoll set: waiters have something to answer */
static char wake_tag;

#define LIST_LINK(head, e)                                                                         \
	do {                                                                                       \
		(e)->prev = NULL;                                                                  \
		(e)->next = (head);                                                                \
		if (head)                                                                          \
			(head)->prev = (e);                                                        \
		(head) = (e);                                                                      \
	} while (0)
#define LIST_UNLINK(head, e)                                                                       \
	do {                                                                                       \
		if ((e)->prev)                                                                     \
			(e)->prev->next = (e)->next;                                               \
		else                                                                               \
			(head) = (e)->next;                                                        \
		if ((e)->next)                                                                     \
			(e)->next->prev = (e)->prev;                                               \
	} while (0)

/* Creates the eventfd on first use. Returns 0 or -errno. */
static int wake_open(struct wtsd *d)
{
	if (wake_fd >= 0)
		return 0;
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &wake_tag};
	if (epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	wake_fd = fd;
	return 0;
}

static void wake(void)
{
	uint64_t one = 1;
	if (wake_fd >= 0 && write(wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		WLog_WARN(TAG, "eventfd: %s", strerror(errno));
}

/* Takes w out of the list and answers it with status (flags w->seen when 0). */
static void waiter_answer(struct wtsd *d, struct waiter *w, uint32_t status)
{
	LIST_UNLINK(waiters, w);
	nwaiters--;
	struct wtsd_pending *p = w->pending;
	uint8_t body[4] = {(uint8_t)w->seen, (uint8_t)(w->seen >> 8), (uint8_t)(w->seen >> 16),
	                   (uint8_t)(w->seen >> 24)};
	free(w);
	wtsd_control_complete(d, p, status, body, sizeof(body));
}

static void waiter_cancel(void *ctx, struct wtsd_pending *pending)
{
	(void)pending;
	struct waiter *w = ctx;
	LIST_UNLINK(waiters, w);
	nwaiters--;
	free(w);
}

static void subscriber_cancel(void *ctx, struct wtsd_pending *pending)
{
	(void)pending;
	struct subscriber *s = ctx;
	LIST_UNLINK(subscribers, s);
	nsubscribers--;
	free(s);
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void wtsd_events_emit(struct wtsd *d, uint32_t wts_event, uint32_t notify, uint32_t session_id)
{
	wts_event &= WTS_EVENT_ALL;
	bool any = false;
	for (struct waiter *w = waiters; w; w = w->next) {
		if (w->mask & wts_event) {
			w->seen |= w->mask & wts_event;
			any = true;
		}
	}
	if (any)
		wake();
	if (!notify)
		return;
	uint8_t body[8];
	put_u32(body, notify);
	put_u32(body + 4, session_id);
	/* Pushing never frees a client (wtsd.h): the list stays intact while we walk it. */
	for (struct subscriber *s = subscribers; s; s = s->next) {
		if (s->flags == NOTIFY_FOR_THIS_SESSION && s->session != session_id)
			continue;
		(void)wtsd_control_push(d, s->pending, body, sizeof(body));
	}
}

bool wtsd_events_event(struct wtsd *d, void *tag)
{
	if (tag != &wake_tag)
		return false;
	uint64_t n;
	(void)!read(wake_fd, &n, sizeof(n));
	for (;;) {
		struct waiter *w = waiters;
		while (w && !w->seen)
			w = w->next;
		if (!w)
			break;
		waiter_answer(d, w, ERROR_SUCCESS);
	}
	return true;
}

void wtsd_events_close(struct wtsd *d)
{
	while (waiters)
		waiter_answer(d, waiters, OWTS_RPC_S_SERVER_UNAVAILABLE);
	while (subscribers) {
		struct subscriber *s = subscribers;
		LIST_UNLINK(subscribers, s);
		nsubscribers--;
		struct wtsd_pending *p = s->pending;
		free(s);
		wtsd_control_complete(d, p, OWTS_RPC_S_SERVER_UNAVAILABLE, NULL, 0);
	}
	if (wake_fd >= 0) {
		(void)epoll_ctl(d->epoll_fd, EPOLL_CTL_DEL, wake_fd, NULL);
		close(wake_fd);
		wake_fd = -1;
	}
}

/* Releases the waiters of pid and scope (WTS_EVENT_FLUSH). */
static void flush(struct wtsd *d, pid_t pid, uint32_t scope)
{
	for (;;) {
		struct waiter *w = waiters;
		while (w && (w->pid != pid || w->scope != scope))
			w = w->next;
		if (!w)
			break;
		waiter_answer(d, w, ERROR_SUCCESS);
	}
}

/*
 * EVENT_WAIT. Request: u32 mask, u32 scope. Reply (deferred until an event of mask, or at once
 * for WTS_EVENT_FLUSH): u32 flags seen.
 */
uint32_t wtsd_h_event_wait(struct wtsd *d, const struct wtsd_peer *peer, struct owts_reader *req,
                           struct owts_writer *reply)
{
	uint32_t mask = owts_read_u32(req);
	uint32_t scope = owts_read_u32(req);
	if (!owts_reader_done(req))
		return ERROR_INVALID_PARAMETER;
	if (mask & WTS_EVENT_FLUSH) {
		flush(d, peer->pid, scope);
		owts_write_u32(reply, WTS_EVENT_NONE);
		return ERROR_SUCCESS;
	}
	if (!mask)
		return ERROR_INVALID_PARAMETER;
	if (nwaiters >= WAITERS_MAX)
		return ERROR_NOT_ENOUGH_MEMORY;
	int r = wake_open(d);
	if (r < 0)
		return owts_errno_to_win32(r);
	struct waiter *w = calloc(1, sizeof(*w));
	if (!w)
		return ERROR_NOT_ENOUGH_MEMORY;
	w->pid = peer->pid;
	w->scope = scope;
	w->mask = mask;
	w->pending = wtsd_control_defer(d, peer, waiter_cancel, w);
	if (!w->pending) {
		free(w);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	LIST_LINK(waiters, w);
	nwaiters++;
	return WTSD_STATUS_DEFERRED;
}

/*
 * EVENT_SUBSCRIBE. Request: u32 flags (NOTIFY_FOR_THIS_SESSION / NOTIFY_FOR_ALL_SESSIONS).
 * Replies: an acknowledgement (u32 the subscriber's session), then one frame per notification
 * (u32 WM_WTSSESSION_CHANGE code, u32 session id); the stream ends only with the connection, or
 * at shutdown with a frame of status RPC_S_SERVER_UNAVAILABLE.
 */
uint32_t wtsd_h_event_subscribe(struct wtsd *d, const struct wtsd_peer *peer,
                                struct owts_reader *req, struct owts_writer *reply)
{
	(void)reply;
	uint32_t flags = owts_read_u32(req);
	if (!owts_reader_done(req) || flags > NOTIFY_FOR_ALL_SESSIONS)
		return ERROR_INVALID_PARAMETER;
	if (nsubscribers >= SUBSCRIBERS_MAX)
		return ERROR_NOT_ENOUGH_MEMORY;
	struct subscriber *s = calloc(1, sizeof(*s));
	if (!s)
		return ERROR_NOT_ENOUGH_MEMORY;
	s->flags = flags;
	s->session = OWTS_SESSION_SERVICES;
	(void)wtsd_registry_process_session(&d->reg, peer->pid, &s->session);
	s->pending = wtsd_control_defer(d, peer, subscriber_cancel, s);
	if (!s->pending) {
		free(s);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	LIST_LINK(subscribers, s);
	nsubscribers++;
	uint8_t ack[4];
	put_u32(ack, s->session);
	(void)wtsd_control_push(d, s->pending, ack, sizeof(ack));
	return WTSD_STATUS_DEFERRED;
}
