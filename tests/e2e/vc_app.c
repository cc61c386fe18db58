/*
 * vc_app.c — the app of the end-to-end channel tests (e2e_channels_*.c): a server-side program
 * that uses only the public API (<wtsapi32.h>: WTSVirtualChannelOpen/OpenEx/Read/Write/Close),
 * started inside an RDP session by the test (wtsctl spawn), or by the test itself as root with an
 * explicit session id.
 *
 *	vc_app RESULT SESSION MODE CHANNEL [ARG...]
 *
 * RESULT is a file the app appends lines to as it goes ("key words...", flushed at once), the last
 * one "END PASS" or "END FAIL <why>"; the test polls it. SESSION is "cur" (WTS_CURRENT_SESSION) or
 * a session id. CHANNEL is dyn:<name> (WTSVirtualChannelOpenEx with WTS_CHANNEL_OPTION_DYNAMIC;
 * reads show the CHANNEL_PDU_HEADER), svc:<name> (WTSVirtualChannelOpen, static, no header) or
 * svcp:<name> (static, the client plug-in registered it with CHANNEL_OPTION_SHOW_PROTOCOL:
 * headers). Every read returns one chunk of at most CHANNEL_CHUNK_LENGTH data bytes; messages are
 * joined by the header where there is one, else by the size the app expects.
 *
 * Modes (the peer is xfreerdp's echo plug-in for ECHO, tests/e2e/plugins/vcecho_plugin.c else):
 *   dyn [SIZE...]        writes each message and reads it back (default sizes 1 B … 1 MiB)
 *   static COUNT SEED [greet=N] [poll]
 *                        COUNT messages echoed (a window of a few in flight), then the plug-in
 *                        sends COUNT messages of its own ("OWTSECH:SEND"); all byte-exact.
 *                        greet=N: first reads the N messages the plug-in sent on connecting,
 *                        before the app opened the channel (VCECHO_GREET_<name>); poll: reads
 *                        wait in poll() on the WTSVirtualFileHandle and then read with TimeOut 0
 *   slow COUNT SEED MS   the plug-in sends COUNT messages; the app reads nothing for MS ("waiting"
 *                        … "reading"), then reads and checks them all (wtsd must hold the
 *                        client back, not buffer it all)
 *   iso COUNT SEED OTHER as static, then opening the channel of session OTHER (static and the
 *                        dynamic ECHO) must fail with ERROR_ACCESS_DENIED
 *   openfail             the open must fail (a channel the client lacks); reports the error
 *   cut                  echoes until a call fails (the test disconnects the client), says which
 *                        call, its error and how long it took ("cut" line, "at" = CLOCK_MONOTONIC
 *                        ms), reads until a read fails and tries a write ("after"), closes,
 *                        then opens the
 *                        channel again every 200 ms until it works (the client reconnects) and
 *                        echoes a few messages on it
 *   hold                 opens, says "ready", then one read of up to 20 s: the test logs the
 *                        session off meanwhile; says how the read ended
 * A watchdog (VC_APP_WATCHDOG seconds, default 60) ends a hung app with "END FAIL watchdog".
 * Exit status 0 on PASS, 1 on FAIL.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <fcntl.h>
#include <poll.h>
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

#include "plugins/vcecho_proto.h"
#include "vc_app.h"

static int mode_dyn(struct chan *c, int argc, char **argv, uint8_t *tx, uint8_t *rx)
{
	static const uint32_t sizes[] = {1,    2,     1599,  1600,  1601,
	                                 4096, 65535, 65536, 65537, 1u << 20};
	uint32_t list[64];
	size_t n = 0;
	for (int i = 0; i < argc && n < 64; i++) {
		unsigned long v = strtoul(argv[i], NULL, 10);
		list[n++] = v > MSG_MAX ? MSG_MAX : (uint32_t)v;
	}
	if (n == 0) {
		memcpy(list, sizes, sizeof(sizes));
		n = sizeof(sizes) / sizeof(sizes[0]);
	}
	if (!chan_open(c))
		return finish(false);
	uint64_t t0 = now_ms();
	uint64_t bytes = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t t1 = now_ms();
		vcecho_fill(tx, list[i], 77, (uint32_t)i);
		if (!send_msg(c, tx, list[i], NULL) || !recv_msg(c, rx, list[i], FIRST_MS, NULL) ||
		    !check_msg(rx, list[i], 77, (uint32_t)i)) {
			char tmp[sizeof(why)];
			snprintf(tmp, sizeof(tmp), "%s", why);
			fail_set("message %zu (%u bytes): %s", i, list[i], tmp);
			return finish(false);
		}
		bytes += list[i];
		say("echo %u bytes %lu ms", list[i], (unsigned long)(now_ms() - t1));
	}
	say("dyn %zu messages %llu bytes %lu ms", n, (unsigned long long)bytes,
	    (unsigned long)(now_ms() - t0));
	BOOL closed = WTSVirtualChannelClose(c->h);
	say("close %d %lu", closed, closed ? 0ul : (unsigned long)GetLastError());
	if (!closed)
		fail_set("close failed");
	return finish(closed);
}

static bool static_phase(struct chan *c, uint32_t count, uint32_t seed, uint8_t *tx, uint8_t *rx)
{
	const char *op = "";
	DWORD err = 0;
	uint64_t t0 = now_ms();
	if (!echo_run(c, 0, count, seed, tx, rx, NULL, &op, &err)) {
		char tmp[sizeof(why)];
		snprintf(tmp, sizeof(tmp), "%s", why);
		fail_set("echo (%s): %s", op, tmp);
		return false;
	}
	say("echoed %u messages %lu ms", count, (unsigned long)(now_ms() - t0));
	t0 = now_ms();
	if (!send_run(c, count, seed + 1000, rx))
		return false;
	say("received %u messages %lu ms", count, (unsigned long)(now_ms() - t0));
	return true;
}

/* Reads will poll the channel's WTSVirtualFileHandle (a file descriptor on Linux). */
static bool file_handle(struct chan *c)
{
	PVOID buf = NULL;
	DWORD len = 0;
	if (!WTSVirtualChannelQuery(c->h, WTSVirtualFileHandle, &buf, &len) || !buf ||
	    len != sizeof(HANDLE)) {
		fail_set("WTSVirtualChannelQuery(WTSVirtualFileHandle): error %lu, %lu bytes",
		         (unsigned long)GetLastError(), (unsigned long)len);
		return false;
	}
	poll_fd = (int)(intptr_t) * (HANDLE *)buf;
	WTSFreeMemory(buf);
	say("poll fd %d", poll_fd);
	return true;
}

