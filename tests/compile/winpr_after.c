/*
 * winpr_after.c — WinPR's <winpr/wtsapi.h> included after OpenWTS's <wtsapi32.h> and
 * <cchannel.h> (and WinPR's <winpr/rpc.h> after <mstlsapi.h>), as happens when a Windows source
 * later includes a FreeRDP header.
 *
 * The later WinPR headers must change nothing: <winpr/wtsapi.h> is already guarded, and
 * <winpr/rpc.h> redefines RPC_S_OK and RPC_S_INVALID_ARG with exactly the tokens <mstlsapi.h>
 * used. The static assertions check that the OpenWTS corrections (CHANNEL_MAX_COUNT, Microsoft's
 * 6-parameter VirtualChannelInitEx, a working VCEXPORT) survived. winpr_before.c checks the
 * opposite order.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <cchannel.h>
#include <wtsapi32.h>
#include <mstlsapi.h>
#include <winpr/wtsapi.h>
#include <winpr/rpc.h>

_Static_assert(CHANNEL_MAX_COUNT == 30, "CHANNEL_MAX_COUNT must be Windows' 30");
_Static_assert(CHANNEL_BUFFER_SIZE == 65535, "CHANNEL_BUFFER_SIZE must be defined");
_Static_assert(sizeof(CHANNEL_DEF) == 12, "CHANNEL_DEF must be 12 bytes");
_Static_assert(WTS_CURRENT_SESSION == 0xFFFFFFFF, "WTS_CURRENT_SESSION");
_Static_assert(RPC_S_OK == 0 && RPC_S_INVALID_ARG == 87, "RPC_S_* as WinPR and Windows");

/* Has the shape of Microsoft's PVIRTUALCHANNELINITEX: the assignment below compiles only if it
 * is the 6-parameter type. */
static UINT VCAPITYPE InitEx(LPVOID lpUserParam, LPVOID pInitHandle, PCHANNEL_DEF pChannel,
                             INT channelCount, ULONG versionRequested,
                             PCHANNEL_INIT_EVENT_EX_FN pChannelInitEventProcEx)
{
	(void)lpUserParam;
	(void)pInitHandle;
	(void)pChannel;
	(void)versionRequested;
	(void)pChannelInitEventProcEx;
	return channelCount > 0 ? CHANNEL_RC_OK : CHANNEL_RC_INITIALIZATION_ERROR;
}

/* A function exported with VCEXPORT must compile. */
VCEXPORT int openwts_winpr_after(void);

VCEXPORT int openwts_winpr_after(void)
{
	CHANNEL_ENTRY_POINTS_EX entryPoints = {0};
	CHANNEL_DEF channelDef = {"TEST", 0};
	PWTS_SESSION_INFOA pSessions = NULL;

	entryPoints.cbSize = sizeof(entryPoints);
	entryPoints.protocolVersion = VIRTUAL_CHANNEL_VERSION_WIN2000;
	entryPoints.pVirtualChannelInitEx = InitEx;
	(void)pSessions;
	return (int)entryPoints.pVirtualChannelInitEx(NULL, NULL, &channelDef, 1,
	                                              VIRTUAL_CHANNEL_VERSION_WIN2000, NULL);
}
