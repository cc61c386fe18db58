/*
 * qprocess — lists processes of a Remote Desktop server (query process), with the columns of
 * Windows' qprocess:
 *
 *	 USERNAME              SESSIONNAME         ID    PID  IMAGE
 *	>root                  services             0    812  sshd
 *	 nobody                                     2   4100  sleep
 *
 *	qprocess [* | processid | username | sessionname | /ID:nn | programname]
 *	         [/SERVER:servername] [/SYSTEM] [--json]
 *
 * Built on the public API only: WTSEnumerateProcessesExA (level 1) for the processes,
 * WTSEnumerateSessionsExA for the session names, WTSQuerySessionInformationA for the caller's
 * session ('>'). User names come from the processes' SIDs (tool_sid.h). Without an argument the
 * caller's own processes are listed, as on Windows. Kernel threads, Linux's counterpart of
 * Windows' system processes, are listed only with /SYSTEM or when asked for by id. Unprivileged
 * callers see only their own processes (the library's rule). See tools/man/qprocess.1.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <windows.h>
#include <wtsapi32.h>

#include "tool_args.h"
#include "tool_error.h"
#include "tool_process.h"
#include "tool_server.h"
#include "tool_session.h"
#include "tool_sid.h"
#include "tool_table.h"

static const struct tool_spec spec = {
    .name = "qprocess",
    .help = "Displays information about processes.\n"
            "\n"
            "QPROCESS [* | processid | username | sessionname | /ID:nn | programname]\n"
            "         [/SERVER:servername] [/SYSTEM] [--json]\n"
            "\n"
            "  *                   Display all visible processes.\n"
            "  processid           Display process specified by processid.\n"
            "  username            Display all processes belonging to username.\n"
            "  sessionname         Display all processes running under sessionname.\n"
            "  /ID:nn              Display all processes running under session nn.\n"
            "  programname         Display all processes associated with programname.\n"
            "  /SERVER:servername  The Remote Desktop server to be queried.\n"
            "  /SYSTEM             Display information about system processes (kernel threads).\n",
    .options = TOOL_OPT_SERVER | TOOL_OPT_ID | TOOL_OPT_SYSTEM,
    .max_positional = 1,
};

static const struct tool_column columns[] = {
	{ "", "current", TOOL_MARK, 1, 0, 0 },
	{ "USERNAME", "username", TOOL_TEXT, 21, 1, 0 },
	{ "SESSIONNAME", "sessionname", TOOL_TEXT, 17, 1, TOOL_COL_LOWER },
	{ "ID", "id", TOOL_NUMBER, 4, 0, TOOL_COL_RIGHT },
	{ "PID", "pid", TOOL_NUMBER, 7, 2, TOOL_COL_RIGHT },
	{ "IMAGE", "image", TOOL_TEXT, 15, 0, 0 },
	{ NULL, "sid", TOOL_TEXT, 0, 0, 0 },
};

enum filter_kind
{
	BY_SID,     /* no argument: the caller's own processes */
	BY_ALL,     /* * */
	BY_PID,     /* processid */
	BY_SESSION, /* sessionname, /ID:nn */
	BY_USER,    /* username */
	BY_PROGRAM, /* programname */
};

struct filter
{
	enum filter_kind kind;
	DWORD number;      /* BY_PID, BY_SESSION */
	const char *text;  /* BY_USER, BY_PROGRAM: the argument */
	char sid[80];      /* BY_SID */
	char label[96];    /* the argument, for "No Process exists for …" */
};

/* Whether some listed process runs as user (ignoring case). */
static bool processes_have_user(const struct tool_processes *procs, const char *user)
{
	char name[256];
	for (DWORD i = 0; i < procs->count; i++) {
		const char *owner = tool_sid_user(procs->list[i].pUserSid, name, sizeof(name));
		if (strcasecmp(owner, user) == 0)
			return true;
	}
	return false;
}

/* Decides what the argument names, in Windows' order: *, a process id, a session name, a user
 * name, else a program name. */
