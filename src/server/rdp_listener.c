/*
 * rdp_listener.c — the RDP side of wtsd on libfreerdp-server2 (see rdp.h): start-up, the
 * dispatch of listening sockets' events and shutdown. The sockets of "RDP-Tcp" and of every
 * other listener are rdp_listeners.c's.
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
#include <stdlib.h>
#include <time.h>

#include <winpr/wlog.h>

#include "mainq.h"
#include "rdp.h"
#include "wtsd.h"

#define TAG "openwts.wtsd.rdp"

#define STOP_WAIT_MS 5000

int wtsd_rdp_open(struct wtsd *d)
{
	/* RDP-Tcp in the listener store, then every enabled listener with a port on its socket. */
	int r = wtsd_rdp_listeners_sync(d);
	if (r == 0)
		r = wtsd_rdp_listeners_open(d);
	if (r == 0)
		wtsd_rdp_limits_refresh(d);
	return r;
}

bool wtsd_rdp_event(struct wtsd *d, void *tag, uint32_t events)
{
	(void)events;
	return d->rdp && wtsd_rdp_listeners_event(d, tag);
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
