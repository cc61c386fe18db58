/*
 * winpr_loadlibrary.c — Windows-style run-time linking through WinPR:
 * LoadLibraryA("wtsapi32.dll") and LoadLibraryA("mstlsapi.dll") must find the installed OpenWTS
 * library (the installed wtsapi32.dll and mstlsapi.dll names resolve to libwtsapi32), and
 * GetProcAddress must find its functions. Linked to libwinpr2 only, as a Windows program ported
 * with WinPR would be.
 *
 *	winpr_loadlibrary LIBDIR
 *		LIBDIR is the installed library directory: the functions found must come from
 *		a file in it (so a copy in the build tree or elsewhere does not count).
 *		WTSEnumerateSessionsA called through the pointer must list session 0
 *		"Services" of the running wtsd.
 *
 * Exit status 0 when every check passed, 1 otherwise.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winpr/error.h>
#include <winpr/library.h>
#include <winpr/wtsapi.h>

static int failures;

#include "it_check.h"

typedef BOOL(WINAPI *enumerate_sessions_fn)(HANDLE, DWORD, DWORD, PWTS_SESSION_INFOA *, DWORD *);
typedef void(WINAPI *free_memory_fn)(PVOID);

/* Checks that fn lies in a file inside libdir (both compared as real paths). */
static void check_origin(const char *what, FARPROC fn, const char *libdir)
{
	Dl_info dli;
	char real_file[PATH_MAX], real_dir[PATH_MAX];
	if (!fn)
		return;
	if (!dladdr((void *)fn, &dli) || !dli.dli_fname) {
		CHECK(0, "%s: dladdr failed", what);
		return;
	}
	printf("%s comes from %s\n", what, dli.dli_fname);
	if (!realpath(dli.dli_fname, real_file) || !realpath(libdir, real_dir)) {
		CHECK(0, "%s: realpath of \"%s\" or \"%s\" failed", what, dli.dli_fname, libdir);
		return;
	}
	size_t n = strlen(real_dir);
	CHECK(strncmp(real_file, real_dir, n) == 0 && real_file[n] == '/' &&
	          !strchr(real_file + n + 1, '/'),
	      "%s comes from \"%s\", not from \"%s\"", what, real_file, real_dir);
}

/* Enumerates through the pointers GetProcAddress gave; session 0 must be "Services". */
static void check_enumerate(enumerate_sessions_fn enumerate, free_memory_fn free_memory)
{
	PWTS_SESSION_INFOA info = NULL;
	DWORD count = 0;
	BOOL ok = enumerate(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &count);
	CHECK(ok, "WTSEnumerateSessionsA failed, last error %u", GetLastError());
	if (!ok)
		return;
	BOOL saw_services = FALSE;
	for (DWORD i = 0; i < count; i++) {
		if (info[i].SessionId == 0 && info[i].pWinStationName &&
		    strcmp(info[i].pWinStationName, "Services") == 0)
			saw_services = TRUE;
	}
	CHECK(saw_services, "session 0 \"Services\" not listed (%u sessions)", count);
	free_memory(info);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: winpr_loadlibrary LIBDIR\n");
		return 2;
	}
	const char *libdir = argv[1];

	HMODULE wts = LoadLibraryA("wtsapi32.dll");
	CHECK(wts != NULL, "LoadLibraryA(\"wtsapi32.dll\") failed, last error %u", GetLastError());
	HMODULE tls = LoadLibraryA("mstlsapi.dll");
	CHECK(tls != NULL, "LoadLibraryA(\"mstlsapi.dll\") failed, last error %u", GetLastError());
	if (!wts || !tls)
		return 1;

	FARPROC enumerate = GetProcAddress(wts, "WTSEnumerateSessionsA");
	FARPROC free_memory = GetProcAddress(wts, "WTSFreeMemory");
	FARPROC connect = GetProcAddress(tls, "TLSConnectToLsServer");
	FARPROC missing = GetProcAddress(wts, "WTSNoSuchFunction");
	CHECK(enumerate != NULL, "GetProcAddress(WTSEnumerateSessionsA) is NULL");
	CHECK(free_memory != NULL, "GetProcAddress(WTSFreeMemory) is NULL");
	CHECK(connect != NULL, "GetProcAddress(TLSConnectToLsServer) is NULL");
	CHECK(missing == NULL, "GetProcAddress found a function that does not exist");
	check_origin("WTSEnumerateSessionsA", enumerate, libdir);
	check_origin("TLSConnectToLsServer", connect, libdir);
	if (wts == tls)
		printf("wtsapi32.dll and mstlsapi.dll share one module handle\n");

	if (enumerate && free_memory)
		check_enumerate((enumerate_sessions_fn)enumerate, (free_memory_fn)free_memory);

	CHECK(FreeLibrary(tls), "FreeLibrary(mstlsapi.dll) failed");
	CHECK(FreeLibrary(wts), "FreeLibrary(wtsapi32.dll) failed");
	printf("loadlibrary: %d failure(s)\n", failures);
	return failures ? 1 : 0;
}
