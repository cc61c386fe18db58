/*
 * cgroup.h — the cgroup v2 subtree that holds the processes of wtsd's sessions.
 *
 * Layout: <cgroup2 mount>/<owts_cgroup_base(socket)>/session-<id>. A process spawned into a
 * session cgroup stays there with all its descendants, including ones that double-fork and call
 * setsid, which is what ProcessIdToSessionId needs. When no writable cgroup2 hierarchy exists
 * (not root, no cgroup2 mount) wtsd falls back to tracking spawned process trees
 * (docs/internals/sessions.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_CGROUP_H
#define WTSD_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct wtsd_cgroup {
	bool enabled;
	int root_fd;      /* O_DIRECTORY fd of <mount>/<base>, -1 if disabled */
	char base[64];    /* owts_cgroup_base() of the socket */
	char mount[256];  /* the cgroup2 mount point */
};

/*
 * Finds the cgroup2 mount in /proc/self/mountinfo and creates <mount>/<base>. On failure the
 * struct is left disabled and the reason returned (-errno); wtsd then uses its fallback.
 */
int wtsd_cgroup_init(struct wtsd_cgroup *cg, const char *socket_path);
void wtsd_cgroup_fini(struct wtsd_cgroup *cg);
/* Creates session-<id> (existing is fine). Returns 0 or -errno. */
int wtsd_cgroup_create(struct wtsd_cgroup *cg, uint32_t session_id);
/* Moves pid into session-<id>. Returns 0 or -errno. */
int wtsd_cgroup_attach(struct wtsd_cgroup *cg, uint32_t session_id, pid_t pid);
/* Removes session-<id> if it is empty. Returns 0 or -errno (-EBUSY while processes remain). */
int wtsd_cgroup_remove(struct wtsd_cgroup *cg, uint32_t session_id);

/*
 * Sends sig to every process of session-<id> and of the cgroups below it (a logoff's SIGTERM).
 * Processes forked meanwhile may be missed: wtsd_cgroup_kill() is the atomic end. Returns the
 * number of processes signalled, or -errno (-ENOENT: no such cgroup).
 */
int wtsd_cgroup_signal(struct wtsd_cgroup *cg, uint32_t session_id, int sig);
/* SIGKILLs the whole subtree of session-<id>: cgroup.kill where the kernel has it (5.14+),
 * otherwise wtsd_cgroup_signal(SIGKILL). Returns 0 or -errno. */
int wtsd_cgroup_kill(struct wtsd_cgroup *cg, uint32_t session_id);
/* 1 while session-<id> holds a process ("populated 1" in cgroup.events), 0 when it is empty or
 * gone, or -errno. */
int wtsd_cgroup_populated(struct wtsd_cgroup *cg, uint32_t session_id);

#endif /* WTSD_CGROUP_H */
