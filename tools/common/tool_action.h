/*
 * tool_action.h — the tools that do one thing to one session: rwinsta (reset), tsdiscon
 * (disconnect) and logoff. They differ only in words and in the function they call, so one
 * main serves the three, driven by a struct tool_action.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_TOOL_ACTION_H
#define OPENWTS_TOOL_ACTION_H

#include <stdbool.h>

#include <windows.h>

struct tool_action
{
	const char *name;      /* program name */
	const char *help;      /* its help text (struct tool_spec.help); options: /SERVER, /V */
	bool session_required; /* the session argument must be given (else: the caller's own) */
	const char *verb;      /* "log off", as in "Could not log off session ID 2" */
	const char *progress;  /* "Logging off", as in "Logging off session ID 2" (/V) */
	BOOL(WINAPI *call)(HANDLE hServer, DWORD SessionId, BOOL bWait); /* WTSLogoffSession, … */
};

/*
 * The whole tool: parses argv, resolves the session (name or id), calls action->call with
 * bWait TRUE, reports. Returns the exit status: 0 when the call succeeded, 1 otherwise.
 * With --json prints [{"id", "sessionname", "error", "message"}] whether the call failed or not.
 */
int tool_action_main(const struct tool_action *action, int argc, char **argv);

#endif /* OPENWTS_TOOL_ACTION_H */
