/*
 * api_daemon.c — the library against a dead, broken or hostile daemon, and wtsd against hostile
 * clients and restarts.
 *
 * - no daemon: RPC_S_SERVER_UNAVAILABLE (1722) at once;
 * - a "daemon" that hangs up, answers garbage or answers another request: RPC_S_CALL_FAILED
 *   (1726) or RPC_S_PROTOCOL_ERROR (1728), outputs untouched;
 * - malformed frames sent to the real wtsd close that connection only; wtsd serves on;
 * - a wtsd restarted on the same state directory knows its sessions (WTSDisconnected) and never
 *   reuses their ids.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <windows.h>
#include <wtsapi32.h>

#include "api_common.h"

#define PROTO 2 /* OWTS_PROTO_VERSION of src/common/owts_wire.h */

enum fake { HANG_UP, GARBAGE, WRONG_OP };

struct fake_server {
	int fd;
	enum fake mode;
	char path[100];
};

static void *serve_once(void *arg)
{
	struct fake_server *f = arg;
	int c = accept(f->fd, NULL, NULL);
	if (c < 0)
		return NULL;
	uint8_t req[64];
	ssize_t n = recv(c, req, sizeof(req), 0);
	(void)n;
	if (f->mode == GARBAGE) {
		static const uint8_t junk[16] = { 0xff, 0xff, 0xff, 0x7f, 9, 9 };
		(void)!write(c, junk, sizeof(junk));
	} else if (f->mode == WRONG_OP) {
		/* A well-formed reply to another operation. */
		uint8_t reply[20] = { 20, 0, 0, 0, PROTO, 0, 6, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0 };
		(void)!write(c, reply, sizeof(reply));
	}
	close(c);
	return NULL;
}

static DWORD call_against(enum fake mode)
{
	struct fake_server f = { .mode = mode };
	snprintf(f.path, sizeof(f.path), "%s", api_path("fake.sock"));
	unlink(f.path);
	f.fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	memcpy(sa.sun_path, f.path, strlen(f.path) + 1);
	assert_int_equal(bind(f.fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(f.fd, 1), 0);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, serve_once, &f), 0);
	char *saved = strdup(getenv("OPENWTS_SOCKET"));
	setenv("OPENWTS_SOCKET", f.path, 1);
	PWTS_SESSION_INFOA info = (void *)0x5e5e;
	DWORD count = 77;
	BOOL ok = WTSEnumerateSessionsA(NULL, 0, 1, &info, &count);
	DWORD err = GetLastError();
	setenv("OPENWTS_SOCKET", saved, 1);
	free(saved);
	pthread_join(t, NULL);
	close(f.fd);
	unlink(f.path);
	assert_false(ok);
	assert_ptr_equal(info, (void *)0x5e5e);
	assert_int_equal(count, 77);
	return err;
}

static void test_no_daemon(void **state)
{
	(void)state;
	char *saved = strdup(getenv("OPENWTS_SOCKET"));
	setenv("OPENWTS_SOCKET", api_path("nobody-listens.sock"), 1);
	PWTS_SESSION_INFOW info = NULL;
	DWORD count = 0;
	assert_false(WTSEnumerateSessionsW(NULL, 0, 1, &info, &count));
	assert_int_equal(GetLastError(), 1722);
	LPWSTR s = NULL;
	assert_false(WTSQuerySessionInformationW(NULL, 0, WTSUserName, &s, &count));
	assert_int_equal(GetLastError(), 1722);
	/* Without Remote Desktop Services every process is in session 0; no console. */
	DWORD id = 77;
	assert_true(ProcessIdToSessionId((DWORD)getpid(), &id));
	assert_int_equal(id, 0);
	assert_int_equal(WTSGetActiveConsoleSessionId(), 0xFFFFFFFF);
	setenv("OPENWTS_SOCKET", saved, 1);
	free(saved);
}

static void test_broken_daemons(void **state)
{
	(void)state;
	assert_int_equal(call_against(HANG_UP), 1726);
	assert_int_equal(call_against(GARBAGE), 1728);
	assert_int_equal(call_against(WRONG_OP), 1728);
}

