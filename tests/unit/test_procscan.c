/*
 * test_procscan.c - unit tests for src/registry/procscan.c (the wtsd process scanner).
 *
 * Most tests run the scanner over a fake proc tree built in a mkdtemp() directory, so that
 * awkward inputs (a comm with spaces and ')', hybrid cgroup files, a pid whose files have gone,
 * a malformed stat) are reproducible. Two tests check the real /proc against what the test
 * process knows about itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "owts_paths.h"
#include "procscan.h"

#define HYBRID_CGROUP                                                                              \
	"12:pids:/user.slice/user-1000.slice\n"                                                    \
	"10:memory:/user.slice\n"                                                                  \
	"1:name=systemd:/user.slice/user-1000.slice/session-3.scope\n"                             \
	"0::/user.slice/user-1000.slice/session-3.scope\n"

#define STATUS_FULL                                                                                \
	"Name:\tx\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t200\nPid:\t200\nPPid:\t100\n"        \
	"VmPeak:\t   20000 kB\nVmSize:\t   18000 kB\nVmLck:\t       0 kB\nVmPin:\t       0 kB\n"   \
	"VmHWM:\t    5000 kB\nVmRSS:\t    4000 kB\nThreads:\t3\n"

/* The fake tree shared by the tests of one group. */
struct tree
{
	char root[64];
};

/* Writes text to root/rel, creating the file; fails the test on error. */
static void put_file(const char *root, const char *rel, const char *text)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* Creates the directory root/rel. */
static void put_dir(const char *root, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

/* Creates pid directory root/<pid> with a stat file: fields 1..24 plus a few trailing ones. */
static void put_stat(const char *root, unsigned pid, const char *comm, unsigned ppid, int sid,
                     unsigned long long utime, unsigned long long stime, unsigned threads,
                     unsigned long long vsize, unsigned long long rss)
{
	char rel[64], line[512];

	snprintf(rel, sizeof(rel), "%u", pid);
	put_dir(root, rel);
	snprintf(line, sizeof(line),
	         "%u (%s) S %u %u %d 34816 %u 4194560 100 0 0 0 %llu %llu 0 0 20 0 %u 0 12345 %llu "
	         "%llu 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n",
	         pid, comm, ppid, pid, sid, pid, utime, stime, threads, vsize, rss);
	snprintf(rel, sizeof(rel), "%u/stat", pid);
	put_file(root, rel, line);
}

/* Builds the fake tree described at each pid below. */
static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	char longcg[400];

	assert_non_null(t);
	snprintf(t->root, sizeof(t->root), "/tmp/test_procscan.XXXXXX");
	assert_non_null(mkdtemp(t->root));
	/* 100: an ordinary init-like process, cgroup v2 only. */
	put_stat(t->root, 100, "init", 0, 100, 10, 20, 1, 1000000, 100);
	put_file(t->root, "100/cgroup", "0::/init.scope\n");
	put_file(t->root, "100/status", "Name:\tinit\nVmPeak:\t 1 kB\nVmSize:\t 1 kB\n");
	/* 200: comm with spaces and parentheses, hybrid cgroup, full status, three fds. */
	put_stat(t->root, 200, "a) b (c", 100, 150, 250, 125, 3, 18432000, 1000);
	put_file(t->root, "200/cgroup", HYBRID_CGROUP);
	put_file(t->root, "200/status", STATUS_FULL);
	put_dir(t->root, "200/fd");
	put_file(t->root, "200/fd/0", "");
	put_file(t->root, "200/fd/1", "");
	put_file(t->root, "200/fd/2", "");
	/* 300: kernel thread: no Vm lines, no fd directory. */
	put_stat(t->root, 300, "kworker/0:1-events", 2, 0, 0, 7, 1, 0, 0);
	put_file(t->root, "300/cgroup", "0::/\n");
	put_file(t->root, "300/status", "Name:\tkworker/0:1-events\nThreads:\t1\n");
	/* 400: vanished between readdir and open: the directory has no files. */
	put_dir(t->root, "400");
	/* 600: malformed stat. */
	put_dir(t->root, "600");
	put_file(t->root, "600/stat", "600 garbage without parentheses\n");
	/* 700: cgroup path longer than the field. */
	put_stat(t->root, 700, "long", 1, 1, 0, 0, 1, 0, 0);
	memset(longcg, 'x', sizeof(longcg));
	memcpy(longcg, "0::/a.slice/", 12);
	memcpy(longcg + 200, "/b.scope/", 9);
	memcpy(longcg + sizeof(longcg) - 2, "\n", 2);
	put_file(t->root, "700/cgroup", longcg);
	put_file(t->root, "700/status", "");
	/* 800: no cgroup file at all (kernel without cgroups). */
	put_stat(t->root, 800, "nocg", 1, 1, 0, 0, 1, 0, 0);
	put_file(t->root, "800/status", "");
	/* Entries that are not processes. */
	put_dir(t->root, "self");
	put_dir(t->root, "12x");
	put_file(t->root, "500", "not a directory");
	*state = t;
	return 0;
}

