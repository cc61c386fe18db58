/*
 * wts_console.c — ProcessIdToSessionId and WTSGetActiveConsoleSessionId (kernel32 on Windows).
 *
 * ProcessIdToSessionId is called often (per request in servers), so it answers locally: wtsd
 * keeps each session's processes in the cgroup "<base>/session-<id>" (owts_paths.h), and
 * /proc/<pid>/cgroup names it. The daemon is asked only when the answer is not in the cgroup
 * path: the first time for a control socket (its reply says whether that wtsd tracks sessions
 * by cgroup, and under which base), when it does not (its fallback tracks process trees), and
 * for processes of a logind session, which may be the console. What the daemon said is kept
 * per process for the socket it came from. Without a daemon every process is in session 0, as
 * on a Windows host without Remote Desktop Services; so is pid 0 (Windows' idle process).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <wtsapi32.h>

#include "owts_paths.h"
#include "wts_private.h"

enum mode
{
	MODE_UNKNOWN = 0,
	MODE_CGROUP, /* the daemon keeps sessions in cgroups: the path is the answer */
	MODE_ASK,    /* the daemon tracks process trees: ask it */
};

/* What the wtsd of one control socket said about its tracking. Guarded by lock. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char socket[128]; /* the control socket it came from */
	char base[64];    /* the daemon's cgroup base (MODE_CGROUP) */
	int mode;
} learned;

/* Copies what is known about the current socket's daemon; MODE_UNKNOWN if nothing. */
static int known_mode(char *base, size_t size)
{
	const char *socket = owts_socket_path();
	int mode = MODE_UNKNOWN;
	pthread_mutex_lock(&lock);
	if (learned.mode != MODE_UNKNOWN && strcmp(learned.socket, socket) == 0) {
		mode = learned.mode;
		snprintf(base, size, "%s", learned.base);
	}
	pthread_mutex_unlock(&lock);
	return mode;
}

static void learn(int mode, const char *base)
{
	pthread_mutex_lock(&lock);
	snprintf(learned.socket, sizeof(learned.socket), "%s", owts_socket_path());
	snprintf(learned.base, sizeof(learned.base), "%s", base);
	learned.mode = mode;
	pthread_mutex_unlock(&lock);
}

/* Reads the cgroup v2 path of pid. Returns 0, -ESRCH if there is no such process, -errno. */
static int read_cgroup(uint32_t pid, char *path, size_t size)
{
	char file[32];
	snprintf(file, sizeof(file), "/proc/%u/cgroup", pid);
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	char buf[2048];
	ssize_t n = read(fd, buf, sizeof(buf));
	int r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r == -ESRCH ? -ESRCH : r;
	if (owts_cgroup_parse(buf, (size_t)n, path, size) < 0)
		path[0] = '\0'; /* cgroup v1 only: no path to go by */
	return 0;
}

/* Asks wtsd; learns its tracking mode on the way. */
static DWORD ask_daemon(uint32_t pid, uint32_t *session_id)
{
	struct owts_writer w;
	if (owts_writer_begin(&w, OWTS_OP_PROCESS_SESSION, 1, 0) < 0)
		return ERROR_NOT_ENOUGH_MEMORY;
	owts_write_u32(&w, pid);
	struct wts_reply reply;
	DWORD err = wts_call(&w, &reply);
	owts_writer_free(&w);
	if (err)
		return err;
	uint32_t id = owts_read_u32(&reply.r);
	uint8_t cgroup_mode = owts_read_u8(&reply.r);
	char base[64];
	owts_read_str(&reply.r, base, sizeof(base));
	bool ok = owts_reader_done(&reply.r);
	wts_reply_free(&reply);
	if (!ok)
		return OWTS_RPC_S_PROTOCOL_ERROR;
	learn(cgroup_mode && base[0] ? MODE_CGROUP : MODE_ASK, base);
	*session_id = id;
	return ERROR_SUCCESS;
}

static bool in_logind_session(const char *path)
{
	const char *p = strstr(path, "/session-");
	return p && strstr(p, ".scope");
}

DWORD wts_process_session(uint32_t pid, uint32_t *session_id)
{
	char path[512], base[64];
	if (pid == 0) {
		*session_id = OWTS_SESSION_SERVICES;
		return ERROR_SUCCESS;
	}
	int r = read_cgroup(pid, path, sizeof(path));
	if (r < 0)
		return r == -ESRCH ? ERROR_INVALID_PARAMETER : owts_errno_to_win32(r);
	if (known_mode(base, sizeof(base)) == MODE_CGROUP) {
		if (owts_cgroup_session(path, base, session_id) == 0)
			return ERROR_SUCCESS;
		if (!in_logind_session(path)) {
			*session_id = OWTS_SESSION_SERVICES;
			return ERROR_SUCCESS;
		}
	}
	DWORD err = ask_daemon(pid, session_id);
	if (err == OWTS_RPC_S_SERVER_UNAVAILABLE) {
		*session_id = OWTS_SESSION_SERVICES;
		return ERROR_SUCCESS;
	}
	return err;
}

WTS_EXPORT BOOL WINAPI ProcessIdToSessionId(DWORD dwProcessId, DWORD *pSessionId)
{
	if (!pSessionId)
		return wts_fail(ERROR_INVALID_PARAMETER);
	uint32_t id;
	DWORD err = wts_process_session(dwProcessId, &id);
	if (err)
		return wts_fail(err);
	*pSessionId = id;
	return TRUE;
}

WTS_EXPORT DWORD WINAPI WTSGetActiveConsoleSessionId(void)
{
	/* Never sets the last error (reference §6.5). */
	struct wts_reply reply;
	if (wts_call_simple(OWTS_OP_CONSOLE_SESSION, &reply) != ERROR_SUCCESS)
		return 0xFFFFFFFF;
	uint32_t id = owts_read_u32(&reply.r);
	bool ok = owts_reader_done(&reply.r);
	wts_reply_free(&reply);
	return ok ? id : 0xFFFFFFFF;
}
