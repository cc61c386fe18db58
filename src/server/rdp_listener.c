/*
 * rdp_listener.c — the RDP listener "RDP-Tcp" inside wtsd, on libfreerdp-server2 (see rdp.h).
 *
 * Threads. The listening sockets sit in wtsd's epoll set and are accepted on the main thread;
 * each accepted connection then runs on a thread of its own (rdp_peer.c). FreeRDP 2.11's server
 * side is not event-driven end to end: the TLS accept and the whole NLA (CredSSP) exchange read
 * the socket blocking inside one CheckFileDescriptor call, so a slow or hostile client would
 * stall every other client and the control socket if peers ran on the main loop. A peer thread
 * never touches the registry: it asks the main loop to act for it (mainq.h), so the registry
 * keeps its single-threaded design and every change keeps its order.
 *
 * Shutdown: the main thread asks every peer to stop, then runs the queued calls (their
 * disconnects) while it waits for the threads to end, at most STOP_WAIT_MS.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <freerdp/channels/channels.h>
#include <winpr/ssl.h>
#include <winpr/wlog.h>
#include <winpr/wtsapi.h>

#include "mainq.h"
#include "rdp.h"
#include "wtsd.h"

#define TAG "openwts.wtsd.rdp"

#define STOP_WAIT_MS 5000

static BOOL peer_accepted(freerdp_listener *listener, freerdp_peer *client)
{
	struct wtsd_rdp *rdp = listener->info;
	/* FreeRDP leaves the socket inheritable: programs spawned into sessions must not get it. */
	(void)fcntl(client->sockfd, F_SETFD, FD_CLOEXEC);
	uint32_t n = rdp->next_connection++;
	WLog_INFO(TAG, "connection RDP-Tcp#%u from %s", n, client->hostname);
	/* On failure the peer is already freed: report success so FreeRDP does not free it too. */
	if (wtsd_rdp_peer_start(rdp, client, n) < 0)
		WLog_ERR(TAG, "cannot serve connection RDP-Tcp#%u", n);
	return TRUE;
}

static int add_fds(struct wtsd *d, struct wtsd_rdp *rdp)
{
	void *fds[8];
	int n = 0;
	if (!rdp->listener->GetFileDescriptor(rdp->listener, fds, &n) || n <= 0)
		return -EIO;
	for (int i = 0; i < n && rdp->nfds < 8; i++) {
		int fd = (int)(intptr_t)fds[i];
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &rdp->fds[rdp->nfds]};
		if (epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
			return -errno;
		rdp->fds[rdp->nfds++] = fd;
	}
	return 0;
}

int wtsd_rdp_open(struct wtsd *d)
{
	const struct wtsd_config *cfg = &d->cfg;
	/* RDP-Tcp in the listener store; the other stored listeners open after it. */
	int r0 = wtsd_rdp_listeners_sync(d);
	if (r0 < 0)
		return r0;
	if (!cfg->listen_addr[0])
		return wtsd_rdp_listeners_open(d);
	enum wtsd_auth auth = wtsd_config_auth(cfg);
	struct wtsd_rdp *rdp = calloc(1, sizeof(*rdp));
	if (!rdp)
		return -ENOMEM;
	rdp->d = d;
	pthread_mutex_init(&rdp->lock, NULL);
	d->rdp = rdp;
	/* Before any other OpenSSL use: WinPR loads the legacy provider that NT hashes (MD4) need.
	 */
	if (!winpr_InitializeSSL(WINPR_SSL_INIT_DEFAULT))
		return -EIO;
	int r = wtsd_tls_cert_settle(cfg, rdp->cert_file, sizeof(rdp->cert_file), rdp->key_file,
	                             sizeof(rdp->key_file));
	if (r < 0)
		return r;
	/* FreeRDP's own channel code calls WTS* through WinPR's dispatcher: give it FreeRDP's
	 * in-process table, as every FreeRDP server does (wtsd never loads libwtsapi32). */
	WTSRegisterWtsApiFunctionTable(FreeRDP_InitWtsApi());
	rdp->listener = freerdp_listener_new();
	if (!rdp->listener)
		return -ENOMEM;
	rdp->listener->info = rdp;
	rdp->listener->PeerAccepted = peer_accepted;
	if (!rdp->listener->Open(rdp->listener, cfg->listen_addr, cfg->listen_port)) {
		WLog_ERR(TAG, "cannot listen on %s:%u", cfg->listen_addr, cfg->listen_port);
		return -EADDRNOTAVAIL;
	}
	r = add_fds(d, rdp);
	if (r < 0)
		return r;
	WLog_INFO(TAG, "RDP-Tcp listening on %s:%u (%s; SAM %s; PAM %s)", cfg->listen_addr,
	          cfg->listen_port, auth == WTSD_AUTH_PAM ? "TLS" : "TLS, NLA",
	          cfg->sam_file[0] && auth != WTSD_AUTH_PAM ? cfg->sam_file : "no",
	          auth == WTSD_AUTH_SAM ? "no"
	          : cfg->pam_service[0] ? cfg->pam_service
	                                : "openwts");
	return wtsd_rdp_listeners_open(d);
}

bool wtsd_rdp_event(struct wtsd *d, void *tag, uint32_t events)
{
	struct wtsd_rdp *rdp = d->rdp;
	if (rdp && wtsd_rdp_listeners_event(d, tag))
		return true;
	if (!rdp || (char *)tag < (char *)rdp->fds || (char *)tag >= (char *)(rdp->fds + 8))
		return false;
	(void)events;
	if (!rdp->listener->CheckFileDescriptor(rdp->listener))
		WLog_WARN(TAG, "accepting an RDP connection failed");
	return true;
}

/* Waits up to ms for the last peer thread to end, running the main-loop calls they make. */
static void wait_peers(struct wtsd *d, struct wtsd_rdp *rdp, int ms)
{
	struct timespec end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += ms / 1000;
	for (;;) {
		wtsd_mainq_run(d);
		pthread_mutex_lock(&rdp->lock);
		unsigned left = rdp->npeers;
		pthread_mutex_unlock(&rdp->lock);
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!left || now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec)) {
			if (left)
				WLog_WARN(TAG, "%u RDP connections did not end in time", left);
			return;
		}
		struct timespec nap = {0, 10 * 1000 * 1000};
		nanosleep(&nap, NULL);
	}
}

void wtsd_rdp_close(struct wtsd *d)
{
	struct wtsd_rdp *rdp = d->rdp;
	if (!rdp)
		return;
	wtsd_rdp_listeners_close(d);
	for (int i = 0; i < rdp->nfds; i++)
		(void)epoll_ctl(d->epoll_fd, EPOLL_CTL_DEL, rdp->fds[i], NULL);
	if (rdp->listener) {
		rdp->listener->Close(rdp->listener);
		freerdp_listener_free(rdp->listener);
	}
	wtsd_rdp_peers_stop(rdp);
	wait_peers(d, rdp, STOP_WAIT_MS);
	pthread_mutex_lock(&rdp->lock);
	unsigned left = rdp->npeers;
	pthread_mutex_unlock(&rdp->lock);
	d->rdp = NULL;
	if (left)
		return; /* threads still use rdp: leak it rather than free it under them */
	pthread_mutex_destroy(&rdp->lock);
	free(rdp);
}
