/*
 * api_listeners.c — WTSEnumerateListeners, WTSQueryListenerConfig, WTSCreateListener,
 * WTSSetListenerSecurity and WTSGetListenerSecurity (A and W) against a wtsd of the test's own
 * that listens with RDP-Tcp on 127.0.0.1:<free port>:
 *
 * - enumeration with the two-call count pattern, ERROR_INSUFFICIENT_BUFFER and the needed count;
 * - RDP-Tcp's configuration (its port) and its pseudo-session 65536 (WTSListen);
 * - a second listener created on 127.0.0.1:<free port>: listed, a WTSListen pseudo-session,
 *   accepting TCP connections; updated to another port; a second create fails; disabled
 *   (fEnableListener 0) it stops listening, enabled again it listens;
 * - RDP-Tcp updated: another port listens at once and the old one not, its limits are what
 *   WTSQueryListenerConfig reports; moved back;
 * - security descriptors: the sizing call, the default DACL, a set/get round trip;
 * - unprivileged callers: may list and read, may not create or set security;
 * - a restart without --listen: both listeners, their configuration and security are back and
 *   both listen again, RDP-Tcp with the limits the update gave it;
 * - a restart with --listen and --max-connections: the command line sets RDP-Tcp's limits.
 * Bad inputs of every function are rows of api_errors.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <windows.h>
#include <wtsapi32.h>

#include "api_common.h"

static char sock[256], st[256];
static pid_t wtsd_pid;
static unsigned port_rdp, port_rdp2, port_test, port_test2;

static unsigned free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

static bool tcp_open(unsigned port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bool ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

/* Starts our wtsd (with RDP-Tcp on port_rdp when listen, and --max-connections max when not
 * NULL). */
static void start_wtsd_max(bool listen, const char *max)
{
	char addr[64];
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", port_rdp);
	const char *extra[] = {"--listen", addr, max ? "--max-connections" : NULL, max, NULL};
	wtsd_pid = api_wtsd_start(sock, st, "listeners.log", listen ? extra : NULL);
}

static void start_wtsd(bool listen)
{
	start_wtsd_max(listen, NULL);
}

static void stop_wtsd(void)
{
	api_wtsd_stop(wtsd_pid);
}

static int setup(void **state)
{
	(void)state;
	snprintf(sock, sizeof(sock), "%s", api_path("listeners.sock"));
	snprintf(st, sizeof(st), "%s", api_path("listeners-state"));
	setenv("OPENWTS_SOCKET", sock, 1);
	port_rdp = free_port();
	port_rdp2 = free_port();
	port_test = free_port();
	port_test2 = free_port();
	start_wtsd(true);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	stop_wtsd();
	api_wtsd_cleanup("listeners.log");
	return 0;
}

/* The pseudo-session of listener name in WTSEnumerateSessionsA, or UINT32_MAX. */
static uint32_t listen_session(const char *name)
{
	PWTS_SESSION_INFOA info = NULL;
	DWORD n = 0;
	uint32_t id = UINT32_MAX;
	assert_true(WTSEnumerateSessionsA(NULL, 0, 1, &info, &n));
	for (DWORD i = 0; i < n; i++)
		if (strcmp(info[i].pWinStationName, name) == 0 && info[i].State == WTSListen)
			id = info[i].SessionId;
	WTSFreeMemory(info);
	return id;
}

