/*
 * winpr_order_checks.h — the body shared by winpr_before.c and winpr_after.c: assertions that
 * OpenWTS's corrections to WinPR's definitions (CHANNEL_MAX_COUNT, Microsoft's 6-parameter
 * VirtualChannelInitEx, a working VCEXPORT, RPC_S_*) hold whichever header came first, and a
 * function using the types. The including file sets the include order and names the function
 * (OPENWTS_WINPR_ORDER_FN). Not a public header.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
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
VCEXPORT int OPENWTS_WINPR_ORDER_FN(void);

VCEXPORT int OPENWTS_WINPR_ORDER_FN(void)
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
