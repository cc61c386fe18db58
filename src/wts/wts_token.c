/*
 * wts_token.c — WTSQueryUserToken: a WinPR access token for the user logged on in a session.
 *
 * Windows hands the token only to LocalSystem (SE_TCB_NAME); on Linux the equivalent is root
 * (effective uid 0), anyone else gets ERROR_PRIVILEGE_NOT_HELD. The session's user comes from
 * wtsd's record (its Linux uid); the token is WinPR's (LogonUserA), made for that account's name,
 * so it carries the account's uid and gid — what WinPR's CreateProcessAsUserA runs a program as —
 * and CloseHandle frees it. LogonUserA checks no password and, for a name it does not know, makes
 * a token of uid 0 (DESIGN.md, known traps): it is called only for an account getpwuid_r found,
 * and the token's name is the one that account has, so neither trap applies.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <winpr/handle.h>
#include <winpr/sspicli.h>
#include <wtsapi32.h>

#include "wts_private.h"

/* The account name of uid into name. Returns ERROR_SUCCESS, or ERROR_NO_TOKEN when the account
 * is gone. */
static DWORD account_name(uint32_t uid, char *name, size_t size)
{
	struct passwd pw, *found = NULL;
	char buf[4096];
	if (getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &found) != 0 || !found ||
	    strlen(found->pw_name) >= size)
		return ERROR_NO_TOKEN;
	memcpy(name, found->pw_name, strlen(found->pw_name) + 1);
	return ERROR_SUCCESS;
}

WTS_EXPORT BOOL WINAPI WTSQueryUserToken(ULONG SessionId, PHANDLE phToken)
{
	if (!phToken)
		return wts_fail(ERROR_INVALID_PARAMETER);
	if (geteuid() != 0)
		return wts_fail(ERROR_PRIVILEGE_NOT_HELD);
	struct owts_session s;
	DWORD err = wts_session_get(SessionId, &s);
	if (err == OWTS_ERROR_CTX_WINSTATION_NOT_FOUND)
		err = ERROR_FILE_NOT_FOUND; /* Windows' documented code for this function */
	if (err)
		return wts_fail(err);
	if (s.uid == OWTS_NO_UID)
		return wts_fail(ERROR_NO_TOKEN); /* nobody logged on: session 0, a listener */
	char name[256];
	if ((err = account_name(s.uid, name, sizeof(name))))
		return wts_fail(err);
	HANDLE token = NULL;
	if (!LogonUserA(name, NULL, NULL, LOGON32_LOGON_INTERACTIVE, LOGON32_PROVIDER_DEFAULT,
	                &token) ||
	    !token)
		return wts_fail(ERROR_NOT_ENOUGH_MEMORY);
	*(HANDLE *)phToken = token; /* PHANDLE is void * in WinPR */
	return TRUE;
}
