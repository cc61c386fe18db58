/*
 * registry.h — wtsd's session registry: every session, the console, and which session a process
 * belongs to.
 *
 * Session 0 ("Services", WTSDisconnected, no user) always exists and holds every process that
 * belongs to no other session. The console session (id 1) exists while systemd-logind reports an
 * active session on seat0. Sessions wtsd creates get ids from 2 up, never reused, and persist in
 * the store across restarts.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_REGISTRY_H
#define WTSD_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "owts_records.h"

#define WTSD_CONSOLE_ID     1u
#define WTSD_FIRST_ID       2u
#define WTSD_NO_SESSION     UINT32_MAX

struct wtsd_store;
struct wtsd_listener;

struct wtsd_session {
	struct owts_session rec;
	pid_t *leaders;  /* processes spawned into the session (fallback tracking) */
	size_t nleaders;
	pid_t initial_pid; /* the running initial program started at RDP logon, 0 if none */
	bool ending;       /* a logoff is under way: no reconnect, no new program (lifecycle) */
};

struct wtsd_registry {
	struct wtsd_session **sessions; /* sorted by id; [0] is session 0 */
	size_t n, cap;
	struct wtsd_store *store;
	struct wtsd_cgroup cg;
	char domain[OWTS_NAME_MAX];     /* NetBIOS-style host name, the domain of local users */
	bool logind;                    /* systemd-logind runs: the console may exist */
	/* The encoded session list (SESSION_ENUM body), rebuilt after any change. */
	uint8_t *list;
	size_t list_len;
	bool list_valid;
	/* Listeners (listeners.h), by id; listed after the sessions as WTSListen pseudo-sessions. */
	struct wtsd_listener **listeners;
	size_t nlisteners;
};

/*
 * Opens the registry: the store in state_dir, the cgroup subtree for socket_path, session 0,
 * and the stored sessions. Returns 0 or -errno.
 */
int wtsd_registry_open(struct wtsd_registry *reg, const char *state_dir, const char *socket_path);
void wtsd_registry_close(struct wtsd_registry *reg);

/* Refreshes the console session from logind. */
void wtsd_registry_refresh_console(struct wtsd_registry *reg);
/* The console's session id, or 0xFFFFFFFF when there is none. */
uint32_t wtsd_registry_console(struct wtsd_registry *reg);

/* Finds a session by id, NULL if none. */
struct wtsd_session *wtsd_registry_find(struct wtsd_registry *reg, uint32_t id);

/*
 * Creates a session for uid (no client: WTSDisconnected), persists it and creates its cgroup.
 * Returns 0 with *out set, -ENOENT for an unknown uid, -errno.
 */
int wtsd_registry_create(struct wtsd_registry *reg, uint32_t uid, struct wtsd_session **out);

/* Removes a session wtsd created (id >= WTSD_FIRST_ID) from memory, store and cgroups. */
int wtsd_registry_delete(struct wtsd_registry *reg, uint32_t id);

/* Marks what lists show as changed; every change of a session's record must call it. */
void wtsd_registry_changed(struct wtsd_registry *reg);
/*
 * The body of a SESSION_ENUM reply (count, then brief records: the sessions, then each listener as a
 * WTSListen pseudo-session), cached until the next change:
 * listing 10,000 sessions is a copy. Returns 0 or -ENOMEM; *body stays owned by the registry.
 */
int wtsd_registry_list(struct wtsd_registry *reg, const uint8_t **body, size_t *len);

/* Records a process spawned into a session (fallback tracking). Returns 0 or -ENOMEM. */
int wtsd_registry_add_leader(struct wtsd_session *s, pid_t pid);
/* Forgets a reaped process. */
void wtsd_registry_reaped(struct wtsd_registry *reg, pid_t pid);

/*
 * Session of a process from its cgroup path (as read from /proc), POSIX session and parent; a
 * pid that belongs to no session is in session 0.
 */
uint32_t wtsd_registry_session_of(struct wtsd_registry *reg, pid_t pid, const char *cgroup,
                                  pid_t posix_sid);
/* Same, reading what it needs from /proc. Returns 0 with *id, or -ESRCH. */
int wtsd_registry_process_session(struct wtsd_registry *reg, pid_t pid, uint32_t *id);

#endif /* WTSD_REGISTRY_H */
