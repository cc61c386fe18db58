/*
 * rdp_listeners.c — listeners beyond the socket of "RDP-Tcp": the listener store's view of the
 * RDP side (see rdp.h).
 *
 * rdp_listener.c opens RDP-Tcp from --listen / listen = as before; this file (1) records RDP-Tcp
 * in the listener store at start (from the configuration, or, without --listen, takes the
 * stored one back so a listener persists across restarts), (2) opens every other stored or
 * newly created listener that is enabled and has a port, each on its own freerdp_listener whose
 * sockets join the main epoll set, and (3) remembers which listener accepted each connection
 * (a ring indexed by connection number), so the logon checks that listener's security
 * descriptor (rdp_session.c). Connections of these listeners share RDP-Tcp's certificate,
 * security and peer threads. Main thread only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <freerdp/channels/channels.h>
#include <winpr/ssl.h>
#include <winpr/wlog.h>
#include <winpr/wtsapi.h>

#include "listeners.h"
#include "rdp.h"
#include "wtsd.h"

#define TAG "openwts.wtsd.rdp.listeners"

#define RDP_TCP   "RDP-Tcp"
#define MAX_EXTRA 32
#define RING      1024

struct extra
{
	struct wtsd *d;
	uint32_t id; /* listener id; 0 = slot free */
	freerdp_listener *listener;
	int fds[8];
	int nfds;
};

static struct extra extras[MAX_EXTRA];
static struct
{
	uint32_t connection, listener;
} ring[RING];
static uint32_t rdp_tcp_id;

int wtsd_rdp_listeners_sync(struct wtsd *d)
{
	struct wtsd_config *cfg = &d->cfg;
	struct wtsd_listener *l = wtsd_listener_find(&d->reg, RDP_TCP);
	if (!cfg->listen_addr[0]) {
		/* No --listen: the stored RDP-Tcp, if enabled, listens again where it did. */
		if (l && l->cfg.enabled && l->cfg.port && l->cfg.address[0]) {
			snprintf(cfg->listen_addr, sizeof(cfg->listen_addr), "%s", l->cfg.address);
			cfg->listen_port = (uint16_t)l->cfg.port;
		}
		if (l)
			rdp_tcp_id = l->cfg.id;
		return 0;
	}
	struct owts_listener *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	if (l)
		*c = l->cfg;
	else {
		snprintf(c->name, sizeof(c->name), RDP_TCP);
		c->inherit_color_depth = 1;
		c->color_depth = 5;
		c->inherit_broken_timeout = 1;
		c->inherit_shadow = 1;
		c->shadow = 1;
		c->min_encryption = 2;
		c->prompt_password = 0;
		snprintf(c->comment, sizeof(c->comment), "OpenWTS RDP listener");
	}
	/* What the command line and config say wins over what is stored. */
	snprintf(c->address, sizeof(c->address), "%s", cfg->listen_addr);
	c->port = cfg->listen_port;
	c->enabled = 1;
	c->security_layer = 2; /* TLS: plain RDP security is refused */
	c->user_authentication = wtsd_config_auth(cfg) != WTSD_AUTH_PAM;
	c->max_connections = cfg->max_connections;
	c->timeout_idle = cfg->idle_timeout_s * 1000u;
	c->timeout_disconnection = cfg->disconnect_timeout_s * 1000u;
	snprintf(c->initial_program, sizeof(c->initial_program), "%s", cfg->initial_program);
	int r = wtsd_listener_put(&d->reg, c, WTSD_LISTENER_CREATE | WTSD_LISTENER_UPDATE, &l);
	free(c);
	if (r < 0)
		return r;
	rdp_tcp_id = l->cfg.id;
	return 0;
}

/* The RDP context without RDP-Tcp's own socket (wtsd_rdp_open has not made one). */
static int ensure_rdp(struct wtsd *d)
{
	if (d->rdp)
		return 0;
	struct wtsd_rdp *rdp = calloc(1, sizeof(*rdp));
	if (!rdp)
		return -ENOMEM;
	rdp->d = d;
	pthread_mutex_init(&rdp->lock, NULL);
	d->rdp = rdp;
	if (!winpr_InitializeSSL(WINPR_SSL_INIT_DEFAULT))
		return -EIO;
	int r = wtsd_tls_cert_settle(&d->cfg, rdp->cert_file, sizeof(rdp->cert_file), rdp->key_file,
	                             sizeof(rdp->key_file));
	if (r < 0)
		return r;
	WTSRegisterWtsApiFunctionTable(FreeRDP_InitWtsApi());
	return 0;
}

