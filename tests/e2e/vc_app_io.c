/*
 * vc_app_io.c — the channel side of the end-to-end tests' app (vc_app.c has its modes and
 * main): opening, reads of one chunk, whole messages in and out, the echo and send runs, and
 * the report lines.
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

int result_fd = -1;
int poll_fd = -1; /* >= 0: reads wait with poll() on WTSVirtualFileHandle, then TimeOut 0 */
char why[512];    /* why the last helper failed */

uint64_t now_ms(void)
{
	return vc_line_now_ms();
}

void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vc_line_vwrite(result_fd, fmt, ap);
	va_end(ap);
}

void fail_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fail_set(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
}

void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "END FAIL watchdog\n";
	ssize_t w = write(result_fd, msg, sizeof(msg) - 1);
	(void)w;
	_exit(3);
}

int finish(bool ok)
{
	if (ok)
		say("END PASS");
	else
		say("END FAIL %s", why);
	return ok ? 0 : 1;
}

bool chan_open(struct chan *c)
{
	if (c->kind == K_DYN)
		c->h =
		    WTSVirtualChannelOpenEx(c->session, (LPSTR)c->name, WTS_CHANNEL_OPTION_DYNAMIC);
	else
		c->h = WTSVirtualChannelOpen(WTS_CURRENT_SERVER_HANDLE, c->session, (LPSTR)c->name);
	if (!c->h)
		fail_set("open of %s failed: error %lu", c->name, (unsigned long)GetLastError());
	return c->h != NULL;
}

/*
 * Reads one chunk within ms into data (at most CHANNEL_CHUNK_LENGTH bytes): its length, and for a
 * channel with headers the message length and flags of the header. Returns -1 with *err set
 * (and why) when the read fails or times out.
 */
static int read_chunk(struct chan *c, ULONG ms, uint8_t *data, uint32_t *total, uint32_t *flags,
                      DWORD *err)
{
	char buf[CHANNEL_PDU_LENGTH + 64];
	ULONG n = 0;
	uint64_t t0 = now_ms();
	for (;;) {
		if (poll_fd >= 0) {
			struct pollfd p = {.fd = poll_fd, .events = POLLIN};
			uint64_t spent = now_ms() - t0;
			int r = poll(&p, 1, spent >= ms ? 0 : (int)(ms - spent));
			if (r == 0) {
				*err = NO_ERROR_0;
				fail_set("poll on WTSVirtualFileHandle: nothing for %lu ms",
				         (unsigned long)ms);
				return -1;
			}
		}
		if (!WTSVirtualChannelRead(c->h, poll_fd >= 0 ? 0 : ms, buf, CHANNEL_PDU_LENGTH,
		                           &n)) {
			*err = GetLastError();
			fail_set("read failed after %lu ms: error %lu",
			         (unsigned long)(now_ms() - t0), (unsigned long)*err);
			return -1;
		}
		if (n > 0)
			break;
		/* TRUE with nothing: allowed for a poll; wait on within ms. */
		if (now_ms() - t0 >= ms) {
			*err = NO_ERROR_0;
			fail_set("read returned no data for %lu ms", (unsigned long)ms);
			return -1;
		}
		usleep(1000);
	}
	*err = 0;
	if (c->kind == K_SVC) {
		if (n > CHANNEL_CHUNK_LENGTH) {
			fail_set("read returned %lu bytes, more than a chunk", (unsigned long)n);
			*err = NO_ERROR_0;
			return -1;
		}
		memcpy(data, buf, n);
		return (int)n;
	}
	if (n < sizeof(CHANNEL_PDU_HEADER) ||
	    n - sizeof(CHANNEL_PDU_HEADER) > CHANNEL_CHUNK_LENGTH) {
		fail_set("read returned %lu bytes: no header or more than a chunk",
		         (unsigned long)n);
		return -1;
	}
	CHANNEL_PDU_HEADER h;
	memcpy(&h, buf, sizeof(h));
	*total = h.length;
	*flags = h.flags;
	n -= sizeof(h);
	memcpy(data, buf + sizeof(h), n);
	return (int)n;
}

/*
 * Reads a whole message of len bytes into out, the first chunk within first_ms. Checks the
 * headers (length, FIRST on the first chunk only, LAST on the last only) where there are any, and
 * that no read crosses the message's end. Returns false with why (and *err) on failure.
 */
