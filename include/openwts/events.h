/*
 * openwts/events.h — session-change notifications as a pollable file descriptor: an OpenWTS
 * extension, not a Windows API.
 *
 * Windows delivers session changes to a window (WTSRegisterSessionNotification, message
 * WM_WTSSESSION_CHANGE) or to a service's HandlerEx. A Linux program usually runs its own event
 * loop (poll, epoll, libuv, GLib) instead: OpenWTSEventOpen gives it a descriptor that becomes
 * readable when a notification is waiting, and OpenWTSEventRead returns the notification with
 * the same values a window would get (wParam = the WM_WTSSESSION_CHANGE code such as
 * WTS_SESSION_LOGON, lParam = the session id). Notifications arrive in the order wtsd saw the
 * changes. Reference: docs/api/OpenWTSEventOpen.md, OpenWTSEventRead.md, OpenWTSEventClose.md.
 *
 *	int fd = OpenWTSEventOpen(WTS_CURRENT_SERVER_HANDLE, NOTIFY_FOR_ALL_SESSIONS);
 *	struct pollfd p = { .fd = fd, .events = POLLIN };
 *	while (poll(&p, 1, -1) == 1) {
 *		DWORD code, session;
 *		if (!OpenWTSEventRead(fd, &code, &session))
 *			break;                  // GetLastError(): wtsd went away, ...
 *		...
 *	}
 *	OpenWTSEventClose(fd);
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_EVENTS_H
#define OPENWTS_EVENTS_H

#include <openwts/prologue.h>
#include <winpr/wtypes.h>
#include <winpr/wtsapi.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Subscribes to session-change notifications of hServer (WTS_CURRENT_SERVER_HANDLE or a handle
 * of WTSOpenServer) and returns a descriptor to poll for POLLIN, or -1 with the last error set.
 * dwFlags: NOTIFY_FOR_THIS_SESSION (the caller's session only) or NOTIFY_FOR_ALL_SESSIONS.
 * Every notification after the call returns is delivered. The descriptor belongs to OpenWTS:
 * read it only with OpenWTSEventRead and release it with OpenWTSEventClose, not close().
 * Errors: ERROR_INVALID_PARAMETER (dwFlags above 1), ERROR_INVALID_HANDLE (hServer),
 * RPC_S_SERVER_UNAVAILABLE (no wtsd), ERROR_NOT_ENOUGH_MEMORY.
 */
int CDECL OpenWTSEventOpen(HANDLE hServer, DWORD dwFlags);

/*
 * Reads the next notification of fd into *pCode (a WM_WTSSESSION_CHANGE code) and *pSessionId;
 * blocks until one arrives if none is waiting. Outputs are written only on success.
 * Errors: ERROR_INVALID_PARAMETER (a NULL output), ERROR_INVALID_HANDLE (fd is not open from
 * OpenWTSEventOpen), RPC_S_SERVER_UNAVAILABLE (wtsd stopped: the descriptor stays readable and
 * every later read fails the same way; close it), RPC_S_PROTOCOL_ERROR.
 */
BOOL CDECL OpenWTSEventRead(int fd, DWORD *pCode, DWORD *pSessionId);

/* Ends the subscription and closes fd. An fd not open from OpenWTSEventOpen is ignored. */
void CDECL OpenWTSEventClose(int fd);

#ifdef __cplusplus
}
#endif

#endif /* OPENWTS_EVENTS_H */
