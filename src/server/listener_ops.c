/*
 * listener_ops.c — the listener requests: enumerate, query, create/update, get/set security.
 *
 * Authorisation: every user may list listeners and read their configuration and security
 * descriptor (Windows shows listeners to every user through WTSEnumerateSessions); creating,
 * updating and setting security are privileged (the op table marks them, handlers.c refuses
 * others with ERROR_ACCESS_DENIED). Every change applies at once: a listener created with a port
 * starts listening (rdp_listeners.c); one updated — RDP-Tcp too — closes its socket and opens
 * it again when its address, port or enabled state changed (its connections stay), and its
 * limits apply from the next check (rdp_limits.c). WTSLISTENERCONFIG has no address: an update
 * keeps the stored one.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <winpr/wlog.h>

#include "handlers.h"
#include "listeners.h"
#include "owts_error.h"
#include "owts_sd.h"
#include "rdp.h"
#include "users.h"
#include "wtsd.h"

#define TAG "openwts.wtsd.listeners"

#define ERR_NAME_INVALID   7001u /* ERROR_CTX_WINSTATION_NAME_INVALID */
#define ERR_ALREADY_EXISTS 7023u /* ERROR_CTX_WINSTATION_ALREADY_EXISTS */
#define FLAG_CREATE        0x1u  /* WTS_LISTENER_CREATE */
#define FLAG_UPDATE        0x10u /* WTS_LISTENER_UPDATE */

uint32_t wtsd_h_listener_enum(struct wtsd *d, const struct wtsd_peer *peer, struct owts_reader *req,
                              struct owts_writer *reply)
{
	(void)peer;
	if (!owts_reader_done(req))
		return ERROR_INVALID_PARAMETER;
	owts_write_u32(reply, (uint32_t)d->reg.nlisteners);
	for (size_t i = 0; i < d->reg.nlisteners; i++)
		owts_write_str(reply, d->reg.listeners[i]->cfg.name);
	return ERROR_SUCCESS;
}

/* Reads a listener name and finds it. */
static uint32_t find(struct wtsd *d, struct owts_reader *req, struct wtsd_listener **out)
{
	char name[OWTS_LISTENER_NAME_MAX];
	owts_read_str(req, name, sizeof(name));
	if (!owts_reader_ok(req))
		return ERROR_INVALID_PARAMETER;
	*out = wtsd_listener_find(&d->reg, name);
	return *out ? ERROR_SUCCESS : OWTS_ERROR_CTX_WINSTATION_NOT_FOUND;
}

uint32_t wtsd_h_listener_query(struct wtsd *d, const struct wtsd_peer *peer,
                               struct owts_reader *req, struct owts_writer *reply)
{
	(void)peer;
	struct wtsd_listener *l = NULL;
	uint32_t err = find(d, req, &l);
	if (!err && !owts_reader_done(req))
		err = ERROR_INVALID_PARAMETER;
	if (err)
		return err;
	owts_listener_write(reply, &l->cfg);
	return ERROR_SUCCESS;
}

/* True if a change of cfg needs the socket reopened. */
static bool rebind(const struct owts_listener *a, const struct owts_listener *b)
{
	return a->port != b->port || a->enabled != b->enabled || strcmp(a->address, b->address);
}

uint32_t wtsd_h_listener_create(struct wtsd *d, const struct wtsd_peer *peer,
                                struct owts_reader *req, struct owts_writer *reply)
{
	(void)reply;
	struct owts_listener *cfg = malloc(sizeof(*cfg));
	if (!cfg)
		return ERROR_NOT_ENOUGH_MEMORY;
	uint32_t flag = owts_read_u32(req);
	owts_listener_read(req, cfg);
	uint32_t err = ERROR_SUCCESS;
	if (!owts_reader_done(req) || (flag != FLAG_CREATE && flag != FLAG_UPDATE) ||
	    cfg->port > 65535)
		err = ERROR_INVALID_PARAMETER;
	else if (!owts_listener_name_ok(cfg->name))
		err = ERR_NAME_INVALID;
	struct wtsd_listener *old = err ? NULL : wtsd_listener_find(&d->reg, cfg->name);
	struct owts_listener before;
	if (old) {
		before = old->cfg;
		if (!cfg->address[0])
			memcpy(cfg->address, before.address, sizeof(cfg->address));
	}
	struct wtsd_listener *l = NULL;
	if (!err) {
		int r = wtsd_listener_put(
		    &d->reg, cfg, flag == FLAG_CREATE ? WTSD_LISTENER_CREATE : WTSD_LISTENER_UPDATE,
		    &l);
		err = r == -EEXIST   ? ERR_ALREADY_EXISTS
		      : r == -ENOENT ? OWTS_ERROR_CTX_WINSTATION_NOT_FOUND
		      : r < 0        ? owts_errno_to_win32(r)
		                     : ERROR_SUCCESS;
	}
	if (!err && (!old || rebind(&before, &l->cfg))) {
		wtsd_rdp_listener_stop(d, l->cfg.id);
		int r = wtsd_rdp_listener_start(d, l);
		if (r < 0)
			WLog_WARN(TAG, "listener \"%s\" stored but not listening on port %u: %s",
			          l->cfg.name, l->cfg.port, strerror(-r));
	}
	if (!err) {
		wtsd_rdp_limits_refresh(d);
		WLog_INFO(TAG,
		          "listener \"%s\" (%u) %s by uid %u: port %u, %s, max connections %u, idle"
		          " timeout %u ms, disconnect timeout %u ms",
		          l->cfg.name, l->cfg.id, old ? "updated" : "created", (unsigned)peer->uid,
		          l->cfg.port, l->cfg.enabled ? "enabled" : "disabled",
		          l->cfg.max_connections, l->cfg.timeout_idle,
		          l->cfg.timeout_disconnection);
	}
	free(cfg);
	return err;
}

