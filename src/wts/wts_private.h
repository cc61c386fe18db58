/*
 * wts_private.h — internals of libwtsapi32 shared by its source files. Nothing here is exported
 * (the version script exports the Windows names only).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTS_PRIVATE_H
#define WTS_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <winpr/wtypes.h>
#include <winpr/error.h>

#include "owts_error.h"
#include "owts_records.h"
#include "owts_vc.h"
#include "owts_wire.h"

#define WTS_EXPORT __attribute__((visibility("default")))

/*
 * Ends a failing exported function: SetLastError(err), the one call site STYLE.md allows, and
 * returns FALSE. wts_fail_null() is the same for functions returning a HANDLE or pointer.
 */
BOOL wts_fail(DWORD err);
void *wts_fail_null(DWORD err);
/* Ends a succeeding exported function that Windows documents as setting the last error to 0. */
BOOL wts_ok(void);
/*
 * Ends an enumerating function: on err fails with it; otherwise hands the block and its entry
 * count to the caller's outputs (written only now, on success) and succeeds with wts_ok().
 */
BOOL wts_return_list(DWORD err, void *block, uint32_t count, void **out, DWORD *pCount);

/* --- server handles (wts_handle.c) --------------------------------------------------------- */

/*
 * A server handle is an encoded {magic, generation, slot} in a process-wide table, never a
 * pointer: a stale or forged handle is detected and gives ERROR_INVALID_HANDLE.
 * WTS_CURRENT_SERVER_HANDLE (NULL) is the local server.
 */
HANDLE wts_handle_new(void);
/* Releases h. Returns ERROR_SUCCESS or ERROR_INVALID_HANDLE. */
DWORD wts_handle_close(HANDLE h);
/* ERROR_SUCCESS if h is WTS_CURRENT_SERVER_HANDLE or an open server handle, else ERROR_INVALID_HANDLE. */
DWORD wts_handle_check(HANDLE h);

/* --- daemon calls (wts_ipc.c) -------------------------------------------------------------- */

/* A decoded reply; reader positioned at the start of its body. Owns its buffer. */
struct wts_reply {
	uint8_t *buf;
	struct owts_frame frame;
	struct owts_reader r;
};

/*
 * Sends the request built in *req (from owts_writer_begin with op) to wtsd and waits for the
 * reply. Returns ERROR_SUCCESS with *reply filled (free with wts_reply_free), the daemon's status
 * (reply freed already), RPC_S_SERVER_UNAVAILABLE if no daemon listens, or RPC_S_CALL_FAILED /
 * RPC_S_PROTOCOL_ERROR for a broken exchange. Never waits more than the call timeout.
 */
DWORD wts_call(struct owts_writer *req, struct wts_reply *reply);
/* Same for a request without body. */
DWORD wts_call_simple(uint16_t op, struct wts_reply *reply);
void wts_reply_free(struct wts_reply *reply);
/* The Win32 code of a failed exchange with wtsd (-errno of owts_client_*): RPC_S_SERVER_UNAVAILABLE
 * when no daemon listens, RPC_S_CALL_FAILED for a broken connection, ... */
DWORD wts_transport_error(int r);

/* --- result blocks (wts_block.c) ----------------------------------------------------------- */

/*
 * One allocation holding an array of fixed records followed by the strings and SIDs they point
 * to, so that WTSFreeMemory / WTSFreeMemoryEx free it with one call. Built in two passes: size
 * everything with wts_block_reserve_*, then wts_block_alloc, then place with wts_block_put_*.
 */
struct wts_block {
	uint8_t *base;
	size_t size;
	size_t fixed; /* bytes of the record array at the start */
	size_t cursor;
	bool wide;
};

