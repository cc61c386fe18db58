/*
 * client_plugin.c — a classic Remote Desktop client plug-in written the way Windows code is: it
 * exports VirtualChannelEntry, registers one static channel, opens it when the client connects and
 * echoes every complete message the server sends back to the server.
 *
 * It exists to prove that a Windows plug-in compiles unchanged against OpenWTS's <cchannel.h> and
 * that the built .so exports VirtualChannelEntry even though the source never marks it for export
 * (Windows plug-ins export through a .def file): tests/compile/CMakeLists.txt builds it with
 * hidden visibility and checks the dynamic symbol table. The sequence it follows is the one the
 * host guarantees (reference §7.4): entry points copied, VirtualChannelInit inside the entry,
 * VirtualChannelOpen on CHANNEL_EVENT_CONNECTED, chunks reassembled from FIRST to LAST, and a
 * written buffer kept until WRITE_COMPLETE or WRITE_CANCELLED hands it back.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <windows.h>
#include <stdlib.h>
#include <string.h>
#include <cchannel.h>

#define ECHO_CHANNEL_NAME "SMPECHO" /* at most CHANNEL_NAME_LEN characters */

static CHANNEL_ENTRY_POINTS g_EntryPoints; /* copied: the host's table dies with the entry call */
static LPVOID g_hInitHandle;
static DWORD g_dwOpenHandle;
static BOOL g_bChannelOpen;
static CHANNEL_DEF g_ChannelDefs[1];

/* The message being reassembled from DATA_RECEIVED chunks. */
static BYTE *g_pMessage;
static UINT32 g_cbMessage;
static UINT32 g_cbReceived;

static void DiscardMessage(void)
{
	free(g_pMessage);
	g_pMessage = NULL;
	g_cbMessage = 0;
	g_cbReceived = 0;
}

/* Sends a complete message back; the buffer is freed when the host reports the write done. */
static void EchoMessage(DWORD openHandle, BYTE *pMessage, UINT32 cbMessage)
{
	UINT rc = g_EntryPoints.pVirtualChannelWrite(openHandle, pMessage, cbMessage, pMessage);

	if (rc != CHANNEL_RC_OK)
		free(pMessage); /* no completion event follows a failed write */
}

static VOID VCAPITYPE VirtualChannelOpenEvent(DWORD openHandle, UINT event, LPVOID pData,
                                              UINT32 dataLength, UINT32 totalLength,
                                              UINT32 dataFlags)
{
	switch (event) {
	case CHANNEL_EVENT_DATA_RECEIVED:
		if (dataFlags & CHANNEL_FLAG_FIRST) {
			DiscardMessage();
			g_pMessage = (BYTE *)malloc(totalLength ? totalLength : 1);
			g_cbMessage = totalLength;
		}
		if (!g_pMessage || dataLength > g_cbMessage - g_cbReceived) {
			DiscardMessage(); /* out of memory, or a chunk without its FIRST */
			return;
		}
		memcpy(g_pMessage + g_cbReceived, pData, dataLength);
		g_cbReceived += dataLength;
		if (dataFlags & CHANNEL_FLAG_LAST) {
			BYTE *pMessage = g_pMessage;
			UINT32 cbMessage = g_cbReceived;

			g_pMessage = NULL;
			DiscardMessage();
			if (cbMessage)
				EchoMessage(openHandle, pMessage, cbMessage);
			else
				free(pMessage);
		}
		break;

	case CHANNEL_EVENT_WRITE_COMPLETE:
	case CHANNEL_EVENT_WRITE_CANCELLED:
		free(pData); /* pData is the pUserData given to VirtualChannelWrite */
		break;

	default:
		break;
	}
}

static VOID VCAPITYPE VirtualChannelInitEvent(LPVOID pInitHandle, UINT event, LPVOID pData,
                                              UINT dataLength)
{
	UINT rc;

	UNREFERENCED_PARAMETER(pData);
	UNREFERENCED_PARAMETER(dataLength);

	switch (event) {
	case CHANNEL_EVENT_INITIALIZED:
		break;

	case CHANNEL_EVENT_CONNECTED:
		rc = g_EntryPoints.pVirtualChannelOpen(
		    pInitHandle, &g_dwOpenHandle, g_ChannelDefs[0].name, VirtualChannelOpenEvent);
		g_bChannelOpen = (rc == CHANNEL_RC_OK);
		break;

	case CHANNEL_EVENT_V1_CONNECTED:
		/* The server supports no virtual channels. */
		break;

	case CHANNEL_EVENT_DISCONNECTED:
		/* The host closed the channel; pending writes come back as WRITE_CANCELLED. */
		g_bChannelOpen = FALSE;
		DiscardMessage();
		break;

	case CHANNEL_EVENT_TERMINATED:
		if (g_bChannelOpen)
			g_EntryPoints.pVirtualChannelClose(g_dwOpenHandle);
		g_bChannelOpen = FALSE;
		DiscardMessage();
		g_hInitHandle = NULL;
		break;

	default:
		break;
	}
}

BOOL VCAPITYPE VirtualChannelEntry(PCHANNEL_ENTRY_POINTS pEntryPoints)
{
	UINT rc;

	if (!pEntryPoints || pEntryPoints->cbSize < sizeof(CHANNEL_ENTRY_POINTS))
		return FALSE;
	CopyMemory(&g_EntryPoints, pEntryPoints, sizeof(g_EntryPoints));

	ZeroMemory(g_ChannelDefs, sizeof(g_ChannelDefs));
	CopyMemory(g_ChannelDefs[0].name, ECHO_CHANNEL_NAME, sizeof(ECHO_CHANNEL_NAME));
	g_ChannelDefs[0].options = CHANNEL_OPTION_ENCRYPT_RDP | CHANNEL_OPTION_COMPRESS_RDP;

	rc = g_EntryPoints.pVirtualChannelInit(
	    &g_hInitHandle, g_ChannelDefs, (INT)ARRAYSIZE(g_ChannelDefs),
	    VIRTUAL_CHANNEL_VERSION_WIN2000, VirtualChannelInitEvent);
	if (rc != CHANNEL_RC_OK)
		return FALSE;
	return (g_ChannelDefs[0].options & CHANNEL_OPTION_INITIALIZED) != 0;
}
