/*
 * wts_vchannel_io.c — WTSVirtualChannelRead, WTSVirtualChannelWrite and the two purges, on the
 * channel socket of an open channel (src/common/owts_vc.h; docs/internals/vchannels.md).
 *
 * wtsd sends the app packets of up to OWTS_VC_RECORDS records, each an 8-byte CHANNEL_PDU_HEADER
 * and at most OWTS_VC_CHUNK data bytes: a read is one record. The packet at the head of the
 * socket is peeked whole into the channel's buffer (one system call), its records go to the
 * caller one read at a time (the header only when the channel shows the protocol), and the
 * packet leaves the socket with its last record — so the socket stays readable, for poll() on
 * WTSVirtualFileHandle and for WTSVirtualEventHandle, while any record is left. A record that
 * does not fit the caller's buffer stays (ERROR_INSUFFICIENT_BUFFER loses nothing). Reads wait
 * with poll() only when nothing is queued; the socket stays blocking as wtsd made it.
 *
 * A write is one message: packets of at most OWTS_VC_SEGMENT bytes, FIRST on the first and LAST
 * on the last, sent with sendmsg() from the caller's buffer behind a header (no copy) under the
 * channel's write lock, so the packets of two threads' messages never interleave. wtsd reads the
 * socket only as fast as the client takes the data, so a write waits for a slow client.
 *
 * The end of the socket (wtsd closed the channel: disconnect, logoff, wtsd gone) is
 * ERROR_BROKEN_PIPE, at once and every time; data queued before it is still read first.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include <wtsapi32.h>

#include "owts_time.h"
#include "wts_private.h"


/* The Win32 error of a failed socket call (r = -errno). */
static DWORD io_error(int r)
{
	switch (-r) {
	case EPIPE:
	case ECONNRESET:
	case ENOTCONN:
		return ERROR_BROKEN_PIPE;
	case ENOMEM:
	case ENOBUFS:
		return ERROR_NOT_ENOUGH_MEMORY;
	default:
		return owts_errno_to_win32(r);
	}
}

/*
 * Waits until fd has something to read (a packet or the end) or the deadline passes
 * (deadline < 0: never). Returns 1, 0 on timeout, or -errno. Restarts after EINTR with the time
 * that is left.
 */
static int wait_readable(int fd, int64_t deadline)
{
	for (;;) {
		int ms = -1;
		if (deadline >= 0) {
			int64_t left = deadline - (int64_t)owts_monotonic_ms();
			ms = left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
		}
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int n = poll(&p, 1, ms);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n == 0 && ms != INT_MAX)
			return 0;
	}
}

/*
 * Gives the caller the next record of the channel (the data alone, or header and data when show),
 * if it fits: from the packet peeked before, else from the packet at the head of the socket,
 * which is peeked whole into the channel's buffer and taken off the socket after its last record.
 * Returns the bytes given, -EAGAIN when no packet is queued, -ENOBUFS when the record does not fit
 * (nothing consumed), -EPIPE at the end, -EBADMSG for a packet wtsd should not have sent
 * (dropped), or -errno. The channel's read lock must be held.
 */
static long receive(struct wts_channel *ch, bool show, char *buf, size_t size)
{
	if (ch->roff >= ch->rlen) {
		if (!ch->rbuf && !(ch->rbuf = malloc(OWTS_VC_PACKET_MAX)))
			return -ENOMEM;
		ssize_t n = recv(ch->fd, ch->rbuf, OWTS_VC_PACKET_MAX,
		                 MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		ch->rlen = (size_t)n;
		ch->roff = 0;
	}
	size_t dl = ch->rlen <= OWTS_VC_PACKET_MAX ? owts_vc_record_len(ch->rlen, ch->roff) : 0;
	if (dl == 0) {
		uint8_t one;
		(void)recv(ch->fd, &one, 1, MSG_DONTWAIT); /* drops the packet */
		ch->rlen = ch->roff = 0;
		return -EBADMSG;
	}
	size_t give = show ? OWTS_VC_HEADER + dl : dl;
	if (give > size)
		return -ENOBUFS;
	memcpy(buf, ch->rbuf + ch->roff + (show ? 0 : OWTS_VC_HEADER), give);
	ch->roff += OWTS_VC_HEADER + dl;
	if (ch->roff >= ch->rlen) {
		uint8_t one;
		(void)recv(ch->fd, &one, 1, MSG_DONTWAIT); /* its last record: the packet goes */
		ch->rlen = ch->roff = 0;
	}
	return (long)give;
}

/* Reads one packet, waiting up to timeout ms. *got = 0 on timeout. */
static DWORD channel_read(struct wts_channel *ch, ULONG timeout, char *buf, size_t size, ULONG *got)
{
	int64_t deadline = -2; /* not computed yet: the first try does not wait */
	bool show = ch->flags & OWTS_VC_F_SHOW_PROTOCOL;
	for (;;) {
		/* A packet that is queued already is taken at once: a stream of reads costs one
		 * system call each, not a poll and a receive. */
		if (deadline != -2) {
			int r = wait_readable(ch->fd, deadline);
			if (r < 0)
				return io_error(r);
			if (r == 0) {
				*got = 0;
				return ERROR_SUCCESS;
			}
		}
		if (deadline == -2)
			deadline = timeout == INFINITE ? -1 : (int64_t)owts_monotonic_ms() + timeout;
		pthread_mutex_lock(&ch->read_lock);
		long n = receive(ch, show, buf, size);
		pthread_mutex_unlock(&ch->read_lock);
		if (n >= 0) {
			*got = (ULONG)n;
			return ERROR_SUCCESS;
		}
		if (n == -ENOBUFS)
			return ERROR_INSUFFICIENT_BUFFER;
		if (n == -EBADMSG)
			return OWTS_RPC_S_PROTOCOL_ERROR;
		if (n != -EAGAIN && n != -EINTR)
			return io_error((int)n);
		/* Nothing queued, or another thread took the packet: wait for what is left of the
		 * time. */
	}
}

WTS_EXPORT BOOL WINAPI WTSVirtualChannelRead(HANDLE hChannelHandle, ULONG TimeOut, PCHAR Buffer,
                                             ULONG BufferSize, PULONG pBytesRead)
{
	if (!pBytesRead || (!Buffer && BufferSize > 0))
		return wts_fail(ERROR_INVALID_PARAMETER);
	struct wts_channel *ch;
	DWORD err = wts_channel_get(hChannelHandle, &ch);
	if (err)
		return wts_fail(err);
	ULONG got = 0;
	err = channel_read(ch, TimeOut, Buffer, BufferSize, &got);
	wts_channel_put(ch);
	if (err)
		return wts_fail(err);
	*pBytesRead = got;
	return TRUE;
}

/* Sends one packet (header + data[0..len)) whole, waiting while the socket is full. */
static int send_packet(int fd, uint32_t total, uint32_t flags, const char *data, size_t len)
{
	uint8_t head[OWTS_VC_HEADER];
	owts_vc_header_put(head, total, flags);
	struct iovec iov[2] = {{head, sizeof(head)}, {(void *)data, len}};
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};
	for (;;) {
		if (sendmsg(fd, &mh, MSG_NOSIGNAL) >= 0)
			return 0; /* SOCK_SEQPACKET: all of it or nothing */
		if (errno == EAGAIN) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			(void)poll(&p, 1, -1);
		} else if (errno != EINTR) {
			return -errno;
		}
	}
}

