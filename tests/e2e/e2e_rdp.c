/*
 * e2e_rdp.c — an RDP session end to end: wtsd listening on 127.0.0.1:<free port> with a
 * throw-away SAM file whose user maps to "nobody", the real xfreerdp under xvfb-run, and the
 * verdict from the public API (libwtsapi32 on OPENWTS_SOCKET):
 *   1. connect → a session RDP-Tcp#N, WTSActive, client name "e2ehost", address 2/127.0.0.1,
 *      display 800×600, protocol type 2;
 *   2. kill the client → the same session WTSDisconnected;
 *   3. wrong password → no new session, nothing Active;
 *   4. connect again, TLS without NLA (wtsd checks the password itself) → the same session id
 *      back, WTSActive, the new display size;
 *   5. session notifications (the OpenWTSEventOpen descriptor, the stream windows get too) saw,
 *      in order: WTS_REMOTE_CONNECT, WTS_SESSION_LOGON, WTS_REMOTE_DISCONNECT, (nothing for the
 *      wrong password), WTS_REMOTE_CONNECT, WTS_REMOTE_DISCONNECT; and a WTSWaitSystemEvent
 *      started before the first logon returned WTS_EVENT_LOGON.
 * Clients are killed by their process group (we started them with setsid); loopback only.
 * Exit 0 pass, 1 fail, 77 skip (xfreerdp, xvfb-run or winpr-hash missing).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
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
#include <openwts/events.h>

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

struct found
{
	DWORD id;
	WTS_CONNECTSTATE_CLASS state;
	char station[64];
	int count; /* sessions >= 2 (RDP and created ones) */
	int active;
};

/* Looks at the session list: the session id (or, id 0, the first RDP-Tcp# one). */
static bool look(DWORD id, struct found *f)
{
	PWTS_SESSION_INFOA info = NULL;
	DWORD n = 0;
	memset(f, 0, sizeof(*f));
	if (!WTSEnumerateSessionsA(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &n))
		return false;
	bool hit = false;
	for (DWORD i = 0; i < n; i++) {
		if (info[i].SessionId < 2)
			continue;
		f->count++;
		if (info[i].State == WTSActive)
			f->active++;
		bool match = id ? info[i].SessionId == id
		                : strncmp(info[i].pWinStationName, "RDP-Tcp#", 8) == 0;
		if (match && !hit) {
			hit = true;
			f->id = info[i].SessionId;
			f->state = info[i].State;
			snprintf(f->station, sizeof(f->station), "%s", info[i].pWinStationName);
		}
	}
	WTSFreeMemory(info);
	return hit;
}

/* Waits up to ms for session id (0: any RDP-Tcp# one) to reach state; gives up early when
 * client (if > 0) has exited. */
static bool wait_state(DWORD id, WTS_CONNECTSTATE_CLASS state, long ms, struct found *f,
                       pid_t client)
{
	for (long t = 0; t < ms; t += 100) {
		if (look(id, f) && f->state == state)
			return true;
		if (client > 0 && waitpid(client, NULL, WNOHANG) == client) {
			fprintf(stderr, "client %d exited\n", (int)client);
			return look(id, f) && f->state == state;
		}
		sleep_ms(100);
	}
	return false;
}

