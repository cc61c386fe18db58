/*
 * plugin_host.c — OpenWTSPluginHost* (include/openwts/plugin_host.h): create and close a host,
 * drive its connection (Initialize, Connect, Disconnect), deliver server data (Receive one chunk,
 * ServerWrite a whole message cut into 1600-byte chunks) and take what the plug-ins write (Read in
 * capture mode, WriteComplete in send mode). Loading is in plugin_load.c.
 *
 * The host raises the events a Windows client raises, in its order: INITIALIZED once, CONNECTED
 * with the server name, DATA_RECEIVED per chunk, WRITE_COMPLETE or WRITE_CANCELLED once per
 * accepted write, on a disconnect first the cancellations (oldest first) and then DISCONNECTED,
 * TERMINATED last. Each exported function validates its arguments in the order output pointers,
 * other parameters, handle, state, and sets the last error only on failure.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "vc_core.h"
#include "wts_private.h"

WTS_EXPORT HANDLE CDECL OpenWTSPluginHostCreate(OPENWTS_PLUGIN_HOST_SEND_FN pfnSend,
                                                LPVOID pContext)
{
	vc_lock();
	int host = vc_host_alloc();
	HANDLE h = NULL;
	if (host >= 0) {
		vc_hosts[host].send = pfnSend;
		vc_hosts[host].send_ctx = pContext;
		h = vc_host_handle(host);
	}
	vc_unlock();
	if (!h)
		return wts_fail_null(ERROR_NOT_ENOUGH_MEMORY);
	return h;
}

/* Disconnects host slot (vc_lock held on entry, released on return): cancels every pending write,
 * closes every channel, raises DISCONNECTED. */
static void disconnect_locked(int host)
{
	struct vc_host *h = &vc_hosts[host];
	struct vc_call calls[CHANNEL_MAX_COUNT];
	h->connected = false;
	for (int i = 0; i < h->nchannels; i++)
		vc_channels[h->channels[i]].open = false;
	struct vc_write *cancelled = vc_writes_detach(host, -1, false);
	int n = vc_host_calls(host, calls);
	vc_unlock();
	vc_writes_finish(cancelled, CHANNEL_EVENT_WRITE_CANCELLED);
	vc_calls_raise(calls, n, CHANNEL_EVENT_DISCONNECTED, NULL, 0);
}

WTS_EXPORT BOOL CDECL OpenWTSPluginHostClose(HANDLE hHost)
{
	struct vc_call calls[CHANNEL_MAX_COUNT];
	void *dls[CHANNEL_MAX_COUNT];
	int ndl = 0;

	vc_lock();
	int host = vc_host_find(hHost);
	if (host < 0) {
		vc_unlock();
		return wts_fail(ERROR_INVALID_HANDLE);
	}
	if (vc_hosts[host].connected) {
		disconnect_locked(host);
		vc_lock();
		if (vc_host_find(hHost) != host) { /* closed by a plug-in's callback */
			vc_unlock();
			return TRUE;
		}
	}
	int n = vc_host_calls(host, calls);
	vc_unlock();
	vc_calls_raise(calls, n, CHANNEL_EVENT_TERMINATED, NULL, 0);

	vc_lock();
	if (vc_host_find(hHost) != host) {
		vc_unlock();
		return TRUE;
	}
	struct vc_host *h = &vc_hosts[host];
	struct vc_write *left = vc_writes_detach(host, -1, false);
	while (h->nplugins > 0) {
		void *dl = vc_plugin_free(h->plugins[0]);
		if (dl)
			dls[ndl++] = dl;
	}
	h->used = false;
	h->gen = (uint16_t)((h->gen + 1) & 0xFFFu);
	vc_unlock();
	while (left) { /* written from TERMINATED while not connected: impossible, kept safe */
		struct vc_write *w = left;
		left = w->next;
		free(w);
	}
	for (int i = 0; i < ndl; i++)
		dlclose(dls[i]);
	return TRUE;
}

