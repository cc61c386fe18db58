/*
 * bridge.c — libopenwts-client.so, a FreeRDP client addin that runs Windows-style channel plug-ins
 * inside xfreerdp and every other FreeRDP 2.11 client:
 *
 *	xfreerdp /vc:openwts,/path/libmyplugin.so[,/path/libother.so...] ...
 *
 * FreeRDP loads addins only from its addin directory, by name, and a static channel name only once
 * per client, so one bridge instance serves all the plug-ins of a client (each argument after the
 * bridge's name is one plug-in path). FreeRDP calls the bridge's VirtualChannelEntryEx with
 * WinPR's 7-parameter shapes; the bridge loads each plug-in into an OpenWTSPluginHost of
 * libwtsapi32, which gives the plug-in Windows' shapes and semantics (Microsoft's 6-parameter
 * VirtualChannelInitEx, the CHANNEL_RC_* checks, the event order, one completion per write).
 * The bridge registers the plug-ins' channels with FreeRDP in one VirtualChannelInitEx and then
 * only translates:
 *
 *	FreeRDP INITIALIZED         -> OpenWTSPluginHostInitialize
 *	FreeRDP CONNECTED(host)     -> open FreeRDP's channels, OpenWTSPluginHostConnect(host)
 *	FreeRDP DATA_RECEIVED chunk -> OpenWTSPluginHostReceive (as it is: length, total, flags)
 *	plug-in VirtualChannelWrite -> send(): FreeRDP's VirtualChannelWriteEx, pUserData = write id
 *	FreeRDP WRITE_COMPLETE(id)  -> OpenWTSPluginHostWriteComplete
 *	FreeRDP DISCONNECTED        -> OpenWTSPluginHostDisconnect, close FreeRDP's channels
 *	FreeRDP TERMINATED          -> OpenWTSPluginHostClose (TERMINATED, unload), free
 *
 * FreeRDP calls all of these on its main thread; a plug-in may write from any thread (FreeRDP's
 * write is a thread-safe queue).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
/* FreeRDP's headers need WinPR's meaning of the Ex names; OpenWTS's are reached as OPENWTS_*. */
#define OPENWTS_WINPR_CHANNEL_EX 1

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <winpr/wlog.h>
#include <freerdp/settings.h>
#include <freerdp/svc.h>

#include <cchannel.h>
#include <openwts/plugin_host.h>

#define TAG "openwts.vchannel.bridge"

/* The flags of a chunk a plug-in sees; wire-only bits (compression, …) are FreeRDP's business. */
#define CHUNK_FLAGS                                                                                \
	(CHANNEL_FLAG_FIRST | CHANNEL_FLAG_LAST | CHANNEL_FLAG_SHOW_PROTOCOL |                     \
	 CHANNEL_FLAG_SUSPEND | CHANNEL_FLAG_RESUME | CHANNEL_FLAG_SHADOW_PERSISTENT)

/* One bridge per FreeRDP client instance. */
struct bridge
{
	HANDLE host;                         /* the plug-in host */
	void *init_handle;                   /* FreeRDP's, for its *Ex functions */
	CHANNEL_ENTRY_POINTS_FREERDP_EX ep;  /* FreeRDP's functions */
	CHANNEL_DEF defs[CHANNEL_MAX_COUNT]; /* the plug-ins' channels */
	DWORD ndefs;
	DWORD handles[CHANNEL_MAX_COUNT]; /* FreeRDP's open handles, valid where open[i] */
	bool open[CHANNEL_MAX_COUNT];
};

static int index_of_handle(const struct bridge *b, DWORD handle)
{
	for (DWORD i = 0; i < b->ndefs; i++)
		if (b->open[i] && b->handles[i] == handle)
			return (int)i;
	return -1;
}

/* The plug-in host's send callback: hands a plug-in's write to FreeRDP. */
static UINT CDECL send_write(LPVOID ctx, LPCSTR name, LPVOID data, ULONG len, LPVOID write_id)
{
	struct bridge *b = ctx;
	for (DWORD i = 0; i < b->ndefs; i++) {
		if (strncasecmp(b->defs[i].name, name, sizeof(b->defs[i].name)) != 0)
			continue;
		if (!b->open[i])
			return CHANNEL_RC_NOT_OPEN;
		return b->ep.pVirtualChannelWriteEx(b->init_handle, b->handles[i], data, len,
		                                    write_id);
	}
	return CHANNEL_RC_UNKNOWN_CHANNEL_NAME;
}

