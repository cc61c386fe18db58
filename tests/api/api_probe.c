/*
 * api_probe.c — a program the API tests start inside a session (as that session's user): it
 * writes what the API tells it about its own session to the file named by argv[1]:
 *
 *	<ProcessIdToSessionId(self)> <WTSSessionId of WTS_CURRENT_SESSION> <WTSUserName> <OPENWTS_SESSION_ID>
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <windows.h>
#include <wtsapi32.h>

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	DWORD mine = 0xFFFFFFFF, *current = NULL, bytes = 0;
	LPSTR user = NULL;
	if (!ProcessIdToSessionId((DWORD)getpid(), &mine) ||
	    !WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION,
	                                 WTSSessionId, (LPSTR *)&current, &bytes) ||
	    !WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION,
	                                 WTSUserName, &user, &bytes))
		return 1;
	const char *env = getenv("OPENWTS_SESSION_ID");
	char tmp[512];
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[1]);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return 3;
	fprintf(f, "%u %u %s %s\n", (unsigned)mine, (unsigned)*current, user, env ? env : "-");
	fclose(f);
	WTSFreeMemory(current);
	WTSFreeMemory(user);
	return rename(tmp, argv[1]) == 0 ? 0 : 4; /* appears whole */
}
