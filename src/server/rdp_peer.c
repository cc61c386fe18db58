/*
 * rdp_peer.c — one RDP connection on its own thread (see rdp.h; rdp_listener.c says why
 * threads).
 *
 * Security: TLS and NLA only; a client that offers plain RDP security fails negotiation. With
 * NLA, FreeRDP's NTLM checks the password against the SAM file before any session work; with
 * TLS alone the password arrives in the Client Info PDU and rdp_auth.c checks it at
 * PostConnect. Either way the RDP user must map to a Linux account; otherwise PostConnect
 * refuses and the connection ends without a session. The password is wiped from the settings
 * once checked and never logged.
 *
 * With auth = pam the password goes to PAM (rdp_pam.c) and NLA is not offered: FreeRDP's NTLM
 * needs the NT hash, which only the SAM file has.
 *
 * A logged-on connection holds a session through the main loop (rdp_session.c): logon at
 * PostConnect, disconnect when the thread ends. The session desktop (rdp_desktop.c) is drawn at
 * Activate (every activation, so also after a resize) and on Refresh Rect. A client resize
 * arrives on the display control channel (rdp_disp.c) and becomes a reactivation at the new
 * size. Traffic counters and the last input time go to the session at most once a second
 * (rdp_peer_stats.c); a connection beyond its listener's MaxConnectionCount is refused at
 * PostConnect.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <freerdp/channels/wtsvc.h>
#include <freerdp/freerdp.h>
#include <winpr/string.h>
#include <winpr/synch.h>
#include <winpr/wlog.h>
#include <winpr/wtsapi.h>

#include "listeners.h"
#include "mainq.h"
#include "rdp.h"
#include "rdp_desktop.h"
#include "rdp_disp.h"
#include "rdp_peer.h"
#include "registry.h"
#include "relay.h"
#include "wtsd.h"

#define TAG "openwts.wtsd.rdp.peer"

#define LOGON_TIMEOUT_S 60 /* a connection that has not logged on by then is dropped */

/* UTF-16 (count units) to UTF-8 into out. */
static void from_utf16(const UINT16 *s, UINT32 count, char *out, size_t size)
{
	char *utf8 = NULL;
	out[0] = '\0';
	if (s && count &&
	    ConvertFromUnicode(CP_UTF8, 0, (LPCWSTR)s, (int)count, &utf8, 0, NULL, NULL) > 0)
		snprintf(out, size, "%s", utf8);
	free(utf8);
}

static BOOL on_logon(freerdp_peer *client, SEC_WINNT_AUTH_IDENTITY *identity, BOOL automatic)
{
	struct wtsd_rdp_peer *peer = peer_of(client);
	if (!automatic || !identity)
		return TRUE; /* TLS: the credentials come with the Client Info PDU */
	/* NLA succeeded: NTLM has checked the password against the SAM file. */
	from_utf16(identity->User, identity->UserLength, peer->user, sizeof(peer->user));
	from_utf16(identity->Domain, identity->DomainLength, peer->domain, sizeof(peer->domain));
	peer->nla = peer->user[0] != '\0';
	return TRUE;
}

/* Windows' WTS_CLIENT_DISPLAY.ColorDepth code of a bit depth. */
static uint32_t depth_code(uint32_t bpp)
{
	switch (bpp) {
	case 4:
		return 1;
	case 8:
		return 2;
	case 15:
		return 16;
	case 16:
		return 4;
	case 24:
		return 24;
	default:
		return 32;
	}
}

/* The client's address as Windows lays it out (AF_INET 2, AF_INET6 23). */
static void client_address(int fd, struct wtsd_rdp_client *c)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	if (ss.ss_family == AF_INET) {
		c->af = 2;
		memcpy(c->addr + 2, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	} else if (ss.ss_family == AF_INET6) {
		const struct in6_addr *a = &((struct sockaddr_in6 *)&ss)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a)) {
			c->af = 2;
			memcpy(c->addr + 2, a->s6_addr + 12, 4);
		} else {
			c->af = 23;
			memcpy(c->addr + 2, a->s6_addr, 16);
		}
	}
}

