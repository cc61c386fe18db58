/*
 * api_sessions.c — WTSOpenServer(Ex), WTSCloseServer, WTSEnumerateSessions(Ex) A and W against a
 * real wtsd: session 0 "Services" WTSDisconnected, created sessions with their user and domain,
 * A and W agreeing, last error 0 after success, handles that open locally and die when closed.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <windows.h>
#include <wtsapi32.h>

#include "api_common.h"

static uint32_t created; /* a session of uid 65534 made by the group setup */

static int setup(void **state)
{
	(void)state;
	created = api_create_session(65534, NULL, NULL);
	return 0;
}

static void test_open_local_names(void **state)
{
	(void)state;
	char host[256];
	assert_int_equal(gethostname(host, sizeof(host)), 0);
	const char *names[] = { NULL, "", "localhost", "LOCALHOST", ".", "127.0.0.1", "::1", host };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		HANDLE h = WTSOpenServerA((LPSTR)names[i]);
		assert_non_null(h);
		PWTS_SESSION_INFOA info = NULL;
		DWORD count = 0;
		assert_true(WTSEnumerateSessionsA(h, 0, 1, &info, &count));
		assert_true(count >= 2);
		WTSFreeMemory(info);
		WTSCloseServer(h);
		/* closed: the handle is dead */
		info = NULL;
		assert_false(WTSEnumerateSessionsA(h, 0, 1, &info, &count));
		assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
		assert_null(info);
	}
	/* A longer name that merely starts with the host's name is another host. */
	char other[300];
	snprintf(other, sizeof(other), "%s.elsewhere.invalid", host);
	if (!strchr(host, '.')) {
		assert_null(WTSOpenServerA(other));
		assert_int_equal(GetLastError(), ERROR_NOT_SUPPORTED);
	} else {
		print_message("skipped: the host name \"%s\" is qualified; a longer name is not "
		              "built from it\n", host);
		/* Its first label is local. */
		char label[256];
		snprintf(label, sizeof(label), "%.*s", (int)strcspn(host, "."), host);
		HANDLE h = WTSOpenServerA(label);
		assert_non_null(h);
		WTSCloseServer(h);
	}
	WCHAR local[] = { 'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't', 0 };
	HANDLE h = WTSOpenServerExW(local);
	assert_non_null(h);
	WTSCloseServer(h);
}

static const WTS_SESSION_INFOA *find_a(PWTS_SESSION_INFOA info, DWORD n, DWORD id)
{
	for (DWORD i = 0; i < n; i++)
		if (info[i].SessionId == id)
			return &info[i];
	return NULL;
}

static void test_enumerate_a_w(void **state)
{
	(void)state;
	PWTS_SESSION_INFOA a = NULL;
	PWTS_SESSION_INFOW w = NULL;
	DWORD na = 0, nw = 0;
	SetLastError(0xDEADBEEF);
	assert_true(WTSEnumerateSessionsA(WTS_CURRENT_SERVER_HANDLE, 0, 1, &a, &na));
	assert_int_equal(GetLastError(), 0);
	assert_true(WTSEnumerateSessionsW(WTS_CURRENT_SERVER_HANDLE, 0, 1, &w, &nw));
	assert_int_equal(na, nw);
	const WTS_SESSION_INFOA *services = find_a(a, na, 0);
	assert_non_null(services);
	assert_string_equal(services->pWinStationName, "Services");
	assert_int_equal(services->State, WTSDisconnected);
	assert_non_null(find_a(a, na, created));
	for (DWORD i = 0; i < na; i++) {
		assert_int_equal(a[i].SessionId, w[i].SessionId);
		assert_int_equal(a[i].State, w[i].State);
		char conv[64];
		WideCharToMultiByte(CP_UTF8, 0, w[i].pWinStationName, -1, conv, sizeof(conv), NULL,
		                    NULL);
		assert_string_equal(conv, a[i].pWinStationName);
	}
	WTSFreeMemory(a);
	WTSFreeMemory(w);
}

static void test_enumerate_ex(void **state)
{
	(void)state;
	PWTS_SESSION_INFO_1A a = NULL;
	DWORD level = 1, n = 0;
	SetLastError(0xDEADBEEF);
	assert_true(WTSEnumerateSessionsExA(NULL, &level, 0, &a, &n));
	assert_int_equal(GetLastError(), 0);
	assert_int_equal(level, 1);
	bool seen_services = false, seen_created = false;
	for (DWORD i = 0; i < n; i++) {
		assert_int_equal(a[i].ExecEnvId, a[i].SessionId);
		assert_null(a[i].pHostName);
		assert_null(a[i].pFarmName);
		if (a[i].SessionId == 0) {
			seen_services = true;
			assert_string_equal(a[i].pSessionName, "Services");
			assert_null(a[i].pUserName); /* nobody logged on */
			assert_null(a[i].pDomainName);
		}
		if (a[i].SessionId == created) {
			seen_created = true;
			assert_string_equal(a[i].pUserName, "nobody");
			assert_non_null(a[i].pDomainName);
			assert_true(strlen(a[i].pDomainName) > 0);
			assert_int_equal(a[i].State, WTSDisconnected);
		}
	}
	assert_true(seen_services && seen_created);
	assert_true(WTSFreeMemoryExA(WTSTypeSessionInfoLevel1, a, n));

	PWTS_SESSION_INFO_1W w = NULL;
	DWORD nw = 0;
	assert_true(WTSEnumerateSessionsExW(NULL, &level, 0, &w, &nw));
	assert_int_equal(nw, n);
	assert_true(WTSFreeMemoryExW(WTSTypeSessionInfoLevel1, w, nw));
}

/* An unprivileged user may enumerate sessions (Windows' Users hold Query Information). */
static int enumerate_as_nobody(void *ctx)
{
	(void)ctx;
	PWTS_SESSION_INFOA a = NULL;
	DWORD n = 0;
	if (!WTSEnumerateSessionsA(NULL, 0, 1, &a, &n))
		return 1;
	int rc = find_a(a, n, created) ? 0 : 2;
	WTSFreeMemory(a);
	return rc;
}

static void test_enumerate_unprivileged(void **state)
{
	(void)state;
	assert_int_equal(api_as_nobody(enumerate_as_nobody, NULL), 0);
}

/* A session whose program cannot start is not created at all. */
static void test_failed_create_leaves_nothing(void **state)
{
	(void)state;
	PWTS_SESSION_INFOA a = NULL;
	DWORD before = 0, after = 0;
	assert_true(WTSEnumerateSessionsA(NULL, 0, 1, &a, &before));
	WTSFreeMemory(a);
	assert_int_not_equal(api_run("%s create-session 65534 /nonexistent/program 2>/dev/null",
	                             getenv("WTSCTL")),
	                     0);
	assert_true(WTSEnumerateSessionsA(NULL, 0, 1, &a, &after));
	WTSFreeMemory(a);
	assert_int_equal(after, before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_local_names),
		cmocka_unit_test(test_enumerate_a_w),
		cmocka_unit_test(test_enumerate_ex),
		cmocka_unit_test(test_enumerate_unprivileged),
		cmocka_unit_test(test_failed_create_leaves_nothing),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
