/*
 * e2e_listener_limits.c — each listener's own limits, and WTSCreateListener(UPDATE) applied at
 * once, end to end: wtsd with RDP-Tcp on 127.0.0.1:<free port> and no limits, a SAM file of
 * "e2eone" (Linux "nobody") and "e2etwo" (Linux "daemon"), and a second listener "Limited-Tcp"
 * made with WTSCreateListenerA on 127.0.0.1:<free port> with MaxConnectionCount 1. The real
 * xfreerdp under xvfb-run then:
 *   1. e2eone through Limited-Tcp → an Active "Limited-Tcp#N" session;
 *   2. e2etwo through Limited-Tcp → refused (its one connection is taken): no session of
 *      daemon, wtsd logs "Limited-Tcp#M from … refused: max_connections (1) reached";
 *   3. e2etwo through RDP-Tcp → Active "RDP-Tcp#K" (RDP-Tcp has no limit);
 *   4. an UPDATE of Limited-Tcp sets TimeoutSettingsIdle and TimeoutSettingsDisconnection to
 *      IDLE_MS / DISC_MS (WTSQueryListenerConfig shows them): its idle session is Disconnected
 *      within seconds, while the RDP-Tcp session, idle longer than IDLE_MS, stays Active;
 *   5. an UPDATE of RDP-Tcp's PortNumber: WTSQueryListenerConfig shows the new port, the old one
 *      refuses TCP, the RDP-Tcp connection made before stays Active;
 *   6. Limited-Tcp's disconnected session is logged off after DISC_MS; the RDP-Tcp session, its
 *      client killed, stays Disconnected longer than DISC_MS;
 *   7. e2etwo through the new port → the same session back, Active, without a wtsd restart;
 *   8. an UPDATE of Limited-Tcp: TimeoutSettingsConnection CONN_MS and BrokenTimeoutSettings 1
 *      (end the session when a limit is reached or the connection breaks): e2eone's new session
 *      through it is logged off once connected CONN_MS;
 *   9. the same without the connection limit: e2eone's next session ends (logged off, not
 *      Disconnected) when its client is killed.
 * Exit 0 pass, 1 fail, 77 skip (xfreerdp, xvfb-run or winpr-hash missing). Loopback only.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <windows.h>
#include <wtsapi32.h>

#include "e2e_common.h"

#define IDLE_MS 3000
#define DISC_MS 3000
#define CONN_MS 3000

/* A client of user (E2E_PASSWORD, 800×600) on port. */
static pid_t start_client(int port, const char *user)
{
	return e2e_client_start(port, user, E2E_PASSWORD, "/size:800x600", NULL);
}

/* The state of session id, or -1 when it does not exist. */
static int state_of(DWORD id)
{
	PWTS_SESSION_INFOA info = NULL;
	DWORD n = 0;
	int st = -1;
	if (!WTSEnumerateSessionsA(NULL, 0, 1, &info, &n))
		return -1;
	for (DWORD i = 0; i < n; i++)
		if (info[i].SessionId == id)
			st = (int)info[i].State;
	WTSFreeMemory(info);
	return st;
}

/* Waits up to ms for session id to be in state (-1: gone). */
static bool wait_state(DWORD id, int state, long ms)
{
	for (long t = 0; t < ms; t += 100) {
		if (state_of(id) == state)
			return true;
		e2e_sleep_ms(100);
	}
	return false;
}

/* Connects user through port until an Active session of linux_user on a station starting with
 * prefix appears (two tries, 30 s each). Writes the client's pid. Returns the session, 0. */
static DWORD connect_as(int port, const char *user, const char *prefix, const char *linux_user,
                        pid_t *client)
{
	DWORD id = 0;
	for (int attempt = 0; attempt < 2 && !id; attempt++) {
		if (attempt)
			e2e_client_kill(*client);
		*client = start_client(port, user);
		for (int t = 0; t < 300 && !id; t++) {
			id = e2e_session_find(prefix, linux_user, WTSActive);
			if (!id && waitpid(*client, NULL, WNOHANG) == *client)
				break;
			if (!id)
				e2e_sleep_ms(100);
		}
	}
	return id;
}