WTS_EXPORT BOOL CDECL OpenWTSPluginHostGetChannels(HANDLE hHost, PCHANNEL_DEF pChannel,
                                                   DWORD *pCount)
{
	if (!pCount)
		return wts_fail(ERROR_INVALID_PARAMETER);
	vc_lock();
	int host = vc_host_find(hHost);
	if (host < 0) {
		vc_unlock();
		return wts_fail(ERROR_INVALID_HANDLE);
	}
	const struct vc_host *h = &vc_hosts[host];
	DWORD n = (DWORD)h->nchannels;
	if (!pChannel || *pCount < n) {
		vc_unlock();
		*pCount = n;
		return wts_fail(ERROR_INSUFFICIENT_BUFFER);
	}
	for (DWORD i = 0; i < n; i++) {
		const struct vc_channel *c = &vc_channels[h->channels[i]];
		memset(&pChannel[i], 0, sizeof(pChannel[i]));
		memcpy(pChannel[i].name, c->name, sizeof(pChannel[i].name));
		pChannel[i].options = c->options;
	}
	vc_unlock();
	*pCount = n;
	return TRUE;
}

/* Marks host slot initialized (vc_lock held); returns whether INITIALIZED is to be raised, with
 * its snapshots in calls and their number in *n. */
static bool initialize_locked(int host, struct vc_call *calls, int *n)
{
	*n = 0;
	if (vc_hosts[host].initialized)
		return false;
	vc_hosts[host].initialized = true;
	*n = vc_host_calls(host, calls);
	return true;
}

WTS_EXPORT BOOL CDECL OpenWTSPluginHostInitialize(HANDLE hHost)
{
	struct vc_call calls[CHANNEL_MAX_COUNT];
	int n;
	vc_lock();
	int host = vc_host_find(hHost);
	if (host < 0) {
		vc_unlock();
		return wts_fail(ERROR_INVALID_HANDLE);
	}
	bool raise = initialize_locked(host, calls, &n);
	vc_unlock();
	if (raise)
		vc_calls_raise(calls, n, CHANNEL_EVENT_INITIALIZED, NULL, 0);
	return TRUE;
}

WTS_EXPORT BOOL CDECL OpenWTSPluginHostConnect(HANDLE hHost, LPCSTR pszServerName)
{
	struct vc_call init_calls[CHANNEL_MAX_COUNT], calls[CHANNEL_MAX_COUNT];
	int ninit;
	if (!pszServerName)
		return wts_fail(ERROR_INVALID_PARAMETER);
	vc_lock();
	int host = vc_host_find(hHost);
	if (host < 0 || vc_hosts[host].connected) {
		vc_unlock();
		return wts_fail(host < 0 ? ERROR_INVALID_HANDLE : ERROR_INVALID_STATE);
	}
	bool raise_init = initialize_locked(host, init_calls, &ninit);
	vc_hosts[host].connected = true;
	int n = vc_host_calls(host, calls);
	vc_unlock();
	if (raise_init)
		vc_calls_raise(init_calls, ninit, CHANNEL_EVENT_INITIALIZED, NULL, 0);
	/* The plug-in gets its own copy: it may keep or change the string during the callback. */
	size_t len = strlen(pszServerName) + 1;
	char *name = malloc(len);
	if (!name)
		return wts_fail(ERROR_NOT_ENOUGH_MEMORY);
	for (int i = 0; i < n; i++) {
		memcpy(name, pszServerName, len);
		vc_calls_raise(&calls[i], 1, CHANNEL_EVENT_CONNECTED, name, (UINT)len);
	}
	free(name);
	return TRUE;
}

WTS_EXPORT BOOL CDECL OpenWTSPluginHostDisconnect(HANDLE hHost)
{
	vc_lock();
	int host = vc_host_find(hHost);
	if (host < 0 || !vc_hosts[host].connected) {
		vc_unlock();
		return wts_fail(host < 0 ? ERROR_INVALID_HANDLE : ERROR_INVALID_STATE);
	}
	disconnect_locked(host);
	return TRUE;
}

