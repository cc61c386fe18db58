/*
 * bench_vc_server.c — the baseline of the channel benchmark: a plain FreeRDP 2.11 server
 * (libfreerdp-server2, TLS, no NLA, no desktop) whose "app" is a thread of the same process using
 * FreeRDP's in-process WTS functions on the connection's channel manager, which is how a server
 * app talks to its client plug-in in any FreeRDP server.
 *
 *	bench_vc_server --port PORT --cert FILE --key FILE
 *
 * It listens on 127.0.0.1:PORT and serves one connection: the main thread runs the listener and
 * the peer (client->CheckFileDescriptor and WTSVirtualChannelManagerCheckFileDescriptor, waiting
 * on their handles as wtsd's peer threads do). Once the client is active the app thread opens
 * the static channel BENCH_VC_STATIC (WTSVirtualChannelOpen) and, when drdynvc is ready, the
 * dynamic ECHO (WTSVirtualChannelOpenEx), waits for the client's answer, prints "ready" and
 * serves bench_vc's commands. FreeRDP's Read never waits: the app waits on the channel's event
 * (WTSVirtualChannelQuery(WTSVirtualEventHandle)) before reading. The process exits when stdin
 * ends, the command "quit" comes or the connection ends.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <freerdp/channels/channels.h>
#include <freerdp/channels/wtsvc.h>
#include <freerdp/freerdp.h>
#include <freerdp/listener.h>
#include <freerdp/peer.h>
#include <winpr/ssl.h>
#include <winpr/synch.h>
#include <winpr/wtsapi.h>

#include "bench_util.h"
#include "bench_vc.h"

#define READ_BUF (1024u * 1024u + 64u)

static const char *cert_file, *key_file;
static freerdp_peer *peer;     /* the one connection (main thread) */
static HANDLE vcm;             /* its channel manager */
static atomic_bool activated;  /* the client is active: channels may open */
static atomic_bool peer_ended; /* the connection ended (main thread) */

static BOOL on_post_connect(freerdp_peer *client)
{
	return TRUE;
}

static BOOL on_activate(freerdp_peer *client)
{
	atomic_store(&activated, true);
	return TRUE;
}

static BOOL on_accepted(freerdp_listener *listener, freerdp_peer *client)
{
	if (peer)
		return FALSE; /* one connection */
	if (!freerdp_peer_context_new(client))
		return FALSE;
	rdpSettings *st = client->settings;
	if (!freerdp_settings_set_string(st, FreeRDP_CertificateFile, cert_file) ||
	    !freerdp_settings_set_string(st, FreeRDP_PrivateKeyFile, key_file))
		return FALSE;
	st->RdpSecurity = FALSE;
	st->TlsSecurity = TRUE;
	st->NlaSecurity = FALSE;
	st->ColorDepth = 32;
	client->PostConnect = on_post_connect;
	client->Activate = on_activate;
	vcm = WTSOpenServerA((LPSTR)client->context);
	if (!vcm || vcm == INVALID_HANDLE_VALUE)
		return FALSE;
	if (!client->Initialize(client))
		return FALSE;
	peer = client;
	return TRUE;
}

static int wait_event(HANDLE event, uint32_t ms)
{
	return WaitForSingleObject(event, ms) == WAIT_OBJECT_0 ? 0 : -1;
}

/* Fills vc for channel h: the event to wait on and a read buffer. */
static bool vc_setup(struct bench_vc *vc, HANDLE h)
{
	PVOID buf = NULL;
	DWORD len = 0;
	memset(vc, 0, sizeof(*vc));
	vc->h = h;
	if (!WTSVirtualChannelQuery(h, WTSVirtualEventHandle, &buf, &len) || !buf ||
	    len < sizeof(HANDLE))
		return false;
	memcpy(&vc->event, buf, sizeof(HANDLE));
	WTSFreeMemory(buf);
	vc->wait = wait_event;
	vc->cap = READ_BUF;
	vc->buf = malloc(vc->cap);
	return vc->buf != NULL;
}

/* Waits up to ms for cond(); polls every millisecond. */
static bool wait_for(bool (*cond)(void), unsigned ms)
{
	for (unsigned i = 0; i < ms && !atomic_load(&peer_ended); i++) {
		if (cond())
			return true;
		usleep(1000);
	}
	return cond();
}

static bool is_active(void)
{
	return atomic_load(&activated);
}

static bool drdynvc_ready(void)
{
	return WTSVirtualChannelManagerGetDrdynvcState(vcm) == DRDYNVC_STATE_READY;
}

static HANDLE dvc_pending;

