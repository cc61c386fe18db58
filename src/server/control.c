/*
 * control.c — wtsd's control socket: accept, authenticate by SO_PEERCRED, frame I/O.
 *
 * Single-threaded on epoll. Each client has an input buffer (requests are small: at most
 * REQUEST_MAX bytes, a larger frame closes the connection) and an output buffer written as the
 * socket accepts it, so a client that stops reading delays nobody else. A malformed frame closes
 * that connection and nothing more.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <winpr/wlog.h>

#include "owts_error.h"
#include "wtsd.h"

#define TAG "openwts.wtsd.control"

#define REQUEST_MAX (64u * 1024u)
#define CLIENTS_MAX 1024

struct client {
	struct client *prev, *next; /* all clients, for shutdown */
	int fd;
	struct wtsd_peer peer;
	uint8_t *in;
	size_t in_len, in_cap;
	uint8_t *out;
	size_t out_len, out_pos;
	bool eof; /* the client shut down its side: answer what it sent, then close */
	int pass_fd;    /* a descriptor to send with the reply at out[pass_at], -1: none */
	size_t pass_at;
};

static int nclients;
static struct client *clients;

struct wtsd_pending {
	struct wtsd_pending *prev, *next; /* all pending replies */
	struct client *c;
	uint16_t op;
	uint32_t id;
	wtsd_cancel_fn cancel;
	void *ctx;
};

static struct wtsd_pending *pendings;

static int flush_out(struct wtsd *d, struct client *c);

static void pending_unlink(struct wtsd_pending *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		pendings = p->next;
	if (p->next)
		p->next->prev = p->prev;
}
static char listener_tag; /* epoll tag of the listening socket */

int wtsd_control_open(struct wtsd *d)
{
	const char *path = d->cfg.socket_path;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* A stale socket from a previous run: remove it only if nobody answers on it. */
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(probe);
			close(fd);
			return -EADDRINUSE;
		}
		if (probe >= 0)
			close(probe);
		(void)unlink(path);
	}
	/* Bind and listen under a temporary name, then rename: the socket appears at its path only
	 * once it accepts connections, so nobody who sees the file gets ECONNREFUSED. */
	struct sockaddr_un tmp = sa;
	int n = snprintf(tmp.sun_path, sizeof(tmp.sun_path), "%s.%d", path, (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp.sun_path)) {
		close(fd);
		return -ENAMETOOLONG;
	}
	(void)unlink(tmp.sun_path);
	mode_t old = umask(0);
	int r = bind(fd, (struct sockaddr *)&tmp, sizeof(tmp));
	umask(old);
	/* Every local user may connect (0666): each request is authorised from SO_PEERCRED. */
	if (r < 0 || chmod(tmp.sun_path, 0666) < 0 || listen(fd, 128) < 0 ||
	    rename(tmp.sun_path, path) < 0) {
		r = -errno;
		(void)unlink(tmp.sun_path);
		close(fd);
		return r;
	}
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &listener_tag };
	if (epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	d->listen_fd = fd;
	return 0;
}

