/*
 * tskill — ends processes (WTSTerminateProcess), by process id or by name, as Windows' tskill.
 *
 *	tskill processid | processname [/SERVER:servername] [/ID:sessionid | /A] [/V] [--json]
 *
 * A name ends every process of that name in the caller's session, in session /ID:n, or in all
 * sessions with /A (WTSEnumerateProcessesExA finds them). wtsd decides who may end what: a user
 * ends their own processes, root and wtsd's admin group any process but pid 1 and wtsd
 * (docs/api/WTSTerminateProcess.md); refusals print "Access is denied." with code 5. The
 * process dies of SIGKILL. See tools/man/tskill.1.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>

#include <windows.h>
#include <wtsapi32.h>

#include "tool_args.h"
#include "tool_error.h"
#include "tool_process.h"
#include "tool_server.h"
#include "tool_table.h"

static const struct tool_spec spec = {
	.name = "tskill",
	.help = "Ends a process.\n"
	        "\n"
	        "TSKILL processid | processname [/SERVER:servername] [/ID:sessionid | /A] [/V]\n"
	        "       [--json]\n"
	        "\n"
	        "  processid           Process ID for the process to be terminated.\n"
	        "  processname         Process name to be terminated.\n"
	        "  /SERVER:servername  Server containing processID (default is current).\n"
	        "                         /ID or /A must be specified when using processname\n"
	        "                         and /SERVER\n"
	        "  /ID:sessionid       End process running under the specified session.\n"
	        "  /A                  End process running under ALL sessions.\n"
	        "  /V                  Display information about actions being performed.\n",
	.options = TOOL_OPT_SERVER | TOOL_OPT_ID | TOOL_OPT_ALL | TOOL_OPT_VERBOSE,
	.max_positional = 1,
};

/* --json: one object per process tskill tried to end. */
static const struct tool_column columns[] = {
	{ "PID", "pid", TOOL_NUMBER, 0, 0, 0 },
	{ "IMAGE", "image", TOOL_TEXT, 0, 0, 0 },
	{ "ID", "id", TOOL_NUMBER, 0, 0, 0 },
	{ "ERROR", "error", TOOL_NUMBER, 0, 0, 0 },
	{ "MESSAGE", "message", TOOL_TEXT, 0, 0, 0 },
};

/* The exit code asked for; wtsd cannot apply it (the process dies of SIGKILL). */
#define TSKILL_EXIT_CODE 1

/* Ends process pid (p: its entry when visible, else NULL); reports; returns whether it ended. */
static bool terminate(HANDLE server, const struct tool_args *args, struct tool_table *table,
                      DWORD pid, const WTS_PROCESS_INFO_EXA *p)
{
	DWORD err = ERROR_SUCCESS;
	if (!WTSTerminateProcess(server, pid, TSKILL_EXIT_CODE))
		err = GetLastError();
	if (err)
		tool_error_report(err, "Could not kill process ID %u", (unsigned)pid);
	else if ((args->given & TOOL_OPT_VERBOSE) && !args->json)
		printf("End Process(%u)\n", (unsigned)pid);
	if (args->json) {
		const struct tool_cell cells[] = {
			tool_cell_number(pid),
			tool_cell_text(p ? p->pProcessName : NULL),
			p ? tool_cell_number(p->SessionId) : tool_cell_absent(),
			tool_cell_number(err),
			tool_cell_text(tool_error_text(err)),
		};
		tool_table_row(table, cells);
	}
	return err == ERROR_SUCCESS;
}

/* tskill PID: the process is looked up only to name it in the JSON output; an unprivileged
 * caller does not see other users' processes, and wtsd's answer decides. */
static int kill_pid(HANDLE server, const struct tool_args *args, struct tool_table *table,
                    DWORD pid)
{
	struct tool_processes procs;
	tool_processes_load(server, WTS_ANY_SESSION, &procs);
	bool ok = terminate(server, args, table, pid, tool_processes_by_pid(&procs, pid));
	tool_processes_free(&procs);
	return ok ? 0 : 1;
}

static int kill_name(HANDLE server, const struct tool_args *args, struct tool_table *table,
                     const char *name)
{
	struct tool_processes procs;
	DWORD session = WTS_CURRENT_SESSION;
	DWORD self = GetCurrentProcessId();
	size_t found = 0, failed = 0;

	if (args->given & TOOL_OPT_ALL)
		session = WTS_ANY_SESSION;
	else if (args->given & TOOL_OPT_ID)
		session = args->id;
	DWORD err = tool_processes_load(server, session, &procs);
	if (err) {
		tool_error_report(err, "Could not enumerate processes");
		return 1;
	}
	for (DWORD i = 0; i < procs.count; i++) {
		const WTS_PROCESS_INFO_EXA *p = &procs.list[i];
		if (p->ProcessId == self || !tool_process_name_is(p->pProcessName, name))
			continue;
		found++;
		if (!terminate(server, args, table, p->ProcessId, p))
			failed++;
	}
	tool_processes_free(&procs);
	if (!found)
		fprintf(stderr, "Could not find process: %s\n", name);
	return found && !failed ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct tool_args args;
	struct tool_table table;
	HANDLE server;
	uint32_t pid;
	int rc;

	if (!tool_args_parse(&spec, argc, argv, &args, &rc))
		return rc;
	if (args.npositional != 1)
		return tool_usage_error(&spec, "a process id or name is required");
	if ((args.given & TOOL_OPT_ID) && (args.given & TOOL_OPT_ALL))
		return tool_usage_error(&spec, "give either /ID:sessionid or /A, not both");
	const char *target = args.positional[0];
	bool by_id = tool_parse_u32(target, &pid);
	if (!by_id && args.server && !(args.given & (TOOL_OPT_ID | TOOL_OPT_ALL)))
		return tool_usage_error(
		    &spec, "/ID or /A must be specified when using processname and /SERVER");
	if (!tool_server_open(args.server, &server))
		return 1;
	tool_table_begin(&table, columns, sizeof(columns) / sizeof(columns[0]), args.json);
	if (by_id)
		rc = kill_pid(server, &args, &table, pid);
	else
		rc = kill_name(server, &args, &table, target);
	tool_table_end(&table);
	tool_server_close(server);
	return rc;
}
