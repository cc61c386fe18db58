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
 * A logged-on connection holds a session through the main loop (rdp_session.c): logon at
 * PostConnect, disconnect when the thread ends. The session desktop (rdp_desktop.c) is drawn at
 * Activate (every activation, so also after a resize) and on Refresh Rect.
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

#include "mainq.h"
#include "rdp.h"
#include "rdp_desktop.h"
#include "registry.h"
#include "wtsd.h"

#define TAG "openwts.wtsd.rdp.peer"

#define LOGON_TIMEOUT_S 60 /* a connection that has not logged on by then is dropped */

struct wtsd_rdp_peer
{
	struct wtsd_rdp_peer *next, *prev; /* rdp->peers; guarded by rdp->lock */
	struct wtsd_rdp *rdp;
	freerdp_peer *client;
	HANDLE stop; /* set by the main thread to end the connection */
	HANDLE vcm;  /* FreeRDP's virtual channel manager of this connection */
	uint32_t connection;
	uint32_t session_id; /* WTSD_NO_SESSION until logon */
	bool nla;            /* NLA verified user/domain below */
	char user[OWTS_NAME_MAX], domain[OWTS_NAME_MAX];
	char station[32];
	char session_user[2 * OWTS_NAME_MAX]; /* "DOMAIN\user" of the session */
	bool reconnected;
	bool output; /* the client wants updates (Suppress Output) */
	struct wtsd_desktop desk;
};

struct peer_context
{
	rdpContext base;
	struct wtsd_rdp_peer *peer;
};

static struct wtsd_rdp_peer *peer_of(freerdp_peer *client)
{
	return ((struct peer_context *)client->context)->peer;
}

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
		r = wtsd_rdp_auth_password(cfg, peer->user, peer->domain, st->Password);
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
	peer->reconnected = l.reconnected;
	snprintf(peer->session_user, sizeof(peer->session_user), "%s\\%s", l.domain, l.user);
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
	return wtsd_desktop_send(&peer->desk, client->context);
}

static BOOL on_refresh_rect(rdpContext *context, BYTE count, const RECTANGLE_16 *areas)
{
	struct wtsd_rdp_peer *peer = peer_of(context->peer);
	(void)count;
	(void)areas;
	return !peer->output || !peer->desk.pixels || wtsd_desktop_send(&peer->desk, context);
}

static BOOL on_suppress_output(rdpContext *context, BYTE allow, const RECTANGLE_16 *area)
{
	struct wtsd_rdp_peer *peer = peer_of(context->peer);
	(void)area;
	bool was = peer->output;
	peer->output = allow != 0;
	if (peer->output && !was && peer->desk.pixels)
		return wtsd_desktop_send(&peer->desk, context);
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
	st->NlaSecurity = TRUE;
	st->ColorDepth = 32;
	st->RefreshRect = TRUE;
	st->SuppressOutput = TRUE;
	st->DesktopResize = TRUE;
	client->Logon = on_logon;
	client->PostConnect = on_post_connect;
	client->Activate = on_activate;
	client->update->RefreshRect = on_refresh_rect;
	client->update->SuppressOutput = on_suppress_output;
	peer->vcm = WTSOpenServerA((LPSTR)client->context);
	return peer->vcm && peer->vcm != INVALID_HANDLE_VALUE && client->Initialize(client);
}

/* Serves the connection until it ends or the main thread stops it. */
static void serve(struct wtsd_rdp_peer *peer)
{
	freerdp_peer *client = peer->client;
	time_t start = time(NULL);
	for (;;) {
		HANDLE h[MAXIMUM_WAIT_OBJECTS];
		DWORD n = client->GetEventHandles(client, h, MAXIMUM_WAIT_OBJECTS - 2);
		if (n == 0)
			break;
		h[n++] = WTSVirtualChannelManagerGetEventHandle(peer->vcm);
		h[n++] = peer->stop;
		if (WaitForMultipleObjects(n, h, FALSE, 1000) == WAIT_FAILED)
			break;
		if (WaitForSingleObject(peer->stop, 0) == WAIT_OBJECT_0)
			break;
		if (!client->CheckFileDescriptor(client) ||
		    !WTSVirtualChannelManagerCheckFileDescriptor(peer->vcm))
			break;
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
	if (peer->session_id != WTSD_NO_SESSION) {
		struct wtsd_rdp_disconnect x = {peer->session_id, peer->connection};
		(void)wtsd_mainq_call(peer->rdp->d, wtsd_rdp_session_disconnect, &x);
	} else {
		WLog_INFO(TAG, "RDP-Tcp#%u from %s ended without logon", peer->connection,
		          client->hostname);
	}
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
	if (!peer || !(peer->stop = CreateEvent(NULL, TRUE, FALSE, NULL))) {
		free(peer);
		freerdp_peer_free(client);
		return -ENOMEM;
	}
	peer->rdp = rdp;
	peer->client = client;
	peer->connection = connection;
	peer->session_id = WTSD_NO_SESSION;
	snprintf(peer->station, sizeof(peer->station), "RDP-Tcp#%u", connection);
	pthread_mutex_lock(&rdp->lock);
	peer->next = rdp->peers;
	if (rdp->peers)
		rdp->peers->prev = peer;
	rdp->peers = peer;
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
	for (struct wtsd_rdp_peer *p = rdp->peers; p; p = p->next) {
		if (p->connection != connection)
			continue;
		SetEvent(p->stop);
		/* A read blocked inside FreeRDP wakes too; the thread's finish() closes the
		 * connection (the client sees it end). */
		(void)shutdown(p->client->sockfd, SHUT_RD);
	}
	pthread_mutex_unlock(&rdp->lock);
}
