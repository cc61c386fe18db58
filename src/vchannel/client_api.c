/*
 * client_api.c — the host's side of cchannel.h: VirtualChannelInit/Open/Close/Write (exported by
 * libwtsapi32 and handed to VirtualChannelEntry in CHANNEL_ENTRY_POINTS) and the Ex forms of
 * Microsoft's shape (handed to VirtualChannelEntryEx in CHANNEL_ENTRY_POINTS_EX).
 *
 * The exported names and the table entries are the same functions, so a plug-in that calls
 * VirtualChannelInit directly instead of through its entry points gets the same checks: Init is
 * bound to the plug-in that is inside its entry point on the calling thread (vc_entry_current),
 * Open to its init handle, Close and Write to the open handle. Outside any plug-in they fail with
 * CHANNEL_RC_NOT_IN_VIRTUALCHANNELENTRY, CHANNEL_RC_BAD_INIT_HANDLE and
 * CHANNEL_RC_BAD_CHANNEL_HANDLE. The order of the checks is FreeRDP 2.11's where Windows documents
 * none (reference §7.2; the table is in docs/internals/client-channels.md). None of these functions
 * sets the last error: they return CHANNEL_RC_* codes as Windows does.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vc_core.h"
#include "wts_private.h"

/* A channel name Windows accepts: 1..CHANNEL_NAME_LEN printable ASCII characters, NUL-ended. */
static bool name_valid(const char *name)
{
	size_t n = strnlen(name, CHANNEL_NAME_LEN + 1);
	if (n == 0 || n > CHANNEL_NAME_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] <= 0x20 || (unsigned char)name[i] >= 0x7F)
			return false;
	return true;
}

/*
 * The checks and the registration shared by VirtualChannelInit and VirtualChannelInitEx, for
 * plug-in slot p (vc_lock held), after the entry-point and handle checks.
 */
static UINT init_register(int p, void *user_param, PCHANNEL_DEF pChannel, INT channelCount,
                          PCHANNEL_INIT_EVENT_FN proc, PCHANNEL_INIT_EVENT_EX_FN proc_ex)
{
	struct vc_plugin *plugin = &vc_plugins[p];
	struct vc_host *h = &vc_hosts[plugin->host];
	int slots[CHANNEL_MAX_COUNT];

	if (!pChannel)
		return CHANNEL_RC_BAD_CHANNEL;
	if (channelCount <= 0)
		return CHANNEL_RC_INITIALIZATION_ERROR;
	if (!proc && !proc_ex)
		return CHANNEL_RC_BAD_PROC;
	if (plugin->inited)
		return CHANNEL_RC_ALREADY_INITIALIZED;
	if (channelCount > CHANNEL_MAX_COUNT - h->nchannels)
		return CHANNEL_RC_TOO_MANY_CHANNELS;
	if (h->connected)
		return CHANNEL_RC_ALREADY_CONNECTED;
	for (INT i = 0; i < channelCount; i++) {
		if (!name_valid(pChannel[i].name) ||
		    vc_host_channel_by_name(h, pChannel[i].name) >= 0)
			return CHANNEL_RC_BAD_CHANNEL;
		for (INT j = 0; j < i; j++)
			if (strncasecmp(pChannel[i].name, pChannel[j].name, CHANNEL_NAME_LEN) == 0)
				return CHANNEL_RC_BAD_CHANNEL;
	}
	for (INT i = 0; i < channelCount; i++) {
		slots[i] = vc_channel_alloc();
		if (slots[i] < 0) {
			for (INT j = 0; j < i; j++)
				vc_channel_free(slots[j]);
			return CHANNEL_RC_NO_MEMORY;
		}
	}
	for (INT i = 0; i < channelCount; i++) {
		struct vc_channel *c = &vc_channels[slots[i]];
		c->plugin = p;
		memcpy(c->name, pChannel[i].name, strnlen(pChannel[i].name, CHANNEL_NAME_LEN));
		c->options = pChannel[i].options;
		h->channels[h->nchannels++] = slots[i];
		pChannel[i].options |= CHANNEL_OPTION_INITIALIZED;
	}
	plugin->inited = true;
	plugin->init_proc = proc;
	plugin->init_proc_ex = proc_ex;
	plugin->user_param = user_param;
	return CHANNEL_RC_OK;
}

WTS_EXPORT UINT VCAPITYPE VirtualChannelInit(LPVOID *ppInitHandle, PCHANNEL_DEF pChannel,
                                             INT channelCount, ULONG versionRequested,
                                             PCHANNEL_INIT_EVENT_FN pChannelInitEventProc)
{
	(void)versionRequested; /* ignored, as FreeRDP does */
	void *current = vc_entry_current();
	vc_lock();
	int p = vc_plugin_find(current);
	UINT rc;
	if (p < 0)
		rc = CHANNEL_RC_NOT_IN_VIRTUALCHANNELENTRY;
	else if (!ppInitHandle)
		rc = CHANNEL_RC_BAD_INIT_HANDLE;
	else
		rc = init_register(p, NULL, pChannel, channelCount, pChannelInitEventProc, NULL);
	vc_unlock();
	if (rc == CHANNEL_RC_OK)
		*ppInitHandle = current;
	return rc;
}

