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
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <windows.h>
#include <wtsapi32.h>

#define IDLE_S       12
#define DISCONNECT_S 3

#define USER     "e2euser"
#define PASSWORD "E2e-pass.1"

static char dir[256];
static pid_t wtsd_pid;
static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                       \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static bool have(const char *tool)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static int run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* A port on 127.0.0.1 that was free a moment ago. */
static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		return -1;
	close(fd);
	return ntohs(sa.sin_port);
}

/* Starts argv in a new process group with output to log. Returns the pid. */
static pid_t spawn(char *const argv[], const char *log, bool new_group)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		if (new_group)
			setsid();
		FILE *f = freopen(log, "a", stdout);
		if (!f || dup2(1, 2) < 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static pid_t start_client(int port, const char *password, const char *size, const char *sec)
{
	char v[64], p[128], home[300], log[300];
	snprintf(v, sizeof(v), "/v:127.0.0.1:%d", port);
	snprintf(p, sizeof(p), "/p:%s", password);
	snprintf(home, sizeof(home), "%s/home", dir);
	snprintf(log, sizeof(log), "%s/xfreerdp.log", dir);
	setenv("HOME", home, 1);
	char *argv[] = {"xvfb-run",     "-a",        "xfreerdp", v,
	                "/cert:ignore", "/u:" USER,  p,          "/client-hostname:e2ehost",
	                (char *)size,   (char *)sec, NULL};
	return spawn(argv, log, true);
}

/* Kills a client's whole process group (xvfb-run, Xvfb, xfreerdp) and reaps it. */
static void kill_client(pid_t pid)
{
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Like start_client, with /dynamic-resolution; once the file <dir>/go exists the client's
 * window is resized to 1024×700 by xresize, inside the same X server. */
static pid_t start_resizing_client(int port, const char *xresize)
{
	char v[64], home[300], log[300], script[1024];
	snprintf(v, sizeof(v), "/v:127.0.0.1:%d", port);
	snprintf(home, sizeof(home), "%s/home", dir);
	snprintf(log, sizeof(log), "%s/xfreerdp.log", dir);
	setenv("HOME", home, 1);
	snprintf(script, sizeof(script),
	         "xfreerdp \"$@\" & p=$!; while [ ! -e %s/go ]; do sleep 0.2;"
	         " kill -0 $p 2>/dev/null || exit 1; done; %s FreeRDP 1024 700; wait $p",
	         dir, xresize);
	char *argv[] = {"xvfb-run",
	                "-a",
	                "sh",
	                "-c",
	                script,
	                "sh",
	                v,
	                "/cert:ignore",
	                "/u:" USER,
	                "/p:any-password",
	                "/client-hostname:e2ehost",
	                "/size:800x600",
	                "/sec:tls",
	                "/dynamic-resolution",
	                NULL};
	return spawn(argv, log, true);
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
		sleep_ms(100);
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
		sleep_ms(100);
	}
	return false;
}

static void write_pam(const char *module)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/pam/openwts-e2e", dir);
	FILE *f = fopen(path, "w");
	if (f) {
		fprintf(f, "auth required %s\naccount required pam_permit.so\n", module);
		fclose(f);
	}
}

static bool start_wtsd(int port)
{
	const char *wtsd = getenv("WTSD");
	char path[300], sock[300], listen[64], log[300], state[300], pam[300];
	char idle[16], disc[16];
	snprintf(path, sizeof(path), "%s/home", dir);
	mkdir(path, 0700);
	snprintf(pam, sizeof(pam), "%s/pam", dir);
	mkdir(pam, 0755);
	write_pam("pam_permit.so");
	snprintf(sock, sizeof(sock), "%s/wtsd.sock", dir);
	snprintf(state, sizeof(state), "%s/state", dir);
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	snprintf(log, sizeof(log), "%s/wtsd.log", dir);
	snprintf(idle, sizeof(idle), "%d", IDLE_S);
	snprintf(disc, sizeof(disc), "%d", DISCONNECT_S);
	char *argv[] = {(char *)wtsd,
	                "--socket",
	                sock,
	                "--state-dir",
	                state,
	                "--listen",
	                listen,
	                "--auth",
	                "pam",
	                "--pam-confdir",
	                pam,
	                "--pam-service",
	                "openwts-e2e",
	                "--user-map",
	                USER ":nobody",
	                "--max-connections",
	                "1",
	                "--idle-timeout",
	                idle,
	                "--disconnect-timeout",
	                disc,
	                "--logoff-grace-ms",
	                "0",
	                NULL};
	wtsd_pid = spawn(argv, log, false);
	setenv("OPENWTS_SOCKET", sock, 1);
	for (int i = 0; i < 200; i++) {
		struct stat st;
		if (stat(sock, &st) == 0)
			return true;
		if (waitpid(wtsd_pid, NULL, WNOHANG) == wtsd_pid)
			return false;
		sleep_ms(50);
	}
	return false;
}