/* A slow app: asks the plug-in for count messages, says "waiting", reads nothing for ms, then
 * reads and checks them all. */
static int mode_slow(struct chan *c, int argc, char **argv, uint8_t *rx)
{
	if (argc < 3) {
		fail_set("slow COUNT SEED MS");
		return finish(false);
	}
	uint32_t count = (uint32_t)strtoul(argv[0], NULL, 10);
	uint32_t seed = (uint32_t)strtoul(argv[1], NULL, 10);
	unsigned long ms = strtoul(argv[2], NULL, 10);
	char cmd[VCECHO_CMD_MAX];
	int n = snprintf(cmd, sizeof(cmd), "%s%u %u", VCECHO_CMD_SEND, count, seed);
	if (!chan_open(c) || !send_msg(c, (const uint8_t *)cmd, (uint32_t)n, NULL))
		return finish(false);
	say("waiting %lu ms", ms);
	usleep((useconds_t)ms * 1000u);
	say("reading");
	uint64_t t0 = now_ms();
	for (uint32_t i = 0; i < count; i++) {
		uint32_t len = vcecho_size(i);
		if (!recv_msg(c, rx, len, FIRST_MS, NULL) || !check_msg(rx, len, seed, i)) {
			char tmp[sizeof(why)];
			snprintf(tmp, sizeof(tmp), "%s", why);
			fail_set("plug-in's message %u of %u after the pause: %s", i, count, tmp);
			return finish(false);
		}
	}
	say("received %u messages %lu ms", count, (unsigned long)(now_ms() - t0));
	BOOL closed = WTSVirtualChannelClose(c->h);
	if (!closed)
		fail_set("close failed");
	return finish(closed);
}

static int mode_static(struct chan *c, int argc, char **argv, uint8_t *tx, uint8_t *rx)
{
	if (argc < 2) {
		fail_set("static COUNT SEED");
		return finish(false);
	}
	uint32_t count = (uint32_t)strtoul(argv[0], NULL, 10);
	uint32_t seed = (uint32_t)strtoul(argv[1], NULL, 10);
	uint32_t greet = 0;
	bool use_poll = false;
	for (int i = 2; i < argc; i++) {
		if (strncmp(argv[i], "greet=", 6) == 0)
			greet = (uint32_t)strtoul(argv[i] + 6, NULL, 10);
		else if (strcmp(argv[i], "poll") == 0)
			use_poll = true;
	}
	if (!chan_open(c))
		return finish(false);
	if (use_poll && !file_handle(c))
		return finish(false);
	/* What the plug-in sent before the app opened the channel, held by wtsd. */
	for (uint32_t i = 0; i < greet; i++) {
		uint32_t len = vcecho_size(i);
		if (!recv_msg(c, rx, len, FIRST_MS, NULL) ||
		    !check_msg(rx, len, VCECHO_GREET_SEED, i)) {
			char tmp[sizeof(why)];
			snprintf(tmp, sizeof(tmp), "%s", why);
			fail_set("greeting %u of %u (sent before the open): %s", i, greet, tmp);
			return finish(false);
		}
	}
	if (greet)
		say("greetings %u", greet);
	if (!static_phase(c, count, seed, tx, rx))
		return finish(false);
	BOOL closed = WTSVirtualChannelClose(c->h);
	say("close %d %lu", closed, closed ? 0ul : (unsigned long)GetLastError());
	if (!closed)
		fail_set("close failed");
	return finish(closed);
}

