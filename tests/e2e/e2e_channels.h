/*
 * e2e_channels.h — what the end-to-end channel tests (e2e_channels_*.c) share on top of
 * e2e_common.h: installing the test plug-in (tests/e2e/plugins/vcecho_plugin.c) where xfreerdp
 * looks for addins, under a name of the test's own (lib<base><pid>-client.so, so that tests run in
 * parallel never remove each other's), starting clients with channel options, finding a user's
 * session, and running the app (tests/e2e/vc_app.c) inside a session (wtsctl spawn) or as root,
 * whose verdict comes back as lines in <e2e_dir>/out/<result>.
 *
 * The environment names the programs: WTSD, WTSCTL, VC_APP, VCECHO_PLUGIN (channel OWTSECH, no
 * header), VCECHOP_PLUGIN (channel OWTSECP, registered with CHANNEL_OPTION_SHOW_PROTOCOL).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef E2E_CHANNELS_H
#define E2E_CHANNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <windows.h>
#include <wtsapi32.h>

#include "e2e_common.h"

/* xfreerdp's addin directory (DESIGN.md, Known traps). */
#define VC_ADDIN_DIR "/usr/lib/x86_64-linux-gnu/freerdp2"

/* Whether the test can run: root, the programs of the environment, xfreerdp, xvfb-run,
 * winpr-hash. Says why not (SKIP) when it cannot. */
bool vc_can_run(bool need_plugins);
/* Makes e2e_dir and <e2e_dir>/out (0777: the apps run as the session's user). */
bool vc_dir_make(void);
/* Copies the plug-in that the environment variable env names to VC_ADDIN_DIR/lib<base><pid>-
 * client.so and writes "<base><pid>" (what /vc: takes) into name. Removed at exit. */
bool vc_plugin_install(const char *env, const char *base, char *name, size_t size);
/* Removes the installed plug-ins (also at exit). */
void vc_plugins_remove(void);

/* Starts xfreerdp for user (E2E_PASSWORD) at 800×600 with the extra arguments (NULL-terminated),
 * VCECHO_TRACE set to <e2e_dir>/<trace> for the plug-in. */
pid_t vc_client_start(int port, const char *user, const char *trace, const char *const extra[]);
/* The id of a session of Linux user luser in state, waiting up to ms; 0 if none came (gives up
 * early when client > 0 has exited). */
DWORD vc_session_wait(const char *luser, WTS_CONNECTSTATE_CLASS state, long ms, pid_t client);
/* vc_client_start, then waits for an Active session of luser; one more try if the client gives
 * up early. Writes the client's pid to *client in any case. Returns the session id, 0 if none. */
DWORD vc_connect(int port, const char *user, const char *luser, const char *trace,
                 const char *const extra[], pid_t *client);

/* Starts VC_APP RESULT SESSION args… inside session id with wtsctl spawn (as the session's user),
 * RESULT being <e2e_dir>/out/<result>, args a space-separated string. Returns success of the
 * spawn. */
bool vc_spawn(DWORD id, const char *result, const char *args);
/* Starts VC_APP <e2e_dir>/out/<result> args… here (root, outside the sessions): the NULL-terminated
 * args after RESULT. Returns the pid (reap it with waitpid). */
pid_t vc_run_here(const char *result, const char *const args[]);
/* Waits up to ms for a line of result that starts with key; copies it (no newline) into line.
 * Gives up early on an "END" line when key is not "END". */
bool vc_wait_line(const char *result, const char *key, long ms, char *line, size_t size);
/* Waits up to ms for result's END line and checks it is "END PASS" (CHECK); shows the file on
 * failure. Returns whether it passed. */
bool vc_expect_pass(const char *result, long ms);
/* Prints result's lines, prefixed by its name. */
void vc_show(const char *result);
/* Milliseconds of CLOCK_MONOTONIC (what the app's "at" fields say). */
unsigned long long vc_now_ms(void);
/* Stops wtsd and fails on a sanitizer report in its log; shows the apps' results and the plug-in
 * traces when a check failed, removes the plug-ins, and ends as e2e_cleanup; returns the exit
 * code. */
int vc_finish(void);

#endif /* E2E_CHANNELS_H */
