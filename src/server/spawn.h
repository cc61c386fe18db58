/*
 * spawn.h — start a program as a session's user, inside the session.
 *
 * Own fork/exec rather than WinPR's CreateProcessAsUser, which ignores a failed setuid/setgid and
 * keeps the caller's environment (DESIGN.md, known traps): every step here is checked, and a
 * failure in the child reaches the parent through a close-on-exec pipe before exec.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_SPAWN_H
#define WTSD_SPAWN_H

#include <sys/types.h>

#include "registry.h"

/*
 * Spawns argv (argv[0] a path or a name looked up in the user's PATH) as the session's user, in
 * a new POSIX session, with stdin/stdout/stderr on /dev/null, the user's home as working
 * directory and a fresh environment (HOME, USER, LOGNAME, SHELL, PATH, OPENWTS_SESSION_ID,
 * OPENWTS_SOCKET). The process is in the session's cgroup before it executes. Returns 0 with
 * *pid, or -errno (from the child if it failed before exec).
 */
int wtsd_spawn(struct wtsd_registry *reg, struct wtsd_session *s, char *const argv[],
               const char *socket_path, pid_t *pid);

#endif /* WTSD_SPAWN_H */