static void filter_decide(const struct tool_args *args, const struct tool_sessions *sessions,
                          const struct tool_processes *procs, struct filter *f)
{
	const char *arg = args->npositional ? args->positional[0] : NULL;
	const WTS_SESSION_INFO_1A *s;
	uint32_t n;

	memset(f, 0, sizeof(*f));
	f->text = arg;
	snprintf(f->label, sizeof(f->label), "%s", arg ? arg : "");
	if (args->given & TOOL_OPT_ID) {
		f->kind = BY_SESSION;
		f->number = args->id;
		snprintf(f->label, sizeof(f->label), "/ID:%u", (unsigned)args->id);
	} else if (!arg) {
		f->kind = BY_SID;
		tool_sid_current(f->sid, sizeof(f->sid));
		const struct passwd *pw = getpwuid(geteuid());
		snprintf(f->label, sizeof(f->label), "%s", pw ? pw->pw_name : f->sid);
	} else if (strcmp(arg, "*") == 0) {
		f->kind = BY_ALL;
	} else if (tool_parse_u32(arg, &n)) {
		f->kind = BY_PID;
		f->number = n;
	} else if ((s = tool_sessions_by_name(sessions, arg)) != NULL) {
		f->kind = BY_SESSION;
		f->number = s->SessionId;
	} else if (getpwnam(arg) || tool_sessions_has_user(sessions, arg) ||
	           processes_have_user(procs, arg)) {
		f->kind = BY_USER;
	} else {
		f->kind = BY_PROGRAM;
	}
}

static bool filter_match(const struct filter *f, const WTS_PROCESS_INFO_EXA *p, const char *user,
                         const char *sid, bool system)
{
	if (f->kind != BY_PID && !system && tool_process_is_kernel(p))
		return false;
	switch (f->kind) {
	case BY_SID:
		return strcmp(sid, f->sid) == 0;
	case BY_ALL:
		return true;
	case BY_PID:
		return p->ProcessId == f->number;
	case BY_SESSION:
		return p->SessionId == f->number;
	case BY_USER:
		return strcasecmp(user, f->text) == 0;
	case BY_PROGRAM:
		return tool_process_name_is(p->pProcessName, f->text);
	}
	return false;
}

static int list(HANDLE server, const struct tool_args *args, const struct tool_sessions *sessions,
                const struct tool_processes *procs)
{
	struct filter f;
	struct tool_table table;
	DWORD current;
	bool have_current = tool_session_current(server, &current) == ERROR_SUCCESS;
	bool system = (args->given & TOOL_OPT_SYSTEM) != 0;

	filter_decide(args, sessions, procs, &f);
	tool_table_begin(&table, columns, sizeof(columns) / sizeof(columns[0]), args->json);
	for (DWORD i = 0; i < procs->count; i++) {
		const WTS_PROCESS_INFO_EXA *p = &procs->list[i];
		char user[256], sid[80];
		tool_sid_user(p->pUserSid, user, sizeof(user));
		tool_sid_format(p->pUserSid, sid, sizeof(sid));
		if (!filter_match(&f, p, user, sid, system))
			continue;
		const struct tool_cell cells[] = {
			tool_cell_number(have_current && current == p->SessionId),
			tool_cell_text(user),
			tool_cell_text(tool_sessions_name(sessions, p->SessionId)),
			tool_cell_number(p->SessionId),
			tool_cell_number(p->ProcessId),
			tool_cell_text(p->pProcessName ? p->pProcessName : ""),
			tool_cell_text(sid),
		};
		tool_table_row(&table, cells);
	}
	size_t rows = table.rows;
	tool_table_end(&table);
	if (rows)
		return 0;
	fprintf(stderr, "No Process exists for %s\n", f.label);
	return 1;
}

int main(int argc, char **argv)
{
	struct tool_args args;
	struct tool_sessions sessions = { 0 };
	struct tool_processes procs = { 0 };
	HANDLE server;
	DWORD err;
	int rc;

	if (!tool_args_parse(&spec, argc, argv, &args, &rc))
		return rc;
	if ((args.given & TOOL_OPT_ID) && args.npositional)
		return tool_usage_error(&spec, "give either /ID:nn or an argument, not both");
	if (!tool_server_open(args.server, &server))
		return 1;
	rc = 1;
	if ((err = tool_sessions_load(server, &sessions)) != ERROR_SUCCESS)
		tool_error_report(err, "Could not enumerate sessions");
	else if ((err = tool_processes_load(server, WTS_ANY_SESSION, &procs)) != ERROR_SUCCESS)
		tool_error_report(err, "Could not enumerate processes");
	else
		rc = list(server, &args, &sessions, &procs);
	tool_processes_free(&procs);
	tool_sessions_free(&sessions);
	tool_server_close(server);
	return rc;
}
