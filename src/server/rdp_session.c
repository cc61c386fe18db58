/*
 * rdp_session.c — what an RDP connection does to the registry: logon (a new session, or the
 * user's disconnected one back), display changes, disconnect (see rdp.h).
 *
 * These run on the main thread only, through wtsd_mainq_call from the peer threads, so they use
 * the registry and store as every request handler does. Which connection holds which session is
 * kept here (attached[]): a late disconnect of an old connection must not disconnect a session
 * that a newer connection has taken over. The listener of the connection that holds or last held
 * each session is kept too (origins[], in memory: sessions loaded at start count as RDP-Tcp's),
 * for that listener's timeouts (rdp_limits.c). Logon, reconnect, display changes and disconnect
 * each write the session's row (client data included, schema 3) before returning, so a restarted
 * wtsd reports the same client; traffic counters and the per-second input time are not written.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winpr/wlog.h>
#include <winpr/wnd.h> /* WTS_SESSION_LOGON and the other WM_WTSSESSION_CHANGE codes */
#include <winpr/wtsapi.h>

#include "events.h"
#include "lifecycle.h"
#include "listeners.h"
#include "owts_time.h"
#include "rdp.h"
#include "store.h"
#include "wtsd.h"

#define TAG "openwts.wtsd.rdp.session"

struct attach
{
	uint32_t session_id;
	uint32_t connection;
};

/* Sessions with a connection; main thread only. */
static struct attach *attached;
static size_t nattached, capattached;

static struct attach *find_attach(uint32_t session_id)
{
	for (size_t i = 0; i < nattached; i++)
		if (attached[i].session_id == session_id)
			return &attached[i];
	return NULL;
}

static int set_attach(uint32_t session_id, uint32_t connection)
{
	struct attach *a = find_attach(session_id);
	if (!a) {
		if (nattached == capattached) {
			size_t cap = capattached ? capattached * 2 : 16;
			struct attach *p = realloc(attached, cap * sizeof(*p));
			if (!p)
				return -ENOMEM;
			attached = p;
			capattached = cap;
		}
		a = &attached[nattached++];
	}
	a->session_id = session_id;
	a->connection = connection;
	return 0;
}

/* The listener of each session's current or last connection; main thread only. Entries of
 * sessions that no longer exist are dropped when another is added. */
static struct attach *origins; /* connection holds the listener id */
static size_t norigins, caporigins;