static void client_info(freerdp_peer *client, struct wtsd_rdp_client *c)
{
	rdpSettings *st = client->settings;
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", st->ClientHostname ? st->ClientHostname : "");
	snprintf(c->dir, sizeof(c->dir), "%s", st->ClientDir ? st->ClientDir : "");
	c->build = st->ClientBuild;
	/* FreeRDP does not keep clientProductId; MS-RDPBCGR has clients send 1. */
	c->product_id = 1;
	c->hres = st->DesktopWidth;
	c->vres = st->DesktopHeight;
	c->color_depth = depth_code(st->ColorDepth);
	client_address(client->sockfd, c);
}

/* Who logs on: the NLA identity, or the Client Info credentials checked here. 0 or -errno. */
static int authenticate(struct wtsd_rdp_peer *peer, uid_t *uid)
{
	rdpSettings *st = peer->client->settings;
	const struct wtsd_config *cfg = &peer->rdp->d->cfg;
	int r = 0;
	if (!peer->nla) {
		snprintf(peer->user, sizeof(peer->user), "%s", st->Username ? st->Username : "");
		snprintf(peer->domain, sizeof(peer->domain), "%s", st->Domain ? st->Domain : "");
		r = wtsd_rdp_auth_check(cfg, peer->user, peer->domain, st->Password);
	}
	if (st->Password)
		memset(st->Password, 0, strlen(st->Password));
	if (r == 0)
		r = wtsd_rdp_auth_map(cfg, peer->user, uid);
	if (r < 0)
		WLog_WARN(TAG, "RDP-Tcp#%u: logon of \"%s\" from %s refused: %s", peer->connection,
		          peer->user, peer->client->hostname,
		          r == -EACCES   ? "wrong password or unknown user"
		          : r == -ENOENT ? "no Linux account"
		          : r == -EPERM  ? "root may not log on over RDP"
		                         : strerror(-r));
	return r;
}

static BOOL on_post_connect(freerdp_peer *client)
{
	struct wtsd_rdp_peer *peer = peer_of(client);
	uid_t uid;
	if (peer->refused) {
		/* Polite: the client hears why (Set Error Info PDU) before the connection ends. */
		WLog_WARN(TAG, "%s from %s refused: max_connections (%u) reached", peer->station,
		          client->hostname, peer->max_connections);
		if (client->settings->Password)
			memset(client->settings->Password, 0, strlen(client->settings->Password));
		freerdp_set_error_info(client->context->rdp, ERRINFO_SERVER_DENIED_CONNECTION);
		(void)freerdp_send_error_info(client->context->rdp);
		return FALSE;
	}
	if (authenticate(peer, &uid) < 0)
		return FALSE;
	struct wtsd_rdp_logon l = {.uid = uid, .connection = peer->connection};
	client_info(client, &l.client);
	int r = wtsd_mainq_call(peer->rdp->d, wtsd_rdp_session_logon, &l);
	if (r < 0) {
		WLog_ERR(TAG, "RDP-Tcp#%u: no session for \"%s\": %s", peer->connection, peer->user,
		         strerror(-r));
		return FALSE;
	}
	peer->session_id = l.session_id;
	wtsd_relay_set_session(peer->relay, l.session_id);
	peer->reconnected = l.reconnected;
	peer->shown_w = l.client.hres;
	peer->shown_h = l.client.vres;
	snprintf(peer->session_user, sizeof(peer->session_user), "%s\\%s", l.domain, l.user);
	snprintf(peer->station, sizeof(peer->station), "%s", l.station); /* the listener's name */
	return TRUE;
}

static void draw(struct wtsd_rdp_peer *peer)
{
	char host[256] = "";
	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	struct wtsd_desktop_info info = {
	    .host = host,
	    .user = peer->session_user,
	    .session_id = peer->session_id,
	    .station = peer->station,
	    .reconnected = peer->reconnected,
	};
	wtsd_desktop_draw(&peer->desk, &info);
}

/* Sends the whole desktop; counted as an outgoing frame. */
static BOOL send_desktop(struct wtsd_rdp_peer *peer, rdpContext *context)
{
	peer->updates_sent++;
	return wtsd_desktop_send(&peer->desk, context);
}

