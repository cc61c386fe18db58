/*
 * events.h — session events inside wtsd: whoever changes a session reports it here, and the
 * event service (events.c) wakes WTSWaitSystemEvent waiters and feeds subscribers
 * (WM_WTSSESSION_CHANGE notifications, the pollable fd extension).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_EVENTS_H
#define WTSD_EVENTS_H

#include <stdint.h>

struct wtsd;

/*
 * Reports that session_id went through a change. wts_event is one WTS_EVENT_* bit (CREATE,
 * DELETE, CONNECT, DISCONNECT, LOGON, LOGOFF, STATECHANGE, ...); notify is the matching
 * WM_WTSSESSION_CHANGE code (WTS_REMOTE_CONNECT, WTS_SESSION_LOGON, ...) or 0 if none.
 * Main thread only.
 */
void wtsd_events_emit(struct wtsd *d, uint32_t wts_event, uint32_t notify, uint32_t session_id);

/* Cancels every waiter and subscription (shutdown). */
void wtsd_events_close(struct wtsd *d);

#endif /* WTSD_EVENTS_H */
