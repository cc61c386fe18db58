/*
 * e2e_channels_static.c — static virtual channels end to end: wtsd on 127.0.0.1:<free port>, the
 * real xfreerdp loading the test plug-in (tests/e2e/plugins/vcecho_plugin.c, written against
 * <cchannel.h> only) twice with /vc:, as channel OWTSECH and as OWTSECP (registered with
 * CHANNEL_OPTION_SHOW_PROTOCOL), and two apps (tests/e2e/vc_app) spawned inside the RDP session,
 * one on each channel at the same time:
 *   1. xfreerdp loads the plug-in (VirtualChannelEntry, VirtualChannelInit = CHANNEL_RC_OK) and
 *      the channel is joined (VirtualChannelOpen after CONNECTED = CHANNEL_RC_OK): its trace says
 * so;
 *   2. the OWTSECH plug-in sends 9 messages (1 B to 100,000 B) as soon as its channel is open,
 *      before any app has opened it: the connection stays, and the app reads them first (wtsd
 *      held them);
 *   3. WTSVirtualChannelOpen(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, name); VC_COUNT
 *      (default 1,000) messages app → plug-in → app of sizes across the 1600-byte chunk and the
 *      64 KiB boundaries (vcecho_proto.h), then VC_COUNT messages plug-in → app; byte-exact, in
 *      order, every read one chunk of at most 1600 data bytes (with a CHANNEL_PDU_HEADER whose
 *      length and FIRST / LAST flags match on OWTSECP, without one on OWTSECH). The OWTSECP app
 *      waits for data with poll() on its WTSVirtualFileHandle and reads with TimeOut 0;
 *   4. an app reads nothing for 3 s while the plug-in sends VC_COUNT messages (33 MB): wtsd's
 *      memory grows by less than 16 MiB (flow control holds the client back), then every message
 *      arrives intact.
 * Exit 0 pass, 1 fail, 77 skip.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "e2e_channels.h"

/* What wtsd may grow by while an app reads nothing and the client has 33 MB for it. */
#define SLOW_GROWTH_KIB (16 * 1024)

/* The plug-in's trace has a line with this text within 10 s (the client opens its channels
 * after the connection is up, which can be after the session is Active). */
static bool trace_has(const char *text)
{
	for (int i = 0; i < 100; i++) {
		if (e2e_run("grep -qF '%s' %s/client.trace", text, e2e_dir) == 0)
			return true;
		e2e_sleep_ms(100);
	}
	return false;
}

/* wtsd's resident memory in KiB, -1 if unknown. */
static long wtsd_rss_kib(void)
{
	char path[64], line[256];
	long v = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)e2e_wtsd_pid());
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			v = strtol(line + 6, NULL, 10);
	fclose(f);
	return v;
}

/* Step 4: an app that does not read while the plug-in sends 1,000 messages (33 MB): wtsd's memory
 * stays bounded (it holds the client back), and afterwards every message arrives intact. */
static void slow_app(DWORD id)
{
	char line[256];
	const char *count = getenv("VC_COUNT") ? getenv("VC_COUNT") : "1000";
	char a[128];
	snprintf(a, sizeof(a), "cur slow svc:OWTSECH %s 41 3000", count);
	long before = wtsd_rss_kib(), peak = before;
	CHECK(vc_spawn(id, "slow", a), "wtsctl spawn failed");
	bool waiting = vc_wait_line("slow", "waiting", 15000, line, sizeof(line));
	CHECK(waiting, "slow: the app did not start");
	while (waiting && !vc_wait_line("slow", "reading", 100, line, sizeof(line))) {
		long v = wtsd_rss_kib();
		if (v > peak)
			peak = v;
	}
	printf("slow app: wtsd RSS %ld KiB before, at most %ld KiB while the app did not read\n",
	       before, peak);
	CHECK(before > 0 && peak - before < SLOW_GROWTH_KIB,
	      "wtsd grew by %ld KiB while an app did not read (limit %d KiB)", peak - before,
	      SLOW_GROWTH_KIB);
	if (vc_expect_pass("slow", 60000))
		vc_show("slow");
}

