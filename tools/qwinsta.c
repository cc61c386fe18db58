/*
 * qwinsta — lists the sessions of a Remote Desktop server (query session), with the columns of
 * Windows' qwinsta:
 *
 *	 SESSIONNAME       USERNAME                 ID  STATE   TYPE        DEVICE
 *	>services                                    0  Disc
 *	                   nobody                    2  Disc
 *
 *	qwinsta [sessionname | username | sessionid] [/SERVER:servername] [/MODE] [/FLOW]
 *	        [/CONNECT] [/COUNTER] [--json]
 *
 * Built on the public API only: WTSEnumerateSessionsExA for the list (names, users, states),
 * WTSQuerySessionInformationA for the caller's session ('>'), the protocol (TYPE rdpwd), the
 * counters (/COUNTER) and the connect settings (/CONNECT). Session names print in lower case,
 * as Windows prints them; --json keeps them as they are. See tools/man/qwinsta.1.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <windows.h>
#include <wtsapi32.h>

#include "tool_args.h"
#include "tool_error.h"
#include "tool_server.h"
#include "tool_session.h"
#include "tool_state.h"
#include "tool_table.h"

static const struct tool_spec spec = {
	.name = "qwinsta",
	.help = "Displays information about Remote Desktop Services sessions.\n"
	        "\n"
	        "QWINSTA [sessionname | username | sessionid]\n"
	        "        [/SERVER:servername] [/MODE] [/FLOW] [/CONNECT] [/COUNTER] [--json]\n"
	        "\n"
	        "  sessionname         Identifies the session named sessionname.\n"
	        "  username            Identifies the session with user username.\n"
	        "  sessionid           Identifies the session with ID sessionid.\n"
	        "  /SERVER:servername  The server to be queried (default is current).\n"
	        "  /MODE               Display current line settings.\n"
	        "  /FLOW               Display current flow control settings.\n"
	        "  /CONNECT            Display current connect settings.\n"
	        "  /COUNTER            Display current Remote Desktop Services counters.\n",
	.options = TOOL_OPT_SERVER | TOOL_OPT_MODE | TOOL_OPT_FLOW | TOOL_OPT_CONNECT |
	           TOOL_OPT_COUNTER,
	.max_positional = 1,
};

/* Every column qwinsta can show; build_columns picks those the options ask for. */
enum column
{
	COL_CURRENT,
	COL_NAME,
	COL_USER,
	COL_ID,
	COL_STATE,
	COL_TYPE,
	COL_DEVICE,
	COL_LINE,
	COL_FLOW,
	COL_INBYTES,
	COL_OUTBYTES,
	COL_INFRAMES,
	COL_OUTFRAMES,
	COL_CONNECT,
	COL_COUNT
};

static const struct tool_column all_columns[COL_COUNT] = {
	[COL_CURRENT] = { "", "current", TOOL_MARK, 1, 0, 0 },
	[COL_NAME] = { "SESSIONNAME", "sessionname", TOOL_TEXT, 17, 1, TOOL_COL_LOWER },
	[COL_USER] = { "USERNAME", "username", TOOL_TEXT, 20, 0, 0 },
	[COL_ID] = { "ID", "id", TOOL_NUMBER, 7, 2, TOOL_COL_RIGHT },
	[COL_STATE] = { "STATE", "state", TOOL_TEXT, 6, 2, 0 },
	[COL_TYPE] = { "TYPE", "type", TOOL_TEXT, 10, 2, 0 },
	[COL_DEVICE] = { "DEVICE", "device", TOOL_TEXT, 20, 1, 0 },
	[COL_LINE] = { "LINE SETTINGS", "line_settings", TOOL_TEXT, 21, 1, 0 },
	[COL_FLOW] = { "FLOW CONTROL SETTINGS", "flow_control_settings", TOOL_TEXT, 21, 1, 0 },
	[COL_INBYTES] = { "INBYTES", "inbytes", TOOL_NUMBER, 10, 1, TOOL_COL_RIGHT },
	[COL_OUTBYTES] = { "OUTBYTES", "outbytes", TOOL_NUMBER, 10, 1, TOOL_COL_RIGHT },
	[COL_INFRAMES] = { "INFRAMES", "inframes", TOOL_NUMBER, 10, 1, TOOL_COL_RIGHT },
	[COL_OUTFRAMES] = { "OUTFRAMES", "outframes", TOOL_NUMBER, 10, 2, TOOL_COL_RIGHT },
	[COL_CONNECT] = { "CONNECT SETTINGS", "connect_settings", TOOL_TEXT, 40, 1, 0 },
};

