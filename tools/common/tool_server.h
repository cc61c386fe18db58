/*
 * tool_server.h — the server a tool talks to (/SERVER:name).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_TOOL_SERVER_H
#define OPENWTS_TOOL_SERVER_H

#include <stdbool.h>

#include <windows.h>

/*
 * Opens the server named name with WTSOpenServerA; NULL names the local server and gives
 * WTS_CURRENT_SERVER_HANDLE without opening anything. On failure reports the error on stderr
 * and returns false; *ret_server is written only on success. Close with tool_server_close.
 */
bool tool_server_open(const char *name, HANDLE *ret_server);

/* Closes a handle from tool_server_open; WTS_CURRENT_SERVER_HANDLE is left alone. */
void tool_server_close(HANDLE server);

#endif /* OPENWTS_TOOL_SERVER_H */
