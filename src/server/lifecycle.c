/*
 * lifecycle.c — the control requests that disconnect, log off and connect sessions
 * (WTSDisconnectSession, WTSLogoffSession, WTSConnectSession). The work of a logoff is in
 * logoff.c; the RDP side of a disconnect in rdp_session.c.
 *
 * Authorisation follows Windows' default session permissions (reference §3.8): a user holds
 * Disconnect, Logoff/Reset and Connect on their own session (WTS_SECURITY_CURRENT_USER_ACCESS);
 * acting on another user's session needs privilege (root or the admin group), else
 * ERROR_ACCESS_DENIED. Checks run in a fixed order: the request parses (87), the session exists
 * (7022), it is not session 0 (5: the services session is nobody's to end), the caller may act
 * on it (5), it is not the console (50: wtsd does not own logind's sessions), it is not being
 * logged off already where that matters (7007).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include <winpr/error.h>
#include <winpr/wlog.h>
#include <winpr/wtsapi.h>

#include "handlers.h"
#include "lifecycle.h"
#include "owts_error.h"
#include "rdp.h"
#include "users.h"

#define TAG "openwts.wtsd.lifecycle"

#define PASSWORD_MAX 512
/* LOGONID_CURRENT (winternl.h) is WTS_CURRENT_SESSION, 0xFFFFFFFF, on the wire. */

/* The session of the caller, for WTS_CURRENT_SESSION / WTS_CURRENT_SESSION. */
static uint32_t peer_session(struct wtsd *d, const struct wtsd_peer *peer)
{
	uint32_t id = OWTS_SESSION_SERVICES;
	(void)wtsd_registry_process_session(&d->reg, peer->pid, &id);
	return id;
}

/* Finds the session id names and checks that peer may act on it (see the file comment). */
static uint32_t target(struct wtsd *d, const struct wtsd_peer *peer, uint32_t id, const char *what,
                       struct wtsd_session **out)
{
	if (id == WTS_CURRENT_SESSION)
		id = peer_session(d, peer);
	if (id == WTSD_CONSOLE_ID)
		wtsd_registry_refresh_console(&d->reg);
	struct wtsd_session *s = wtsd_registry_find(&d->reg, id);
	if (!s)
		return OWTS_ERROR_CTX_WINSTATION_NOT_FOUND;
	if (id == OWTS_SESSION_SERVICES || (!peer->privileged && s->rec.uid != peer->uid)) {
		WLog_INFO(TAG, "uid %u (pid %d) may not %s session %u", (unsigned)peer->uid,
		          (int)peer->pid, what, id);
		return ERROR_ACCESS_DENIED;
	}
	if (id == WTSD_CONSOLE_ID)
		return ERROR_NOT_SUPPORTED;
	*out = s;
	return ERROR_SUCCESS;
}

uint32_t wtsd_h_session_disconnect(struct wtsd *d, const struct wtsd_peer *peer,
                                   struct owts_reader *req, struct owts_writer *reply)
{
	(void)reply;
	uint32_t id = owts_read_u32(req);
	(void)owts_read_u32(req); /* bWait: a disconnect is complete when the reply goes */
	if (!owts_reader_done(req))
		return ERROR_INVALID_PARAMETER;
	struct wtsd_session *s = NULL;
	uint32_t err = target(d, peer, id, "disconnect", &s);
	if (err)
		return err;
	if (s->ending)
		return ERROR_CTX_CLOSE_PENDING;
	/* A session without a client is disconnected already: nothing to do, success. */
	int r = wtsd_rdp_session_detach(d, s->rec.id);
	if (r == -ENOENT)
		return ERROR_SUCCESS;
	if (r < 0)
		return owts_errno_to_win32(r);
	WLog_INFO(TAG, "session %u disconnected by uid %u", s->rec.id, (unsigned)peer->uid);
	return ERROR_SUCCESS;
}

