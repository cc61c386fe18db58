/*
 * pidmap.h — which session each process is in, read from the cgroup.procs files of the session
 * cgroups: a few reads per enumeration instead of one /proc/<pid>/cgroup read per process.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_PIDMAP_H
#define WTSD_PIDMAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct wtsd_registry;

struct wtsd_pidmap {
	struct wtsd_pidmap_entry {
		pid_t pid;
		uint32_t session;
	} *v;         /* sorted by pid */
	size_t n, cap;
};

/*
 * Fills map with the processes of every session cgroup. Returns 0, or -EOPNOTSUPP when the map
 * cannot be the whole answer (sessions tracked without cgroups, or a logind console whose
 * processes are found per process), or -errno. The map is empty but valid on failure.
 */
int wtsd_pidmap_build(struct wtsd_registry *reg, struct wtsd_pidmap *map);
/* The session of pid: its entry, or session 0. */
uint32_t wtsd_pidmap_session(const struct wtsd_pidmap *map, pid_t pid);
void wtsd_pidmap_free(struct wtsd_pidmap *map);

#endif /* WTSD_PIDMAP_H */