static bool tcp_open(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool start_wtsd(int port)
{
	const char *users[] = {"e2eone", "e2etwo", NULL};
	char sam[300];
	if (!e2e_sam_write(users, sam, sizeof(sam)))
		return false;
	const char *args[] = {"--sam",
	                      sam,
	                      "--user-map",
	                      "e2eone:nobody",
	                      "--user-map",
	                      "e2etwo:daemon",
	                      "--logoff-grace-ms",
	                      "0",
	                      NULL};
	return e2e_wtsd_start(port, args);
}

/* 1–3: Limited-Tcp takes one connection, RDP-Tcp takes more. Returns false if step 1 failed. */
static bool connections(int port, int limited, DWORD *lid, DWORD *rid, pid_t *c1, pid_t *c3)
{
	*lid = connect_as(limited, "e2eone", "Limited-Tcp#", "nobody", c1);
	CHECK(*lid != 0, "1. no Active Limited-Tcp# session of nobody");
	if (!*lid)
		return false;
	printf("1. e2eone: session %lu on Limited-Tcp, Active\n", (unsigned long)*lid);
	pid_t c2 = start_client(limited, "e2etwo");
	bool exited = false;
	for (int t = 0; t < 200 && !exited; t++) {
		exited = waitpid(c2, NULL, WNOHANG) == c2;
		if (!exited)
			e2e_sleep_ms(100);
	}
	e2e_client_kill(c2);
	CHECK(exited && e2e_session_of_user("daemon") == 0,
	      "2. Limited-Tcp took a second client (%s)",
	      exited ? "a session of daemon exists" : "still running");
	CHECK(e2e_run("grep -q 'Limited-Tcp#[0-9]* from .* refused: max_connections (1) reached'"
	              " %s/wtsd.log",
	              e2e_dir) == 0,
	      "2. wtsd did not log the refusal");
	printf("2. e2etwo refused by Limited-Tcp (MaxConnectionCount 1)\n");
	*rid = connect_as(port, "e2etwo", "RDP-Tcp#", "daemon", c3);
	CHECK(*rid != 0, "3. no Active RDP-Tcp# session of daemon");
	CHECK(state_of(*lid) == WTSActive, "3. the Limited-Tcp session is not Active");
	if (*rid)
		printf("3. e2etwo: session %lu on RDP-Tcp, Active\n", (unsigned long)*rid);
	return *rid != 0;
}

/* 4: Limited-Tcp's new idle timeout disconnects its session only. */
static void idle(DWORD lid, DWORD rid)
{
	WTSLISTENERCONFIGA cfg;
	CHECK(WTSQueryListenerConfigA(NULL, NULL, 0, "Limited-Tcp", &cfg), "query: %u",
	      GetLastError());
	cfg.TimeoutSettingsIdle = IDLE_MS;
	cfg.TimeoutSettingsDisconnection = DISC_MS;
	CHECK(WTSCreateListenerA(NULL, NULL, 0, "Limited-Tcp", &cfg, WTS_LISTENER_UPDATE),
	      "4. update: %u", GetLastError());
	WTSLISTENERCONFIGA back;
	CHECK(WTSQueryListenerConfigA(NULL, NULL, 0, "Limited-Tcp", &back) &&
	          back.TimeoutSettingsIdle == IDLE_MS &&
	          back.TimeoutSettingsDisconnection == DISC_MS && back.MaxConnectionCount == 1,
	      "4. WTSQueryListenerConfigA: idle %lu, disconnect %lu, max %lu",
	      (unsigned long)back.TimeoutSettingsIdle,
	      (unsigned long)back.TimeoutSettingsDisconnection,
	      (unsigned long)back.MaxConnectionCount);
	CHECK(wait_state(lid, WTSDisconnected, IDLE_MS + 8000),
	      "4. the idle Limited-Tcp session %lu is not Disconnected", (unsigned long)lid);
	/* The RDP-Tcp session has been idle since its logon: longer than IDLE_MS by now. */
	e2e_sleep_ms(IDLE_MS + 1500);
	CHECK(state_of(rid) == WTSActive, "4. the RDP-Tcp session %lu is not Active (%d)",
	      (unsigned long)rid, state_of(rid));
	printf("4. Limited-Tcp idle timeout %d ms: its session Disconnected, RDP-Tcp's Active\n",
	       IDLE_MS);
}

/* 8–9: BrokenTimeoutSettings 1 ends the session at the connection limit and when the connection
 * breaks. */
static void broken(int limited)
{
	WTSLISTENERCONFIGA cfg;
	CHECK(WTSQueryListenerConfigA(NULL, NULL, 0, "Limited-Tcp", &cfg), "query: %u",
	      GetLastError());
	cfg.TimeoutSettingsIdle = 0;
	cfg.TimeoutSettingsDisconnection = 0;
	cfg.TimeoutSettingsConnection = CONN_MS;
	cfg.BrokenTimeoutSettings = 1;
	CHECK(WTSCreateListenerA(NULL, NULL, 0, "Limited-Tcp", &cfg, WTS_LISTENER_UPDATE),
	      "8. update: %u", GetLastError());
	pid_t c = 0;
	DWORD id = connect_as(limited, "e2eone", "Limited-Tcp#", "nobody", &c);
	CHECK(id != 0, "8. no Active Limited-Tcp session");
	if (id) {
		CHECK(wait_state(id, -1, CONN_MS + 8000),
		      "8. session %lu not logged off at the connection limit", (unsigned long)id);
		printf(
		    "8. connection limit %d ms with BrokenTimeoutSettings 1: session %lu ended\n",
		    CONN_MS, (unsigned long)id);
	}
	e2e_client_kill(c);
	cfg.TimeoutSettingsConnection = 0;
	CHECK(WTSCreateListenerA(NULL, NULL, 0, "Limited-Tcp", &cfg, WTS_LISTENER_UPDATE),
	      "9. update: %u", GetLastError());
	id = connect_as(limited, "e2eone", "Limited-Tcp#", "nobody", &c);
	CHECK(id != 0, "9. no Active Limited-Tcp session");
	if (id) {
		e2e_client_kill(c);
		CHECK(wait_state(id, -1, 10000),
		      "9. session %lu not ended when its client broke off", (unsigned long)id);
		printf("9. BrokenTimeoutSettings 1: session %lu ended when its client broke off\n",
		       (unsigned long)id);
	} else {
		e2e_client_kill(c);
	}
}

/* 5: RDP-Tcp moves to another port at once; its connection stays. */
static void move_port(int port, int moved, DWORD rid)
{
	WTSLISTENERCONFIGA cfg;
	CHECK(WTSQueryListenerConfigA(NULL, NULL, 0, "RDP-Tcp", &cfg) &&
	          cfg.PortNumber == (ULONG)port,
	      "5. RDP-Tcp's port %lu, want %d", (unsigned long)cfg.PortNumber, port);
	cfg.PortNumber = (ULONG)moved;
	CHECK(WTSCreateListenerA(NULL, NULL, 0, "RDP-Tcp", &cfg, WTS_LISTENER_UPDATE),
	      "5. update of RDP-Tcp: %u", GetLastError());
	WTSLISTENERCONFIGA back;
	CHECK(WTSQueryListenerConfigA(NULL, NULL, 0, "RDP-Tcp", &back) &&
	          back.PortNumber == (ULONG)moved && back.fEnableListener == 1,
	      "5. RDP-Tcp's port %lu after the update, want %d", (unsigned long)back.PortNumber,
	      moved);
	CHECK(tcp_open(moved), "5. nothing listens on the new port %d", moved);
	CHECK(!tcp_open(port), "5. the old port %d still listens", port);
	CHECK(state_of(rid) == WTSActive, "5. the RDP-Tcp connection did not stay");
	printf("5. RDP-Tcp moved from port %d to %d, its connection stays\n", port, moved);
}

int main(void)
{
	if (!getenv("WTSD") || !e2e_tool_have("xfreerdp") || !e2e_tool_have("xvfb-run") ||
	    !e2e_tool_have("winpr-hash")) {
		fprintf(stderr, "SKIP: needs WTSD, xfreerdp (freerdp2-x11), xvfb-run (xvfb, xauth)"
		                " and winpr-hash (winpr-utils)\n");
		return 77;
	}
	if (!getpwnam("daemon") || !getpwnam("nobody")) {
		fprintf(stderr, "SKIP: needs the accounts daemon and nobody\n");
		return 77;
	}
	if (!e2e_dir_make())
		return 1;
	int port = e2e_port_free(), limited = e2e_port_free(), moved = e2e_port_free();
	if (port <= 0 || limited <= 0 || moved <= 0 || !start_wtsd(port))
		return e2e_wtsd_failed();
	WTSLISTENERCONFIGA cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.version = 1;
	cfg.fEnableListener = 1;
	cfg.PortNumber = (ULONG)limited;
	cfg.MaxConnectionCount = 1;
	cfg.SecurityLayer = 2;
	cfg.UserAuthentication = 1;
	CHECK(WTSCreateListenerA(NULL, NULL, 0, "Limited-Tcp", &cfg, WTS_LISTENER_CREATE),
	      "WTSCreateListenerA: %u", GetLastError());
	DWORD lid = 0, rid = 0;
	pid_t c1 = 0, c3 = 0;
	if (connections(port, limited, &lid, &rid, &c1, &c3)) {
		idle(lid, rid);
		move_port(port, moved, rid);
		/* 6. Limited-Tcp's disconnect timeout; RDP-Tcp has none. */
		e2e_client_kill(c3);
		CHECK(wait_state(rid, WTSDisconnected, 10000),
		      "6. RDP-Tcp session not Disconnected");
		CHECK(wait_state(lid, -1, DISC_MS + 8000),
		      "6. the disconnected Limited-Tcp session %lu was not logged off",
		      (unsigned long)lid);
		e2e_sleep_ms(DISC_MS + 1500);
		CHECK(state_of(rid) == WTSDisconnected,
		      "6. the RDP-Tcp session %lu is not Disconnected (%d)", (unsigned long)rid,
		      state_of(rid));
		printf("6. Limited-Tcp disconnect timeout %d ms: its session logged off, RDP-Tcp's"
		       " stays Disconnected\n",
		       DISC_MS);
		/* 7. The new port takes clients: e2etwo gets its session back. */
		DWORD again = connect_as(moved, "e2etwo", "RDP-Tcp#", "daemon", &c3);
		CHECK(again == rid, "7. through port %d: session %lu, want %lu back", moved,
		      (unsigned long)again, (unsigned long)rid);
		if (again == rid)
			printf("7. e2etwo reconnected to session %lu through port %d\n",
			       (unsigned long)rid, moved);
		e2e_client_kill(c1);
		c1 = 0;
		broken(limited);
	}
	if (c1 > 0)
		e2e_client_kill(c1);
	if (c3 > 0)
		e2e_client_kill(c3);
	e2e_cleanup();
	printf("%s\n", e2e_failures ? "FAIL" : "PASS");
	return e2e_failures ? 1 : 0;
}
