/*
 * server_enum.c — a Remote Desktop Services server sample written the way Windows code is: lists
 * the sessions of the local server with their user and number of processes, like "query session".
 *
 * It exists to prove that such code compiles unchanged against OpenWTS: windows.h, TCHAR and _T,
 * generic API names that become the A functions in a plain build and the W functions when built
 * with -DUNICODE (tests/compile/CMakeLists.txt builds both and checks which symbols each binary
 * imports), plus one explicit A and one explicit W call in either build. Run, it needs a wtsd.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <windows.h>
#include <stdio.h>
#include <wtsapi32.h>

/* Names of the WTS_CONNECTSTATE_CLASS values, indexed by value. */
static LPCTSTR const g_StateNames[] = {
    _T("Active"), _T("Connected"), _T("ConnectQuery"), _T("Shadow"), _T("Disc"),
    _T("Idle"),   _T("Listen"),    _T("Reset"),        _T("Down"),   _T("Init"),
};

/*
 * Prints a TCHAR string left-aligned in a column of cchWidth characters. wprintf cannot print
 * 16-bit strings everywhere, so the UNICODE build converts to UTF-8 first.
 */
static void PrintColumn(LPCTSTR pszText, int cchWidth)
{
#ifdef UNICODE
	char szText[256];

	if (!pszText || WideCharToMultiByte(CP_UTF8, 0, pszText, -1, szText, (int)sizeof(szText),
	                                    NULL, NULL) <= 0)
		szText[0] = '\0';
	printf("%-*s ", cchWidth, szText);
#else
	printf("%-*s ", cchWidth, pszText ? pszText : "");
#endif
}

/* Counts the entries of pProcesses that belong to dwSessionId. */
static DWORD CountSessionProcesses(const WTS_PROCESS_INFO *pProcesses, DWORD dwCount,
                                   DWORD dwSessionId)
{
	DWORD dwResult = 0;

	for (DWORD i = 0; i < dwCount; i++) {
		if (pProcesses[i].SessionId == dwSessionId)
			dwResult++;
	}
	return dwResult;
}

/* Prints the session of this process, once through an A call and once through a W call. */
static void PrintCurrentSession(void)
{
	DWORD dwSessionId = 0;
	LPSTR pszWinStation = NULL;
	LPWSTR pwszClient = NULL;
	DWORD cbBytes = 0;
	char szClient[64] = "";

	if (!ProcessIdToSessionId(GetCurrentProcessId(), &dwSessionId)) {
		printf("ProcessIdToSessionId failed: error %u\n", GetLastError());
		return;
	}
	if (WTSQuerySessionInformationA(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION,
	                                WTSWinStationName, &pszWinStation, &cbBytes)) {
		printf("This process runs in session %u (%s)", dwSessionId, pszWinStation);
		WTSFreeMemory(pszWinStation);
	} else
		printf("This process runs in session %u", dwSessionId);

	if (WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION,
	                                WTSClientName, &pwszClient, &cbBytes)) {
		if (WideCharToMultiByte(CP_UTF8, 0, pwszClient, -1, szClient, (int)sizeof(szClient),
		                        NULL, NULL) > 1)
			printf(", client %s", szClient);
		WTSFreeMemory(pwszClient);
	}
	printf(".\n");
}

int main(void)
{
	PWTS_SESSION_INFO pSessions = NULL;
	PWTS_PROCESS_INFO pProcesses = NULL;
	DWORD dwSessionCount = 0;
	DWORD dwProcessCount = 0;

	if (!WTSEnumerateSessions(WTS_CURRENT_SERVER_HANDLE, 0, 1, &pSessions, &dwSessionCount)) {
		printf("WTSEnumerateSessions failed: error %u\n", GetLastError());
		return 1;
	}

	/* Only administrators see every process; the table still prints without them. */
	if (!WTSEnumerateProcesses(WTS_CURRENT_SERVER_HANDLE, 0, 1, &pProcesses, &dwProcessCount)) {
		printf("WTSEnumerateProcesses failed: error %u\n", GetLastError());
		pProcesses = NULL;
		dwProcessCount = 0;
	}

	PrintColumn(_T("ID"), 6);
	PrintColumn(_T("SESSIONNAME"), 20);
	PrintColumn(_T("USERNAME"), 20);
	PrintColumn(_T("STATE"), 12);
	PrintColumn(_T("PROCESSES"), 0);
	printf("\n");

	for (DWORD i = 0; i < dwSessionCount; i++) {
		LPTSTR pUserName = NULL;
		DWORD cbUserName = 0;
		const WTS_SESSION_INFO *pSession = &pSessions[i];

		if (!WTSQuerySessionInformation(WTS_CURRENT_SERVER_HANDLE, pSession->SessionId,
		                                WTSUserName, &pUserName, &cbUserName))
			pUserName = NULL;

		printf("%-6u ", pSession->SessionId);
		PrintColumn(pSession->pWinStationName, 20);
		PrintColumn(pUserName, 20);
		PrintColumn((DWORD)pSession->State < ARRAYSIZE(g_StateNames)
		                ? g_StateNames[pSession->State]
		                : _T("?"),
		            12);
		printf("%u\n",
		       CountSessionProcesses(pProcesses, dwProcessCount, pSession->SessionId));

		if (pUserName)
			WTSFreeMemory(pUserName);
	}

	if (pProcesses)
		WTSFreeMemory(pProcesses);
	WTSFreeMemory(pSessions);

	PrintCurrentSession();
	return 0;
}