/* Microsoft's VirtualChannelInitEx: pInitHandle is the instance VirtualChannelEntryEx got. */
static UINT VCAPITYPE InitEx(LPVOID lpUserParam, LPVOID pInitHandle, PCHANNEL_DEF pChannel,
                             INT channelCount, ULONG versionRequested,
                             PCHANNEL_INIT_EVENT_EX_FN pChannelInitEventProcEx)
{
	(void)versionRequested;
	vc_lock();
	int p = vc_plugin_find(pInitHandle);
	UINT rc;
	if (p < 0)
		rc = CHANNEL_RC_BAD_INIT_HANDLE;
	else if (vc_entry_current() != pInitHandle)
		rc = CHANNEL_RC_NOT_IN_VIRTUALCHANNELENTRY;
	else
		rc = init_register(p, lpUserParam, pChannel, channelCount, NULL,
		                   pChannelInitEventProcEx);
	vc_unlock();
	return rc;
}

/* VirtualChannelOpen and VirtualChannelOpenEx once the plug-in slot is known (vc_lock held). */
static UINT open_checked(int p, LPDWORD pOpenHandle, PCHAR pChannelName,
                         PCHANNEL_OPEN_EVENT_FN proc, PCHANNEL_OPEN_EVENT_EX_FN proc_ex)
{
	const struct vc_host *h = &vc_hosts[vc_plugins[p].host];
	if (!pOpenHandle)
		return CHANNEL_RC_BAD_CHANNEL_HANDLE;
	if (!proc && !proc_ex)
		return CHANNEL_RC_BAD_PROC;
	if (!h->connected)
		return CHANNEL_RC_NOT_CONNECTED;
	int c = pChannelName ? vc_host_channel_by_name(h, pChannelName) : -1;
	if (c < 0 || vc_channels[c].plugin != p)
		return CHANNEL_RC_UNKNOWN_CHANNEL_NAME;
	struct vc_channel *ch = &vc_channels[c];
	if (ch->open)
		return CHANNEL_RC_ALREADY_OPEN;
	ch->open = true;
	ch->proc = proc;
	ch->proc_ex = proc_ex;
	ch->user_param = vc_plugins[p].user_param;
	*pOpenHandle = vc_open_handle(c);
	return CHANNEL_RC_OK;
}

/* Open through an init handle, with the classic or the Ex callback. */
static UINT open_by_init(LPVOID pInitHandle, LPDWORD pOpenHandle, PCHAR pChannelName,
                         PCHANNEL_OPEN_EVENT_FN proc, PCHANNEL_OPEN_EVENT_EX_FN proc_ex)
{
	vc_lock();
	int p = vc_plugin_find(pInitHandle);
	UINT rc = p < 0 ? CHANNEL_RC_BAD_INIT_HANDLE
	                : open_checked(p, pOpenHandle, pChannelName, proc, proc_ex);
	vc_unlock();
	return rc;
}

WTS_EXPORT UINT VCAPITYPE VirtualChannelOpen(LPVOID pInitHandle, LPDWORD pOpenHandle,
                                             PCHAR pChannelName,
                                             PCHANNEL_OPEN_EVENT_FN pChannelOpenEventProc)
{
	return open_by_init(pInitHandle, pOpenHandle, pChannelName, pChannelOpenEventProc, NULL);
}

static UINT VCAPITYPE OpenEx(LPVOID pInitHandle, LPDWORD pOpenHandle, PCHAR pChannelName,
                             PCHANNEL_OPEN_EVENT_EX_FN pChannelOpenEventProcEx)
{
	return open_by_init(pInitHandle, pOpenHandle, pChannelName, NULL, pChannelOpenEventProcEx);
}

/* Close for channel c of plug-in p (p < 0: any plug-in). Unsent writes of the channel are
 * cancelled after the close. */
static UINT close_channel(int p, DWORD openHandle)
{
	vc_lock();
	int c = vc_channel_find(openHandle);
	if (c < 0 || (p >= 0 && vc_channels[c].plugin != p)) {
		vc_unlock();
		return CHANNEL_RC_BAD_CHANNEL_HANDLE;
	}
	if (!vc_channels[c].open) {
		vc_unlock();
		return CHANNEL_RC_NOT_OPEN;
	}
	vc_channels[c].open = false;
	struct vc_write *cancelled =
	    vc_writes_detach(vc_plugins[vc_channels[c].plugin].host, c, true);
	vc_unlock();
	vc_writes_finish(cancelled, CHANNEL_EVENT_WRITE_CANCELLED);
	return CHANNEL_RC_OK;
}

