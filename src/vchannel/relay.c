/*
 * relay.c — wtsd's channel relay for one RDP connection (see relay.h): the channels, the apps'
 * side (their SOCK_SEQPACKET sockets) and the opens. relay_client.c is the client's side.
 *
 * Why this shape. FreeRDP 2.11 joins a static channel's chunks into whole messages and drops the
 * connection when the client sends on a static channel no one opened; Windows hands an app one
 * chunk per read. So static channels bypass FreeRDP's channel manager both ways: the relay takes
 * the client's chunks from client->ReceiveChannelData and sends with client->SendChannelData
 * (which chunks as the client asked). Dynamic channels go through FreeRDP's drdynvc code (it
 * speaks the DVC protocol), and the relay cuts their messages into chunks as Windows does.
 *
 * Everything here runs on the connection's thread but the queue of opens (lock, wake). The
 * thread waits on one handle: an epoll set holding every app socket and the wake eventfd.
 *
 * Flow control. App → client: a message goes to the client while the thread is in
 * SendChannelData; a slow client blocks it there, the app's socket fills, and the app's write
 * waits. Client → app: packets an app has not taken yet wait in the relay (held); above
 * HELD_HIGH bytes the thread stops reading the client (wtsd_relay_throttled) until they are
 * under HELD_LOW, so a slow app costs bounded memory and slows its client down, as a full TCP
 * window would. A static channel with no app yet keeps up to PREOPEN_MAX bytes of whole
 * messages and drops later ones (logged), never the connection.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <winpr/error.h>
#include <winpr/handle.h>
#include <winpr/synch.h>
#include <winpr/wlog.h>
#include <winpr/wtsapi.h>

#include "relay_private.h"

#define TAG "openwts.wtsd.relay"

#define SOCKET_BUF     (2 * 1024 * 1024) /* SO_SNDBUF of both ends of a channel socket */
#define OPEN_TIMEOUT_MS 10000            /* a dynamic open the client never answers */
#define APP_BURST      64                /* packets taken from one app per turn */

struct wtsd_relay *wtsd_relay_new(freerdp_peer *client, HANDLE vcm, uint32_t connection)
{
	struct wtsd_relay *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->client = client;
	r->vcm = vcm;
	r->connection = connection;
	r->session_id = UINT32_MAX;
	r->ep = r->wake = -1;
	pthread_mutex_init(&r->lock, NULL);
	r->ep = epoll_create1(EPOLL_CLOEXEC);
	r->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	if (r->ep < 0 || r->wake < 0 || epoll_ctl(r->ep, EPOLL_CTL_ADD, r->wake, &ev) < 0 ||
	    !(r->event = CreateFileDescriptorEvent(NULL, FALSE, FALSE, r->ep, WINPR_FD_READ)) ||
	    relay_client_hook(r) < 0) {
		wtsd_relay_free(r);
		return NULL;
	}
	return r;
}

void wtsd_relay_set_session(struct wtsd_relay *r, uint32_t session_id)
{
	r->session_id = session_id;
}

HANDLE wtsd_relay_event(struct wtsd_relay *r)
{
	return r->event;
}

bool wtsd_relay_throttled(const struct wtsd_relay *r)
{
	return r->throttled;
}

int wtsd_relay_post_open(struct wtsd_relay *r, struct wtsd_relay_open *op)
{
	op->next = NULL;
	op->app_fd = -1;
	op->chan = NULL;
	pthread_mutex_lock(&r->lock);
	struct wtsd_relay_open **tail = &r->posted;
	while (*tail)
		tail = &(*tail)->next;
	*tail = op;
	pthread_mutex_unlock(&r->lock);
	uint64_t one = 1;
	(void)!write(r->wake, &one, sizeof(one));
	return 0;
}

/* --- channels --------------------------------------------------------------------------------- */

struct relay_chan *relay_chan_new(struct wtsd_relay *r, const char *name, bool dynamic)
{
	struct relay_chan *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	(void)snprintf(c->name, sizeof(c->name), "%s", name);
	c->dynamic = dynamic;
	c->fd = -1;
	c->qtail = &c->q;
	owts_vc_join_init(&c->join);
	c->next = r->chans;
	r->chans = c;
	return c;
}

static void queue_drop(struct wtsd_relay *r, struct relay_chan *c)
{
	free(c->pk); /* the packet being built */
	c->pk = NULL;
	c->pk_records = 0;
	for (struct relay_pkt *p = c->q, *next; p; p = next) {
		next = p->next;
		free(p);
	}
	if (c->fd >= 0)
		r->held -= c->held;
	c->q = NULL;
	c->qtail = &c->q;
	c->held = 0;
}

