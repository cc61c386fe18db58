/*
 * wts_vchannel.c — server-side virtual channels, the app's side: WTSVirtualChannelOpen/OpenEx,
 * WTSVirtualChannelClose and WTSVirtualChannelQuery, and the table of channel handles. Reads,
 * writes and purges are in wts_vchannel_io.c (docs/internals/vchannels.md, "The app side").
 *
 * Opening sends OWTS_OP_CHANNEL_OPEN to wtsd, which checks the session, the caller's rights and
 * the client's channels, and answers with the channel socket (SCM_RIGHTS): one AF_UNIX
 * SOCK_SEQPACKET socket per open channel (src/common/owts_vc.h). From then on the data never
 * crosses the control socket, and closing the socket is how the app closes the channel.
 *
 * A channel handle is an encoded {magic 0x5C, generation, slot}, like a server handle
 * (wts_handle.c) but in its own table with its own tag, so a server handle, a closed, stale or
 * forged value gives ERROR_INVALID_HANDLE and never a use-after-free. Each slot points to a
 * refcounted struct wts_channel: every call takes a reference for its duration, so a close in
 * another thread never frees a channel under a running read or write; the close shuts the socket
 * down at once, which wakes such calls (they fail with ERROR_BROKEN_PIPE) and tells wtsd.
 *
 * No WLog here: initialising WLog on first use changes the caller's last error (WinPR reads its
 * WLOG_* variables with GetEnvironmentVariable), and these functions leave it alone on success.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <winpr/handle.h>
#include <winpr/synch.h>
#include <wtsapi32.h>

#include "owts_client.h"
#include "owts_handle.h"
#include "wts_private.h"

#define MAGIC 0x5Cu /* channel handles; server handles use 0x5A (owts_handle.h) */
#define SLOTS OWTS_HANDLE_SLOTS_MAX

/* The flags WTSVirtualChannelOpenEx accepts: DYNAMIC, one PRI_* value and NO_COMPRESS. */
#define OPEN_FLAGS                                                                                 \
	(WTS_CHANNEL_OPTION_DYNAMIC | WTS_CHANNEL_OPTION_DYNAMIC_PRI_REAL |                        \
	 WTS_CHANNEL_OPTION_DYNAMIC_NO_COMPRESS)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct
{
	uint16_t gen;           /* guarded by lock */
	struct wts_channel *ch; /* NULL: free; guarded by lock */
} slots[SLOTS];

static HANDLE encode(uint32_t slot, uint32_t gen)
{
	return (HANDLE)(uintptr_t)owts_handle_encode(MAGIC, gen, slot);
}

/* Returns the slot of h if h is an open channel handle; lock must be held. */
static long lookup(HANDLE h)
{
	uint16_t gen;
	long slot = owts_handle_decode((uintptr_t)h, MAGIC, SLOTS, &gen);
	return slot >= 0 && slots[slot].ch && slots[slot].gen == gen ? slot : -1;
}

/* Frees a channel with no reference left (also a half-built one: fd -1, no event). */
static void channel_free(struct wts_channel *ch)
{
	if (ch->event)
		(void)CloseHandle(ch->event); /* attached to fd: does not close it */
	if (ch->fd >= 0)
		close(ch->fd);
	pthread_mutex_destroy(&ch->write_lock);
	pthread_mutex_destroy(&ch->read_lock);
	free(ch->rbuf);
	free(ch);
}

DWORD wts_channel_get(HANDLE h, struct wts_channel **out)
{
	DWORD err = ERROR_INVALID_HANDLE;
	pthread_mutex_lock(&lock);
	long slot = lookup(h);
	if (slot >= 0) {
		slots[slot].ch->refs++;
		*out = slots[slot].ch;
		err = ERROR_SUCCESS;
	}
	pthread_mutex_unlock(&lock);
	return err;
}

void wts_channel_put(struct wts_channel *ch)
{
	pthread_mutex_lock(&lock);
	bool last = --ch->refs == 0;
	pthread_mutex_unlock(&lock);
	if (last)
		channel_free(ch);
}

HANDLE wts_channel_event(struct wts_channel *ch)
{
	pthread_mutex_lock(&lock);
	if (!ch->event)
		ch->event = CreateFileDescriptorEvent(NULL, TRUE, FALSE, ch->fd, WINPR_FD_READ);
	HANDLE event = ch->event;
	pthread_mutex_unlock(&lock);
	return event;
}

