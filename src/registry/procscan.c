/*
 * procscan.c - procfs process scanner for wtsd (interface and field meanings in procscan.h).
 *
 * WTSEnumerateProcessesEx must list every process of the host quickly, so each process costs a
 * fixed handful of system calls and no allocation. Nearly all of the time is spent in the kernel
 * opening and rendering procfs files, so the design minimises files and opens:
 *   - the pid list comes from getdents64() on an O_DIRECTORY fd of proc_root, 32 KiB at a time;
 *   - files are opened as "<pid>/stat" relative to that fd. Opening /proc/<pid> first and its
 *     files relative to it costs one more open and close per process (measured about 8 % slower
 *     at level 0); the price is that a pid reused between two opens of one scan could mix two
 *     processes, which needs the pid counter to wrap within microseconds;
 *   - fstatat("<pid>") gives the owner; stat gives name, parent, session, threads and times;
 *     cgroup gives the v2 path; at level 1 status is read only for the memory lines;
 *   - each file is read with a single read() into a stack buffer. procfs renders single-record
 *     files such as stat, status and cgroup completely before copying them out, so a read that
 *     does not fill the buffer returned the whole file (true for the regular files of a test
 *     tree as well); this saves the read() that would return 0 for every file;
 *   - open descriptors are counted from st_size of /proc/<pid>/fd, which Linux >= 6.2 sets to
 *     the number of open fds (one fstatat(), and it needs no ptrace access). Where that is not
 *     available (older kernels, test trees) the directory is read with getdents64() instead.
 * Parsing is by hand over (pointer, length) pairs and never relies on NUL termination.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* getdents64, memrchr */
#endif

#include "owts_paths.h"
#include "procscan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <unistd.h>

#define DENTS_BUF_SIZE 32768 /* getdents64 batch for the pid list */
#define FILE_BUF_SIZE  8192  /* one procfs file; stat < 1 KiB, status about 1.5 KiB */
#define PID_NAME_MAX   10    /* decimal digits of UINT32_MAX */
#define NS100_PER_SEC  10000000ull

/* Per-scan constants, computed once by env_init(). */
struct scan_env
{
	int level;
	unsigned flags;        /* WTSD_PROCSCAN_* */
	uint64_t hz;           /* clock ticks per second (utime/stime unit) */
	uint64_t page_size;    /* unit of the stat rss field */
	bool fd_count_by_size; /* st_size of <pid>/fd is the number of open fds */
};

/* "<pid>/" followed by the name of one file of that process. */
struct pid_path
{
	char buf[PID_NAME_MAX + 16];
	size_t len; /* length of the "<pid>/" prefix */
};

/* One directory entry decoded from a getdents64() buffer. */
struct dent
{
	const char *name;
	unsigned short reclen;
	unsigned char type;
};

/* Cursor over the space-separated fields of a stat line. */
struct fields
{
	const char *p;
	const char *end;
};

