/*
 * winpr_dispatch.c — a program that knows nothing of OpenWTS: it is linked to libwinpr2 only and
 * includes WinPR's <winpr/wtsapi.h>, as any FreeRDP-based binary does. Its WTS* calls land in
 * WinPR's stubs, which forward to the provider table of the library named by WTSAPI_LIBRARY (the
 * library's InitWtsApi), or — with LD_PRELOAD — never reach WinPR at all.
 *
 *	winpr_dispatch openwts SESSION_ID
 *		the calls must reach OpenWTS: session 0 "Services" (WTSDisconnected) and
 *		SESSION_ID are listed, WTSWinStationName of session 0 is "Services" in 9
 *		bytes, and WTSWaitSystemEvent with an empty mask fails with
 *		ERROR_INVALID_PARAMETER (WinPR's own stubs never set that error; only
 *		OpenWTS's validation does); a dynamic channel of session 0 is refused by
 *		wtsd with ERROR_FILE_NOT_FOUND and a forged channel handle by the library
 *		with ERROR_INVALID_HANDLE.
 *	winpr_dispatch stubs
 *		the negative control: without a provider WinPR's stubs fail, the "Services"
 *		session is not seen and the last error is not OpenWTS's.
 *
 * Exit status 0 when every check passed, 1 otherwise; each failed check prints one line.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winpr/error.h>
#include <winpr/wtsapi.h>

static int failures;

#include "it_check.h"

/* Lists the sessions through WinPR's WTSEnumerateSessionsA; checks session 0 and want_id. */
static void check_sessions(DWORD want_id)
{
	PWTS_SESSION_INFOA info = NULL;
	DWORD count = 0;
	BOOL ok = WTSEnumerateSessionsA(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &count);
	CHECK(ok, "WTSEnumerateSessionsA failed, last error %u", GetLastError());
	if (!ok)
		return;
	BOOL saw_services = FALSE, saw_created = FALSE;
	for (DWORD i = 0; i < count; i++) {
		const char *name = info[i].pWinStationName ? info[i].pWinStationName : "(null)";
		printf("session %u \"%s\" state %d\n", info[i].SessionId, name, (int)info[i].State);
		if (info[i].SessionId == 0) {
			saw_services = TRUE;
			CHECK(strcmp(name, "Services") == 0, "session 0 is named \"%s\"", name);
			CHECK(info[i].State == WTSDisconnected, "session 0 state %d",
			      (int)info[i].State);
		}
		if (info[i].SessionId == want_id)
			saw_created = TRUE;
	}
	CHECK(saw_services, "session 0 not listed (%u sessions)", count);
	CHECK(saw_created, "session %u not listed (%u sessions)", want_id, count);
	WTSFreeMemory(info);
}

/* WTSWinStationName of session 0 through WinPR's WTSQuerySessionInformationA. */
static void check_station_name(void)
{
	LPSTR buf = NULL;
	DWORD bytes = 0;
	BOOL ok = WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, 0, WTSWinStationName, &buf,
	                                      &bytes);
	CHECK(ok, "WTSQuerySessionInformationA failed, last error %u", GetLastError());
	if (!ok)
		return;
	CHECK(buf && strcmp(buf, "Services") == 0, "WTSWinStationName is \"%s\"",
	      buf ? buf : "(null)");
	CHECK(bytes == 9, "WTSWinStationName byte count %u, want 9", bytes);
	WTSFreeMemory(buf);
}

/* An argument only OpenWTS refuses: its error proves the call reached OpenWTS. */
static void check_not_implemented(void)
{
	DWORD flags = 0xdeadbeef;
	SetLastError(ERROR_SUCCESS);
	BOOL ok = WTSWaitSystemEvent(WTS_CURRENT_SERVER_HANDLE, WTS_EVENT_NONE, &flags);
	DWORD err = GetLastError();
	CHECK(!ok, "WTSWaitSystemEvent succeeded");
	CHECK(err == ERROR_INVALID_PARAMETER, "WTSWaitSystemEvent last error %u, want %u", err,
	      (unsigned)ERROR_INVALID_PARAMETER);
}

/* Channels through WinPR's stubs: the open reaches wtsd (session 0 has no client, so it has no
 * channels: ERROR_FILE_NOT_FOUND is wtsd's answer), a forged handle gets OpenWTS's check. */
static void check_channels(void)
{
	SetLastError(ERROR_SUCCESS);
	HANDLE h = WTSVirtualChannelOpenEx(WTS_CURRENT_SESSION, "ECHO", WTS_CHANNEL_OPTION_DYNAMIC);
	DWORD err = GetLastError();
	CHECK(!h, "WTSVirtualChannelOpenEx opened a channel of session 0");
	CHECK(err == ERROR_FILE_NOT_FOUND, "WTSVirtualChannelOpenEx last error %u, want %u", err,
	      (unsigned)ERROR_FILE_NOT_FOUND);
	if (h)
		WTSVirtualChannelClose(h);
	SetLastError(ERROR_SUCCESS);
	BOOL ok = WTSVirtualChannelClose((HANDLE)(uintptr_t)0x5C001234u);
	err = GetLastError();
	CHECK(!ok && err == ERROR_INVALID_HANDLE,
	      "WTSVirtualChannelClose of a forged handle: %d, last error %u", ok, err);
}

/* Without a provider: every stub fails and nothing looks like OpenWTS. */
static void check_stubs(void)
{
	PWTS_SESSION_INFOA info = NULL;
	DWORD count = 0;
	SetLastError(ERROR_SUCCESS);
	BOOL ok = WTSEnumerateSessionsA(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &count);
	CHECK(!ok, "WTSEnumerateSessionsA succeeded without a provider (%u sessions)", count);
	for (DWORD i = 0; ok && info && i < count; i++)
		CHECK(!info[i].pWinStationName || strcmp(info[i].pWinStationName, "Services") != 0,
		      "session %u is \"Services\"", info[i].SessionId);
	if (ok)
		WTSFreeMemory(info);

	LPSTR buf = NULL;
	DWORD bytes = 0;
	ok = WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, 0, WTSWinStationName, &buf,
	                                 &bytes);
	CHECK(!ok, "WTSQuerySessionInformationA succeeded without a provider: \"%s\"",
	      buf ? buf : "(null)");
	if (ok)
		WTSFreeMemory(buf);

	DWORD flags = 0;
	SetLastError(ERROR_SUCCESS);
	ok = WTSWaitSystemEvent(WTS_CURRENT_SERVER_HANDLE, WTS_EVENT_NONE, &flags);
	DWORD err = GetLastError();
	CHECK(!ok, "WTSWaitSystemEvent succeeded without a provider");
	CHECK(err != ERROR_INVALID_PARAMETER, "WinPR's stub set OpenWTS's error %u", err);
	printf("stubs: WTSWaitSystemEvent last error %u\n", err);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "openwts") == 0) {
		char *end;
		errno = 0;
		unsigned long id = strtoul(argv[2], &end, 10);
		if (errno || end == argv[2] || *end || id > 0xFFFFFFFEul) {
			fprintf(stderr, "winpr_dispatch: bad session id \"%s\"\n", argv[2]);
			return 2;
		}
		check_sessions((DWORD)id);
		check_station_name();
		check_not_implemented();
		check_channels();
	} else if (argc == 2 && strcmp(argv[1], "stubs") == 0) {
		check_stubs();
	} else {
		fprintf(stderr, "usage: winpr_dispatch openwts SESSION_ID | stubs\n");
		return 2;
	}
	printf("%s: %d failure(s)\n", argv[1], failures);
	return failures ? 1 : 0;
}
