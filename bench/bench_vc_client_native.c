/*
 * bench_vc_client_native.c — the baseline of benchmark 5: the logic of tests/vchannel/e2e_plugin.c
 * (reassemble each server message on OWTSE2E, count the bytes of 'B' messages, answer "END" with
 * "COUNT <bytes>", "HELLO" on connect) written as a native FreeRDP 2.11 client addin: WinPR's
 * VirtualChannelEntryEx with FreeRDP's 7-parameter VirtualChannelInitEx, loaded by xfreerdp
 * directly as lib<name>-client.so. The bridge runs the Windows-style e2e_plugin.so on the same
 * connection type; bench/bench_vc_client.sh compares their receive throughput.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <freerdp/svc.h>
#include <winpr/wtsapi.h>

#define CHANNEL "OWTSE2E"

struct native
{
	CHANNEL_ENTRY_POINTS_FREERDP_EX ep;
	void *init;
	DWORD open;
	BOOL is_open;
	CHANNEL_DEF def;
	BYTE *msg;
	UINT32 len, got;
	unsigned long long counted;
};

static void send_text(struct native *n, const char *text)
{
	size_t len = strlen(text);
	char *p = malloc(len);
	if (!p || !n->is_open) {
		free(p);
		return;
	}
	memcpy(p, text, len);
	if (n->ep.pVirtualChannelWriteEx(n->init, n->open, p, (ULONG)len, p) != CHANNEL_RC_OK)
		free(p);
}

static void on_message(struct native *n, BYTE *msg, UINT32 len)
{
	char line[64];
	if (len >= 1 && msg[0] == 'B') {
		n->counted += len;
	} else if (len == 3 && memcmp(msg, "END", 3) == 0) {
		snprintf(line, sizeof(line), "COUNT %llu", n->counted);
		n->counted = 0;
		send_text(n, line);
	}
	free(msg);
}

static VOID VCAPITYPE open_event(LPVOID user, DWORD handle, UINT event, LPVOID data, UINT32 len,
                                 UINT32 total, UINT32 flags)
{
	struct native *n = user;
	(void)handle;
	switch (event) {
	case CHANNEL_EVENT_DATA_RECEIVED:
		if (flags & CHANNEL_FLAG_FIRST) {
			free(n->msg);
			n->msg = malloc(total ? total : 1);
			n->len = total;
			n->got = 0;
		}
		if (!n->msg || len > n->len - n->got)
			return;
		memcpy(n->msg + n->got, data, len);
		n->got += len;
		if (flags & CHANNEL_FLAG_LAST) {
			BYTE *msg = n->msg;
			n->msg = NULL;
			on_message(n, msg, n->got);
		}
		break;
	case CHANNEL_EVENT_WRITE_COMPLETE:
	case CHANNEL_EVENT_WRITE_CANCELLED:
		free(data);
		break;
	default:
		break;
	}
}

static VOID VCAPITYPE init_event(LPVOID user, LPVOID init, UINT event, LPVOID data, UINT len)
{
	struct native *n = user;
	(void)data, (void)len;
	switch (event) {
	case CHANNEL_EVENT_CONNECTED:
		n->is_open = n->ep.pVirtualChannelOpenEx(init, &n->open, n->def.name, open_event) ==
		             CHANNEL_RC_OK;
		send_text(n, "HELLO c=1 d=0 s=native");
		break;
	case CHANNEL_EVENT_DISCONNECTED:
		if (n->is_open)
			n->ep.pVirtualChannelCloseEx(init, n->open);
		n->is_open = FALSE;
		break;
	case CHANNEL_EVENT_TERMINATED:
		free(n->msg);
		free(n);
		break;
	default:
		break;
	}
}

__attribute__((visibility("default"))) BOOL VCAPITYPE
VirtualChannelEntryEx(PCHANNEL_ENTRY_POINTS_EX pEntryPoints, PVOID pInitHandle)
{
	CHANNEL_ENTRY_POINTS_FREERDP_EX *ep = (CHANNEL_ENTRY_POINTS_FREERDP_EX *)pEntryPoints;
	struct native *n = calloc(1, sizeof(*n));
	if (!n || ep->cbSize < sizeof(*ep)) {
		free(n);
		return FALSE;
	}
	n->ep = *ep;
	n->init = pInitHandle;
	memcpy(n->def.name, CHANNEL, sizeof(CHANNEL));
	n->def.options = CHANNEL_OPTION_ENCRYPT_RDP;
	if (n->ep.pVirtualChannelInitEx(n, NULL, pInitHandle, &n->def, 1,
	                                VIRTUAL_CHANNEL_VERSION_WIN2000,
	                                init_event) != CHANNEL_RC_OK) {
		free(n);
		return FALSE;
	}
	return TRUE;
}
