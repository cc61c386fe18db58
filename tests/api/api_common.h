/*
 * api_common.h — helpers of the API tests: they run under tests/with-wtsd.sh, which provides a
 * throw-away wtsd (OPENWTS_SOCKET) and a world-writable directory (OPENWTS_TEST_DIR); WTSCTL
 * names the admin tool that creates sessions.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef API_COMMON_H
#define API_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sys/types.h>

/* The test directory. */
const char *api_dir(void);
/* Creates a session for uid running "/bin/sh -c script" (script may be NULL: no program).
 * Returns the session id; fails the test on error. *pid gets the program's pid (0 if none). */
uint32_t api_create_session(uint32_t uid, const char *script, pid_t *pid);
/* Waits up to 5 s for file name in the test directory to hold a number; returns it. */
long api_wait_number(const char *name);
/* Path of name in the test directory. */
const char *api_path(const char *name);
/* Runs cmd (sh -c) and returns its exit status. */
int api_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Starts a wtsd of the test's own on socket sock and state directory state, its output appended
 * to log_name in the test directory, with the extra arguments (NULL-terminated, or NULL).
 * Returns its pid once it accepts connections; fails the test otherwise.
 */
pid_t api_wtsd_start(const char *sock, const char *state, const char *log_name,
                     const char *const extra[]);
/* Stops it with SIGTERM and checks it exited cleanly. */
void api_wtsd_stop(pid_t pid);
/* Once it is stopped for good: kills what is left in its session cgroups (its log, log_name,
 * says where they are) and removes them. */
void api_wtsd_cleanup(const char *log_name);
/* Drops to uid/gid 65534 in a forked child and runs fn there; returns fn's result (0 = pass). */
int api_as_nobody(int (*fn)(void *ctx), void *ctx);

#endif /* API_COMMON_H */
