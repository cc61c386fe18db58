/*
 * api_processes.c — ProcessIdToSessionId, WTSEnumerateProcesses(Ex) and WTSTerminateProcess
 * against a real wtsd, with a session whose program forks a child, a grandchild and a
 * descendant that double-forks and calls setsid; and the permission rules for an unprivileged
 * caller (uid 65534).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <windows.h>
#include <wtsapi32.h>

#include "api_common.h"

static uint32_t session;
static pid_t leader, child, grandchild, daemonized;

static int setup(void **state)
{
	(void)state;
	char script[2048];
	const char *d = api_dir();
	snprintf(script, sizeof(script),
	         "echo $$ > %s/leader.pid; "
	         "sh -c \"echo \\$\\$ > %s/child.pid; sleep 300 & echo \\$! > %s/grandchild.pid; "
	         "wait\" & "
	         "(setsid sh -c \"sleep 301 & echo \\$! > %s/daemon.pid\" &); wait",
	         d, d, d, d);
	pid_t pid;
	session = api_create_session(65534, script, &pid);
	leader = (pid_t)api_wait_number("leader.pid");
	assert_int_equal(leader, pid);
	child = (pid_t)api_wait_number("child.pid");
	grandchild = (pid_t)api_wait_number("grandchild.pid");
	daemonized = (pid_t)api_wait_number("daemon.pid");
	return 0;
}

static DWORD session_of(pid_t pid)
{
	DWORD id = 0xDEADBEEF;
	if (!ProcessIdToSessionId((DWORD)pid, &id))
		fail_msg("ProcessIdToSessionId(%d) failed: %u", (int)pid, GetLastError());
	return id;
}

static void test_session_of_descendants(void **state)
{
	(void)state;
	assert_int_equal(session_of(leader), session);
	assert_int_equal(session_of(child), session);
	assert_int_equal(session_of(grandchild), session);
	/* Reparented away from the session's tree, in a POSIX session of its own. */
	assert_int_not_equal(getsid(daemonized), getsid(leader));
	assert_int_equal(session_of(daemonized), session);
	/* Everything else is in session 0. */
	assert_int_equal(session_of(getpid()), 0);
	assert_int_equal(session_of(1), 0);
}

static const uint8_t sid_nobody[] = { 1, 2, 0, 0, 0, 0, 0, 22, 1, 0, 0, 0, 0xFE, 0xFF, 0, 0 };
static const uint8_t sid_system[] = { 1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0 };

static void test_enumerate_session_filter(void **state)
{
	(void)state;
	DWORD level = WTS_PROCESS_INFO_LEVEL_1, n = 0;
	WTS_PROCESS_INFO_EXA *p = NULL;
	SetLastError(0xDEADBEEF);
	assert_true(WTSEnumerateProcessesExA(NULL, &level, session, (LPSTR *)&p, &n));
	assert_int_equal(GetLastError(), 0);
	assert_true(n >= 4); /* leader, child, grandchild, daemonized sleep */
	bool seen_leader = false, seen_daemon = false;
	for (DWORD i = 0; i < n; i++) {
		assert_int_equal(p[i].SessionId, session);
		assert_memory_equal(p[i].pUserSid, sid_nobody, sizeof(sid_nobody));
		assert_true(p[i].NumberOfThreads >= 1);
		assert_true(p[i].WorkingSetSize > 0);
		if ((pid_t)p[i].ProcessId == leader) {
			seen_leader = true;
			assert_string_equal(p[i].pProcessName, "sh");
		}
		if ((pid_t)p[i].ProcessId == daemonized) {
			seen_daemon = true;
			assert_string_equal(p[i].pProcessName, "sleep");
		}
	}
	assert_true(seen_leader && seen_daemon);
	assert_true(WTSFreeMemoryExA(WTSTypeProcessInfoLevel1, p, n));
}

