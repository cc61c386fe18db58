/*
 * rdp_peer_stats.c — what a connection counts for its session: input events (the last input time,
 * for WTSSessionInfo and the idle timeout) and traffic (bytes and frames), reported to the main
 * loop at most once a second (see rdp_peer.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <linux/tcp.h> /* struct tcp_info with the byte counters (glibc's lacks them) */
#include <sys/socket.h>
#include <time.h>

#include <freerdp/freerdp.h>

#include "mainq.h"
#include "owts_time.h"
#include "rdp_peer.h"
#include "registry.h"
#include "wtsd.h"

/* Input: the session's last input time (reported by wtsd_rdp_peer_report, at most once a second). */
static void input_seen(rdpContext *context)
{
	struct wtsd_rdp_peer *peer = peer_of(context->peer);
	peer->input_events++;
	peer->last_input = owts_filetime_now();
}

static BOOL on_sync(rdpInput *input, UINT32 flags)
{
	(void)flags;
	input_seen(input->context);
	return TRUE;
}

static BOOL on_key(rdpInput *input, UINT16 flags, UINT16 code)
{
	(void)flags;
	(void)code;
	input_seen(input->context);
	return TRUE;
}

static BOOL on_mouse(rdpInput *input, UINT16 flags, UINT16 x, UINT16 y)
{
	(void)flags;
	(void)x;
	(void)y;
	input_seen(input->context);
	return TRUE;
}

/* Bytes of the TCP connection (TLS records and all), from the kernel. */
static void tcp_bytes(int fd, uint64_t *in, uint64_t *out)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 &&
	    len >= offsetof(struct tcp_info, tcpi_bytes_received) + sizeof(ti.tcpi_bytes_received)) {
		*in = ti.tcpi_bytes_received;
		*out = ti.tcpi_bytes_acked;
	}
}

/*
 * Reports the connection's counters to its session (WTSSessionInfo, WTSSessionInfoEx): bytes
 * are those of the TCP connection (TCP_INFO); incoming frames are the slow-path PDUs FreeRDP
 * counts plus the input events received (fast-path input is not counted by FreeRDP), outgoing
 * frames FreeRDP's slow-path PDUs plus the desktop updates wtsd sent. At most once a second
 * unless force (the end of the connection), and only when something changed: an idle
 * connection costs the main loop nothing.
 */
void wtsd_rdp_peer_report(struct wtsd_rdp_peer *peer, bool force)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (peer->session_id == WTSD_NO_SESSION ||
	    (!force && now.tv_sec - peer->reported.tv_sec < 1 &&
	     !(peer->last_input && !peer->reported_input)))
		return;
	peer->reported = now;
	struct wtsd_rdp_stats x = {.session_id = peer->session_id,
	                           .connection = peer->connection,
	                           .last_input = peer->last_input};
	UINT64 ib = 0, ob = 0, ip = 0, op = 0;
	(void)freerdp_get_stats(peer->client->context->rdp, &ib, &ob, &ip, &op);
	tcp_bytes(peer->client->sockfd, &x.in_bytes, &x.out_bytes);
	x.in_frames = ip + peer->input_events;
	x.out_frames = op + peer->updates_sent;
	uint64_t sum = x.in_bytes + x.out_bytes + x.in_frames + x.out_frames;
	if (!force && sum == peer->reported_sum && peer->last_input == peer->reported_input)
		return;
	peer->reported_sum = sum;
	peer->reported_input = peer->last_input;
	(void)wtsd_mainq_call(peer->rdp->d, wtsd_rdp_session_stats, &x);
}

void wtsd_rdp_peer_input_hook(freerdp_peer *client)
{
	client->input->SynchronizeEvent = on_sync;
	client->input->KeyboardEvent = on_key;
	client->input->UnicodeKeyboardEvent = on_key;
	client->input->MouseEvent = on_mouse;
	client->input->ExtendedMouseEvent = on_mouse;
}