static BOOL accepted(freerdp_listener *listener, freerdp_peer *client)
{
	struct extra *x = listener->info;
	struct wtsd_rdp *rdp = x->d->rdp;
	(void)fcntl(client->sockfd, F_SETFD, FD_CLOEXEC);
	uint32_t n = rdp->next_connection++;
	ring[n % RING].connection = n;
	ring[n % RING].listener = x->id;
	const struct wtsd_listener *l = wtsd_listener_find_id(&x->d->reg, x->id);
	WLog_INFO(TAG, "connection %u on listener \"%s\" from %s", n, l ? l->cfg.name : "?",
	          client->hostname);
	if (wtsd_rdp_peer_start(rdp, client, n) < 0)
		WLog_ERR(TAG, "cannot serve connection %u", n);
	return TRUE;
}

static void extra_close(struct wtsd *d, struct extra *x)
{
	for (int i = 0; i < x->nfds; i++)
		(void)epoll_ctl(d->epoll_fd, EPOLL_CTL_DEL, x->fds[i], NULL);
	if (x->listener) {
		x->listener->Close(x->listener);
		freerdp_listener_free(x->listener);
	}
	memset(x, 0, sizeof(*x));
}

int wtsd_rdp_listener_start(struct wtsd *d, const struct wtsd_listener *l)
{
	if (strcasecmp(l->cfg.name, RDP_TCP) == 0 || !l->cfg.enabled || !l->cfg.port)
		return 0; /* RDP-Tcp's socket is rdp_listener.c's (changes apply at restart) */
	struct extra *x = NULL;
	for (int i = 0; i < MAX_EXTRA && !x; i++)
		if (!extras[i].id)
			x = &extras[i];
	if (!x)
		return -ENOSPC;
	int r = ensure_rdp(d);
	if (r < 0)
		return r;
	const char *addr = l->cfg.address[0]       ? l->cfg.address
	                   : d->cfg.listen_addr[0] ? d->cfg.listen_addr
	                                           : "127.0.0.1";
	x->d = d;
	x->id = l->cfg.id;
	x->listener = freerdp_listener_new();
	if (!x->listener) {
		memset(x, 0, sizeof(*x));
		return -ENOMEM;
	}
	x->listener->info = x;
	x->listener->PeerAccepted = accepted;
	void *fds[8];
	int n = 0;
	if (!x->listener->Open(x->listener, addr, (UINT16)l->cfg.port) ||
	    !x->listener->GetFileDescriptor(x->listener, fds, &n) || n <= 0) {
		extra_close(d, x);
		return -EADDRINUSE;
	}
	for (int i = 0; i < n && x->nfds < 8; i++) {
		int fd = (int)(intptr_t)fds[i];
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &x->fds[x->nfds]};
		if (epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			r = -errno;
			extra_close(d, x);
			return r;
		}
		x->fds[x->nfds++] = fd;
	}
	WLog_INFO(TAG, "listener \"%s\" (%u) listening on %s:%u", l->cfg.name, l->cfg.id, addr,
	          l->cfg.port);
	return 0;
}

void wtsd_rdp_listener_stop(struct wtsd *d, uint32_t id)
{
	for (int i = 0; i < MAX_EXTRA; i++)
		if (extras[i].id == id)
			extra_close(d, &extras[i]);
}

int wtsd_rdp_listeners_open(struct wtsd *d)
{
	for (size_t i = 0; i < d->reg.nlisteners; i++) {
		const struct wtsd_listener *l = d->reg.listeners[i];
		int r = wtsd_rdp_listener_start(d, l);
		if (r < 0)
			WLog_WARN(TAG, "listener \"%s\" not listening on port %u: %s", l->cfg.name,
			          l->cfg.port, strerror(-r));
	}
	return 0;
}

bool wtsd_rdp_listeners_event(struct wtsd *d, void *tag)
{
	for (int i = 0; i < MAX_EXTRA; i++) {
		struct extra *x = &extras[i];
		if (x->id && (char *)tag >= (char *)x->fds && (char *)tag < (char *)(x->fds + 8)) {
			if (!x->listener->CheckFileDescriptor(x->listener))
				WLog_WARN(TAG, "accepting an RDP connection failed");
			return true;
		}
	}
	(void)d;
	return false;
}

void wtsd_rdp_listeners_close(struct wtsd *d)
{
	for (int i = 0; i < MAX_EXTRA; i++)
		if (extras[i].id)
			extra_close(d, &extras[i]);
}

uint32_t wtsd_rdp_connection_listener(uint32_t connection)
{
	if (ring[connection % RING].connection == connection && ring[connection % RING].listener)
		return ring[connection % RING].listener;
	return rdp_tcp_id;
}