static void test_enumerate_all(void **state)
{
	(void)state;
	PWTS_PROCESS_INFOW w = NULL;
	DWORD n = 0;
	SetLastError(0xDEADBEEF);
	assert_true(WTSEnumerateProcessesW(NULL, 0, 1, &w, &n));
	assert_int_equal(GetLastError(), 0);
	bool me = false, in_session = false;
	for (DWORD i = 0; i < n; i++) {
		if ((pid_t)w[i].ProcessId == getpid()) {
			me = true;
			assert_int_equal(w[i].SessionId, 0);
			assert_memory_equal(w[i].pUserSid, sid_system, sizeof(sid_system));
		}
		if ((pid_t)w[i].ProcessId == grandchild)
			in_session = w[i].SessionId == session;
	}
	assert_true(me && in_session);
	WTSFreeMemory(w);

	/* WTS_ANY_SESSION at level 0 gives the same processes as WTSEnumerateProcesses. */
	DWORD level = 0, n0 = 0;
	PWTS_PROCESS_INFOA a = NULL;
	assert_true(WTSEnumerateProcessesExA(NULL, &level, WTS_ANY_SESSION, (LPSTR *)&a, &n0));
	assert_true(n0 > 4);
	assert_true(WTSFreeMemoryExA(WTSTypeProcessInfoLevel0, a, n0));
}

/* As uid 65534: only its own processes, all of them this session's or session 0's. */
static int nobody_enumerates(void *ctx)
{
	(void)ctx;
	PWTS_PROCESS_INFOA p = NULL;
	DWORD n = 0;
	if (!WTSEnumerateProcessesA(NULL, 0, 1, &p, &n))
		return 1;
	bool leader_seen = false;
	for (DWORD i = 0; i < n; i++) {
		if (memcmp(p[i].pUserSid, sid_nobody, sizeof(sid_nobody)) != 0)
			return 2; /* another user's process leaked */
		if ((pid_t)p[i].ProcessId == leader)
			leader_seen = true;
	}
	WTSFreeMemory(p);
	return leader_seen ? 0 : 3;
}

static void test_unprivileged_enumeration(void **state)
{
	(void)state;
	assert_int_equal(api_as_nobody(nobody_enumerates, NULL), 0);
}

/* A process root moved into a child cgroup of the session's stays in the session. */
static void test_sub_cgroup(void **state)
{
	(void)state;
	char path[1100], line[512] = "";
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)child);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) && strncmp(line, "0::", 3) != 0)
		;
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	const char *mounts[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };
	char sub[700] = "";
	for (int i = 0; i < 2 && !sub[0]; i++) {
		snprintf(path, sizeof(path), "%s%s/cgroup.procs", mounts[i], line + 3);
		if (access(path, F_OK) == 0)
			snprintf(sub, sizeof(sub), "%s%s/app", mounts[i], line + 3);
	}
	assert_true(sub[0]);
	assert_int_equal(api_run("mkdir -p %s && echo %d > %s/cgroup.procs", sub, (int)child, sub), 0);
	assert_int_equal(session_of(child), session);
	DWORD level = 0, n = 0;
	PWTS_PROCESS_INFOA p = NULL;
	assert_true(WTSEnumerateProcessesExA(NULL, &level, session, (LPSTR *)&p, &n));
	bool seen = false;
	for (DWORD i = 0; i < n; i++)
		seen = seen || (pid_t)p[i].ProcessId == child;
	assert_true(WTSFreeMemoryExA(WTSTypeProcessInfoLevel0, p, n));
	assert_true(seen);
}

static int nobody_terminates(void *ctx)
{
	pid_t victim = *(pid_t *)ctx;
	if (WTSTerminateProcess(NULL, (DWORD)victim, 1))
		return 1;
	return GetLastError() == ERROR_ACCESS_DENIED ? 0 : 2;
}

static int nobody_terminates_own(void *ctx)
{
	pid_t victim = *(pid_t *)ctx;
	return WTSTerminateProcess(NULL, (DWORD)victim, 1) ? 0 : (int)GetLastError() % 200 + 1;
}

static bool gone(pid_t pid)
{
	for (int i = 0; i < 200; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		FILE *f = fopen(path, "r");
		if (!f)
			return true;
		char state = 0;
		int n = fscanf(f, "%*d %*s %c", &state);
		fclose(f);
		if (n == 1 && state == 'Z')
			return true;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return false;
}

/* As uid 65534 in session 0: end a process of its own there. */
static int nobody_terminates_own_in_services(void *ctx)
{
	(void)ctx;
	pid_t mine = fork();
	if (mine == 0) {
		pause();
		_exit(0);
	}
	if (!WTSTerminateProcess(NULL, (DWORD)mine, 0))
		return 1;
	int status;
	return waitpid(mine, &status, 0) == mine && WIFSIGNALED(status) ? 0 : 2;
}

/* Moves pid into the cgroup of the session (found through the leader). */
static void move_into_session(pid_t pid)
{
	char path[512], line[512] = "";
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)leader);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) && strncmp(line, "0::", 3) != 0)
		;
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	assert_int_equal(api_run("for m in /sys/fs/cgroup/unified /sys/fs/cgroup; do "
	                         "[ -f $m%s/cgroup.procs ] && echo %d > $m%s/cgroup.procs && exit 0; "
	                         "done; exit 1",
	                         line + 3, (int)pid, line + 3),
	                 0);
}

