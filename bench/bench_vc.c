/*
 * bench_vc.c — the channel benchmark's measurements and command loop (see bench_vc.h). Both
 * sides run this same code, so what differs between the two figures is only what stands behind
 * WTSVirtualChannelRead / Write: FreeRDP's in-process channel manager, or libwtsapi32, the channel
 * socket and wtsd's relay.
 *
 * Throughput keeps WINDOW messages in flight: it writes until WINDOW × SIZE bytes are out and
 * unanswered, then reads what comes back and tops the window up again; the time runs from the
 * first write to the last echoed byte. A round trip writes one message and reads until as many
 * bytes came back. Reads count data bytes (a CHANNEL_PDU_HEADER, where reads carry one, is not
 * data), so chunked reads (OpenWTS: 1600 bytes a read, as Windows) and whole-message reads
 * (FreeRDP) measure the same thing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winpr/error.h>
#include <winpr/wlog.h>
#include <winpr/wtsapi.h>

#include "bench_util.h"
#include "bench_vc.h"

#define SIZE_MAX_MSG (1024u * 1024u)
#define RTT_MAX      200000u

/* One read: the data bytes it brought into *n. Returns 0, or -1 on a failure or timeout. */
static int recv_some(struct bench_vc *vc, size_t *n)
{
	uint64_t deadline = bench_clock_ns() + (uint64_t)BENCH_VC_TIMEOUT_MS * 1000000u;
	for (;;) {
		ULONG got = 0;
		ULONG timeout = vc->event ? 0 : BENCH_VC_TIMEOUT_MS;
		BOOL ok = WTSVirtualChannelRead(vc->h, timeout, (PCHAR)vc->buf, (ULONG)vc->cap, &got);
		if (ok && got > 0) {
			size_t skip = vc->header ? 8u : 0u;
			*n = got > skip ? got - skip : 0;
			if (*n)
				return 0;
			continue;
		}
		if (!vc->event) {
			fprintf(stderr, "bench_vc: WTSVirtualChannelRead: %s, error %u\n",
			        ok ? "nothing" : "failed", (unsigned)GetLastError());
			return -1;
		}
		/* FreeRDP: nothing queued (FALSE with ERROR_NO_DATA): wait for the channel's event. */
		uint64_t now = bench_clock_ns();
		if (now >= deadline || vc->wait(vc->event, (uint32_t)((deadline - now) / 1000000u) + 1))
		{
			fprintf(stderr, "bench_vc: nothing to read for %u ms\n", BENCH_VC_TIMEOUT_MS);
			return -1;
		}
	}
}

static int send_msg(struct bench_vc *vc, const uint8_t *msg, size_t len)
{
	ULONG written = 0;
	if (!WTSVirtualChannelWrite(vc->h, (PCHAR)msg, (ULONG)len, &written) || written != len) {
		fprintf(stderr, "bench_vc: WTSVirtualChannelWrite(%zu): error %u\n", len,
		        (unsigned)GetLastError());
		return -1;
	}
	return 0;
}

static uint8_t *pattern(size_t size)
{
	uint8_t *msg = malloc(size);
	for (size_t i = 0; msg && i < size; i++)
		msg[i] = (uint8_t)(i * 7u + 1u);
	return msg;
}

static void cmd_tput(struct bench_vc *vc, size_t size, size_t window, uint64_t total)
{
	uint8_t *msg = pattern(size);
	if (!msg) {
		printf("error memory\n");
		return;
	}
	total -= total % size;
	uint64_t sent = 0, got = 0, t0 = bench_clock_ns();
	int r = 0;
	while (got < total && r == 0) {
		while (r == 0 && sent < total && sent - got + size <= window * size) {
			r = send_msg(vc, msg, size);
			sent += size;
		}
		size_t n = 0;
		if (r == 0 && (r = recv_some(vc, &n)) == 0)
			got += n;
	}
	uint64_t ns = bench_clock_ns() - t0;
	free(msg);
	if (r == 0)
		printf("ok bytes=%llu ns=%llu\n", (unsigned long long)got, (unsigned long long)ns);
	else
		printf("error tput after %llu of %llu bytes\n", (unsigned long long)got,
		       (unsigned long long)total);
}

static void cmd_rtt(struct bench_vc *vc, size_t size, size_t count)
{
	uint8_t *msg = pattern(size);
	uint64_t *samples = calloc(count, sizeof(*samples));
	int r = msg && samples ? 0 : -1;
	for (size_t i = 0; i < count && r == 0; i++) {
		uint64_t t0 = bench_clock_ns();
		r = send_msg(vc, msg, size);
		for (size_t got = 0; r == 0 && got < size;) {
			size_t n = 0;
			if ((r = recv_some(vc, &n)) == 0)
				got += n;
		}
		samples[i] = bench_clock_ns() - t0;
	}
	if (r == 0) {
		struct bench_stats s;
		bench_stats_compute(samples, count, &s);
		printf("ok median_ns=%llu p90_ns=%llu min_ns=%llu max_ns=%llu\n",
		       (unsigned long long)s.median, (unsigned long long)s.p90,
		       (unsigned long long)s.min, (unsigned long long)s.max);
	} else {
		printf("error rtt\n");
	}
	free(msg);
	free(samples);
}

void bench_vc_serve(struct bench_vc *dvc, struct bench_vc *svc)
{
	char line[256];
	while (fgets(line, sizeof(line), stdin)) {
		char cmd[16] = "", which[8] = "";
		unsigned long a = 0, b = 0;
		unsigned long long c = 0;
		int k = sscanf(line, "%15s %7s %lu %lu %llu", cmd, which, &a, &b, &c);
		if (k >= 1 && strcmp(cmd, "quit") == 0)
			break;
		struct bench_vc *vc = strcmp(which, "dvc") == 0   ? dvc
		                      : strcmp(which, "svc") == 0 ? svc
		                                                  : NULL;
		if (!vc)
			printf("error no such channel\n");
		else if (k == 5 && strcmp(cmd, "tput") == 0 && a >= 1 && a <= SIZE_MAX_MSG && b >= 1 &&
		         b <= 64 && c >= a)
			cmd_tput(vc, a, b, c);
		else if (k == 4 && strcmp(cmd, "rtt") == 0 && a >= 1 && a <= SIZE_MAX_MSG && b >= 1 &&
		         b <= RTT_MAX)
			cmd_rtt(vc, a, b);
		else
			printf("error usage\n");
		fflush(stdout);
	}
}

void bench_vc_log_to_stderr(void)
{
	wLog *root = WLog_GetRoot();
	if (!root || !WLog_SetLogAppenderType(root, WLOG_APPENDER_CONSOLE))
		return;
	wLogAppender *a = WLog_GetLogAppender(root);
	if (a)
		(void)WLog_ConfigureAppender(a, "outputstream", (void *)"stderr");
}