static void check_client_info(DWORD id, DWORD hres, DWORD vres)
{
	LPSTR buf = NULL;
	DWORD len = 0;
	CHECK(WTSQuerySessionInformationA(NULL, id, WTSClientName, &buf, &len), "WTSClientName");
	if (buf)
		CHECK(strcmp(buf, "e2ehost") == 0, "WTSClientName \"%s\"", buf);
	WTSFreeMemory(buf);
	buf = NULL;
	CHECK(WTSQuerySessionInformationA(NULL, id, WTSClientAddress, &buf, &len),
	      "WTSClientAddress");
	if (buf) {
		PWTS_CLIENT_ADDRESS a = (PWTS_CLIENT_ADDRESS)buf;
		CHECK(a->AddressFamily == 2 && a->Address[2] == 127 && a->Address[3] == 0 &&
		          a->Address[4] == 0 && a->Address[5] == 1,
		      "WTSClientAddress family %lu %u.%u.%u.%u", (unsigned long)a->AddressFamily,
		      a->Address[2], a->Address[3], a->Address[4], a->Address[5]);
	}
	WTSFreeMemory(buf);
	buf = NULL;
	CHECK(WTSQuerySessionInformationA(NULL, id, WTSClientDisplay, &buf, &len),
	      "WTSClientDisplay");
	if (buf) {
		PWTS_CLIENT_DISPLAY d = (PWTS_CLIENT_DISPLAY)buf;
		CHECK(d->HorizontalResolution == hres && d->VerticalResolution == vres,
		      "WTSClientDisplay %lux%lu, want %lux%lu",
		      (unsigned long)d->HorizontalResolution, (unsigned long)d->VerticalResolution,
		      (unsigned long)hres, (unsigned long)vres);
	}
	WTSFreeMemory(buf);
	buf = NULL;
	CHECK(WTSQuerySessionInformationA(NULL, id, WTSClientProtocolType, &buf, &len),
	      "WTSClientProtocolType");
	if (buf)
		CHECK(*(USHORT *)buf == WTS_PROTOCOL_TYPE_RDP, "protocol %u", *(USHORT *)buf);
	WTSFreeMemory(buf);
	buf = NULL;
	CHECK(WTSQuerySessionInformationA(NULL, id, WTSUserName, &buf, &len), "WTSUserName");
	if (buf)
		CHECK(strcmp(buf, "nobody") == 0, "WTSUserName \"%s\"", buf);
	WTSFreeMemory(buf);
}

