/*
 * e2e_session_data.c — PAM logons, live session data and the listener limits end to end: wtsd
 * on 127.0.0.1:<free port> with --auth pam and a PAM service of the test's own (a temporary
 * --pam-confdir whose "openwts-e2e" file the test rewrites between steps), the RDP user mapped
 * to "nobody", --max-connections 1, --idle-timeout and --disconnect-timeout; the real xfreerdp
 * over TLS (/sec:tls: PAM logons cannot use NLA) under xvfb-run; the verdict from the API:
 *   1. PAM stack pam_permit → the client logs on: an Active RDP session;
 *   1b. with XRESIZE (tests/e2e/xresize.c, libX11): the xfreerdp window (/dynamic-resolution)
 *      is resized to 1024×700 → the display control channel asks for it, wtsd reactivates the
 *      client at that size, WTSClientDisplay says 1024×700 (without XRESIZE: said, not tested);
 *   2. WTSSessionInfoEx: incoming and outgoing bytes and frames non-zero, LastInputTime after
 *      ConnectTime (the client's input synchronisation), ConnectTime ≥ LogonTime; WTSSessionInfo
 *      agrees; WTSIncomingBytes stays ERROR_NOT_SUPPORTED (as Windows);
 *   3. a second client while the first is connected → refused (max_connections 1): no new
 *      session, the first still Active;
 *   4. no input → after the idle timeout the session is WTSDisconnected (DisconnectTime set);
 *   5. after the disconnect timeout it is logged off: gone;
 *   6. PAM stack pam_deny → the client is refused: no session.
 * Exit 0 pass, 1 fail, 77 skip (xfreerdp or xvfb-run missing, or no pam_permit/pam_deny).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <windows.h>
#include <wtsapi32.h>

#include "e2e_common.h"

#define IDLE_S       12
#define DISCONNECT_S 3

/* Like e2e_client_start, with /dynamic-resolution; once the file <dir>/go exists the client's
 * window is resized to 1024×700 by xresize, inside the same X server. */
static pid_t start_resizing_client(int port, const char *xresize)
{
	char v[64], log[300], script[1024];
	snprintf(v, sizeof(v), "/v:127.0.0.1:%d", port);
	e2e_client_env(log, sizeof(log));
	snprintf(script, sizeof(script),
	         "xfreerdp \"$@\" & p=$!; while [ ! -e %s/go ]; do sleep 0.2;"
	         " kill -0 $p 2>/dev/null || exit 1; done; %s FreeRDP 1024 700; wait $p",
	         e2e_dir, xresize);
	char *argv[] = {"xvfb-run",
	                "-a",
	                "sh",
	                "-c",
	                script,
	                "sh",
	                v,
	                "/cert:ignore",
	                "/u:" E2E_USER,
	                "/p:any-password",
	                "/client-hostname:e2ehost",
	                "/size:800x600",
	                "/sec:tls",
	                "/dynamic-resolution",
	                NULL};
	return e2e_spawn(argv, log, true);
}

/* WTSClientDisplay of id is w × h within ms. */
static bool wait_display(DWORD id, DWORD w, DWORD h, long ms, DWORD *got_w, DWORD *got_h)
{
	for (long t = 0; t < ms; t += 100) {
		LPSTR buf = NULL;
		DWORD len = 0;
		if (WTSQuerySessionInformationA(NULL, id, WTSClientDisplay, &buf, &len)) {
			PWTS_CLIENT_DISPLAY d = (PWTS_CLIENT_DISPLAY)buf;
			*got_w = d->HorizontalResolution;
			*got_h = d->VerticalResolution;
			WTSFreeMemory(buf);
			if (*got_w == w && *got_h == h)
				return true;
		}
		e2e_sleep_ms(100);
	}
	return false;
}

/* The RDP sessions: how many, how many Active, and the first one's id and state. */
static int rdp_sessions(DWORD *id, WTS_CONNECTSTATE_CLASS *state, int *active)
{
	PWTS_SESSION_INFOA info = NULL;
	DWORD n = 0;
	int count = 0;
	*active = 0;
	if (!WTSEnumerateSessionsA(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &n))
		return -1;
	for (DWORD i = 0; i < n; i++) {
		/* Listeners are WTSListen pseudo-sessions (65536...), not RDP sessions. */
		if (info[i].SessionId < 2 || info[i].State == WTSListen)
			continue;
		if (count++ == 0) {
			*id = info[i].SessionId;
			*state = info[i].State;
		}
		if (info[i].State == WTSActive)
			(*active)++;
	}
	WTSFreeMemory(info);
	return count;
}

/* Waits up to ms for the first RDP session to be in state (count -1: for no session at all). */
static bool wait_for(int want_count, WTS_CONNECTSTATE_CLASS state, long ms, DWORD *id)
{
	for (long t = 0; t < ms; t += 100) {
		DWORD sid = 0;
		WTS_CONNECTSTATE_CLASS st = WTSDown;
		int active;
		int n = rdp_sessions(&sid, &st, &active);
		if (want_count == 0 ? n == 0 : (n >= 1 && st == state)) {
			if (id)
				*id = sid;
			return true;
		}
		e2e_sleep_ms(100);
	}
	return false;
}

