/*
 * lifecycle.h — ending sessions and their programs inside wtsd: the logoff machinery
 * (logoff.c: SIGTERM, SIGKILL after a grace period, removal, replies to bWait callers), the
 * initial program of an RDP session, and the main-loop hooks they need. The control handlers
 * of WTSDisconnectSession, WTSLogoffSession and WTSConnectSession are in lifecycle.c
 * (declared in handlers.h). Main thread only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_LIFECYCLE_H
#define WTSD_LIFECYCLE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct wtsd;
struct wtsd_peer;
struct wtsd_session;

/* Creates the logoff timer (a timerfd in d's epoll set). Returns 0 or -errno. */
int wtsd_lifecycle_open(struct wtsd *d);
/* If tag is the timer's epoll tag, advances every logoff under way and returns true. */
bool wtsd_lifecycle_event(struct wtsd *d, void *tag);
/* Forgets logoffs under way (their sessions stay in the store and load as disconnected) and
 * closes the timer. Call after wtsd_control_close(), which cancels their waiters. */
void wtsd_lifecycle_close(struct wtsd *d);

/*
 * Begins logging off s: marks it ending (no reconnect, no new program), closes its RDP
 * connection if any, sends SIGTERM (and SIGCONT) to its processes; SIGKILL follows after
 * d->cfg.logoff_grace_ms. Once no process is left the session is removed (registry, store,
 * cgroup) and WTS_EVENT_LOGOFF | WTS_EVENT_DELETE is emitted. A session with no process left
 * is removed before this returns, so s must not be used afterwards. A session already ending
 * is left alone. Returns 0 or -errno.
 */
int wtsd_logoff_begin(struct wtsd *d, struct wtsd_session *s);
/*
 * Defers the reply to peer's request until the logoff of session_id has finished. Returns
 * WTSD_STATUS_DEFERRED, ERROR_SUCCESS when no logoff of it is under way (it has finished), or
 * ERROR_NOT_ENOUGH_MEMORY.
 */
uint32_t wtsd_logoff_wait(struct wtsd *d, const struct wtsd_peer *peer, uint32_t session_id);

/*
 * Starts d->cfg.initial_program ("/bin/sh -c <program>") in the new session s as its user and
 * records it (WTSInitialProgram, WTSWorkingDirectory = home); nothing without a program.
 * Returns 0 or -errno.
 */
int wtsd_lifecycle_start_program(struct wtsd *d, struct wtsd_session *s);
/* A child of wtsd was reaped: if it was a session's initial program and logoff_on_exit is set,
 * that session is logged off. */
void wtsd_lifecycle_reaped(struct wtsd *d, pid_t pid);

#endif /* WTSD_LIFECYCLE_H */