static BOOL on_activate(freerdp_peer *client)
{
	struct wtsd_rdp_peer *peer = peer_of(client);
	rdpSettings *st = client->settings;
	if (peer->session_id == WTSD_NO_SESSION)
		return FALSE;
	if ((st->DesktopWidth != peer->desk.width || st->DesktopHeight != peer->desk.height) &&
	    wtsd_desktop_resize(&peer->desk, st->DesktopWidth, st->DesktopHeight) < 0) {
		WLog_ERR(TAG, "RDP-Tcp#%u: no desktop of %ux%u", peer->connection, st->DesktopWidth,
		         st->DesktopHeight);
		return FALSE;
	}
	draw(peer);
	peer->output = true;
	if (st->DesktopWidth != peer->shown_w || st->DesktopHeight != peer->shown_h) {
		/* A resize: WTSClientDisplay follows. */
		struct wtsd_rdp_logon l = {.session_id = peer->session_id,
		                           .connection = peer->connection};
		l.client.hres = st->DesktopWidth;
		l.client.vres = st->DesktopHeight;
		l.client.color_depth = depth_code(st->ColorDepth);
		if (wtsd_mainq_call(peer->rdp->d, wtsd_rdp_session_display, &l) == 0)
			WLog_INFO(TAG, "RDP-Tcp#%u: session %u resized to %ux%u", peer->connection,
			          peer->session_id, st->DesktopWidth, st->DesktopHeight);
		peer->shown_w = st->DesktopWidth;
		peer->shown_h = st->DesktopHeight;
	}
	return send_desktop(peer, client->context);
}

static BOOL on_refresh_rect(rdpContext *context, BYTE count, const RECTANGLE_16 *areas)
{
	struct wtsd_rdp_peer *peer = peer_of(context->peer);
	(void)count;
	(void)areas;
	return !peer->output || !peer->desk.pixels || send_desktop(peer, context);
}

static BOOL on_suppress_output(rdpContext *context, BYTE allow, const RECTANGLE_16 *area)
{
	struct wtsd_rdp_peer *peer = peer_of(context->peer);
	(void)area;
	bool was = peer->output;
	peer->output = allow != 0;
	if (peer->output && !was && peer->desk.pixels)
		return send_desktop(peer, context);
	return TRUE;
}

/* Security, certificate, callbacks. Returns false on failure. */
static bool configure(struct wtsd_rdp_peer *peer)
{
	freerdp_peer *client = peer->client;
	rdpSettings *st = client->settings;
	const struct wtsd_config *cfg = &peer->rdp->d->cfg;
	if (!freerdp_settings_set_string(st, FreeRDP_CertificateFile, peer->rdp->cert_file) ||
	    !freerdp_settings_set_string(st, FreeRDP_PrivateKeyFile, peer->rdp->key_file) ||
	    (cfg->sam_file[0] &&
	     !freerdp_settings_set_string(st, FreeRDP_NtlmSamFile, cfg->sam_file)))
		return false;
	st->RdpSecurity = FALSE; /* plain RDP security is refused */
	st->TlsSecurity = TRUE;
	/* NLA needs the NT hash (FreeRDP's NTLM): only with the SAM file. PAM gets TLS only. */
	st->NlaSecurity = wtsd_config_auth(cfg) != WTSD_AUTH_PAM && cfg->sam_file[0];
	st->ColorDepth = 32;
	st->RefreshRect = TRUE;
	st->SuppressOutput = TRUE;
	st->DesktopResize = TRUE;
	client->Logon = on_logon;
	client->PostConnect = on_post_connect;
	client->Activate = on_activate;
	client->update->RefreshRect = on_refresh_rect;
	client->update->SuppressOutput = on_suppress_output;
	wtsd_rdp_peer_input_hook(client);
	peer->vcm = WTSOpenServerA((LPSTR)client->context);
	if (!peer->vcm || peer->vcm == INVALID_HANDLE_VALUE)
		return false;
	struct wtsd_relay *relay = wtsd_relay_new(client, peer->vcm, peer->connection);
	if (!relay)
		return false;
	pthread_mutex_lock(&peer->rdp->lock);
	peer->relay = relay;
	pthread_mutex_unlock(&peer->rdp->lock);
	return client->Initialize(client);
}

/*
 * Client resizes: opens the display control channel once the dynamic channels are ready, and
 * applies a size the client asked for by reactivating it at that size (on_activate redraws).
 * Returns false if the connection failed.
 */