/* An open of other's channel that must be refused with ERROR_ACCESS_DENIED. */
static bool denied(enum kind kind, const char *name, DWORD other)
{
	struct chan o = {.kind = kind, .name = name, .session = other};
	if (chan_open(&o)) {
		say("other %s opened", name);
		fail_set("opened %s of session %lu", name, (unsigned long)other);
		WTSVirtualChannelClose(o.h);
		return false;
	}
	DWORD err = GetLastError();
	say("other %s error %lu", name, (unsigned long)err);
	if (err != ERROR_ACCESS_DENIED) {
		fail_set("open of %s of session %lu: error %lu, want %u", name,
		         (unsigned long)other, (unsigned long)err, ERROR_ACCESS_DENIED);
		return false;
	}
	return true;
}

static int mode_iso(struct chan *c, int argc, char **argv, uint8_t *tx, uint8_t *rx)
{
	if (argc < 3) {
		fail_set("iso COUNT SEED OTHER");
		return finish(false);
	}
	uint32_t count = (uint32_t)strtoul(argv[0], NULL, 10);
	uint32_t seed = (uint32_t)strtoul(argv[1], NULL, 10);
	DWORD other = (DWORD)strtoul(argv[2], NULL, 10);
	DWORD mine = 0;
	if (!ProcessIdToSessionId(GetCurrentProcessId(), &mine))
		mine = 0;
	say("session %lu", (unsigned long)mine);
	if (!chan_open(c) || !static_phase(c, count, seed, tx, rx))
		return finish(false);
	WTSVirtualChannelClose(c->h);
	bool ok = denied(c->kind, c->name, other);
	ok = denied(K_DYN, "ECHO", other) && ok;
	return finish(ok);
}

static int mode_openfail(struct chan *c)
{
	uint64_t t0 = now_ms();
	bool opened = chan_open(c);
	DWORD err = opened ? 0 : GetLastError();
	say("openfail %s %lu %lu ms", opened ? "opened" : "failed", (unsigned long)err,
	    (unsigned long)(now_ms() - t0));
	if (opened) {
		fail_set("%s opened", c->name);
		WTSVirtualChannelClose(c->h);
	}
	return finish(!opened);
}

static uint32_t cut_progress_at = 20;
static void cut_progress(uint32_t got)
{
	if (got == cut_progress_at)
		say("progress %u", got);
}

/*
 * After a failed call: reads fail too, at once ("after read 0 ERR MS CHUNKS": chunks that the
 * client had sent before the cut and that were still queued may come first; they are counted, not
 * checked), and so does a write.
 */
static void cut_after(struct chan *c, uint8_t *tx)
{
	char buf[CHANNEL_PDU_LENGTH];
	ULONG n = 0;
	unsigned chunks = 0;
	uint64_t t0 = now_ms();
	BOOL r;
	while ((r = WTSVirtualChannelRead(c->h, 5000, buf, sizeof(buf), &n)) && chunks < 100000)
		chunks++;
	DWORD e = r ? 0 : GetLastError();
	say("after read %d %lu %lu ms %u", r, (unsigned long)e, (unsigned long)(now_ms() - t0),
	    chunks);
	t0 = now_ms();
	ULONG w = 0;
	vcecho_fill(tx, 100, 1, 1);
	r = WTSVirtualChannelWrite(c->h, (PCHAR)tx, 100, &w);
	e = r ? 0 : GetLastError();
	say("after write %d %lu %lu ms", r, (unsigned long)e, (unsigned long)(now_ms() - t0));
}

