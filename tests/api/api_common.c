/*
 * api_common.c — helpers of the API tests (see api_common.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
