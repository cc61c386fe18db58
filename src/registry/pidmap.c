/*
 * pidmap.c — session membership from cgroup.procs (see pidmap.h). A session's cgroup may have
 * children (root can create them), so each session's subtree is walked.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pidmap.h"
#include "registry.h"

static int add(struct wtsd_pidmap *map, pid_t pid, uint32_t session)
{
	if (map->n == map->cap) {
		size_t cap = map->cap ? map->cap * 2 : 256;
		void *v = realloc(map->v, cap * sizeof(*map->v));
		if (!v)
			return -ENOMEM;
		map->v = v;
		map->cap = cap;
	}
	map->v[map->n].pid = pid;
	map->v[map->n].session = session;
	map->n++;
	return 0;
}

/* Adds the pids listed in dirfd's cgroup.procs (one decimal pid a line). */
static int read_procs(int dirfd, uint32_t session, struct wtsd_pidmap *map)
{
	int fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	char buf[8192];
	long pid = 0;
	bool digits = false;
	int r = 0;
	ssize_t n;
	while (r == 0 && (n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; r == 0 && i < n; i++) {
			if (buf[i] >= '0' && buf[i] <= '9' && pid < 1L << 30) {
				pid = pid * 10 + (buf[i] - '0');
				digits = true;
			} else if (buf[i] == '\n' && digits) {
				r = add(map, (pid_t)pid, session);
				pid = 0;
				digits = false;
			}
		}
	}
	if (r == 0 && n < 0)
		r = -errno;
	close(fd);
	return r;
}

/* Adds the processes of the cgroup dirfd and of every cgroup below it (depth-limited). Takes
 * ownership of dirfd. */
static int walk(int dirfd, uint32_t session, int depth, struct wtsd_pidmap *map)
{
	int r = read_procs(dirfd, session, map);
	DIR *dir = r == 0 && depth < 8 ? fdopendir(dirfd) : NULL;
	if (!dir) {
		close(dirfd);
		return r;
	}
	struct dirent *e;
	while (r == 0 && (e = readdir(dir))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub >= 0)
			r = walk(sub, session, depth + 1, map);
	}
	closedir(dir);
	return r;
}

static int by_pid(const void *a, const void *b)
{
	pid_t x = ((const struct wtsd_pidmap_entry *)a)->pid;
	pid_t y = ((const struct wtsd_pidmap_entry *)b)->pid;
	return (x > y) - (x < y);
}

int wtsd_pidmap_build(struct wtsd_registry *reg, struct wtsd_pidmap *map)
{
	memset(map, 0, sizeof(*map));
	if (!reg->cg.enabled || reg->logind)
		return -EOPNOTSUPP;
	for (size_t i = 0; i < reg->n; i++) {
		uint32_t id = reg->sessions[i]->rec.id;
		if (id == OWTS_SESSION_SERVICES)
			continue;
		char name[32];
		snprintf(name, sizeof(name), "session-%u", id);
		int dirfd = openat(reg->cg.root_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int r = dirfd < 0 ? (errno == ENOENT ? 0 : -errno) : walk(dirfd, id, 0, map);
		if (r < 0) {
			wtsd_pidmap_free(map);
			return r;
		}
	}
	if (map->n) /* qsort with a NULL base is undefined, even for 0 entries */
		qsort(map->v, map->n, sizeof(*map->v), by_pid);
	return 0;
}

uint32_t wtsd_pidmap_session(const struct wtsd_pidmap *map, pid_t pid)
{
	struct wtsd_pidmap_entry key = { .pid = pid };
	const struct wtsd_pidmap_entry *e =
	    map->n ? bsearch(&key, map->v, map->n, sizeof(*map->v), by_pid) : NULL;
	return e ? e->session : OWTS_SESSION_SERVICES;
}

void wtsd_pidmap_free(struct wtsd_pidmap *map)
{
	free(map->v);
	memset(map, 0, sizeof(*map));
}