void wts_block_init(struct wts_block *b, size_t fixed, bool wide);
void wts_block_reserve_str(struct wts_block *b, const char *utf8);
void wts_block_reserve(struct wts_block *b, size_t bytes);
/* Returns ERROR_SUCCESS or ERROR_NOT_ENOUGH_MEMORY. The record array is zeroed. */
DWORD wts_block_alloc(struct wts_block *b);
/* Places a string (A: UTF-8, W: UTF-16) and returns its address (LPSTR or LPWSTR). */
void *wts_block_put_str(struct wts_block *b, const char *utf8);
void *wts_block_put(struct wts_block *b, const void *data, size_t bytes);
/* Size in bytes of utf8 as an A or W string, terminator included. */
size_t wts_str_bytes(const char *utf8, bool wide);
/* Copies utf8 into a fixed A or W array of cap characters (truncating). */
void wts_str_copy(void *dst, size_t cap, const char *utf8, bool wide);

/* Converts an A or W server / user name argument to UTF-8. Returns ERROR_SUCCESS or
 * ERROR_INVALID_PARAMETER (too long). NULL gives "". */
DWORD wts_arg_utf8(const void *arg, bool wide, char *out, size_t size);

/* --- events (wts_events.c) ----------------------------------------------------------------- */

/*
 * Opens an EVENT_SUBSCRIBE stream with flags (NOTIFY_FOR_*) and waits for wtsd's
 * acknowledgement, so every notification after the return reaches *fd_out (a blocking socket
 * without receive timeout; close() it). *session_out (may be NULL) gets the caller's session as
 * wtsd sees it. Returns ERROR_SUCCESS or the Win32 error (RPC_S_SERVER_UNAVAILABLE: no wtsd).
 */
DWORD wts_event_subscribe(uint32_t flags, int *fd_out, uint32_t *session_out);
/*
 * Receives the next notification of a subscription: *code (WM_WTSSESSION_CHANGE code) and
 * *session, written only on success. Blocks. RPC_S_SERVER_UNAVAILABLE once wtsd has gone.
 */
DWORD wts_event_next(int fd, uint32_t *code, uint32_t *session);

/* --- server channel handles (wts_vchannel.c; I/O in wts_vchannel_io.c) ----------------------- */

/*
 * One open server-side channel (WTSVirtualChannelOpen/Ex): the channel socket wtsd passed with its
 * reply (src/common/owts_vc.h) and what the reply said. Reached only through an encoded handle
 * (wts_channel_get); freed when the handle is closed and the last call using it has returned.
 */
struct wts_channel {
	int fd;                     /* the channel socket; closed with the last reference */
	uint32_t flags;             /* OWTS_VC_F_* of wtsd's reply; fixed after open */
	uint32_t options;           /* the client's CHANNEL_OPTION_* (static channels); fixed */
	uint32_t session_id;        /* the session wtsd resolved; fixed */
	char name[OWTS_VC_NAME_MAX]; /* the name as the app passed it; fixed */
	pthread_mutex_t write_lock; /* the packets of one message, or one purge request, at a time */
	pthread_mutex_t read_lock;  /* the packet being read and the buffer below, or a purge */
	uint8_t *rbuf;              /* a peeked packet (OWTS_VC_PACKET_MAX bytes); read_lock */
	size_t rlen, roff;          /* its length, and the offset of its next record; read_lock */
	HANDLE event;               /* WTSVirtualEventHandle, made on first query; table lock */
	unsigned refs;              /* the table's reference plus calls in progress; table lock */
};

/*
 * Looks up a channel handle and takes a reference (release it with wts_channel_put). Returns
 * ERROR_SUCCESS or ERROR_INVALID_HANDLE (NULL, closed, stale, forged, another kind of handle).
 */
DWORD wts_channel_get(HANDLE h, struct wts_channel **out);
/* Drops a reference; the last one closes the event handle and the socket and frees ch. */
void wts_channel_put(struct wts_channel *ch);
/*
 * The channel's WinPR event handle (CreateFileDescriptorEvent on the socket, readable = signalled),
 * made on first use and owned by the channel. Returns NULL when it cannot be made.
 */
HANDLE wts_channel_event(struct wts_channel *ch);

/* --- shared pieces ------------------------------------------------------------------------- */

/* Queries one session record; session may be WTS_CURRENT_SESSION. */
DWORD wts_session_get(uint32_t session_id, struct owts_session *out);
/* Session of a process, as ProcessIdToSessionId. */
DWORD wts_process_session(uint32_t pid, uint32_t *session_id);

#endif /* WTS_PRIVATE_H */