static void test_enumerate_and_query(void **state)
{
	(void)state;
	DWORD n = 0;
	assert_true(WTSEnumerateListenersA(NULL, NULL, 0, NULL, &n));
	assert_int_equal(n, 1);
	WTSLISTENERNAMEA names[4];
	DWORD small = 0;
	SetLastError(0);
	assert_false(WTSEnumerateListenersA(NULL, NULL, 0, names, &small));
	assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
	assert_int_equal(small, 1);
	n = 4;
	assert_true(WTSEnumerateListenersA(NULL, NULL, 0, names, &n));
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "RDP-Tcp");
	WTSLISTENERNAMEW wnames[2];
	n = 2;
	assert_true(WTSEnumerateListenersW(NULL, NULL, 0, wnames, &n));
	assert_int_equal(wnames[0][0], 'R');
	assert_int_equal(wnames[0][7], 0);

	WTSLISTENERCONFIGA cfg;
	assert_true(WTSQueryListenerConfigA(NULL, NULL, 0, "RDP-Tcp", &cfg));
	assert_int_equal(cfg.version, 1);
	assert_int_equal(cfg.PortNumber, port_rdp);
	assert_int_equal(cfg.fEnableListener, 1);
	assert_int_equal(cfg.SecurityLayer, 2);
	WCHAR wname[] = {'r', 'd', 'p', '-', 't', 'c', 'p', 0}; /* names ignore case */
	WTSLISTENERCONFIGW wcfg;
	assert_true(WTSQueryListenerConfigW(NULL, NULL, 0, wname, &wcfg));
	assert_int_equal(wcfg.PortNumber, port_rdp);
	assert_int_equal(listen_session("RDP-Tcp"), 65536);
	LPSTR station = NULL;
	DWORD bytes = 0;
	assert_true(WTSQuerySessionInformationA(NULL, 65536, WTSWinStationName, &station, &bytes));
	assert_string_equal(station, "RDP-Tcp");
	WTSFreeMemory(station);
}

static void test_create_update(void **state)
{
	(void)state;
	WTSLISTENERCONFIGW cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.version = 1;
	cfg.fEnableListener = 1;
	cfg.PortNumber = port_test;
	cfg.SecurityLayer = 2;
	cfg.UserAuthentication = 1;
	cfg.InitialProgram[0] = '/';
	WCHAR name[] = {'T', 'e', 's', 't', '-', 'T', 'c', 'p', 0};
	assert_true(WTSCreateListenerW(NULL, NULL, 0, name, &cfg, WTS_LISTENER_CREATE));
	assert_false(WTSCreateListenerW(NULL, NULL, 0, name, &cfg, WTS_LISTENER_CREATE));
	assert_int_equal(GetLastError(), ERROR_CTX_WINSTATION_ALREADY_EXISTS);
	assert_true(tcp_open(port_test));
	DWORD n = 0;
	assert_true(WTSEnumerateListenersA(NULL, NULL, 0, NULL, &n));
	assert_int_equal(n, 2);
	assert_int_equal(listen_session("Test-Tcp"), 65537);

	WTSLISTENERCONFIGA a;
	memset(&a, 0, sizeof(a));
	a.version = 1;
	a.fEnableListener = 1;
	a.PortNumber = port_test2;
	a.MaxConnectionCount = 5;
	snprintf(a.Comment, sizeof(a.Comment), "second");
	assert_true(WTSCreateListenerA(NULL, NULL, 0, "Test-Tcp", &a, WTS_LISTENER_UPDATE));
	WTSLISTENERCONFIGA back;
	assert_true(WTSQueryListenerConfigA(NULL, NULL, 0, "Test-Tcp", &back));
	assert_int_equal(back.PortNumber, port_test2);
	assert_int_equal(back.MaxConnectionCount, 5);
	assert_string_equal(back.Comment, "second");
	assert_true(tcp_open(port_test2));
	assert_false(tcp_open(port_test));

	/* Disabled: no socket; enabled again: listening. */
	a.fEnableListener = 0;
	assert_true(WTSCreateListenerA(NULL, NULL, 0, "Test-Tcp", &a, WTS_LISTENER_UPDATE));
	assert_true(WTSQueryListenerConfigA(NULL, NULL, 0, "Test-Tcp", &back));
	assert_int_equal(back.fEnableListener, 0);
	assert_false(tcp_open(port_test2));
	a.fEnableListener = 1;
	assert_true(WTSCreateListenerA(NULL, NULL, 0, "Test-Tcp", &a, WTS_LISTENER_UPDATE));
	assert_true(tcp_open(port_test2));
}

