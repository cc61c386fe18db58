/*
 * bench_vc.h — the channel benchmark's measurements (benchmark 4, bench/README.md), shared by the
 * baseline server (bench_vc_server.c: FreeRDP's in-process WTS functions) and the OpenWTS app
 * (bench_vc_app.c: libwtsapi32). The same source is compiled into both programs and calls
 * WTSVirtualChannelRead / WTSVirtualChannelWrite; each program's link decides whose.
 *
 * A program opens its two channels (the dynamic ECHO of xfreerdp /echo, the static channel of the
 * bench echo plug-in), prints "ready" and then serves commands from stdin, one line each, answering
 * with one line on stdout, so that bench/channels.sh can interleave the two sides in one run:
 *
 *	tput dvc|svc SIZE WINDOW TOTAL   TOTAL bytes in messages of SIZE, WINDOW messages in flight
 *	                                 -> "ok bytes=B ns=N"
 *	rtt dvc|svc SIZE COUNT           COUNT sequential round trips of SIZE bytes
 *	                                 -> "ok median_ns=… p90_ns=… min_ns=… max_ns=…"
 *	quit
 *
 * Failures answer "error <what>" (and the command loop goes on).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_BENCH_VC_H
#define OPENWTS_BENCH_VC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <winpr/wtypes.h>

/* Name of the bench plug-in's static channel (bench/CMakeLists.txt builds it). */
#define BENCH_VC_STATIC "OWTSBEN"
/* How long a read waits before the measurement gives up (a dead connection). */
#define BENCH_VC_TIMEOUT_MS 10000u

struct bench_vc
{
	HANDLE h;
	/* Reads start with an 8-byte CHANNEL_PDU_HEADER (OpenWTS' dynamic channels, as Windows). */
	bool header;
	/* The baseline's event (FreeRDP's Read never waits): the read waits here first. NULL: the
	 * read itself waits (TimeOut = BENCH_VC_TIMEOUT_MS). */
	HANDLE event;
	/* Waits up to ms for event; 0 when signalled. Set with event. */
	int (*wait)(HANDLE event, uint32_t ms);
	uint8_t *buf; /* read buffer, cap bytes */
	size_t cap;
};

/*
 * Serves the command loop on stdin / stdout with the two channels (either may be NULL: its
 * commands answer "error"). Returns when stdin ends or on "quit".
 */
void bench_vc_serve(struct bench_vc *dvc, struct bench_vc *svc);

/* Sends WinPR's log (WLog's console appender) to stderr: stdout carries the answers only. */
void bench_vc_log_to_stderr(void);

#endif /* OPENWTS_BENCH_VC_H */