/* Writes the SAM file and starts wtsd. Returns false if wtsd did not come up. */
static bool start_wtsd(int port)
{
	const char *wtsd = getenv("WTSD");
	char path[300], sock[300], listen[64], log[300], state[300], sam[300];
	snprintf(path, sizeof(path), "%s/home", dir);
	mkdir(path, 0700);
	snprintf(sam, sizeof(sam), "%s/sam", dir);
	if (run("winpr-hash -u %s -p '%s' -f sam > %s", USER, PASSWORD, sam) != 0)
		return false;
	snprintf(sock, sizeof(sock), "%s/wtsd.sock", dir);
	snprintf(state, sizeof(state), "%s/state", dir);
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	snprintf(log, sizeof(log), "%s/wtsd.log", dir);
	char *argv[] = {(char *)wtsd, "--socket", sock, "--state-dir", state,          "--listen",
	                listen,       "--sam",    sam,  "--user-map",  USER ":nobody", NULL};
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

/* Stops wtsd, shows its log on failure, removes its cgroups and the directory. */
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

static DWORD logon_flags;

static void *wait_logon(void *arg)
{
	(void)arg;
	if (!WTSWaitSystemEvent(WTS_CURRENT_SERVER_HANDLE, WTS_EVENT_LOGON, &logon_flags))
		logon_flags = 0xFFFFFFFF;
	return NULL;
}

/* Reads the notifications of fd for session id (waiting up to 1 s for each) into codes. */
static int read_codes(int fd, DWORD id, DWORD *codes, int max)
{
	int n = 0;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	while (n < max && poll(&p, 1, 1000) == 1) {
		DWORD code, session;
		if (!OpenWTSEventRead(fd, &code, &session))
			break;
		if (session == id)
			codes[n++] = code;
	}
	return n;
}

int main(void)
{
	if (!getenv("WTSD") || !have("xfreerdp") || !have("xvfb-run") || !have("winpr-hash")) {
		fprintf(stderr, "SKIP: needs WTSD, xfreerdp (freerdp2-x11), xvfb-run (xvfb, xauth)"
		                " and winpr-hash (winpr-utils)\n");
		return 77;
	}
	snprintf(dir, sizeof(dir), "/tmp/openwts-e2e.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	int port = free_port();
	if (port <= 0 || !start_wtsd(port)) {
		fprintf(stderr, "FAIL: wtsd did not start\n");
		failures++;
		cleanup();
		return 1;
	}
	struct found f;
	int events = OpenWTSEventOpen(WTS_CURRENT_SERVER_HANDLE, NOTIFY_FOR_ALL_SESSIONS);
	CHECK(events >= 0, "OpenWTSEventOpen: error %u", GetLastError());
	pthread_t waiter;
	CHECK(pthread_create(&waiter, NULL, wait_logon, NULL) == 0, "pthread_create");
	sleep_ms(200); /* the wait is in place before the client connects */
	/* 1. Logon: an Active RDP session with the client's data. */
	pid_t client = start_client(port, PASSWORD, "/size:800x600", NULL);
	bool up = wait_state(0, WTSActive, 30000, &f, client);
	if (!up) {
		/* A client that gave up early (a loaded machine): one more try. */
		kill_client(client);
		client = start_client(port, PASSWORD, "/size:800x600", NULL);
		up = wait_state(0, WTSActive, 30000, &f, client);
	}
	CHECK(up, "no Active RDP-Tcp# session");
	DWORD id = f.id;
	if (up) {
		printf("session %lu %s Active\n", (unsigned long)id, f.station);
		check_client_info(id, 800, 600);
	}
	/* 2. The client drops: the session stays, Disconnected. */
	kill_client(client);
	if (up) {
		CHECK(wait_state(id, WTSDisconnected, 10000, &f, 0), "session %lu not Disconnected",
		      (unsigned long)id);
		printf("session %lu Disconnected\n", (unsigned long)id);
	}
	/* 3. A wrong password: no new session, nothing Active. */
	struct found before;
	look(0, &before);
	client = start_client(port, "wrong-password", "/size:800x600", NULL);
	for (int t = 0; t < 150 && waitpid(client, NULL, WNOHANG) == 0; t++)
		sleep_ms(100);
	kill_client(client);
	look(id, &f);
	CHECK(f.count == before.count && f.active == 0,
	      "wrong password: %d sessions (%d before),"
	      " %d active",
	      f.count, before.count, f.active);
	printf("wrong password: %d sessions, none active\n", f.count);
	/* 4. The same user again: the same session back, Active, with the new display. */
	if (up) {
		client = start_client(port, PASSWORD, "/size:1024x768", "/sec:tls");
		CHECK(wait_state(id, WTSActive, 30000, &f, client), "session %lu not reconnected",
		      (unsigned long)id);
		printf("session %lu reconnected on %s\n", (unsigned long)id, f.station);
		check_client_info(id, 1024, 768);
		kill_client(client);
		CHECK(wait_state(id, WTSDisconnected, 10000, &f, 0), "session %lu not Disconnected",
		      (unsigned long)id);
	}
	/* 5. The notifications, in order, and the wait (a flush ends it if it saw nothing). */
	DWORD none;
	WTSWaitSystemEvent(WTS_CURRENT_SERVER_HANDLE, WTS_EVENT_FLUSH, &none);
	pthread_join(waiter, NULL);
	CHECK(logon_flags == WTS_EVENT_LOGON, "WTSWaitSystemEvent gave 0x%x", logon_flags);
	if (up && events >= 0) {
		static const DWORD want[] = {WTS_REMOTE_CONNECT, WTS_SESSION_LOGON,
		                             WTS_REMOTE_DISCONNECT, WTS_REMOTE_CONNECT,
		                             WTS_REMOTE_DISCONNECT};
		DWORD got[16];
		int n = read_codes(events, id, got, 16);
		bool same = n == 5;
		for (int i = 0; same && i < n; i++)
			same = got[i] == want[i];
		char seen[128] = "";
		for (int i = 0; i < n; i++)
			snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), " %u", got[i]);
		CHECK(same, "notifications for session %lu:%s (want 3 5 4 3 4)", (unsigned long)id,
		      seen);
		printf("notifications for session %lu:%s\n", (unsigned long)id, seen);
	}
	OpenWTSEventClose(events);
	cleanup();
	printf("%s\n", failures ? "FAILED" : "PASSED");
	return failures ? 1 : 0;
}
