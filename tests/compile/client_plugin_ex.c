/*
 * client_plugin_ex.c — a Remote Desktop client plug-in using the Ex ("virtual extension") entry
 * point, written the way Windows code is: one instance per connection, all state in a structure
 * that reaches every callback as lpUserParam. Like client_plugin.c it echoes each complete message.
 *
 * It exists to prove that Microsoft's Ex shapes compile against OpenWTS's <cchannel.h>: above all
 * the 6-parameter pVirtualChannelInitEx in CHANNEL_ENTRY_POINTS_EX, where WinPR's own header has
 * 7 parameters. tests/compile/CMakeLists.txt checks that the built .so exports
 * VirtualChannelEntryEx.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <windows.h>
#include <stdlib.h>
#include <string.h>
#include <cchannel.h>

#define ECHO_CHANNEL_NAME "SMPECHX" /* at most CHANNEL_NAME_LEN characters */

typedef struct _ECHO_PLUGIN
{
	CHANNEL_ENTRY_POINTS_EX EntryPoints; /* copied: the host's table dies with the entry call */
	LPVOID hInitHandle;
	DWORD dwOpenHandle;
	BOOL bChannelOpen;
	CHANNEL_DEF ChannelDefs[1];
	BYTE *pMessage; /* message being reassembled */
	UINT32 cbMessage;
	UINT32 cbReceived;
} ECHO_PLUGIN, *PECHO_PLUGIN;

static void DiscardMessage(PECHO_PLUGIN pPlugin)
{
	free(pPlugin->pMessage);
	pPlugin->pMessage = NULL;
	pPlugin->cbMessage = 0;
	pPlugin->cbReceived = 0;
}

static VOID VCAPITYPE VirtualChannelOpenEventEx(LPVOID lpUserParam, DWORD openHandle, UINT event,
                                                LPVOID pData, UINT32 dataLength, UINT32 totalLength,
                                                UINT32 dataFlags)
{
	PECHO_PLUGIN pPlugin = (PECHO_PLUGIN)lpUserParam;

	switch (event) {
	case CHANNEL_EVENT_DATA_RECEIVED:
		if (dataFlags & CHANNEL_FLAG_FIRST) {
			DiscardMessage(pPlugin);
			pPlugin->pMessage = (BYTE *)malloc(totalLength ? totalLength : 1);
			pPlugin->cbMessage = totalLength;
		}
		if (!pPlugin->pMessage || dataLength > pPlugin->cbMessage - pPlugin->cbReceived) {
			DiscardMessage(pPlugin);
			return;
		}
		memcpy(pPlugin->pMessage + pPlugin->cbReceived, pData, dataLength);
		pPlugin->cbReceived += dataLength;
		if ((dataFlags & CHANNEL_FLAG_LAST) && pPlugin->cbReceived) {
			BYTE *pMessage = pPlugin->pMessage;
			UINT32 cbMessage = pPlugin->cbReceived;
			UINT rc;

			pPlugin->pMessage = NULL;
			DiscardMessage(pPlugin);
			rc = pPlugin->EntryPoints.pVirtualChannelWriteEx(
			    pPlugin->hInitHandle, openHandle, pMessage, cbMessage, pMessage);
			if (rc != CHANNEL_RC_OK)
				free(pMessage); /* no completion event follows a failed write */
		}
		break;

	case CHANNEL_EVENT_WRITE_COMPLETE:
	case CHANNEL_EVENT_WRITE_CANCELLED:
		free(pData); /* pData is the pUserData given to VirtualChannelWriteEx */
		break;

	default:
		break;
	}
}

static VOID VCAPITYPE VirtualChannelInitEventEx(LPVOID lpUserParam, LPVOID pInitHandle, UINT event,
                                                LPVOID pData, UINT dataLength)
{
	PECHO_PLUGIN pPlugin = (PECHO_PLUGIN)lpUserParam;
	UINT rc;

	UNREFERENCED_PARAMETER(pData);
	UNREFERENCED_PARAMETER(dataLength);

	switch (event) {
	case CHANNEL_EVENT_CONNECTED:
		rc = pPlugin->EntryPoints.pVirtualChannelOpenEx(pInitHandle, &pPlugin->dwOpenHandle,
		                                                pPlugin->ChannelDefs[0].name,
		                                                VirtualChannelOpenEventEx);
		pPlugin->bChannelOpen = (rc == CHANNEL_RC_OK);
		break;

	case CHANNEL_EVENT_DISCONNECTED:
		pPlugin->bChannelOpen = FALSE;
		DiscardMessage(pPlugin);
		break;

	case CHANNEL_EVENT_TERMINATED:
		/* The last event of this instance. */
		if (pPlugin->bChannelOpen)
			pPlugin->EntryPoints.pVirtualChannelCloseEx(pInitHandle,
			                                            pPlugin->dwOpenHandle);
		DiscardMessage(pPlugin);
		free(pPlugin);
		break;

	default:
		break;
	}
}

BOOL VCAPITYPE VirtualChannelEntryEx(PCHANNEL_ENTRY_POINTS_EX pEntryPointsEx, PVOID pInitHandle)
{
	PECHO_PLUGIN pPlugin;
	UINT rc;

	if (!pEntryPointsEx || pEntryPointsEx->cbSize < sizeof(CHANNEL_ENTRY_POINTS_EX))
		return FALSE;

	pPlugin = (PECHO_PLUGIN)calloc(1, sizeof(ECHO_PLUGIN));
	if (!pPlugin)
		return FALSE;
	CopyMemory(&pPlugin->EntryPoints, pEntryPointsEx, sizeof(pPlugin->EntryPoints));
	pPlugin->hInitHandle = pInitHandle;
	CopyMemory(pPlugin->ChannelDefs[0].name, ECHO_CHANNEL_NAME, sizeof(ECHO_CHANNEL_NAME));
	pPlugin->ChannelDefs[0].options = CHANNEL_OPTION_ENCRYPT_RDP | CHANNEL_OPTION_COMPRESS_RDP;

	/* Microsoft's six parameters: lpUserParam, pInitHandle, pChannel, channelCount,
	 * versionRequested, pChannelInitEventProcEx. */
	rc = pPlugin->EntryPoints.pVirtualChannelInitEx(
	    pPlugin, pInitHandle, pPlugin->ChannelDefs, (INT)ARRAYSIZE(pPlugin->ChannelDefs),
	    VIRTUAL_CHANNEL_VERSION_WIN2000, VirtualChannelInitEventEx);
	if (rc != CHANNEL_RC_OK) {
		free(pPlugin);
		return FALSE;
	}
	return TRUE;
}
