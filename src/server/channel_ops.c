/*
 * channel_ops.c — OWTS_OP_CHANNEL_OPEN: an app asks for a virtual channel of a session
 * (WTSVirtualChannelOpen / OpenEx). Main thread.
 *
 * Authorisation, from the caller's credentials (SO_PEERCRED): a process opens channels of its own
 * session only, unless it is privileged (root or the admin group); and the security of the
 * listener that accepted the session's connection must grant the caller's uid
 * WTS_SECURITY_VIRTUAL_CHANNELS (privileged callers included: an administrator who denies the
 * right means it). Refusals are ERROR_ACCESS_DENIED.
 *
 * The open itself belongs to the connection's thread (the relay, src/vchannel/relay.c): the
 * request is posted there and the reply deferred. The relay's answer comes back through
 * wtsd_mainq_call, and the reply carries the app's end of the channel socket.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <winpr/error.h>
#include <winpr/wlog.h>
#include <winpr/wtsapi.h>

#include "handlers.h"
#include "mainq.h"
#include "owts_error.h"
#include "owts_vc.h"
#include "rdp.h"
#include "relay.h"

#define TAG "openwts.wtsd.channels"

#define KNOWN_FLAGS                                                                               \
	(WTS_CHANNEL_OPTION_DYNAMIC | WTS_CHANNEL_OPTION_DYNAMIC_PRI_REAL |                       \
	 WTS_CHANNEL_OPTION_DYNAMIC_NO_COMPRESS)

struct open_req
{
	struct wtsd_relay_open op; /* first: the relay hands back &op */
	struct wtsd *d;
	struct wtsd_pending *pending; /* NULL once the caller went away */
	uint32_t status;
};

/* Main thread: sends the reply (or drops it when the caller has gone). */
static int complete(struct wtsd *d, void *arg)
{
	struct open_req *q = arg;
	if (!q->pending)
		return 0;
	uint8_t body[12];
	uint32_t v[3] = { q->op.session_id, q->op.vc_flags, q->op.options };
	for (int i = 0; i < 12; i++)
		body[i] = (uint8_t)(v[i / 4] >> (8 * (i % 4)));
	int fd = q->status ? -1 : q->op.app_fd;
	if (!q->status)
		q->op.app_fd = -1; /* the reply owns it now */
	wtsd_control_complete_fd(d, q->pending, q->status, body, sizeof(body), fd);
	q->pending = NULL;
	return 0;
}

/* The relay is done with the request (connection thread). */
static void done(struct wtsd_relay_open *op, uint32_t status)
{
	struct open_req *q = (struct open_req *)op;
	q->status = status;
	(void)wtsd_mainq_call(q->d, complete, q);
	if (q->op.app_fd >= 0)
		close(q->op.app_fd);
	free(q);
}

/* The caller went away before the answer (main thread). */
static void cancel(void *ctx, struct wtsd_pending *pending)
{
	(void)pending;
	((struct open_req *)ctx)->pending = NULL;
}

/* Checks the request's name and flags. */
static bool valid_name(const char *name, uint32_t flags)
{
	size_t len = strlen(name);
	size_t max = (flags & WTS_CHANNEL_OPTION_DYNAMIC) ? OWTS_VC_NAME_MAX - 1 : CHANNEL_NAME_LEN;
	return len > 0 && len <= max && !(flags & ~KNOWN_FLAGS) &&
	       ((flags & WTS_CHANNEL_OPTION_DYNAMIC) || flags == 0);
}

uint32_t wtsd_h_channel_open(struct wtsd *d, const struct wtsd_peer *peer, struct owts_reader *req,
                             struct owts_writer *reply)
{
	(void)reply;
	uint32_t id = owts_read_u32(req);
	uint32_t flags = owts_read_u32(req);
	char name[OWTS_VC_NAME_MAX];
	owts_read_str(req, name, sizeof(name));
	if (!owts_reader_done(req) || !valid_name(name, flags))
		return ERROR_INVALID_PARAMETER;
	uint32_t own = OWTS_SESSION_SERVICES;
	(void)wtsd_registry_process_session(&d->reg, peer->pid, &own);
	if (id == WTS_CURRENT_SESSION)
		id = own;
	struct wtsd_session *s = wtsd_registry_find(&d->reg, id);
	if (!s)
		return OWTS_ERROR_CTX_WINSTATION_NOT_FOUND;
	uint32_t connection = wtsd_rdp_session_holder(id);
	uint32_t listener = connection == UINT32_MAX ? 0 : wtsd_rdp_connection_listener(connection);
	if ((!peer->privileged && own != id) ||
	    (connection != UINT32_MAX &&
	     !wtsd_listener_allows(d, listener, peer->uid, WTS_SECURITY_VIRTUAL_CHANNELS))) {
		WLog_INFO(TAG, "uid %u (pid %d, session %u) may not open channel \"%s\" of session %u",
		          (unsigned)peer->uid, (int)peer->pid, own, name, id);
		return ERROR_ACCESS_DENIED;
	}
	if (connection == UINT32_MAX || !d->rdp)
		return ERROR_FILE_NOT_FOUND; /* no client: no channels */
	struct open_req *q = calloc(1, sizeof(*q));
	if (!q)
		return ERROR_NOT_ENOUGH_MEMORY;
	(void)snprintf(q->op.name, sizeof(q->op.name), "%s", name);
	q->op.flags = flags;
	q->op.session_id = id;
	q->op.pid = peer->pid;
	q->op.done = done;
	q->op.app_fd = -1;
	q->d = d;
	q->pending = wtsd_control_defer(d, peer, cancel, q);
	if (!q->pending) {
		free(q);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	if (wtsd_rdp_peer_channel_open(d->rdp, connection, &q->op) < 0) {
		q->status = ERROR_FILE_NOT_FOUND; /* the connection has just ended */
		(void)complete(d, q);
		free(q);
	}
	return WTSD_STATUS_DEFERRED;
}