uint32_t wtsd_h_session_logoff(struct wtsd *d, const struct wtsd_peer *peer,
                               struct owts_reader *req, struct owts_writer *reply)
{
	(void)reply;
	uint32_t id = owts_read_u32(req);
	uint32_t wait = owts_read_u32(req);
	if (!owts_reader_done(req))
		return ERROR_INVALID_PARAMETER;
	struct wtsd_session *s = NULL;
	uint32_t err = target(d, peer, id, "log off", &s);
	if (err)
		return err;
	id = s->rec.id;
	WLog_INFO(TAG, "session %u: logoff requested by uid %u%s", id, (unsigned)peer->uid,
	          wait ? " (waiting)" : "");
	int r = wtsd_logoff_begin(d, s); /* s may be gone now */
	if (r < 0)
		return owts_errno_to_win32(r);
	return wait ? wtsd_logoff_wait(d, peer, id) : ERROR_SUCCESS;
}

/* True if password is the password of the Linux user of s: through PAM (auth pam or both), or
 * against the SAM file under each RDP user name that maps to that account (user_map, else the
 * same name). */
static bool password_ok(struct wtsd *d, const struct wtsd_session *s, const char *password)
{
	const struct wtsd_config *cfg = &d->cfg;
	if (!password[0])
		return false;
	enum wtsd_auth mode = wtsd_config_auth(cfg);
	if ((mode == WTSD_AUTH_PAM || mode == WTSD_AUTH_BOTH) &&
	    wtsd_rdp_auth_pam(cfg, s->rec.user, password) == 0)
		return true;
	if (mode == WTSD_AUTH_PAM || !cfg->sam_file[0])
		return false;
	for (unsigned i = 0; i < cfg->n_user_map; i++)
		if (strcmp(cfg->user_map[i].linux_user, s->rec.user) == 0 &&
		    wtsd_rdp_auth_password(cfg, cfg->user_map[i].rdp_user, NULL, password) == 0)
			return true;
	return wtsd_rdp_auth_password(cfg, s->rec.user, NULL, password) == 0;
}

uint32_t wtsd_h_session_connect(struct wtsd *d, const struct wtsd_peer *peer,
                                struct owts_reader *req, struct owts_writer *reply)
{
	(void)reply;
	static char password[PASSWORD_MAX];
	uint32_t logon_id = owts_read_u32(req);
	uint32_t target_id = owts_read_u32(req);
	owts_read_str(req, password, sizeof(password));
	(void)owts_read_u32(req); /* bWait: the answer is synchronous */
	bool ok = owts_reader_done(req);
	uint32_t err = ERROR_SUCCESS;
	struct wtsd_session *from = NULL, *to = NULL;
	if (!ok || (logon_id == WTS_CURRENT_SESSION && target_id == WTS_CURRENT_SESSION))
		err = ERROR_INVALID_PARAMETER;
	/* The session to connect: the caller may reach another user's session by its password. */
	if (!err && (err = target(d, peer, logon_id, "connect", &from)) == ERROR_ACCESS_DENIED &&
	    logon_id != OWTS_SESSION_SERVICES && from == NULL) {
		struct wtsd_session *s = wtsd_registry_find(
		    &d->reg, logon_id == WTS_CURRENT_SESSION ? peer_session(d, peer) : logon_id);
		if (s && s->rec.uid != OWTS_NO_UID && password[0]) {
			err = password_ok(d, s, password) ? ERROR_SUCCESS : ERROR_LOGON_FAILURE;
			from = err ? NULL : s;
		}
	}
	/* The session whose connection it takes: the caller's own, or any when privileged. */
	if (!err)
		err = target(d, peer, target_id, "connect to", &to);
	if (!err && from == to)
		err = ERROR_INVALID_PARAMETER;
	if (!err && (from->ending || to->ending))
		err = ERROR_CTX_CLOSE_PENDING;
	if (!err && !wtsd_rdp_session_attached(to->rec.id))
		err = ERROR_INVALID_PARAMETER; /* the target has no client connection to give */
	if (!err) {
		int r = wtsd_rdp_session_move(d, from->rec.id, to->rec.id);
		if (r < 0)
			err = r == -ENOENT ? ERROR_INVALID_PARAMETER : owts_errno_to_win32(r);
		else
			WLog_INFO(TAG, "uid %u: session %u connected to session %u's client",
			          (unsigned)peer->uid, from->rec.id, to->rec.id);
	}
	memset(password, 0, sizeof(password));
	return err;
}
