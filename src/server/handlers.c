/*
 * handlers.c — the control requests: parse, authorise, act, reply.
 *
 * Authorisation follows Windows' default session permissions (reference §3.8): every user may
 * enumerate and query sessions (Users hold Query Information); process lists show other users'
 * processes only to privileged callers (root or the admin group), as Windows shows them only to
 * administrators; a process may be terminated by a privileged caller or by its own user (see
 * h_process_terminate); creating sessions and spawning into them are privileged.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <winpr/wlog.h>
#include <winpr/wnd.h> /* WTS_SESSION_LOGON and the other WM_WTSSESSION_CHANGE codes */
#include <winpr/wtsapi.h>

#include "events.h"
#include "handlers.h"
#include "listeners.h"
#include "owts_error.h"
#include "owts_records.h"
#include "pidmap.h"
#include "procscan.h"
#include "spawn.h"
#include "store.h"
#include "users.h"
#include "wtsd.h"

#define TAG "openwts.wtsd.handlers"

#define ARGV_MAX 64


/* The session of the caller, for WTS_CURRENT_SESSION. */
static uint32_t peer_session(struct wtsd *d, const struct wtsd_peer *peer)
{
	uint32_t id = OWTS_SESSION_SERVICES;
	(void)wtsd_registry_process_session(&d->reg, peer->pid, &id);
	return id;
}

static uint32_t h_session_enum(struct wtsd *d, const struct wtsd_peer *peer,
                               struct owts_reader *req, struct owts_writer *reply)
{
	(void)peer;
	if (!owts_reader_done(req))
		return ERROR_INVALID_PARAMETER;
	wtsd_registry_refresh_console(&d->reg);
	/* Brief records (what WTS_SESSION_INFO(_1) shows), encoded once per change. */
	const uint8_t *body;
	size_t len;
	if (wtsd_registry_list(&d->reg, &body, &len) < 0)
		return ERROR_NOT_ENOUGH_MEMORY;
	owts_write_bytes(reply, body, len);
	return ERROR_SUCCESS;
}

static uint32_t h_session_query(struct wtsd *d, const struct wtsd_peer *peer,
                                struct owts_reader *req, struct owts_writer *reply)
{
	uint32_t id = owts_read_u32(req);
	if (!owts_reader_done(req))
		return ERROR_INVALID_PARAMETER;
	if (id == WTS_CURRENT_SESSION)
		id = peer_session(d, peer);
	if (id == WTSD_CONSOLE_ID)
		wtsd_registry_refresh_console(&d->reg);
	const struct wtsd_session *s = wtsd_registry_find(&d->reg, id);
	const struct wtsd_listener *l = s ? NULL : wtsd_listener_find_id(&d->reg, id);
	if (l) {
		/* A listener's pseudo-session (WTSListen), as Windows answers for 65536... */
		struct owts_session *ls = malloc(sizeof(*ls));
		if (!ls)
			return ERROR_NOT_ENOUGH_MEMORY;
		wtsd_listener_session(l, ls);
		owts_session_write(reply, ls);
		free(ls);
		return ERROR_SUCCESS;
	}
	if (!s)
		return OWTS_ERROR_CTX_WINSTATION_NOT_FOUND;
	owts_session_write(reply, &s->rec);
	return ERROR_SUCCESS;
}

struct proc_enum {
	struct wtsd *d;
	const struct wtsd_peer *peer;
	struct owts_writer *reply;
	uint32_t level;
	uint32_t filter;
	uint32_t count;
	const struct wtsd_pidmap *map; /* session membership, NULL: from each process's cgroup */
};

