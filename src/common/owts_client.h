/*
 * owts_client.h — one request, one reply over the wtsd control socket, for the library and the
 * tools.
 *
 * Each call opens its own connection: no shared connection state to lock, nothing to repair
 * after fork(), and a daemon restart between two calls is invisible. connect() to a socket nobody
 * listens on fails at once; a daemon that accepts but never answers is bounded by send and
 * receive timeouts, so no call hangs.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OWTS_CLIENT_H
#define OWTS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "owts_wire.h"

/*
 * Sends the request frame req[0..len) to the wtsd of owts_socket_path() and receives its reply.
 * On success *reply_buf (free() it) holds the reply and *reply points into it; the reply's op and
 * id are checked against the request. Returns 0 or -errno: -ENOENT / -ECONNREFUSED when no
 * daemon listens, -EAGAIN on timeout, -EBADMSG for a malformed reply.
 */
int owts_client_call(const uint8_t *req, size_t len, uint8_t **reply_buf, struct owts_frame *reply);

/*
 * Completes the request built in *w (owts_writer_finish) and exchanges it as owts_client_call.
 * The writer stays owned by the caller. Returns 0 or -errno.
 */
int owts_client_request(struct owts_writer *w, uint8_t **reply_buf, struct owts_frame *reply);

/*
 * owts_client_request for a reply that carries a descriptor (SCM_RIGHTS, e.g. a channel socket):
 * *passed receives it (close-on-exec; the caller owns it), or -1 when the reply has none. On
 * failure *passed is -1 and nothing leaks. Returns 0 or -errno.
 */
int owts_client_request_fd(struct owts_writer *w, uint8_t **reply_buf, struct owts_frame *reply,
                           int *passed);

/*
 * A connection that outlives one call (a wait for an event, a subscription): connected to the
 * wtsd of owts_socket_path(), without a receive timeout (sends keep theirs). Returns the socket
 * (close it) or -errno as owts_client_call.
 */
int owts_client_open(void);
/* Sends all of req[0..len) on fd. Returns 0 or -errno. */
int owts_client_send(int fd, const uint8_t *req, size_t len);
/*
 * Receives one frame from fd, blocking until it is complete. On success *buf (free() it) holds it
 * and *f points into it. Returns 0, -ECONNRESET when the daemon closed the connection, -EBADMSG,
 * or -errno.
 */
int owts_client_recv(int fd, uint8_t **buf, struct owts_frame *f);

#endif /* OWTS_CLIENT_H */
