/*
 * e2e_listener.c — listener security end to end: wtsd with RDP-Tcp on 127.0.0.1:<free port>
 * and a SAM file of two users, "e2eallow" (Linux "nobody") and "e2edeny" (Linux "daemon");
 * a second listener "Secure-Tcp" created with WTSCreateListenerA on 127.0.0.1:<free port>, whose
 * DACL (WTSSetListenerSecurityA) denies WTS_SECURITY_LOGON to S-1-22-1-<daemon's uid> and allows
 * it to Everyone. The real xfreerdp under xvfb-run then:
 *   1. logs e2edeny on through Secure-Tcp → refused: no session of daemon's uid appears, the
 *      client is dropped, wtsd logs the refusal;
 *   2. logs e2eallow on through Secure-Tcp → a session "Secure-Tcp#N", WTSActive, user nobody.
 * Exit 0 pass, 1 fail, 77 skip (xfreerdp, xvfb-run or winpr-hash missing). Loopback only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
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

static pid_t start_client(int port, const char *user)
{
	char v[64], u[64], p[128], home[300], log[300];
	snprintf(v, sizeof(v), "/v:127.0.0.1:%d", port);
	snprintf(u, sizeof(u), "/u:%s", user);
	snprintf(p, sizeof(p), "/p:%s", PASSWORD);
	snprintf(home, sizeof(home), "%s/home", dir);
	snprintf(log, sizeof(log), "%s/xfreerdp.log", dir);
	setenv("HOME", home, 1);
	char *argv[] = {"xvfb-run",      "-a", "xfreerdp", v,
	                "/cert:ignore",  u,    p,          "/client-hostname:e2ehost",
	                "/size:800x600", NULL};
	return spawn(argv, log, true);
}

static void kill_client(pid_t pid)
{
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* The id of an Active session of station prefix and user, 0 if none. */
static DWORD find(const char *prefix, const char *user, WTS_CONNECTSTATE_CLASS state)
{
	PWTS_SESSION_INFO_1A info = NULL;
	DWORD n = 0, level = 1, id = 0;
	if (!WTSEnumerateSessionsExA(NULL, &level, 0, &info, &n))
		return 0;
	for (DWORD i = 0; i < n && !id; i++)
		if (info[i].State == state && info[i].pUserName &&
		    strcmp(info[i].pUserName, user) == 0 &&
		    strncmp(info[i].pSessionName, prefix, strlen(prefix)) == 0)
			id = info[i].SessionId;
	WTSFreeMemory(info);
	return id;
}

/* Any session of user (any state), 0 if none. */
static DWORD any_of(const char *user)
{
	PWTS_SESSION_INFO_1A info = NULL;
	DWORD n = 0, level = 1, id = 0;
	if (!WTSEnumerateSessionsExA(NULL, &level, 0, &info, &n))
		return 0;
	for (DWORD i = 0; i < n && !id; i++)
		if (info[i].pUserName && strcmp(info[i].pUserName, user) == 0)
			id = info[i].SessionId;
	WTSFreeMemory(info);
	return id;
}

