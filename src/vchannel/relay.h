/*
 * relay.h — wtsd's channel relay: the virtual channels of one RDP connection, between FreeRDP's
 * in-process channel functions and the apps of the session (docs/internals/vchannels.md).
 *
 * One relay per connection, driven by the connection's thread (rdp_peer.c): it waits on
 * wtsd_relay_event() beside the client's handles and calls wtsd_relay_check() after every turn.
 * Only wtsd_relay_post_open() may be called from another thread.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_RELAY_H
#define WTSD_RELAY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <freerdp/peer.h>

#include "owts_vc.h"

/*
 * A request to open a channel for an app, made by the control handler (channel_ops.c). The relay
 * calls done exactly once, on the connection's thread, and never touches the request afterwards:
 * done owns it from then on. On success (status 0) app_fd is the app's end of the channel socket
 * (done owns it too), vc_flags and options say what the app's reads look like.
 */
struct wtsd_relay_open
{
	/* in */
	char name[OWTS_VC_NAME_MAX];
	uint32_t flags;      /* WTS_CHANNEL_OPTION_* (0: static) */
	uint32_t session_id; /* for logs */
	pid_t pid;           /* the app, for logs */
	void (*done)(struct wtsd_relay_open *op, uint32_t status);
	/* out */
	int app_fd;
	uint32_t vc_flags; /* OWTS_VC_F_* */
	uint32_t options;  /* CHANNEL_OPTION_* of a static channel */
	/* the relay's */
	struct wtsd_relay_open *next;
	uint64_t deadline_ms; /* a dynamic open fails with ERROR_TIMEOUT after it */
	void *chan;
};

struct wtsd_relay;

/*
 * Creates the relay of client, whose channel manager is vcm (WTSOpenServerA done), and hooks
 * client->ReceiveChannelData so that static channels reach the relay: every static channel the
 * client joined is the relay's, buffered (bounded) until an app opens it; drdynvc stays FreeRDP's.
 * connection names the connection in logs. Connection thread. Returns NULL on failure.
 */
struct wtsd_relay *wtsd_relay_new(freerdp_peer *client, HANDLE vcm, uint32_t connection);
/* Closes every channel (apps see their socket end) and fails requests not done yet with
 * ERROR_FILE_NOT_FOUND. NULL is a no-op. Connection thread. */
void wtsd_relay_free(struct wtsd_relay *r);
/* A WinPR handle that is signalled when the relay has work (owned by the relay). */
HANDLE wtsd_relay_event(struct wtsd_relay *r);
/* Sets the session the connection holds (for logs), WTSD_NO_SESSION before logon. */
void wtsd_relay_set_session(struct wtsd_relay *r, uint32_t session_id);
/*
 * Does the relay's work: queued opens, dynamic opens the client answered, app packets to the
 * client, client data to the apps. Returns false if the connection failed.
 */
bool wtsd_relay_check(struct wtsd_relay *r);
/* True while apps hold more client data than the relay's bound: the connection thread then stops
 * reading from the client until they catch up (flow control). */
bool wtsd_relay_throttled(const struct wtsd_relay *r);
/* Queues op (any thread) and wakes the connection's thread. Returns 0 or -ENOMEM. */
int wtsd_relay_post_open(struct wtsd_relay *r, struct wtsd_relay_open *op);

#endif /* WTSD_RELAY_H */