bool recv_msg(struct chan *c, uint8_t *out, uint32_t len, ULONG first_ms, DWORD *err)
{
	uint8_t data[CHANNEL_CHUNK_LENGTH];
	uint32_t have = 0;
	DWORD e = 0;
	while (have < len) {
		uint32_t total = 0, flags = 0;
		int n = read_chunk(c, have ? CHUNK_MS : first_ms, data, &total, &flags, &e);
		if (n < 0)
			goto bad;
		if (n == 0 && c->kind == K_SVC) {
			fail_set("empty chunk");
			goto bad;
		}
		if ((uint32_t)n > len - have) {
			fail_set("chunk of %d bytes at %u of a %u-byte message crosses its end", n,
			         have, len);
			goto bad;
		}
		if (c->kind != K_SVC) {
			bool first = have == 0, last = have + (uint32_t)n == len;
			if (total != len || !!(flags & CHANNEL_FLAG_FIRST) != first ||
			    !!(flags & CHANNEL_FLAG_LAST) != last) {
				fail_set(
				    "header {length %u, flags 0x%x} on a %d-byte chunk at %u of"
				    " a %u-byte message",
				    total, flags, n, have, len);
				goto bad;
			}
		}
		memcpy(out + have, data, (size_t)n);
		have += (uint32_t)n;
	}
	return true;
bad:
	if (err)
		*err = e;
	return false;
}

bool send_msg(struct chan *c, const uint8_t *buf, uint32_t len, DWORD *err)
{
	ULONG w = 0;
	uint64_t t0 = now_ms();
	if (!WTSVirtualChannelWrite(c->h, (PCHAR)buf, len, &w)) {
		if (err)
			*err = GetLastError();
		fail_set("write of %u bytes failed after %lu ms: error %lu", len,
		         (unsigned long)(now_ms() - t0), (unsigned long)GetLastError());
		return false;
	}
	if (w != len) {
		if (err)
			*err = 0;
		fail_set("write of %u bytes wrote %lu", len, (unsigned long)w);
		return false;
	}
	return true;
}

/* Checks message i (len bytes) of seed in buf. */
bool check_msg(const uint8_t *buf, uint32_t len, uint32_t seed, uint32_t i)
{
	uint32_t off = vcecho_check(buf, len, seed, i);
	if (off == len)
		return true;
	fail_set("message %u (%u bytes, seed %u) differs at byte %u", i, len, seed, off);
	return false;
}

/*
 * Echo of count messages (sizes vcecho_size(first + i)) of seed over c: writes while fewer than
 * WINDOW messages and WINDOW_B bytes wait for their echo, reads the echoes in order and checks
 * them. progress (if not NULL) is called after each echo. On failure *op says which call failed
 * ("read" / "write"), *err its error.
 */
bool echo_run(struct chan *c, uint32_t first, uint32_t count, uint32_t seed, uint8_t *tx,
              uint8_t *rx, void (*progress)(uint32_t), const char **op, DWORD *err)
{
	uint32_t sent = 0, got = 0, bytes = 0;
	while (got < count) {
		uint32_t len = vcecho_size(first + sent);
		if (sent < count &&
		    (sent == got || (sent - got < WINDOW && bytes + len <= WINDOW_B))) {
			vcecho_fill(tx, len, seed, first + sent);
			if (len > strlen(VCECHO_CMD_SEND) &&
			    memcmp(tx, VCECHO_CMD_SEND, strlen(VCECHO_CMD_SEND)) == 0) {
				fail_set("test message %u looks like a command", first + sent);
				return false;
			}
			if (!send_msg(c, tx, len, err)) {
				*op = "write";
				return false;
			}
			sent++;
			bytes += len;
			continue;
		}
		len = vcecho_size(first + got);
		if (!recv_msg(c, rx, len, FIRST_MS, err)) {
			*op = "read";
			return false;
		}
		if (!check_msg(rx, len, seed, first + got)) {
			*op = "check";
			return false;
		}
		bytes -= len;
		got++;
		if (progress)
			progress(first + got);
	}
	return true;
}

/* The plug-in sends count messages of seed; reads and checks them. */
bool send_run(struct chan *c, uint32_t count, uint32_t seed, uint8_t *rx)
{
	char cmd[VCECHO_CMD_MAX];
	int n = snprintf(cmd, sizeof(cmd), "%s%u %u", VCECHO_CMD_SEND, count, seed);
	if (!send_msg(c, (const uint8_t *)cmd, (uint32_t)n, NULL))
		return false;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t len = vcecho_size(i);
		if (!recv_msg(c, rx, len, FIRST_MS, NULL) || !check_msg(rx, len, seed, i)) {
			char tmp[sizeof(why)];
			snprintf(tmp, sizeof(tmp), "%s", why);
			fail_set("plug-in's message %u of %u: %s", i, count, tmp);
			return false;
		}
	}
	return true;
}
