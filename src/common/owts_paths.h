/*
 * owts_paths.h — names both sides must agree on: the control socket and the cgroup that holds a
 * session's processes.
 *
 * Each wtsd instance (one per control socket) keeps its sessions under its own cgroup,
 * "<cgroup2 root>/<owts_cgroup_base(socket)>/session-<id>", so the library can map a process to its
 * session by reading /proc/<pid>/cgroup without asking the daemon, and test daemons on temporary
 * sockets never claim each other's processes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OWTS_PATHS_H
#define OWTS_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OWTS_DEFAULT_SOCKET "/run/openwts/wtsd.sock"
#define OWTS_SOCKET_ENV     "OPENWTS_SOCKET"

/* The control socket: $OPENWTS_SOCKET (ignored in setuid programs) or the default. */
const char *owts_socket_path(void);

/*
 * Writes the cgroup directory name of the wtsd serving socket_path: "openwts" for the default
 * socket, "openwts-<8 hex digits>" otherwise. Returns 0 or -ENAMETOOLONG.
 */
int owts_cgroup_base(const char *socket_path, char *out, size_t size);

/*
 * Finds the session id in a cgroup v2 path ("/openwts/session-7" or deeper, e.g.
 * "/openwts/session-7/app"). Returns 0 and sets *session_id if the path lies in a session cgroup
 * of base, -ENOENT otherwise.
 */
int owts_cgroup_session(const char *cgroup_path, const char *base, uint32_t *session_id);


/*
 * Finds the "0::" line (cgroup v2) in the contents of a /proc/<pid>/cgroup file (hybrid hosts
 * list v1 hierarchies too) and points [*path, *path + *len) at its path. Returns false without
 * such a line.
 */
bool owts_cgroup_find(const char *text, size_t len, const char **path, size_t *plen);

/*
 * Finds the cgroup v2 path ("0::<path>" line) in the contents of a /proc/<pid>/cgroup file and
 * copies it to path. Returns 0, -ENOENT without such a line, -ENAMETOOLONG if it does not fit,
 * -EINVAL for NULL arguments or an empty destination.
 */
int owts_cgroup_parse(const char *text, size_t len, char *path, size_t size);

#endif /* OWTS_PATHS_H */