uint32_t wtsd_h_listener_set_security(struct wtsd *d, const struct wtsd_peer *peer,
                                      struct owts_reader *req, struct owts_writer *reply)
{
	(void)reply;
	struct wtsd_listener *l = NULL;
	uint32_t err = find(d, req, &l);
	uint32_t secinfo = owts_read_u32(req);
	uint32_t len = owts_read_u32(req);
	if (err == ERROR_INVALID_PARAMETER || len > OWTS_SD_MAX || !owts_reader_ok(req))
		return ERROR_INVALID_PARAMETER;
	uint8_t *buf = malloc(len ? len : 1);
	if (!buf)
		return ERROR_NOT_ENOUGH_MEMORY;
	owts_read_bytes(req, buf, len);
	struct owts_sd in, cur;
	if (!owts_reader_done(req) || !secinfo || (secinfo & ~OWTS_SECINFO_ALL))
		err = ERROR_INVALID_PARAMETER;
	else if (!err && owts_sd_parse(buf, len, &in) < 0)
		err = ERROR_INVALID_SECURITY_DESCR;
	uint8_t *merged = NULL;
	size_t merged_len = 0;
	if (!err && owts_sd_parse(l->sd, l->sd_len, &cur) < 0)
		err = ERROR_INVALID_SECURITY_DESCR; /* cannot happen: stored SDs are validated */
	if (!err) {
		/* The parts secinfo names come from the caller, the others stay. */
		struct owts_sd m = cur;
		uint16_t present = 0x0004 | 0x0010;
		m.control = (uint16_t)((cur.control & ~present) | 0x8000);
		if (secinfo & OWTS_SECINFO_OWNER)
			m.owner = in.owner, m.owner_len = in.owner_len;
		if (secinfo & OWTS_SECINFO_GROUP)
			m.group = in.group, m.group_len = in.group_len;
		if (secinfo & OWTS_SECINFO_DACL)
			m.dacl = in.dacl, m.dacl_len = in.dacl_len;
		if (secinfo & OWTS_SECINFO_SACL)
			m.sacl = in.sacl, m.sacl_len = in.sacl_len;
		m.control |= (secinfo & OWTS_SECINFO_DACL ? in.control : cur.control) & 0x0004;
		m.control |= (secinfo & OWTS_SECINFO_SACL ? in.control : cur.control) & 0x0010;
		int r = owts_sd_compose(&m, OWTS_SECINFO_ALL, &merged, &merged_len);
		if (r == 0)
			r = wtsd_listener_set_sd(&d->reg, l, merged, merged_len);
		if (r < 0)
			err = owts_errno_to_win32(r);
	}
	if (!err)
		WLog_INFO(TAG, "listener \"%s\": security set by uid %u (information 0x%x)",
		          l->cfg.name, (unsigned)peer->uid, secinfo);
	free(merged);
	free(buf);
	return err;
}

uint32_t wtsd_h_listener_get_security(struct wtsd *d, const struct wtsd_peer *peer,
                                      struct owts_reader *req, struct owts_writer *reply)
{
	(void)peer;
	struct wtsd_listener *l = NULL;
	uint32_t err = find(d, req, &l);
	uint32_t secinfo = owts_read_u32(req);
	if (!owts_reader_done(req) || !secinfo || (secinfo & ~OWTS_SECINFO_ALL))
		return ERROR_INVALID_PARAMETER;
	if (err)
		return err;
	struct owts_sd cur;
	uint8_t *out = NULL;
	size_t len = 0;
	if (owts_sd_parse(l->sd, l->sd_len, &cur) < 0)
		return ERROR_INVALID_SECURITY_DESCR;
	int r = owts_sd_compose(&cur, secinfo, &out, &len);
	if (r < 0)
		return owts_errno_to_win32(r);
	owts_write_u32(reply, (uint32_t)len);
	owts_write_bytes(reply, out, len);
	free(out);
	return ERROR_SUCCESS;
}

bool wtsd_listener_allows(struct wtsd *d, uint32_t listener_id, uint32_t uid, uint32_t desired)
{
	struct wtsd_listener *l = wtsd_listener_find_id(&d->reg, listener_id);
	struct owts_sd sd;
	if (!l || owts_sd_parse(l->sd, l->sd_len, &sd) < 0)
		return false;
	uint32_t groups[64];
	size_t n = wtsd_user_groups(uid, groups, 64);
	struct owts_token *t = malloc(sizeof(*t));
	if (!t)
		return false;
	bool admin = false;
	for (size_t i = 0; i < n; i++)
		if (d->admin_gid != (gid_t)-1 && groups[i] == (uint32_t)d->admin_gid)
			admin = true;
	owts_sd_token(t, uid, groups, n, admin);
	bool ok = owts_sd_access(&sd, t, desired);
	free(t);
	return ok;
}
