/*
 * e2e_common.h — helpers of the end-to-end tests: each test owns a throw-away directory
 * (e2e_dir: the SAM file, wtsd's socket, state and log, the clients' HOME and log), starts its
 * own wtsd on 127.0.0.1:<free port> (the WTSD variable names it) and drives the real xfreerdp
 * under xvfb-run, each client in a process group of its own so that killing it takes Xvfb too.
 * The verdict comes from the public API (libwtsapi32 on OPENWTS_SOCKET, set by e2e_wtsd_start).
 * One process runs one scenario, so the state (directory, wtsd's pid, failure count) is global.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef E2E_COMMON_H
#define E2E_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include <windows.h>
#include <wtsapi32.h>

/* The SAM user of the tests (mapped to a Linux account by --user-map) and its password. */
#define E2E_USER     "e2euser"
#define E2E_PASSWORD "E2e-pass.1"

/* The test's directory, filled by e2e_dir_make. */
extern char e2e_dir[256];
/* Failed checks so far; e2e_cleanup shows the logs when it is not 0. */
extern int e2e_failures;

/* Counts a failure and says where (file and line of the test) when cond is false; goes on. */
#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                       \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			e2e_failures++;                                                            \
		}                                                                                  \
	} while (0)

/* What the session list says (e2e_session_look). */
struct e2e_found
{
	DWORD id;
	WTS_CONNECTSTATE_CLASS state;
	char station[64];
	int count; /* sessions >= 2 (RDP and created ones) */
	int active;
};

/* Sleeps ms milliseconds. */
void e2e_sleep_ms(long ms);
/* Whether tool is on PATH. */
bool e2e_tool_have(const char *tool);
/* Runs the formatted command (sh -c, at most 4 KiB); returns its exit status, -1 if it did not
 * exit. */
int e2e_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A port on 127.0.0.1 that was free a moment ago; -1 on error. */
int e2e_port_free(void);
/* Creates e2e_dir (/tmp/openwts-e2e.XXXXXX, mode 0700). Returns false on error. */
bool e2e_dir_make(void);
/* Starts argv (argv[0] looked up on PATH; the array is borrowed) with stdout and stderr
 * appended to log, in a new session and process group if new_group. Returns the pid (-1 if
 * fork failed); a child that cannot open log exits 126, one that cannot exec 127. */
pid_t e2e_spawn(char *const argv[], const char *log, bool new_group);

/* Writes the SAM file <e2e_dir>/sam with the users of the NULL-terminated list, each with
 * E2E_PASSWORD (winpr-hash), and its path into sam (size bytes). Returns false on error. */
bool e2e_sam_write(const char *const users[], char *sam, size_t size);
/* Creates <e2e_dir>/home and starts $WTSD --socket <e2e_dir>/wtsd.sock --state-dir
 * <e2e_dir>/state --listen 127.0.0.1:port followed by the NULL-terminated args (borrowed), its
 * output in <e2e_dir>/wtsd.log; sets OPENWTS_SOCKET. Returns true once the socket exists (up to
 * 10 s), false if wtsd exited or never made it. e2e_cleanup stops it. */
bool e2e_wtsd_start(int port, const char *const args[]);
/* Stops the wtsd of e2e_wtsd_start (SIGTERM) and waits for it; e2e_wtsd_start may start it
 * again on the same state. Returns whether it exited with status 0. */
bool e2e_wtsd_stop(void);
/* The pid of the wtsd of e2e_wtsd_start (0 when none runs). */
pid_t e2e_wtsd_pid(void);
/* For a wtsd that did not start: says so, counts the failure, cleans up; returns the exit code
 * (1). */
int e2e_wtsd_failed(void);
/* Stops wtsd, shows its log and the client's on failure, kills and removes the cgroup of its
 * sessions, removes e2e_dir. */
void e2e_cleanup(void);

/* Sets HOME to <e2e_dir>/home for a client and writes the client log's path into log (size
 * bytes). */
void e2e_client_env(char *log, size_t size);
/* Starts xvfb-run -a xfreerdp /v:127.0.0.1:port /cert:ignore /u:user /p:password
 * /client-hostname:e2ehost size sec (sec may be NULL: left out) in a process group of its own.
 * Returns the pid. */
pid_t e2e_client_start(int port, const char *user, const char *password, const char *size,
                       const char *sec);
/* Like e2e_client_start, with the NULL-terminated extra arguments (borrowed; at most 24) after
 * /client-hostname:e2ehost instead of size and sec, e.g. /size:800x600 /echo /vc:name. Returns
 * the pid, -1 if there are too many arguments. */
pid_t e2e_client_start_argv(int port, const char *user, const char *password,
                            const char *const extra[]);
/* Kills a client's whole process group (xvfb-run, Xvfb, xfreerdp) and reaps it. */
void e2e_client_kill(pid_t pid);
/* Starts a client of E2E_USER, E2E_PASSWORD at 800×600 and waits for an Active RDP-Tcp#
 * session (one more try if the client gives up early, as on a loaded machine). Writes the
 * client's pid to *client in any case, the session to *f. Returns whether it came up. */
bool e2e_client_connect(int port, struct e2e_found *f, pid_t *client);

/* Looks at the session list (ids >= 2) into *f: the session id (or, id 0, the first RDP-Tcp#
 * one), the number of sessions and of Active ones. Returns whether the session was found. */
bool e2e_session_look(DWORD id, struct e2e_found *f);
/* Waits up to ms for session id (0: any RDP-Tcp# one) to reach state, *f as of the last look;
 * gives up early when client (if > 0) has exited. */
bool e2e_session_wait_state(DWORD id, WTS_CONNECTSTATE_CLASS state, long ms, struct e2e_found *f,
                            pid_t client);

/* The id of a session in state whose station starts with prefix and whose user is user, 0 if
 * none. */
DWORD e2e_session_find(const char *prefix, const char *user, WTS_CONNECTSTATE_CLASS state);
/* The id of any session of user (any state), 0 if none. */
DWORD e2e_session_of_user(const char *user);

/* Writes into sd (at least E2E_SD_SIZE bytes) a self-relative security descriptor whose DACL
 * denies the WTS_SECURITY_* rights denied to S-1-22-1-<uid>, then allows allowed to Everyone.
 * Returns its size. */
#define E2E_SD_SIZE 128
size_t e2e_sd_deny(BYTE *sd, DWORD uid, DWORD denied, DWORD allowed);

#endif /* E2E_COMMON_H */
