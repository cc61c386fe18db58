/*
 * e2e_common.c — the helpers shared by the end-to-end tests (see e2e_common.h): processes are
 * started with fork/exec (clients in a process group of their own, killed as a group), shell
 * one-liners run through system(), and the waits poll (sockets every 50 ms, sessions every
 * 100 ms) because the tests watch processes and a daemon they do not control.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <arpa/inet.h>
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

#include "e2e_common.h"

char e2e_dir[256];
int e2e_failures;

static pid_t wtsd_pid;

void e2e_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

bool e2e_tool_have(const char *tool)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

int e2e_run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

int e2e_port_free(void)
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

bool e2e_dir_make(void)
{
	snprintf(e2e_dir, sizeof(e2e_dir), "/tmp/openwts-e2e.XXXXXX");
	return mkdtemp(e2e_dir) != NULL;
}

pid_t e2e_spawn(char *const argv[], const char *log, bool new_group)
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

bool e2e_sam_write(const char *const users[], char *sam, size_t size)
{
	snprintf(sam, size, "%s/sam", e2e_dir);
	for (size_t i = 0; users[i]; i++)
		if (e2e_run("winpr-hash -u %s -p '%s' -f sam %s %s", users[i], E2E_PASSWORD,
		            i ? ">>" : ">", sam) != 0)
			return false;
	return true;
}

bool e2e_wtsd_start(int port, const char *const args[])
{
	char path[300], sock[300], listen[64], log[300], state[300];
	char *argv[64] = {
	    (char *)getenv("WTSD"), "--socket", sock, "--state-dir", state, "--listen", listen};
	size_t n = 7;
	for (size_t i = 0; args[i]; i++) {
		if (n + 1 >= sizeof(argv) / sizeof(argv[0]))
			return false;
		argv[n++] = (char *)args[i];
	}
	argv[n] = NULL;
	snprintf(path, sizeof(path), "%s/home", e2e_dir);
	mkdir(path, 0700);
	snprintf(sock, sizeof(sock), "%s/wtsd.sock", e2e_dir);
	snprintf(state, sizeof(state), "%s/state", e2e_dir);
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	snprintf(log, sizeof(log), "%s/wtsd.log", e2e_dir);
	wtsd_pid = e2e_spawn(argv, log, false);
	setenv("OPENWTS_SOCKET", sock, 1);
	for (int i = 0; i < 200; i++) {
		struct stat st;
		if (stat(sock, &st) == 0)
			return true;
		if (waitpid(wtsd_pid, NULL, WNOHANG) == wtsd_pid)
			return false;
		e2e_sleep_ms(50);
	}
	return false;
}

bool e2e_wtsd_stop(void)
{
	int status = -1;
	if (wtsd_pid <= 0)
		return false;
	kill(wtsd_pid, SIGTERM);
	pid_t r = waitpid(wtsd_pid, &status, 0);
	wtsd_pid = 0;
	return r > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

pid_t e2e_wtsd_pid(void)
{
	return wtsd_pid > 0 ? wtsd_pid : 0;
}

int e2e_wtsd_failed(void)
{
	fprintf(stderr, "FAIL: wtsd did not start\n");
	e2e_failures++;
	e2e_cleanup();
	return 1;
}

void e2e_cleanup(void)
{
	if (wtsd_pid > 0) {
		kill(wtsd_pid, SIGTERM);
		waitpid(wtsd_pid, NULL, 0);
	}
	if (e2e_failures)
		e2e_run("echo '--- wtsd log'; cat %s/wtsd.log; echo '--- xfreerdp log';"
		        " tail -n 40 %s/xfreerdp.log",
		        e2e_dir, e2e_dir);
	e2e_run("cg=$(sed -n 's/.*sessions live under cgroup \\([^ ]*\\).*/\\1/p' %s/wtsd.log | "
	        "head -n 1);"
	        " [ -n \"$cg\" ] && [ -d \"$cg\" ] && { echo 1 > \"$cg/cgroup.kill\";"
	        " find \"$cg\" -depth -type d -exec rmdir {} + ; } 2>/dev/null; rm -rf %s",
	        e2e_dir, e2e_dir);
}

void e2e_client_env(char *log, size_t size)
{
	char home[300];
	snprintf(home, sizeof(home), "%s/home", e2e_dir);
	snprintf(log, size, "%s/xfreerdp.log", e2e_dir);
	setenv("HOME", home, 1);
}

