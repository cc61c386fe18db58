/*
 * e2e_channels_common.c — the helpers of the end-to-end channel tests (e2e_channels.h): the
 * plug-in is copied (not linked) into xfreerdp's addin directory because xfreerdp loads addins
 * from there only; apps report through files because an app spawned into a session is wtsd's
 * child, not the test's, and runs as the session's user.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e_channels.h"

#define PLUGINS_MAX 4

static char installed[PLUGINS_MAX][300];
static int n_installed;
static bool atexit_set;

bool vc_can_run(bool need_plugins)
{
	const char *vars[] = {"WTSD", "WTSCTL", "VC_APP", "VCECHO_PLUGIN", "VCECHOP_PLUGIN"};
	size_t nvars = need_plugins ? 5 : 3;
	for (size_t i = 0; i < nvars; i++)
		if (!getenv(vars[i])) {
			fprintf(stderr, "SKIP: %s is not set (run through ctest)\n", vars[i]);
			return false;
		}
	if (geteuid() != 0) {
		fprintf(stderr, "SKIP: needs root (sessions of other users; the plug-in goes into"
		                " " VC_ADDIN_DIR ")\n");
		return false;
	}
	if (!e2e_tool_have("xfreerdp") || !e2e_tool_have("xvfb-run") ||
	    !e2e_tool_have("winpr-hash")) {
		fprintf(stderr, "SKIP: needs xfreerdp (freerdp2-x11), xvfb-run (xvfb, xauth) and"
		                " winpr-hash (winpr-utils)\n");
		return false;
	}
	return true;
}

bool vc_dir_make(void)
{
	char out[300];
	if (!e2e_dir_make())
		return false;
	chmod(e2e_dir, 0755);
	snprintf(out, sizeof(out), "%s/out", e2e_dir);
	if (mkdir(out, 0777) < 0)
		return false;
	return chmod(out, 0777) == 0;
}

void vc_plugins_remove(void)
{
	for (int i = 0; i < n_installed; i++)
		if (installed[i][0] && unlink(installed[i]) < 0 && errno != ENOENT)
			fprintf(stderr, "cannot remove %s: %s\n", installed[i], strerror(errno));
	n_installed = 0;
}

bool vc_plugin_install(const char *env, const char *base, char *name, size_t size)
{
	const char *src = getenv(env);
	if (!src || n_installed >= PLUGINS_MAX)
		return false;
	if (!atexit_set) {
		atexit(vc_plugins_remove);
		atexit_set = true;
	}
	snprintf(name, size, "%s%d", base, (int)getpid());
	char *dst = installed[n_installed];
	snprintf(dst, sizeof(installed[0]), VC_ADDIN_DIR "/lib%s-client.so", name);
	/* Copy under a temporary name, then rename: a client never sees half a file. */
	int rc = e2e_run("mkdir -p " VC_ADDIN_DIR " && cp '%s' '%s.tmp' && chmod 0644 '%s.tmp'"
	                 " && mv -f '%s.tmp' '%s'",
	                 src, dst, dst, dst, dst);
	if (rc != 0) {
		fprintf(stderr, "cannot install %s as %s\n", src, dst);
		return false;
	}
	n_installed++;
	return true;
}

pid_t vc_client_start(int port, const char *user, const char *trace, const char *const extra[])
{
	char path[300];
	const char *args[32] = {"/size:800x600"};
	size_t n = 1;
	for (size_t i = 0; extra && extra[i] && n < 31; i++)
		args[n++] = extra[i];
	args[n] = NULL;
	snprintf(path, sizeof(path), "%s/%s", e2e_dir, trace);
	setenv("VCECHO_TRACE", path, 1);
	return e2e_client_start_argv(port, user, E2E_PASSWORD, args);
}

/* The session of luser in state, 0 if none (by user, not station: a Disconnected session has no
 * station name, as on Windows). */
static DWORD session_of(const char *luser, WTS_CONNECTSTATE_CLASS state)
{
	PWTS_SESSION_INFO_1A info = NULL;
	DWORD n = 0, level = 1, id = 0;
	if (!WTSEnumerateSessionsExA(NULL, &level, 0, &info, &n))
		return 0;
	for (DWORD i = 0; i < n && !id; i++)
		if (info[i].SessionId >= 2 && info[i].State == state && info[i].pUserName &&
		    strcmp(info[i].pUserName, luser) == 0)
			id = info[i].SessionId;
	WTSFreeMemory(info);
	return id;
}

