/*
 * e2e_channels_lifecycle.c — what becomes of open channels when the connection goes, end to end:
 * wtsd on 127.0.0.1:<free port>, the real xfreerdp with /echo and the test plug-in on /vc:
 * (channel OWTSECH), apps (tests/e2e/vc_app) in the RDP session:
 *   1. an app echoes on OWTSECH without pause; the client is killed in the middle of the
 *      transfer → the app's pending or next call fails within CUT_MS with ERROR_BROKEN_PIPE, the
 *      calls after it fail at once (reads may first return chunks the client sent before the
 *      cut, without waiting), WTSVirtualChannelClose succeeds; the session is Disconnected;
 *      a new client reconnects to it and the same app opens OWTSECH again and echoes on it;
 *   2. the same on the dynamic ECHO with WTSDisconnectSession instead of a killed client;
 *   3. an app killed while it holds OWTSECH releases it: a new app opens it and uses it;
 *   4. a privileged process outside the session (the app run as root with the session's id)
 *      holds OWTSECH in a read of up to 20 s; WTSLogoffSession → the read fails within CUT_MS,
 *      a write after it too.
 * Exit 0 pass, 1 fail, 77 skip.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "e2e_channels.h"

#define CUT_MS 2000ull /* "at once": a failure later than this after the cut is a hang */

/* The "cut" and "after" lines of app result, checked against the moment t0 of the cut. */
static void check_cut(const char *result, unsigned long long t0)
{
	char line[1024], op[16] = "";
	unsigned long err = 0;
	unsigned long long at = 0;
	bool got = vc_wait_line(result, "cut ", 20000, line, sizeof(line));
	CHECK(got, "%s: the transfer did not fail within 20 s of the cut", result);
	if (!got) {
		vc_show(result);
		return;
	}
	printf("%s: %s\n", result, line);
	CHECK(sscanf(line, "cut %15s %lu at %llu", op, &err, &at) == 3, "%s: \"%s\"", result, line);
	CHECK(strcmp(op, "read") == 0 || strcmp(op, "write") == 0, "%s: the %s failed", result, op);
	CHECK(err == ERROR_BROKEN_PIPE, "%s: %s failed with %lu, want ERROR_BROKEN_PIPE (109)",
	      result, op, err);
	CHECK(at >= t0, "%s: the transfer failed %llu ms before the cut", result, t0 - at);
	CHECK(at < t0 + CUT_MS, "%s: the transfer failed %llu ms after the cut (a hang)", result,
	      at - t0);
	const char *keys[] = {"after read ", "after write "};
	for (int i = 0; i < 2; i++) {
		int ok = 1;
		unsigned long e = 0, ms = 0;
		got = vc_wait_line(result, keys[i], 10000, line, sizeof(line));
		CHECK(got, "%s: no \"%s\" line", result, keys[i]);
		if (!got)
			continue;
		printf("%s: %s\n", result, line);
		CHECK(sscanf(line + strlen(keys[i]), "%d %lu %lu", &ok, &e, &ms) == 3 && !ok &&
		          e == ERROR_BROKEN_PIPE && ms < 1000,
		      "%s: \"%s\", want a failure with 109 at once", result, line);
		unsigned chunks = 0;
		if (i == 0 && sscanf(line + strlen(keys[i]), "%*d %*u %*u ms %u", &chunks) == 1 &&
		    chunks)
			printf("%s: %u chunks received before the cut were still read after it\n",
			       result, chunks);
	}
	got = vc_wait_line(result, "close ", 10000, line, sizeof(line));
	CHECK(got && strncmp(line, "close 1", 7) == 0, "%s: \"%s\", want close 1", result, line);
}

/* After the cut: the session is Disconnected; a new client reconnects to it and the app opens the
 * channel again. Returns the new client's pid. */
static pid_t reconnect(int port, DWORD id, const char *result, const char *const extra[])
{
	DWORD d = vc_session_wait("nobody", WTSDisconnected, 10000, 0);
	CHECK(d == id, "session %lu not Disconnected after the cut (found %lu)", (unsigned long)id,
	      (unsigned long)d);
	pid_t client = vc_client_start(port, E2E_USER, "client.trace", extra);
	DWORD a = vc_session_wait("nobody", WTSActive, 30000, client);
	CHECK(a == id, "the client did not reconnect to session %lu (Active: %lu)",
	      (unsigned long)id, (unsigned long)a);
	char line[1024];
	if (vc_wait_line(result, "reopen ", 30000, line, sizeof(line)))
		printf("%s: %s\n", result, line);
	vc_expect_pass(result, 30000);
	return client;
}

/* Step 3: an app killed while it holds OWTSECH (in a read) releases it: another app opens it
 * and uses it. */
