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
 *      started before the first logon returned WTS_EVENT_LOGON;
 *   6. restart wtsd on the same state → the session is back, WTSDisconnected, with its client
 *      data (name, address, the last display) from the store;
 *   7. WTSLogoffSession on the restarted wtsd → the session is gone and a notification
 *      descriptor opened after the restart saw WTS_SESSION_LOGOFF for it.
 * Step 1 also runs the qwinsta tool (QWINSTA) while the client is connected: its line for the
 * session shows the station, "nobody", the id and Active.
 * Clients are killed by their process group (we started them with setsid); loopback only.
 * Exit 0 pass, 1 fail, 77 skip (xfreerdp, xvfb-run or winpr-hash missing).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <windows.h>
#include <wtsapi32.h>
#include <openwts/events.h>

#include "e2e_common.h"

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

/* qwinsta (the tool, public API only) lists the live RDP session: station, user, id, Active. */
static void check_qwinsta(DWORD id, const char *station)
{
	const char *qwinsta = getenv("QWINSTA");
	if (!qwinsta)
		return;
	char out[300], cmd[900], line[256], want_id[16];
	snprintf(out, sizeof(out), "%s/qwinsta.txt", e2e_dir);
	snprintf(cmd, sizeof(cmd), "%s > %s 2>&1", qwinsta, out);
	CHECK(e2e_run("%s", cmd) == 0, "qwinsta failed");
	snprintf(want_id, sizeof(want_id), " %lu ", (unsigned long)id);
	char lower[64];
	size_t i = 0;
	for (; station[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)((station[i] >= 'A' && station[i] <= 'Z') ? station[i] + 32 : station[i]);
	lower[i] = 0;
	bool seen = false;
	FILE *fp = fopen(out, "r");
	while (fp && fgets(line, sizeof(line), fp))
		seen |= strstr(line, lower) && strstr(line, "nobody") && strstr(line, want_id) &&
		        strstr(line, "Active");
	if (fp)
		fclose(fp);
	CHECK(seen, "qwinsta shows no line \"%s nobody %lu Active\"", lower, (unsigned long)id);
	if (seen)
		printf("qwinsta lists %s nobody %lu Active\n", lower, (unsigned long)id);
}

/* Writes the SAM file and starts wtsd. Returns false if wtsd did not come up. */
static bool start_wtsd(int port)
{
	const char *users[] = {E2E_USER, NULL};
	char sam[300];
	if (!e2e_sam_write(users, sam, sizeof(sam)))
		return false;
	const char *args[] = {"--sam", sam, "--user-map", E2E_USER ":nobody", NULL};
	return e2e_wtsd_start(port, args);
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
	if (!getenv("WTSD") || !e2e_tool_have("xfreerdp") || !e2e_tool_have("xvfb-run") ||
	    !e2e_tool_have("winpr-hash")) {
		fprintf(stderr, "SKIP: needs WTSD, xfreerdp (freerdp2-x11), xvfb-run (xvfb, xauth)"
		                " and winpr-hash (winpr-utils)\n");
		return 77;
	}
	if (!e2e_dir_make())
		return 1;
	int port = e2e_port_free();
	if (port <= 0 || !start_wtsd(port))
		return e2e_wtsd_failed();
	struct e2e_found f;
	int events = OpenWTSEventOpen(WTS_CURRENT_SERVER_HANDLE, NOTIFY_FOR_ALL_SESSIONS);
	CHECK(events >= 0, "OpenWTSEventOpen: error %u", GetLastError());
	pthread_t waiter;
	CHECK(pthread_create(&waiter, NULL, wait_logon, NULL) == 0, "pthread_create");
	e2e_sleep_ms(200); /* the wait is in place before the client connects */
	/* 1. Logon: an Active RDP session with the client's data. */
	pid_t client;
	bool up = e2e_client_connect(port, &f, &client);
	CHECK(up, "no Active RDP-Tcp# session");
	DWORD id = f.id;
	if (up) {
		printf("session %lu %s Active\n", (unsigned long)id, f.station);
		check_client_info(id, 800, 600);
		check_qwinsta(id, f.station);
	}
	/* 2. The client drops: the session stays, Disconnected. */
	e2e_client_kill(client);
	if (up) {
		CHECK(e2e_session_wait_state(id, WTSDisconnected, 10000, &f, 0),
		      "session %lu not Disconnected", (unsigned long)id);
		printf("session %lu Disconnected\n", (unsigned long)id);
	}
	/* 3. A wrong password: no new session, nothing Active. */
	struct e2e_found before;
	e2e_session_look(0, &before);
	client = e2e_client_start(port, E2E_USER, "wrong-password", "/size:800x600", NULL);
	for (int t = 0; t < 150 && waitpid(client, NULL, WNOHANG) == 0; t++)
		e2e_sleep_ms(100);
	e2e_client_kill(client);
	e2e_session_look(id, &f);
	CHECK(f.count == before.count && f.active == 0,
	      "wrong password: %d sessions (%d before),"
	      " %d active",
	      f.count, before.count, f.active);
	printf("wrong password: %d sessions, none active\n", f.count);
	/* 4. The same user again: the same session back, Active, with the new display. */
	if (up) {
		client =
		    e2e_client_start(port, E2E_USER, E2E_PASSWORD, "/size:1024x768", "/sec:tls");
		CHECK(e2e_session_wait_state(id, WTSActive, 30000, &f, client),
		      "session %lu not reconnected", (unsigned long)id);
		printf("session %lu reconnected on %s\n", (unsigned long)id, f.station);
		check_client_info(id, 1024, 768);
		e2e_client_kill(client);
		CHECK(e2e_session_wait_state(id, WTSDisconnected, 10000, &f, 0),
		      "session %lu not Disconnected", (unsigned long)id);
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
	/* 6. A restarted wtsd has the session, Disconnected, with the client data it had. */
	if (up) {
		CHECK(e2e_wtsd_stop(), "wtsd did not exit cleanly");
		port = e2e_port_free();
		CHECK(port > 0 && start_wtsd(port), "wtsd did not start again");
		CHECK(e2e_session_look(id, &f) && f.state == WTSDisconnected,
		      "session %lu not back Disconnected after the restart", (unsigned long)id);
		check_client_info(id, 1024, 768);
		printf("session %lu back after a restart with its client data\n",
		       (unsigned long)id);
		/* 7. Logoff: the session goes, and the notifications say so. */
		int ev = OpenWTSEventOpen(WTS_CURRENT_SERVER_HANDLE, NOTIFY_FOR_ALL_SESSIONS);
		CHECK(ev >= 0, "OpenWTSEventOpen after the restart: error %u", GetLastError());
		CHECK(WTSLogoffSession(WTS_CURRENT_SERVER_HANDLE, id, TRUE),
		      "WTSLogoffSession: error %u", GetLastError());
		CHECK(!e2e_session_look(id, &f), "session %lu still listed after logoff",
		      (unsigned long)id);
		if (ev >= 0) {
			DWORD got[4];
			int n = read_codes(ev, id, got, 4);
			CHECK(n >= 1 && got[n - 1] == WTS_SESSION_LOGOFF,
			      "after logoff: %d notifications, last %u (want WTS_SESSION_LOGOFF)",
			      n, n ? got[n - 1] : 0);
			printf("session %lu logged off: notification %u\n", (unsigned long)id,
			       n ? got[n - 1] : 0);
			OpenWTSEventClose(ev);
		}
	}
	e2e_cleanup();
	printf("%s\n", e2e_failures ? "FAILED" : "PASSED");
	return e2e_failures ? 1 : 0;
}
