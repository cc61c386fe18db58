/*
 * vc_test_server.c — a small FreeRDP 2.11 server (libfreerdp-server2, TLS, no NLA, no desktop)
 * whose app talks to the client plug-in e2e_plugin.c on the static channel OWTSE2E with FreeRDP's
 * in-process WTSVirtualChannel* functions, called through FreeRDP's own function table (this
 * program never loads libwtsapi32). It stands in for a wtsd session app until server-side
 * channels land (issue 4).
 *
 *	vc_test_server --port P --cert FILE --key FILE e2e ROUNDS
 *	vc_test_server --port P --cert FILE --key FILE bench REPS BYTES MSGSIZE
 *
 * It listens on 127.0.0.1:P and serves one connection at a time in one thread. It opens the
 * channel as soon as the client is active (a FreeRDP server drops a client that sends on a static
 * channel the server has not opened).
 *   e2e:   on connection k (1..ROUNDS) it expects "HELLO c=k d=k-1", sends messages of sizes
 *          around the 1600-byte and 64 KiB boundaries (all first, so order matters), expects each
 *          echoed byte-exact and in order, then drops the connection (the client reconnects:
 *          xfreerdp +auto-reconnect); after round ROUNDS it prints PASS and exits 0.
 *   bench: REPS times sends BYTES in messages of MSGSIZE ('B'...), then "END", and prints
 *          "rep=<i> bytes=<n> seconds=<s>" when the plug-in's "COUNT <n>" arrives.
 * Any failure prints "FAIL <why>" and exits 1; 120 s without finishing also fails.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <freerdp/channels/channels.h>
#include <freerdp/channels/wtsvc.h>
#include <freerdp/freerdp.h>
#include <freerdp/listener.h>
#include <freerdp/peer.h>
#include <winpr/ssl.h>
#include <winpr/synch.h>
#include <winpr/wtsapi.h>

#define CHANNEL "OWTSE2E"

static const WtsApiFunctionTable *wts; /* FreeRDP's in-process functions */
static const char *cert_file, *key_file;
static freerdp_peer *peer;
static HANDLE vcm, chan;
static bool activated;
static int conn; /* connections so far */

static const size_t sizes[] = {1, 2, 1599, 1600, 1601, 3200, 65535, 65536, 65537, 200000};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fail(const char *why)
{
	printf("FAIL %s\n", why);
	fflush(stdout);
	exit(1);
}

static BOOL on_post_connect(freerdp_peer *client)
{
	(void)client;
	return TRUE;
}

static BOOL on_activate(freerdp_peer *client)
{
	(void)client;
	activated = true;
	return TRUE;
}

static BOOL on_accepted(freerdp_listener *listener, freerdp_peer *client)
{
	(void)listener;
	if (peer || !freerdp_peer_context_new(client))
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
	vcm = wts->pOpenServerA((LPSTR)client->context);
	if (!vcm || vcm == INVALID_HANDLE_VALUE || !client->Initialize(client))
		return FALSE;
	peer = client;
	activated = false;
	chan = NULL;
	conn++;
	return TRUE;
}

static void peer_end(void)
{
	if (chan)
		wts->pVirtualChannelClose(chan);
	chan = NULL;
	peer->Disconnect(peer);
	wts->pCloseServer(vcm);
	freerdp_peer_context_free(peer);
	freerdp_peer_free(peer);
	peer = NULL;
	vcm = NULL;
}

/* Runs the listener and the connection once (up to ms); false when the connection ended. */
static bool pump(freerdp_listener *listener, DWORD ms)
{
	HANDLE h[MAXIMUM_WAIT_OBJECTS];
	DWORD n = listener->GetEventHandles(listener, h, 32);
	if (peer) {
		n += peer->GetEventHandles(peer, h + n, MAXIMUM_WAIT_OBJECTS - n - 1);
		h[n++] = WTSVirtualChannelManagerGetEventHandle(vcm);
	}
	WaitForMultipleObjects(n, h, FALSE, ms);
	if (!listener->CheckFileDescriptor(listener))
		fail("listener");
	if (peer && (!peer->CheckFileDescriptor(peer) ||
	             !WTSVirtualChannelManagerCheckFileDescriptor(vcm))) {
		peer_end();
		return false;
	}
	if (peer && activated && !chan) {
		chan = wts->pVirtualChannelOpen(vcm, WTS_CURRENT_SESSION, CHANNEL);
		if (!chan)
			fail("the client did not join " CHANNEL);
	}
	return true;
}

/* Waits for the next whole message of the plug-in; returns its length (buf: malloc'd). */
static size_t receive(freerdp_listener *listener, uint8_t **buf, double deadline)
{
	for (;;) {
		ULONG n = 0;
		if (chan && wts->pVirtualChannelRead(chan, 0, NULL, 0, &n) && n > 0) {
			*buf = malloc(n);
			ULONG got = 0;
			if (!*buf || !wts->pVirtualChannelRead(chan, 0, (PCHAR)*buf, n, &got) ||
			    got != n)
				fail("read");
			if (got >= 4 && memcmp(*buf, "ERR ", 4) == 0) {
				printf("plug-in says: %.*s\n", (int)got, (char *)*buf);
				fail("the plug-in saw a chunk Windows would not give");
			}
			return got;
		}
		if (now() > deadline)
			fail("timeout waiting for the plug-in");
		if (!pump(listener, 20) && !peer)
			fail("connection lost while waiting");
	}
}

