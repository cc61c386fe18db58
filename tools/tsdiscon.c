/*
 * tsdiscon — disconnects a session from its client (WTSDisconnectSession); the session and its
 * programs keep running, as with Windows' tsdiscon.
 *
 *	tsdiscon [sessionid | sessionname] [/SERVER:servername] [/V] [--json]
 *
 * Without a session it disconnects the caller's own. See tools/man/tsdiscon.1. The work is done
 * by tool_action_main, shared with rwinsta and logoff.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <windows.h>
#include <wtsapi32.h>

#include "tool_action.h"

static const struct tool_action tsdiscon = {
	.name = "tsdiscon",
	.help = "Disconnects a Remote Desktop session.\n"
	        "\n"
	        "TSDISCON [sessionid | sessionname] [/SERVER:servername] [/V] [--json]\n"
	        "\n"
	        "  sessionid           The ID of the session.\n"
	        "  sessionname         The name of the session.\n"
	        "  /SERVER:servername  Specifies the Remote Desktop server (default is current).\n"
	        "  /V                  Displays information about the actions performed.\n",
	.session_required = false,
	.verb = "disconnect",
	.progress = "Disconnecting",
	.call = WTSDisconnectSession,
};

int main(int argc, char **argv)
{
	return tool_action_main(&tsdiscon, argc, argv);
}
