/*
 * e2e_channels_isolation.c — two sessions' channels kept apart end to end: wtsd on
 * 127.0.0.1:<free port> with two SAM users mapped to two Linux users (e2eone → nobody, e2etwo →
 * daemon), two real xfreerdp clients, each with /echo and the test plug-in on /vc: (channel
 * OWTSECH), and one app (tests/e2e/vc_app) spawned inside each session:
 *   1. both apps use OWTSECH of their own session (WTS_CURRENT_SESSION) at the same time, each with
 *      its own seed: every message each app reads is byte-exact its own (echoes and the plug-in's
 *      messages), so neither saw the other's data;
 *   2. each app then opens the other session's OWTSECH and ECHO: ERROR_ACCESS_DENIED;
 *   3. once RDP-Tcp's security denies nobody WTS_SECURITY_VIRTUAL_CHANNELS, an app of nobody's
 *      session cannot open its own session's channel (ERROR_ACCESS_DENIED), while daemon's can.
 * Exit 0 pass, 1 fail, 77 skip.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e_channels.h"

/* 3.: the listener's WTS_SECURITY_VIRTUAL_CHANNELS right is enforced for the session's own apps. */
static void listener_denies(DWORD id1, DWORD id2)
{
	BYTE sd[E2E_SD_SIZE];
	e2e_sd_deny(sd, 65534 /* nobody */, WTS_SECURITY_VIRTUAL_CHANNELS, WTS_SECURITY_ALL_ACCESS);
	CHECK(WTSSetListenerSecurityA(NULL, NULL, 0, "RDP-Tcp", DACL_SECURITY_INFORMATION,
	                              (PSECURITY_DESCRIPTOR)sd),
	      "WTSSetListenerSecurityA: %lu", (unsigned long)GetLastError());
	char line[256];
	CHECK(vc_spawn(id1, "deny1", "cur openfail svc:OWTSECH"), "wtsctl spawn failed");
	CHECK(vc_wait_line("deny1", "openfail ", 30000, line, sizeof(line)) &&
	          strncmp(line, "openfail failed 5 ", 18) == 0,
	      "nobody's app with VIRTUAL_CHANNELS denied: \"%s\", want ERROR_ACCESS_DENIED", line);
	CHECK(vc_spawn(id2, "allow2", "cur dyn dyn:ECHO 1 1601"), "wtsctl spawn failed");
	if (vc_expect_pass("allow2", 30000))
		vc_show("allow2");
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
	const char *users[] = {"e2eone", "e2etwo", NULL};
	char sam[300];
	const char *args[] = {"--sam",         sam, "--user-map", "e2eone:nobody", "--user-map",
	                      "e2etwo:daemon", NULL};
	if (port <= 0 || !e2e_sam_write(users, sam, sizeof(sam)) || !e2e_wtsd_start(port, args))
		return e2e_wtsd_failed();
	const char *extra[] = {"/echo", vc, NULL};
	pid_t c1, c2 = -1;
	DWORD id1 = vc_connect(port, "e2eone", "nobody", "one.trace", extra, &c1);
	CHECK(id1 != 0, "no Active RDP session of nobody");
	DWORD id2 = id1 ? vc_connect(port, "e2etwo", "daemon", "two.trace", extra, &c2) : 0;
	CHECK(!id1 || id2 != 0, "no Active RDP session of daemon");
	if (id1 && id2) {
		printf("sessions %lu (nobody) and %lu (daemon) Active\n", (unsigned long)id1,
		       (unsigned long)id2);
		const char *count = getenv("VC_ISO_COUNT") ? getenv("VC_ISO_COUNT") : "300";
		char a1[128], a2[128];
		snprintf(a1, sizeof(a1), "cur iso svc:OWTSECH %s 101 %lu", count,
		         (unsigned long)id2);
		snprintf(a2, sizeof(a2), "cur iso svc:OWTSECH %s 202 %lu", count,
		         (unsigned long)id1);
		CHECK(vc_spawn(id1, "iso1", a1), "wtsctl spawn failed");
		CHECK(vc_spawn(id2, "iso2", a2), "wtsctl spawn failed");
		if (vc_expect_pass("iso1", 90000))
			vc_show("iso1");
		if (vc_expect_pass("iso2", 90000))
			vc_show("iso2");
		/* Each app ran in its own session (ProcessIdToSessionId). */
		char line[256], want[64];
		snprintf(want, sizeof(want), "session %lu", (unsigned long)id1);
		CHECK(vc_wait_line("iso1", "session ", 1000, line, sizeof(line)) &&
		          strcmp(line, want) == 0,
		      "iso1 ran in \"%s\", want %s", line, want);
		snprintf(want, sizeof(want), "session %lu", (unsigned long)id2);
		CHECK(vc_wait_line("iso2", "session ", 1000, line, sizeof(line)) &&
		          strcmp(line, want) == 0,
		      "iso2 ran in \"%s\", want %s", line, want);
		listener_denies(id1, id2);
	}
	e2e_client_kill(c1);
	if (c2 > 0)
		e2e_client_kill(c2);
	return vc_finish();
}
