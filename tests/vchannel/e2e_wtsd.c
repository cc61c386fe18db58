/*
 * e2e_wtsd.c — end to end, both halves of a custom channel on OpenWTS: the Windows-style plug-in
 * e2e_plugin.c (channel OWTSE2E) runs inside the real xfreerdp (under xvfb-run) through the bridge
 * (/vc:<bridge name>,<path>/libowtse2e.so), connected to wtsd on 127.0.0.1:<free port> as a SAM
 * user; its counterpart is vc_server_app, spawned inside the RDP session (wtsctl spawn, as the
 * session's user), which uses only WTSVirtualChannel*. Loopback only.
 *
 *   1. Round 1: the app reads the plug-in's "HELLO c=1 d=0" and has ten messages of 1 B …
 *      200,000 B (1599/1600/1601, 65535/65536/65537) echoed byte-exact and in order: each one
 *      goes to the plug-in in chunks of at most 1600 bytes (the plug-in checks them) and comes
 *      back the same way (the app checks them).
 *   2. The test calls WTSDisconnectSession: wtsd ends the connection (the app's read fails with
 *      ERROR_BROKEN_PIPE) and xfreerdp, started with +auto-reconnect, comes back by itself. wtsd
 *      gives the user's disconnected session to the new connection ("reconnect of" in its log),
 *      so it is the same session, the same xfreerdp process and the same plug-in instance: its
 *      HELLO on the new connection must say c=k+1 d=k (DISCONNECTED then CONNECTED reached it).
 *   3. Round k+1: the app opens OWTSE2E again and the exchange of step 1 runs again.
 * Steps 2 and 3 run twice (ROUNDS 3).
 * A killed and restarted xfreerdp would load a new plug-in instance (c=1 d=0 again), which is why
 * the reconnect is the client's own.
 *
 * The verdict comes from the app's result file and the plug-in's HELLO counts in it; the test
 * also checks that the client is still the first process, that the session came back Active and
 * that wtsd logged the reconnects.
 * Skips (77) when not root, or without xfreerdp, xvfb-run or winpr-hash.
 *
 * Environment (tests/vchannel/CMakeLists.txt): WTSD, WTSCTL, VC_APP (vc_server_app), VC_PLUGIN,
 * VC_BRIDGE, and VC_PRELOAD (the ASan runtime, for xfreerdp) in a sanitized build.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e_channels.h"

#define ROUNDS 3 /* two disconnects */

/* Starts the client with the ASan runtime preloaded when the build is sanitized (the bridge is
 * instrumented, xfreerdp is not). */
static DWORD connect_client(int port, const char *const extra[], pid_t *client)
{
	const char *preload = getenv("VC_PRELOAD");
	if (preload && *preload) {
		setenv("LD_PRELOAD", preload, 1);
		setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
	}
	DWORD id = vc_connect(port, E2E_USER, "nobody", "client.trace", extra, client);
	if (preload && *preload) {
		unsetenv("LD_PRELOAD");
		unsetenv("ASAN_OPTIONS");
	}
	return id;
}

/* Checks the app's "hello k" line: the plug-in's counts on connection k. */
static void check_hello(int k)
{
	char key[16], line[1024], want[32];
	snprintf(key, sizeof(key), "hello %d ", k);
	snprintf(want, sizeof(want), "HELLO c=%d d=%d s=", k, k - 1);
	bool got = vc_wait_line("app", key, 1000, line, sizeof(line));
	CHECK(got && strstr(line, want) != NULL,
	      "the plug-in's HELLO on connection %d: \"%s\", want \"%s…\"", k,
	      got ? line + strlen(key) : "none", want);
	if (got)
		printf("connection %d: %s\n", k, line + strlen(key));
}

/* Waits for the app's round k; prints its line. Returns whether it finished. */
static bool round_done(int k, long ms)
{
	char key[32], line[1024];
	snprintf(key, sizeof(key), "round %d ok", k);
	bool ok = vc_wait_line("app", key, ms, line, sizeof(line));
	check_hello(k);
	CHECK(ok, "round %d did not finish within %ld ms", k, ms);
	if (ok)
		printf("app: %s\n", line);
	return ok;
}

