/*
 * tool_state.c — the short state names of qwinsta's STATE column, one X-macro table over
 * WTS_CONNECTSTATE_CLASS so that value and name cannot drift apart.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <windows.h>
#include <wtsapi32.h>

#include "tool_state.h"

#define TOOL_STATES(X)                                                                          \
	X(WTSActive, "Active")                                                                  \
	X(WTSConnected, "Conn")                                                                 \
	X(WTSConnectQuery, "ConnQ")                                                             \
	X(WTSShadow, "Shadow")                                                                  \
	X(WTSDisconnected, "Disc")                                                              \
	X(WTSIdle, "Idle")                                                                      \
	X(WTSListen, "Listen")                                                                  \
	X(WTSReset, "Reset")                                                                    \
	X(WTSDown, "Down")                                                                      \
	X(WTSInit, "Init")

const char *tool_state_name(WTS_CONNECTSTATE_CLASS state)
{
	switch (state) {
#define TOOL_STATE_CASE(value, name)                                                            \
	case value:                                                                             \
		return name;
		TOOL_STATES(TOOL_STATE_CASE)
#undef TOOL_STATE_CASE
	}
	return "Unknown";
}