static void write_pam(const char *module)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/pam/openwts-e2e", e2e_dir);
	FILE *f = fopen(path, "w");
	if (f) {
		fprintf(f, "auth required %s\naccount required pam_permit.so\n", module);
		fclose(f);
	}
}

/* Writes the PAM service (pam_permit) and starts wtsd with PAM logons and the listener limits.
 * Returns false if wtsd did not come up. */
static bool start_wtsd(int port)
{
	char pam[300], idle[16], disc[16];
	snprintf(pam, sizeof(pam), "%s/pam", e2e_dir);
	mkdir(pam, 0755);
	write_pam("pam_permit.so");
	snprintf(idle, sizeof(idle), "%d", IDLE_S);
	snprintf(disc, sizeof(disc), "%d", DISCONNECT_S);
	const char *args[] = {"--auth",
	                      "pam",
	                      "--pam-confdir",
	                      pam,
	                      "--pam-service",
	                      "openwts-e2e",
	                      "--user-map",
	                      E2E_USER ":nobody",
	                      "--max-connections",
	                      "1",
	                      "--idle-timeout",
	                      idle,
	                      "--disconnect-timeout",
	                      disc,
	                      "--logoff-grace-ms",
	                      "0",
	                      NULL};
	return e2e_wtsd_start(port, args);
}

/* WTSSessionInfoEx of id into *out. */
static bool info_ex(DWORD id, WTSINFOEX_LEVEL1_A *out)
{
	LPSTR buf = NULL;
	DWORD len = 0;
	if (!WTSQuerySessionInformationA(NULL, id, WTSSessionInfoEx, &buf, &len))
		return false;
	*out = ((WTSINFOEXA *)buf)->Data.WTSInfoExLevel1;
	WTSFreeMemory(buf);
	return true;
}

/* 2. The counters and times of a live session (reported at most once a second). */
static void check_data(DWORD id)
{
	WTSINFOEX_LEVEL1_A e = {0};
	bool ok = false;
	for (int t = 0; t < 40 && !ok; t++) {
		ok = info_ex(id, &e) && e.IncomingBytes && e.OutgoingBytes && e.IncomingFrames &&
		     e.OutgoingFrames && e.LastInputTime.QuadPart > e.ConnectTime.QuadPart;
		if (!ok)
			e2e_sleep_ms(100);
	}
	CHECK(ok,
	      "WTSSessionInfoEx: in %ld B %ld frames, out %ld B %ld frames, last input %lld,"
	      " connect %lld",
	      (long)e.IncomingBytes, (long)e.IncomingFrames, (long)e.OutgoingBytes,
	      (long)e.OutgoingFrames, (long long)e.LastInputTime.QuadPart,
	      (long long)e.ConnectTime.QuadPart);
	CHECK(e.ConnectTime.QuadPart >= e.LogonTime.QuadPart && e.LogonTime.QuadPart > 0,
	      "ConnectTime %lld < LogonTime %lld", (long long)e.ConnectTime.QuadPart,
	      (long long)e.LogonTime.QuadPart);
	CHECK(e.LastInputTime.QuadPart >= e.LogonTime.QuadPart, "LastInputTime before LogonTime");
	CHECK(e.DisconnectTime.QuadPart == 0, "DisconnectTime %lld of a new session",
	      (long long)e.DisconnectTime.QuadPart);
	printf("session %lu: in %ld B / %ld frames, out %ld B / %ld frames, input %.1f s after"
	       " connect\n",
	       (unsigned long)id, (long)e.IncomingBytes, (long)e.IncomingFrames,
	       (long)e.OutgoingBytes, (long)e.OutgoingFrames,
	       (double)(e.LastInputTime.QuadPart - e.ConnectTime.QuadPart) / 1e7);
	LPSTR buf = NULL;
	DWORD len = 0;
	CHECK(WTSQuerySessionInformationA(NULL, id, WTSSessionInfo, &buf, &len), "WTSSessionInfo");
	if (buf) {
		WTSINFOA *i = (WTSINFOA *)buf;
		CHECK(i->IncomingBytes >= (DWORD)e.IncomingBytes && i->OutgoingFrames > 0 &&
		          i->LastInputTime.QuadPart >= e.LastInputTime.QuadPart,
		      "WTSSessionInfo disagrees");
	}
	WTSFreeMemory(buf);
	buf = NULL;
	SetLastError(0);
	CHECK(!WTSQuerySessionInformationA(NULL, id, WTSIncomingBytes, &buf, &len) &&
	          GetLastError() == ERROR_NOT_SUPPORTED,
	      "WTSIncomingBytes: error %u", GetLastError());
}

