/*
 * tool_process.c — process enumeration and matching for qprocess and tskill.
 *
 * Level 1 is asked for because it tells kernel threads from processes (qprocess hides them
 * unless /SYSTEM is given); names compare without regard to case, as on Windows.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>
#include <strings.h>

#include <windows.h>
#include <wtsapi32.h>

#include "tool_process.h"

DWORD tool_processes_load(HANDLE server, DWORD session, struct tool_processes *ret)
{
	DWORD level = WTS_PROCESS_INFO_LEVEL_1;
	ret->list = NULL;
	ret->count = 0;
	if (!WTSEnumerateProcessesExA(server, &level, session, (LPSTR *)&ret->list, &ret->count)) {
		ret->list = NULL;
		ret->count = 0;
		return GetLastError();
	}
	return ERROR_SUCCESS;
}

void tool_processes_free(struct tool_processes *p)
{
	if (p->list)
		WTSFreeMemoryExA(WTSTypeProcessInfoLevel1, p->list, p->count);
	p->list = NULL;
	p->count = 0;
}

const WTS_PROCESS_INFO_EXA *tool_processes_by_pid(const struct tool_processes *p, DWORD pid)
{
	for (DWORD i = 0; i < p->count; i++)
		if (p->list[i].ProcessId == pid)
			return &p->list[i];
	return NULL;
}

bool tool_process_name_is(const char *image, const char *name)
{
	if (!image || !name || !*name)
		return false;
	if (strcasecmp(image, name) == 0)
		return true;
	size_t len = strlen(name);
	return len > 4 && strcasecmp(name + len - 4, ".exe") == 0 && strlen(image) == len - 4 &&
	       strncasecmp(image, name, len - 4) == 0;
}

bool tool_process_is_kernel(const WTS_PROCESS_INFO_EXA *p)
{
	return p->PagefileUsage == 0 && p->PeakPagefileUsage == 0;
}