/* RDP-Tcp follows an update at once: port and limits. */
static void test_update_rdp_tcp(void **state)
{
	(void)state;
	WTSLISTENERCONFIGA cfg, back;
	assert_true(WTSQueryListenerConfigA(NULL, NULL, 0, "RDP-Tcp", &cfg));
	assert_int_equal(cfg.MaxConnectionCount, 0); /* no --max-connections: no limit */
	assert_int_equal(cfg.TimeoutSettingsIdle, 0);
	cfg.PortNumber = port_rdp2;
	cfg.MaxConnectionCount = 7;
	cfg.TimeoutSettingsIdle = 60000;
	cfg.TimeoutSettingsDisconnection = 120000;
	assert_true(WTSCreateListenerA(NULL, NULL, 0, "RDP-Tcp", &cfg, WTS_LISTENER_UPDATE));
	assert_true(WTSQueryListenerConfigA(NULL, NULL, 0, "RDP-Tcp", &back));
	assert_int_equal(back.PortNumber, port_rdp2);
	assert_int_equal(back.MaxConnectionCount, 7);
	assert_int_equal(back.TimeoutSettingsIdle, 60000);
	assert_int_equal(back.TimeoutSettingsDisconnection, 120000);
	assert_true(tcp_open(port_rdp2));
	assert_false(tcp_open(port_rdp));
	cfg.PortNumber = port_rdp;
	assert_true(WTSCreateListenerA(NULL, NULL, 0, "RDP-Tcp", &cfg, WTS_LISTENER_UPDATE));
	assert_true(tcp_open(port_rdp));
	assert_false(tcp_open(port_rdp2));
}

/* A self-relative SD with only a DACL: one allow ACE, Everyone (S-1-1-0), rights. */
static size_t everyone_sd(BYTE *sd, DWORD rights)
{
	static const BYTE everyone[12] = {1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0};
	memset(sd, 0, 20 + 8 + 8 + 12);
	sd[0] = 1;
	sd[2] = 0x04;
	sd[3] = 0x80; /* SE_DACL_PRESENT | SE_SELF_RELATIVE */
	sd[16] = 20;  /* DACL offset */
	BYTE *acl = sd + 20;
	acl[0] = 2;
	acl[2] = 8 + 8 + 12; /* AclSize */
	acl[4] = 1;          /* AceCount */
	BYTE *ace = acl + 8;
	ace[0] = 0; /* ACCESS_ALLOWED */
	ace[2] = 8 + 12;
	memcpy(ace + 4, &rights, 4);
	memcpy(ace + 8, everyone, 12);
	return 20 + 8 + 8 + 12;
}

static void test_security(void **state)
{
	(void)state;
	DWORD need = 0;
	SetLastError(0);
	assert_false(WTSGetListenerSecurityA(NULL, NULL, 0, "Test-Tcp",
	                                     OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
	                                     NULL, 0, &need));
	assert_int_equal(GetLastError(), ERROR_INSUFFICIENT_BUFFER);
	assert_true(need > 20);
	BYTE *buf = malloc(need);
	DWORD need2 = 0;
	assert_true(WTSGetListenerSecurityA(NULL, NULL, 0, "Test-Tcp",
	                                    OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
	                                    (PSECURITY_DESCRIPTOR)buf, need, &need2));
	assert_int_equal(need2, need);
	assert_int_equal(buf[0], 1);
	assert_true(buf[3] & 0x80); /* self-relative */
	free(buf);

	BYTE sd[64], got[64];
	size_t len = everyone_sd(sd, WTS_SECURITY_QUERY_INFORMATION);
	assert_true(WTSSetListenerSecurityA(NULL, NULL, 0, "Test-Tcp", DACL_SECURITY_INFORMATION,
	                                    (PSECURITY_DESCRIPTOR)sd));
	assert_true(WTSGetListenerSecurityA(NULL, NULL, 0, "Test-Tcp", DACL_SECURITY_INFORMATION,
	                                    (PSECURITY_DESCRIPTOR)got, sizeof(got), &need));
	assert_int_equal(need, len);
	assert_memory_equal(got, sd, len);
	/* The owner stayed (the set named the DACL only). */
	assert_false(WTSGetListenerSecurityA(NULL, NULL, 0, "Test-Tcp", OWNER_SECURITY_INFORMATION,
	                                     NULL, 0, &need));
	assert_true(need > 20);
}