static bool follow_resize(struct wtsd_rdp_peer *peer)
{
	freerdp_peer *client = peer->client;
	if (!peer->disp_tried && peer->session_id != WTSD_NO_SESSION &&
	    WTSVirtualChannelManagerIsChannelJoined(peer->vcm, "drdynvc") &&
	    WTSVirtualChannelManagerGetDrdynvcState(peer->vcm) == DRDYNVC_STATE_READY) {
		peer->disp_tried = true;
		peer->disp = wtsd_rdp_disp_open(peer->vcm, client->context, peer->resize);
	}
	if (WaitForSingleObject(peer->resize, 0) != WAIT_OBJECT_0)
		return true;
	ResetEvent(peer->resize);
	uint32_t w, h;
	rdpSettings *st = client->settings;
	if (!wtsd_rdp_disp_take(peer->disp, &w, &h) ||
	    (w == st->DesktopWidth && h == st->DesktopHeight) || !st->DesktopResize)
		return true;
	WLog_DBG(TAG, "RDP-Tcp#%u: client asks for %ux%u", peer->connection, w, h);
	st->DesktopWidth = w;
	st->DesktopHeight = h;
	peer->output = false; /* until the client has reactivated */
	return client->update->DesktopResize(client->context) != FALSE;
}

/* The live peer of connection "RDP-Tcp#<connection>", NULL if it has ended. rdp->lock held;
 * connection numbers are never reused, so there is at most one. */
static struct wtsd_rdp_peer *find_peer(struct wtsd_rdp *rdp, uint32_t connection)
{
	for (struct wtsd_rdp_peer *p = rdp->peers; p; p = p->next)
		if (p->connection == connection)
			return p;
	return NULL;
}

/* Takes the session WTSConnectSession gave the connection (WTSD_NO_SESSION: none), and its
 * "DOMAIN\user" into user when user is not NULL. */
static uint32_t take_switch(struct wtsd_rdp_peer *peer, char *user, size_t size)
{
	pthread_mutex_lock(&peer->rdp->lock);
	uint32_t id = peer->switch_to;
	peer->switch_to = WTSD_NO_SESSION;
	if (user && id != WTSD_NO_SESSION)
		snprintf(user, size, "%s", peer->switch_user);
	ResetEvent(peer->switched);
	pthread_mutex_unlock(&peer->rdp->lock);
	return id;
}

/*
 * The connection now shows another session (WTSConnectSession; the registry moved already): the
 * old session's apps lose their channels (a new relay), and the desktop is drawn for the new
 * session. Returns false if the connection failed.
 */
static bool follow_switch(struct wtsd_rdp_peer *peer)
{
	char user[sizeof(peer->session_user)];
	uint32_t id = take_switch(peer, user, sizeof(user));
	if (id == WTSD_NO_SESSION)
		return true;
	WLog_INFO(TAG, "RDP-Tcp#%u: now session %u (was %u)", peer->connection, id,
	          peer->session_id);
	pthread_mutex_lock(&peer->rdp->lock);
	struct wtsd_relay *old = peer->relay;
	peer->relay = NULL;
	pthread_mutex_unlock(&peer->rdp->lock);
	wtsd_relay_free(old); /* unhooks FreeRDP's handler, which the fresh relay hooks again */
	struct wtsd_relay *fresh = wtsd_relay_new(peer->client, peer->vcm, peer->connection);
	if (!fresh)
		return false;
	wtsd_relay_set_session(fresh, id);
	pthread_mutex_lock(&peer->rdp->lock);
	peer->relay = fresh;
	pthread_mutex_unlock(&peer->rdp->lock);
	peer->session_id = id;
	snprintf(peer->session_user, sizeof(peer->session_user), "%s", user);
	peer->reconnected = true;
	if (!peer->desk.pixels)
		return true;
	draw(peer);
	return !peer->output || send_desktop(peer, peer->client->context);
}

int wtsd_rdp_peer_switch(struct wtsd_rdp *rdp, uint32_t connection, uint32_t session_id,
                         const char *user)
{
	int r = -ENOENT;
	pthread_mutex_lock(&rdp->lock);
	struct wtsd_rdp_peer *p = find_peer(rdp, connection);
	if (p) {
		p->switch_to = session_id;
		snprintf(p->switch_user, sizeof(p->switch_user), "%s", user);
		SetEvent(p->switched);
		r = 0;
	}
	pthread_mutex_unlock(&rdp->lock);
	return r;
}