static void cleanup(void)
{
	if (wtsd_pid > 0) {
		kill(wtsd_pid, SIGTERM);
		waitpid(wtsd_pid, NULL, 0);
	}
	if (failures)
		run("echo '--- wtsd log'; cat %s/wtsd.log; echo '--- xfreerdp log';"
		    " tail -n 40 %s/xfreerdp.log",
		    dir, dir);
	run("cg=$(sed -n 's/.*sessions live under cgroup \\([^ ]*\\).*/\\1/p' %s/wtsd.log | head "
	    "-n 1);"
	    " [ -n \"$cg\" ] && [ -d \"$cg\" ] && { echo 1 > \"$cg/cgroup.kill\";"
	    " find \"$cg\" -depth -type d -exec rmdir {} + ; } 2>/dev/null; rm -rf %s",
	    dir, dir);
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
			sleep_ms(100);
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
	if (!getenv("WTSD") || !have("xfreerdp") || !have("xvfb-run")) {
		fprintf(stderr,
		        "SKIP: needs WTSD, xfreerdp (freerdp2-x11), xvfb-run (xvfb, xauth)\n");
		return 77;
	}
	if (access("/lib/x86_64-linux-gnu/security/pam_permit.so", R_OK) != 0 &&
	    access("/usr/lib/x86_64-linux-gnu/security/pam_permit.so", R_OK) != 0) {
		fprintf(stderr, "SKIP: needs pam_permit.so (libpam-modules)\n");
		return 77;
	}
	snprintf(dir, sizeof(dir), "/tmp/openwts-e2e.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	chmod(dir, 0755); /* PAM reads the service file; nobody's program may look around */
	int port = free_port();
	if (port <= 0 || !start_wtsd(port)) {
		fprintf(stderr, "FAIL: wtsd did not start\n");
		failures++;
		cleanup();
		return 1;
	}
	/* 1. pam_permit: a TLS logon. */
	DWORD id = 0;
	const char *xresize = getenv("XRESIZE");
	pid_t client = xresize ? start_resizing_client(port, xresize)
	                       : start_client(port, "any-password", "/size:800x600", "/sec:tls");
	bool up = wait_for(1, WTSActive, 30000, &id);
	CHECK(up, "pam_permit: no Active session");
	if (up) {
		printf("pam_permit: session %lu Active\n", (unsigned long)id);
		/* 2. Session data. */
		check_data(id);
		/* 1b. A client resize. */
		if (xresize) {
			DWORD w = 0, h = 0;
			run("touch %s/go", dir);
			bool resized = wait_display(id, 1024, 700, 10000, &w, &h);
			CHECK(resized, "resize: WTSClientDisplay %lux%lu, want 1024x700",
			      (unsigned long)w, (unsigned long)h);
			printf("resize: WTSClientDisplay %lux%lu\n", (unsigned long)w,
			       (unsigned long)h);
		} else {
			printf("resize: not tested (no xresize: libX11 missing at build time)\n");
		}
		/* 3. A second connection: refused while the first holds the only one. */
		pid_t second = start_client(port, "any-password", "/size:640x480", "/sec:tls");
		int exited = 0;
		for (int t = 0; t < 150 && !exited; t++) {
			exited = waitpid(second, NULL, WNOHANG) == second;
			if (!exited)
				sleep_ms(100);
		}
		if (!exited)
			kill_client(second);
		DWORD first = 0;
		WTS_CONNECTSTATE_CLASS st = WTSDown;
		int active = 0;
		int n = rdp_sessions(&first, &st, &active);
		CHECK(exited && n == 1 && first == id && st == WTSActive,
		      "max_connections 1: second client %s, %d sessions, first %s",
		      exited ? "ended" : "still running", n,
		      st == WTSActive ? "Active" : "not Active");
		CHECK(run("grep -q 'max_connections (1) reached' %s/wtsd.log", dir) == 0,
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
	kill_client(client);
	/* 6. pam_deny: refused, no session. */
	write_pam("pam_deny.so");
	client = start_client(port, "any-password", "/size:800x600", "/sec:tls");
	for (int t = 0; t < 150 && waitpid(client, NULL, WNOHANG) == 0; t++)
		sleep_ms(100);
	kill_client(client);
	DWORD any = 0;
	WTS_CONNECTSTATE_CLASS st = WTSDown;
	int active = 0;
	int n = rdp_sessions(&any, &st, &active);
	CHECK(n == 0, "pam_deny: %d sessions", n);
	CHECK(run("grep -q 'logon of \"" USER "\" .* refused' %s/wtsd.log", dir) == 0,
	      "pam_deny: no refusal in the log");
	printf("pam_deny: refused, %d sessions\n", n);
	cleanup();
	printf("%s\n", failures ? "FAILED" : "PASSED");
	return failures ? 1 : 0;
}
