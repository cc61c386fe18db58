/*
 * vc_core.c — the tables of the client-side channel host (hosts, plug-ins, channels), their
 * encoded handles, the pending-write list and the snapshot-then-call event dispatch.
 *
 * Handles are (tag << 24 | generation << 12 | slot) like server handles (docs/internals/
 * handles.md), one tag per kind, so an open handle is never mistaken for an init handle and a
 * stale one is refused until its slot's 12-bit generation wraps. Everything is guarded by one
 * mutex: the tables are small and every operation is short; the plug-in's callbacks run outside
 * it, which is what lets a plug-in call VirtualChannelOpen from CONNECTED or VirtualChannelWrite
 * from DATA_RECEIVED.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <winpr/error.h>

#include "owts_handle.h"
#include "vc_core.h"

#define TAG_HOST    0x6Du
#define TAG_PLUGIN  0x49u
#define TAG_CHANNEL 0x4Fu

struct vc_host vc_hosts[VC_HOSTS];
struct vc_plugin vc_plugins[VC_PLUGINS];
struct vc_channel vc_channels[VC_CHANNELS];

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread void *entry_current; /* init handle of the plug-in in its entry, this thread */

void vc_lock(void)
{
	pthread_mutex_lock(&lock);
}

void vc_unlock(void)
{
	pthread_mutex_unlock(&lock);
}

static uint32_t encode(uint32_t tag, uint16_t gen, int slot)
{
	return owts_handle_encode(tag, gen, (uint32_t)slot);
}

/* The slot value v names if it has tag and a slot below max, else -1; the caller checks use and
 * generation. */
static int decode(uintptr_t v, uint32_t tag, int max, uint16_t *gen)
{
	return (int)owts_handle_decode(v, tag, (uint32_t)max, gen);
}

HANDLE vc_host_handle(int slot)
{
	return (HANDLE)(uintptr_t)encode(TAG_HOST, vc_hosts[slot].gen, slot);
}

void *vc_init_handle(int slot)
{
	return (void *)(uintptr_t)encode(TAG_PLUGIN, vc_plugins[slot].gen, slot);
}

DWORD vc_open_handle(int slot)
{
	return encode(TAG_CHANNEL, vc_channels[slot].gen, slot);
}

int vc_host_find(HANDLE h)
{
	uint16_t gen;
	int s = decode((uintptr_t)h, TAG_HOST, VC_HOSTS, &gen);
	return s >= 0 && vc_hosts[s].used && vc_hosts[s].gen == gen ? s : -1;
}

int vc_plugin_find(const void *init_handle)
{
	uint16_t gen;
	int s = decode((uintptr_t)init_handle, TAG_PLUGIN, VC_PLUGINS, &gen);
	return s >= 0 && vc_plugins[s].used && vc_plugins[s].gen == gen ? s : -1;
}

int vc_channel_find(DWORD open_handle)
{
	uint16_t gen;
	int s = decode(open_handle, TAG_CHANNEL, VC_CHANNELS, &gen);
	return s >= 0 && vc_channels[s].used && vc_channels[s].gen == gen ? s : -1;
}

void *vc_entry_current(void)
{
	return entry_current;
}

void *vc_entry_enter(void *init_handle)
{
	void *previous = entry_current;
	entry_current = init_handle;
	return previous;
}

void vc_entry_leave(void *previous)
{
	entry_current = previous;
}

int vc_host_alloc(void)
{
	for (int i = 0; i < VC_HOSTS; i++) {
		if (!vc_hosts[i].used) {
			uint16_t gen = vc_hosts[i].gen;
			memset(&vc_hosts[i], 0, sizeof(vc_hosts[i]));
			vc_hosts[i].gen = gen;
			vc_hosts[i].used = true;
			vc_hosts[i].next_write_id = 1;
			return i;
		}
	}
	return -1;
}

int vc_plugin_alloc(void)
{
	for (int i = 0; i < VC_PLUGINS; i++) {
		if (!vc_plugins[i].used) {
			uint16_t gen = vc_plugins[i].gen;
			memset(&vc_plugins[i], 0, sizeof(vc_plugins[i]));
			vc_plugins[i].gen = gen;
			vc_plugins[i].used = true;
			return i;
		}
	}
	return -1;
}

int vc_channel_alloc(void)
{
	for (int i = 0; i < VC_CHANNELS; i++) {
		if (!vc_channels[i].used) {
			uint16_t gen = vc_channels[i].gen;
			memset(&vc_channels[i], 0, sizeof(vc_channels[i]));
			vc_channels[i].gen = gen;
			vc_channels[i].used = true;
			return i;
		}
	}
	return -1;
}

void vc_channel_free(int slot)
{
	vc_channels[slot].used = false;
	vc_channels[slot].gen = owts_handle_next_gen(vc_channels[slot].gen);
}

