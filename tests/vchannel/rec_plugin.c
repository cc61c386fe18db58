/*
 * rec_plugin.c — the recording plug-in of rec_plugin.h. Non-Ex callbacks get no user parameter,
 * so the plug-ins loaded with rec_entry are found again by their init handle (init events) or one
 * of their open handles (open events) in a small table.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "rec_plugin.h"

struct rec *rec_next;

static struct rec *classic[64]; /* the plug-ins loaded through rec_entry */
static int nclassic;

void rec_setup(struct rec *r, const char *const names[])
{
	memset(r, 0, sizeof(*r));
	for (int i = 0; names && names[i]; i++) {
		memcpy(r->defs[i].name, names[i], strnlen(names[i], sizeof(r->defs[i].name) - 1));
		r->defs[i].options = CHANNEL_OPTION_ENCRYPT_RDP;
		r->nchan = i + 1;
	}
	r->call_init = true;
	r->entry_result = TRUE;
	r->open_on_connect = true;
}

void rec_free(struct rec *r)
{
	free(r->rx);
	r->rx = NULL;
	for (int i = 0; i < nclassic; i++)
		if (classic[i] == r)
			classic[i] = NULL;
}

int rec_count(const struct rec *r, enum rec_kind kind, UINT event)
{
	int n = 0;
	for (int i = 0; i < r->nev; i++)
		n += r->ev[i].kind == kind && r->ev[i].event == event;
	return n;
}

int rec_find(const struct rec *r, int from, enum rec_kind kind, UINT event)
{
	for (int i = from; i < r->nev; i++)
		if (r->ev[i].kind == kind && r->ev[i].event == event)
			return i;
	return -1;
}

static void record(struct rec *r, enum rec_kind kind, UINT event, DWORD handle, void *data,
                   UINT32 len, UINT32 total, UINT32 flags)
{
	if (r->nev >= REC_EVENTS)
		abort(); /* a test that needs more events raises REC_EVENTS */
	struct rec_event *e = &r->ev[r->nev++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->event = event;
	e->handle = handle;
	e->data = data;
	e->len = len;
	e->total = total;
	e->flags = flags;
	if (kind == REC_INIT && event == CHANNEL_EVENT_CONNECTED && data)
		memcpy(e->text, data, strnlen(data, sizeof(e->text) - 1));
	if (kind == REC_OPEN && event == CHANNEL_EVENT_DATA_RECEIVED) {
		if (r->rxlen + len > r->rxcap) {
			size_t cap = (r->rxlen + len) * 2;
			uint8_t *p = realloc(r->rx, cap);
			if (!p)
				abort();
			r->rx = p;
			r->rxcap = cap;
		}
		memcpy(r->rx + r->rxlen, data, len);
		r->rxlen += len;
	}
}

static struct rec *classic_by_init(void *init_handle)
{
	for (int i = 0; i < nclassic; i++)
		if (classic[i] && classic[i]->init_handle == init_handle)
			return classic[i];
	return NULL;
}

static struct rec *classic_by_open(DWORD handle)
{
	for (int i = 0; i < nclassic; i++)
		for (int c = 0; classic[i] && c < classic[i]->nchan; c++)
			if (classic[i]->open[c] == handle)
				return classic[i];
	return NULL;
}

static VOID VCAPITYPE open_event(DWORD handle, UINT event, LPVOID data, UINT32 len, UINT32 total,
                                 UINT32 flags)
{
	struct rec *r = classic_by_open(handle);
	if (r)
		record(r, REC_OPEN, event, handle, data, len, total, flags);
}

static VOID VCAPITYPE open_event_ex(LPVOID user, DWORD handle, UINT event, LPVOID data, UINT32 len,
                                    UINT32 total, UINT32 flags)
{
	record(user, REC_OPEN, event, handle, data, len, total, flags);
}

UINT rec_open(struct rec *r, int i)
{
	if (r->ex)
		r->open_rc[i] = r->epx.pVirtualChannelOpenEx(r->init_handle, &r->open[i],
		                                             r->defs[i].name, open_event_ex);
	else
		r->open_rc[i] = r->ep.pVirtualChannelOpen(r->init_handle, &r->open[i],
		                                          r->defs[i].name, open_event);
	return r->open_rc[i];
}

UINT rec_write(struct rec *r, DWORD handle, void *data, ULONG len, void *user)
{
	if (r->ex)
		return r->epx.pVirtualChannelWriteEx(r->init_handle, handle, data, len, user);
	return r->ep.pVirtualChannelWrite(handle, data, len, user);
}

UINT rec_close(struct rec *r, DWORD handle)
{
	if (r->ex)
		return r->epx.pVirtualChannelCloseEx(r->init_handle, handle);
	return r->ep.pVirtualChannelClose(handle);
}

static void on_init_event(struct rec *r, UINT event, LPVOID data, UINT len)
{
	record(r, REC_INIT, event, 0, data, len, 0, 0);
	if (event == CHANNEL_EVENT_CONNECTED && r->open_on_connect)
		for (int i = 0; i < r->nchan; i++)
			rec_open(r, i);
}

static VOID VCAPITYPE init_event(LPVOID init_handle, UINT event, LPVOID data, UINT len)
{
	struct rec *r = classic_by_init(init_handle);
	if (r)
		on_init_event(r, event, data, len);
}

static VOID VCAPITYPE init_event_ex(LPVOID user, LPVOID init_handle, UINT event, LPVOID data,
                                    UINT len)
{
	(void)init_handle;
	on_init_event(user, event, data, len);
}

BOOL VCAPITYPE rec_entry(PCHANNEL_ENTRY_POINTS pEntryPoints)
{
	struct rec *r = rec_next;
	r->ex = false;
	r->ep = *pEntryPoints;
	int free_slot = -1, i;
	for (i = 0; i < nclassic && classic[i] != r; i++)
		if (!classic[i] && free_slot < 0)
			free_slot = i;
	if (i == nclassic) {
		if (free_slot >= 0)
			classic[free_slot] = r;
		else if (nclassic < 64)
			classic[nclassic++] = r;
	}
	if (!r->call_init)
		return r->entry_result;
	PVIRTUALCHANNELINIT init =
	    r->init_by_export ? VirtualChannelInit : r->ep.pVirtualChannelInit;
	r->init_rc =
	    init(&r->init_handle, r->defs, r->nchan, VIRTUAL_CHANNEL_VERSION_WIN2000, init_event);
	if (r->init_twice) {
		void *second = NULL;
		r->init2_rc =
		    init(&second, r->defs, r->nchan, VIRTUAL_CHANNEL_VERSION_WIN2000, init_event);
	}
	return r->init_rc == CHANNEL_RC_OK ? r->entry_result : FALSE;
}

BOOL VCAPITYPE rec_entry_ex(PCHANNEL_ENTRY_POINTS_EX pEntryPointsEx, PVOID pInitHandle)
{
	struct rec *r = rec_next;
	r->ex = true;
	r->epx = *pEntryPointsEx;
	r->init_handle = pInitHandle;
	if (!r->call_init)
		return r->entry_result;
	r->init_rc = r->epx.pVirtualChannelInitEx(r, pInitHandle, r->defs, r->nchan,
	                                          VIRTUAL_CHANNEL_VERSION_WIN2000, init_event_ex);
	if (r->init_twice)
		r->init2_rc =
		    r->epx.pVirtualChannelInitEx(r, pInitHandle, r->defs, r->nchan,
		                                 VIRTUAL_CHANNEL_VERSION_WIN2000, init_event_ex);
	return r->init_rc == CHANNEL_RC_OK ? r->entry_result : FALSE;
}
