/*
 * spawn.c — session programs (see spawn.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"
#include "users.h"

#define ENV_MAX 8

struct user
{
	struct wtsd_user acct;
	gid_t groups[64]; /* supplementary groups, resolved before fork (NSS is not fork-safe) */
	int ngroups;
};

static int lookup_user(uint32_t uid, struct user *u)
{
	int r = wtsd_user_lookup(uid, &u->acct);
	if (r < 0)
		return r;
	u->ngroups = (int)(sizeof(u->groups) / sizeof(u->groups[0]));
	if (getgrouplist(u->acct.name, u->acct.gid, u->groups, &u->ngroups) < 0) {
		u->groups[0] = u->acct.gid; /* more than 64 groups: keep the primary only */
		u->ngroups = 1;
	}
	return 0;
}

/* In the child: report -errno through the pipe and exit. */
static _Noreturn void child_fail(int pipe_fd, int err)
{
	int32_t v = err;
	(void)!write(pipe_fd, &v, sizeof(v));
	_exit(127);
}

/* In the child, after fork: everything up to exec. Async-signal-safe calls only. */
static _Noreturn void child(const struct user *u, int cgroup_fd, int pipe_fd, char *const argv[],
                            char *const envp[])
{
	sigset_t none;
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		child_fail(pipe_fd, -errno);
	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	if (cgroup_fd >= 0 && write(cgroup_fd, "0", 1) != 1)
		child_fail(pipe_fd, -errno);
	if (setsid() < 0)
		child_fail(pipe_fd, -errno);
	int null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		child_fail(pipe_fd, -errno);
	if (setgroups((size_t)u->ngroups, u->groups) < 0 || setgid(u->acct.gid) < 0 ||
	    setuid(u->acct.uid) < 0)
		child_fail(pipe_fd, -errno);
	/* setuid to a non-root user must not be reversible. */
	if (u->acct.uid != 0 && (setuid(0) == 0 || geteuid() != u->acct.uid))
		child_fail(pipe_fd, -EPERM);
	if (chdir(u->acct.home) < 0 && chdir("/") < 0)
		child_fail(pipe_fd, -errno);
	execvpe(argv[0], argv, envp);
	child_fail(pipe_fd, -errno);
}

static int open_cgroup_procs(struct wtsd_registry *reg, uint32_t id)
{
	if (!reg->cg.enabled)
		return -1;
	char path[64];
	snprintf(path, sizeof(path), "session-%u/cgroup.procs", id);
	return openat(reg->cg.root_fd, path, O_WRONLY | O_CLOEXEC);
}

/* Builds the user's environment in env (strings in store). */
static void build_env(const struct user *u, uint32_t id, const char *socket_path,
                      char store[ENV_MAX][600], char *env[ENV_MAX + 1])
{
	int n = 0;
	snprintf(store[n++], 600, "HOME=%s", u->acct.home);
	snprintf(store[n++], 600, "USER=%s", u->acct.name);
	snprintf(store[n++], 600, "LOGNAME=%s", u->acct.name);
	snprintf(store[n++], 600, "SHELL=%s", u->acct.shell);
	snprintf(store[n++], 600, "PATH=%s",
	         u->acct.uid == 0 ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	                          : "/usr/local/bin:/usr/bin:/bin");
	snprintf(store[n++], 600, "OPENWTS_SESSION_ID=%u", id);
	snprintf(store[n++], 600, "OPENWTS_SOCKET=%s", socket_path);
	for (int i = 0; i < n; i++)
		env[i] = store[i];
	env[n] = NULL;
}

int wtsd_spawn(struct wtsd_registry *reg, struct wtsd_session *s, char *const argv[],
               const char *socket_path, pid_t *pid)
{
	struct user u;
	if (s->rec.uid == OWTS_NO_UID)
		return -EINVAL;
	int r = lookup_user(s->rec.uid, &u);
	if (r < 0)
		return r;
	char store[ENV_MAX][600];
	char *env[ENV_MAX + 1];
	build_env(&u, s->rec.id, socket_path, store, env);
	int cgroup_fd = open_cgroup_procs(reg, s->rec.id);
	if (reg->cg.enabled && cgroup_fd < 0)
		return -errno;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		r = -errno;
		if (cgroup_fd >= 0)
			close(cgroup_fd);
		return r;
	}
	pid_t child_pid = fork();
	if (child_pid == 0) {
		close(p[0]);
		child(&u, cgroup_fd, p[1], argv, env);
	}
	r = child_pid < 0 ? -errno : 0;
	close(p[1]);
	if (cgroup_fd >= 0)
		close(cgroup_fd);
	if (r == 0) {
		int32_t child_err = 0;
		ssize_t n;
		while ((n = read(p[0], &child_err, sizeof(child_err))) < 0 && errno == EINTR)
			;
		if (n == (ssize_t)sizeof(child_err)) {
			r = child_err < 0 ? child_err : -EIO;
			(void)waitpid(child_pid, NULL, 0);
		}
	}
	close(p[0]);
	if (r < 0)
		return r;
	if (!reg->cg.enabled && (r = wtsd_registry_add_leader(s, child_pid)) < 0)
		return r;
	*pid = child_pid;
	return 0;
}