/* nftw() callback removing one entry. */
static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;

	nftw(t->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(t);
	return 0;
}

/* Expected 100 ns value of a tick count. */
static uint64_t ticks(uint64_t n)
{
	return n * 10000000ull / (uint64_t)sysconf(_SC_CLK_TCK);
}

/* --- owts_cgroup_parse ------------------------------------------------------------------- */

static void test_cgroup_v2_only(void **state)
{
	const char text[] = "0::/user.slice/user-1000.slice/session-2.scope\n";
	char path[256];

	(void)state;
	assert_int_equal(owts_cgroup_parse(text, sizeof(text) - 1, path, sizeof(path)), 0);
	assert_string_equal(path, "/user.slice/user-1000.slice/session-2.scope");
	/* No trailing newline, and a length that stops before the NUL. */
	assert_int_equal(owts_cgroup_parse("0::/x.scope", 11, path, sizeof(path)), 0);
	assert_string_equal(path, "/x.scope");
	assert_int_equal(owts_cgroup_parse("0::/x.scopeJUNK", 11, path, sizeof(path)), 0);
	assert_string_equal(path, "/x.scope");
}

static void test_cgroup_hybrid(void **state)
{
	char path[256];

	(void)state;
	assert_int_equal(
	    owts_cgroup_parse(HYBRID_CGROUP, strlen(HYBRID_CGROUP), path, sizeof(path)), 0);
	assert_string_equal(path, "/user.slice/user-1000.slice/session-3.scope");
	/* The v2 line first, v1 lines after it. */
	assert_int_equal(owts_cgroup_parse("0::/\n4:memory:/m\n", 17, path, sizeof(path)), 0);
	assert_string_equal(path, "/");
}

static void test_cgroup_missing(void **state)
{
	const char v1[] = "4:memory:/0::/not-this\n10::/nor-this\n1:name=systemd:/\n";
	char path[16] = "untouched";

	(void)state;
	assert_int_equal(owts_cgroup_parse(v1, sizeof(v1) - 1, path, sizeof(path)), -ENOENT);
	assert_int_equal(owts_cgroup_parse("", 0, path, sizeof(path)), -ENOENT);
	assert_int_equal(owts_cgroup_parse("0:", 2, path, sizeof(path)), -ENOENT);
	assert_string_equal(path, "untouched");
}

static void test_cgroup_too_long(void **state)
{
	char path[8] = "keep";

	(void)state;
	assert_int_equal(owts_cgroup_parse("0::/1234567\n", 12, path, sizeof(path)), -ENAMETOOLONG);
	assert_string_equal(path, "keep");
	assert_int_equal(owts_cgroup_parse("0::/123456\n", 11, path, sizeof(path)), 0);
	assert_string_equal(path, "/123456");
}

