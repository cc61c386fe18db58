/*
 * api_lifecycle.c — WTSLogoffSession, WTSDisconnectSession and WTSConnectSession(A/W) against
 * a real wtsd (tests/with-wtsd.sh, started with --logoff-grace-ms 300):
 *   - a logoff with bWait TRUE returns once the session's processes are gone — also a shell and
 *     its child that ignore SIGTERM (SIGKILL after the grace period) — and the session is gone;
 *   - a logoff with bWait FALSE returns at once, the session disappears soon after (queries
 *     then fail with 7022);
 *   - as uid 65534: the user's own session may be disconnected and logged off, another user's
 *     may not (5);
 *   - session 0 cannot be logged off or disconnected (5);
 *   - disconnecting a session without a client succeeds and leaves it and its processes alone;
 *   - WTSConnectSession: the checks before the (unsupported) move of a connection.
 * The RDP side (a connection closed by WTSDisconnectSession) is in tests/e2e/e2e_rdp.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <windows.h>
#include <wtsapi32.h>

#include "api_common.h"

#define NOBODY 65534u

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* True if pid has ended (no /proc entry, or a zombie waiting for its parent). */
static bool gone(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return true;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'Z';
}

/* The session's state, or -1 with the last error when the query fails. */
static int state_of(DWORD id)
{
	WTS_CONNECTSTATE_CLASS *state = NULL;
	DWORD len = 0;
	if (!WTSQuerySessionInformationA(NULL, id, WTSConnectState, (LPSTR *)&state, &len))
		return -1;
	int v = (int)*state;
	WTSFreeMemory(state);
	return v;
}

static void test_logoff_wait_kills(void **st)
{
	(void)st;
	/* The shell and its child ignore SIGTERM (an ignored signal stays ignored across exec). */
	pid_t pid = 0;
	char script[1024];
	snprintf(script, sizeof(script), "trap \"\" TERM; sleep 600 & echo $! > %s; wait",
	         api_path("child1"));
	DWORD id = api_create_session(NOBODY, script, &pid);
	pid_t child = (pid_t)api_wait_number("child1");
	assert_false(gone(pid));
	assert_false(gone(child));
	double t0 = now_s();
	SetLastError(0xDEADBEEF);
	assert_true(WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, id, TRUE));
	double took = now_s() - t0;
	assert_int_equal(GetLastError(), 0);
	/* SIGTERM was ignored: only SIGKILL after the 300 ms grace period ended them. */
	assert_true(took >= 0.25);
	assert_true(took < 5.0);
	assert_true(gone(pid));
	assert_true(gone(child));
	assert_int_equal(state_of(id), -1);
	assert_int_equal(GetLastError(), 7022);
}

static void test_logoff_wait_term(void **st)
{
	(void)st;
	pid_t pid = 0;
	DWORD id = api_create_session(NOBODY, "exec sleep 600", &pid);
	double t0 = now_s();
	assert_true(WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, id, TRUE));
	/* sleep dies of SIGTERM: no need to wait for the grace period. */
	assert_true(now_s() - t0 < 0.25);
	assert_true(gone(pid));
	assert_int_equal(state_of(id), -1);
	assert_int_equal(GetLastError(), 7022);
}

static void test_logoff_nowait(void **st)
{
	(void)st;
	pid_t pid = 0;
	DWORD id = api_create_session(NOBODY, "trap \"\" TERM; while :; do sleep 1; done", &pid);
	double t0 = now_s();
	assert_true(WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, id, FALSE));
	assert_true(now_s() - t0 < 0.2);
	/* It is still there (SIGTERM is ignored for 300 ms), then it goes. */
	int i;
	for (i = 0; i < 100 && state_of(id) >= 0; i++)
		usleep(50 * 1000);
	assert_true(i < 100);
	assert_int_equal(GetLastError(), 7022);
	assert_true(gone(pid));
	/* Logging off what is gone: no such session. */
	SetLastError(0xDEADBEEF);
	assert_false(WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, id, TRUE));
	assert_int_equal(GetLastError(), 7022);
}

