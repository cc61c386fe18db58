/*
 * relay_client.c — the client's side of the channel relay (relay.c has the apps' side): static
 * channels straight from and to FreeRDP's peer (client->ReceiveChannelData, SendChannelData),
 * dynamic channels through FreeRDP's channel manager and its drdynvc code.
 *
 * The hook: client->ReceiveChannelData is FreeRDP's WTSReceiveChannelData once WTSOpenServerA
 * has run. The relay takes every static channel but drdynvc, whose data still goes to FreeRDP.
 * The hook finds its relay through a thread-local pointer: a connection's data only ever arrives
 * on its own thread (client->CheckFileDescriptor).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <freerdp/channels/wtsvc.h>
#include <winpr/error.h>
#include <winpr/wlog.h>
#include <winpr/wtsapi.h>

#include "relay_private.h"

#define TAG "openwts.wtsd.relay"

static __thread struct wtsd_relay *hooked;

static struct relay_chan *static_by_id(struct wtsd_relay *r, uint16_t id)
{
	for (struct relay_chan *c = r->chans; c; c = c->next)
		if (!c->dynamic && c->id == id)
			return c;
	return NULL;
}

/* The relay channel of joined static channel id (made on first use), NULL for drdynvc. */
static struct relay_chan *static_chan(struct wtsd_relay *r, uint16_t id)
{
	struct relay_chan *c = static_by_id(r, id);
	if (c)
		return c;
	const char *name = WTSChannelGetName(r->client, id);
	if (!name || strcmp(name, "drdynvc") == 0 || !WTSIsChannelJoinedById(r->client, id))
		return NULL;
	c = relay_chan_new(r, name, false);
	if (c) {
		INT64 options = WTSChannelGetOptions(r->client, id);
		c->id = id;
		c->options = options < 0 ? 0 : (uint32_t)options;
	}
	return c;
}

static BOOL on_channel_data(freerdp_peer *client, UINT16 channelId, const BYTE *data, size_t size,
                            UINT32 flags, size_t totalSize)
{
	struct wtsd_relay *r = hooked;
	if (!r || r->client != client)
		return FALSE;
	struct relay_chan *c = static_chan(r, channelId);
	if (!c)
		return r->freerdp_receive(client, channelId, data, size, flags, totalSize);
	if (size == 0)
		return TRUE; /* nothing an app could read */
	if (size > totalSize || totalSize > UINT32_MAX) {
		WLog_WARN(TAG, "RDP-Tcp#%u: static channel \"%s\": chunk of %zu bytes for a message "
		          "of %zu, dropped", r->connection, c->name, size, totalSize);
		return TRUE;
	}
	relay_to_app(r, c, (uint32_t)totalSize, flags & (OWTS_VC_FIRST | OWTS_VC_LAST), data, size);
	return TRUE;
}

int relay_client_hook(struct wtsd_relay *r)
{
	if (!r->client->ReceiveChannelData)
		return -EINVAL;
	r->freerdp_receive = r->client->ReceiveChannelData;
	r->client->ReceiveChannelData = on_channel_data;
	hooked = r;
	return 0;
}

void relay_client_unhook(struct wtsd_relay *r)
{
	if (r->freerdp_receive)
		r->client->ReceiveChannelData = r->freerdp_receive;
	if (hooked == r)
		hooked = NULL;
}

struct relay_chan *relay_client_static_by_name(struct wtsd_relay *r, const char *name)
{
	size_t count = 0;
	char **names = WTSGetAcceptedChannelNames(r->client, &count);
	struct relay_chan *c = NULL;
	for (size_t i = 0; names && i < count && !c; i++) {
		if (!names[i] || strncasecmp(names[i], name, CHANNEL_NAME_LEN + 1) != 0)
			continue;
		UINT16 id = WTSChannelGetId(r->client, names[i]);
		if (id)
			c = static_chan(r, id);
	}
	free(names); /* the array only: the names are FreeRDP's */
	return c;
}