static void test_cgroup_invalid(void **state)
{
	char path[8];

	(void)state;
	assert_int_equal(owts_cgroup_parse(NULL, 0, path, sizeof(path)), -EINVAL);
	assert_int_equal(owts_cgroup_parse("0::/\n", 5, NULL, 8), -EINVAL);
	assert_int_equal(owts_cgroup_parse("0::/\n", 5, path, 0), -EINVAL);
}

/* --- wtsd_procscan_one on the fake tree -------------------------------------------------- */

static void test_one_comm_with_paren(void **state)
{
	struct tree *t = *state;
	struct wtsd_proc p;

	assert_int_equal(wtsd_procscan_one(t->root, 200, WTSD_PROCSCAN_LEVEL1, &p), 0);
	assert_int_equal(p.pid, 200);
	assert_int_equal(p.uid, geteuid());
	assert_string_equal(p.name, "a) b (c");
	assert_int_equal(p.ppid, 100);
	assert_int_equal(p.posix_sid, 150);
	assert_int_equal(p.threads, 3);
	assert_int_equal(p.handles, 3);
	assert_true(p.peak_pagefile_bytes == 20000ull * 1024);
	assert_true(p.pagefile_bytes == 18000ull * 1024);
	assert_true(p.peak_working_set_bytes == 5000ull * 1024);
	assert_true(p.working_set_bytes == 4000ull * 1024);
	assert_true(p.user_time_100ns == ticks(250));
	assert_true(p.kernel_time_100ns == ticks(125));
	assert_string_equal(p.cgroup, "/user.slice/user-1000.slice/session-3.scope");
	assert_false(p.cgroup_truncated);
}

static void test_one_level0(void **state)
{
	struct tree *t = *state;
	struct wtsd_proc p;

	assert_int_equal(wtsd_procscan_one(t->root, 200, WTSD_PROCSCAN_LEVEL0, &p), 0);
	assert_string_equal(p.name, "a) b (c");
	assert_int_equal(p.ppid, 100);
	assert_int_equal(p.posix_sid, 150);
	assert_string_equal(p.cgroup, "/user.slice/user-1000.slice/session-3.scope");
	assert_int_equal(p.threads, 0);
	assert_int_equal(p.handles, 0);
	assert_true(p.pagefile_bytes == 0 && p.working_set_bytes == 0 && p.user_time_100ns == 0);
}

static void test_one_errors(void **state)
{
	struct tree *t = *state;
	struct wtsd_proc p = {.pid = 4242};

	assert_int_equal(wtsd_procscan_one(t->root, 400, WTSD_PROCSCAN_LEVEL0, &p), -ESRCH);
	assert_int_equal(wtsd_procscan_one(t->root, 999, WTSD_PROCSCAN_LEVEL1, &p), -ESRCH);
	assert_int_equal(wtsd_procscan_one(t->root, 500, WTSD_PROCSCAN_LEVEL0, &p), -ESRCH);
	assert_int_equal(wtsd_procscan_one(t->root, 600, WTSD_PROCSCAN_LEVEL0, &p), -EBADMSG);
	assert_int_equal(wtsd_procscan_one(t->root, 200, 2, &p), -EINVAL);
	assert_int_equal(wtsd_procscan_one(NULL, 200, 0, &p), -EINVAL);
	assert_int_equal(wtsd_procscan_one(t->root, 200, 0, NULL), -EINVAL);
	assert_int_equal(p.pid, 4242); /* untouched on failure */
}