static VOID VCAPITYPE open_event(LPVOID user, DWORD handle, UINT event, LPVOID data, UINT32 len,
                                 UINT32 total, UINT32 flags)
{
	struct bridge *b = user;
	int i;
	switch (event) {
	case CHANNEL_EVENT_DATA_RECEIVED:
		i = index_of_handle(b, handle);
		if (i >= 0)
			OpenWTSPluginHostReceive(b->host, b->defs[i].name, data, len, total,
			                         flags & CHUNK_FLAGS);
		break;
	case CHANNEL_EVENT_WRITE_COMPLETE:
	case CHANNEL_EVENT_WRITE_CANCELLED:
		/* data is the write id given to FreeRDP as pUserData */
		OpenWTSPluginHostWriteComplete(b->host, data,
		                               event == CHANNEL_EVENT_WRITE_CANCELLED);
		break;
	default:
		break;
	}
}

static void channels_open(struct bridge *b)
{
	for (DWORD i = 0; i < b->ndefs; i++) {
		UINT rc = b->ep.pVirtualChannelOpenEx(b->init_handle, &b->handles[i],
		                                      b->defs[i].name, open_event);
		b->open[i] = rc == CHANNEL_RC_OK;
		if (rc != CHANNEL_RC_OK)
			WLog_WARN(TAG, "channel \"%s\" does not open: %u", b->defs[i].name, rc);
	}
}

static void channels_close(struct bridge *b)
{
	for (DWORD i = 0; i < b->ndefs; i++) {
		if (b->open[i])
			b->ep.pVirtualChannelCloseEx(b->init_handle, b->handles[i]);
		b->open[i] = false;
	}
}

static VOID VCAPITYPE init_event(LPVOID user, LPVOID init_handle, UINT event, LPVOID data, UINT len)
{
	struct bridge *b = user;
	(void)init_handle;
	switch (event) {
	case CHANNEL_EVENT_INITIALIZED:
		OpenWTSPluginHostInitialize(b->host);
		break;
	case CHANNEL_EVENT_CONNECTED:
		channels_open(b);
		OpenWTSPluginHostConnect(b->host, data && len ? (const char *)data : "");
		break;
	case CHANNEL_EVENT_DISCONNECTED:
		OpenWTSPluginHostDisconnect(b->host);
		channels_close(b);
		break;
	case CHANNEL_EVENT_TERMINATED:
		OpenWTSPluginHostClose(b->host);
		free(b);
		break;
	default:
		break;
	}
}

/* Loads the plug-ins named by args (argv[1..]) and collects their channels. */
static bool plugins_load(struct bridge *b, const ADDIN_ARGV *args)
{
	if (!args || args->argc < 2) {
		WLog_ERR(TAG, "usage: /vc:openwts,<plug-in .so path>[,<path>...]");
		return false;
	}
	for (int i = 1; i < args->argc; i++) {
		if (!OpenWTSPluginHostLoad(b->host, args->argv[i])) {
			WLog_ERR(TAG, "plug-in \"%s\" does not load: error %u", args->argv[i],
			         GetLastError());
			return false;
		}
		WLog_DBG(TAG, "plug-in \"%s\" loaded", args->argv[i]);
	}
	b->ndefs = CHANNEL_MAX_COUNT;
	if (!OpenWTSPluginHostGetChannels(b->host, b->defs, &b->ndefs) || b->ndefs == 0) {
		WLog_ERR(TAG, "the plug-ins registered no channel");
		return false;
	}
	return true;
}

VCEXPORT BOOL VCAPITYPE VirtualChannelEntryEx(PCHANNEL_ENTRY_POINTS_EX pEntryPointsEx,
                                              PVOID pInitHandle)
{
	CHANNEL_ENTRY_POINTS_FREERDP_EX *ep = (CHANNEL_ENTRY_POINTS_FREERDP_EX *)pEntryPointsEx;
	if (!ep || ep->cbSize < sizeof(*ep) || ep->MagicNumber != FREERDP_CHANNEL_MAGIC_NUMBER)
		return FALSE;
	struct bridge *b = calloc(1, sizeof(*b));
	if (!b)
		return FALSE;
	b->ep = *ep;
	b->init_handle = pInitHandle;
	b->host = OpenWTSPluginHostCreate(send_write, b);
	if (!b->host || !plugins_load(b, ep->pExtendedData))
		goto fail;
	UINT rc = b->ep.pVirtualChannelInitEx(b, NULL, pInitHandle, b->defs, (INT)b->ndefs,
	                                      VIRTUAL_CHANNEL_VERSION_WIN2000, init_event);
	if (rc != CHANNEL_RC_OK) {
		WLog_ERR(TAG, "FreeRDP refuses the plug-ins' %u channels: %u", b->ndefs, rc);
		goto fail;
	}
	return TRUE;
fail:
	if (b->host)
		OpenWTSPluginHostClose(b->host);
	free(b);
	return FALSE;
}