pid_t e2e_client_start(int port, const char *user, const char *password, const char *size,
                       const char *sec)
{
	char v[64], u[64], p[128], log[300];
	snprintf(v, sizeof(v), "/v:127.0.0.1:%d", port);
	snprintf(u, sizeof(u), "/u:%s", user);
	snprintf(p, sizeof(p), "/p:%s", password);
	e2e_client_env(log, sizeof(log));
	char *argv[] = {"xvfb-run",     "-a",        "xfreerdp", v,
	                "/cert:ignore", u,           p,          "/client-hostname:e2ehost",
	                (char *)size,   (char *)sec, NULL};
	return e2e_spawn(argv, log, true);
}

pid_t e2e_client_start_argv(int port, const char *user, const char *password,
                            const char *const extra[])
{
	char v[64], u[64], p[128], log[300];
	snprintf(v, sizeof(v), "/v:127.0.0.1:%d", port);
	snprintf(u, sizeof(u), "/u:%s", user);
	snprintf(p, sizeof(p), "/p:%s", password);
	e2e_client_env(log, sizeof(log));
	char *argv[40] = {"xvfb-run",     "-a", "xfreerdp", v,
	                  "/cert:ignore", u,    p,          "/client-hostname:e2ehost"};
	size_t n = 8;
	for (size_t i = 0; extra && extra[i]; i++) {
		if (i >= 24)
			return -1;
		argv[n++] = (char *)extra[i];
	}
	argv[n] = NULL;
	return e2e_spawn(argv, log, true);
}

void e2e_client_kill(pid_t pid)
{
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

bool e2e_client_connect(int port, struct e2e_found *f, pid_t *client)
{
	*client = e2e_client_start(port, E2E_USER, E2E_PASSWORD, "/size:800x600", NULL);
	if (e2e_session_wait_state(0, WTSActive, 30000, f, *client))
		return true;
	e2e_client_kill(*client); /* a loaded machine: one more try */
	*client = e2e_client_start(port, E2E_USER, E2E_PASSWORD, "/size:800x600", NULL);
	return e2e_session_wait_state(0, WTSActive, 30000, f, *client);
}

bool e2e_session_look(DWORD id, struct e2e_found *f)
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

bool e2e_session_wait_state(DWORD id, WTS_CONNECTSTATE_CLASS state, long ms, struct e2e_found *f,
                            pid_t client)
{
	for (long t = 0; t < ms; t += 100) {
		if (e2e_session_look(id, f) && f->state == state)
			return true;
		if (client > 0 && waitpid(client, NULL, WNOHANG) == client) {
			fprintf(stderr, "client %d exited\n", (int)client);
			return e2e_session_look(id, f) && f->state == state;
		}
		e2e_sleep_ms(100);
	}
	return false;
}

static void put32(BYTE *p, DWORD v)
{
	memcpy(p, &v, 4);
}

size_t e2e_sd_deny(BYTE *sd, DWORD uid, DWORD denied, DWORD allowed)
{
	const BYTE user[16] = {1, 2, 0, 0, 0, 0, 0, 22, 1, 0, 0, 0};
	const BYTE everyone[12] = {1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
	memset(sd, 0, E2E_SD_SIZE);
	sd[0] = 1;    /* revision */
	sd[2] = 0x04; /* SE_DACL_PRESENT */
	sd[3] = 0x80; /* SE_SELF_RELATIVE */
	sd[16] = 20;  /* the DACL follows the header */
	BYTE *acl = sd + 20, *ace = acl + 8;
	acl[0] = 2;
	acl[4] = 2;
	ace[0] = 1; /* ACCESS_DENIED */
	ace[2] = 8 + 16;
	put32(ace + 4, denied);
	memcpy(ace + 8, user, 16);
	put32(ace + 8 + 12, uid);
	ace += 8 + 16;
	ace[0] = 0; /* ACCESS_ALLOWED */
	ace[2] = 8 + 12;
	put32(ace + 4, allowed);
	memcpy(ace + 8, everyone, 12);
	size_t acl_size = 8 + (8 + 16) + (8 + 12);
	acl[2] = (BYTE)acl_size;
	return 20 + acl_size;
}

DWORD e2e_session_find(const char *prefix, const char *user, WTS_CONNECTSTATE_CLASS state)
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

DWORD e2e_session_of_user(const char *user)
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