static void test_one_kernel_thread_and_cgroups(void **state)
{
	struct tree *t = *state;
	struct wtsd_proc p;

	assert_int_equal(wtsd_procscan_one(t->root, 300, WTSD_PROCSCAN_LEVEL1, &p), 0);
	assert_string_equal(p.name, "kworker/0:1-events");
	assert_int_equal(p.posix_sid, 0);
	assert_int_equal(p.handles, 0);
	assert_true(p.pagefile_bytes == 0 && p.peak_working_set_bytes == 0);
	assert_true(p.kernel_time_100ns == ticks(7));
	assert_string_equal(p.cgroup, "/");

	assert_int_equal(wtsd_procscan_one(t->root, 700, WTSD_PROCSCAN_LEVEL0, &p), 0);
	assert_true(p.cgroup_truncated);
	/* Cut before the last '/' within 255 bytes: the ancestor "/a.slice/xxx...x/b.scope". */
	assert_int_equal(strlen(p.cgroup), 205);
	assert_memory_equal(p.cgroup, "/a.slice/xxx", 12);
	assert_string_equal(p.cgroup + 197, "/b.scope");

	assert_int_equal(wtsd_procscan_one(t->root, 800, WTSD_PROCSCAN_LEVEL0, &p), 0);
	assert_string_equal(p.cgroup, "");
	assert_false(p.cgroup_truncated);
}

/* --- wtsd_procscan on the fake tree ------------------------------------------------------ */

struct seen
{
	unsigned calls;
	unsigned mask; /* bit pid/100 for each pid seen */
	int stop_after;
	struct wtsd_proc p200;
};

static int collect(void *ctx, const struct wtsd_proc *proc)
{
	struct seen *s = ctx;

	s->calls++;
	if (proc->pid % 100 == 0 && proc->pid <= 3100)
		s->mask |= 1u << (proc->pid / 100);
	if (proc->pid == 200)
		s->p200 = *proc;
	return (s->stop_after && (int)s->calls == s->stop_after) ? 42 : 0;
}

static void test_scan_fake_tree(void **state)
{
	struct tree *t = *state;
	struct seen s = {0};

	assert_int_equal(wtsd_procscan(t->root, WTSD_PROCSCAN_LEVEL1, collect, &s), 0);
	/* 100, 200, 300, 700, 800; not 400 (vanished), 500 (file), 600 (malformed), self, 12x. */
	assert_int_equal(s.calls, 5);
	assert_int_equal(s.mask, (1u << 1) | (1u << 2) | (1u << 3) | (1u << 7) | (1u << 8));
	assert_string_equal(s.p200.name, "a) b (c");
	assert_int_equal(s.p200.handles, 3);
	assert_true(s.p200.working_set_bytes == 4000ull * 1024);
}

static void test_scan_early_stop(void **state)
{
	struct tree *t = *state;
	struct seen s = {.stop_after = 2};

	assert_int_equal(wtsd_procscan(t->root, WTSD_PROCSCAN_LEVEL0, collect, &s), 42);
	assert_int_equal(s.calls, 2);
}

static void test_scan_no_peaks(void **state)
{
	struct tree *t = *state;
	struct seen s = {0};
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	assert_int_equal(wtsd_procscan_ex(t->root, 1, WTSD_PROCSCAN_NO_PEAKS, collect, &s), 0);
	assert_int_equal(s.calls, 5);
	assert_true(s.p200.pagefile_bytes == 18432000);
	assert_true(s.p200.peak_pagefile_bytes == 18432000);
	assert_true(s.p200.working_set_bytes == 1000 * page);
	assert_true(s.p200.peak_working_set_bytes == 1000 * page);
	assert_true(s.p200.user_time_100ns == ticks(250));
	assert_int_equal(s.p200.threads, 3);
}

static void test_scan_invalid(void **state)
{
	struct tree *t = *state;
	struct seen s = {0};

	assert_int_equal(wtsd_procscan(NULL, 0, collect, &s), -EINVAL);
	assert_int_equal(wtsd_procscan(t->root, 0, NULL, &s), -EINVAL);
	assert_int_equal(wtsd_procscan(t->root, -1, collect, &s), -EINVAL);
	assert_int_equal(wtsd_procscan_ex(t->root, 1, 0x80, collect, &s), -EINVAL);
	assert_int_equal(wtsd_procscan("/nonexistent/proc", 0, collect, &s), -ENOENT);
	assert_int_equal(s.calls, 0);
}

/* --- the real /proc ---------------------------------------------------------------------- */

struct self_find
{
	uint32_t pid;
	bool found;
	struct wtsd_proc p;
};