/* Step 2 after round k: the disconnect from the server's side, the client's own reconnect to the
 * same session. Returns whether the session is back. */
static bool disconnect_reconnect(DWORD id, pid_t client, int k)
{
	char key[32], line[1024];
	snprintf(key, sizeof(key), "cut-ready %d", k);
	if (!vc_wait_line("app", key, 10000, line, sizeof(line))) {
		CHECK(false, "the app is not waiting for the disconnect after round %d", k);
		return false;
	}
	CHECK(WTSDisconnectSession(WTS_CURRENT_SERVER_HANDLE, id, FALSE),
	      "WTSDisconnectSession(%lu): %lu", (unsigned long)id, (unsigned long)GetLastError());
	snprintf(key, sizeof(key), "cut %d ", k);
	bool cut = vc_wait_line("app", key, 10000, line, sizeof(line));
	CHECK(cut, "the app's channel did not end within 10 s of WTSDisconnectSession");
	if (cut)
		printf("app: %s\n", line);
	DWORD back = vc_session_wait("nobody", WTSActive, 20000, client);
	CHECK(back == id, "session %lu did not come back Active (Active: %lu)", (unsigned long)id,
	      (unsigned long)back);
	CHECK(waitpid(client, NULL, WNOHANG) == 0,
	      "xfreerdp exited instead of reconnecting (+auto-reconnect)");
	if (back != id)
		return false;
	printf("session %lu Active again, same xfreerdp (pid %d)\n", (unsigned long)id,
	       (int)client);
	return true;
}

int main(void)
{
	if (!vc_can_run(false))
		return 77;
	const char *plugin = getenv("VC_PLUGIN");
	if (!plugin || !getenv("VC_BRIDGE")) {
		fprintf(stderr, "SKIP: VC_PLUGIN or VC_BRIDGE is not set (run through ctest)\n");
		return 77;
	}
	if (!vc_dir_make())
		return 1;
	char bridge[64], vc[400];
	if (!vc_plugin_install("VC_BRIDGE", "owtsw", bridge, sizeof(bridge))) {
		e2e_failures++;
		return vc_finish();
	}
	snprintf(vc, sizeof(vc), "/vc:%s,%s", bridge, plugin);
	int port = e2e_port_free();
	const char *users[] = {E2E_USER, NULL};
	char sam[300];
	const char *args[] = {"--sam", sam, "--user-map", E2E_USER ":nobody", NULL};
	if (port <= 0 || !e2e_sam_write(users, sam, sizeof(sam)) || !e2e_wtsd_start(port, args))
		return e2e_wtsd_failed();
	/* -clipboard: fewer channels and no clipboard traffic; the reconnect is the client's. */
	const char *extra[] = {vc, "-clipboard", "+auto-reconnect",
	                       "/auto-reconnect-max-retries:10", NULL};
	pid_t client;
	bool ok = false; /* every round done */
	DWORD id = connect_client(port, extra, &client);
	CHECK(id != 0, "no Active RDP session of nobody");
	if (id) {
		printf("session %lu Active, xfreerdp pid %d\n", (unsigned long)id, (int)client);
		char rounds[8];
		snprintf(rounds, sizeof(rounds), "%d", ROUNDS);
		CHECK(vc_spawn(id, "app", rounds), "wtsctl spawn failed");
		ok = true;
		for (int k = 1; ok && k <= ROUNDS; k++) {
			ok = round_done(k, 20000);
			if (ok && k < ROUNDS)
				ok = disconnect_reconnect(id, client, k);
		}
		vc_expect_pass("app", ok ? 10000 : 100);
	}
	e2e_client_kill(client);
	/* wtsd's log reaches its file when wtsd ends (stdout to a file is block-buffered). */
	e2e_wtsd_stop();
	if (ok)
		CHECK(e2e_run("[ $(grep -c 'session %lu: reconnect of' '%s/wtsd.log') -eq %d ]",
		              (unsigned long)id, e2e_dir, ROUNDS - 1) == 0,
		      "wtsd's log does not show %d reconnects of session %lu", ROUNDS - 1,
		      (unsigned long)id);
	return vc_finish();
}
