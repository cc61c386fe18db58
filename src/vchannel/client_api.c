/*
 * client_api.c — VirtualChannelInit/Open/Close/Write exported by libwtsapi32 (cchannel.h).
 *
 * These are the host's functions of the client-side channel API. A plug-in normally reaches them
 * through the CHANNEL_ENTRY_POINTS its host passes to VirtualChannelEntry; the exported names
 * serve plug-ins that call them directly. Until the client bridge and the plug-in test host
 * exist (issue 5) no plug-in is ever inside VirtualChannelEntry and no init or open handle
 * exists, so each function gives the code Windows gives a caller outside any plug-in context.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <cchannel.h>

#include "wts_private.h"

WTS_EXPORT UINT VCAPITYPE VirtualChannelInit(LPVOID *ppInitHandle, PCHANNEL_DEF pChannel,
                                             INT channelCount, ULONG versionRequested,
                                             PCHANNEL_INIT_EVENT_FN pChannelInitEventProc)
{
	(void)ppInitHandle, (void)pChannel, (void)channelCount, (void)versionRequested;
	(void)pChannelInitEventProc;
	return CHANNEL_RC_NOT_IN_VIRTUALCHANNELENTRY;
}

WTS_EXPORT UINT VCAPITYPE VirtualChannelOpen(LPVOID pInitHandle, LPDWORD pOpenHandle,
                                             PCHAR pChannelName,
                                             PCHANNEL_OPEN_EVENT_FN pChannelOpenEventProc)
{
	(void)pInitHandle, (void)pOpenHandle, (void)pChannelName, (void)pChannelOpenEventProc;
	return CHANNEL_RC_BAD_INIT_HANDLE;
}

WTS_EXPORT UINT VCAPITYPE VirtualChannelClose(DWORD openHandle)
{
	(void)openHandle;
	return CHANNEL_RC_BAD_CHANNEL_HANDLE;
}

WTS_EXPORT UINT VCAPITYPE VirtualChannelWrite(DWORD openHandle, LPVOID pData, ULONG dataLength,
                                              LPVOID pUserData)
{
	(void)openHandle, (void)pData, (void)dataLength, (void)pUserData;
	return CHANNEL_RC_BAD_CHANNEL_HANDLE;
}