WTS_EXPORT BOOL CDECL OpenWTSPluginHostReceive(HANDLE hHost, LPCSTR pszChannelName, LPCVOID pData,
                                               ULONG dataLength, ULONG totalLength, DWORD dataFlags)
{
	if (!pszChannelName || (!pData && dataLength))
		return wts_fail(ERROR_INVALID_PARAMETER);
	DWORD err = vc_receive(hHost, pszChannelName, pData, dataLength, totalLength, dataFlags);
	return err ? wts_fail(err) : TRUE;
}

WTS_EXPORT BOOL CDECL OpenWTSPluginHostServerWrite(HANDLE hHost, LPCSTR pszChannelName,
                                                   LPCVOID pData, ULONG dataLength)
{
	if (!pszChannelName || !pData || !dataLength)
		return wts_fail(ERROR_INVALID_PARAMETER);
	const uint8_t *p = pData;
	for (ULONG off = 0; off < dataLength;) {
		ULONG len = dataLength - off;
		if (len > CHANNEL_CHUNK_LENGTH)
			len = CHANNEL_CHUNK_LENGTH;
		uint32_t flags = (off == 0 ? CHANNEL_FLAG_FIRST : 0) |
		                 (off + len == dataLength ? CHANNEL_FLAG_LAST : 0);
		DWORD err = vc_receive(hHost, pszChannelName, p + off, len, dataLength, flags);
		if (err)
			return wts_fail(err);
		off += len;
	}
	return TRUE;
}

WTS_EXPORT BOOL CDECL OpenWTSPluginHostRead(HANDLE hHost, LPSTR pszChannelName, LPVOID pBuffer,
                                            ULONG cbBuffer, ULONG *pcbRead)
{
	if (!pcbRead)
		return wts_fail(ERROR_INVALID_PARAMETER);
	vc_lock();
	int host = vc_host_find(hHost);
	DWORD err = ERROR_SUCCESS;
	struct vc_write *w = NULL;
	if (host < 0)
		err = ERROR_INVALID_HANDLE;
	else if (vc_hosts[host].send)
		err = ERROR_INVALID_FUNCTION;
	else if (!(w = vc_hosts[host].writes))
		err = ERROR_NO_MORE_ITEMS;
	else if (!pBuffer || cbBuffer < w->len)
		err = ERROR_INSUFFICIENT_BUFFER;
	if (err) {
		ULONG needed = w ? w->len : 0;
		vc_unlock();
		if (err == ERROR_INSUFFICIENT_BUFFER)
			*pcbRead = needed;
		return wts_fail(err);
	}
	memcpy(pBuffer, w->data, w->len);
	vc_hosts[host].writes = w->next;
	w->next = NULL;
	vc_unlock();
	if (pszChannelName)
		memcpy(pszChannelName, w->name, sizeof(w->name));
	*pcbRead = w->len;
	vc_writes_finish(w, CHANNEL_EVENT_WRITE_COMPLETE);
	return TRUE;
}

WTS_EXPORT BOOL CDECL OpenWTSPluginHostWriteComplete(HANDLE hHost, LPVOID pWriteId, BOOL bCancelled)
{
	vc_lock();
	int host = vc_host_find(hHost);
	struct vc_write *w = host >= 0 ? vc_write_take(host, (uint64_t)(uintptr_t)pWriteId) : NULL;
	vc_unlock();
	if (host < 0)
		return wts_fail(ERROR_INVALID_HANDLE);
	if (!w)
		return wts_fail(ERROR_NOT_FOUND);
	vc_writes_finish(w,
	                 bCancelled ? CHANNEL_EVENT_WRITE_CANCELLED : CHANNEL_EVENT_WRITE_COMPLETE);
	return TRUE;
}
