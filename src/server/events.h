/*
 * events.h — session events inside wtsd: whoever changes a session reports it here, and the
 * event service (events.c) wakes WTSWaitSystemEvent waiters and feeds subscribers
 * (WM_WTSSESSION_CHANGE notifications, the pollable fd extension).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_EVENTS_H
#define WTSD_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

struct wtsd;

/*
 * Reports that session_id went through a change. wts_event is the WTS_EVENT_* bits of the change
 * (one or more of CREATE, DELETE, CONNECT, DISCONNECT, LOGON, LOGOFF, STATECHANGE, ...; 0 if the
 * call only carries a notification); notify is the matching WM_WTSSESSION_CHANGE code
 * (WTS_REMOTE_CONNECT, WTS_SESSION_LOGON, ...) or 0 if none.
 *
 * Subscribers get notify at once, in the order of the calls. WTSWaitSystemEvent waiters collect
 * the bits of every call made during one turn of the main loop and are answered at its end, so
 * a change reported as several calls (CREATE, then LOGON) wakes a waiter once with all its bits.
 * Main thread only.
 */
void wtsd_events_emit(struct wtsd *d, uint32_t wts_event, uint32_t notify, uint32_t session_id);

/* If tag is the event service's epoll tag, answers the waiters that saw events; returns true. */
bool wtsd_events_event(struct wtsd *d, void *tag);

/* Ends every waiter and subscription with RPC_S_SERVER_UNAVAILABLE (shutdown). */
void wtsd_events_close(struct wtsd *d);

#endif /* WTSD_EVENTS_H */