static void send_msg(const uint8_t *p, size_t n)
{
	ULONG written = 0;
	if (!wts->pVirtualChannelWrite(chan, (PCHAR)p, (ULONG)n, &written) || written != n)
		fail("write");
}

static uint8_t *pattern(size_t n, unsigned seed, char kind)
{
	uint8_t *p = malloc(n);
	if (!p)
		fail("memory");
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 167u + seed + (i >> 10));
	p[0] = (uint8_t)kind;
	return p;
}

/* Waits for a connection with an open channel and its HELLO; checks the counts. */
static void hello(freerdp_listener *listener, int k, double deadline)
{
	while (!chan) {
		if (now() > deadline)
			fail("no connection");
		pump(listener, 50);
	}
	uint8_t *m;
	size_t n = receive(listener, &m, deadline);
	char want[48];
	snprintf(want, sizeof(want), "HELLO c=%d d=%d s=", k, k - 1);
	printf("connection %d: %.*s\n", conn, (int)n, (char *)m);
	if (n < strlen(want) || memcmp(m, want, strlen(want)) != 0)
		fail("unexpected HELLO (CONNECTED / DISCONNECTED not delivered?)");
	free(m);
}

static void round_e2e(freerdp_listener *listener, int k, double deadline)
{
	const size_t count = sizeof(sizes) / sizeof(sizes[0]);
	uint8_t *sent[sizeof(sizes) / sizeof(sizes[0])];
	for (size_t i = 0; i < count; i++) {
		sent[i] = pattern(sizes[i], (unsigned)(k * 100 + i), 'D');
		send_msg(sent[i], sizes[i]);
	}
	for (size_t i = 0; i < count; i++) {
		uint8_t *m;
		size_t n = receive(listener, &m, deadline);
		if (n != sizes[i] || memcmp(m, sent[i], n) != 0) {
			printf("message %zu: %zu bytes back, %zu sent\n", i, n, sizes[i]);
			fail("echo differs (bytes or order)");
		}
		free(m);
		free(sent[i]);
	}
	printf("connection %d: %zu messages echoed byte-exact, in order\n", conn, count);
}

static void bench(freerdp_listener *listener, int reps, size_t bytes, size_t msg)
{
	uint8_t *p = pattern(msg, 1, 'B');
	for (int r = 0; r < reps; r++) {
		double t0 = now();
		size_t total = 0;
		while (total < bytes) {
			size_t n = bytes - total < msg ? bytes - total : msg;
			send_msg(p, n);
			total += n;
			if (!pump(listener, 0))
				fail("connection lost");
		}
		send_msg((const uint8_t *)"END", 3);
		uint8_t *m;
		size_t n = receive(listener, &m, now() + 120);
		double t = now() - t0;
		char want[48];
		snprintf(want, sizeof(want), "COUNT %zu", total);
		if (n != strlen(want) || memcmp(m, want, n) != 0)
			fail("byte count differs");
		free(m);
		printf("rep=%d bytes=%zu seconds=%.6f\n", r, total, t);
		fflush(stdout);
	}
	free(p);
}

int main(int argc, char **argv)
{
	unsigned long port = 0;
	int i = 1;
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "--port") == 0)
			port = strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--cert") == 0)
			cert_file = argv[i + 1];
		else if (strcmp(argv[i], "--key") == 0)
			key_file = argv[i + 1];
	}
	const char *mode = i < argc ? argv[i] : "";
	if (!port || port > 65535 || !cert_file || !key_file ||
	    !((strcmp(mode, "e2e") == 0 && i + 1 < argc) ||
	      (strcmp(mode, "bench") == 0 && i + 3 < argc))) {
		fprintf(stderr, "usage: vc_test_server --port P --cert F --key F "
		                "e2e ROUNDS | bench REPS BYTES MSGSIZE\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	winpr_InitializeSSL(WINPR_SSL_INIT_DEFAULT);
	wts = FreeRDP_InitWtsApi();
	freerdp_listener *listener = freerdp_listener_new();
	if (!wts || !listener)
		return 1;
	listener->PeerAccepted = on_accepted;
	if (!listener->Open(listener, "127.0.0.1", (UINT16)port))
		fail("cannot listen");
	printf("listening on 127.0.0.1:%lu\n", port);
	double deadline = now() + 120;
	if (strcmp(mode, "e2e") == 0) {
		int rounds = (int)strtol(argv[i + 1], NULL, 10);
		if (rounds < 1)
			rounds = 1;
		for (int k = 1; k <= rounds; k++) {
			hello(listener, k, deadline);
			round_e2e(listener, k, deadline);
			if (k < rounds) {
				printf("connection %d: dropping it\n", conn);
				peer_end();
			}
		}
	} else {
		hello(listener, 1, deadline);
		bench(listener, (int)strtol(argv[i + 1], NULL, 10),
		      (size_t)strtoull(argv[i + 2], NULL, 10),
		      (size_t)strtoull(argv[i + 3], NULL, 10));
	}
	printf("PASS\n");
	return 0;
}