DWORD vc_session_wait(const char *luser, WTS_CONNECTSTATE_CLASS state, long ms, pid_t client)
{
	for (long t = 0; t < ms; t += 100) {
		DWORD id = session_of(luser, state);
		if (id)
			return id;
		if (client > 0 && waitpid(client, NULL, WNOHANG) == client) {
			fprintf(stderr, "client %d exited\n", (int)client);
			return session_of(luser, state);
		}
		e2e_sleep_ms(100);
	}
	return 0;
}

DWORD vc_connect(int port, const char *user, const char *luser, const char *trace,
                 const char *const extra[], pid_t *client)
{
	*client = vc_client_start(port, user, trace, extra);
	DWORD id = vc_session_wait(luser, WTSActive, 30000, *client);
	if (id)
		return id;
	e2e_client_kill(*client); /* a loaded machine: one more try */
	*client = vc_client_start(port, user, trace, extra);
	return vc_session_wait(luser, WTSActive, 30000, *client);
}

bool vc_spawn(DWORD id, const char *result, const char *args)
{
	int rc =
	    e2e_run("%s spawn %lu %s %s/out/%s %s >%s/out/%s.pid 2>&1", getenv("WTSCTL"),
	            (unsigned long)id, getenv("VC_APP"), e2e_dir, result, args, e2e_dir, result);
	if (rc != 0)
		e2e_run("echo 'wtsctl spawn:'; cat %s/out/%s.pid", e2e_dir, result);
	return rc == 0;
}

pid_t vc_run_here(const char *result, const char *const args[])
{
	char path[300], log[300];
	char *argv[32] = {getenv("VC_APP"), path};
	size_t n = 2;
	for (size_t i = 0; args[i] && n < 31; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	snprintf(path, sizeof(path), "%s/out/%s", e2e_dir, result);
	snprintf(log, sizeof(log), "%s/out/%s.log", e2e_dir, result);
	return e2e_spawn(argv, log, false);
}

/* Looks for a line of path starting with key (and whether there is an END line). */
static bool find_line(const char *path, const char *key, char *line, size_t size, bool *end)
{
	FILE *f = fopen(path, "r");
	bool hit = false;
	*end = false;
	if (!f)
		return false;
	char buf[1024];
	while (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (strncmp(buf, "END", 3) == 0)
			*end = true;
		if (!hit && strncmp(buf, key, strlen(key)) == 0) {
			snprintf(line, size, "%s", buf);
			hit = true;
		}
	}
	fclose(f);
	return hit;
}

bool vc_wait_line(const char *result, const char *key, long ms, char *line, size_t size)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/out/%s", e2e_dir, result);
	line[0] = '\0';
	for (long t = 0; t < ms; t += 20) {
		bool end;
		if (find_line(path, key, line, size, &end))
			return true;
		if (end && strcmp(key, "END") != 0)
			return false;
		e2e_sleep_ms(20);
	}
	return false;
}

void vc_show(const char *result)
{
	fflush(stdout);
	e2e_run("sed 's/^/  %s: /' %s/out/%s 2>/dev/null", result, e2e_dir, result);
}

bool vc_expect_pass(const char *result, long ms)
{
	char line[1024];
	bool got = vc_wait_line(result, "END", ms, line, sizeof(line));
	bool pass = got && strcmp(line, "END PASS") == 0;
	CHECK(pass, "app %s: %s", result, got ? line : "no END line in time");
	if (!pass)
		vc_show(result);
	return pass;
}

unsigned long long vc_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000u + (unsigned long long)ts.tv_nsec / 1000000u;
}

int vc_finish(void)
{
	/* wtsd ends first, so that a sanitizer's report (ASan builds) is in its log. */
	e2e_wtsd_stop();
	CHECK(e2e_run("! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' %s/wtsd.log",
	              e2e_dir) == 0,
	      "wtsd's log has a sanitizer report");
	if (e2e_failures)
		e2e_run("cd %s && for f in out/* *.trace; do [ -f \"$f\" ] || continue;"
		        " echo \"--- $f\"; tail -n 60 \"$f\"; done",
		        e2e_dir);
	vc_plugins_remove();
	e2e_cleanup();
	printf("%s\n", e2e_failures ? "FAILED" : "PASSED");
	return e2e_failures ? 1 : 0;
}