static int find_self(void *ctx, const struct wtsd_proc *proc)
{
	struct self_find *f = ctx;

	if (proc->pid != f->pid)
		return 0;
	f->found = true;
	f->p = *proc;
	return 1;
}

/* Checks p against what this process knows about itself. */
static void check_self(const struct wtsd_proc *p, int level)
{
	char comm[17] = {0};
	char text[4096], cg[256];
	int fd;
	ssize_t n;

	assert_int_equal(prctl(PR_GET_NAME, comm, 0, 0, 0), 0);
	assert_int_equal(p->pid, (uint32_t)getpid());
	assert_int_equal(p->uid, geteuid());
	assert_int_equal(p->ppid, (uint32_t)getppid());
	assert_int_equal(p->posix_sid, getsid(0));
	assert_string_equal(p->name, comm);
	fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, text, sizeof(text));
		close(fd);
		if (n > 0 && owts_cgroup_parse(text, (size_t)n, cg, sizeof(cg)) == 0)
			assert_string_equal(p->cgroup, cg);
	}
	if (level == WTSD_PROCSCAN_LEVEL1) {
		assert_true(p->threads >= 1);
		assert_true(p->handles >= 3);
		assert_true(p->working_set_bytes > 0);
		assert_true(p->peak_working_set_bytes >= p->working_set_bytes);
		assert_true(p->peak_pagefile_bytes >= p->pagefile_bytes);
		assert_true(p->pagefile_bytes >= p->working_set_bytes);
	}
}

static void test_real_proc_scan(void **state)
{
	struct self_find f = {.pid = (uint32_t)getpid()};

	(void)state;
	assert_int_equal(wtsd_procscan("/proc", WTSD_PROCSCAN_LEVEL1, find_self, &f), 1);
	assert_true(f.found);
	check_self(&f.p, WTSD_PROCSCAN_LEVEL1);
	f.found = false;
	assert_int_equal(wtsd_procscan("/proc", WTSD_PROCSCAN_LEVEL0, find_self, &f), 1);
	assert_true(f.found);
	check_self(&f.p, WTSD_PROCSCAN_LEVEL0);
}

static void test_real_proc_one(void **state)
{
	struct wtsd_proc p;

	(void)state;
	assert_int_equal(wtsd_procscan_one("/proc", (uint32_t)getpid(), 1, &p), 0);
	check_self(&p, WTSD_PROCSCAN_LEVEL1);
	assert_int_equal(wtsd_procscan_one("/proc", UINT32_MAX, 0, &p), -ESRCH);
}

int main(void)
{
	const struct CMUnitTest parse_tests[] = {
	    cmocka_unit_test(test_cgroup_v2_only), cmocka_unit_test(test_cgroup_hybrid),
	    cmocka_unit_test(test_cgroup_missing), cmocka_unit_test(test_cgroup_too_long),
	    cmocka_unit_test(test_cgroup_invalid),
	};
	const struct CMUnitTest tree_tests[] = {
	    cmocka_unit_test(test_one_comm_with_paren),
	    cmocka_unit_test(test_one_level0),
	    cmocka_unit_test(test_one_errors),
	    cmocka_unit_test(test_one_kernel_thread_and_cgroups),
	    cmocka_unit_test(test_scan_fake_tree),
	    cmocka_unit_test(test_scan_early_stop),
	    cmocka_unit_test(test_scan_no_peaks),
	    cmocka_unit_test(test_scan_invalid),
	};
	const struct CMUnitTest real_tests[] = {
	    cmocka_unit_test(test_real_proc_scan),
	    cmocka_unit_test(test_real_proc_one),
	};
	int failed = cmocka_run_group_tests_name("cgroup_parse", parse_tests, NULL, NULL);

	failed += cmocka_run_group_tests_name("fake_tree", tree_tests, tree_setup, tree_teardown);
	failed += cmocka_run_group_tests_name("real_proc", real_tests, NULL, NULL);
	return failed ? 1 : 0;
}
