/*
 * rdp_listeners.c — the sockets of every RDP listener, "RDP-Tcp" included: the listener store's
 * view of the RDP side (see rdp.h and docs/internals/listeners.md).
 *
 * This file (1) records RDP-Tcp in the listener store at start (from --listen and the
 * configuration, or, without --listen, keeps the stored one so a listener persists across
 * restarts), (2) opens every stored or newly created listener that is enabled and has a port,
 * each on its own freerdp_listener whose sockets join the main epoll set, and reopens or closes
 * one when WTSCreateListener changes its address, port or enabled state, and (3) remembers which
 * listener accepted each connection (a ring indexed by connection number, read right after the
 * accept and at logon), so the peer counts it against that listener's MaxConnectionCount and the
 * logon checks that listener's security descriptor. All listeners share one certificate, one
 * authentication setting and the peer threads. Main thread only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#define MAX_SOCKS 32
#define RING      1024

/* One listening freerdp_listener (one or two sockets: IPv4 and IPv6 of a name). */
struct sock
{
	struct wtsd *d;
	uint32_t id; /* listener id; 0 = slot free */
	freerdp_listener *listener;
	int fds[8]; /* their addresses are the epoll tags */
	int nfds;
};

static struct sock socks[MAX_SOCKS];
static struct
{
	uint32_t connection, listener;
} ring[RING];
static uint32_t rdp_tcp_id; /* 0 until RDP-Tcp exists */

/* Seconds of the configuration as the record's milliseconds (saturated, as ULONG holds them). */
static uint32_t to_ms(unsigned s)
{
	return s > UINT32_MAX / 1000u ? UINT32_MAX : s * 1000u;
}

/* Without --listen: the stored RDP-Tcp stays as it is, but limit options that are given and not
 * 0 replace its stored limits. Returns 0 or -errno. */
static int sync_stored(struct wtsd *d, struct wtsd_listener *l)
{
	const struct wtsd_config *cfg = &d->cfg;
	rdp_tcp_id = l->cfg.id;
	if (!cfg->max_connections && !cfg->idle_timeout_s && !cfg->disconnect_timeout_s)
		return 0;
	struct owts_listener *c = malloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	*c = l->cfg;
	if (cfg->max_connections)
		c->max_connections = cfg->max_connections;
	if (cfg->idle_timeout_s)
		c->timeout_idle = to_ms(cfg->idle_timeout_s);
	if (cfg->disconnect_timeout_s)
		c->timeout_disconnection = to_ms(cfg->disconnect_timeout_s);
	int r = wtsd_listener_put(&d->reg, c, WTSD_LISTENER_UPDATE, NULL);
	free(c);
	return r;
}

int wtsd_rdp_listeners_sync(struct wtsd *d)
{
	struct wtsd_config *cfg = &d->cfg;
	struct wtsd_listener *l = wtsd_listener_find(&d->reg, RDP_TCP);
	if (!cfg->listen_addr[0])
		return l ? sync_stored(d, l) : 0;
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
	c->timeout_idle = to_ms(cfg->idle_timeout_s);
	c->timeout_disconnection = to_ms(cfg->disconnect_timeout_s);
	snprintf(c->initial_program, sizeof(c->initial_program), "%s", cfg->initial_program);
	int r = wtsd_listener_put(&d->reg, c, WTSD_LISTENER_CREATE | WTSD_LISTENER_UPDATE, &l);
	free(c);
	if (r < 0)
		return r;
	rdp_tcp_id = l->cfg.id;
	return 0;
}

/* The RDP context (certificate, FreeRDP's channel table), made before the first socket. */
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
	/* Before any other OpenSSL use: WinPR loads the legacy provider that NT hashes (MD4)
	 * need. */
	if (!winpr_InitializeSSL(WINPR_SSL_INIT_DEFAULT))
		return -EIO;
	int r = wtsd_tls_cert_settle(&d->cfg, rdp->cert_file, sizeof(rdp->cert_file), rdp->key_file,
	                             sizeof(rdp->key_file));
	if (r < 0)
		return r;
	/* FreeRDP's own channel code calls WTS* through WinPR's dispatcher: give it FreeRDP's
	 * in-process table, as every FreeRDP server does (wtsd never loads libwtsapi32). */
	WTSRegisterWtsApiFunctionTable(FreeRDP_InitWtsApi());
	const struct wtsd_config *cfg = &d->cfg;
	enum wtsd_auth auth = wtsd_config_auth(cfg);
	WLog_INFO(TAG, "RDP security: %s; SAM %s; PAM %s",
	          auth == WTSD_AUTH_PAM ? "TLS" : "TLS, NLA",
	          cfg->sam_file[0] && auth != WTSD_AUTH_PAM ? cfg->sam_file : "no",
	          auth == WTSD_AUTH_SAM ? "no"
	          : cfg->pam_service[0] ? cfg->pam_service
	                                : "openwts");
	return 0;
}

