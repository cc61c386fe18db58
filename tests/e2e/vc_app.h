/*
 * vc_app.h — what the two files of the end-to-end tests' channel app share: vc_app_io.c (the
 * channel, its reads and writes, the report) and vc_app.c (the modes and main).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VC_APP_H
#define VC_APP_H

#include <stdbool.h>
#include <stdint.h>

#include <windows.h>
#include <wtsapi32.h>

#define CHUNK_MS   10000u         /* the most one read may wait inside a message */
#define FIRST_MS   15000u         /* the most one waits for a message to begin */
#define WINDOW     4u             /* echo messages in flight at most… */
#define WINDOW_B   (256u * 1024u) /* …and bytes in flight at most (one message always) */
#define MSG_MAX    (1u << 20)     /* the largest test message */
#define HOLD_MS    20000u
#define REOPEN_MS  45000u
#define NO_ERROR_0 0u /* a failure that is not a failed call */

enum kind
{
	K_DYN,
	K_SVC,
	K_SVCP
};

struct chan
{
	enum kind kind;
	const char *name;
	DWORD session;
	HANDLE h;
};

extern int result_fd;
extern int poll_fd;   /* >= 0: reads wait with poll() on WTSVirtualFileHandle, then TimeOut 0 */
extern char why[512]; /* why the last helper failed */

/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t now_ms(void);
/* A line of the result file. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Sets why for the report. */
void fail_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The watchdog: "END FAIL watchdog", exit 3. */
void on_alarm(int sig);
/* Writes END PASS / END FAIL <why>; the exit status. */
int finish(bool ok);
/* Opens c by its kind (dynamic, static). */
bool chan_open(struct chan *c);
/* Reads one whole message of len bytes, waiting up to first_ms for it to begin. */
bool recv_msg(struct chan *c, uint8_t *out, uint32_t len, ULONG first_ms, DWORD *err);
/* Writes buf as one message. */
bool send_msg(struct chan *c, const uint8_t *buf, uint32_t len, DWORD *err);
/* Whether buf is message i of seed (vcecho_proto.h). */
bool check_msg(const uint8_t *buf, uint32_t len, uint32_t seed, uint32_t i);
/* count messages from first echoed, a window in flight. */
bool echo_run(struct chan *c, uint32_t first, uint32_t count, uint32_t seed, uint8_t *tx,
              uint8_t *rx, void (*progress)(uint32_t), const char **op, DWORD *err);
/* The plug-in sends count messages; each is read and checked. */
bool send_run(struct chan *c, uint32_t count, uint32_t seed, uint8_t *rx);

#endif /* VC_APP_H */
