/*
 * tool_action.c — one session, one call: the body of rwinsta, tsdiscon and logoff.
 *
 * The session list is fetched only to turn a name into an id and to name the session in the
 * JSON output; a failure to fetch it matters only when a name must be resolved, so that
 * "logoff 3" reports the error of WTSLogoffSession itself, as on Windows.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>

#include <windows.h>
#include <wtsapi32.h>

#include "tool_action.h"
#include "tool_args.h"
#include "tool_error.h"
#include "tool_server.h"
#include "tool_session.h"
#include "tool_table.h"

static const struct tool_column result_columns[] = {
	{ "ID", "id", TOOL_NUMBER, 0, 0, 0 },
	{ "SESSIONNAME", "sessionname", TOOL_TEXT, 0, 0, 0 },
	{ "ERROR", "error", TOOL_NUMBER, 0, 0, 0 },
	{ "MESSAGE", "message", TOOL_TEXT, 0, 0, 0 },
};

static void print_json(const struct tool_sessions *sessions, DWORD id, DWORD err)
{
	struct tool_table table;
	const struct tool_cell cells[] = {
		tool_cell_number(id),
		tool_cell_text(tool_sessions_name(sessions, id)),
		tool_cell_number(err),
		tool_cell_text(tool_error_text(err)),
	};
	tool_table_begin(&table, result_columns, sizeof(result_columns) / sizeof(result_columns[0]),
	                 true);
	tool_table_row(&table, cells);
	tool_table_end(&table);
}

static int run(const struct tool_action *action, const struct tool_args *args, HANDLE server)
{
	struct tool_sessions sessions;
	const char *target = args->npositional ? args->positional[0] : NULL;
	DWORD id, err = ERROR_SUCCESS;
	int rc = 1;

	tool_sessions_load(server, &sessions);
	if (!tool_session_resolve(server, &sessions, target, &id))
		goto out;
	if ((args->given & TOOL_OPT_VERBOSE) && !args->json) {
		printf("%s session ID %u\n", action->progress, (unsigned)id);
		fflush(stdout); /* before an error on stderr, also when piped */
	}
	if (!action->call(server, id, TRUE))
		err = GetLastError();
	if (err)
		tool_error_report(err, "Could not %s session ID %u", action->verb, (unsigned)id);
	if (args->json)
		print_json(&sessions, id, err);
	rc = err ? 1 : 0;
out:
	tool_sessions_free(&sessions);
	return rc;
}

int tool_action_main(const struct tool_action *action, int argc, char **argv)
{
	const struct tool_spec spec = {
		.name = action->name,
		.help = action->help,
		.options = TOOL_OPT_SERVER | TOOL_OPT_VERBOSE,
		.max_positional = 1,
	};
	struct tool_args args;
	HANDLE server;
	int rc;

	if (!tool_args_parse(&spec, argc, argv, &args, &rc))
		return rc;
	if (action->session_required && args.npositional == 0)
		return tool_usage_error(&spec, "a session name or id is required");
	if (!tool_server_open(args.server, &server))
		return 1;
	rc = run(action, &args, server);
	tool_server_close(server);
	return rc;
}
