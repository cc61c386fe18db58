/*
 * wts_events.c — WTSWaitSystemEvent, the OpenWTSEvent* descriptor extension (openwts/events.h)
 * and the subscription both it and the window notifications (wts_notify.c) stand on.
 *
 * Unlike every other call, these keep a connection to wtsd open for as long as they wait or
 * listen: WTSWaitSystemEvent legitimately blocks forever, so its connection has no receive
 * timeout, and a subscription is a stream of frames on one connection (docs/internals/
 * protocol.md, EVENT_WAIT and EVENT_SUBSCRIBE). WTS_EVENT_FLUSH is scoped to the calling process
 * and the server handle value, which the request carries: wtsd releases the waits of the same
 * process on the same handle, Windows' "all pending waits on that server handle".
 *
 * The descriptors handed out by OpenWTSEventOpen are kept in a table, so a read or close of any
 * other descriptor is refused (ERROR_INVALID_HANDLE) instead of consuming someone else's bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <wtsapi32.h>
#include <openwts/events.h>

#include "owts_client.h"
#include "wts_private.h"

#define ACK_TIMEOUT_SEC 30

/* Sends the request in *w on fd and receives one frame into *buf / *f, checking its op. */
static DWORD exchange(int fd, struct owts_writer *w, uint8_t **buf, struct owts_frame *f)
{
	const uint8_t *req;
	size_t len;
	int r = owts_writer_finish(w, &req, &len);
	if (r < 0)
		return owts_errno_to_win32(r);
	r = owts_client_send(fd, req, len);
	if (r == 0)
		r = owts_client_recv(fd, buf, f);
	return r < 0 ? wts_transport_error(r) : ERROR_SUCCESS;
}

/* The status of a reply frame to op (request id 1); a frame of another op or id is malformed. */
static DWORD frame_status(const struct owts_frame *f, uint16_t op)
{
	if (f->op != op || f->id != 1)
		return OWTS_RPC_S_PROTOCOL_ERROR;
	return f->status;
}

