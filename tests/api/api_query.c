/*
 * api_query.c — WTSQuerySessionInformation A and W for every WTS_INFO_CLASS, on session 0 and
 * on a created session: each class's data type and byte count (strings count their terminator:
 * W (n+1)*2, A n+1), the values wtsd knows, the classes Windows refuses (ERROR_NOT_SUPPORTED),
 * WTS_CURRENT_SESSION, and last error 0 after success.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>
#include <unistd.h>

#include <windows.h>
#include <wtsapi32.h>

#include "api_common.h"

static uint32_t created;

static int setup(void **state)
{
	(void)state;
	created = api_create_session(65534, NULL, NULL);
	return 0;
}

enum type { T_STRING, T_FIXED, T_UNSUPPORTED };

static const struct {
	WTS_INFO_CLASS cls;
	enum type type;
	DWORD size_w, size_a; /* FIXED only */
} classes[] = {
	{ WTSInitialProgram, T_STRING, 0, 0 },
	{ WTSApplicationName, T_STRING, 0, 0 },
	{ WTSWorkingDirectory, T_STRING, 0, 0 },
	{ WTSOEMId, T_STRING, 0, 0 },
	{ WTSSessionId, T_FIXED, 4, 4 },
	{ WTSUserName, T_STRING, 0, 0 },
	{ WTSWinStationName, T_STRING, 0, 0 },
	{ WTSDomainName, T_STRING, 0, 0 },
	{ WTSConnectState, T_FIXED, 4, 4 },
	{ WTSClientBuildNumber, T_FIXED, 4, 4 },
	{ WTSClientName, T_STRING, 0, 0 },
	{ WTSClientDirectory, T_STRING, 0, 0 },
	{ WTSClientProductId, T_FIXED, 2, 2 },
	{ WTSClientHardwareId, T_FIXED, 4, 4 },
	{ WTSClientAddress, T_FIXED, 24, 24 },
	{ WTSClientDisplay, T_FIXED, 12, 12 },
	{ WTSClientProtocolType, T_FIXED, 2, 2 },
	{ WTSIdleTime, T_UNSUPPORTED, 0, 0 },
	{ WTSLogonTime, T_UNSUPPORTED, 0, 0 },
	{ WTSIncomingBytes, T_UNSUPPORTED, 0, 0 },
	{ WTSOutgoingBytes, T_UNSUPPORTED, 0, 0 },
	{ WTSIncomingFrames, T_UNSUPPORTED, 0, 0 },
	{ WTSOutgoingFrames, T_UNSUPPORTED, 0, 0 },
	{ WTSClientInfo, T_FIXED, sizeof(WTSCLIENTW), sizeof(WTSCLIENTA) },
	{ WTSSessionInfo, T_FIXED, sizeof(WTSINFOW), sizeof(WTSINFOA) },
	{ WTSSessionInfoEx, T_FIXED, sizeof(WTSINFOEXW), sizeof(WTSINFOEXA) },
	{ WTSConfigInfo, T_FIXED, sizeof(WTSCONFIGINFOW), sizeof(WTSCONFIGINFOA) },
	{ WTSValidationInfo, T_UNSUPPORTED, 0, 0 },
	{ WTSSessionAddressV4, T_UNSUPPORTED, 0, 0 },
	{ WTSIsRemoteSession, T_FIXED, 1, 1 },
	{ WTSSessionActivityId, T_UNSUPPORTED, 0, 0 },
	{ WTSCapabilityCheck, T_UNSUPPORTED, 0, 0 },
};

static size_t wlen(const WCHAR *w)
{
	size_t n = 0;
	while (w[n])
		n++;
	return n;
}

static void check_all_classes(DWORD id)
{
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		LPWSTR w = NULL;
		LPSTR a = NULL;
		DWORD bw = 0, ba = 0;
		SetLastError(0xDEADBEEF);
		BOOL okw = WTSQuerySessionInformationW(NULL, id, classes[i].cls, &w, &bw);
		DWORD errw = GetLastError();
		SetLastError(0xDEADBEEF);
		BOOL oka = WTSQuerySessionInformationA(NULL, id, classes[i].cls, &a, &ba);
		DWORD erra = GetLastError();
		if (classes[i].type == T_UNSUPPORTED) {
			assert_false(okw);
			assert_false(oka);
			assert_int_equal(errw, ERROR_NOT_SUPPORTED);
			assert_int_equal(erra, ERROR_NOT_SUPPORTED);
			assert_null(w);
			assert_null(a);
			continue;
		}
		if (!okw || !oka)
			fail_msg("class %d: W %d (%u) A %d (%u)", classes[i].cls, okw, errw, oka,
			         erra);
		assert_int_equal(errw, 0);
		assert_int_equal(erra, 0);
		if (classes[i].type == T_STRING) {
			assert_int_equal(bw, (wlen(w) + 1) * sizeof(WCHAR));
			assert_int_equal(ba, strlen(a) + 1);
			char conv[1024];
			WideCharToMultiByte(CP_UTF8, 0, w, -1, conv, sizeof(conv), NULL, NULL);
			assert_string_equal(conv, a);
		} else {
			assert_int_equal(bw, classes[i].size_w);
			assert_int_equal(ba, classes[i].size_a);
		}
		WTSFreeMemory(w);
		WTSFreeMemory(a);
	}
}