WTS_EXPORT UINT VCAPITYPE VirtualChannelClose(DWORD openHandle)
{
	return close_channel(-1, openHandle);
}

static UINT VCAPITYPE CloseEx(LPVOID pInitHandle, DWORD openHandle)
{
	vc_lock();
	int p = vc_plugin_find(pInitHandle);
	vc_unlock();
	if (p < 0)
		return CHANNEL_RC_BAD_INIT_HANDLE;
	return close_channel(p, openHandle);
}

/* Write for plug-in p (p < 0: any plug-in). Queues the write, or hands it to the send callback. */
static UINT write_channel(int p, DWORD openHandle, LPVOID pData, ULONG dataLength, LPVOID pUserData)
{
	vc_lock();
	int c = vc_channel_find(openHandle);
	UINT rc = CHANNEL_RC_OK;
	int host = -1;
	if (c < 0 || (p >= 0 && vc_channels[c].plugin != p))
		rc = CHANNEL_RC_BAD_CHANNEL_HANDLE;
	else if (!vc_hosts[(host = vc_plugins[vc_channels[c].plugin].host)].connected)
		rc = CHANNEL_RC_NOT_CONNECTED;
	else if (!pData)
		rc = CHANNEL_RC_NULL_DATA;
	else if (!dataLength)
		rc = CHANNEL_RC_ZERO_LENGTH;
	else if (!vc_channels[c].open)
		rc = CHANNEL_RC_NOT_OPEN;
	struct vc_write *w = rc == CHANNEL_RC_OK ? calloc(1, sizeof(*w)) : NULL;
	if (rc == CHANNEL_RC_OK && !w)
		rc = CHANNEL_RC_NO_MEMORY;
	if (rc != CHANNEL_RC_OK) {
		vc_unlock();
		return rc;
	}
	struct vc_host *h = &vc_hosts[host];
	const struct vc_channel *ch = &vc_channels[c];
	w->id = h->next_write_id++;
	w->chan = c;
	w->data = pData;
	w->len = dataLength;
	w->user_data = pUserData;
	w->open_handle = openHandle;
	w->proc = ch->proc;
	w->proc_ex = ch->proc_ex;
	w->user_param = ch->user_param;
	memcpy(w->name, ch->name, sizeof(w->name));
	w->sent = h->send != NULL;
	struct vc_write **pp = &h->writes;
	while (*pp)
		pp = &(*pp)->next;
	*pp = w;
	OPENWTS_PLUGIN_HOST_SEND_FN send = h->send;
	void *ctx = h->send_ctx;
	uint64_t id = w->id;
	char name[CHANNEL_NAME_LEN + 1];
	memcpy(name, w->name, sizeof(name));
	HANDLE hHost = vc_host_handle(host);
	vc_unlock();
	if (!send)
		return CHANNEL_RC_OK;
	rc = send(ctx, name, pData, dataLength, (LPVOID)(uintptr_t)id);
	if (rc != CHANNEL_RC_OK) {
		vc_lock();
		if (vc_host_find(hHost) == host)
			free(vc_write_take(host, id));
		vc_unlock();
	}
	return rc;
}

WTS_EXPORT UINT VCAPITYPE VirtualChannelWrite(DWORD openHandle, LPVOID pData, ULONG dataLength,
                                              LPVOID pUserData)
{
	return write_channel(-1, openHandle, pData, dataLength, pUserData);
}

static UINT VCAPITYPE WriteEx(LPVOID pInitHandle, DWORD openHandle, LPVOID pData, ULONG dataLength,
                              LPVOID pUserData)
{
	vc_lock();
	int p = vc_plugin_find(pInitHandle);
	vc_unlock();
	if (p < 0)
		return CHANNEL_RC_BAD_INIT_HANDLE;
	return write_channel(p, openHandle, pData, dataLength, pUserData);
}

const CHANNEL_ENTRY_POINTS vc_entry_points = {
    .cbSize = sizeof(CHANNEL_ENTRY_POINTS),
    .protocolVersion = VIRTUAL_CHANNEL_VERSION_WIN2000,
    .pVirtualChannelInit = VirtualChannelInit,
    .pVirtualChannelOpen = VirtualChannelOpen,
    .pVirtualChannelClose = VirtualChannelClose,
    .pVirtualChannelWrite = VirtualChannelWrite,
};

const OPENWTS_CHANNEL_ENTRY_POINTS_EX vc_entry_points_ex = {
    .cbSize = sizeof(OPENWTS_CHANNEL_ENTRY_POINTS_EX),
    .protocolVersion = VIRTUAL_CHANNEL_VERSION_WIN2000,
    .pVirtualChannelInitEx = InitEx,
    .pVirtualChannelOpenEx = OpenEx,
    .pVirtualChannelCloseEx = CloseEx,
    .pVirtualChannelWriteEx = WriteEx,
};
