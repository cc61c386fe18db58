/*
 * api_token.c — WTSQueryUserToken against a real wtsd: root gets a WinPR token for the user of a
 * session, and a program started with it (CreateProcessAsUserA) runs as that user; session 0 and
 * WTS_CURRENT_SESSION of a daemon-side process have nobody logged on (ERROR_NO_TOKEN); an unknown
 * session is ERROR_FILE_NOT_FOUND; a NULL output ERROR_INVALID_PARAMETER; a caller that is not
 * root ERROR_PRIVILEGE_NOT_HELD. Outputs stay untouched on failure; success leaves the last error.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <winpr/handle.h>
#include <winpr/synch.h>
#include <winpr/thread.h>
#include <wtsapi32.h>

#include "api_common.h"

#define NOBODY     65534u
#define NO_SESSION 4242u
#define SENTINEL   ((HANDLE)(uintptr_t)0x5E47)

static void expect_fail(ULONG id, DWORD err)
{
	HANDLE tok = SENTINEL;
	SetLastError(0);
	assert_false(WTSQueryUserToken(id, &tok));
	assert_int_equal(GetLastError(), err);
	assert_ptr_equal(tok, SENTINEL);
}

static void test_token_runs_as_user(void **st)
{
	(void)st;
	pid_t pid;
	DWORD id = api_create_session(NOBODY, "exec sleep 600", &pid);
	HANDLE tok = SENTINEL;
	SetLastError(0xDEADBEEF);
	assert_true(WTSQueryUserToken(id, &tok));
	assert_int_equal(GetLastError(), 0xDEADBEEF);
	assert_non_null(tok);
	assert_ptr_not_equal(tok, SENTINEL);
	/* The token is real: WinPR starts a program as its user. */
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "/bin/sh -c \"id -u > %s.tmp; mv %s.tmp %s\"", api_path("uid"),
	         api_path("uid"), api_path("uid"));
	STARTUPINFOA si;
	PROCESS_INFORMATION pi;
	memset(&si, 0, sizeof(si));
	si.cb = sizeof(si);
	memset(&pi, 0, sizeof(pi));
	assert_true(CreateProcessAsUserA(tok, NULL, cmd, NULL, NULL, FALSE, 0, NULL, "/", &si, &pi));
	assert_int_equal(api_wait_number("uid"), NOBODY);
	WaitForSingleObject(pi.hProcess, 5000);
	CloseHandle(pi.hProcess);
	CloseHandle(pi.hThread);
	assert_true(CloseHandle(tok));
	assert_true(WTSLogoffSession(NULL, id, TRUE));
}

static void test_errors(void **st)
{
	(void)st;
	SetLastError(0);
	assert_false(WTSQueryUserToken(0, NULL));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	expect_fail(0, ERROR_NO_TOKEN);                   /* Services: nobody logged on */
	expect_fail(WTS_CURRENT_SESSION, ERROR_NO_TOKEN); /* this process is in session 0 */
	expect_fail(NO_SESSION, ERROR_FILE_NOT_FOUND);
	expect_fail(65536, ERROR_FILE_NOT_FOUND); /* a listener is no session */
}

static int as_nobody(void *ctx)
{
	DWORD id = *(DWORD *)ctx;
	HANDLE tok = SENTINEL;
	SetLastError(0);
	BOOL ok = WTSQueryUserToken(id, &tok);
	return !ok && GetLastError() == ERROR_PRIVILEGE_NOT_HELD && tok == SENTINEL ? 0 : 1;
}

static void test_not_root(void **st)
{
	(void)st;
	pid_t pid;
	DWORD id = api_create_session(NOBODY, "exec sleep 600", &pid);
	/* Not even the session's own user: the token is LocalSystem's business. */
	assert_int_equal(api_as_nobody(as_nobody, &id), 0);
	assert_true(WTSLogoffSession(NULL, id, TRUE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_runs_as_user),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_not_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