/* Serves the connection until it ends or the main thread stops it. */
static void serve(struct wtsd_rdp_peer *peer)
{
	freerdp_peer *client = peer->client;
	time_t start = time(NULL);
	for (;;) {
		HANDLE h[MAXIMUM_WAIT_OBJECTS];
		/* While apps are behind on client data, the client is not read (relay.c). */
		bool paused = wtsd_relay_throttled(peer->relay);
		DWORD n = 0;
		if (!paused && (n = client->GetEventHandles(client, h, MAXIMUM_WAIT_OBJECTS - 5)) == 0)
			break;
		h[n++] = WTSVirtualChannelManagerGetEventHandle(peer->vcm);
		h[n++] = wtsd_relay_event(peer->relay);
		h[n++] = peer->stop;
		h[n++] = peer->resize;
		h[n++] = peer->switched;
		if (WaitForMultipleObjects(n, h, FALSE, 1000) == WAIT_FAILED)
			break;
		if (WaitForSingleObject(peer->stop, 0) == WAIT_OBJECT_0)
			break;
		if ((!paused && !client->CheckFileDescriptor(client)) ||
		    !WTSVirtualChannelManagerCheckFileDescriptor(peer->vcm) ||
		    !wtsd_relay_check(peer->relay) || !follow_resize(peer) || !follow_switch(peer))
			break;
		wtsd_rdp_peer_report(peer, false);
		if (peer->session_id == WTSD_NO_SESSION && time(NULL) - start > LOGON_TIMEOUT_S) {
			WLog_WARN(TAG, "RDP-Tcp#%u: no logon within %d s", peer->connection,
			          LOGON_TIMEOUT_S);
			break;
		}
	}
}

/* The end of a connection: its session is disconnected, the peer leaves the list. */
static void finish(struct wtsd_rdp_peer *peer)
{
	freerdp_peer *client = peer->client;
	uint32_t sw = take_switch(peer, NULL, 0);
	if (sw != WTSD_NO_SESSION)
		peer->session_id = sw; /* the disconnect is the new session's */
	if (peer->session_id != WTSD_NO_SESSION) {
		wtsd_rdp_peer_report(peer, true);
		struct wtsd_rdp_disconnect x = {peer->session_id, peer->connection, true};
		(void)wtsd_mainq_call(peer->rdp->d, wtsd_rdp_session_disconnect, &x);
	} else {
		WLog_INFO(TAG, "RDP-Tcp#%u from %s ended without logon", peer->connection,
		          client->hostname);
	}
	wtsd_rdp_disp_close(peer->disp); /* its thread uses the channel manager */
	pthread_mutex_lock(&peer->rdp->lock);
	struct wtsd_relay *relay = peer->relay;
	peer->relay = NULL;
	pthread_mutex_unlock(&peer->rdp->lock);
	wtsd_relay_free(relay); /* the apps see their channels end */
	if (client->context) {
		client->Disconnect(client);
		if (peer->vcm && peer->vcm != INVALID_HANDLE_VALUE)
			WTSCloseServer(peer->vcm);
		freerdp_peer_context_free(client);
	}
	wtsd_desktop_fini(&peer->desk);
	struct wtsd_rdp *rdp = peer->rdp;
	pthread_mutex_lock(&rdp->lock);
	if (peer->prev)
		peer->prev->next = peer->next;
	else
		rdp->peers = peer->next;
	if (peer->next)
		peer->next->prev = peer->prev;
	rdp->npeers--;
	freerdp_peer_free(client);
	CloseHandle(peer->stop);
	CloseHandle(peer->resize);
	CloseHandle(peer->switched);
	pthread_mutex_unlock(&rdp->lock);
	free(peer);
}

static void *run(void *arg)
{
	struct wtsd_rdp_peer *peer = arg;
	freerdp_peer *client = peer->client;
	client->ContextSize = sizeof(struct peer_context);
	if (freerdp_peer_context_new(client)) {
		((struct peer_context *)client->context)->peer = peer;
		if (configure(peer))
			serve(peer);
		else
			WLog_ERR(TAG, "RDP-Tcp#%u: cannot set the connection up", peer->connection);
	}
	finish(peer);
	return NULL;
}