static void test_terminate_permissions(void **state)
{
	(void)state;
	int status;
	/* A root process in session 0: uid 65534 may not terminate it. */
	pid_t root_child = fork();
	if (root_child == 0) {
		pause();
		_exit(0);
	}
	assert_int_equal(api_as_nobody(nobody_terminates, &root_child), 0);
	assert_false(gone(root_child) && kill(root_child, 0) != 0);
	/* Not even a root process inside uid 65534's own session. */
	pid_t root_in_session = fork();
	if (root_in_session == 0) {
		pause();
		_exit(0);
	}
	move_into_session(root_in_session);
	assert_int_equal(session_of(root_in_session), session);
	assert_int_equal(api_as_nobody(nobody_terminates, &root_in_session), 0);
	assert_true(WTSTerminateProcess(NULL, (DWORD)root_in_session, 0));
	assert_int_equal(waitpid(root_in_session, &status, 0), root_in_session);
	/* A user ends their own processes, in session 0 too. */
	assert_int_equal(api_as_nobody(nobody_terminates_own_in_services, NULL), 0);
	/* The user of the session may terminate a process of it. */
	assert_int_equal(api_as_nobody(nobody_terminates_own, &grandchild), 0);
	assert_true(gone(grandchild));
	/* A privileged caller may terminate any process. */
	assert_true(WTSTerminateProcess(NULL, (DWORD)root_child, 9));
	assert_int_equal(waitpid(root_child, &status, 0), root_child);
	assert_true(WIFSIGNALED(status));
	assert_true(WTSTerminateProcess(NULL, (DWORD)daemonized, 0));
	assert_true(gone(daemonized));
}

/* A program started in a session sees that session: ProcessIdToSessionId, WTS_CURRENT_SESSION,
 * its user, and OPENWTS_SESSION_ID in its environment. */
static void test_program_sees_its_session(void **state)
{
	(void)state;
	char script[1024];
	snprintf(script, sizeof(script), "%s %s", getenv("PROBE"), api_path("probe.out"));
	uint32_t id = api_create_session(65534, script, NULL);
	FILE *f = NULL;
	for (int i = 0; i < 500 && !(f = fopen(api_path("probe.out"), "r")); i++)
		usleep(10000);
	assert_non_null(f);
	unsigned mine = 0, current = 0;
	char user[64] = "", env[32] = "";
	assert_int_equal(fscanf(f, "%u %u %63s %31s", &mine, &current, user, env), 4);
	fclose(f);
	assert_int_equal(mine, id);
	assert_int_equal(current, id);
	assert_string_equal(user, "nobody");
	assert_int_equal(strtoul(env, NULL, 10), id);
}

/* Creating sessions is privileged. */
static void test_create_unprivileged(void **state)
{
	(void)state;
	assert_int_not_equal(api_run("setpriv --reuid=65534 --regid=65534 --clear-groups %s "
	                             "create-session 65534 >/dev/null 2>&1",
	                             getenv("WTSCTL")),
	                     0);
	assert_int_not_equal(api_run("setpriv --reuid=65534 --regid=65534 --clear-groups %s "
	                             "spawn %u /bin/true >/dev/null 2>&1",
	                             getenv("WTSCTL"), session),
	                     0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_of_descendants),
		cmocka_unit_test(test_enumerate_session_filter),
		cmocka_unit_test(test_enumerate_all),
		cmocka_unit_test(test_unprivileged_enumeration),
		cmocka_unit_test(test_sub_cgroup),
		cmocka_unit_test(test_terminate_permissions),
		cmocka_unit_test(test_program_sees_its_session),
		cmocka_unit_test(test_create_unprivileged),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
