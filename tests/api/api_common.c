/*
 * api_common.c — helpers of the API tests (see api_common.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdbool.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "api_common.h"

const char *api_dir(void)
{
	const char *d = getenv("OPENWTS_TEST_DIR");
	if (!d)
		fail_msg("OPENWTS_TEST_DIR is not set: run through tests/with-wtsd.sh");
	return d;
}

const char *api_path(const char *name)
{
	static char path[4][512];
	static int next;
	char *p = path[next++ % 4];
	snprintf(p, 512, "%s/%s", api_dir(), name);
	return p;
}

uint32_t api_create_session(uint32_t uid, const char *script, pid_t *pid)
{
	const char *wtsctl = getenv("WTSCTL");
	if (!wtsctl)
		fail_msg("WTSCTL is not set");
	char cmd[4096];
	if (script)
		snprintf(cmd, sizeof(cmd), "%s create-session %u /bin/sh -c '%s'", wtsctl, uid,
		         script);
	else
		snprintf(cmd, sizeof(cmd), "%s create-session %u", wtsctl, uid);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	unsigned id = 0, p = 0;
	int n = fscanf(f, "%u %u", &id, &p);
	int rc = pclose(f);
	if (n != 2 || rc != 0)
		fail_msg("\"%s\" failed (%d)", cmd, rc);
	if (pid)
		*pid = (pid_t)p;
	return id;
}

long api_wait_number(const char *name)
{
	const char *path = api_path(name);
	for (int i = 0; i < 500; i++) {
		FILE *f = fopen(path, "r");
		if (f) {
			long v;
			int n = fscanf(f, "%ld", &v);
			fclose(f);
			if (n == 1)
				return v;
		}
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	fail_msg("%s never appeared", path);
	return -1;
}

int api_run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

int api_as_nobody(int (*fn)(void *ctx), void *ctx)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(90);
		_exit(fn(ctx));
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 91;
}

pid_t api_wtsd_start(const char *sock, const char *state, const char *log_name,
                     const char *const extra[])
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	assert_true(strlen(sock) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	const char *argv[16] = { "wtsd", "--foreground", "--socket", sock, "--state-dir", state };
	size_t n = 6;
	for (size_t i = 0; extra && extra[i] && n < 15; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int log = open(api_path(log_name), O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(log, 1);
		dup2(log, 2);
		execv(getenv("WTSD"), (char *const *)argv);
		_exit(127);
	}
	/* Ready when a connection is accepted. */
	bool up = false;
	for (int i = 0; i < 500 && !up; i++) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		up = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		close(fd);
		if (!up) {
			struct timespec ts = { 0, 20 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
	assert_true(up);
	return pid;
}

void api_wtsd_stop(pid_t pid)
{
	int status;
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

void api_wtsd_cleanup(const char *log_name)
{
	assert_int_equal(api_run("cg=$(sed -n 's/.*sessions live under cgroup \\([^ ]*\\).*/\\1/p' "
	                         "%s | head -n 1); [ -z \"$cg\" ] || [ ! -d \"$cg\" ] || "
	                         "{ echo 1 > \"$cg/cgroup.kill\"; "
	                         "find \"$cg\" -depth -type d -exec rmdir {} +; }",
	                         api_path(log_name)),
	                 0);
}
