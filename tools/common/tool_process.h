/*
 * tool_process.h — the processes of a server, for qprocess and tskill.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_TOOL_PROCESS_H
#define OPENWTS_TOOL_PROCESS_H

#include <stdbool.h>

#include <windows.h>
#include <wtsapi32.h>

struct tool_processes
{
	PWTS_PROCESS_INFO_EXA list; /* one block from WTSEnumerateProcessesExA, level 1 */
	DWORD count;
};

/*
 * Enumerates the processes of session (an id, WTS_ANY_SESSION or WTS_CURRENT_SESSION) on server
 * into *ret. Returns ERROR_SUCCESS or the error (then the list is empty). Reports nothing. Free
 * with tool_processes_free in either case. Unprivileged callers see only their own processes.
 */
DWORD tool_processes_load(HANDLE server, DWORD session, struct tool_processes *ret);

/* Frees the list; the structure is left empty. */
void tool_processes_free(struct tool_processes *p);

/* The entry of process pid, or NULL. */
const WTS_PROCESS_INFO_EXA *tool_processes_by_pid(const struct tool_processes *p, DWORD pid);

/* Whether image (a process name) is name, ignoring ASCII case; a name written with Windows'
 * ".exe" suffix also matches the image without it ("sleep.exe" finds sleep). */
bool tool_process_name_is(const char *image, const char *name);

/* Whether the process is a kernel thread: a process with no memory of its own (level-1 virtual
 * size and peak both 0), which only kernel threads are (docs/api/WTSEnumerateProcessesExA.md). */
bool tool_process_is_kernel(const WTS_PROCESS_INFO_EXA *p);

#endif /* OPENWTS_TOOL_PROCESS_H */