int wtsd_rdp_peer_start(struct wtsd_rdp *rdp, freerdp_peer *client, uint32_t connection)
{
	struct wtsd_rdp_peer *peer = calloc(1, sizeof(*peer));
	if (!peer || !(peer->stop = CreateEvent(NULL, TRUE, FALSE, NULL)) ||
	    !(peer->resize = CreateEvent(NULL, TRUE, FALSE, NULL)) ||
	    !(peer->switched = CreateEvent(NULL, TRUE, FALSE, NULL))) {
		if (peer && peer->stop)
			CloseHandle(peer->stop);
		if (peer && peer->resize)
			CloseHandle(peer->resize);
		free(peer);
		freerdp_peer_free(client);
		return -ENOMEM;
	}
	peer->rdp = rdp;
	peer->client = client;
	peer->connection = connection;
	peer->session_id = WTSD_NO_SESSION;
	peer->switch_to = WTSD_NO_SESSION;
	/* Main thread (the accept): the listener and its limit are read here, once. */
	peer->listener = wtsd_rdp_connection_listener(connection);
	peer->max_connections = wtsd_rdp_limits_max_connections(rdp->d, peer->listener);
	const struct wtsd_listener *l = wtsd_listener_find_id(&rdp->d->reg, peer->listener);
	snprintf(peer->station, sizeof(peer->station), "%.96s#%u", l ? l->cfg.name : "RDP-Tcp",
	         connection);
	pthread_mutex_lock(&rdp->lock);
	peer->next = rdp->peers;
	if (rdp->peers)
		rdp->peers->prev = peer;
	rdp->peers = peer;
	/* MaxConnectionCount counts every live connection of the listener, logged on or not (as
	 * Windows). */
	unsigned same = 0;
	for (const struct wtsd_rdp_peer *p = peer->next; p; p = p->next)
		same += p->listener == peer->listener;
	peer->refused = peer->max_connections && same >= peer->max_connections;
	rdp->npeers++;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_t t;
	int e = pthread_create(&t, &attr, run, peer);
	pthread_attr_destroy(&attr);
	if (e) {
		rdp->peers = peer->next;
		if (peer->next)
			peer->next->prev = NULL;
		rdp->npeers--;
	}
	pthread_mutex_unlock(&rdp->lock);
	if (e) {
		CloseHandle(peer->stop);
		CloseHandle(peer->resize);
		CloseHandle(peer->switched);
		free(peer);
		freerdp_peer_free(client);
		return -e;
	}
	return 0;
}

void wtsd_rdp_peers_stop(struct wtsd_rdp *rdp)
{
	pthread_mutex_lock(&rdp->lock);
	for (struct wtsd_rdp_peer *p = rdp->peers; p; p = p->next) {
		SetEvent(p->stop);
		/* Wakes a thread blocked inside FreeRDP (TLS or NLA handshake) as well. */
		(void)shutdown(p->client->sockfd, SHUT_RDWR);
	}
	pthread_mutex_unlock(&rdp->lock);
}

void wtsd_rdp_peer_stop(struct wtsd_rdp *rdp, uint32_t connection)
{
	pthread_mutex_lock(&rdp->lock);
	struct wtsd_rdp_peer *p = find_peer(rdp, connection);
	if (p) {
		SetEvent(p->stop);
		/* A read blocked inside FreeRDP wakes too; the thread's finish() closes the
		 * connection (the client sees it end). */
		(void)shutdown(p->client->sockfd, SHUT_RD);
	}
	pthread_mutex_unlock(&rdp->lock);
}

int wtsd_rdp_peer_channel_open(struct wtsd_rdp *rdp, uint32_t connection,
                               struct wtsd_relay_open *op)
{
	int r = -ENOENT;
	pthread_mutex_lock(&rdp->lock);
	struct wtsd_rdp_peer *p = find_peer(rdp, connection);
	if (p && p->relay)
		r = wtsd_relay_post_open(p->relay, op);
	pthread_mutex_unlock(&rdp->lock);
	return r;
}
