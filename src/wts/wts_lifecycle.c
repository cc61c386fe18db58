/*
 * wts_lifecycle.c — WTSDisconnectSession, WTSLogoffSession and WTSConnectSession(A/W).
 *
 * Each validates its arguments, sends one request to wtsd and maps the reply status; wtsd does
 * the work and decides who may (src/server/lifecycle.c, docs/api/). WTSLogoffSession with bWait
 * returns when wtsd replies, which it does once the session's processes are gone and the
 * session removed (a deferred reply, within the call timeout of 30 s: wtsd's SIGKILL comes
 * after its grace period, 5 s by default).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>

#include <wtsapi32.h>

#include "wts_private.h"

#define PASSWORD_MAX 512 /* bytes of UTF-8, terminator included; wtsd reads no longer one */

/* Sends op with session_id and wait; returns the reply status. */
static DWORD session_call(uint16_t op, DWORD session_id, BOOL wait)
{
	struct owts_writer w;
	if (owts_writer_begin(&w, op, 1, 0) < 0)
		return ERROR_NOT_ENOUGH_MEMORY;
	owts_write_u32(&w, session_id);
	owts_write_u32(&w, wait ? 1 : 0);
	struct wts_reply reply;
	DWORD err = wts_call(&w, &reply);
	owts_writer_free(&w);
	if (!err)
		wts_reply_free(&reply);
	return err;
}

WTS_EXPORT BOOL WINAPI WTSDisconnectSession(HANDLE hServer, DWORD SessionId, BOOL bWait)
{
	DWORD err = wts_handle_check(hServer);
	if (!err)
		err = session_call(OWTS_OP_SESSION_DISCONNECT, SessionId, bWait);
	return err ? wts_fail(err) : wts_ok();
}

WTS_EXPORT BOOL WINAPI WTSLogoffSession(HANDLE hServer, DWORD SessionId, BOOL bWait)
{
	DWORD err = wts_handle_check(hServer);
	if (!err)
		err = session_call(OWTS_OP_SESSION_LOGOFF, SessionId, bWait);
	return err ? wts_fail(err) : wts_ok();
}

static BOOL connect_session(ULONG LogonId, ULONG TargetLogonId, const void *pPassword, BOOL bWait,
                            bool wide)
{
	if (!pPassword || (LogonId == LOGONID_CURRENT && TargetLogonId == LOGONID_CURRENT))
		return wts_fail(ERROR_INVALID_PARAMETER);
	char password[PASSWORD_MAX];
	DWORD err = wts_arg_utf8(pPassword, wide, password, sizeof(password));
	struct owts_writer w;
	if (!err && owts_writer_begin(&w, OWTS_OP_SESSION_CONNECT, 1, 0) < 0)
		err = ERROR_NOT_ENOUGH_MEMORY;
	if (!err) {
		owts_write_u32(&w, LogonId);
		owts_write_u32(&w, TargetLogonId);
		owts_write_str(&w, password);
		owts_write_u32(&w, bWait ? 1 : 0);
		struct wts_reply reply;
		err = wts_call(&w, &reply);
		if (!err)
			wts_reply_free(&reply);
		owts_writer_free(&w);
	}
	memset(password, 0, sizeof(password));
	return err ? wts_fail(err) : wts_ok();
}

WTS_EXPORT BOOL WINAPI WTSConnectSessionW(ULONG LogonId, ULONG TargetLogonId, PWSTR pPassword,
                                          BOOL bWait)
{
	return connect_session(LogonId, TargetLogonId, pPassword, bWait, true);
}

WTS_EXPORT BOOL WINAPI WTSConnectSessionA(ULONG LogonId, ULONG TargetLogonId, PSTR pPassword,
                                          BOOL bWait)
{
	return connect_session(LogonId, TargetLogonId, pPassword, bWait, false);
}