/* Ends the app's side of c: closes the socket, drops what it had not taken. */
static void detach_app(struct wtsd_relay *r, struct relay_chan *c, const char *why)
{
	if (c->fd < 0)
		return;
	queue_drop(r, c);
	(void)epoll_ctl(r->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	owts_vc_join_reset(&c->join);
	WLog_INFO(TAG, "session %u: %s channel \"%s\" closed (%s)", r->session_id,
	          c->dynamic ? "dynamic" : "static", c->name, why);
}

void relay_chan_free(struct wtsd_relay *r, struct relay_chan *c, const char *why)
{
	detach_app(r, c, why);
	queue_drop(r, c);
	if (c->dvc)
		WTSVirtualChannelClose(c->dvc);
	owts_vc_join_free(&c->join);
	for (struct relay_chan **pp = &r->chans; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	free(c);
}

/* --- client → app ----------------------------------------------------------------------------- */

static void update_throttle(struct wtsd_relay *r)
{
	if (!r->throttled && r->held > HELD_HIGH) {
		r->throttled = true;
		WLog_DBG(TAG, "RDP-Tcp#%u: apps are behind by %zu bytes: pausing the client",
		         r->connection, r->held);
	} else if (r->throttled && r->held < HELD_LOW) {
		r->throttled = false;
	}
}

static void want_out(struct wtsd_relay *r, struct relay_chan *c, bool on)
{
	if (c->fd < 0 || c->out_armed == on)
		return;
	struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c };
	if (epoll_ctl(r->ep, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->out_armed = on;
}

/* Sends c's held packets until the app's socket is full, up to FLUSH_BATCH a system call.
 * Returns false if the app is gone. */
#define FLUSH_BATCH 64
static bool flush_app(struct wtsd_relay *r, struct relay_chan *c)
{
	while (c->q) {
		struct mmsghdr mm[FLUSH_BATCH];
		struct iovec iov[FLUSH_BATCH];
		unsigned k = 0;
		for (struct relay_pkt *p = c->q; p && k < FLUSH_BATCH; p = p->next, k++) {
			iov[k] = (struct iovec){ p->data, p->len };
			mm[k] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[k], .msg_iovlen = 1 } };
		}
		int n = sendmmsg(c->fd, mm, k, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				want_out(r, c, true);
				return true;
			}
			return false;
		}
		for (int i = 0; i < n; i++) {
			struct relay_pkt *p = c->q;
			c->q = p->next;
			c->held -= p->len;
			r->held -= p->len;
			free(p);
		}
		if (!c->q)
			c->qtail = &c->q;
		if ((unsigned)n < k) {
			want_out(r, c, true);
			return true;
		}
	}
	want_out(r, c, false);
	return true;
}

/* Ends the packet being built for c: it joins c's queue, sent at the end of the turn. */
static void close_packet(struct wtsd_relay *r, struct relay_chan *c)
{
	struct relay_pkt *p = c->pk;
	if (!p)
		return;
	c->pk = NULL;
	c->pk_records = 0;
	if (p->len < OWTS_VC_PACKET_MAX / 2) {
		struct relay_pkt *q = realloc(p, sizeof(*p) + p->len); /* give back what is unused */
		if (q)
			p = q;
	}
	p->next = NULL;
	*c->qtail = p;
	c->qtail = &p->next;
	c->held += p->len;
	if (c->fd >= 0)
		r->held += p->len;
}

/* Appends one record (header and n <= OWTS_VC_CHUNK bytes) to the packet being built for c,
 * starting one when needed. Returns false when out of memory. */
static bool add_record(struct wtsd_relay *r, struct relay_chan *c, uint32_t total, uint32_t f,
                       const uint8_t *data, size_t n)
{
	if (c->pk && (f & OWTS_VC_FIRST))
		close_packet(r, c); /* a packet holds records of one message */
	if (!c->pk) {
		if (!(c->pk = malloc(sizeof(*c->pk) + OWTS_VC_PACKET_MAX)))
			return false;
		c->pk->len = 0;
		r->flush_due = true;
	}
	uint8_t *at = c->pk->data + c->pk->len;
	owts_vc_header_put(at, total, f);
	memcpy(at + OWTS_VC_HEADER, data, n);
	c->pk->len += OWTS_VC_HEADER + n;
	/* Only the last record of a packet may be short: the app splits records by that rule. */
	if (++c->pk_records == OWTS_VC_RECORDS || n < OWTS_VC_CHUNK || (f & OWTS_VC_LAST))
		close_packet(r, c);
	return true;
}