DWORD wts_event_subscribe(uint32_t flags, int *fd_out, uint32_t *session_out)
{
	int fd = owts_client_open();
	if (fd < 0)
		return wts_transport_error(fd);
	/* The acknowledgement comes at once from a live daemon; do not hang on a stuck one. */
	struct timeval tv = {.tv_sec = ACK_TIMEOUT_SEC};
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	struct owts_writer w;
	uint8_t *buf = NULL;
	struct owts_frame f;
	DWORD err = ERROR_NOT_ENOUGH_MEMORY;
	if (owts_writer_begin(&w, OWTS_OP_EVENT_SUBSCRIBE, 1, 0) == 0) {
		owts_write_u32(&w, flags);
		err = exchange(fd, &w, &buf, &f);
		owts_writer_free(&w);
	}
	if (!err)
		err = frame_status(&f, OWTS_OP_EVENT_SUBSCRIBE);
	if (!err) {
		struct owts_reader r;
		owts_reader_init(&r, f.body, f.body_len);
		uint32_t session = owts_read_u32(&r);
		if (!owts_reader_done(&r))
			err = OWTS_RPC_S_PROTOCOL_ERROR;
		else if (session_out)
			*session_out = session;
	}
	free(buf);
	tv.tv_sec = 0;
	if (!err && setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		err = owts_errno_to_win32(-errno);
	if (err) {
		close(fd);
		return err;
	}
	*fd_out = fd;
	return ERROR_SUCCESS;
}

DWORD wts_event_next(int fd, uint32_t *code, uint32_t *session)
{
	uint8_t *buf = NULL;
	struct owts_frame f;
	int r = owts_client_recv(fd, &buf, &f);
	if (r < 0)
		return r == -ECONNRESET ? OWTS_RPC_S_SERVER_UNAVAILABLE : wts_transport_error(r);
	DWORD err = frame_status(&f, OWTS_OP_EVENT_SUBSCRIBE);
	if (!err) {
		struct owts_reader rd;
		owts_reader_init(&rd, f.body, f.body_len);
		*code = owts_read_u32(&rd);
		*session = owts_read_u32(&rd);
		if (!owts_reader_done(&rd))
			err = OWTS_RPC_S_PROTOCOL_ERROR;
	}
	free(buf);
	return err;
}

static void close_fd(void *arg)
{
	close(*(int *)arg);
}

/* One EVENT_WAIT on its own connection: blocks until wtsd answers. */
static DWORD wait_event(uint32_t mask, uint32_t scope, uint32_t *flags)
{
	int fd = owts_client_open();
	if (fd < 0)
		return wts_transport_error(fd);
	DWORD err = ERROR_NOT_ENOUGH_MEMORY;
	uint8_t *buf = NULL;
	struct owts_frame f;
	struct owts_writer w;
	/* recv is a cancellation point: a cancelled waiter leaves no descriptor behind. */
	pthread_cleanup_push(close_fd, &fd);
	if (owts_writer_begin(&w, OWTS_OP_EVENT_WAIT, 1, 0) == 0) {
		owts_write_u32(&w, mask);
		owts_write_u32(&w, scope);
		err = exchange(fd, &w, &buf, &f);
		owts_writer_free(&w);
	}
	pthread_cleanup_pop(1);
	if (!err)
		err = frame_status(&f, OWTS_OP_EVENT_WAIT);
	if (!err) {
		struct owts_reader r;
		owts_reader_init(&r, f.body, f.body_len);
		*flags = owts_read_u32(&r);
		if (!owts_reader_done(&r))
			err = OWTS_RPC_S_PROTOCOL_ERROR;
	}
	free(buf);
	return err;
}

WTS_EXPORT BOOL WINAPI WTSWaitSystemEvent(HANDLE hServer, DWORD EventMask, DWORD *pEventFlags)
{
	if (!pEventFlags)
		return wts_fail(ERROR_INVALID_PARAMETER);
	/* A mask of nothing could never be answered. */
	if (!EventMask)
		return wts_fail(ERROR_INVALID_PARAMETER);
	DWORD err = wts_handle_check(hServer);
	if (err)
		return wts_fail(err);
	uint32_t flags = 0;
	err = wait_event(EventMask, (uint32_t)(uintptr_t)hServer, &flags);
	if (err)
		return wts_fail(err);
	*pEventFlags = flags;
	return TRUE;
}

/* --- OpenWTSEvent*: the descriptors handed out ---------------------------------------------- */

static pthread_mutex_t fds_lock = PTHREAD_MUTEX_INITIALIZER;
static int *fds; /* guarded by fds_lock */
static size_t nfds, capfds;

/* Fails an int-returning export: sets the last error, returns -1. */
static int fail_fd(DWORD err)
{
	wts_fail(err);
	return -1;
}

/* Index of fd in fds, or -1; fds_lock held. */
static long fd_find(int fd)
{
	for (size_t i = 0; i < nfds; i++)
		if (fds[i] == fd)
			return (long)i;
	return -1;
}

static bool fd_known(int fd)
{
	pthread_mutex_lock(&fds_lock);
	bool known = fd >= 0 && fd_find(fd) >= 0;
	pthread_mutex_unlock(&fds_lock);
	return known;
}

WTS_EXPORT int CDECL OpenWTSEventOpen(HANDLE hServer, DWORD dwFlags)
{
	if (dwFlags > NOTIFY_FOR_ALL_SESSIONS)
		return fail_fd(ERROR_INVALID_PARAMETER);
	DWORD err = wts_handle_check(hServer);
	if (err)
		return fail_fd(err);
	int fd;
	err = wts_event_subscribe(dwFlags, &fd, NULL);
	if (err)
		return fail_fd(err);
	pthread_mutex_lock(&fds_lock);
	if (nfds == capfds) {
		size_t cap = capfds ? capfds * 2 : 8;
		int *p = realloc(fds, cap * sizeof(*p));
		if (!p) {
			pthread_mutex_unlock(&fds_lock);
			close(fd);
			return fail_fd(ERROR_NOT_ENOUGH_MEMORY);
		}
		fds = p;
		capfds = cap;
	}
	fds[nfds++] = fd;
	pthread_mutex_unlock(&fds_lock);
	return fd;
}

WTS_EXPORT BOOL CDECL OpenWTSEventRead(int fd, DWORD *pCode, DWORD *pSessionId)
{
	if (!pCode || !pSessionId)
		return wts_fail(ERROR_INVALID_PARAMETER);
	if (!fd_known(fd))
		return wts_fail(ERROR_INVALID_HANDLE);
	uint32_t code, session;
	DWORD err = wts_event_next(fd, &code, &session);
	if (err)
		return wts_fail(err);
	*pCode = code;
	*pSessionId = session;
	return TRUE;
}

WTS_EXPORT void CDECL OpenWTSEventClose(int fd)
{
	pthread_mutex_lock(&fds_lock);
	long i = fd >= 0 ? fd_find(fd) : -1;
	if (i >= 0) {
		fds[i] = fds[--nfds];
		close(fd);
	}
	pthread_mutex_unlock(&fds_lock);
}