/* Fills env for a scan of rootfd; probes the fd-count-by-size feature if handles are needed. */
static void env_init(int rootfd, int level, unsigned flags, struct scan_env *env)
{
	long hz = sysconf(_SC_CLK_TCK);
	long page = sysconf(_SC_PAGESIZE);
	struct statfs sfs;
	struct stat st;

	env->level = level;
	env->flags = flags;
	env->hz = hz > 0 ? (uint64_t)hz : 100;
	env->page_size = page > 0 ? (uint64_t)page : 4096;
	env->fd_count_by_size = false;
	if (level < WTSD_PROCSCAN_LEVEL1)
		return;
	/* We hold rootfd open ourselves, so a kernel with the feature reports at least 1 here. */
	if (fstatfs(rootfd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC &&
	    fstatat(rootfd, "self/fd", &st, 0) == 0 && st.st_size > 0)
		env->fd_count_by_size = true;
}

/* Maps "no such entry" errors of a process directory to -ESRCH; other values pass through. */
static int gone(int r)
{
	return (r == -ENOENT || r == -ENOTDIR) ? -ESRCH : r;
}

/* Sets pp to "<name>/"; false if name is longer than a pid can be. */
static bool pid_path_init(struct pid_path *pp, const char *name, size_t len)
{
	if (len == 0 || len > PID_NAME_MAX)
		return false;
	memcpy(pp->buf, name, len);
	pp->buf[len] = '/';
	pp->len = len + 1;
	return true;
}

/* Returns "<pid>/<file>" (file is one of our short literals), or "<pid>" for file NULL. */
static const char *pid_path(struct pid_path *pp, const char *file)
{
	if (!file) {
		pp->buf[pp->len - 1] = '\0';
		return pp->buf;
	}
	pp->buf[pp->len - 1] = '/';
	memcpy(pp->buf + pp->len, file, strlen(file) + 1);
	return pp->buf;
}

/* Decodes the entry at byte offset off of a getdents64() buffer (without aliasing casts). */
static struct dent dent_at(const char *buf, size_t off)
{
	struct dent d;

	memcpy(&d.reclen, buf + off + offsetof(struct dirent64, d_reclen), sizeof(d.reclen));
	d.type = (unsigned char)buf[off + offsetof(struct dirent64, d_type)];
	d.name = buf + off + offsetof(struct dirent64, d_name);
	return d;
}

/* Parses the unsigned decimal [s, s + len); false if empty, not all digits, or overflowing. */
static bool parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)((unsigned char)s[i] - '0');
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* Parses an unsigned decimal that fits uint32_t. */
static bool parse_u32(const char *s, size_t len, uint32_t *out)
{
	uint64_t v;

	if (!parse_u64(s, len, &v) || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Parses an optionally negative decimal that fits int32_t. */
static bool parse_i32(const char *s, size_t len, int32_t *out)
{
	size_t neg = (len > 0 && s[0] == '-') ? 1 : 0;
	uint64_t v;

	if (!parse_u64(s + neg, len - neg, &v) || v > (uint64_t)INT32_MAX + neg)
		return false;
	*out = neg ? (int32_t)(-(int64_t)v) : (int32_t)v;
	return true;
}

/*
 * Reads the file path under dirfd into buf with one read() (see the file header). Returns the
 * number of bytes read, which is size if the file may have been cut, or -errno.
 */
static int read_at(int dirfd, const char *path, char *buf, size_t size)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, size);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		n = -errno;
	close(fd);
	return (int)n;
}