/* Puts ch (one reference, the table's) into a free slot. Returns its handle, or NULL when all
 * SLOTS are in use. */
static HANDLE channel_insert(struct wts_channel *ch)
{
	HANDLE h = NULL;
	pthread_mutex_lock(&lock);
	for (uint32_t i = 0; i < SLOTS; i++) {
		if (!slots[i].ch) {
			slots[i].ch = ch;
			ch->refs = 1;
			h = encode(i, slots[i].gen);
			break;
		}
	}
	pthread_mutex_unlock(&lock);
	return h;
}

/* Reads wtsd's reply to CHANNEL_OPEN into ch. Returns ERROR_SUCCESS or RPC_S_PROTOCOL_ERROR. */
static DWORD read_open_reply(const struct owts_frame *f, struct wts_channel *ch)
{
	struct owts_reader r;
	owts_reader_init(&r, f->body, f->body_len);
	ch->session_id = owts_read_u32(&r);
	ch->flags = owts_read_u32(&r) & (OWTS_VC_F_DYNAMIC | OWTS_VC_F_SHOW_PROTOCOL);
	ch->options = owts_read_u32(&r);
	return owts_reader_done(&r) ? ERROR_SUCCESS : OWTS_RPC_S_PROTOCOL_ERROR;
}

/*
 * Asks wtsd for the channel and receives its socket into ch->fd. Returns ERROR_SUCCESS, wtsd's
 * status, or the transport error (RPC_S_SERVER_UNAVAILABLE when no wtsd listens).
 */
static DWORD request_open(uint32_t session_id, const char *name, uint32_t flags,
                          struct wts_channel *ch)
{
	struct owts_writer w;
	if (owts_writer_begin(&w, OWTS_OP_CHANNEL_OPEN, 1, 0) < 0)
		return ERROR_NOT_ENOUGH_MEMORY;
	owts_write_u32(&w, session_id);
	owts_write_u32(&w, flags);
	owts_write_str(&w, name);
	uint8_t *buf = NULL;
	struct owts_frame f;
	int fd = -1;
	int r = owts_client_request_fd(&w, &buf, &f, &fd);
	owts_writer_free(&w);
	DWORD err;
	if (r < 0)
		err = wts_transport_error(r);
	else if (f.status != ERROR_SUCCESS)
		err = f.status;
	else if (fd < 0)
		err = OWTS_RPC_S_PROTOCOL_ERROR; /* a success without the socket */
	else
		err = read_open_reply(&f, ch);
	free(buf);
	if (err && fd >= 0)
		close(fd);
	if (!err)
		ch->fd = fd;
	return err;
}

/*
 * Opens a channel whose arguments are checked: name is 1..7 characters for a static channel
 * (flags 0), 1..259 for a dynamic one. Ends the exported function: the handle, or NULL with the
 * last error. The last error is left alone on success.
 */
static HANDLE channel_open(uint32_t session_id, const char *name, uint32_t flags)
{
	struct wts_channel *ch = calloc(1, sizeof(*ch));
	if (!ch)
		return wts_fail_null(ERROR_NOT_ENOUGH_MEMORY);
	ch->fd = -1;
	pthread_mutex_init(&ch->write_lock, NULL);
	pthread_mutex_init(&ch->read_lock, NULL);
	memcpy(ch->name, name, strlen(name) + 1);
	DWORD err = request_open(session_id, name, flags, ch);
	HANDLE h = err ? NULL : channel_insert(ch);
	if (!h) {
		channel_free(ch);
		return wts_fail_null(err ? err : ERROR_NOT_ENOUGH_MEMORY);
	}
	return h;
}

/* True if name has 1..max characters. */
static bool name_ok(const char *name, size_t max)
{
	if (!name)
		return false;
	size_t n = strnlen(name, max + 1);
	return n >= 1 && n <= max;
}

WTS_EXPORT HANDLE WINAPI WTSVirtualChannelOpen(HANDLE hServer, DWORD SessionId, LPSTR pVirtualName)
{
	if (!name_ok(pVirtualName, CHANNEL_NAME_LEN))
		return wts_fail_null(ERROR_INVALID_PARAMETER);
	DWORD err = wts_handle_check(hServer);
	if (err)
		return wts_fail_null(err);
	return channel_open(SessionId, pVirtualName, 0);
}

