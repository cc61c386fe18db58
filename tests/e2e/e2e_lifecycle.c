/*
 * e2e_lifecycle.c — the end of RDP sessions end to end: wtsd on 127.0.0.1:<free port> with an
 * initial program (tests/api/api_probe, then sleep) and a SAM user mapped to "nobody", the real
 * xfreerdp under xvfb-run, the verdict from the public API:
 *   1. connect → an Active session; its initial program runs inside it as "nobody" and sees its
 *      own session id (ProcessIdToSessionId, WTS_CURRENT_SESSION, OPENWTS_SESSION_ID);
 *   2. WTSDisconnectSession → xfreerdp's connection ends, the session is WTSDisconnected, its
 *      processes alive;
 *   3. WTSLogoffSession(bWait TRUE) → the session and its processes are gone;
 *   4. connect again → a new session; its initial program ends (WTSTerminateProcess) → the
 *      session logs itself off (logoff_on_exit) and the client's connection ends.
 * The helpers are those of e2e_common.h. Exit 0 pass, 1 fail, 77 skip.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <windows.h>
#include <wtsapi32.h>

#include "e2e_common.h"

/* Writes the SAM file and starts wtsd with the initial program. Returns false if wtsd did not come
 * up. */
static bool start_wtsd(int port)
{
	const char *users[] = {E2E_USER, NULL};
	char sam[300];
	if (!e2e_sam_write(users, sam, sizeof(sam)))
		return false;
	/* The initial program: the probe reports what the session looks like from inside, then
	 * the session runs on (sleep) until its end is tested. */
	char out[300], program[1024];
	snprintf(out, sizeof(out), "%s/out", e2e_dir);
	mkdir(out, 0777);
	chmod(out, 0777);
	snprintf(program, sizeof(program), "%s %s/probe; exec sleep 600", getenv("PROBE"), out);
	const char *args[] = {"--sam",
	                      sam,
	                      "--user-map",
	                      E2E_USER ":nobody",
	                      "--initial-program",
	                      program,
	                      "--logoff-grace-ms",
	                      "1000",
	                      NULL};
	return e2e_wtsd_start(port, args);
}

/* The pids of the session's processes (at most max). */
static int session_pids(DWORD id, DWORD *pids, int max)
{
	DWORD level = 0, n = 0;
	PWTS_PROCESS_INFOA info = NULL;
	if (!WTSEnumerateProcessesExA(NULL, &level, id, (LPSTR *)&info, &n))
		return -1;
	int k = 0;
	for (DWORD i = 0; i < n && k < max; i++)
		pids[k++] = info[i].ProcessId;
	WTSFreeMemoryExA(WTSTypeProcessInfoLevel0, info, n);
	return k;
}

static bool pid_gone(DWORD pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%lu/stat", (unsigned long)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return true;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'Z';
}

/* Waits up to ms for the client to exit. */
static bool client_ends(pid_t client, long ms)
{
	for (long t = 0; t < ms; t += 100) {
		if (waitpid(client, NULL, WNOHANG) == client)
			return true;
		e2e_sleep_ms(100);
	}
	return false;
}

/* Waits up to ms for session id to be gone (queries fail with 7022). */
static bool session_gone(DWORD id, long ms)
{
	for (long t = 0; t < ms; t += 100) {
		LPSTR buf = NULL;
		DWORD len;
		if (!WTSQuerySessionInformationA(NULL, id, WTSUserName, &buf, &len))
			return GetLastError() == 7022;
		WTSFreeMemory(buf);
		e2e_sleep_ms(100);
	}
	return false;
}

/* Step 1: what the initial program saw. */
static void check_probe(DWORD id)
{
	char path[300], line[256] = "", user[64] = "", env[32] = "";
	snprintf(path, sizeof(path), "%s/out/probe", e2e_dir);
	for (int i = 0; i < 100; i++) {
		FILE *f = fopen(path, "r");
		if (f) {
			if (!fgets(line, sizeof(line), f))
				line[0] = '\0';
			fclose(f);
			break;
		}
		e2e_sleep_ms(100);
	}
	unsigned mine = 0, current = 0;
	int n = sscanf(line, "%u %u %63s %31s", &mine, &current, user, env);
	CHECK(n == 4, "initial program wrote \"%s\"", line);
	CHECK(mine == id && current == id && strcmp(user, "nobody") == 0 &&
	          strtoul(env, NULL, 10) == id,
	      "initial program saw \"%s\", want session %lu", line, (unsigned long)id);
	printf("initial program: %s", line);
	LPSTR prog = NULL;
	DWORD len = 0;
	CHECK(WTSQuerySessionInformationA(NULL, id, WTSInitialProgram, &prog, &len) && prog &&
	          strstr(prog, "exec sleep 600"),
	      "WTSInitialProgram \"%s\"", prog ? prog : "(null)");
	WTSFreeMemory(prog);
}

