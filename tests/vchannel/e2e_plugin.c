/*
 * e2e_plugin.c — the client plug-in of the end-to-end test and of the bridge benchmark, written
 * the way a Windows plug-in is (windows.h, cchannel.h, VirtualChannelEntry, nothing of OpenWTS or
 * FreeRDP). On channel OWTSE2E it
 *   - sends "HELLO c=<connects> d=<disconnects> s=<server name>" on each CHANNEL_EVENT_CONNECTED,
 *     so the server sees that CONNECTED and DISCONNECTED reached it;
 *   - reassembles each server message from its chunks, checking what a Windows client guarantees
 *     (chunks of at most CHANNEL_CHUNK_LENGTH, one total length, FIRST on the first, LAST on the
 *     last) and reporting a violation as "ERR <what>";
 *   - echoes messages that start with 'D'; counts the bytes of messages that start with 'B' and
 *     answers "END" with "COUNT <bytes>" (the benchmark).
 * Every write's buffer is freed on its WRITE_COMPLETE or WRITE_CANCELLED.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cchannel.h>

#define E2E_CHANNEL "OWTSE2E"

static CHANNEL_ENTRY_POINTS g_ep;
static LPVOID g_hInit;
static DWORD g_hOpen;
static BOOL g_bOpen;
static CHANNEL_DEF g_def[1];
static UINT g_cConnects, g_cDisconnects;
static BYTE *g_pMsg; /* message being reassembled */
static UINT32 g_cbMsg, g_cbGot;
static unsigned long long g_cbCounted;

static void Send(const void *pData, UINT32 cb)
{
	BYTE *p;
	if (!g_bOpen)
		return;
	p = (BYTE *)malloc(cb);
	if (!p)
		return;
	memcpy(p, pData, cb);
	if (g_ep.pVirtualChannelWrite(g_hOpen, p, cb, p) != CHANNEL_RC_OK)
		free(p);
}

static void SendText(const char *psz)
{
	Send(psz, (UINT32)strlen(psz));
}

static void OnMessage(BYTE *pMsg, UINT32 cb)
{
	char line[64];
	if (cb >= 1 && pMsg[0] == 'D') {
		if (g_ep.pVirtualChannelWrite(g_hOpen, pMsg, cb, pMsg) == CHANNEL_RC_OK)
			return; /* freed on completion */
	} else if (cb >= 1 && pMsg[0] == 'B') {
		g_cbCounted += cb;
	} else if (cb == 3 && memcmp(pMsg, "END", 3) == 0) {
		snprintf(line, sizeof(line), "COUNT %llu", g_cbCounted);
		g_cbCounted = 0;
		SendText(line);
	}
	free(pMsg);
}

static VOID VCAPITYPE ChannelOpenEvent(DWORD openHandle, UINT event, LPVOID pData,
                                       UINT32 dataLength, UINT32 totalLength, UINT32 dataFlags)
{
	UNREFERENCED_PARAMETER(openHandle);
	switch (event) {
	case CHANNEL_EVENT_DATA_RECEIVED:
		if (dataLength > CHANNEL_CHUNK_LENGTH) {
			SendText("ERR chunk longer than CHANNEL_CHUNK_LENGTH");
			return;
		}
		if (dataFlags & CHANNEL_FLAG_FIRST) {
			if (g_pMsg)
				SendText("ERR FIRST before LAST");
			free(g_pMsg);
			g_pMsg = (BYTE *)malloc(totalLength ? totalLength : 1);
			g_cbMsg = totalLength;
			g_cbGot = 0;
		} else if (!g_pMsg || totalLength != g_cbMsg) {
			SendText("ERR chunk without FIRST or with another total length");
			return;
		}
		if (!g_pMsg || dataLength > g_cbMsg - g_cbGot) {
			SendText("ERR more bytes than the total length");
			return;
		}
		memcpy(g_pMsg + g_cbGot, pData, dataLength);
		g_cbGot += dataLength;
		if (dataFlags & CHANNEL_FLAG_LAST) {
			BYTE *pMsg = g_pMsg;
			if (g_cbGot != g_cbMsg)
				SendText("ERR LAST before the total length");
			g_pMsg = NULL;
			OnMessage(pMsg, g_cbGot);
		}
		break;
	case CHANNEL_EVENT_WRITE_COMPLETE:
	case CHANNEL_EVENT_WRITE_CANCELLED:
		free(pData);
		break;
	default:
		break;
	}
}

static VOID VCAPITYPE ChannelInitEvent(LPVOID pInitHandle, UINT event, LPVOID pData,
                                       UINT dataLength)
{
	char line[128];
	char server[64];
	UINT cb;
	switch (event) {
	case CHANNEL_EVENT_CONNECTED:
		g_cConnects++;
		cb = dataLength < sizeof(server) - 1 ? dataLength : (UINT)sizeof(server) - 1;
		memcpy(server, pData ? pData : "", pData ? cb : 0);
		server[pData ? cb : 0] = '\0';
		g_bOpen = g_ep.pVirtualChannelOpen(pInitHandle, &g_hOpen, g_def[0].name,
		                                   ChannelOpenEvent) == CHANNEL_RC_OK;
		snprintf(line, sizeof(line), "HELLO c=%u d=%u s=%s", g_cConnects, g_cDisconnects,
		         server);
		SendText(line);
		break;
	case CHANNEL_EVENT_DISCONNECTED:
		g_cDisconnects++;
		g_bOpen = FALSE;
		free(g_pMsg);
		g_pMsg = NULL;
		break;
	case CHANNEL_EVENT_TERMINATED:
		free(g_pMsg);
		g_pMsg = NULL;
		break;
	default:
		break;
	}
}

BOOL VCAPITYPE VirtualChannelEntry(PCHANNEL_ENTRY_POINTS pEntryPoints)
{
	if (!pEntryPoints || pEntryPoints->cbSize < sizeof(CHANNEL_ENTRY_POINTS))
		return FALSE;
	memcpy(&g_ep, pEntryPoints, sizeof(g_ep));
	memset(g_def, 0, sizeof(g_def));
	memcpy(g_def[0].name, E2E_CHANNEL, sizeof(E2E_CHANNEL));
	g_def[0].options = CHANNEL_OPTION_ENCRYPT_RDP;
	return g_ep.pVirtualChannelInit(&g_hInit, g_def, 1, VIRTUAL_CHANNEL_VERSION_WIN2000,
	                                ChannelInitEvent) == CHANNEL_RC_OK;
}
