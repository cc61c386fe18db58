/*
 * wts_server.c — WTSOpenServer(Ex)A/W and WTSCloseServer.
 *
 * Only the local host is served until remote servers come: NULL, "", ".", "localhost",
 * 127.0.0.1, ::1 and the host's name (fully qualified or its first label, any case) open a handle
 * on the local wtsd; any other
 * name fails at once with NULL and ERROR_NOT_SUPPORTED rather than returning a handle that fails
 * on first use (reference §10: callers cannot rely on anything but NULL + last error).
 * Opening does not contact wtsd, as on Windows; the first call on the handle does.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <wtsapi32.h>

#include "wts_private.h"

/* Local: "", ".", "localhost", the loopback addresses, and the host's name in full or as its
 * first label (the NetBIOS-style name), compared without case. */
static bool is_local_name(const char *name)
{
	static const char *const fixed[] = { "", ".", "localhost", "127.0.0.1", "::1" };
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strcasecmp(name, fixed[i]) == 0)
			return true;
	char host[256];
	if (gethostname(host, sizeof(host)) < 0)
		return false;
	host[sizeof(host) - 1] = '\0';
	if (strcasecmp(name, host) == 0)
		return true;
	size_t label = strcspn(host, ".");
	return strlen(name) == label && strncasecmp(name, host, label) == 0;
}

static HANDLE open_server(const void *pServerName, bool wide)
{
	char name[256];
	if (wts_arg_utf8(pServerName, wide, name, sizeof(name)) != ERROR_SUCCESS)
		return wts_fail_null(ERROR_INVALID_PARAMETER);
	if (!is_local_name(name))
		return wts_fail_null(ERROR_NOT_SUPPORTED);
	HANDLE h = wts_handle_new();
	if (!h)
		return wts_fail_null(ERROR_NOT_ENOUGH_MEMORY);
	return h;
}

WTS_EXPORT HANDLE WINAPI WTSOpenServerA(LPSTR pServerName)
{
	return open_server(pServerName, false);
}

WTS_EXPORT HANDLE WINAPI WTSOpenServerW(LPWSTR pServerName)
{
	return open_server(pServerName, true);
}

WTS_EXPORT HANDLE WINAPI WTSOpenServerExA(LPSTR pServerName)
{
	return open_server(pServerName, false);
}

WTS_EXPORT HANDLE WINAPI WTSOpenServerExW(LPWSTR pServerName)
{
	return open_server(pServerName, true);
}

WTS_EXPORT VOID WINAPI WTSCloseServer(HANDLE hServer)
{
	/* No return value: closing WTS_CURRENT_SERVER_HANDLE or a stale handle does nothing, but
	 * the last error tells the caller, as Windows' handle functions do. */
	if (hServer == WTS_CURRENT_SERVER_HANDLE || wts_handle_close(hServer) != ERROR_SUCCESS)
		(void)wts_fail(ERROR_INVALID_HANDLE);
}