WTS_EXPORT HANDLE WINAPI WTSVirtualChannelOpenEx(DWORD SessionId, LPSTR pVirtualName, DWORD flags)
{
	if ((flags & ~(DWORD)OPEN_FLAGS) || (flags && !(flags & WTS_CHANNEL_OPTION_DYNAMIC)))
		return wts_fail_null(ERROR_INVALID_PARAMETER);
	size_t max = flags ? OWTS_VC_NAME_MAX - 1 : CHANNEL_NAME_LEN;
	if (!name_ok(pVirtualName, max))
		return wts_fail_null(ERROR_INVALID_PARAMETER);
	return channel_open(SessionId, pVirtualName, flags);
}

WTS_EXPORT BOOL WINAPI WTSVirtualChannelClose(HANDLE hChannelHandle)
{
	struct wts_channel *ch = NULL;
	pthread_mutex_lock(&lock);
	long slot = lookup(hChannelHandle);
	if (slot >= 0) {
		ch = slots[slot].ch;
		slots[slot].ch = NULL;
		slots[slot].gen = owts_handle_next_gen(slots[slot].gen);
	}
	pthread_mutex_unlock(&lock);
	if (!ch)
		return wts_fail(ERROR_INVALID_HANDLE);
	/* wtsd sees the end now, and calls still running on the channel in other threads wake up;
	 * the descriptor itself goes with the last reference. */
	(void)shutdown(ch->fd, SHUT_RDWR);
	wts_channel_put(ch);
	return TRUE;
}

/* --- WTSVirtualChannelQuery ---------------------------------------------------------------- */

/* A WTSFreeMemory buffer holding a copy of value[0..size). */
static DWORD give(const void *value, size_t size, PVOID *ppBuffer, DWORD *pBytesReturned)
{
	void *p = malloc(size);
	if (!p)
		return ERROR_NOT_ENOUGH_MEMORY;
	memcpy(p, value, size);
	*ppBuffer = p;
	*pBytesReturned = (DWORD)size;
	return ERROR_SUCCESS;
}

/* Answers one class for a checked channel; outputs written only on success. */
static DWORD query(struct wts_channel *ch, WTS_VIRTUAL_CLASS cls, PVOID *ppBuffer,
                   DWORD *pBytesReturned)
{
	switch ((int)cls) {
	case WTSVirtualClientData: {
		if (ch->flags & OWTS_VC_F_DYNAMIC)
			return ERROR_NOT_SUPPORTED;
		CHANNEL_DEF def;
		memset(&def, 0, sizeof(def));
		memcpy(def.name, ch->name, strnlen(ch->name, CHANNEL_NAME_LEN));
		def.options = ch->options;
		return give(&def, sizeof(def), ppBuffer, pBytesReturned);
	}
	case WTSVirtualFileHandle: {
		HANDLE fd = (HANDLE)(intptr_t)ch->fd;
		return give(&fd, sizeof(fd), ppBuffer, pBytesReturned);
	}
	case WTSVirtualEventHandle: {
		HANDLE event = wts_channel_event(ch);
		if (!event)
			return ERROR_NOT_ENOUGH_MEMORY;
		return give(&event, sizeof(event), ppBuffer, pBytesReturned);
	}
	case WTSVirtualChannelReady: {
		BOOL ready = TRUE; /* open once Open returned */
		return give(&ready, sizeof(ready), ppBuffer, pBytesReturned);
	}
	case WTSVirtualChannelOpenStatus: {
		INT32 status =
		    ERROR_SUCCESS; /* FreeRDP's creation status of a channel that opened */
		return give(&status, sizeof(status), ppBuffer, pBytesReturned);
	}
	default:
		return ERROR_INVALID_PARAMETER;
	}
}

WTS_EXPORT BOOL WINAPI WTSVirtualChannelQuery(HANDLE hChannelHandle,
                                              WTS_VIRTUAL_CLASS WtsVirtualClass, PVOID *ppBuffer,
                                              DWORD *pBytesReturned)
{
	if (!ppBuffer || !pBytesReturned)
		return wts_fail(ERROR_INVALID_PARAMETER);
	if ((unsigned)WtsVirtualClass > (unsigned)WTSVirtualChannelOpenStatus)
		return wts_fail(ERROR_INVALID_PARAMETER);
	struct wts_channel *ch;
	DWORD err = wts_channel_get(hChannelHandle, &ch);
	if (err)
		return wts_fail(err);
	err = query(ch, WtsVirtualClass, ppBuffer, pBytesReturned);
	wts_channel_put(ch);
	return err ? wts_fail(err) : TRUE;
}
