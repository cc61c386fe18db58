/*
 * e2e_channels_dynamic.c — the dynamic channel ECHO end to end: wtsd on 127.0.0.1:<free port>,
 * the real xfreerdp with /echo (FreeRDP's echo plug-in sends back every message it gets), and
 * tests/e2e/vc_app spawned inside the RDP session as its user ("nobody"):
 *   1. WTSVirtualChannelOpenEx(WTS_CURRENT_SESSION, "ECHO", WTS_CHANNEL_OPTION_DYNAMIC); messages
 *      of 1, 2, 1599, 1600, 1601, 4096, 65535, 65536, 65537 bytes and 1 MiB come back byte-exact
 *      and in order, each read one chunk of at most 1600 data bytes behind a CHANNEL_PDU_HEADER
 *      whose length and FIRST / LAST flags match the message;
 *   2. a dynamic channel the client has no listener for cannot be opened (the open fails, at once
 *      or when the client's create response refuses it: no hang);
 *   3. a static channel the client did not join cannot be opened.
 * Exit 0 pass, 1 fail, 77 skip.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>

#include "e2e_channels.h"

int main(void)
{
	if (!vc_can_run(false))
		return 77;
	if (!vc_dir_make())
		return 1;
	int port = e2e_port_free();
	const char *users[] = {E2E_USER, NULL};
	char sam[300];
	const char *args[] = {"--sam", sam, "--user-map", E2E_USER ":nobody", NULL};
	if (port <= 0 || !e2e_sam_write(users, sam, sizeof(sam)) || !e2e_wtsd_start(port, args))
		return e2e_wtsd_failed();
	const char *extra[] = {"/echo", NULL};
	pid_t client;
	DWORD id = vc_connect(port, E2E_USER, "nobody", "client.trace", extra, &client);
	CHECK(id != 0, "no Active RDP session of nobody");
	if (id) {
		printf("session %lu Active\n", (unsigned long)id);
		/* 1. The echo, 1 B to 1 MiB. */
		CHECK(vc_spawn(id, "dyn", "cur dyn dyn:ECHO"), "wtsctl spawn failed");
		if (vc_expect_pass("dyn", 60000))
			vc_show("dyn");
		/* 2. A dynamic channel the client lacks. */
		CHECK(vc_spawn(id, "nodvc", "cur openfail dyn:OWTSNoSuchListener"),
		      "wtsctl spawn failed");
		if (vc_expect_pass("nodvc", 30000))
			vc_show("nodvc");
		/* 3. A static channel the client did not join. */
		CHECK(vc_spawn(id, "nosvc", "cur openfail svc:OWTSNO"), "wtsctl spawn failed");
		if (vc_expect_pass("nosvc", 30000))
			vc_show("nosvc");
	}
	e2e_client_kill(client);
	return vc_finish();
}
