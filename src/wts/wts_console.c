/*
 * wts_console.c — ProcessIdToSessionId and WTSGetActiveConsoleSessionId (kernel32 on Windows).
 *
 * ProcessIdToSessionId is called often (per request in servers), so it answers locally: wtsd
 * keeps each session's processes in the cgroup "<base>/session-<id>" (owts_paths.h), and
 * /proc/<pid>/cgroup names it. The daemon is asked only when the answer is not in the cgroup
 * path: the first time (to learn whether this wtsd tracks sessions by cgroup at all), when it
 * does not (its fallback tracks process trees), and for processes of a logind session, which
 * may be the console. Without a daemon every process is in session 0, as on a Windows host
 * without Remote Desktop Services.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
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

static _Atomic int daemon_mode = MODE_UNKNOWN;

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
	bool ok = owts_reader_done(&reply.r);
	wts_reply_free(&reply);
	if (!ok)
		return OWTS_RPC_S_PROTOCOL_ERROR;
	atomic_store(&daemon_mode, cgroup_mode ? MODE_CGROUP : MODE_ASK);
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
	int r = read_cgroup(pid, path, sizeof(path));
	if (r < 0)
		return r == -ESRCH ? ERROR_INVALID_PARAMETER : owts_errno_to_win32(r);
	if (owts_cgroup_base(owts_socket_path(), base, sizeof(base)) == 0 &&
	    owts_cgroup_session(path, base, session_id) == 0)
		return ERROR_SUCCESS;
	int mode = atomic_load(&daemon_mode);
	if (mode == MODE_CGROUP && !in_logind_session(path)) {
		*session_id = OWTS_SESSION_SERVICES;
		return ERROR_SUCCESS;
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
