/*
 * tool_server.c — opening the server of /SERVER:name. WTSOpenServerA takes a non-const LPSTR,
 * so the name is copied first; names of 256 bytes or more are refused by the library itself
 * (ERROR_INVALID_PARAMETER), so the copy is cut at a size the library rejects anyway.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>

#include <windows.h>
#include <wtsapi32.h>

#include "tool_error.h"
#include "tool_server.h"

bool tool_server_open(const char *name, HANDLE *ret_server)
{
	char copy[512];
	if (!name) {
		*ret_server = WTS_CURRENT_SERVER_HANDLE;
		return true;
	}
	snprintf(copy, sizeof(copy), "%s", name);
	HANDLE server = WTSOpenServerA(copy);
	if (!server) {
		tool_error_report(GetLastError(), "Error opening Remote Desktop server %s", name);
		return false;
	}
	*ret_server = server;
	return true;
}

void tool_server_close(HANDLE server)
{
	if (server != WTS_CURRENT_SERVER_HANDLE)
		WTSCloseServer(server);
}