static int emit_process(void *ctx, const struct wtsd_proc *p)
{
	struct proc_enum *e = ctx;
	/* A zombie has ended: Windows lists no process that has exited. */
	if (p->state == 'Z')
		return 0;
	if (!e->peer->privileged && p->uid != e->peer->uid)
		return 0;
	uint32_t sid = e->map ? wtsd_pidmap_session(e->map, (pid_t)p->pid)
	                      : wtsd_registry_session_of(&e->d->reg, (pid_t)p->pid, p->cgroup,
	                                                 (pid_t)p->posix_sid);
	if (e->filter != WTS_ANY_SESSION && sid != e->filter)
		return 0;
	struct owts_process out = {
		.pid = p->pid,
		.session_id = sid,
		.uid = p->uid,
		.threads = p->threads,
		.handles = p->handles,
		.pagefile = p->pagefile_bytes,
		.peak_pagefile = p->peak_pagefile_bytes,
		.working_set = p->working_set_bytes,
		.peak_working_set = p->peak_working_set_bytes,
		.user_time = p->user_time_100ns,
		.kernel_time = p->kernel_time_100ns,
	};
	memcpy(out.name, p->name, sizeof(out.name));
	out.name[sizeof(out.name) - 1] = '\0';
	owts_process_write(e->reply, &out, e->level);
	e->count++;
	return 0;
}

static uint32_t h_process_enum(struct wtsd *d, const struct wtsd_peer *peer,
                               struct owts_reader *req, struct owts_writer *reply)
{
	struct proc_enum e = { .d = d, .peer = peer, .reply = reply };
	e.level = owts_read_u32(req);
	e.filter = owts_read_u32(req);
	if (!owts_reader_done(req) || e.level > 1)
		return ERROR_INVALID_PARAMETER;
	if (e.filter == WTS_CURRENT_SESSION)
		e.filter = peer_session(d, peer);
	/* The count goes first; it is patched once the scan has counted. */
	owts_write_u32(reply, 0);
	size_t count_pos = OWTS_FRAME_HEADER;
	/* Membership from the sessions' cgroup.procs when that is the whole answer: it saves a
	 * /proc/<pid>/cgroup read per process. A process that moves between the two reads is
	 * reported where it was when the map was read. */
	struct wtsd_pidmap map;
	unsigned flags = 0;
	if (wtsd_pidmap_build(&d->reg, &map) == 0) {
		e.map = &map;
		flags = WTSD_PROCSCAN_NO_CGROUP;
	}
	int r = wtsd_procscan_ex("/proc", (int)e.level, flags, emit_process, &e);
	wtsd_pidmap_free(&map);
	if (r < 0)
		return owts_errno_to_win32(r);
	if (reply->bad)
		return ERROR_NOT_ENOUGH_MEMORY;
	size_t end = Stream_GetPosition(reply->s);
	Stream_SetPosition(reply->s, count_pos);
	Stream_Write_UINT32(reply->s, e.count);
	Stream_SetPosition(reply->s, end);
	return ERROR_SUCCESS;
}

static uint32_t h_process_session(struct wtsd *d, const struct wtsd_peer *peer,
                                  struct owts_reader *req, struct owts_writer *reply)
{
	(void)peer;
	uint32_t pid = owts_read_u32(req);
	if (!owts_reader_done(req))
		return ERROR_INVALID_PARAMETER;
	uint32_t id;
	int r = wtsd_registry_process_session(&d->reg, (pid_t)pid, &id);
	if (r < 0)
		return r == -ESRCH || r == -ENOENT ? ERROR_INVALID_PARAMETER : owts_errno_to_win32(r);
	owts_write_u32(reply, id);
	owts_write_u8(reply, d->reg.cg.enabled);
	owts_write_str(reply, d->reg.cg.enabled ? d->reg.cg.base : "");
	return ERROR_SUCCESS;
}

static uint32_t h_process_terminate(struct wtsd *d, const struct wtsd_peer *peer,
                                    struct owts_reader *req, struct owts_writer *reply)
{
	(void)reply;
	uint32_t pid = owts_read_u32(req);
	uint32_t exit_code = owts_read_u32(req);
	if (!owts_reader_done(req))
		return ERROR_INVALID_PARAMETER;
	if (pid == 0 || pid > INT32_MAX)
		return ERROR_INVALID_PARAMETER;
	struct wtsd_proc p;
	uint32_t id;
	if (wtsd_procscan_one("/proc", pid, 0, &p) < 0 ||
	    wtsd_registry_process_session(&d->reg, (pid_t)pid, &id) < 0)
		return ERROR_INVALID_PARAMETER;
	/* As TerminateProcess needs PROCESS_TERMINATE, which a process's DACL grants its own user:
	 * a user ends their own processes in any session, never another user's (not even a root
	 * process in their session); privileged callers end any process. */
	if (!peer->privileged && p.uid != peer->uid) {
		WLog_INFO(TAG, "uid %u may not terminate pid %u (uid %u) of session %u",
		          (unsigned)peer->uid, pid, p.uid, id);
		return ERROR_ACCESS_DENIED;
	}
	if (pid == 1 || (pid_t)pid == getpid())
		return ERROR_ACCESS_DENIED;
	/* Linux cannot impose an exit code: the process dies by SIGKILL, as TerminateProcess is
	 * unconditional (docs/api/WTSTerminateProcess.md). */
	if (kill((pid_t)pid, SIGKILL) < 0)
		return errno == ESRCH ? ERROR_INVALID_PARAMETER : owts_errno_to_win32(errno);
	WLog_INFO(TAG, "session %u: pid %u terminated by uid %u (exit code %u requested)", id, pid,
	          (unsigned)peer->uid, exit_code);
	return ERROR_SUCCESS;
}