struct view
{
	struct tool_column columns[COL_COUNT];
	enum column which[COL_COUNT]; /* which[i]: the column shown at place i */
	size_t count;
};

static void view_add(struct view *v, enum column c)
{
	v->columns[v->count] = all_columns[c];
	v->which[v->count++] = c;
}

/* The columns of Windows' qwinsta: TYPE and DEVICE, or in their place what the options ask. */
static void build_columns(unsigned given, struct view *v)
{
	const unsigned extra = TOOL_OPT_MODE | TOOL_OPT_FLOW | TOOL_OPT_CONNECT | TOOL_OPT_COUNTER;
	v->count = 0;
	for (enum column c = COL_CURRENT; c <= COL_STATE; c++)
		view_add(v, c);
	if (!(given & extra)) {
		view_add(v, COL_TYPE);
		view_add(v, COL_DEVICE);
	}
	if (given & TOOL_OPT_MODE)
		view_add(v, COL_LINE);
	if (given & TOOL_OPT_FLOW)
		view_add(v, COL_FLOW);
	if (given & TOOL_OPT_COUNTER)
		for (enum column c = COL_INBYTES; c <= COL_OUTFRAMES; c++)
			view_add(v, c);
	if (given & TOOL_OPT_CONNECT)
		view_add(v, COL_CONNECT);
}

/* What one session shows beyond its list entry; filled from per-session queries. */
struct details
{
	const char *type;
	bool have_info;
	WTSINFOA info;
	char connect[128];
	bool have_connect;
};

/* Copies the answer of one WTSQuerySessionInformationA into out (at most size bytes). */
static bool query(HANDLE server, DWORD id, WTS_INFO_CLASS what, void *out, size_t size)
{
	LPSTR buffer = NULL;
	DWORD bytes = 0;
	if (!WTSQuerySessionInformationA(server, id, what, &buffer, &bytes))
		return false;
	bool ok = bytes >= size;
	if (ok)
		memcpy(out, buffer, size);
	WTSFreeMemory(buffer);
	return ok;
}

/* The CONNECT SETTINGS text of a session's WTSCONFIGINFOA. */
static void connect_settings(const WTSCONFIGINFOA *config, char *buf, size_t size)
{
	const char *parts[4];
	size_t n = 0, used = 0;
	if (config->fConnectClientDrivesAtLogon)
		parts[n++] = "connect drives";
	if (config->fConnectPrinterAtLogon)
		parts[n++] = "connect printers";
	if (config->fConnectPrinterAtLogon && !config->fDisableDefaultMainClientPrinter)
		parts[n++] = "default to main printer";
	if (config->fDisablePrinterRedirection)
		parts[n++] = "no printer redirection";
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", parts[i]);
}

static void load_details(HANDLE server, const WTS_SESSION_INFO_1A *s, unsigned given,
                         struct details *d)
{
	const DWORD id = s->SessionId;
	USHORT protocol = 0;
	WTSCONFIGINFOA config;

