/*
 * vc_server_app.c — the server app of vchannel.e2e_wtsd: the counterpart of the Windows-style
 * plug-in e2e_plugin.c (channel OWTSE2E) inside a wtsd session, using only <wtsapi32.h>
 * (WTSVirtualChannelOpen / Read / Write / Close). It speaks the protocol of vc_test_server's e2e
 * mode, so the plug-in is the same one the FreeRDP test server talks to.
 *
 *	vc_server_app RESULT ROUNDS
 *
 * Round k (1..ROUNDS): opens OWTSE2E in the current session (again every 100 ms while the channel
 * is not there: no client yet, or the client is reconnecting); reads the plug-in's
 * "HELLO c=<connects> d=<disconnects> s=<server>" — sent on CHANNEL_EVENT_CONNECTED, before the
 * app opened the channel, so wtsd kept it — and wants c=k d=k-1; writes messages of 1 B … 200,000 B
 * (around the 1600-byte chunk and the 64 KiB boundaries; all of them first, so order matters),
 * reads each echo back and wants it byte-exact and in order. Then, except after the last round,
 * says "cut-ready k" and waits in one read for the end of the channel (the test calls
 * WTSDisconnectSession; xfreerdp +auto-reconnect comes back with the same plug-in instance), which
 * must fail with ERROR_BROKEN_PIPE; closes the channel and goes on with round k+1.
 *
 * The plug-in registers OWTSE2E without CHANNEL_OPTION_SHOW_PROTOCOL, so a read returns one chunk
 * (at most CHANNEL_CHUNK_LENGTH bytes) without a header; an echo is joined by the length the app
 * sent. Echoes start with 'D'; a message that starts otherwise is the plug-in's "ERR <what>" (a
 * chunk Windows would not give) and fails the run with its text.
 *
 * RESULT gets one line per step (flushed at once; the test polls it), the last "END PASS" or
 * "END FAIL <why>". A watchdog (VC_APP_WATCHDOG seconds, default 60) ends a hung run.
 * Exit status 0 on PASS, 1 on FAIL.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <windows.h>
#include <wtsapi32.h>

#include "vc_line.h"

#define CHANNEL  "OWTSE2E"
#define OPEN_MS  30000u /* the most an open may take to succeed (the client reconnecting) */
#define FIRST_MS 15000u /* the most a message may take to begin */
#define CHUNK_MS 10000u /* the most a chunk inside a message may take */
#define CUT_MS   20000u /* the most the test may take to end the channel */

/* As vc_test_server.c: around the chunk (1600) and the 64 KiB boundaries. */
static const uint32_t sizes[] = {1, 2, 1599, 1600, 1601, 3200, 65535, 65536, 65537, 200000};
#define COUNT (sizeof(sizes) / sizeof(sizes[0]))

static int result_fd = -1;
static char why[512];

static uint64_t now_ms(void)
{
	return vc_line_now_ms();
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vc_line_vwrite(result_fd, fmt, ap);
	va_end(ap);
}

static bool fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return false;
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "END FAIL watchdog\n";
	ssize_t w = write(result_fd, msg, sizeof(msg) - 1);
	(void)w;
	_exit(3);
}

/* The pattern of vc_test_server.c: message i of round k, first byte 'D' (the plug-in echoes). */
static void pattern(uint8_t *p, uint32_t n, unsigned seed)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 167u + seed + (i >> 10));
	p[0] = 'D';
}

/* Opens the channel, trying every 100 ms for OPEN_MS. */
static HANDLE open_channel(int k)
{
	uint64_t t0 = now_ms();
	unsigned tries = 0;
	for (;;) {
		tries++;
		HANDLE h = WTSVirtualChannelOpen(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION,
		                                 (LPSTR)CHANNEL);
		if (h) {
			say("open %d ok after %lu ms, %u tries", k, (unsigned long)(now_ms() - t0),
			    tries);
			return h;
		}
		DWORD e = GetLastError();
		if (now_ms() - t0 > OPEN_MS) {
			fail("round %d: no open within %u ms (%u tries, last error %lu)", k,
			     OPEN_MS, tries, (unsigned long)e);
			return NULL;
		}
		usleep(100 * 1000);
	}
}

/* Reads one chunk within ms into buf (CHANNEL_CHUNK_LENGTH bytes); its length, -1 on failure. */
static int read_chunk(HANDLE h, uint32_t ms, uint8_t *buf)
{
	uint64_t t0 = now_ms();
	for (;;) {
		ULONG n = 0;
		uint64_t spent = now_ms() - t0;
		if (!WTSVirtualChannelRead(h, spent >= ms ? 0 : (ULONG)(ms - spent), (PCHAR)buf,
		                           CHANNEL_CHUNK_LENGTH, &n)) {
			fail("read failed after %lu ms: error %lu", (unsigned long)(now_ms() - t0),
			     (unsigned long)GetLastError());
			return -1;
		}
		if (n > 0)
			return (int)n;
		if (now_ms() - t0 >= ms) {
			fail("nothing from the plug-in for %u ms", ms);
			return -1;
		}
	}
}