static BOOL accepted(freerdp_listener *listener, freerdp_peer *client)
{
	struct sock *x = listener->info;
	struct wtsd_rdp *rdp = x->d->rdp;
	/* FreeRDP leaves the socket inheritable: programs spawned into sessions must not get it. */
	(void)fcntl(client->sockfd, F_SETFD, FD_CLOEXEC);
	uint32_t n = rdp->next_connection++;
	ring[n % RING].connection = n;
	ring[n % RING].listener = x->id;
	const struct wtsd_listener *l = wtsd_listener_find_id(&x->d->reg, x->id);
	WLog_INFO(TAG, "connection %s#%u from %s", l ? l->cfg.name : "?", n, client->hostname);
	/* On failure the peer is already freed: report success so FreeRDP does not free it too. */
	if (wtsd_rdp_peer_start(rdp, client, n) < 0)
		WLog_ERR(TAG, "cannot serve connection %u", n);
	return TRUE;
}

static void sock_close(struct wtsd *d, struct sock *x)
{
	for (int i = 0; i < x->nfds; i++)
		(void)epoll_ctl(d->epoll_fd, EPOLL_CTL_DEL, x->fds[i], NULL);
	if (x->listener) {
		x->listener->Close(x->listener);
		freerdp_listener_free(x->listener);
	}
	memset(x, 0, sizeof(*x));
}

static struct sock *sock_of(uint32_t id)
{
	for (int i = 0; i < MAX_SOCKS; i++)
		if (socks[i].id == id)
			return &socks[i];
	return NULL;
}

/* The address l binds: its own, else RDP-Tcp's, else 127.0.0.1. */
static const char *bind_address(struct wtsd *d, const struct wtsd_listener *l)
{
	const struct wtsd_listener *tcp = wtsd_listener_find_id(&d->reg, rdp_tcp_id);
	return l->cfg.address[0]            ? l->cfg.address
	       : tcp && tcp->cfg.address[0] ? tcp->cfg.address
	                                    : "127.0.0.1";
}

int wtsd_rdp_listener_start(struct wtsd *d, const struct wtsd_listener *l)
{
	if (!l->cfg.enabled || !l->cfg.port || sock_of(l->cfg.id))
		return 0;
	struct sock *x = sock_of(0);
	if (!x)
		return -ENOSPC;
	int r = ensure_rdp(d);
	if (r < 0)
		return r;
	const char *addr = bind_address(d, l);
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
		sock_close(d, x);
		return -EADDRINUSE;
	}
	for (int i = 0; i < n && x->nfds < 8; i++) {
		int fd = (int)(intptr_t)fds[i];
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &x->fds[x->nfds]};
		if (epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			r = -errno;
			sock_close(d, x);
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
	struct sock *x = id ? sock_of(id) : NULL;
	if (!x)
		return;
	const struct wtsd_listener *l = wtsd_listener_find_id(&d->reg, id);
	WLog_INFO(TAG, "listener \"%s\" (%u) stops listening", l ? l->cfg.name : "?", id);
	sock_close(d, x);
}

int wtsd_rdp_listeners_open(struct wtsd *d)
{
	/* RDP-Tcp of --listen first: a port it cannot open stops wtsd, as a bad --listen does. */
	struct wtsd_listener *tcp = wtsd_listener_find_id(&d->reg, rdp_tcp_id);
	if (d->cfg.listen_addr[0] && tcp) {
		int r = wtsd_rdp_listener_start(d, tcp);
		if (r < 0) {
			WLog_ERR(TAG, "cannot listen on %s:%u: %s", tcp->cfg.address, tcp->cfg.port,
			         strerror(-r));
			return r == -EADDRINUSE ? -EADDRNOTAVAIL : r;
		}
	}
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
	for (int i = 0; i < MAX_SOCKS; i++) {
		struct sock *x = &socks[i];
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
	for (int i = 0; i < MAX_SOCKS; i++)
		if (socks[i].id)
			sock_close(d, &socks[i]);
}

uint32_t wtsd_rdp_connection_listener(uint32_t connection)
{
	if (ring[connection % RING].connection == connection && ring[connection % RING].listener)
		return ring[connection % RING].listener;
	return rdp_tcp_id;
}

uint32_t wtsd_rdp_tcp_listener(void)
{
	return rdp_tcp_id;
}