static uint32_t h_console_session(struct wtsd *d, const struct wtsd_peer *peer,
                                  struct owts_reader *req, struct owts_writer *reply)
{
	(void)peer;
	if (!owts_reader_done(req))
		return ERROR_INVALID_PARAMETER;
	owts_write_u32(reply, wtsd_registry_console(&d->reg));
	return ERROR_SUCCESS;
}

/* Reads "u32 argc, argc strings" into argv (strings in store). Returns argc or -1. */
static int read_argv(struct owts_reader *req, char store[][OWTS_PATH_MAX], char *argv[])
{
	uint32_t argc = owts_read_u32(req);
	if (argc > ARGV_MAX)
		return -1;
	for (uint32_t i = 0; i < argc; i++) {
		owts_read_str(req, store[i], OWTS_PATH_MAX);
		argv[i] = store[i];
	}
	argv[argc] = NULL;
	return owts_reader_ok(req) ? (int)argc : -1;
}

/* Joins argv with spaces into out (truncating). */
static void join_argv(int argc, char *argv[], char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < argc && n + 1 < size; i++) {
		int k = snprintf(out + n, size - n, "%s%s", i ? " " : "", argv[i]);
		if (k < 0)
			break;
		n += (size_t)k;
	}
	if (n >= size)
		out[size - 1] = '\0';
}

/* Spawns argv in s and writes the pid (0 without a program). */
static uint32_t spawn_reply(struct wtsd *d, struct wtsd_session *s, int argc, char *argv[],
                            struct owts_writer *reply)
{
	pid_t pid = 0;
	if (argc > 0) {
		int r = wtsd_spawn(&d->reg, s, argv, d->cfg.socket_path, &pid);
		if (r < 0) {
			WLog_WARN(TAG, "session %u: cannot start \"%s\": %s", s->rec.id, argv[0],
			          strerror(-r));
			return r == -ENOENT ? ERROR_FILE_NOT_FOUND : owts_errno_to_win32(r);
		}
		WLog_INFO(TAG, "session %u: started \"%s\" as pid %d", s->rec.id, argv[0], (int)pid);
	}
	owts_write_u32(reply, s->rec.id);
	owts_write_u32(reply, (uint32_t)pid);
	return ERROR_SUCCESS;
}

static uint32_t h_session_create(struct wtsd *d, const struct wtsd_peer *peer,
                                 struct owts_reader *req, struct owts_writer *reply)
{
	static char store[ARGV_MAX][OWTS_PATH_MAX];
	char *argv[ARGV_MAX + 1];
	uint32_t uid = owts_read_u32(req);
	int argc = read_argv(req, store, argv);
	if (argc < 0 || !owts_reader_done(req) || uid == OWTS_NO_UID)
		return ERROR_INVALID_PARAMETER;
	struct wtsd_session *s;
	int r = wtsd_registry_create(&d->reg, uid, &s);
	if (r < 0)
		return r == -ENOENT ? ERROR_NO_SUCH_USER : owts_errno_to_win32(r);
	if (argc > 0) {
		/* The program is the session's initial program, started in the user's home. */
		join_argv(argc, argv, s->rec.initial_program, sizeof(s->rec.initial_program));
		r = wtsd_user_home(uid, s->rec.working_dir, sizeof(s->rec.working_dir));
		if (r == 0)
			r = wtsd_store_session_put(d->reg.store, &s->rec);
		if (r < 0) {
			(void)wtsd_registry_delete(&d->reg, s->rec.id);
			return owts_errno_to_win32(r);
		}
	}
	uint32_t err = spawn_reply(d, s, argc, argv, reply);
	if (err) {
		/* Nothing half-made stays behind: no session without its program. */
		(void)wtsd_registry_delete(&d->reg, s->rec.id);
		return err;
	}
	WLog_INFO(TAG, "session %u created for uid %u (\"%s\") by uid %u", s->rec.id, uid,
	          s->rec.user, (unsigned)peer->uid);
	/* A session made here has its user logged on from the start (no client connects). */
	wtsd_events_emit(d, WTS_EVENT_CREATE | WTS_EVENT_LOGON | WTS_EVENT_STATECHANGE,
	                 WTS_SESSION_LOGON, s->rec.id);
	return ERROR_SUCCESS;
}