static void crash_releases(DWORD id)
{
	char line[256], path[300];
	CHECK(vc_spawn(id, "crash", "cur hold svc:OWTSECH"), "wtsctl spawn failed");
	bool ready = vc_wait_line("crash", "ready", 15000, line, sizeof(line));
	CHECK(ready, "crash: the app did not open OWTSECH");
	snprintf(path, sizeof(path), "%s/out/crash.pid", e2e_dir);
	FILE *f = fopen(path, "r");
	long pid = 0;
	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	CHECK(pid > 1, "crash: no pid from wtsctl spawn");
	if (!ready || pid <= 1) {
		vc_show("crash");
		return;
	}
	e2e_sleep_ms(200);
	kill((pid_t)pid, SIGKILL);
	for (int i = 0; i < 50 && kill((pid_t)pid, 0) == 0; i++)
		e2e_sleep_ms(100);
	CHECK(vc_spawn(id, "after-crash", "cur static svc:OWTSECH 50 31"), "wtsctl spawn failed");
	if (vc_expect_pass("after-crash", 30000))
		printf("after-crash: a new app opened and used OWTSECH\n");
}

/* Step 4: the logoff under a held read. */
static void logoff_under_read(DWORD id)
{
	char sid[16], line[1024];
	snprintf(sid, sizeof(sid), "%lu", (unsigned long)id);
	const char *args[] = {sid, "hold", "svc:OWTSECH", NULL};
	pid_t app = vc_run_here("hold", args);
	bool ready = vc_wait_line("hold", "ready", 15000, line, sizeof(line));
	CHECK(ready, "root could not open OWTSECH of session %lu", (unsigned long)id);
	if (!ready) {
		vc_show("hold");
	} else {
		e2e_sleep_ms(300); /* the app is in its read */
		unsigned long long t0 = vc_now_ms();
		CHECK(WTSLogoffSession(NULL, id, FALSE), "WTSLogoffSession: %lu",
		      (unsigned long)GetLastError());
		int r = 1;
		unsigned long err = 0, ms = 0;
		unsigned long long at = 0;
		bool got = vc_wait_line("hold", "hold read ", 25000, line, sizeof(line));
		CHECK(got, "no end of the held read");
		if (got) {
			printf("hold: %s\n", line);
			CHECK(sscanf(line, "hold read %d %lu at %llu after %lu", &r, &err, &at,
			             &ms) == 4,
			      "\"%s\"", line);
			CHECK(!r, "the held read succeeded across the logoff");
			CHECK(at >= t0 && at < t0 + CUT_MS,
			      "the held read ended %lld ms after the logoff (want < %llu)",
			      (long long)(at - t0), CUT_MS);
			if (err != ERROR_BROKEN_PIPE)
				printf("note: the held read failed with %lu (ERROR_BROKEN_PIPE is "
				       "109)\n",
				       err);
		}
		vc_expect_pass("hold", 25000);
	}
	for (int i = 0; i < 100 && waitpid(app, NULL, WNOHANG) == 0; i++)
		e2e_sleep_ms(100);
	kill(app, SIGKILL);
	waitpid(app, NULL, 0);
}

int main(void)
{
	if (!vc_can_run(true))
		return 77;
	if (!vc_dir_make())
		return 1;
	char ech[64], vc[80];
	if (!vc_plugin_install("VCECHO_PLUGIN", "owtsech", ech, sizeof(ech))) {
		e2e_failures++;
		return vc_finish();
	}
	snprintf(vc, sizeof(vc), "/vc:%s", ech);
	int port = e2e_port_free();
	const char *users[] = {E2E_USER, NULL};
	char sam[300], line[1024];
	const char *args[] = {"--sam", sam, "--user-map", E2E_USER ":nobody", NULL};
	if (port <= 0 || !e2e_sam_write(users, sam, sizeof(sam)) || !e2e_wtsd_start(port, args))
		return e2e_wtsd_failed();
	const char *extra[] = {"/echo", vc, NULL};
	pid_t client;
	DWORD id = vc_connect(port, E2E_USER, "nobody", "client.trace", extra, &client);
	CHECK(id != 0, "no Active RDP session of nobody");
	if (id) {
		printf("session %lu Active\n", (unsigned long)id);
		/* 1. The client killed in the middle of a static transfer. */
		CHECK(vc_spawn(id, "cut-static", "cur cut svc:OWTSECH"), "wtsctl spawn failed");
		if (vc_wait_line("cut-static", "progress", 20000, line, sizeof(line))) {
			e2e_sleep_ms(100);
			unsigned long long t0 = vc_now_ms();
			e2e_client_kill(client);
			check_cut("cut-static", t0);
			client = reconnect(port, id, "cut-static", extra);
		} else {
			CHECK(false, "cut-static: no transfer under way");
			vc_show("cut-static");
		}
		/* 2. WTSDisconnectSession in the middle of a dynamic transfer. */
		CHECK(vc_spawn(id, "cut-dynamic", "cur cut dyn:ECHO"), "wtsctl spawn failed");
		if (vc_wait_line("cut-dynamic", "progress", 20000, line, sizeof(line))) {
			e2e_sleep_ms(100);
			unsigned long long t0 = vc_now_ms();
			CHECK(WTSDisconnectSession(NULL, id, FALSE), "WTSDisconnectSession: %lu",
			      (unsigned long)GetLastError());
			check_cut("cut-dynamic", t0);
			e2e_client_kill(client);
			client = reconnect(port, id, "cut-dynamic", extra);
		} else {
			CHECK(false, "cut-dynamic: no transfer under way");
			vc_show("cut-dynamic");
		}
		/* 3. An app that dies holding the channel releases it. */
		crash_releases(id);
		/* 4. Logoff under a held read. */
		logoff_under_read(id);
	}
	e2e_client_kill(client);
	return vc_finish();
}