/* Copies len bytes of src into dst (size > 0), cutting at a UTF-8 boundary if too long. */
static void name_copy(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size) {
		len = size - 1;
		while (len > 0 && ((unsigned char)src[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Converts clock ticks at hz per second to 100 ns units without intermediate overflow. */
static uint64_t ticks_to_100ns(uint64_t ticks, uint64_t hz)
{
	return ticks / hz * NS100_PER_SEC + ticks % hz * NS100_PER_SEC / hz;
}

/* Returns the next field of f in [*tok, *tok + *len), or false at the end of the line. */
static bool field_next(struct fields *f, const char **tok, size_t *len)
{
	while (f->p < f->end && *f->p == ' ')
		f->p++;
	if (f->p >= f->end || *f->p == '\n')
		return false;
	*tok = f->p;
	while (f->p < f->end && *f->p != ' ' && *f->p != '\n')
		f->p++;
	*len = (size_t)(f->p - *tok);
	return true;
}

/* Stores stat field number i (1-based, as in proc(5)) into p if we use it; false if malformed. */
static bool stat_field(int i, const char *tok, size_t n, const struct scan_env *env,
                       struct wtsd_proc *p)
{
	uint64_t v;

	switch (i) {
	case 3:
		p->state = n == 1 ? tok[0] : '?';
		return n == 1;
	case 4:
		return parse_u32(tok, n, &p->ppid);
	case 6:
		return parse_i32(tok, n, &p->posix_sid);
	case 14:
	case 15:
		if (!parse_u64(tok, n, &v))
			return false;
		*(i == 14 ? &p->user_time_100ns : &p->kernel_time_100ns) =
		    ticks_to_100ns(v, env->hz);
		return true;
	case 20:
		return parse_u32(tok, n, &p->threads);
	case 23: /* vsize, bytes: only asked for with WTSD_PROCSCAN_NO_PEAKS */
		return parse_u64(tok, n, &p->pagefile_bytes);
	case 24: /* rss, pages */
		if (!parse_u64(tok, n, &v))
			return false;
		p->working_set_bytes =
		    v > UINT64_MAX / env->page_size ? UINT64_MAX : v * env->page_size;
		return true;
	default:
		return true;
	}
}

/*
 * Parses the contents of /proc/<pid>/stat into p: name, ppid, posix_sid and, at level 1, times
 * and threads (plus vsize and rss with WTSD_PROCSCAN_NO_PEAKS). The name is everything between
 * the first '(' and the LAST ')', because comm may itself contain ')' and spaces.
 * Returns 0 or -EBADMSG.
 */
static int stat_parse(const char *buf, size_t len, const struct scan_env *env, struct wtsd_proc *p)
{
	const char *open = memchr(buf, '(', len);
	const char *close = memrchr(buf, ')', len);
	int last = 6; /* last field needed */

	if (env->level >= WTSD_PROCSCAN_LEVEL1)
		last = (env->flags & WTSD_PROCSCAN_NO_PEAKS) ? 24 : 20;
	if (!open || !close || close < open)
		return -EBADMSG;
	name_copy(p->name, sizeof(p->name), open + 1, (size_t)(close - open - 1));
	struct fields f = {close + 1, buf + len};
	for (int i = 3; i <= last; i++) {
		const char *tok;
		size_t n;

		if (!field_next(&f, &tok, &n) || !stat_field(i, tok, n, env, p))
			return -EBADMSG;
	}
	if (last == 24) {
		p->peak_pagefile_bytes = p->pagefile_bytes;
		p->peak_working_set_bytes = p->working_set_bytes;
	}
	return 0;
}

/* Parses the "<spaces> <number> kB" value of a status line [s, end) into bytes; 0 if malformed. */
static uint64_t status_kb(const char *s, const char *end)
{
	const char *digits;
	uint64_t v;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	digits = s;
	while (s < end && *s >= '0' && *s <= '9')
		s++;
	if (!parse_u64(digits, (size_t)(s - digits), &v))
		return 0;
	return v > UINT64_MAX / 1024 ? UINT64_MAX : v * 1024;
}

/*
 * Takes VmPeak, VmSize, VmHWM and VmRSS from the contents of /proc/<pid>/status into p; absent
 * lines (kernel threads, zombies) leave the fields 0. Stops as soon as all four are found.
 */
static void status_parse(const char *buf, size_t len, struct wtsd_proc *p)
{
	static const char keys[4][8] = {"VmPeak:", "VmSize:", "VmHWM:", "VmRSS:"};
	uint64_t *dst[4] = {&p->peak_pagefile_bytes, &p->pagefile_bytes, &p->peak_working_set_bytes,
	                    &p->working_set_bytes};
	const char *s = buf, *end = buf + len;
	unsigned found = 0;

	while (s < end && found != 0xF) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end;

		if (eol - s > 2 && s[0] == 'V' && s[1] == 'm') {
			for (unsigned k = 0; k < 4; k++) {
				size_t klen = strlen(keys[k]);
				if ((size_t)(eol - s) >= klen && memcmp(s, keys[k], klen) == 0) {
					*dst[k] = status_kb(s + klen, eol);
					found |= 1u << k;
					break;
				}
			}
		}
		s = eol + 1;
	}
}

/* Stores a cgroup path into p, cutting a too-long one after its last fitting '/' (ancestor). */
static void cgroup_store(struct wtsd_proc *p, const char *path, size_t n)
{
	size_t cut = sizeof(p->cgroup) - 1;

	p->cgroup_truncated = n >= sizeof(p->cgroup);
	if (!p->cgroup_truncated) {
		memcpy(p->cgroup, path, n);
		p->cgroup[n] = '\0';
		return;
	}
	while (cut > 0 && path[cut] != '/')
		cut--;
	if (cut == 0 && path[0] == '/')
		cut = 1; /* the root cgroup is the only ancestor we can name */
	memcpy(p->cgroup, path, cut);
	p->cgroup[cut] = '\0';
}

/* Reads <pid>/cgroup into p; a missing file (kernel without cgroups) means no cgroup. */
static int cgroup_read(int rootfd, struct pid_path *pp, char *buf, size_t size, struct wtsd_proc *p)
{
	int r = read_at(rootfd, pid_path(pp, "cgroup"), buf, size);
	const char *path;
	size_t n, len;

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	len = (size_t)r;
	if (len == size) { /* possibly cut: drop the trailing partial line */
		const char *nl = memrchr(buf, '\n', len);
		len = nl ? (size_t)(nl - buf) + 1 : 0;
	}
	if (owts_cgroup_find(buf, len, &path, &n))
		cgroup_store(p, path, n);
	return 0;
}

/* Counts the entries of the directory path other than "." and ".."; 0 if unreadable. */
static uint32_t fd_count_dents(int rootfd, const char *path, char *buf, size_t size)
{
	int fd = openat(rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	uint32_t count = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	while ((n = getdents64(fd, buf, size)) > 0) {
		for (size_t off = 0; off < (size_t)n;) {
			struct dent d = dent_at(buf, off);
			if (d.reclen == 0)
				break;
			off += d.reclen;
			if (strcmp(d.name, ".") != 0 && strcmp(d.name, "..") != 0)
				count++;
		}
	}
	close(fd);
	return n < 0 ? 0 : count;
}

/* Returns the number of open fds of the process; 0 if it cannot be determined. */
static uint32_t fd_count(int rootfd, struct pid_path *pp, const struct scan_env *env, char *buf,
                         size_t size)
{
	const char *path = pid_path(pp, "fd");
	struct stat st;

	if (!env->fd_count_by_size)
		return fd_count_dents(rootfd, path, buf, size);
	if (fstatat(rootfd, path, &st, 0) != 0 || st.st_size < 0)
		return 0;
	return st.st_size > (off_t)UINT32_MAX ? UINT32_MAX : (uint32_t)st.st_size;
}

/*
 * Reads the process pid, whose directory pp names under rootfd, into *p using buf as scratch.
 * Returns 0, -ESRCH if the process is gone, -EBADMSG for a malformed stat, or -errno.
 */
static int proc_read(int rootfd, struct pid_path *pp, uint32_t pid, const struct scan_env *env,
                     char *buf, size_t size, struct wtsd_proc *p)
{
	struct stat st;
	int r;

	if (fstatat(rootfd, pid_path(pp, NULL), &st, 0) != 0)
		return gone(-errno);
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->uid = (uint32_t)st.st_uid;
	r = read_at(rootfd, pid_path(pp, "stat"), buf, size);
	if (r < 0)
		return gone(r);
	r = stat_parse(buf, (size_t)r, env, p);
	if (r == 0 && !(env->flags & WTSD_PROCSCAN_NO_CGROUP))
		r = cgroup_read(rootfd, pp, buf, size, p);
	if (r < 0 || env->level < WTSD_PROCSCAN_LEVEL1)
		return gone(r);
	if (!(env->flags & WTSD_PROCSCAN_NO_PEAKS)) {
		r = read_at(rootfd, pid_path(pp, "status"), buf, size);
		if (r < 0)
			return gone(r);
		status_parse(buf, (size_t)r, p);
	}
	p->handles = fd_count(rootfd, pp, env, buf, size);
	return 0;
}

/* Reads every pid entry of one getdents64() batch and hands it to fn; see wtsd_procscan(). */
static int scan_batch(int rootfd, const char *dents, size_t len, const struct scan_env *env,
                      wtsd_proc_fn fn, void *ctx)
{
	char buf[FILE_BUF_SIZE];
	struct wtsd_proc p;
	struct pid_path pp;

	for (size_t off = 0; off < len;) {
		struct dent d = dent_at(dents, off);
		size_t n = strlen(d.name);
		uint32_t pid;
		int r;

		if (d.reclen == 0)
			return -EIO;
		off += d.reclen;
		if ((d.type != DT_DIR && d.type != DT_UNKNOWN) || !parse_u32(d.name, n, &pid) ||
		    !pid_path_init(&pp, d.name, n))
			continue;
		r = proc_read(rootfd, &pp, pid, env, buf, sizeof(buf), &p);
		if (r == -ESRCH || r == -EACCES || r == -EPERM || r == -EBADMSG)
			continue;
		if (r < 0)
			return r;
		r = fn(ctx, &p);
		if (r != 0)
			return r;
	}
	return 0;
}

/* Documented in procscan.h: opens proc_root, then reads it one getdents64() batch at a time. */
int wtsd_procscan_ex(const char *proc_root, int level, unsigned flags, wtsd_proc_fn fn, void *ctx)
{
	_Alignas(struct dirent64) char dents[DENTS_BUF_SIZE];
	struct scan_env env;
	ssize_t n;
	int rootfd, r = 0;

	if (!proc_root || !fn || (level != WTSD_PROCSCAN_LEVEL0 && level != WTSD_PROCSCAN_LEVEL1) ||
	    (flags & ~(WTSD_PROCSCAN_NO_PEAKS | WTSD_PROCSCAN_NO_CGROUP)))
		return -EINVAL;
	rootfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -errno;
	env_init(rootfd, level, flags, &env);
	while (r == 0) {
		n = getdents64(rootfd, dents, sizeof(dents));
		if (n < 0)
			r = -errno;
		if (n <= 0)
			break;
		r = scan_batch(rootfd, dents, (size_t)n, &env, fn, ctx);
	}
	close(rootfd);
	return r;
}

/* Documented in procscan.h. */
int wtsd_procscan(const char *proc_root, int level, wtsd_proc_fn fn, void *ctx)
{
	return wtsd_procscan_ex(proc_root, level, 0, fn, ctx);
}

/* Writes v in decimal into buf (at least PID_NAME_MAX bytes, no NUL); returns the length. */
static size_t fmt_u32(char *buf, uint32_t v)
{
	char tmp[PID_NAME_MAX];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

/* Documented in procscan.h: the per-process part of a scan, for one pid. */
int wtsd_procscan_one(const char *proc_root, uint32_t pid, int level, struct wtsd_proc *out)
{
	char buf[FILE_BUF_SIZE];
	char name[PID_NAME_MAX];
	struct scan_env env;
	struct wtsd_proc p;
	struct pid_path pp;
	int rootfd, r;

	if (!proc_root || !out || (level != WTSD_PROCSCAN_LEVEL0 && level != WTSD_PROCSCAN_LEVEL1))
		return -EINVAL;
	rootfd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -errno;
	env_init(rootfd, level, 0, &env);
	pid_path_init(&pp, name, fmt_u32(name, pid));
	r = proc_read(rootfd, &pp, pid, &env, buf, sizeof(buf), &p);
	close(rootfd);
	if (r == 0)
		*out = p;
	return r;
}

int wtsd_procscan_parse(int level, const char *stat, size_t stat_len, const char *status,
                        size_t status_len, const char *cgroup, size_t cgroup_len,
                        struct wtsd_proc *out)
{
	struct scan_env env = { .level = level, .hz = 100, .page_size = 4096 };
	struct wtsd_proc p;
	memset(&p, 0, sizeof(p));
	int r = stat_parse(stat, stat_len, &env, &p);
	if (r < 0)
		return r;
	if (level >= WTSD_PROCSCAN_LEVEL1)
		status_parse(status, status_len, &p);
	const char *path;
	size_t n;
	if (owts_cgroup_find(cgroup, cgroup_len, &path, &n))
		cgroup_store(&p, path, n);
	*out = p;
	return 0;
}
