/*
 * e2e_connect.c — WTSConnectSession end to end (tscon): wtsd on 127.0.0.1:<free port>, a SAM user
 * mapped to "nobody", the real xfreerdp under xvfb-run:
 *   1. the client connects → session A, Active; wtsctl creates session B for nobody (no client:
 *      Disconnected);
 *   2. WTSConnectSession(B, A) as root → TRUE: B is Active on A's station with A's client data
 *      (name, display), A is Disconnected with no station, the client stayed connected, and the
 *      notifications say WTS_REMOTE_DISCONNECT for A, WTS_REMOTE_CONNECT for B;
 *   3. the client goes → B (not A) becomes Disconnected;
 *   4. WTSConnectSession(A, B) now → ERROR_INVALID_PARAMETER (B has no client to give).
 * Exit 0 pass, 1 fail, 77 skip.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <windows.h>
#include <wtsapi32.h>
#include <openwts/events.h>

#include "e2e_common.h"

/* Creates a session for nobody with wtsctl; returns its id, 0 on failure. */
static DWORD create_session(void)
{
	char out[300];
	snprintf(out, sizeof(out), "%s/created.txt", e2e_dir);
	if (e2e_run("%s create-session 65534 > %s", getenv("WTSCTL"), out) != 0)
		return 0;
	FILE *f = fopen(out, "r");
	unsigned long id = 0;
	if (!f || fscanf(f, "%lu", &id) != 1)
		id = 0;
	if (f)
		fclose(f);
	return (DWORD)id;
}

static void check_display(DWORD id, const char *station)
{
	LPSTR buf = NULL;
	DWORD len = 0;
	CHECK(WTSQuerySessionInformationA(NULL, id, WTSClientName, &buf, &len) && buf &&
	          strcmp(buf, "e2ehost") == 0,
	      "session %lu client name \"%s\"", (unsigned long)id, buf ? buf : "?");
	WTSFreeMemory(buf);
	buf = NULL;
	CHECK(WTSQuerySessionInformationA(NULL, id, WTSWinStationName, &buf, &len) && buf &&
	          strcmp(buf, station) == 0,
	      "session %lu station \"%s\", want \"%s\"", (unsigned long)id, buf ? buf : "?", station);
	WTSFreeMemory(buf);
	buf = NULL;
	CHECK(WTSQuerySessionInformationA(NULL, id, WTSClientDisplay, &buf, &len) && buf &&
	          ((PWTS_CLIENT_DISPLAY)buf)->HorizontalResolution == 800,
	      "session %lu has not the client's display", (unsigned long)id);
	WTSFreeMemory(buf);
}

int main(void)
{
	if (!getenv("WTSD") || !getenv("WTSCTL") || !e2e_tool_have("xfreerdp") ||
	    !e2e_tool_have("xvfb-run") || !e2e_tool_have("winpr-hash")) {
		fprintf(stderr, "SKIP: needs WTSD, WTSCTL, xfreerdp, xvfb-run and winpr-hash\n");
		return 77;
	}
	if (!e2e_dir_make())
		return 1;
	const char *users[] = {E2E_USER, NULL};
	char sam[300];
	int port = e2e_port_free();
	const char *args[] = {"--sam", sam, "--user-map", E2E_USER ":nobody", NULL};
	if (port <= 0 || !e2e_sam_write(users, sam, sizeof(sam)) || !e2e_wtsd_start(port, args))
		return e2e_wtsd_failed();
	struct e2e_found f;
	pid_t client;
	bool up = e2e_client_connect(port, &f, &client);
	CHECK(up, "no Active RDP-Tcp# session");
	DWORD a = f.id, b = up ? create_session() : 0;
	CHECK(!up || b != 0, "wtsctl create-session failed");
	if (up && b) {
		char station[64];
		snprintf(station, sizeof(station), "%s", f.station);
		int ev = OpenWTSEventOpen(WTS_CURRENT_SERVER_HANDLE, NOTIFY_FOR_ALL_SESSIONS);
		CHECK(ev >= 0, "OpenWTSEventOpen: %lu", (unsigned long)GetLastError());
		/* 2. B takes A's client. */
		CHECK(WTSConnectSessionA(b, a, "", TRUE), "WTSConnectSessionA(%lu, %lu): %lu",
		      (unsigned long)b, (unsigned long)a, (unsigned long)GetLastError());
		CHECK(e2e_session_wait_state(b, WTSActive, 10000, &f, 0), "session %lu not Active",
		      (unsigned long)b);
		CHECK(e2e_session_look(a, &f) && f.state == WTSDisconnected && !f.station[0],
		      "session %lu: state %d station \"%s\", want Disconnected, no station",
		      (unsigned long)a, (int)f.state, f.station);
		check_display(b, station);
		e2e_sleep_ms(500);
		CHECK(waitpid(client, NULL, WNOHANG) == 0, "the client went away");
		int seen_a = 0, seen_b = 0;
		struct pollfd p = {.fd = ev, .events = POLLIN};
		while (ev >= 0 && poll(&p, 1, 1000) == 1) {
			DWORD code, session;
			if (!OpenWTSEventRead(ev, &code, &session))
				break;
			seen_a |= session == a && code == WTS_REMOTE_DISCONNECT;
			seen_b |= session == b && code == WTS_REMOTE_CONNECT;
		}
		CHECK(seen_a && seen_b, "notifications: A disconnect %d, B connect %d", seen_a, seen_b);
		if (ev >= 0)
			OpenWTSEventClose(ev);
		printf("session %lu took %s from session %lu\n", (unsigned long)b, station,
		       (unsigned long)a);
		/* 3. The client goes: B is the session it leaves. */
		e2e_client_kill(client);
		client = -1;
		CHECK(e2e_session_wait_state(b, WTSDisconnected, 10000, &f, 0),
		      "session %lu not Disconnected after the client left", (unsigned long)b);
		/* 4. B has no client now. */
		SetLastError(0);
		CHECK(!WTSConnectSessionA(a, b, "", TRUE) && GetLastError() == ERROR_INVALID_PARAMETER,
		      "WTSConnectSessionA(%lu, %lu) without a client: last error %lu", (unsigned long)a,
		      (unsigned long)b, (unsigned long)GetLastError());
	}
	if (client > 0)
		e2e_client_kill(client);
	e2e_cleanup();
	printf("%s\n", e2e_failures ? "FAILED" : "PASSED");
	return e2e_failures ? 1 : 0;
}