/* Sends a message of len (1..OWTS_VC_WRITE_MAX) bytes as its packets. */
static DWORD channel_write(struct wts_channel *ch, const char *buf, uint32_t len)
{
	int r = 0;
	pthread_mutex_lock(&ch->write_lock);
	for (uint32_t off = 0; off < len && r == 0;) {
		uint32_t n = len - off < OWTS_VC_SEGMENT ? len - off : OWTS_VC_SEGMENT;
		uint32_t flags =
		    (off == 0 ? OWTS_VC_FIRST : 0) | (off + n == len ? OWTS_VC_LAST : 0);
		r = send_packet(ch->fd, len, flags, buf + off, n);
		off += n;
	}
	pthread_mutex_unlock(&ch->write_lock);
	return r < 0 ? io_error(r) : ERROR_SUCCESS;
}

WTS_EXPORT BOOL WINAPI WTSVirtualChannelWrite(HANDLE hChannelHandle, PCHAR Buffer, ULONG Length,
                                              PULONG pBytesWritten)
{
	if (!pBytesWritten || (!Buffer && Length > 0) || Length > OWTS_VC_WRITE_MAX)
		return wts_fail(ERROR_INVALID_PARAMETER);
	struct wts_channel *ch;
	DWORD err = wts_channel_get(hChannelHandle, &ch);
	if (err)
		return wts_fail(err);
	if (Length)
		err = channel_write(ch, Buffer, Length);
	wts_channel_put(ch);
	if (err)
		return wts_fail(err);
	*pBytesWritten = Length;
	return TRUE;
}

/* Sends a purge request (OWTS_VC_CTL_*) between messages. */
static DWORD send_control(struct wts_channel *ch, uint32_t request)
{
	pthread_mutex_lock(&ch->write_lock);
	int r = send_packet(ch->fd, 0, request, NULL, 0);
	pthread_mutex_unlock(&ch->write_lock);
	return r < 0 ? io_error(r) : ERROR_SUCCESS;
}

/* Drops every packet queued on the socket (not the end: a later read still reports it). A
 * receive into a short buffer discards the rest of a SOCK_SEQPACKET packet. */
static void drain(struct wts_channel *ch)
{
	pthread_mutex_lock(&ch->read_lock);
	ch->rlen = ch->roff = 0; /* a packet peeked before is on the socket still: drained below */
	for (;;) {
		uint8_t head[OWTS_VC_HEADER];
		ssize_t n = recv(ch->fd, head, sizeof(head), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EINTR))
			break;
	}
	pthread_mutex_unlock(&ch->read_lock);
}

/* Runs one purge on a checked channel. */
static DWORD purge(struct wts_channel *ch, bool input)
{
	if (!input)
		return send_control(ch, OWTS_VC_CTL_PURGE_OUTPUT);
	/* wtsd first drops what it holds for the app, then the app what reached its socket. */
	DWORD err = send_control(ch, OWTS_VC_CTL_PURGE_INPUT);
	if (!err)
		drain(ch);
	return err;
}

static BOOL purge_handle(HANDLE h, bool input)
{
	struct wts_channel *ch;
	DWORD err = wts_channel_get(h, &ch);
	if (err)
		return wts_fail(err);
	err = purge(ch, input);
	wts_channel_put(ch);
	return err ? wts_fail(err) : TRUE;
}

WTS_EXPORT BOOL WINAPI WTSVirtualChannelPurgeInput(HANDLE hChannelHandle)
{
	return purge_handle(hChannelHandle, true);
}

WTS_EXPORT BOOL WINAPI WTSVirtualChannelPurgeOutput(HANDLE hChannelHandle)
{
	return purge_handle(hChannelHandle, false);
}