static bool dvc_open(void)
{
	PVOID buf = NULL;
	DWORD n = 0;
	BOOL ok = WTSVirtualChannelQuery(dvc_pending, WTSVirtualChannelReady, &buf, &n);
	bool ready = ok && buf && n >= sizeof(BOOL) && *(BOOL *)buf;
	free(buf); /* FreeRDP allocates it with malloc */
	return ready;
}

/* Opens the channels (static first: it needs nothing but an active client). */
static bool open_channels(struct bench_vc *dvc, struct bench_vc *svc)
{
	if (!wait_for(is_active, 30000)) {
		fprintf(stderr, "bench_vc_server: the client never became active\n");
		return false;
	}
	HANDLE s = WTSVirtualChannelOpen(vcm, WTS_CURRENT_SESSION, BENCH_VC_STATIC);
	if (!s || !vc_setup(svc, s)) {
		fprintf(stderr, "bench_vc_server: static channel %s: not joined by the client?\n",
		        BENCH_VC_STATIC);
		return false;
	}
	if (!wait_for(drdynvc_ready, 30000)) {
		fprintf(stderr, "bench_vc_server: drdynvc never became ready\n");
		return false;
	}
	LPSTR buf = NULL;
	DWORD n = 0;
	if (!WTSQuerySessionInformationA(vcm, WTS_CURRENT_SESSION, WTSSessionId, &buf, &n) ||
	    !buf || n < sizeof(ULONG))
		return false;
	ULONG sid;
	memcpy(&sid, buf, sizeof(sid));
	WTSFreeMemory(buf);
	dvc_pending = WTSVirtualChannelOpenEx(sid, "ECHO", WTS_CHANNEL_OPTION_DYNAMIC);
	if (!dvc_pending || !wait_for(dvc_open, 10000) || !vc_setup(dvc, dvc_pending)) {
		fprintf(stderr, "bench_vc_server: dynamic ECHO not opened (xfreerdp without /echo?)\n");
		return false;
	}
	return true;
}

static void *app_main(void *arg)
{
	struct bench_vc dvc, svc;
	memset(&dvc, 0, sizeof(dvc));
	memset(&svc, 0, sizeof(svc));
	if (open_channels(&dvc, &svc)) {
		printf("ready\n");
		fflush(stdout);
		bench_vc_serve(&dvc, &svc);
	} else {
		printf("error open\n");
		fflush(stdout);
	}
	/* The measurements are over: end the process (the connection goes with it). */
	fflush(NULL);
	_exit(0);
	return arg;
}

/* Serves the listener and then the connection until it ends. */
static int serve(freerdp_listener *listener)
{
	for (;;) {
		HANDLE h[MAXIMUM_WAIT_OBJECTS];
		DWORD n = listener->GetEventHandles(listener, h, 32);
		if (n == 0)
			return 1;
		if (peer) {
			DWORD k = peer->GetEventHandles(peer, h + n, MAXIMUM_WAIT_OBJECTS - n - 1);
			if (k == 0)
				break;
			n += k;
			h[n++] = WTSVirtualChannelManagerGetEventHandle(vcm);
		}
		if (WaitForMultipleObjects(n, h, FALSE, 1000) == WAIT_FAILED)
			return 1;
		if (!listener->CheckFileDescriptor(listener))
			return 1;
		if (peer && (!peer->CheckFileDescriptor(peer) ||
		             !WTSVirtualChannelManagerCheckFileDescriptor(vcm)))
			break;
	}
	atomic_store(&peer_ended, true);
	fprintf(stderr, "bench_vc_server: the connection ended\n");
	return 1;
}

int main(int argc, char **argv)
{
	unsigned long port = 0;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--port") == 0)
			port = bench_parse_count("--port", argv[i + 1], 1, 65535);
		else if (strcmp(argv[i], "--cert") == 0)
			cert_file = argv[i + 1];
		else if (strcmp(argv[i], "--key") == 0)
			key_file = argv[i + 1];
	}
	if (!port || !cert_file || !key_file) {
		fprintf(stderr, "usage: bench_vc_server --port PORT --cert FILE --key FILE\n");
		return 2;
	}
	bench_vc_log_to_stderr();
	winpr_InitializeSSL(WINPR_SSL_INIT_DEFAULT);
	WTSRegisterWtsApiFunctionTable(FreeRDP_InitWtsApi());
	freerdp_listener *listener = freerdp_listener_new();
	if (!listener)
		return 1;
	listener->PeerAccepted = on_accepted;
	if (!listener->Open(listener, "127.0.0.1", (UINT16)port)) {
		fprintf(stderr, "bench_vc_server: cannot listen on 127.0.0.1:%lu\n", port);
		return 1;
	}
	pthread_t app;
	if (pthread_create(&app, NULL, app_main, NULL) != 0)
		return 1;
	fprintf(stderr, "bench_vc_server: listening on 127.0.0.1:%lu\n", port);
	return serve(listener);
}
