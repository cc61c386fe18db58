/*
 * wts_unimpl.c — exported functions whose backing comes with later issues (src/wts/exports.list
 * names the issue of each). They validate nothing and fail with ERROR_CALL_NOT_IMPLEMENTED, a
 * status that docs/status.md reports as "not implemented", never as done.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <wtsapi32.h>

#include "wts_private.h"

#define NOT_IMPLEMENTED_BOOL() return wts_fail(ERROR_CALL_NOT_IMPLEMENTED)
#define NOT_IMPLEMENTED_HANDLE() return wts_fail_null(ERROR_CALL_NOT_IMPLEMENTED)
#define UNUSED(...) unused_args(0, __VA_ARGS__)

/* Swallows the parameters of a function that does not use them yet. */
static inline void unused_args(int n, ...)
{
	(void)n;
}

WTS_EXPORT BOOL WINAPI WTSEnumerateServersW(LPWSTR pDomainName, DWORD Reserved, DWORD Version,
                                            PWTS_SERVER_INFOW *ppServerInfo, DWORD *pCount)
{
	UNUSED(pDomainName, Reserved, Version, ppServerInfo, pCount);
	NOT_IMPLEMENTED_BOOL();
}

WTS_EXPORT BOOL WINAPI WTSEnumerateServersA(LPSTR pDomainName, DWORD Reserved, DWORD Version,
                                            PWTS_SERVER_INFOA *ppServerInfo, DWORD *pCount)
{
	UNUSED(pDomainName, Reserved, Version, ppServerInfo, pCount);
	NOT_IMPLEMENTED_BOOL();
}

WTS_EXPORT BOOL WINAPI WTSQueryUserConfigW(LPWSTR pServerName, LPWSTR pUserName,
                                           WTS_CONFIG_CLASS WTSConfigClass, LPWSTR *ppBuffer,
                                           DWORD *pBytesReturned)
{
	UNUSED(pServerName, pUserName, WTSConfigClass, ppBuffer, pBytesReturned);
	NOT_IMPLEMENTED_BOOL();
}

WTS_EXPORT BOOL WINAPI WTSQueryUserConfigA(LPSTR pServerName, LPSTR pUserName,
                                           WTS_CONFIG_CLASS WTSConfigClass, LPSTR *ppBuffer,
                                           DWORD *pBytesReturned)
{
	UNUSED(pServerName, pUserName, WTSConfigClass, ppBuffer, pBytesReturned);
	NOT_IMPLEMENTED_BOOL();
}

WTS_EXPORT BOOL WINAPI WTSSetUserConfigW(LPWSTR pServerName, LPWSTR pUserName,
                                         WTS_CONFIG_CLASS WTSConfigClass, LPWSTR pBuffer,
                                         DWORD DataLength)
{
	UNUSED(pServerName, pUserName, WTSConfigClass, pBuffer, DataLength);
	NOT_IMPLEMENTED_BOOL();
}

WTS_EXPORT BOOL WINAPI WTSSetUserConfigA(LPSTR pServerName, LPSTR pUserName,
                                         WTS_CONFIG_CLASS WTSConfigClass, LPSTR pBuffer,
                                         DWORD DataLength)
{
	UNUSED(pServerName, pUserName, WTSConfigClass, pBuffer, DataLength);
	NOT_IMPLEMENTED_BOOL();
}

WTS_EXPORT BOOL WINAPI WTSSendMessageW(HANDLE hServer, DWORD SessionId, LPWSTR pTitle,
                                       DWORD TitleLength, LPWSTR pMessage, DWORD MessageLength,
                                       DWORD Style, DWORD Timeout, DWORD *pResponse, BOOL bWait)
{
	UNUSED(hServer, SessionId, pTitle, TitleLength, pMessage, MessageLength, Style, Timeout,
	       pResponse, bWait);
	NOT_IMPLEMENTED_BOOL();
}

WTS_EXPORT BOOL WINAPI WTSSendMessageA(HANDLE hServer, DWORD SessionId, LPSTR pTitle,
                                       DWORD TitleLength, LPSTR pMessage, DWORD MessageLength,
                                       DWORD Style, DWORD Timeout, DWORD *pResponse, BOOL bWait)
{
	UNUSED(hServer, SessionId, pTitle, TitleLength, pMessage, MessageLength, Style, Timeout,
	       pResponse, bWait);
	NOT_IMPLEMENTED_BOOL();
}

WTS_EXPORT BOOL WINAPI WTSShutdownSystem(HANDLE hServer, DWORD ShutdownFlag)
{
	UNUSED(hServer, ShutdownFlag);
	NOT_IMPLEMENTED_BOOL();
}

WTS_EXPORT BOOL WINAPI WTSStartRemoteControlSessionW(LPWSTR pTargetServerName,
                                                     ULONG TargetLogonId, BYTE HotkeyVk,
                                                     USHORT HotkeyModifiers)
{
	UNUSED(pTargetServerName, TargetLogonId, HotkeyVk, HotkeyModifiers);
	NOT_IMPLEMENTED_BOOL();
}

WTS_EXPORT BOOL WINAPI WTSStartRemoteControlSessionA(LPSTR pTargetServerName,
                                                     ULONG TargetLogonId, BYTE HotkeyVk,
                                                     USHORT HotkeyModifiers)
{
	UNUSED(pTargetServerName, TargetLogonId, HotkeyVk, HotkeyModifiers);
	NOT_IMPLEMENTED_BOOL();
}

WTS_EXPORT BOOL WINAPI WTSStopRemoteControlSession(ULONG LogonId)
{
	UNUSED(LogonId);
	NOT_IMPLEMENTED_BOOL();
}

/* The child-session functions are cdecl in Microsoft's header (no WINAPI). */
WTS_EXPORT BOOL CDECL WTSEnableChildSessions(BOOL bEnable)
{
	UNUSED(bEnable);
	NOT_IMPLEMENTED_BOOL();
}

WTS_EXPORT BOOL CDECL WTSIsChildSessionsEnabled(PBOOL pbEnabled)
{
	UNUSED(pbEnabled);
	NOT_IMPLEMENTED_BOOL();
}

WTS_EXPORT BOOL CDECL WTSGetChildSessionId(PULONG pSessionId)
{
	UNUSED(pSessionId);
	NOT_IMPLEMENTED_BOOL();
}

