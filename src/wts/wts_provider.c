/*
 * wts_provider.c — InitWtsApi, the entry point WinPR looks for when WTSAPI_LIBRARY names this
 * library: it returns a table with every function, so that a binary linked only to libwinpr
 * reaches OpenWTS through WinPR's WTS* stubs.
 *
 * The table points at the exported functions themselves; -Bsymbolic-functions binds those
 * references inside the library, so an application's or FreeRDP's own WTS* symbols are never
 * picked up instead. WinPR-only entries (WTSLogonUser, WTSLogoffUser,
 * WTSStartRemoteControlSessionEx) are not Windows API: they fail with
 * ERROR_CALL_NOT_IMPLEMENTED.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <wtsapi32.h>
#include <openwts/provider.h>

#include "wts_private.h"

static BOOL WINAPI logon_user(HANDLE hServer, LPCSTR username, LPCSTR password, LPCSTR domain)
{
	(void)hServer, (void)username, (void)password, (void)domain;
	return wts_fail(ERROR_CALL_NOT_IMPLEMENTED);
}

static BOOL WINAPI logoff_user(HANDLE hServer)
{
	(void)hServer;
	return wts_fail(ERROR_CALL_NOT_IMPLEMENTED);
}

static BOOL WINAPI remote_control_ex_w(LPWSTR server, ULONG id, BYTE vk, USHORT mods, DWORD flags)
{
	(void)server, (void)id, (void)vk, (void)mods, (void)flags;
	return wts_fail(ERROR_CALL_NOT_IMPLEMENTED);
}

static BOOL WINAPI remote_control_ex_a(LPSTR server, ULONG id, BYTE vk, USHORT mods, DWORD flags)
{
	(void)server, (void)id, (void)vk, (void)mods, (void)flags;
	return wts_fail(ERROR_CALL_NOT_IMPLEMENTED);
}

static WtsApiFunctionTable table = {
	.dwVersion = 1,
	.dwFlags = 0,
	.pStopRemoteControlSession = WTSStopRemoteControlSession,
	.pStartRemoteControlSessionW = WTSStartRemoteControlSessionW,
	.pStartRemoteControlSessionA = WTSStartRemoteControlSessionA,
	.pConnectSessionW = WTSConnectSessionW,
	.pConnectSessionA = WTSConnectSessionA,
	.pEnumerateServersW = WTSEnumerateServersW,
	.pEnumerateServersA = WTSEnumerateServersA,
	.pOpenServerW = WTSOpenServerW,
	.pOpenServerA = WTSOpenServerA,
	.pOpenServerExW = WTSOpenServerExW,
	.pOpenServerExA = WTSOpenServerExA,
	.pCloseServer = WTSCloseServer,
	.pEnumerateSessionsW = WTSEnumerateSessionsW,
	.pEnumerateSessionsA = WTSEnumerateSessionsA,
	.pEnumerateSessionsExW = WTSEnumerateSessionsExW,
	.pEnumerateSessionsExA = WTSEnumerateSessionsExA,
	.pEnumerateProcessesW = WTSEnumerateProcessesW,
	.pEnumerateProcessesA = WTSEnumerateProcessesA,
	.pTerminateProcess = WTSTerminateProcess,
	.pQuerySessionInformationW = WTSQuerySessionInformationW,
	.pQuerySessionInformationA = WTSQuerySessionInformationA,
	.pQueryUserConfigW = WTSQueryUserConfigW,
	.pQueryUserConfigA = WTSQueryUserConfigA,
	.pSetUserConfigW = WTSSetUserConfigW,
	.pSetUserConfigA = WTSSetUserConfigA,
	.pSendMessageW = WTSSendMessageW,
	.pSendMessageA = WTSSendMessageA,
	.pDisconnectSession = WTSDisconnectSession,
	.pLogoffSession = WTSLogoffSession,
	.pShutdownSystem = WTSShutdownSystem,
	.pWaitSystemEvent = WTSWaitSystemEvent,
	.pVirtualChannelOpen = WTSVirtualChannelOpen,
	.pVirtualChannelOpenEx = WTSVirtualChannelOpenEx,
	.pVirtualChannelClose = WTSVirtualChannelClose,
	.pVirtualChannelRead = WTSVirtualChannelRead,
	.pVirtualChannelWrite = WTSVirtualChannelWrite,
	.pVirtualChannelPurgeInput = WTSVirtualChannelPurgeInput,
	.pVirtualChannelPurgeOutput = WTSVirtualChannelPurgeOutput,
	.pVirtualChannelQuery = WTSVirtualChannelQuery,
	.pFreeMemory = WTSFreeMemory,
	.pRegisterSessionNotification = WTSRegisterSessionNotification,
	.pUnRegisterSessionNotification = WTSUnRegisterSessionNotification,
	.pRegisterSessionNotificationEx = WTSRegisterSessionNotificationEx,
	.pUnRegisterSessionNotificationEx = WTSUnRegisterSessionNotificationEx,
	.pQueryUserToken = WTSQueryUserToken,
	.pFreeMemoryExW = WTSFreeMemoryExW,
	.pFreeMemoryExA = WTSFreeMemoryExA,
	.pEnumerateProcessesExW = WTSEnumerateProcessesExW,
	.pEnumerateProcessesExA = WTSEnumerateProcessesExA,
	.pEnumerateListenersW = WTSEnumerateListenersW,
	.pEnumerateListenersA = WTSEnumerateListenersA,
	.pQueryListenerConfigW = WTSQueryListenerConfigW,
	.pQueryListenerConfigA = WTSQueryListenerConfigA,
	.pCreateListenerW = WTSCreateListenerW,
	.pCreateListenerA = WTSCreateListenerA,
	.pSetListenerSecurityW = WTSSetListenerSecurityW,
	.pSetListenerSecurityA = WTSSetListenerSecurityA,
	.pGetListenerSecurityW = WTSGetListenerSecurityW,
	.pGetListenerSecurityA = WTSGetListenerSecurityA,
	.pEnableChildSessions = WTSEnableChildSessions,
	.pIsChildSessionsEnabled = WTSIsChildSessionsEnabled,
	.pGetChildSessionId = WTSGetChildSessionId,
	.pGetActiveConsoleSessionId = WTSGetActiveConsoleSessionId,
	.pLogonUser = logon_user,
	.pLogoffUser = logoff_user,
	.pStartRemoteControlSessionExW = remote_control_ex_w,
	.pStartRemoteControlSessionExA = remote_control_ex_a,
};

WTS_EXPORT PWtsApiFunctionTable CDECL InitWtsApi(void)
{
	return &table;
}