static uint32_t h_session_spawn(struct wtsd *d, const struct wtsd_peer *peer,
                                struct owts_reader *req, struct owts_writer *reply)
{
	(void)peer;
	static char store[ARGV_MAX][OWTS_PATH_MAX];
	char *argv[ARGV_MAX + 1];
	uint32_t id = owts_read_u32(req);
	int argc = read_argv(req, store, argv);
	if (argc <= 0 || !owts_reader_done(req))
		return ERROR_INVALID_PARAMETER;
	struct wtsd_session *s = wtsd_registry_find(&d->reg, id);
	if (!s)
		return OWTS_ERROR_CTX_WINSTATION_NOT_FOUND;
	if (s->rec.uid == OWTS_NO_UID)
		return ERROR_INVALID_PARAMETER; /* nobody to run it as: session 0 */
	return spawn_reply(d, s, argc, argv, reply);
}

static const wtsd_handler_fn handlers[OWTS_OP_MAX] = {
	[OWTS_OP_SESSION_ENUM] = h_session_enum,
	[OWTS_OP_SESSION_QUERY] = h_session_query,
	[OWTS_OP_PROCESS_ENUM] = h_process_enum,
	[OWTS_OP_PROCESS_SESSION] = h_process_session,
	[OWTS_OP_PROCESS_TERMINATE] = h_process_terminate,
	[OWTS_OP_CONSOLE_SESSION] = h_console_session,
	[OWTS_OP_SESSION_CREATE] = h_session_create,
	[OWTS_OP_SESSION_SPAWN] = h_session_spawn,
	[OWTS_OP_SESSION_DISCONNECT] = wtsd_h_session_disconnect,
	[OWTS_OP_SESSION_LOGOFF] = wtsd_h_session_logoff,
	[OWTS_OP_SESSION_CONNECT] = wtsd_h_session_connect,
	[OWTS_OP_EVENT_WAIT] = wtsd_h_event_wait,
	[OWTS_OP_EVENT_SUBSCRIBE] = wtsd_h_event_subscribe,
	[OWTS_OP_LISTENER_ENUM] = wtsd_h_listener_enum,
	[OWTS_OP_LISTENER_QUERY] = wtsd_h_listener_query,
	[OWTS_OP_LISTENER_CREATE] = wtsd_h_listener_create,
	[OWTS_OP_LISTENER_SET_SECURITY] = wtsd_h_listener_set_security,
	[OWTS_OP_LISTENER_GET_SECURITY] = wtsd_h_listener_get_security,
	[OWTS_OP_CHANNEL_OPEN] = wtsd_h_channel_open,
};

uint32_t wtsd_dispatch(struct wtsd *d, const struct wtsd_peer *peer, const struct owts_frame *req,
                       struct owts_writer *reply)
{
	bool privileged = false;
	if (!owts_op_known(req->op, &privileged) || !handlers[req->op])
		return ERROR_INVALID_FUNCTION;
	if (privileged && !peer->privileged) {
		WLog_INFO(TAG, "uid %u (pid %d) refused %s: not privileged", (unsigned)peer->uid,
		          (int)peer->pid, owts_op_name(req->op));
		return ERROR_ACCESS_DENIED;
	}
	struct owts_reader r;
	owts_reader_init(&r, req->body, req->body_len);
	return handlers[req->op](d, peer, &r, reply);
}