int main(void)
{
	if (!getenv("WTSD") || !getenv("PROBE") || !e2e_tool_have("xfreerdp") ||
	    !e2e_tool_have("xvfb-run") || !e2e_tool_have("winpr-hash")) {
		fprintf(stderr, "SKIP: needs WTSD, PROBE, xfreerdp (freerdp2-x11), xvfb-run (xvfb,"
		                " xauth) and winpr-hash (winpr-utils)\n");
		return 77;
	}
	if (!e2e_dir_make())
		return 1;
	chmod(e2e_dir, 0755); /* the initial program runs as nobody and writes to dir/out */
	int port = e2e_port_free();
	if (port <= 0 || !start_wtsd(port))
		return e2e_wtsd_failed();
	struct e2e_found f;
	pid_t client;
	/* 1. Logon: the initial program runs in the session. */
	bool up = e2e_client_connect(port, &f, &client);
	CHECK(up, "no Active RDP-Tcp# session");
	DWORD id = f.id;
	if (up) {
		printf("session %lu %s Active\n", (unsigned long)id, f.station);
		check_probe(id);
	}
	/* 2. WTSDisconnectSession: the client's connection ends, the session stays. */
	DWORD pids[64];
	int npids = 0;
	if (up) {
		CHECK(WTSDisconnectSession(NULL, id, TRUE), "WTSDisconnectSession: %lu",
		      (unsigned long)GetLastError());
		CHECK(e2e_session_look(id, &f) && f.state == WTSDisconnected,
		      "session %lu not Disconnected", (unsigned long)id);
		CHECK(client_ends(client, 15000), "xfreerdp still runs after the disconnect");
		e2e_client_kill(client);
		npids = session_pids(id, pids, 64);
		CHECK(npids > 0, "no process left in disconnected session %lu", (unsigned long)id);
		printf("session %lu Disconnected by WTSDisconnectSession, %d processes alive\n",
		       (unsigned long)id, npids);
	}
	/* 3. WTSLogoffSession: the session and its processes go. */
	if (up) {
		CHECK(WTSLogoffSession(NULL, id, TRUE), "WTSLogoffSession: %lu",
		      (unsigned long)GetLastError());
		CHECK(session_gone(id, 1000), "session %lu still there after the logoff",
		      (unsigned long)id);
		for (int i = 0; i < npids; i++)
			CHECK(pid_gone(pids[i]), "pid %lu outlived the logoff",
			      (unsigned long)pids[i]);
		printf("session %lu logged off, its processes gone\n", (unsigned long)id);
	}
	/* 4. A new session whose initial program ends: it logs itself off. */
	char probe[300];
	snprintf(probe, sizeof(probe), "%s/out/probe", e2e_dir);
	unlink(probe);
	up = e2e_client_connect(port, &f, &client);
	CHECK(up, "no second Active session");
	if (up) {
		CHECK(f.id != id, "session id %lu reused", (unsigned long)id);
		id = f.id;
		check_probe(id);
		npids = session_pids(id, pids, 64);
		CHECK(npids > 0, "no process in session %lu", (unsigned long)id);
		for (int i = 0; i < npids; i++)
			(void)WTSTerminateProcess(NULL, pids[i], 0);
		CHECK(session_gone(id, 10000), "session %lu not logged off after its program ended",
		      (unsigned long)id);
		CHECK(client_ends(client, 15000), "xfreerdp still runs after the logoff");
		printf("session %lu logged off when its initial program ended\n",
		       (unsigned long)id);
	}
	e2e_client_kill(client);
	e2e_cleanup();
	printf("%s\n", e2e_failures ? "FAILED" : "PASSED");
	return e2e_failures ? 1 : 0;
}
