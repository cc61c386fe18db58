/*
 * cgroup.c — per-session cgroups (see cgroup.h): create, attach, remove, and the signals and
 * emptiness test of a logoff.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "owts_paths.h"

/* Finds the mount point of the cgroup2 filesystem (pure v2 or hybrid hosts). */
static int find_mount(char *out, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	char line[1024];
	int r = -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		/* "<id> <parent> <maj:min> <root> <mount point> <opts> ... - <fstype> ..." */
		const char *dash = strstr(line, " - cgroup2 ");
		if (!dash)
			continue;
		char mnt[256];
		if (sscanf(line, "%*s %*s %*s %*s %255s", mnt) != 1)
			continue;
		if (strlen(mnt) >= size) {
			r = -ENAMETOOLONG;
			break;
		}
		memcpy(out, mnt, strlen(mnt) + 1);
		r = 0;
		break;
	}
	fclose(f);
	return r;
}

int wtsd_cgroup_init(struct wtsd_cgroup *cg, const char *socket_path)
{
	memset(cg, 0, sizeof(*cg));
	cg->root_fd = -1;
	int r = owts_cgroup_base(socket_path, cg->base, sizeof(cg->base));
	if (r < 0)
		return r;
	r = find_mount(cg->mount, sizeof(cg->mount));
	if (r < 0)
		return r;
	int mfd = open(cg->mount, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (mfd < 0)
		return -errno;
	if (mkdirat(mfd, cg->base, 0755) < 0 && errno != EEXIST) {
		r = -errno;
		close(mfd);
		return r;
	}
	cg->root_fd = openat(mfd, cg->base, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	r = cg->root_fd < 0 ? -errno : 0;
	close(mfd);
	if (r < 0)
		return r;
	/* Probe that we may really create and populate cgroups here. */
	if (mkdirat(cg->root_fd, "probe", 0755) < 0 && errno != EEXIST) {
		r = -errno;
		close(cg->root_fd);
		cg->root_fd = -1;
		return r;
	}
	(void)unlinkat(cg->root_fd, "probe", AT_REMOVEDIR);
	cg->enabled = true;
	return 0;
}

void wtsd_cgroup_fini(struct wtsd_cgroup *cg)
{
	if (cg->root_fd >= 0)
		close(cg->root_fd);
	cg->root_fd = -1;
	cg->enabled = false;
}

static void session_dir(uint32_t id, char *out, size_t size)
{
	snprintf(out, size, "session-%u", id);
}

/* Re-creates and reopens <mount>/<base> after someone removed it under us. */
static int reopen_base(struct wtsd_cgroup *cg)
{
	int mfd = open(cg->mount, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (mfd < 0)
		return -errno;
	int r = 0;
	if (mkdirat(mfd, cg->base, 0755) < 0 && errno != EEXIST)
		r = -errno;
	int fd = r == 0 ? openat(mfd, cg->base, O_DIRECTORY | O_RDONLY | O_CLOEXEC) : -1;
	if (r == 0 && fd < 0)
		r = -errno;
	close(mfd);
	if (r == 0) {
		close(cg->root_fd);
		cg->root_fd = fd;
	}
	return r;
}

int wtsd_cgroup_create(struct wtsd_cgroup *cg, uint32_t session_id)
{
	if (!cg->enabled)
		return -EOPNOTSUPP;
	char dir[32];
	session_dir(session_id, dir, sizeof(dir));
	int r = mkdirat(cg->root_fd, dir, 0755) < 0 && errno != EEXIST ? -errno : 0;
	/* An emptied base cgroup may have been removed by an administrator: make it again. */
	if (r == -ENOENT && (r = reopen_base(cg)) == 0 && mkdirat(cg->root_fd, dir, 0755) < 0 &&
	    errno != EEXIST)
		r = -errno;
	return r;
}

int wtsd_cgroup_attach(struct wtsd_cgroup *cg, uint32_t session_id, pid_t pid)
{
	if (!cg->enabled)
		return -EOPNOTSUPP;
	char path[64];
	snprintf(path, sizeof(path), "session-%u/cgroup.procs", session_id);
	int fd = openat(cg->root_fd, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	int r = write(fd, buf, (size_t)n) == n ? 0 : -errno;
	close(fd);
	return r;
}

int wtsd_cgroup_remove(struct wtsd_cgroup *cg, uint32_t session_id)
{
	if (!cg->enabled)
		return -EOPNOTSUPP;
	char dir[32];
	session_dir(session_id, dir, sizeof(dir));
	if (unlinkat(cg->root_fd, dir, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* Signals the pids listed in dirfd's cgroup.procs; returns how many, or -errno. */
static int signal_procs(int dirfd, int sig)
{
	int fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	char buf[4096];
	long pid = 0;
	int count = 0;
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] >= '0' && buf[i] <= '9' && pid < 1L << 30) {
				pid = pid * 10 + (buf[i] - '0');
			} else if (buf[i] == '\n') {
				if (pid > 1 && kill((pid_t)pid, sig) == 0)
					count++;
				pid = 0;
			}
		}
	}
	int r = n < 0 ? -errno : count;
	close(fd);
	return r;
}

/* Signals the cgroup dirfd and its descendants (depth-limited). Takes ownership of dirfd. */
static int signal_tree(int dirfd, int sig, int depth)
{
	int r = signal_procs(dirfd, sig);
	DIR *dir = r >= 0 && depth < 8 ? fdopendir(dirfd) : NULL;
	if (!dir) {
		close(dirfd);
		return r;
	}
	struct dirent *e;
	while (r >= 0 && (e = readdir(dir))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int k = sub >= 0 ? signal_tree(sub, sig, depth + 1) : 0;
		r = k < 0 ? k : r + k;
	}
	closedir(dir);
	return r;
}

int wtsd_cgroup_signal(struct wtsd_cgroup *cg, uint32_t session_id, int sig)
{
	if (!cg->enabled)
		return -EOPNOTSUPP;
	char dir[32];
	session_dir(session_id, dir, sizeof(dir));
	int fd = openat(cg->root_fd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return signal_tree(fd, sig, 0);
}

int wtsd_cgroup_kill(struct wtsd_cgroup *cg, uint32_t session_id)
{
	if (!cg->enabled)
		return -EOPNOTSUPP;
	char path[64];
	snprintf(path, sizeof(path), "session-%u/cgroup.kill", session_id);
	int fd = openat(cg->root_fd, path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		int r = write(fd, "1", 1) == 1 ? 0 : -errno;
		close(fd);
		if (r == 0)
			return 0;
	}
	int n = wtsd_cgroup_signal(cg, session_id, SIGKILL);
	return n < 0 ? n : 0;
}

int wtsd_cgroup_populated(struct wtsd_cgroup *cg, uint32_t session_id)
{
	if (!cg->enabled)
		return -EOPNOTSUPP;
	char path[64];
	snprintf(path, sizeof(path), "session-%u/cgroup.events", session_id);
	int fd = openat(cg->root_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	char buf[256];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	int r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	buf[n] = '\0';
	const char *p = strstr(buf, "populated ");
	return p && p[10] == '1' ? 1 : 0;
}
