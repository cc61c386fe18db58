/*
 * tool_session.c — session lookups over one WTSEnumerateSessionsExA list.
 *
 * Level 1 is used because it carries the user of every session with its name, state and id in
 * one request; qwinsta shows them all, the other tools need the names. Names and users are
 * compared without regard to ASCII case, as Windows compares them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>
#include <strings.h>

#include <windows.h>
#include <wtsapi32.h>

#include "tool_args.h"
#include "tool_error.h"
#include "tool_session.h"

DWORD tool_sessions_load(HANDLE server, struct tool_sessions *ret)
{
	DWORD level = 1;
	ret->list = NULL;
	ret->count = 0;
	ret->error = ERROR_SUCCESS;
	if (!WTSEnumerateSessionsExA(server, &level, 0, &ret->list, &ret->count)) {
		ret->error = GetLastError();
		ret->list = NULL;
		ret->count = 0;
	}
	return ret->error;
}

void tool_sessions_free(struct tool_sessions *s)
{
	if (s->list)
		WTSFreeMemoryExA(WTSTypeSessionInfoLevel1, s->list, s->count);
	s->list = NULL;
	s->count = 0;
}

const WTS_SESSION_INFO_1A *tool_sessions_by_id(const struct tool_sessions *s, DWORD id)
{
	for (DWORD i = 0; i < s->count; i++)
		if (s->list[i].SessionId == id)
			return &s->list[i];
	return NULL;
}

const WTS_SESSION_INFO_1A *tool_sessions_by_name(const struct tool_sessions *s, const char *name)
{
	if (!name || !*name)
		return NULL;
	for (DWORD i = 0; i < s->count; i++)
		if (s->list[i].pSessionName && strcasecmp(s->list[i].pSessionName, name) == 0)
			return &s->list[i];
	return NULL;
}

bool tool_sessions_has_user(const struct tool_sessions *s, const char *user)
{
	for (DWORD i = 0; i < s->count; i++)
		if (s->list[i].pUserName && strcasecmp(s->list[i].pUserName, user) == 0)
			return true;
	return false;
}

const char *tool_sessions_name(const struct tool_sessions *s, DWORD id)
{
	const WTS_SESSION_INFO_1A *e = tool_sessions_by_id(s, id);
	return e && e->pSessionName ? e->pSessionName : "";
}

DWORD tool_session_current(HANDLE server, DWORD *ret_id)
{
	LPSTR buffer = NULL;
	DWORD bytes = 0;
	if (!WTSQuerySessionInformationA(server, WTS_CURRENT_SESSION, WTSSessionId, &buffer,
	                                 &bytes))
		return GetLastError();
	DWORD err = ERROR_SUCCESS;
	if (bytes >= sizeof(*ret_id))
		memcpy(ret_id, buffer, sizeof(*ret_id));
	else
		err = RPC_S_PROTOCOL_ERROR;
	WTSFreeMemory(buffer);
	return err;
}

bool tool_session_resolve(HANDLE server, const struct tool_sessions *s, const char *arg,
                          DWORD *ret_id)
{
	uint32_t id;
	if (!arg) {
		DWORD err = tool_session_current(server, ret_id);
		if (err)
			tool_error_report(err, "Could not find the current session");
		return err == ERROR_SUCCESS;
	}
	if (tool_parse_u32(arg, &id)) {
		*ret_id = id;
		return true;
	}
	if (s->error) {
		tool_error_report(s->error, "Could not enumerate sessions");
		return false;
	}
	const WTS_SESSION_INFO_1A *e = tool_sessions_by_name(s, arg);
	if (!e) {
		tool_error_report(ERROR_CTX_WINSTATION_NOT_FOUND, "Could not find session %s", arg);
		return false;
	}
	*ret_id = e->SessionId;
	return true;
}
