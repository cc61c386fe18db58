/*
 * rdp_peer.h — one RDP connection (rdp_peer.c), shared with the file that counts its input and
 * traffic (rdp_peer_stats.c). Connection thread only, but the fields marked otherwise.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_RDP_PEER_H
#define WTSD_RDP_PEER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <freerdp/freerdp.h>
#include <freerdp/peer.h>

#include "owts_records.h"
#include "rdp.h"
#include "rdp_desktop.h"

struct wtsd_relay;
struct wtsd_rdp_disp;

struct wtsd_rdp_peer
{
	struct wtsd_rdp_peer *next, *prev; /* rdp->peers; guarded by rdp->lock */
	struct wtsd_rdp *rdp;
	freerdp_peer *client;
	HANDLE stop; /* set by the main thread to end the connection */
	HANDLE vcm;  /* FreeRDP's virtual channel manager of this connection */
	struct wtsd_relay *relay; /* the apps' channels; the pointer is guarded by rdp->lock */
	uint32_t connection;
	uint32_t session_id; /* WTSD_NO_SESSION until logon */
	bool nla;            /* NLA verified user/domain below */
	char user[OWTS_NAME_MAX], domain[OWTS_NAME_MAX];
	char station[OWTS_NAME_MAX]; /* "<listener>#N" once logged on */
	char session_user[2 * OWTS_NAME_MAX]; /* "DOMAIN\user" of the session */
	/* WTSConnectSession gave this connection another session (wtsd_rdp_peer_switch): the
	 * session and its "DOMAIN\user", WTSD_NO_SESSION when none is pending. rdp->lock. */
	uint32_t switch_to;
	char switch_user[2 * OWTS_NAME_MAX];
	HANDLE switched; /* set with switch_to */
	bool reconnected;
	bool output; /* the client wants updates (Suppress Output) */
	bool refused; /* over its listener's MaxConnectionCount: refused at PostConnect */
	uint32_t listener;        /* id of the listener that accepted the connection */
	unsigned max_connections; /* that listener's MaxConnectionCount at accept, 0 = none */
	/* Client resizes (rdp_disp.c): the display control channel, once drdynvc is ready. */
	struct wtsd_rdp_disp *disp;
	bool disp_tried;
	HANDLE resize;                /* set by the channel's thread when a size is wanted */
	uint32_t shown_w, shown_h;    /* the size WTSClientDisplay has */
	struct wtsd_desktop desk;
	/* Counters of this connection (peer thread only), reported by wtsd_rdp_peer_report. */
	uint64_t input_events;   /* keyboard, mouse and sync events received */
	uint64_t updates_sent;   /* whole-desktop bitmap sends */
	uint64_t last_input;     /* FILETIME of the last input event, 0 = none */
	uint64_t reported_input; /* last_input already reported */
	struct timespec reported; /* monotonic time of the last report */
	uint64_t reported_sum;    /* bytes and frames of the last report: unchanged, no report */
};

struct peer_context
{
	rdpContext base;
	struct wtsd_rdp_peer *peer;
};

static inline struct wtsd_rdp_peer *peer_of(freerdp_peer *client)
{
	return ((struct peer_context *)client->context)->peer;
}

/* Input events of client count towards its session's last input time (rdp_peer_stats.c). */
void wtsd_rdp_peer_input_hook(freerdp_peer *client);
/*
 * Reports the connection's counters to its session (WTSSessionInfo, WTSSessionInfoEx): at most
 * once a second unless force (the end of the connection), and only when something changed.
 */
void wtsd_rdp_peer_report(struct wtsd_rdp_peer *peer, bool force);

#endif /* WTSD_RDP_PEER_H */