uint32_t relay_client_open_dvc(struct wtsd_relay *r, struct wtsd_relay_open *op)
{
	if (!WTSVirtualChannelManagerIsChannelJoined(r->vcm, "drdynvc"))
		return ERROR_FILE_NOT_FOUND;
	if (WTSVirtualChannelManagerGetDrdynvcState(r->vcm) != DRDYNVC_STATE_READY)
		return ERROR_IO_PENDING;
	/* FreeRDP's OpenEx finds the manager by its own session number. */
	LPSTR buf = NULL;
	DWORD n = 0;
	if (!WTSQuerySessionInformationA(r->vcm, WTS_CURRENT_SESSION, WTSSessionId, &buf, &n) ||
	    !buf || n < sizeof(ULONG)) {
		WTSFreeMemory(buf);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	ULONG sid = *(ULONG *)(void *)buf;
	WTSFreeMemory(buf);
	struct relay_chan *c = relay_chan_new(r, op->name, true);
	if (!c)
		return ERROR_NOT_ENOUGH_MEMORY;
	c->dvc = WTSVirtualChannelOpenEx(sid, op->name, op->flags);
	if (!c->dvc) {
		relay_chan_free(r, c, "not opened");
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	c->opening = op;
	op->chan = c;
	return ERROR_SUCCESS;
}

/* FreeRDP's view of a dynamic channel: 1 open, 0 not answered yet, -1 refused or closed. */
static int dvc_state(HANDLE dvc)
{
	PVOID buf = NULL;
	DWORD n = 0;
	BOOL ok = WTSVirtualChannelQuery(dvc, WTSVirtualChannelReady, &buf, &n);
	int state = !ok ? -1 : (buf && n >= sizeof(BOOL) && *(BOOL *)buf) ? 1 : 0;
	free(buf); /* FreeRDP allocates it with malloc even when the query fails */
	return state;
}

/* Moves the messages FreeRDP holds for c to its app (none: drops them). */
static void drain_dvc(struct wtsd_relay *r, struct relay_chan *c, bool drop)
{
	DWORD n;
	while (WTSVirtualChannelRead(c->dvc, 0, NULL, 0, &n)) {
		if (n > r->dvc_cap) {
			uint8_t *b = realloc(r->dvc_buf, n);
			if (!b) {
				WLog_ERR(TAG, "session %u: channel \"%s\": out of memory", r->session_id,
				         c->name);
				return;
			}
			r->dvc_buf = b;
			r->dvc_cap = n;
		}
		BYTE one;
		DWORD got = 0;
		/* An empty message is taken with a 1-byte buffer and goes nowhere. */
		if (!WTSVirtualChannelRead(c->dvc, 0, n ? (PCHAR)r->dvc_buf : (PCHAR)&one,
		                           n ? n : 1, &got))
			return;
		if (!drop && got)
			relay_to_app(r, c, got, OWTS_VC_FIRST | OWTS_VC_LAST, r->dvc_buf, got);
		if (!drop && c->fd < 0)
			return;
	}
}

void relay_client_poll(struct wtsd_relay *r)
{
	for (struct relay_chan *c = r->chans, *next; c; c = next) {
		next = c->next;
		if (!c->dynamic)
			continue;
		int state = dvc_state(c->dvc);
		if (c->opening) {
			if (state != 0)
				relay_open_answered(r, c, state > 0 ? ERROR_SUCCESS : ERROR_FILE_NOT_FOUND);
			else if (owts_monotonic_ms() > c->opening->deadline_ms)
				relay_open_answered(r, c, ERROR_TIMEOUT);
			continue;
		}
		if (c->fd >= 0)
			drain_dvc(r, c, false);
		if (state < 0 || c->fd < 0)
			relay_chan_free(r, c, state < 0 ? "the client closed it" : "the app closed it");
	}
}

void relay_client_purge(struct wtsd_relay *r, struct relay_chan *c)
{
	if (c->dynamic && c->dvc)
		drain_dvc(r, c, true);
}

bool relay_to_client(struct wtsd_relay *r, struct relay_chan *c, const uint8_t *msg, size_t len)
{
	if (!c->dynamic)
		return r->client->SendChannelData(r->client, c->id, msg, len) != FALSE;
	ULONG written = 0;
	if (!WTSVirtualChannelWrite(c->dvc, (PCHAR)msg, (ULONG)len, &written)) {
		WLog_WARN(TAG, "session %u: dynamic channel \"%s\": FreeRDP refused %zu bytes",
		          r->session_id, c->name, len);
		return true;
	}
	return WTSVirtualChannelManagerCheckFileDescriptor(r->vcm) != FALSE;
}