static bool start_wtsd(int port)
{
	const char *wtsd = getenv("WTSD");
	char path[300], sock[300], listen[64], log[300], state[300], sam[300];
	snprintf(path, sizeof(path), "%s/home", dir);
	mkdir(path, 0700);
	snprintf(sam, sizeof(sam), "%s/sam", dir);
	if (run("winpr-hash -u e2eallow -p '%s' -f sam > %s && "
	        "winpr-hash -u e2edeny -p '%s' -f sam >> %s",
	        PASSWORD, sam, PASSWORD, sam) != 0)
		return false;
	snprintf(sock, sizeof(sock), "%s/wtsd.sock", dir);
	snprintf(state, sizeof(state), "%s/state", dir);
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	snprintf(log, sizeof(log), "%s/wtsd.log", dir);
	char *argv[] = {(char *)wtsd,
	                "--socket",
	                sock,
	                "--state-dir",
	                state,
	                "--listen",
	                listen,
	                "--sam",
	                sam,
	                "--user-map",
	                "e2eallow:nobody",
	                "--user-map",
	                "e2edeny:daemon",
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

static void put32(BYTE *p, DWORD v)
{
	memcpy(p, &v, 4);
}

/* DACL: deny LOGON to S-1-22-1-uid, then allow USER_ACCESS|LOGON to Everyone. */
static size_t deny_sd(BYTE *sd, DWORD uid)
{
	const BYTE user[16] = {1, 2, 0, 0, 0, 0, 0, 22, 1, 0, 0, 0};
	const BYTE everyone[12] = {1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
	memset(sd, 0, 128);
	sd[0] = 1;
	sd[2] = 0x04;
	sd[3] = 0x80;
	sd[16] = 20;
	BYTE *acl = sd + 20, *ace = acl + 8;
	acl[0] = 2;
	acl[4] = 2;
	ace[0] = 1; /* ACCESS_DENIED */
	ace[2] = 8 + 16;
	put32(ace + 4, WTS_SECURITY_LOGON);
	memcpy(ace + 8, user, 16);
	put32(ace + 8 + 12, uid);
	ace += 8 + 16;
	ace[0] = 0; /* ACCESS_ALLOWED */
	ace[2] = 8 + 12;
	put32(ace + 4, WTS_SECURITY_USER_ACCESS | WTS_SECURITY_LOGON);
	memcpy(ace + 8, everyone, 12);
	size_t acl_size = 8 + (8 + 16) + (8 + 12);
	acl[2] = (BYTE)acl_size;
	return 20 + acl_size;
}

int main(void)
{
	if (!getenv("WTSD") || !have("xfreerdp") || !have("xvfb-run") || !have("winpr-hash")) {
		fprintf(stderr, "SKIP: needs WTSD, xfreerdp (freerdp2-x11), xvfb-run (xvfb, xauth)"
		                " and winpr-hash (winpr-utils)\n");
		return 77;
	}
	/* getpwnam's result is overwritten by the next call: take the uid first. */
	struct passwd *daemon_pw = getpwnam("daemon");
	DWORD daemon_uid = daemon_pw ? daemon_pw->pw_uid : 0;
	if (!daemon_pw || !getpwnam("nobody")) {
		fprintf(stderr, "SKIP: needs the accounts daemon and nobody\n");
		return 77;
	}
	snprintf(dir, sizeof(dir), "/tmp/openwts-e2e.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	int port = free_port(), secure = free_port();
	if (port <= 0 || secure <= 0 || !start_wtsd(port)) {
		fprintf(stderr, "FAIL: wtsd did not start\n");
		failures++;
		cleanup();
		return 1;
	}
	WTSLISTENERCONFIGA cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.version = 1;
	cfg.fEnableListener = 1;
	cfg.PortNumber = (ULONG)secure;
	cfg.SecurityLayer = 2;
	cfg.UserAuthentication = 1;
	CHECK(WTSCreateListenerA(NULL, NULL, 0, "Secure-Tcp", &cfg, WTS_LISTENER_CREATE),
	      "WTSCreateListenerA: %u", GetLastError());
	BYTE sd[128];
	deny_sd(sd, daemon_uid);
	CHECK(WTSSetListenerSecurityA(NULL, NULL, 0, "Secure-Tcp", DACL_SECURITY_INFORMATION,
	                              (PSECURITY_DESCRIPTOR)sd),
	      "WTSSetListenerSecurityA: %u", GetLastError());

	/* 1. Denied: no session for daemon, the client is dropped. */
	pid_t client = start_client(secure, "e2edeny");
	for (int t = 0; t < 150 && waitpid(client, NULL, WNOHANG) == 0 && !any_of("daemon"); t++)
		sleep_ms(100);
	kill_client(client);
	CHECK(any_of("daemon") == 0, "a session of daemon exists although Secure-Tcp denies it");
	CHECK(run("grep -q 'refused by the security of listener \"Secure-Tcp\"' %s/wtsd.log",
	          dir) == 0,
	      "wtsd did not log the refusal");
	printf("e2edeny refused by Secure-Tcp\n");

	/* 2. Allowed: an Active session of nobody on Secure-Tcp#N. */
	DWORD id = 0;
	for (int attempt = 0; attempt < 2 && !id; attempt++) {
		client = start_client(secure, "e2eallow");
		for (int t = 0; t < 300 && !id; t++) {
			id = find("Secure-Tcp#", "nobody", WTSActive);
			if (!id && waitpid(client, NULL, WNOHANG) == client)
				break;
			if (!id)
				sleep_ms(100);
		}
		kill_client(client);
	}
	CHECK(id != 0, "no Active Secure-Tcp# session of nobody");
	if (id)
		printf("e2eallow: session %lu on Secure-Tcp, Active\n", (unsigned long)id);
	cleanup();
	printf("%s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