static int raw_connect(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", getenv("OPENWTS_SOCKET"));
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Sends bytes and expects wtsd to close the connection without a reply. */
static void send_hostile(const uint8_t *buf, size_t len)
{
	int fd = raw_connect();
	assert_int_equal(send(fd, buf, len, MSG_NOSIGNAL), (ssize_t)len);
	uint8_t reply[64];
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(recv(fd, reply, sizeof(reply), 0), 0);
	close(fd);
}

static void test_hostile_clients(void **state)
{
	(void)state;
	/* Wrong version (9), a length below the header, a length beyond the request limit. */
	const uint8_t bad_version[16] = { 16, 0, 0, 0, 9, 0, 1, 0 };
	const uint8_t short_len[16] = { 3, 0, 0, 0, PROTO, 0, 1, 0 };
	const uint8_t huge[16] = { 0, 0, 0, 1, PROTO, 0, 1, 0 };
	send_hostile(bad_version, sizeof(bad_version));
	send_hostile(short_len, sizeof(short_len));
	send_hostile(huge, sizeof(huge));
	/* A truncated body and an unknown operation get error replies, not a crash. */
	const uint8_t unknown_op[16] = { 16, 0, 0, 0, PROTO, 0, 0xEE, 0x7E, 5, 0, 0, 0 };
	int fd = raw_connect();
	assert_int_equal(send(fd, unknown_op, 16, 0), 16);
	uint8_t reply[64];
	assert_int_equal(recv(fd, reply, 16, MSG_WAITALL), 16);
	assert_int_equal(reply[12], 1); /* ERROR_INVALID_FUNCTION */
	const uint8_t query_no_body[16] = { 16, 0, 0, 0, PROTO, 0, 2, 0, 6, 0, 0, 0 };
	assert_int_equal(send(fd, query_no_body, 16, 0), 16);
	assert_int_equal(recv(fd, reply, 16, MSG_WAITALL), 16);
	assert_int_equal(reply[12], 87); /* ERROR_INVALID_PARAMETER */
	close(fd);
	/* A client that sends a request and shuts its side down still gets the reply. */
	fd = raw_connect();
	assert_int_equal(send(fd, query_no_body, 16, 0), 16);
	assert_int_equal(shutdown(fd, SHUT_WR), 0);
	assert_int_equal(recv(fd, reply, 16, MSG_WAITALL), 16);
	assert_int_equal(recv(fd, reply, 16, 0), 0); /* then wtsd closes */
	close(fd);
	/* A client that connects and goes away without a word. */
	close(raw_connect());
	/* wtsd serves on. */
	PWTS_SESSION_INFOA info = NULL;
	DWORD count = 0;
	assert_true(WTSEnumerateSessionsA(NULL, 0, 1, &info, &count));
	WTSFreeMemory(info);
}

static void test_restart_keeps_sessions(void **state)
{
	(void)state;
	char sock[256], st[256];
	snprintf(sock, sizeof(sock), "%s", api_path("restart.sock"));
	snprintf(st, sizeof(st), "%s", api_path("restart-state"));
	char saved[256];
	snprintf(saved, sizeof(saved), "%s", getenv("OPENWTS_SOCKET"));
	setenv("OPENWTS_SOCKET", sock, 1);
	pid_t pid = api_wtsd_start(sock, st, "restart.log", NULL);
	uint32_t first = api_create_session(65534, NULL, NULL);
	api_wtsd_stop(pid);
	pid = api_wtsd_start(sock, st, "restart.log", NULL);
	LPSTR user = NULL;
	DWORD n = 0, *state_p = NULL;
	assert_true(WTSQuerySessionInformationA(NULL, first, WTSUserName, &user, &n));
	assert_string_equal(user, "nobody");
	WTSFreeMemory(user);
	assert_true(WTSQuerySessionInformationA(NULL, first, WTSConnectState, (LPSTR *)&state_p,
	                                        &n));
	assert_int_equal(*state_p, WTSDisconnected);
	WTSFreeMemory(state_p);
	uint32_t second = api_create_session(65534, NULL, NULL);
	assert_true(second > first);
	api_wtsd_stop(pid);
	api_wtsd_cleanup("restart.log");
	setenv("OPENWTS_SOCKET", saved, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_daemon),
		cmocka_unit_test(test_broken_daemons),
		cmocka_unit_test(test_hostile_clients),
		cmocka_unit_test(test_restart_keeps_sessions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