static void test_logoff_empty_session(void **st)
{
	(void)st;
	HANDLE h = WTSOpenServerA(NULL);
	assert_non_null(h);
	DWORD id = api_create_session(NOBODY, NULL, NULL);
	assert_true(WTSLogoffSession(h, id, TRUE));
	assert_int_equal(state_of(id), -1);
	WTSCloseServer(h);
}

static void test_session0(void **st)
{
	(void)st;
	SetLastError(0xDEADBEEF);
	assert_false(WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, 0, TRUE));
	assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
	/* The test runs in session 0: WTS_CURRENT_SESSION is session 0. */
	assert_false(WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, FALSE));
	assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
	assert_false(WTSDisconnectSession(WTS_CURRENT_SERVER_HANDLE, 0, FALSE));
	assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
	assert_int_equal(state_of(0), WTSDisconnected);
}

static void test_disconnect_no_client(void **st)
{
	(void)st;
	pid_t pid = 0;
	DWORD id = api_create_session(NOBODY, "exec sleep 600", &pid);
	SetLastError(0xDEADBEEF);
	assert_true(WTSDisconnectSession(WTS_CURRENT_SERVER_HANDLE, id, TRUE));
	assert_int_equal(GetLastError(), 0);
	assert_int_equal(state_of(id), WTSDisconnected);
	assert_false(gone(pid));
	assert_true(WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, id, TRUE));
	assert_true(gone(pid));
}

struct ids
{
	DWORD own, other;
	pid_t own_pid, other_pid;
};

/* As uid 65534: exit code 0 = as expected, else the step that failed. */
static int as_nobody(void *ctx)
{
	const struct ids *x = ctx;
	if (WTSLogoffSession(NULL, x->other, TRUE) || GetLastError() != ERROR_ACCESS_DENIED)
		return 1;
	if (WTSDisconnectSession(NULL, x->other, TRUE) || GetLastError() != ERROR_ACCESS_DENIED)
		return 2;
	if (WTSConnectSessionA(x->other, x->own, "", TRUE) || GetLastError() != ERROR_ACCESS_DENIED)
		return 3;
	if (!WTSDisconnectSession(NULL, x->own, FALSE))
		return 4;
	if (!WTSLogoffSession(NULL, x->own, TRUE))
		return 5;
	return 0;
}

static void test_permissions(void **st)
{
	(void)st;
	struct ids x;
	x.own = api_create_session(NOBODY, "exec sleep 600", &x.own_pid);
	x.other = api_create_session(0, "exec sleep 600", &x.other_pid);
	assert_int_equal(api_as_nobody(as_nobody, &x), 0);
	assert_true(gone(x.own_pid));
	assert_false(gone(x.other_pid));
	assert_int_equal(state_of(x.other), WTSDisconnected);
	assert_true(WTSLogoffSession(NULL, x.other, TRUE));
	assert_true(gone(x.other_pid));
}

static void test_connect_checks(void **st)
{
	(void)st;
	DWORD a = api_create_session(NOBODY, NULL, NULL);
	DWORD b = api_create_session(NOBODY, NULL, NULL);
	SetLastError(0xDEADBEEF);
	assert_false(WTSConnectSessionA(a, a, "", TRUE));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	/* b has no client connection to give. */
	assert_false(WTSConnectSessionA(a, b, "", TRUE));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	WCHAR empty[] = {0};
	assert_false(WTSConnectSessionW(a, 0, empty, FALSE));
	assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
	assert_false(WTSConnectSessionW(a, 12345, empty, FALSE));
	assert_int_equal(GetLastError(), 7022);
	assert_true(WTSLogoffSession(NULL, a, TRUE));
	assert_true(WTSLogoffSession(NULL, b, FALSE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logoff_wait_kills),
		cmocka_unit_test(test_logoff_wait_term),
		cmocka_unit_test(test_logoff_nowait),
		cmocka_unit_test(test_logoff_empty_session),
		cmocka_unit_test(test_session0),
		cmocka_unit_test(test_disconnect_no_client),
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_connect_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
