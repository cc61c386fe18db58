/*
 * logoff — ends a session: logs its user off (WTSLogoffSession), as Windows' logoff does.
 *
 *	logoff [sessionname | sessionid] [/SERVER:servername] [/V] [--json]
 *
 * Without a session it logs off the caller's own. See tools/man/logoff.1. The work is done by
 * tool_action_main, shared with rwinsta and tsdiscon.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <windows.h>
#include <wtsapi32.h>

#include "tool_action.h"

static const struct tool_action logoff = {
	.name = "logoff",
	.help = "Terminates a session.\n"
	        "\n"
	        "LOGOFF [sessionname | sessionid] [/SERVER:servername] [/V] [--json]\n"
	        "\n"
	        "  sessionname         The name of the session.\n"
	        "  sessionid           The ID of the session.\n"
	        "  /SERVER:servername  Specifies the Remote Desktop server containing the user\n"
	        "                      session to log off (default is current).\n"
	        "  /V                  Displays information about the actions performed.\n",
	.session_required = false,
	.verb = "log off",
	.progress = "Logging off",
	.call = WTSLogoffSession,
};

int main(int argc, char **argv)
{
	return tool_action_main(&logoff, argc, argv);
}
