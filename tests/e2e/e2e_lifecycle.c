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
 * The helpers are those of e2e_rdp.c. Exit 0 pass, 1 fail, 77 skip.
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

/* Writes the SAM file and starts wtsd with the initial program. Returns false if wtsd did not come
 * up. */
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
	/* The initial program: the probe reports what the session looks like from inside, then
	 * the session runs on (sleep) until its end is tested. */
	char out[300], program[1024];
	snprintf(out, sizeof(out), "%s/out", dir);
	mkdir(out, 0777);
	chmod(out, 0777);
	snprintf(program, sizeof(program), "%s %s/probe; exec sleep 600", getenv("PROBE"), out);
	char *argv[] = {(char *)wtsd, "--socket",          sock,           "--state-dir",
	                state,        "--listen",          listen,         "--sam",
	                sam,          "--user-map",        USER ":nobody", "--initial-program",
	                program,      "--logoff-grace-ms", "1000",         NULL};
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
		sleep_ms(100);
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
		sleep_ms(100);
	}
	return false;
}

/* Step 1: what the initial program saw. */
static void check_probe(DWORD id)
{
	char path[300], line[256] = "", user[64] = "", env[32] = "";
	snprintf(path, sizeof(path), "%s/out/probe", dir);
	for (int i = 0; i < 100; i++) {
		FILE *f = fopen(path, "r");
		if (f) {
			if (!fgets(line, sizeof(line), f))
				line[0] = '\0';
			fclose(f);
			break;
		}
		sleep_ms(100);
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

static bool connect_active(int port, struct found *f, pid_t *client)
{
	*client = start_client(port, PASSWORD, "/size:800x600", NULL);
	if (wait_state(0, WTSActive, 30000, f, *client))
		return true;
	kill_client(*client); /* a loaded machine: one more try */
	*client = start_client(port, PASSWORD, "/size:800x600", NULL);
	return wait_state(0, WTSActive, 30000, f, *client);
}

int main(void)
{
	if (!getenv("WTSD") || !getenv("PROBE") || !have("xfreerdp") || !have("xvfb-run") ||
	    !have("winpr-hash")) {
		fprintf(stderr, "SKIP: needs WTSD, PROBE, xfreerdp (freerdp2-x11), xvfb-run (xvfb,"
		                " xauth) and winpr-hash (winpr-utils)\n");
		return 77;
	}
	snprintf(dir, sizeof(dir), "/tmp/openwts-e2e.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	chmod(dir, 0755); /* the initial program runs as nobody and writes to dir/out */
	int port = free_port();
	if (port <= 0 || !start_wtsd(port)) {
		fprintf(stderr, "FAIL: wtsd did not start\n");
		failures++;
		cleanup();
		return 1;
	}
	struct found f;
	pid_t client;
	/* 1. Logon: the initial program runs in the session. */
	bool up = connect_active(port, &f, &client);
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
		CHECK(look(id, &f) && f.state == WTSDisconnected, "session %lu not Disconnected",
		      (unsigned long)id);
		CHECK(client_ends(client, 15000), "xfreerdp still runs after the disconnect");
		kill_client(client);
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
	snprintf(probe, sizeof(probe), "%s/out/probe", dir);
	unlink(probe);
	up = connect_active(port, &f, &client);
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
	kill_client(client);
	cleanup();
	printf("%s\n", failures ? "FAILED" : "PASSED");
	return failures ? 1 : 0;
}