	memset(d, 0, sizeof(*d));
	d->type = "";
	if (s->State == WTSListen ||
	    (query(server, id, WTSClientProtocolType, &protocol, sizeof(protocol)) &&
	     protocol == WTS_PROTOCOL_TYPE_RDP))
		d->type = "rdpwd";
	if (given & TOOL_OPT_COUNTER)
		d->have_info = query(server, id, WTSSessionInfo, &d->info, sizeof(d->info));
	if ((given & TOOL_OPT_CONNECT) &&
	    query(server, id, WTSConfigInfo, &config, sizeof(config))) {
		connect_settings(&config, d->connect, sizeof(d->connect));
		d->have_connect = true;
	}
}

static struct tool_cell counter(const struct details *d, DWORD value)
{
	return d->have_info ? tool_cell_number(value) : tool_cell_absent();
}

static struct tool_cell cell(const WTS_SESSION_INFO_1A *s, const struct details *d,
                             enum column c, bool current)
{
	switch (c) {
	case COL_CURRENT:
		return tool_cell_number(current);
	case COL_NAME:
		return tool_cell_text(s->pSessionName ? s->pSessionName : "");
	case COL_USER:
		return tool_cell_text(s->pUserName ? s->pUserName : "");
	case COL_ID:
		return tool_cell_number(s->SessionId);
	case COL_STATE:
		return tool_cell_text(tool_state_name(s->State));
	case COL_TYPE:
		return tool_cell_text(d->type);
	case COL_INBYTES:
		return counter(d, d->info.IncomingBytes);
	case COL_OUTBYTES:
		return counter(d, d->info.OutgoingBytes);
	case COL_INFRAMES:
		return counter(d, d->info.IncomingFrames);
	case COL_OUTFRAMES:
		return counter(d, d->info.OutgoingFrames);
	case COL_CONNECT:
		return tool_cell_text(d->have_connect ? d->connect : NULL);
	default: /* DEVICE, LINE, FLOW: no serial lines here */
		return tool_cell_text("");
	}
}

/* Whether session s is one the filter argument names (NULL: every session). */
static bool selected(const struct tool_sessions *all, const WTS_SESSION_INFO_1A *s,
                     const char *filter)
{
	uint32_t id;
	if (!filter)
		return true;
	if (tool_parse_u32(filter, &id))
		return s->SessionId == id;
	if (tool_sessions_by_name(all, filter))
		return s->pSessionName && strcasecmp(s->pSessionName, filter) == 0;
	return s->pUserName && strcasecmp(s->pUserName, filter) == 0;
}

static int list(HANDLE server, const struct tool_args *args, const struct tool_sessions *all)
{
	const char *filter = args->npositional ? args->positional[0] : NULL;
	struct view view;
	struct tool_table table;
	DWORD current;
	bool have_current = tool_session_current(server, &current) == ERROR_SUCCESS;

	build_columns(args->given, &view);
	tool_table_begin(&table, view.columns, view.count, args->json);
	for (DWORD i = 0; i < all->count; i++) {
		const WTS_SESSION_INFO_1A *s = &all->list[i];
		struct tool_cell cells[COL_COUNT];
		struct details d;
		if (!selected(all, s, filter))
			continue;
		load_details(server, s, args->given, &d);
		bool is_current = have_current && current == s->SessionId;
		for (size_t k = 0; k < view.count; k++)
			cells[k] = cell(s, &d, view.which[k], is_current);
		tool_table_row(&table, cells);
	}
	size_t rows = table.rows;
	tool_table_end(&table);
	if (rows)
		return 0;
	fprintf(stderr, "No session exists for %s\n", filter ? filter : "*");
	return 1;
}

int main(int argc, char **argv)
{
	struct tool_args args;
	struct tool_sessions sessions;
	HANDLE server;
	int rc;

	if (!tool_args_parse(&spec, argc, argv, &args, &rc))
		return rc;
	if (!tool_server_open(args.server, &server))
		return 1;
	DWORD err = tool_sessions_load(server, &sessions);
	if (err) {
		tool_error_report(err, "Could not enumerate sessions");
		rc = 1;
	} else {
		rc = list(server, &args, &sessions);
	}
	tool_sessions_free(&sessions);
	tool_server_close(server);
	return rc;
}
