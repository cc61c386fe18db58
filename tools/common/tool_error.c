/*
 * tool_error.c — the message texts of the Windows error codes the tools can meet.
 *
 * One X-macro table holds code and text, so the two cannot drift apart. The texts are those of
 * Windows' system message table (what FormatMessage(FORMAT_MESSAGE_FROM_SYSTEM) returns), without
 * the trailing CR LF.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stdio.h>

#include <windows.h>

#include "tool_error.h"

#define TOOL_ERRORS(X)                                                                          \
	X(ERROR_SUCCESS, "The operation completed successfully.")                              \
	X(ERROR_INVALID_FUNCTION, "Incorrect function.")                                       \
	X(ERROR_FILE_NOT_FOUND, "The system cannot find the file specified.")                  \
	X(ERROR_ACCESS_DENIED, "Access is denied.")                                            \
	X(ERROR_INVALID_HANDLE, "The handle is invalid.")                                      \
	X(ERROR_NOT_ENOUGH_MEMORY,                                                               \
	  "Not enough memory resources are available to process this command.")               \
	X(ERROR_NOT_SUPPORTED, "The request is not supported.")                                \
	X(ERROR_INVALID_PARAMETER, "The parameter is incorrect.")                              \
	X(ERROR_DISK_FULL, "There is not enough space on the disk.")                           \
	X(ERROR_CALL_NOT_IMPLEMENTED, "This function is not supported on this system.")        \
	X(ERROR_INSUFFICIENT_BUFFER, "The data area passed to a system call is too small.")    \
	X(ERROR_BUSY, "The requested resource is in use.")                                     \
	X(ERROR_ALREADY_EXISTS, "Cannot create a file when that file already exists.")         \
	X(ERROR_NO_SUCH_USER, "The specified account does not exist.")                         \
	X(ERROR_TIMEOUT, "This operation returned because the timeout period expired.")        \
	X(ERROR_FUNCTION_FAILED, "Function failed during execution.")                          \
	X(RPC_S_SERVER_UNAVAILABLE, "The RPC server is unavailable.")                          \
	X(RPC_S_CALL_FAILED, "The remote procedure call failed.")                              \
	X(RPC_S_PROTOCOL_ERROR, "A remote procedure call (RPC) protocol error occurred.")      \
	X(ERROR_INVALID_USER_BUFFER,                                                             \
	  "The supplied user buffer is not valid for the requested operation.")                \
	X(ERROR_CTX_WINSTATION_NOT_FOUND, "The specified session cannot be found.")            \
	X(ERROR_CTX_WINSTATION_BUSY,                                                             \
	  "The requested operation cannot be completed because the terminal connection is "    \
	  "currently busy processing a connect, disconnect, reset, or delete operation.")      \
	X(ERROR_CTX_WINSTATION_ACCESS_DENIED, "The requested session access is denied.")

static const struct
{
	DWORD code;
	const char *text;
} errors[] = {
#define TOOL_ERROR_ENTRY(code, text) { code, text },
	TOOL_ERRORS(TOOL_ERROR_ENTRY)
#undef TOOL_ERROR_ENTRY
};

const char *tool_error_text(DWORD err)
{
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (errors[i].code == err)
			return errors[i].text;
	return "The system has no message text for this error code.";
}

void tool_error_report(DWORD err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ", Error code %u\nError [%u]:%s\n", (unsigned)err, (unsigned)err,
	        tool_error_text(err));
}
