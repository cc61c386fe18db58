/*
 * tool_state.h — session connection states by the names Windows' qwinsta prints.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_TOOL_STATE_H
#define OPENWTS_TOOL_STATE_H

#include <windows.h>
#include <wtsapi32.h>

/* "Active", "Conn", "ConnQ", "Shadow", "Disc", "Idle", "Listen", "Reset", "Down" or "Init" for
 * WTSActive … WTSInit; "Unknown" for any other value. Static storage. */
const char *tool_state_name(WTS_CONNECTSTATE_CLASS state);

#endif /* OPENWTS_TOOL_STATE_H */
