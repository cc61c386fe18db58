/*
 * rwinsta — resets a session (reset session). Windows resets a session through an internal
 * WinStation call; the public API's equivalent, which this tool uses, is WTSLogoffSession: the
 * user is logged off and the session ends.
 *
 *	rwinsta {sessionname | sessionid} [/SERVER:servername] [/V] [--json]
 *
 * See tools/man/rwinsta.1. The work is done by tool_action_main, shared with tsdiscon and
 * logoff.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <windows.h>
#include <wtsapi32.h>

#include "tool_action.h"

static const struct tool_action rwinsta = {
	.name = "rwinsta",
	.help = "Resets the session subsystem hardware and software to known initial values.\n"
	        "\n"
	        "RWINSTA {sessionname | sessionid} [/SERVER:servername] [/V] [--json]\n"
	        "\n"
	        "  sessionname         Identifies the session with name sessionname.\n"
	        "  sessionid           Identifies the session with ID sessionid.\n"
	        "  /SERVER:servername  The server containing the session (default is current).\n"
	        "  /V                  Displays additional information.\n",
	.session_required = true,
	.verb = "reset",
	.progress = "Resetting",
	.call = WTSLogoffSession,
};

int main(int argc, char **argv)
{
	return tool_action_main(&rwinsta, argc, argv);
}