int main(void)
{
	if (!vc_can_run(true))
		return 77;
	if (!vc_dir_make())
		return 1;
	char ech[64], ecp[64], vc1[80], vc2[80];
	if (!vc_plugin_install("VCECHO_PLUGIN", "owtsech", ech, sizeof(ech)) ||
	    !vc_plugin_install("VCECHOP_PLUGIN", "owtsecp", ecp, sizeof(ecp))) {
		e2e_failures++;
		return vc_finish();
	}
	snprintf(vc1, sizeof(vc1), "/vc:%s", ech);
	snprintf(vc2, sizeof(vc2), "/vc:%s", ecp);
	int port = e2e_port_free();
	const char *users[] = {E2E_USER, NULL};
	char sam[300];
	const char *args[] = {"--sam", sam, "--user-map", E2E_USER ":nobody", NULL};
	if (port <= 0 || !e2e_sam_write(users, sam, sizeof(sam)) || !e2e_wtsd_start(port, args))
		return e2e_wtsd_failed();
	const char *extra[] = {vc1, vc2, NULL};
	/* OWTSECH's plug-in sends 9 messages (one of each size) before the app opens the channel.
	 */
	setenv("VCECHO_GREET_OWTSECH", "9", 1);
	pid_t client;
	DWORD id = vc_connect(port, E2E_USER, "nobody", "client.trace", extra, &client);
	CHECK(id != 0, "no Active RDP session of nobody");
	if (id) {
		printf("session %lu Active\n", (unsigned long)id);
		/* 1. The plug-in is loaded and its channels joined. */
		CHECK(trace_has("OWTSECH VirtualChannelEntry: VirtualChannelInit = 0"),
		      "xfreerdp did not load the OWTSECH plug-in");
		CHECK(trace_has("OWTSECP VirtualChannelEntry: VirtualChannelInit = 0"),
		      "xfreerdp did not load the OWTSECP plug-in");
		CHECK(trace_has("OWTSECH connected; VirtualChannelOpen = 0"),
		      "OWTSECH not opened on the client");
		CHECK(trace_has("OWTSECP connected; VirtualChannelOpen = 0"),
		      "OWTSECP not opened on the client");
		/* 2. The greetings went out before any app opened OWTSECH. */
		CHECK(trace_has("OWTSECH sent 9 greetings"), "OWTSECH's plug-in sent no greetings");
		e2e_sleep_ms(500);
		/* 3. Both channels at once, each with its app. */
		const char *count = getenv("VC_COUNT") ? getenv("VC_COUNT") : "1000";
		char a1[128], a2[128];
		snprintf(a1, sizeof(a1), "cur static svc:OWTSECH %s 11 greet=9", count);
		snprintf(a2, sizeof(a2), "cur static svcp:OWTSECP %s 21 poll", count);
		unsigned long long t0 = vc_now_ms();
		CHECK(vc_spawn(id, "svc", a1), "wtsctl spawn failed");
		CHECK(vc_spawn(id, "svcp", a2), "wtsctl spawn failed");
		bool p1 = vc_expect_pass("svc", 120000);
		bool p2 = vc_expect_pass("svcp", 120000);
		printf("both apps done in %llu ms\n", vc_now_ms() - t0);
		struct e2e_found f;
		CHECK(e2e_session_look(id, &f) && f.state == WTSActive,
		      "session %lu no longer Active after the transfers", (unsigned long)id);
		CHECK(waitpid(client, NULL, WNOHANG) == 0, "xfreerdp exited during the transfers");
		if (p1)
			vc_show("svc");
		if (p2)
			vc_show("svcp");
		slow_app(id);
	}
	e2e_client_kill(client);
	return vc_finish();
}