int main(void)
{
	if (!getenv("WTSD") || !e2e_tool_have("xfreerdp") || !e2e_tool_have("xvfb-run")) {
		fprintf(stderr,
		        "SKIP: needs WTSD, xfreerdp (freerdp2-x11), xvfb-run (xvfb, xauth)\n");
		return 77;
	}
	if (access("/lib/x86_64-linux-gnu/security/pam_permit.so", R_OK) != 0 &&
	    access("/usr/lib/x86_64-linux-gnu/security/pam_permit.so", R_OK) != 0) {
		fprintf(stderr, "SKIP: needs pam_permit.so (libpam-modules)\n");
		return 77;
	}
	if (!e2e_dir_make())
		return 1;
	chmod(e2e_dir, 0755); /* PAM reads the service file; nobody's program may look around */
	int port = e2e_port_free();
	if (port <= 0 || !start_wtsd(port))
		return e2e_wtsd_failed();
	/* 1. pam_permit: a TLS logon. */
	DWORD id = 0;
	const char *xresize = getenv("XRESIZE");
	pid_t client =
	    xresize ? start_resizing_client(port, xresize)
	            : e2e_client_start(port, E2E_USER, "any-password", "/size:800x600", "/sec:tls");
	bool up = wait_for(1, WTSActive, 30000, &id);
	CHECK(up, "pam_permit: no Active session");
	if (up) {
		printf("pam_permit: session %lu Active\n", (unsigned long)id);
		/* 2. Session data. */
		check_data(id);
		/* 1b. A client resize. */
		if (xresize) {
			DWORD w = 0, h = 0;
			e2e_run("touch %s/go", e2e_dir);
			bool resized = wait_display(id, 1024, 700, 10000, &w, &h);
			CHECK(resized, "resize: WTSClientDisplay %lux%lu, want 1024x700",
			      (unsigned long)w, (unsigned long)h);
			printf("resize: WTSClientDisplay %lux%lu\n", (unsigned long)w,
			       (unsigned long)h);
		} else {
			printf("resize: not tested (no xresize: libX11 missing at build time)\n");
		}
		/* 3. A second connection: refused while the first holds the only one. */
		pid_t second =
		    e2e_client_start(port, E2E_USER, "any-password", "/size:640x480", "/sec:tls");
		int exited = 0;
		for (int t = 0; t < 150 && !exited; t++) {
			exited = waitpid(second, NULL, WNOHANG) == second;
			if (!exited)
				e2e_sleep_ms(100);
		}
		if (!exited)
			e2e_client_kill(second);
		DWORD first = 0;
		WTS_CONNECTSTATE_CLASS st = WTSDown;
		int active = 0;
		int n = rdp_sessions(&first, &st, &active);
		CHECK(exited && n == 1 && first == id && st == WTSActive,
		      "max_connections 1: second client %s, %d sessions, first %s",
		      exited ? "ended" : "still running", n,
		      st == WTSActive ? "Active" : "not Active");
		CHECK(e2e_run("grep -q 'max_connections (1) reached' %s/wtsd.log", e2e_dir) == 0,
		      "no refusal in the log");
		printf("max_connections 1: second client refused, %d session\n", n);
		/* 4. No input: disconnected by the idle timeout. */
		WTSINFOEX_LEVEL1_A e = {0};
		CHECK(wait_for(1, WTSDisconnected, (IDLE_S + 6) * 1000, NULL),
		      "idle timeout: session %lu not Disconnected", (unsigned long)id);
		CHECK(info_ex(id, &e) && e.DisconnectTime.QuadPart > e.LastInputTime.QuadPart &&
		          e.DisconnectTime.QuadPart - e.LastInputTime.QuadPart >=
		              (LONGLONG)(IDLE_S - 1) * 10000000,
		      "idle timeout: disconnected %.1f s after the last input",
		      (double)(e.DisconnectTime.QuadPart - e.LastInputTime.QuadPart) / 1e7);
		printf("idle timeout: Disconnected %.1f s after the last input\n",
		       (double)(e.DisconnectTime.QuadPart - e.LastInputTime.QuadPart) / 1e7);
		/* 5. Disconnected too long: logged off. */
		CHECK(wait_for(0, WTSDown, (DISCONNECT_S + 6) * 1000, NULL),
		      "disconnect timeout: session %lu not logged off", (unsigned long)id);
		printf("disconnect timeout: session %lu logged off\n", (unsigned long)id);
	}
	e2e_client_kill(client);
	/* 6. pam_deny: refused, no session. */
	write_pam("pam_deny.so");
	client = e2e_client_start(port, E2E_USER, "any-password", "/size:800x600", "/sec:tls");
	for (int t = 0; t < 150 && waitpid(client, NULL, WNOHANG) == 0; t++)
		e2e_sleep_ms(100);
	e2e_client_kill(client);
	DWORD any = 0;
	WTS_CONNECTSTATE_CLASS st = WTSDown;
	int active = 0;
	int n = rdp_sessions(&any, &st, &active);
	CHECK(n == 0, "pam_deny: %d sessions", n);
	CHECK(e2e_run("grep -q 'logon of \"" E2E_USER "\" .* refused' %s/wtsd.log", e2e_dir) == 0,
	      "pam_deny: no refusal in the log");
	printf("pam_deny: refused, %d sessions\n", n);
	e2e_cleanup();
	printf("%s\n", e2e_failures ? "FAILED" : "PASSED");
	return e2e_failures ? 1 : 0;
}