void relay_to_app(struct wtsd_relay *r, struct relay_chan *c, uint32_t total, uint32_t flags,
                  const uint8_t *data, size_t len)
{
	if (c->fd < 0) {
		/* No app yet (a static channel): keep whole messages up to PREOPEN_MAX. */
		if (flags & OWTS_VC_FIRST)
			c->dropping = c->held + total > PREOPEN_MAX;
		if (c->dropping) {
			if ((flags & OWTS_VC_FIRST) && !c->drop_logged) {
				WLog_WARN(TAG, "RDP-Tcp#%u: static channel \"%s\": no app has opened it; "
				          "dropping client data beyond %u bytes", r->connection, c->name,
				          PREOPEN_MAX);
				c->drop_logged = true;
			}
			return;
		}
	}
	bool first = flags & OWTS_VC_FIRST;
	do {
		size_t n = len < OWTS_VC_CHUNK ? len : OWTS_VC_CHUNK;
		uint32_t f = (first ? OWTS_VC_FIRST : 0) |
		             ((flags & OWTS_VC_LAST) && n == len ? OWTS_VC_LAST : 0);
		if (!add_record(r, c, total, f, data, n)) {
			WLog_ERR(TAG, "session %u: channel \"%s\": out of memory, data lost",
			         r->session_id, c->name);
			break;
		}
		first = false;
		data += n;
		len -= n;
	} while (len);
	update_throttle(r);
}

/* --- app → client ----------------------------------------------------------------------------- */

/* Takes up to APP_BURST packets from c's app. */
static void from_app(struct wtsd_relay *r, struct relay_chan *c)
{
	for (int i = 0; i < APP_BURST && c->fd >= 0; i++) {
		ssize_t n = recv(c->fd, r->buf, RELAY_BUF, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			detach_app(r, c, n == 0 ? "the app closed it" : "socket error");
			return;
		}
		struct owts_vc_packet p;
		if ((size_t)n > RELAY_BUF || owts_vc_parse(r->buf, (size_t)n, &p) < 0) {
			WLog_WARN(TAG, "session %u: channel \"%s\": malformed packet from the app",
			          r->session_id, c->name);
			detach_app(r, c, "protocol error");
			return;
		}
		if (p.flags & OWTS_VC_CTL_PURGE_INPUT) {
			queue_drop(r, c);
			relay_client_purge(r, c);
			update_throttle(r);
			continue;
		}
		if (p.flags & OWTS_VC_CTL_PURGE_OUTPUT) {
			owts_vc_join_reset(&c->join);
			continue;
		}
		const uint8_t *msg;
		size_t len;
		int k = owts_vc_join_feed(&c->join, &p, &msg, &len);
		if (k < 0) {
			WLog_WARN(TAG, "session %u: channel \"%s\": %s", r->session_id, c->name,
			          k == -ENOMEM ? "out of memory" : "packets out of order");
			detach_app(r, c, "protocol error");
			return;
		}
		if (k == 1 && !relay_to_client(r, c, msg, len)) {
			r->failed = true;
			return;
		}
	}
}

/* --- opens ------------------------------------------------------------------------------------ */

