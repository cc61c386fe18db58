/*
 * plugin_load.c — OpenWTSPluginHostLoad and OpenWTSPluginHostLoadEntry: load a Windows-style
 * plug-in into a host and call its entry point the way mstsc does.
 *
 * VirtualChannelEntryEx (Microsoft's shape) is preferred over VirtualChannelEntry, as FreeRDP
 * prefers its own Ex. The plug-in's slot is reserved before the call, so the init handle exists
 * while the entry point runs; the calling thread is marked as being inside that plug-in's entry
 * point (vc_entry_enter), which is what VirtualChannelInit — called through the table or by its
 * exported name — binds to. An entry point that returns FALSE has its channels released and the
 * library unloaded, as Windows unloads the DLL.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <dlfcn.h>

#include "vc_core.h"
#include "wts_private.h"

/* Reserves a plug-in slot in host hHost for dl (vc_lock taken here). */
static DWORD reserve(HANDLE hHost, void *dl, int *slot)
{
	DWORD err = ERROR_SUCCESS;
	vc_lock();
	int host = vc_host_find(hHost);
	int p = -1;
	if (host < 0)
		err = ERROR_INVALID_HANDLE;
	else if (vc_hosts[host].nplugins >= CHANNEL_MAX_COUNT)
		err = ERROR_TOO_MANY_MODULES;
	else if ((p = vc_plugin_alloc()) < 0)
		err = ERROR_NOT_ENOUGH_MEMORY;
	if (!err) {
		vc_plugins[p].host = host;
		vc_plugins[p].dl = dl;
		vc_hosts[host].plugins[vc_hosts[host].nplugins++] = p;
		*slot = p;
	}
	vc_unlock();
	return err;
}

/* Calls the entry point of plug-in slot p; on FALSE frees the plug-in (not its dl, which the
 * caller closes). */
static DWORD call_entry(int p, PVIRTUALCHANNELENTRY entry, OPENWTS_PVIRTUALCHANNELENTRYEX entry_ex)
{
	vc_lock();
	void *init_handle = vc_init_handle(p);
	vc_unlock();
	void *previous = vc_entry_enter(init_handle);
	BOOL ok;
	if (entry_ex) {
		OPENWTS_CHANNEL_ENTRY_POINTS_EX ep = vc_entry_points_ex; /* the plug-in's copy */
		ok = entry_ex(&ep, init_handle);
	} else {
		CHANNEL_ENTRY_POINTS ep = vc_entry_points;
		ok = entry(&ep);
	}
	vc_entry_leave(previous);
	if (ok)
		return ERROR_SUCCESS;
	vc_lock();
	if (vc_plugin_find(init_handle) == p)
		vc_plugin_free(p);
	vc_unlock();
	return ERROR_DLL_INIT_FAILED;
}

WTS_EXPORT BOOL CDECL OpenWTSPluginHostLoad(HANDLE hHost, LPCSTR pszPath)
{
	if (!pszPath)
		return wts_fail(ERROR_INVALID_PARAMETER);
	vc_lock();
	bool valid = vc_host_find(hHost) >= 0;
	vc_unlock();
	if (!valid)
		return wts_fail(ERROR_INVALID_HANDLE);
	void *dl = dlopen(pszPath, RTLD_NOW | RTLD_LOCAL);
	if (!dl)
		return wts_fail(ERROR_MOD_NOT_FOUND);
	OPENWTS_PVIRTUALCHANNELENTRYEX entry_ex;
	PVIRTUALCHANNELENTRY entry = NULL;
	*(void **)&entry_ex = dlsym(dl, "VirtualChannelEntryEx");
	if (!entry_ex)
		*(void **)&entry = dlsym(dl, "VirtualChannelEntry");
	if (!entry_ex && !entry) {
		dlclose(dl);
		return wts_fail(ERROR_PROC_NOT_FOUND);
	}
	int p;
	DWORD err = reserve(hHost, dl, &p);
	if (!err)
		err = call_entry(p, entry, entry_ex);
	if (err) {
		dlclose(dl);
		return wts_fail(err);
	}
	return TRUE;
}

WTS_EXPORT BOOL CDECL OpenWTSPluginHostLoadEntry(HANDLE hHost, PVIRTUALCHANNELENTRY pEntry,
                                                 OPENWTS_PVIRTUALCHANNELENTRYEX pEntryEx)
{
	if (!pEntry == !pEntryEx)
		return wts_fail(ERROR_INVALID_PARAMETER);
	int p;
	DWORD err = reserve(hHost, NULL, &p);
	if (!err)
		err = call_entry(p, pEntry, pEntryEx);
	return err ? wts_fail(err) : TRUE;
}