static void client_free(struct wtsd *d, struct client *c)
{
	/* Replies still owed to this client are cancelled: their keepers drop them. */
	for (struct wtsd_pending *p = pendings, *next; p; p = next) {
		next = p->next;
		if (p->c != c)
			continue;
		pending_unlink(p);
		if (p->cancel)
			p->cancel(p->ctx, p);
		free(p);
	}
	(void)epoll_ctl(d->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
	if (c->prev)
		c->prev->next = c->next;
	else
		clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	close(c->fd);
	if (c->pass_fd >= 0)
		close(c->pass_fd);
	free(c->in);
	free(c->out);
	free(c);
	nclients--;
}

static bool in_group(const gid_t *groups, int n, gid_t gid)
{
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

static bool peer_privileged(struct wtsd *d, int fd, const struct ucred *cred)
{
	if (cred->uid == 0)
		return true;
	if (d->admin_gid == (gid_t)-1)
		return false;
	if (cred->gid == d->admin_gid)
		return true;
	gid_t groups[256];
	socklen_t len = sizeof(groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
		return false;
	return in_group(groups, (int)(len / sizeof(gid_t)), d->admin_gid);
}

static void accept_clients(struct wtsd *d)
{
	for (;;) {
		int fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				WLog_WARN(TAG, "accept: %s", strerror(errno));
			return;
		}
		struct ucred cred;
		socklen_t len = sizeof(cred);
		struct client *c = NULL;
		if (nclients >= CLIENTS_MAX ||
		    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
		    !(c = calloc(1, sizeof(*c)))) {
			WLog_WARN(TAG, "refusing a client (%d connected)", nclients);
			close(fd);
			continue;
		}
		c->fd = fd;
		c->pass_fd = -1;
		c->peer.pid = cred.pid;
		c->peer.uid = cred.uid;
		c->peer.gid = cred.gid;
		c->peer.privileged = peer_privileged(d, fd, &cred);
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
		nclients++;
		c->next = clients;
		if (clients)
			clients->prev = c;
		clients = c;
		if (epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
			client_free(d, c);
	}
}

/* Appends the frame in w to c's output. Returns 0 or -errno. */
static int queue_reply(struct client *c, struct owts_writer *w)
{
	const uint8_t *buf;
	size_t len;
	int r = owts_writer_finish(w, &buf, &len);
	if (r < 0) {
		/* The reply would not fit: say so instead. */
		owts_writer_fail(w, owts_errno_to_win32(r));
		r = owts_writer_finish(w, &buf, &len);
	}
	if (r == 0) {
		uint8_t *out = realloc(c->out, c->out_len + len);
		if (!out) {
			r = -ENOMEM;
		} else {
			memcpy(out + c->out_len, buf, len);
			c->out = out;
			c->out_len += len;
		}
	}
	return r;
}

/* Queues the reply to frame f (none yet if the handler deferred it). Returns 0 or -errno. */
static int handle_frame(struct wtsd *d, struct client *c, const struct owts_frame *f)
{
	struct owts_writer w;
	if (owts_writer_begin(&w, f->op, f->id, 0) < 0)
		return -ENOMEM;
	c->peer.client = c;
	c->peer.op = f->op;
	c->peer.id = f->id;
	uint32_t status = wtsd_dispatch(d, &c->peer, f, &w);
	if (status == WTSD_STATUS_DEFERRED) {
		owts_writer_free(&w);
		return 0;
	}
	if (status)
		owts_writer_fail(&w, status);
	int r = queue_reply(c, &w);
	owts_writer_free(&w);
	return r;
}

struct wtsd_pending *wtsd_control_defer(struct wtsd *d, const struct wtsd_peer *peer,
                                        wtsd_cancel_fn cancel, void *ctx)
{
	(void)d;
	struct wtsd_pending *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->c = peer->client;
	p->op = peer->op;
	p->id = peer->id;
	p->cancel = cancel;
	p->ctx = ctx;
	p->next = pendings;
	if (pendings)
		pendings->prev = p;
	pendings = p;
	return p;
}

void wtsd_control_complete_fd(struct wtsd *d, struct wtsd_pending *p, uint32_t status,
                              const void *body, size_t len, int fd)
{
	struct owts_writer w;
	struct client *c = p->c;
	pending_unlink(p);
	if (fd >= 0 && (status || c->pass_fd >= 0)) {
		/* A failed reply carries nothing; one descriptor in flight per client is enough for
		 * the one-request connections of the library. */
		close(fd);
		fd = -1;
		status = status ? status : ERROR_BUSY;
	}
	if (owts_writer_begin(&w, p->op, p->id, status) == 0) {
		if (!status)
			owts_write_bytes(&w, body, len);
		size_t at = c->out_len;
		int r = queue_reply(c, &w);
		if (r == 0 && fd >= 0) {
			c->pass_fd = fd;
			c->pass_at = at;
			fd = -1;
		}
		if (r < 0 || flush_out(d, c) < 0)
			c->eof = true; /* could not answer: the connection ends below */
		owts_writer_free(&w);
	}
	if (fd >= 0)
		close(fd);
	free(p);
	/* A client that is done goes from its own event (EPOLLOUT fires at once), never from here:
	 * the caller may be walking a list of pendings, or the main loop may still hold c in the
	 * events of this turn. */
	if (c->eof && !c->out_len) {
		struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
		if (epoll_ctl(d->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
			client_free(d, c);
	}
}

void wtsd_control_complete(struct wtsd *d, struct wtsd_pending *p, uint32_t status,
                           const void *body, size_t len)
{
	wtsd_control_complete_fd(d, p, status, body, len, -1);
}

int wtsd_control_push(struct wtsd *d, struct wtsd_pending *p, const void *body, size_t len)
{
	struct owts_writer w;
	if (owts_writer_begin(&w, p->op, p->id, 0) < 0)
		return -ENOMEM;
	owts_write_bytes(&w, body, len);
	/* On failure the client stays: a dead socket is reaped by the main loop (EPOLLHUP). */
	int r = queue_reply(p->c, &w);
	owts_writer_free(&w);
	return r < 0 ? r : flush_out(d, p->c);
}

/* Sends out[pos..end), with the pending descriptor when pos is where it belongs. */
static ssize_t send_out(struct client *c)
{
	size_t end = c->out_len;
	if (c->pass_fd >= 0 && c->out_pos < c->pass_at)
		end = c->pass_at; /* the descriptor goes with the first byte of its frame */
	if (c->pass_fd < 0 || c->out_pos != c->pass_at)
		return send(c->fd, c->out + c->out_pos, end - c->out_pos, MSG_NOSIGNAL);
	union {
		struct cmsghdr align;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct iovec iov = { .iov_base = c->out + c->out_pos, .iov_len = end - c->out_pos };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.space,
		             .msg_controllen = sizeof(ctl.space) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &c->pass_fd, sizeof(int));
	ssize_t n = sendmsg(c->fd, &mh, MSG_NOSIGNAL);
	if (n > 0) {
		close(c->pass_fd); /* the client has its copy */
		c->pass_fd = -1;
	}
	return n;
}

static int flush_out(struct wtsd *d, struct client *c)
{
	while (c->out_pos < c->out_len) {
		ssize_t n = send_out(c);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return -errno;
			/* After EOF the socket stays readable: wait for writability only. */
			struct epoll_event ev = { .events = c->eof ? EPOLLOUT : EPOLLIN | EPOLLOUT,
				                  .data.ptr = c };
			return epoll_ctl(d->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev) < 0 ? -errno : 0;
		}
		c->out_pos += (size_t)n;
	}
	free(c->out);
	c->out = NULL;
	c->out_len = c->out_pos = 0;
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
	return epoll_ctl(d->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev) < 0 ? -errno : 0;
}

/* Reads what is available and handles every complete frame. Returns 0, or < 0 to close. */
static int read_in(struct wtsd *d, struct client *c)
{
	for (;;) {
		if (c->in_len == c->in_cap) {
			size_t cap = c->in_cap ? c->in_cap * 2 : 4096;
			if (cap > REQUEST_MAX)
				return -EMSGSIZE;
			uint8_t *in = realloc(c->in, cap);
			if (!in)
				return -ENOMEM;
			c->in = in;
			c->in_cap = cap;
		}
		ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
		if (n == 0) {
			c->eof = true;
			break;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			return -errno;
		}
		c->in_len += (size_t)n;
	}
	size_t off = 0;
	for (;;) {
		struct owts_frame f;
		size_t avail = c->in_len - off;
		/* Refuse an oversized request as soon as its length is known, not after 64 KiB. */
		if (avail >= OWTS_FRAME_HEADER && owts_frame_length(c->in + off) > (long)REQUEST_MAX)
			return -EMSGSIZE;
		long total = owts_frame_decode(c->in + off, avail, &f);
		if (total < 0)
			return -EBADMSG;
		if (total == 0)
			break;
		int r = handle_frame(d, c, &f);
		if (r < 0)
			return r;
		off += (size_t)total;
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
	int r = c->out_len ? flush_out(d, c) : 0;
	/* After the client's shutdown: close once every reply is out. */
	if (r == 0 && c->eof && !c->out_len)
		return -ECONNRESET;
	return r;
}

void wtsd_control_event(struct wtsd *d, void *tag, uint32_t events)
{
	if (tag == &listener_tag) {
		accept_clients(d);
		return;
	}
	struct client *c = tag;
	int r = 0;
	if (events & EPOLLOUT) {
		r = flush_out(d, c);
		if (r == 0 && c->eof && !c->out_len)
			r = -ECONNRESET;
	}
	if (r == 0 && !c->eof && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		r = read_in(d, c);
	if (r < 0) {
		if (r == -EBADMSG || r == -EMSGSIZE)
			WLog_WARN(TAG, "closing client pid %d uid %u: malformed request",
			          (int)c->peer.pid, (unsigned)c->peer.uid);
		client_free(d, c);
	}
}

void wtsd_control_close(struct wtsd *d)
{
	while (clients)
		client_free(d, clients);
	if (d->listen_fd >= 0) {
		close(d->listen_fd);
		(void)unlink(d->cfg.socket_path);
	}
	d->listen_fd = -1;
}