static void test_every_class_services(void **state)
{
	(void)state;
	check_all_classes(0);
}

static void test_every_class_created(void **state)
{
	(void)state;
	check_all_classes(created);
}

static void test_values(void **state)
{
	(void)state;
	LPSTR s = NULL;
	DWORD n = 0;
	assert_true(WTSQuerySessionInformationA(NULL, 0, WTSWinStationName, &s, &n));
	assert_string_equal(s, "Services");
	assert_int_equal(n, 9);
	WTSFreeMemory(s);
	/* Session 0 has nobody logged on: an empty user name (KB307642). */
	assert_true(WTSQuerySessionInformationA(NULL, 0, WTSUserName, &s, &n));
	assert_string_equal(s, "");
	assert_int_equal(n, 1);
	WTSFreeMemory(s);
	assert_true(WTSQuerySessionInformationA(NULL, created, WTSUserName, &s, &n));
	assert_string_equal(s, "nobody");
	WTSFreeMemory(s);

	DWORD *id = NULL;
	assert_true(WTSQuerySessionInformationA(NULL, created, WTSSessionId, (LPSTR *)&id, &n));
	assert_int_equal(*id, created);
	WTSFreeMemory(id);
	/* This test runs outside any session: WTS_CURRENT_SESSION is session 0. */
	assert_true(WTSQuerySessionInformationA(NULL, WTS_CURRENT_SESSION, WTSSessionId,
	                                        (LPSTR *)&id, &n));
	assert_int_equal(*id, 0);
	WTSFreeMemory(id);

	USHORT *proto = NULL;
	assert_true(WTSQuerySessionInformationW(NULL, 0, WTSClientProtocolType, (LPWSTR *)&proto,
	                                        &n));
	assert_int_equal(*proto, WTS_PROTOCOL_TYPE_CONSOLE);
	WTSFreeMemory(proto);

	BYTE *remote = NULL;
	assert_true(WTSQuerySessionInformationW(NULL, 0, WTSIsRemoteSession, (LPWSTR *)&remote, &n));
	assert_int_equal(*remote, 0);
	WTSFreeMemory(remote);
}

/* A session created with a program reports it as its initial program, in the user's home. */
static void test_initial_program(void **state)
{
	(void)state;
	uint32_t id = api_create_session(65534, "sleep 30", NULL);
	LPSTR s = NULL;
	DWORD n = 0;
	assert_true(WTSQuerySessionInformationA(NULL, id, WTSInitialProgram, &s, &n));
	assert_string_equal(s, "/bin/sh -c sleep 30");
	WTSFreeMemory(s);
	assert_true(WTSQuerySessionInformationA(NULL, id, WTSWorkingDirectory, &s, &n));
	assert_string_equal(s, "/nonexistent"); /* nobody's home */
	WTSFreeMemory(s);
}

static void test_session_info_structs(void **state)
{
	(void)state;
	WTSINFOW *info = NULL;
	DWORD n = 0;
	assert_true(WTSQuerySessionInformationW(NULL, created, WTSSessionInfo, (LPWSTR *)&info, &n));
	assert_int_equal(info->SessionId, created);
	assert_int_equal(info->State, WTSDisconnected);
	assert_true(info->LogonTime.QuadPart > 116444736000000000LL); /* after 1970 */
	assert_true(info->CurrentTime.QuadPart >= info->LogonTime.QuadPart);
	char user[64];
	WideCharToMultiByte(CP_UTF8, 0, info->UserName, -1, user, sizeof(user), NULL, NULL);
	assert_string_equal(user, "nobody");
	WTSFreeMemory(info);

	WTSINFOEXA *ex = NULL;
	assert_true(WTSQuerySessionInformationA(NULL, created, WTSSessionInfoEx, (LPSTR *)&ex, &n));
	assert_int_equal(ex->Level, 1);
	assert_int_equal(ex->Data.WTSInfoExLevel1.SessionId, created);
	/* No lock state is tracked: neither LOCK (0) nor UNLOCK (1) is claimed. */
	assert_int_equal((DWORD)ex->Data.WTSInfoExLevel1.SessionFlags, WTS_SESSIONSTATE_UNKNOWN);
	assert_string_equal(ex->Data.WTSInfoExLevel1.UserName, "nobody");
	WTSFreeMemory(ex);

	WTSCLIENTA *client = NULL;
	assert_true(WTSQuerySessionInformationA(NULL, created, WTSClientInfo, (LPSTR *)&client, &n));
	assert_string_equal(client->UserName, "nobody");
	assert_int_equal(client->ClientAddressFamily, 0); /* no client connected */
	WTSFreeMemory(client);

	WTSCONFIGINFOA *config = NULL;
	assert_true(WTSQuerySessionInformationA(NULL, created, WTSConfigInfo, (LPSTR *)&config, &n));
	assert_string_equal(config->LogonUserName, "nobody");
	WTSFreeMemory(config);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_class_services),
		cmocka_unit_test(test_every_class_created),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_session_info_structs),
		cmocka_unit_test(test_initial_program),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
