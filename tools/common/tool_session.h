/*
 * tool_session.h — the sessions of a server, as the tools look them up: by id, by name, by user,
 * and the caller's own.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_TOOL_SESSION_H
#define OPENWTS_TOOL_SESSION_H

#include <stdbool.h>

#include <windows.h>
#include <wtsapi32.h>

struct tool_sessions
{
	PWTS_SESSION_INFO_1A list; /* one block from WTSEnumerateSessionsExA; NULL on failure */
	DWORD count;
	DWORD error; /* ERROR_SUCCESS, or why the list could not be had */
};

/*
 * Enumerates the sessions of server (WTSEnumerateSessionsExA, level 1) into *ret. Returns
 * ERROR_SUCCESS or the error, which is also left in ret->error (then the list is empty). Reports
 * nothing. Free with tool_sessions_free in either case.
 */
DWORD tool_sessions_load(HANDLE server, struct tool_sessions *ret);

/* Frees the list; the structure is left empty. */
void tool_sessions_free(struct tool_sessions *s);

/* The entry of session id, or NULL. */
const WTS_SESSION_INFO_1A *tool_sessions_by_id(const struct tool_sessions *s, DWORD id);

/* The first session whose name is name, ignoring case; NULL for none or an empty name. */
const WTS_SESSION_INFO_1A *tool_sessions_by_name(const struct tool_sessions *s, const char *name);

/* Whether some session's user is user, ignoring case. */
bool tool_sessions_has_user(const struct tool_sessions *s, const char *user);

/* The name of session id; "" when it has none or is not in the list. Never NULL. */
const char *tool_sessions_name(const struct tool_sessions *s, DWORD id);

/* The session of the calling process on server (WTSQuerySessionInformationA with
 * WTS_CURRENT_SESSION). Returns ERROR_SUCCESS and writes *ret_id, or returns the error. */
DWORD tool_session_current(HANDLE server, DWORD *ret_id);

/*
 * The session arg names: NULL for the caller's own, digits for that id (whether it exists is
 * left to the call that uses it), anything else a session name looked up in s. Reports an error
 * on stderr and returns false when the name is unknown or cannot be looked up. *ret_id is
 * written only on success.
 */
bool tool_session_resolve(HANDLE server, const struct tool_sessions *s, const char *arg,
                          DWORD *ret_id);

#endif /* OPENWTS_TOOL_SESSION_H */