static int set_origin(struct wtsd *d, uint32_t session_id, uint32_t listener)
{
	for (size_t i = 0; i < norigins; i++)
		if (origins[i].session_id == session_id) {
			origins[i].connection = listener;
			return 0;
		}
	for (size_t i = 0; i < norigins;)
		if (!wtsd_registry_find(&d->reg, origins[i].session_id))
			origins[i] = origins[--norigins];
		else
			i++;
	if (norigins == caporigins) {
		size_t cap = caporigins ? caporigins * 2 : 16;
		struct attach *p = realloc(origins, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		origins = p;
		caporigins = cap;
	}
	origins[norigins++] = (struct attach){session_id, listener};
	return 0;
}

uint32_t wtsd_rdp_session_listener(uint32_t session_id)
{
	for (size_t i = 0; i < norigins; i++)
		if (origins[i].session_id == session_id)
			return origins[i].connection;
	return wtsd_rdp_tcp_listener();
}

static void drop_attach(struct attach *a)
{
	*a = attached[--nattached];
	if (!nattached) {
		free(attached);
		attached = NULL;
		capattached = 0;
	}
}

/* The user's oldest disconnected RDP session without a connection, NULL if none. */
static struct wtsd_session *disconnected_session(struct wtsd_registry *reg, uint32_t uid)
{
	for (size_t i = 0; i < reg->n; i++) {
		struct wtsd_session *s = reg->sessions[i];
		if (s->rec.id >= WTSD_FIRST_ID && s->rec.uid == uid &&
		    s->rec.protocol == WTS_PROTOCOL_TYPE_RDP && s->rec.state == WTSDisconnected &&
		    !s->ending && !find_attach(s->rec.id))
			return s;
	}
	return NULL;
}

static void copy_client(struct owts_session *rec, const struct wtsd_rdp_client *c)
{
	snprintf(rec->client_name, sizeof(rec->client_name), "%s", c->name);
	snprintf(rec->client_dir, sizeof(rec->client_dir), "%s", c->dir);
	rec->client_build = c->build;
	rec->client_product_id = c->product_id;
	rec->client_hardware_id = 0; /* reserved: always 0 on Windows */
	rec->client_af = c->af;
	memcpy(rec->client_addr, c->addr, sizeof(rec->client_addr));
	rec->hres = c->hres;
	rec->vres = c->vres;
	rec->color_depth = c->color_depth;
}

int wtsd_rdp_session_logon(struct wtsd *d, void *arg)
{
	struct wtsd_rdp_logon *l = arg;
	struct wtsd_session *s = disconnected_session(&d->reg, l->uid);
	struct owts_session saved;
	bool created = false;
	int r;
	/* The listener's security: Logon, and Connect to take a disconnected session back. */
	uint32_t lid = wtsd_rdp_connection_listener(l->connection);
	const struct wtsd_listener *lis = wtsd_listener_find_id(&d->reg, lid);
	uint32_t want = WTS_SECURITY_LOGON | (s ? WTS_SECURITY_CONNECT : 0);
	if (!wtsd_listener_allows(d, lid, l->uid, want)) {
		WLog_WARN(TAG, "connection %u: uid %u refused by the security of listener \"%s\""
		          " (%s)", l->connection, l->uid, lis ? lis->cfg.name : "?",
		          s ? "logon and connect" : "logon");
		return -EACCES;
	}
	if (s) {
		saved = s->rec;
	} else {
		r = wtsd_registry_create(&d->reg, l->uid, &s);
		if (r < 0)
			return r;
		created = true;
	}
	uint64_t now = owts_filetime_now();
	s->rec.state = WTSActive;
	s->rec.protocol = WTS_PROTOCOL_TYPE_RDP;
	snprintf(s->rec.station, sizeof(s->rec.station), "%.96s#%u", lis ? lis->cfg.name : "RDP-Tcp",
	         l->connection);
	s->rec.connect_time = now;
	s->rec.last_input_time = now;
	if (created)
		s->rec.logon_time = now;
	copy_client(&s->rec, &l->client);
	r = set_attach(s->rec.id, l->connection);
	if (r == 0)
		r = set_origin(d, s->rec.id, lid);
	if (r == 0)
		r = wtsd_store_session_put(d->reg.store, &s->rec);
	/* A new session starts its initial program (logoff.c), as the user, inside it. */
	if (r == 0 && created)
		r = wtsd_lifecycle_start_program(d, s);
	if (r < 0) {
		/* Nothing half-made: a new session goes, a reconnected one stays as it was. */
		struct attach *a = find_attach(s->rec.id);
		if (a)
			drop_attach(a);
		if (created)
			(void)wtsd_registry_delete(&d->reg, s->rec.id);
		else
			s->rec = saved;
		wtsd_registry_changed(&d->reg);
		return r;
	}
	wtsd_registry_changed(&d->reg);
	l->session_id = s->rec.id;
	l->reconnected = !created;
	snprintf(l->user, sizeof(l->user), "%s", s->rec.user);
	snprintf(l->domain, sizeof(l->domain), "%s", s->rec.domain);
	snprintf(l->station, sizeof(l->station), "%s", s->rec.station);
	WLog_INFO(TAG, "session %u: %s \"%s\" on %s from \"%s\" (%ux%u)", s->rec.id,
	          created ? "logon of" : "reconnect of", s->rec.user, s->rec.station,
	          s->rec.client_name, s->rec.hres, s->rec.vres);
	/* Windows' order: the client connects, then (new sessions only) the user logs on. */
	wtsd_events_emit(d, (created ? WTS_EVENT_CREATE : 0) | WTS_EVENT_CONNECT |
	                        WTS_EVENT_STATECHANGE,
	                 WTS_REMOTE_CONNECT, s->rec.id);
	if (created)
		wtsd_events_emit(d, WTS_EVENT_LOGON, WTS_SESSION_LOGON, s->rec.id);
	return 0;
}

/* The session connection holds, NULL if it moved on. */
static struct wtsd_session *held(struct wtsd *d, uint32_t session_id, uint32_t connection,
                                 struct attach **out)
{
	struct attach *a = find_attach(session_id);
	if (!a || a->connection != connection)
		return NULL;
	*out = a;
	return wtsd_registry_find(&d->reg, session_id);
}

int wtsd_rdp_session_disconnect(struct wtsd *d, void *arg)
{
	const struct wtsd_rdp_disconnect *x = arg;
	struct attach *a = NULL;
	struct wtsd_session *s = held(d, x->session_id, x->connection, &a);
	if (a)
		drop_attach(a);
	if (!s)
		return -ENOENT;
	WLog_INFO(TAG, "session %u: \"%s\" disconnected from %s", s->rec.id, s->rec.user,
	          s->rec.station);
	/* As Windows: a disconnected session has no WinStation name; its client data stays. */
	s->rec.state = WTSDisconnected;
	s->rec.disconnect_time = owts_filetime_now();
	s->rec.station[0] = '\0';
	wtsd_registry_changed(&d->reg);
	int r = wtsd_store_session_put(d->reg.store, &s->rec);
	wtsd_events_emit(d, WTS_EVENT_DISCONNECT | WTS_EVENT_STATECHANGE, WTS_REMOTE_DISCONNECT,
	                 s->rec.id);
	/* A broken connection ends the session where the listener says so (Windows' "End session"
	 * when a connection is broken: BrokenTimeoutSettings 1). */
	const struct wtsd_listener *l =
	    wtsd_listener_find_id(&d->reg, wtsd_rdp_session_listener(s->rec.id));
	if (x->broken && l && l->cfg.broken_timeout == 1 && !s->ending) {
		WLog_INFO(TAG, "session %u: connection broken, listener \"%s\" ends the session",
		          s->rec.id, l->cfg.name);
		(void)wtsd_logoff_begin(d, s);
	}
	return r;
}

int wtsd_rdp_session_display(struct wtsd *d, void *arg)
{
	const struct wtsd_rdp_logon *l = arg;
	struct attach *a = NULL;
	struct wtsd_session *s = held(d, l->session_id, l->connection, &a);
	if (!s)
		return -ENOENT;
	s->rec.hres = l->client.hres;
	s->rec.vres = l->client.vres;
	s->rec.color_depth = l->client.color_depth;
	wtsd_registry_changed(&d->reg);
	/* The stored row follows, so a restart reports the display the session last had. */
	return wtsd_store_session_put(d->reg.store, &s->rec);
}

int wtsd_rdp_session_detach(struct wtsd *d, uint32_t session_id)
{
	struct attach *a = find_attach(session_id);
	if (!a)
		return -ENOENT;
	struct wtsd_rdp_disconnect x = {session_id, a->connection, false};
	/* The connection's own later disconnect finds the attachment gone and does nothing. */
	int r = wtsd_rdp_session_disconnect(d, &x);
	if (d->rdp)
		wtsd_rdp_peer_stop(d->rdp, x.connection);
	return r == -ENOENT ? 0 : r;
}

/* The client data of a session record, from another. */
static void copy_client_rec(struct owts_session *to, const struct owts_session *from)
{
	memcpy(to->client_name, from->client_name, sizeof(to->client_name));
	memcpy(to->client_dir, from->client_dir, sizeof(to->client_dir));
	to->client_build = from->client_build;
	to->client_hardware_id = from->client_hardware_id;
	to->client_product_id = from->client_product_id;
	to->client_af = from->client_af;
	memcpy(to->client_addr, from->client_addr, sizeof(to->client_addr));
	to->hres = from->hres;
	to->vres = from->vres;
	to->color_depth = from->color_depth;
}

int wtsd_rdp_session_move(struct wtsd *d, uint32_t session_id, uint32_t holder_id)
{
	struct attach *a = find_attach(holder_id);
	struct wtsd_session *h = wtsd_registry_find(&d->reg, holder_id);
	if (!a || !h || !wtsd_registry_find(&d->reg, session_id))
		return -ENOENT;
	uint32_t connection = a->connection;
	uint32_t listener = wtsd_rdp_session_listener(holder_id); /* the connection's */
	/* A session shown by another client leaves it first, as tscon does. */
	if (find_attach(session_id))
		(void)wtsd_rdp_session_detach(d, session_id);
	struct owts_session old = h->rec; /* station and client data, before they are cleared */
	struct wtsd_rdp_disconnect x = {holder_id, connection, false};
	int r = wtsd_rdp_session_disconnect(d, &x);
	struct wtsd_session *s = wtsd_registry_find(&d->reg, session_id);
	if (r < 0 || !s)
		return r < 0 ? r : -ENOENT;
	uint64_t now = owts_filetime_now();
	s->rec.state = WTSActive;
	s->rec.protocol = WTS_PROTOCOL_TYPE_RDP;
	memcpy(s->rec.station, old.station, sizeof(s->rec.station));
	s->rec.connect_time = now;
	s->rec.last_input_time = now;
	copy_client_rec(&s->rec, &old);
	r = set_attach(session_id, connection);
	if (r == 0)
		r = set_origin(d, session_id, listener);
	if (r == 0)
		r = wtsd_store_session_put(d->reg.store, &s->rec);
	wtsd_registry_changed(&d->reg);
	if (r < 0)
		return r; /* the connection still serves holder_id's thread until it ends */
	WLog_INFO(TAG, "session %u: \"%s\" connected to %s (taken from session %u)", session_id,
	          s->rec.user, s->rec.station, holder_id);
	wtsd_events_emit(d, WTS_EVENT_CONNECT | WTS_EVENT_STATECHANGE, WTS_REMOTE_CONNECT,
	                 session_id);
	char user[2 * OWTS_NAME_MAX];
	snprintf(user, sizeof(user), "%s\\%s", s->rec.domain, s->rec.user);
	return d->rdp ? wtsd_rdp_peer_switch(d->rdp, connection, session_id, user) : 0;
}

bool wtsd_rdp_session_attached(uint32_t session_id)
{
	return find_attach(session_id) != NULL;
}

uint32_t wtsd_rdp_session_holder(uint32_t session_id)
{
	const struct attach *a = find_attach(session_id);
	return a ? a->connection : UINT32_MAX;
}