/* Removes value from list[0..*n). */
static void list_remove(int *list, int *n, int value)
{
	for (int i = 0; i < *n; i++) {
		if (list[i] == value) {
			memmove(&list[i], &list[i + 1], (size_t)(*n - i - 1) * sizeof(int));
			(*n)--;
			return;
		}
	}
}

void *vc_plugin_free(int slot)
{
	struct vc_plugin *p = &vc_plugins[slot];
	struct vc_host *h = &vc_hosts[p->host];
	for (int i = 0; i < h->nchannels;) {
		int c = h->channels[i];
		if (vc_channels[c].plugin == slot) {
			vc_channel_free(c);
			list_remove(h->channels, &h->nchannels, c);
		} else {
			i++;
		}
	}
	list_remove(h->plugins, &h->nplugins, slot);
	void *dl = p->dl;
	p->used = false;
	p->gen = owts_handle_next_gen(p->gen);
	return dl;
}

int vc_host_channel_by_name(const struct vc_host *h, const char *name)
{
	for (int i = 0; i < h->nchannels; i++) {
		int c = h->channels[i];
		if (strncasecmp(vc_channels[c].name, name, CHANNEL_NAME_LEN + 1) == 0)
			return c;
	}
	return -1;
}

int vc_host_calls(int host, struct vc_call *calls)
{
	const struct vc_host *h = &vc_hosts[host];
	int n = 0;
	for (int i = 0; i < h->nplugins; i++) {
		const struct vc_plugin *p = &vc_plugins[h->plugins[i]];
		if (!p->inited)
			continue;
		calls[n].init_proc = p->init_proc;
		calls[n].init_proc_ex = p->init_proc_ex;
		calls[n].user_param = p->user_param;
		calls[n].init_handle = vc_init_handle(h->plugins[i]);
		n++;
	}
	return n;
}

void vc_calls_raise(const struct vc_call *calls, int n, UINT event, void *data, UINT len)
{
	for (int i = 0; i < n; i++) {
		if (calls[i].init_proc_ex)
			calls[i].init_proc_ex(calls[i].user_param, calls[i].init_handle, event,
			                      data, len);
		else if (calls[i].init_proc)
			calls[i].init_proc(calls[i].init_handle, event, data, len);
	}
}

struct vc_write *vc_writes_detach(int host, int chan, bool unsent_only)
{
	struct vc_write *out = NULL, **tail = &out;
	struct vc_write **pp = &vc_hosts[host].writes;
	while (*pp) {
		struct vc_write *w = *pp;
		if ((chan < 0 || w->chan == chan) && !(unsent_only && w->sent)) {
			*pp = w->next;
			w->next = NULL;
			*tail = w;
			tail = &w->next;
		} else {
			pp = &w->next;
		}
	}
	return out;
}

struct vc_write *vc_write_take(int host, uint64_t id)
{
	for (struct vc_write **pp = &vc_hosts[host].writes; *pp; pp = &(*pp)->next) {
		if ((*pp)->id == id) {
			struct vc_write *w = *pp;
			*pp = w->next;
			w->next = NULL;
			return w;
		}
	}
	return NULL;
}

void vc_writes_finish(struct vc_write *list, UINT event)
{
	while (list) {
		struct vc_write *w = list;
		list = w->next;
		if (w->proc_ex)
			w->proc_ex(w->user_param, w->open_handle, event, w->user_data, w->len,
			           w->len, 0);
		else if (w->proc)
			w->proc(w->open_handle, event, w->user_data, w->len, w->len, 0);
		free(w);
	}
}

DWORD vc_receive(HANDLE hHost, const char *name, const void *data, uint32_t len, uint32_t total,
                 uint32_t flags)
{
	vc_lock();
	int host = vc_host_find(hHost);
	if (host < 0) {
		vc_unlock();
		return ERROR_INVALID_HANDLE;
	}
	if (!vc_hosts[host].connected) {
		vc_unlock();
		return ERROR_INVALID_STATE;
	}
	int c = vc_host_channel_by_name(&vc_hosts[host], name);
	if (c < 0 || !vc_channels[c].open) {
		vc_unlock();
		return ERROR_NOT_FOUND;
	}
	PCHANNEL_OPEN_EVENT_FN proc = vc_channels[c].proc;
	PCHANNEL_OPEN_EVENT_EX_FN proc_ex = vc_channels[c].proc_ex;
	void *user_param = vc_channels[c].user_param;
	DWORD handle = vc_open_handle(c);
	vc_unlock();
	/* Host-owned for the callback; a plug-in does not write to it. */
	void *chunk = (void *)(uintptr_t)data;
	if (proc_ex)
		proc_ex(user_param, handle, CHANNEL_EVENT_DATA_RECEIVED, chunk, len, total, flags);
	else if (proc)
		proc(handle, CHANNEL_EVENT_DATA_RECEIVED, chunk, len, total, flags);
	return ERROR_SUCCESS;
}
