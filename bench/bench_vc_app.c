/*
 * bench_vc_app.c — the OpenWTS side of the channel benchmark: an app that uses libwtsapi32 only.
 * It runs privileged (root), so it names the session instead of being in it.
 *
 *	bench_vc_app [--session ID]
 *
 * Without --session it waits (up to 30 s) for the first Active "RDP-Tcp#" session of the wtsd on
 * OPENWTS_SOCKET. It opens the static channel BENCH_VC_STATIC with WTSVirtualChannelOpen and the
 * dynamic ECHO with WTSVirtualChannelOpenEx(…, WTS_CHANNEL_OPTION_DYNAMIC), retrying for a few
 * seconds (the client's plug-ins and drdynvc come up after the session is active), prints
 * "ready" and serves bench_vc's commands. Reads wait in WTSVirtualChannelRead itself (TimeOut),
 * the way a Windows app reads; dynamic-channel reads carry a CHANNEL_PDU_HEADER, as on Windows.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <windows.h>
#include <wtsapi32.h>

#include "bench_util.h"
#include "bench_vc.h"

#define READ_BUF (1024u * 1024u + 64u)

/* The first Active RDP-Tcp# session, 0 if none. */
static DWORD find_session(void)
{
	PWTS_SESSION_INFOA info = NULL;
	DWORD n = 0, id = 0;
	if (!WTSEnumerateSessionsA(WTS_CURRENT_SERVER_HANDLE, 0, 1, &info, &n))
		return 0;
	for (DWORD i = 0; i < n && !id; i++)
		if (info[i].State == WTSActive && info[i].pWinStationName &&
		    strncmp(info[i].pWinStationName, "RDP-Tcp#", 8) == 0)
			id = info[i].SessionId;
	WTSFreeMemory(info);
	return id;
}

/* Opens a channel, retrying for up to 15 s. */
static HANDLE open_retry(DWORD sid, const char *name, DWORD flags)
{
	HANDLE h = NULL;
	for (int i = 0; i < 150 && !h; i++) {
		h = flags ? WTSVirtualChannelOpenEx(sid, (LPSTR)name, flags)
		          : WTSVirtualChannelOpen(WTS_CURRENT_SERVER_HANDLE, sid, (LPSTR)name);
		if (!h)
			usleep(100 * 1000);
	}
	if (!h)
		fprintf(stderr, "bench_vc_app: channel \"%s\" of session %u: error %u\n", name,
		        (unsigned)sid, (unsigned)GetLastError());
	return h;
}

static bool vc_setup(struct bench_vc *vc, HANDLE h, bool header)
{
	memset(vc, 0, sizeof(*vc));
	vc->h = h;
	vc->header = header;
	vc->cap = READ_BUF;
	vc->buf = malloc(vc->cap);
	return vc->buf != NULL;
}

int main(int argc, char **argv)
{
	DWORD sid = 0;
	if (argc == 3 && strcmp(argv[1], "--session") == 0)
		sid = (DWORD)bench_parse_count("--session", argv[2], 1, 0xFFFFFFFEul);
	else if (argc != 1) {
		fprintf(stderr, "usage: bench_vc_app [--session ID]\n");
		return 2;
	}
	bench_vc_log_to_stderr();
	for (int i = 0; i < 300 && !sid; i++) {
		sid = find_session();
		if (!sid)
			usleep(100 * 1000);
	}
	struct bench_vc dvc, svc;
	HANDLE s = sid ? open_retry(sid, BENCH_VC_STATIC, 0) : NULL;
	HANDLE d = s ? open_retry(sid, "ECHO", WTS_CHANNEL_OPTION_DYNAMIC) : NULL;
	/* The bench plug-in does not ask for CHANNEL_OPTION_SHOW_PROTOCOL: static reads are data
	 * only; dynamic reads show the header, as on Windows. */
	if (!d || !vc_setup(&svc, s, false) || !vc_setup(&dvc, d, true)) {
		fprintf(stderr, "bench_vc_app: %s\n", sid ? "channels not opened" : "no active session");
		printf("error open\n");
		return 1;
	}
	fprintf(stderr, "bench_vc_app: session %u, channels open\n", (unsigned)sid);
	printf("ready\n");
	fflush(stdout);
	bench_vc_serve(&dvc, &svc);
	WTSVirtualChannelClose(d);
	WTSVirtualChannelClose(s);
	return 0;
}