static int nobody(void *ctx)
{
	(void)ctx;
	DWORD n = 0;
	if (!WTSEnumerateListenersA(NULL, NULL, 0, NULL, &n) || n != 2)
		return 1;
	WTSLISTENERCONFIGA cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.version = 1;
	if (WTSCreateListenerA(NULL, NULL, 0, "Evil-Tcp", &cfg, WTS_LISTENER_CREATE) ||
	    GetLastError() != ERROR_ACCESS_DENIED)
		return 2;
	BYTE sd[64];
	everyone_sd(sd, WTS_SECURITY_ALL_ACCESS);
	if (WTSSetListenerSecurityA(NULL, NULL, 0, "RDP-Tcp", DACL_SECURITY_INFORMATION,
	                            (PSECURITY_DESCRIPTOR)sd) ||
	    GetLastError() != ERROR_ACCESS_DENIED)
		return 3;
	return 0;
}

static void test_unprivileged(void **state)
{
	(void)state;
	assert_int_equal(api_as_nobody(nobody, NULL), 0);
}

static void test_restart(void **state)
{
	(void)state;
	stop_wtsd();
	start_wtsd(false);
	DWORD n = 0;
	assert_true(WTSEnumerateListenersA(NULL, NULL, 0, NULL, &n));
	assert_int_equal(n, 2);
	WTSLISTENERCONFIGA cfg;
	assert_true(WTSQueryListenerConfigA(NULL, NULL, 0, "RDP-Tcp", &cfg));
	assert_int_equal(cfg.PortNumber, port_rdp);
	/* Without --listen the stored RDP-Tcp stays as the update left it. */
	assert_int_equal(cfg.MaxConnectionCount, 7);
	assert_int_equal(cfg.TimeoutSettingsIdle, 60000);
	assert_true(WTSQueryListenerConfigA(NULL, NULL, 0, "Test-Tcp", &cfg));
	assert_int_equal(cfg.PortNumber, port_test2);
	assert_int_equal(listen_session("RDP-Tcp"), 65536);
	assert_int_equal(listen_session("Test-Tcp"), 65537);
	assert_true(tcp_open(port_rdp));
	assert_true(tcp_open(port_test2));
	BYTE sd[64], got[64];
	size_t len = everyone_sd(sd, WTS_SECURITY_QUERY_INFORMATION);
	DWORD need = 0;
	assert_true(WTSGetListenerSecurityA(NULL, NULL, 0, "Test-Tcp", DACL_SECURITY_INFORMATION,
	                                    (PSECURITY_DESCRIPTOR)got, sizeof(got), &need));
	assert_int_equal(need, len);
	assert_memory_equal(got, sd, len);
}

/* With --listen the command line defines RDP-Tcp again, limits included (0 = none). */
static void test_restart_listen(void **state)
{
	(void)state;
	stop_wtsd();
	start_wtsd_max(true, "3");
	WTSLISTENERCONFIGA cfg;
	assert_true(WTSQueryListenerConfigA(NULL, NULL, 0, "RDP-Tcp", &cfg));
	assert_int_equal(cfg.PortNumber, port_rdp);
	assert_int_equal(cfg.MaxConnectionCount, 3);
	assert_int_equal(cfg.TimeoutSettingsIdle, 0);
	assert_int_equal(cfg.TimeoutSettingsDisconnection, 0);
	assert_true(tcp_open(port_rdp));
	assert_true(tcp_open(port_test2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_enumerate_and_query),
	    cmocka_unit_test(test_create_update),
	    cmocka_unit_test(test_update_rdp_tcp),
	    cmocka_unit_test(test_security),
	    cmocka_unit_test(test_unprivileged),
	    cmocka_unit_test(test_restart),
	    cmocka_unit_test(test_restart_listen),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