static int mode_cut(struct chan *c, uint8_t *tx, uint8_t *rx)
{
	if (!chan_open(c))
		return finish(false);
	const char *op = "";
	DWORD err = 0;
	uint64_t t0 = now_ms();
	/* Runs until the test disconnects the client; the watchdog bounds it. */
	bool ok = echo_run(c, 0, 0x7fffffffu, 5, tx, rx, cut_progress, &op, &err);
	uint64_t t1 = now_ms();
	say("cut %s %lu at %llu after %lu ms: %s", op, (unsigned long)err, (unsigned long long)t1,
	    (unsigned long)(t1 - t0), why);
	if (ok || strcmp(op, "check") == 0) {
		fail_set("the transfer ended with %s", ok ? "success" : "a wrong byte");
		return finish(false);
	}
	cut_after(c, tx);
	BOOL closed = WTSVirtualChannelClose(c->h);
	say("close %d %lu", closed, closed ? 0ul : (unsigned long)GetLastError());
	/* Again, once the client is back. */
	uint64_t r0 = now_ms();
	unsigned tries = 0;
	DWORD last = 0;
	for (;;) {
		tries++;
		if (chan_open(c))
			break;
		last = GetLastError();
		if (now_ms() - r0 > REOPEN_MS) {
			fail_set("no reopen within %u ms (%u tries, last error %lu)", REOPEN_MS,
			         tries, (unsigned long)last);
			return finish(false);
		}
		usleep(200 * 1000);
	}
	say("reopen ok %lu ms tries %u lasterr %lu", (unsigned long)(now_ms() - r0), tries,
	    (unsigned long)last);
	if (!echo_run(c, 0, 18, 6, tx, rx, NULL, &op, &err)) {
		char tmp[sizeof(why)];
		snprintf(tmp, sizeof(tmp), "%s", why);
		fail_set("echo after reopen (%s): %s", op, tmp);
		return finish(false);
	}
	say("echo-after-reopen ok");
	closed = WTSVirtualChannelClose(c->h);
	if (!closed)
		fail_set("close after reopen: error %lu", (unsigned long)GetLastError());
	return finish(closed);
}

static int mode_hold(struct chan *c)
{
	if (!chan_open(c))
		return finish(false);
	say("ready");
	char buf[CHANNEL_PDU_LENGTH];
	memset(buf, 0, sizeof(buf));
	ULONG n = 0;
	uint64_t t0 = now_ms();
	BOOL r = WTSVirtualChannelRead(c->h, HOLD_MS, buf, sizeof(buf), &n);
	DWORD e = r ? 0 : GetLastError();
	uint64_t t1 = now_ms();
	say("hold read %d %lu at %llu after %lu ms", r, (unsigned long)e, (unsigned long long)t1,
	    (unsigned long)(t1 - t0));
	t0 = now_ms();
	ULONG w = 0;
	BOOL wr = WTSVirtualChannelWrite(c->h, buf, 16, &w);
	DWORD we = wr ? 0 : GetLastError();
	say("hold write %d %lu %lu ms", wr, (unsigned long)we, (unsigned long)(now_ms() - t0));
	BOOL closed = WTSVirtualChannelClose(c->h);
	say("close %d %lu", closed, closed ? 0ul : (unsigned long)GetLastError());
	if (r || wr)
		fail_set("a call succeeded on a channel of a logged-off session");
	return finish(!r && !wr && closed);
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: vc_app RESULT SESSION MODE CHANNEL [ARG...]\n");
		return 2;
	}
	result_fd = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	if (result_fd < 0)
		return 2;
	const char *wd = getenv("VC_APP_WATCHDOG");
	signal(SIGALRM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	alarm(wd ? (unsigned)strtoul(wd, NULL, 10) : 60u);

	struct chan c = {.session = WTS_CURRENT_SESSION};
	if (strcmp(argv[2], "cur") != 0)
		c.session = (DWORD)strtoul(argv[2], NULL, 10);
	const char *mode = argv[3], *spec = argv[4];
	if (strncmp(spec, "dyn:", 4) == 0)
		c.kind = K_DYN, c.name = spec + 4;
	else if (strncmp(spec, "svcp:", 5) == 0)
		c.kind = K_SVCP, c.name = spec + 5;
	else if (strncmp(spec, "svc:", 4) == 0)
		c.kind = K_SVC, c.name = spec + 4;
	else {
		fail_set("bad channel \"%s\"", spec);
		return finish(false);
	}
	say("start pid %d mode %s channel %s", (int)getpid(), mode, spec);
	uint8_t *tx = malloc(MSG_MAX), *rx = malloc(MSG_MAX);
	if (!tx || !rx) {
		fail_set("out of memory");
		return finish(false);
	}
	int rc;
	if (strcmp(mode, "dyn") == 0)
		rc = mode_dyn(&c, argc - 5, argv + 5, tx, rx);
	else if (strcmp(mode, "static") == 0)
		rc = mode_static(&c, argc - 5, argv + 5, tx, rx);
	else if (strcmp(mode, "slow") == 0)
		rc = mode_slow(&c, argc - 5, argv + 5, rx);
	else if (strcmp(mode, "iso") == 0)
		rc = mode_iso(&c, argc - 5, argv + 5, tx, rx);
	else if (strcmp(mode, "openfail") == 0)
		rc = mode_openfail(&c);
	else if (strcmp(mode, "cut") == 0)
		rc = mode_cut(&c, tx, rx);
	else if (strcmp(mode, "hold") == 0)
		rc = mode_hold(&c);
	else {
		fail_set("bad mode \"%s\"", mode);
		rc = finish(false);
	}
	free(tx);
	free(rx);
	return rc;
}