/* Reads a whole message of len bytes into out; no chunk may cross its end. */
static bool recv_msg(HANDLE h, uint8_t *out, uint32_t len)
{
	uint8_t chunk[CHANNEL_CHUNK_LENGTH];
	uint32_t have = 0;
	while (have < len) {
		int n = read_chunk(h, have ? CHUNK_MS : FIRST_MS, chunk);
		if (n < 0)
			return false;
		if (have == 0 && chunk[0] != 'D')
			return fail("the plug-in says \"%.*s\"", n > 200 ? 200 : n, (char *)chunk);
		if ((uint32_t)n > len - have)
			return fail("a %d-byte chunk at %u of a %u-byte message crosses its end", n,
			            have, len);
		memcpy(out + have, chunk, (size_t)n);
		have += (uint32_t)n;
	}
	return true;
}

/* The plug-in's HELLO of connection k: "HELLO c=k d=k-1 s=...". */
static bool hello(HANDLE h, int k)
{
	uint8_t chunk[CHANNEL_CHUNK_LENGTH + 1];
	char want[48];
	int n = read_chunk(h, FIRST_MS, chunk);
	if (n < 0)
		return false;
	chunk[n] = '\0';
	say("hello %d %s", k, (char *)chunk);
	snprintf(want, sizeof(want), "HELLO c=%d d=%d s=", k, k - 1);
	if ((size_t)n < strlen(want) || memcmp(chunk, want, strlen(want)) != 0)
		return fail(
		    "round %d: \"%s\", want \"%s…\" (CONNECTED / DISCONNECTED not delivered?)", k,
		    (char *)chunk, want);
	return true;
}

/* All messages out, then every echo back in order, byte-exact. */
static bool exchange(HANDLE h, int k, uint8_t *sent[COUNT], uint8_t *rx)
{
	for (size_t i = 0; i < COUNT; i++) {
		ULONG w = 0;
		pattern(sent[i], sizes[i], (unsigned)(k * 100 + (int)i));
		if (!WTSVirtualChannelWrite(h, (PCHAR)sent[i], sizes[i], &w) || w != sizes[i])
			return fail("round %d: write of %u bytes: error %lu, wrote %lu", k,
			            sizes[i], (unsigned long)GetLastError(), (unsigned long)w);
	}
	for (size_t i = 0; i < COUNT; i++) {
		if (!recv_msg(h, rx, sizes[i])) {
			char tmp[sizeof(why)];
			snprintf(tmp, sizeof(tmp), "%s", why);
			return fail("round %d, echo %zu (%u bytes): %s", k, i, sizes[i], tmp);
		}
		if (memcmp(rx, sent[i], sizes[i]) != 0) {
			uint32_t at = 0;
			while (rx[at] == sent[i][at])
				at++;
			return fail("round %d, echo %zu (%u bytes) differs at byte %u", k, i,
			            sizes[i], at);
		}
	}
	say("round %d ok: %zu messages, 1 .. 200000 bytes, echoed byte-exact and in order", k,
	    COUNT);
	return true;
}

/* Waits in one read for the end of the channel (the test's WTSDisconnectSession). */
static bool await_cut(HANDLE h, int k)
{
	uint8_t chunk[CHANNEL_CHUNK_LENGTH];
	ULONG n = 0;
	say("cut-ready %d", k);
	uint64_t t0 = now_ms();
	BOOL r = WTSVirtualChannelRead(h, CUT_MS, (PCHAR)chunk, sizeof(chunk), &n);
	DWORD e = r ? 0 : GetLastError();
	say("cut %d read %d error %lu after %lu ms", k, r, (unsigned long)e,
	    (unsigned long)(now_ms() - t0));
	if (r)
		return fail("round %d: the read waiting for the disconnect %s", k,
		            n ? "returned data" : "timed out");
	if (e != ERROR_BROKEN_PIPE)
		return fail("round %d: the read ended with error %lu, want ERROR_BROKEN_PIPE", k,
		            (unsigned long)e);
	return true;
}

static bool run(int rounds, uint8_t *sent[COUNT], uint8_t *rx)
{
	for (int k = 1; k <= rounds; k++) {
		HANDLE h = open_channel(k);
		if (!h)
			return false;
		bool ok =
		    hello(h, k) && exchange(h, k, sent, rx) && (k == rounds || await_cut(h, k));
		if (!WTSVirtualChannelClose(h) && ok)
			return fail("round %d: close: error %lu", k, (unsigned long)GetLastError());
		if (!ok)
			return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: vc_server_app RESULT ROUNDS\n");
		return 2;
	}
	result_fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	if (result_fd < 0)
		return 2;
	const char *wd = getenv("VC_APP_WATCHDOG");
	signal(SIGALRM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	alarm(wd ? (unsigned)strtoul(wd, NULL, 10) : 60u);
	int rounds = (int)strtol(argv[2], NULL, 10);
	if (rounds < 1 || rounds > 10)
		rounds = 1;
	say("start pid %d rounds %d", (int)getpid(), rounds);

	uint8_t *sent[COUNT] = {NULL}, *rx = malloc(sizes[COUNT - 1]);
	bool ok = rx != NULL;
	for (size_t i = 0; i < COUNT && ok; i++)
		ok = (sent[i] = malloc(sizes[i])) != NULL;
	if (!ok)
		fail("out of memory");
	else
		ok = run(rounds, sent, rx);
	for (size_t i = 0; i < COUNT; i++)
		free(sent[i]);
	free(rx);
	if (ok)
		say("END PASS");
	else
		say("END FAIL %s", why);
	return ok ? 0 : 1;
}