/* Gives op's channel c a new socket pair; op->app_fd gets the app's end. Returns a Win32 code. */
static uint32_t attach_app(struct wtsd_relay *r, struct relay_chan *c, struct wtsd_relay_open *op)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return ERROR_NOT_ENOUGH_MEMORY;
	int size = SOCKET_BUF;
	for (int i = 0; i < 2; i++)
		if (setsockopt(sv[i], SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
			(void)setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
	if (epoll_ctl(r->ep, EPOLL_CTL_ADD, sv[0], &ev) < 0) {
		close(sv[0]);
		close(sv[1]);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	c->fd = sv[0];
	c->out_armed = false;
	r->held += c->held; /* what a static channel kept before its app came */
	op->app_fd = sv[1];
	op->vc_flags = c->dynamic ? OWTS_VC_F_DYNAMIC | OWTS_VC_F_SHOW_PROTOCOL
	                          : ((c->options & CHANNEL_OPTION_SHOW_PROTOCOL)
	                                     ? OWTS_VC_F_SHOW_PROTOCOL
	                                     : 0);
	op->options = c->dynamic ? 0 : c->options;
	WLog_INFO(TAG, "session %u: %s channel \"%s\" opened by pid %d", r->session_id,
	          c->dynamic ? "dynamic" : "static", c->name, (int)op->pid);
	if (!flush_app(r, c))
		detach_app(r, c, "the app closed it");
	return ERROR_SUCCESS;
}

static void finish_open(struct wtsd_relay_open *op, uint32_t status)
{
	if (status && op->app_fd >= 0) {
		close(op->app_fd);
		op->app_fd = -1;
	}
	op->done(op, status);
}

static void open_static(struct wtsd_relay *r, struct wtsd_relay_open *op)
{
	struct relay_chan *c = relay_client_static_by_name(r, op->name);
	if (!c) {
		finish_open(op, ERROR_FILE_NOT_FOUND);
		return;
	}
	if (c->fd >= 0) {
		finish_open(op, ERROR_BUSY);
		return;
	}
	finish_open(op, attach_app(r, c, op));
}

/* A dynamic open waits for drdynvc, then for the client's answer (relay_client_poll_opens). */
static void open_dynamic(struct wtsd_relay *r, struct wtsd_relay_open *op)
{
	if (!op->deadline_ms)
		op->deadline_ms = owts_monotonic_ms() + OPEN_TIMEOUT_MS;
	uint32_t err = relay_client_open_dvc(r, op);
	if (err == ERROR_IO_PENDING) {
		op->next = r->waiting;
		r->waiting = op;
		return;
	}
	if (err)
		finish_open(op, err);
}

static void run_opens(struct wtsd_relay *r)
{
	uint64_t one;
	(void)!read(r->wake, &one, sizeof(one));
	pthread_mutex_lock(&r->lock);
	struct wtsd_relay_open *list = r->posted;
	r->posted = NULL;
	pthread_mutex_unlock(&r->lock);
	/* Earlier requests that still wait (drdynvc not ready) go first. */
	struct wtsd_relay_open *waiting = r->waiting;
	r->waiting = NULL;
	for (struct wtsd_relay_open *op = waiting, *next; op; op = next) {
		next = op->next;
		if (owts_monotonic_ms() > op->deadline_ms)
			finish_open(op, ERROR_TIMEOUT);
		else
			open_dynamic(r, op);
	}
	for (struct wtsd_relay_open *op = list, *next; op; op = next) {
		next = op->next;
		if (op->flags & WTS_CHANNEL_OPTION_DYNAMIC)
			open_dynamic(r, op);
		else
			open_static(r, op);
	}
}

/* Called by relay_client.c when the client answered a dynamic open (status 0: accepted). */
void relay_open_answered(struct wtsd_relay *r, struct relay_chan *c, uint32_t status)
{
	struct wtsd_relay_open *op = c->opening;
	c->opening = NULL;
	if (status) {
		WLog_INFO(TAG, "session %u: dynamic channel \"%s\" for pid %d: %s", r->session_id,
		          c->name, (int)op->pid,
		          status == ERROR_TIMEOUT ? "the client did not answer" : "refused by the client");
		relay_chan_free(r, c, "not opened");
		finish_open(op, status);
		return;
	}
	status = attach_app(r, c, op);
	if (status)
		relay_chan_free(r, c, "not opened");
	finish_open(op, status);
}

/* --- the turn --------------------------------------------------------------------------------- */

bool wtsd_relay_check(struct wtsd_relay *r)
{
	struct epoll_event evs[32];
	int n = epoll_wait(r->ep, evs, 32, 0);
	for (int i = 0; i < n; i++) {
		struct relay_chan *c = evs[i].data.ptr;
		if (!c) {
			run_opens(r);
			continue;
		}
		/* c may have been freed by an earlier event of this turn: look it up. */
		bool live = false;
		for (struct relay_chan *x = r->chans; x; x = x->next)
			live |= x == c;
		if (!live || c->fd < 0)
			continue;
		if ((evs[i].events & EPOLLOUT) && !flush_app(r, c))
			detach_app(r, c, "the app closed it");
		if (c->fd >= 0 && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
			from_app(r, c);
		if (c->fd < 0 && c->dynamic)
			relay_chan_free(r, c, "the app closed it");
	}
	if (r->waiting)
		run_opens(r);
	relay_client_poll(r);
	if (r->flush_due) {
		/* What the turn brought goes to the apps: packets of many records, many packets a
		 * system call. */
		r->flush_due = false;
		for (struct relay_chan *c = r->chans; c; c = c->next) {
			close_packet(r, c);
			if (c->fd >= 0 && c->q && !c->out_armed && !flush_app(r, c))
				detach_app(r, c, "the app closed it");
		}
	}
	update_throttle(r);
	return !r->failed;
}

void wtsd_relay_free(struct wtsd_relay *r)
{
	if (!r)
		return;
	relay_client_unhook(r);
	while (r->chans) {
		struct relay_chan *c = r->chans;
		if (c->opening) {
			struct wtsd_relay_open *op = c->opening;
			c->opening = NULL;
			finish_open(op, ERROR_FILE_NOT_FOUND);
		}
		relay_chan_free(r, c, "the connection ended");
	}
	pthread_mutex_lock(&r->lock);
	struct wtsd_relay_open *lists[2] = { r->posted, r->waiting };
	r->posted = r->waiting = NULL;
	pthread_mutex_unlock(&r->lock);
	for (int i = 0; i < 2; i++) {
		for (struct wtsd_relay_open *op = lists[i], *next; op; op = next) {
			next = op->next;
			finish_open(op, ERROR_FILE_NOT_FOUND);
		}
	}
	free(r->dvc_buf);
	if (r->event)
		CloseHandle(r->event);
	if (r->ep >= 0)
		close(r->ep);
	if (r->wake >= 0)
		close(r->wake);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
