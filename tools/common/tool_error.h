/*
 * tool_error.h — Windows error codes as the administration tools print them.
 *
 * Windows' tools print a failure as a line of context with the code, then the system's message
 * for the code ("Error [5]:Access is denied."). WinPR has no system message table, so the tools
 * carry the text of every code the OpenWTS library can set (docs/internals/errors.md) and of the
 * codes the session functions will set when the daemon implements them.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_TOOL_ERROR_H
#define OPENWTS_TOOL_ERROR_H

#include <windows.h>

/* The Windows message text of err, without a trailing newline; for a code the table does not
 * know, a generic text. Never NULL; static storage. */
const char *tool_error_text(DWORD err);

/*
 * Prints to stderr, printf-style, "<context>, Error code <err>" and on the next line
 * "Error [<err>]:<text>". Example: tool_error_report(120, "Could not log off session ID %u", 2).
 */
void tool_error_report(DWORD err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* OPENWTS_TOOL_ERROR_H */
