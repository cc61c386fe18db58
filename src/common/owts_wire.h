/*
 * owts_wire.h — the control protocol between libwtsapi32 and wtsd: frames and their fields.
 *
 * A frame is a 16-byte header followed by a body, little-endian throughout:
 *
 *	u32 length	whole frame in bytes, header included (16 ... OWTS_FRAME_MAX)
 *	u16 version	OWTS_PROTO_VERSION
 *	u16 op		enum owts_op
 *	u32 id		request id, echoed by the reply
 *	u32 status	Win32 error code of the reply (0 in requests)
 *
 * A body is a sequence of fields whose order each operation fixes: u8/u16/u32/u64 integers and
 * strings (u32 byte count, UTF-8 bytes, no terminator). Frames are built and parsed on WinPR's
 * wStream. owts_frame_decode() is the one decoder of untrusted bytes on either side; field reads
 * through struct owts_reader are bounds-checked and sticky: after the first short or malformed
 * field every later read returns zero and owts_reader_ok() is false, so a parser checks once at
 * its end. Both are fuzzed (tests/fuzz/fuzz_frame.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OWTS_WIRE_H
#define OWTS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <winpr/stream.h>

#define OWTS_PROTO_VERSION 2 /* 2: SESSION_ENUM carries brief records; PROCESS_SESSION the cgroup base */
#define OWTS_FRAME_HEADER  16
#define OWTS_FRAME_MAX     (64u << 20) /* bytes; a process list of 100k processes fits */
#define OWTS_STRING_MAX    4096u       /* bytes; no field of the protocol is longer */

/*
 * Operations. X(name, value, privileged): privileged operations are refused with
 * ERROR_ACCESS_DENIED unless the peer is root or in the admin group.
 */
#define OWTS_OPS(X)                                                                               \
	X(SESSION_ENUM, 1, false)                                                                 \
	X(SESSION_QUERY, 2, false)                                                                \
	X(PROCESS_ENUM, 3, false)                                                                 \
	X(PROCESS_SESSION, 4, false)                                                              \
	X(PROCESS_TERMINATE, 5, false)                                                            \
	X(CONSOLE_SESSION, 6, false)                                                              \
	X(SESSION_CREATE, 7, true)                                                                \
	X(SESSION_SPAWN, 8, true)                                                                 \
	X(SESSION_DISCONNECT, 9, false)                                                           \
	X(SESSION_LOGOFF, 10, false)                                                              \
	X(SESSION_CONNECT, 11, false)                                                             \
	X(EVENT_WAIT, 12, false)                                                                  \
	X(EVENT_SUBSCRIBE, 13, false)                                                             \
	X(LISTENER_ENUM, 14, false)                                                               \
	X(LISTENER_QUERY, 15, false)                                                              \
	X(LISTENER_CREATE, 16, true)                                                              \
	X(LISTENER_SET_SECURITY, 17, true)                                                        \
	X(LISTENER_GET_SECURITY, 18, false)                                                       \
	X(CHANNEL_OPEN, 19, false)

enum owts_op
{
#define OWTS_OP_ENUM(name, value, priv) OWTS_OP_##name = value,
	OWTS_OPS(OWTS_OP_ENUM)
#undef OWTS_OP_ENUM
	OWTS_OP_MAX
};

/* Name of an operation for logs ("SESSION_ENUM"), "?" if unknown. */
const char *owts_op_name(uint32_t op);

/* True if op is a known operation; *privileged receives whether it needs privilege. */
bool owts_op_known(uint32_t op, bool *privileged);

struct owts_frame {
	uint16_t version;
	uint16_t op;
	uint32_t id;
	uint32_t status;
	const uint8_t *body; /* points into the decoded buffer */
	size_t body_len;
};

/*
 * Decodes the frame at the start of buf[0..len). Returns the frame's total length (> 0) and fills
 * *f, 0 if more bytes are needed, -EBADMSG for a malformed header (length < 16 or > max, wrong
 * version). Never reads beyond len.
 */
long owts_frame_decode(const uint8_t *buf, size_t len, struct owts_frame *f);

/*
 * Validates a frame header (OWTS_FRAME_HEADER bytes) and returns the frame's total length, or
 * -EBADMSG. For readers that receive the header before the body.
 */
long owts_frame_length(const uint8_t head[OWTS_FRAME_HEADER]);

/* Bounds-checked, sticky field reader over a frame body. */
struct owts_reader {
	wStream s;
	bool bad;
};

void owts_reader_init(struct owts_reader *r, const uint8_t *body, size_t len);
uint8_t owts_read_u8(struct owts_reader *r);
uint16_t owts_read_u16(struct owts_reader *r);
uint32_t owts_read_u32(struct owts_reader *r);
uint64_t owts_read_u64(struct owts_reader *r);
/* Reads bytes into dst[0..len) exactly. */
void owts_read_bytes(struct owts_reader *r, void *dst, size_t len);
/*
 * Reads a string into dst (NUL-terminated). Too long for dst, containing a NUL byte, or longer
 * than OWTS_STRING_MAX marks the reader bad.
 */
void owts_read_str(struct owts_reader *r, char *dst, size_t dst_size);
/* True if every read so far was in bounds and well formed, and the body is fully consumed. */
bool owts_reader_done(const struct owts_reader *r);
bool owts_reader_ok(const struct owts_reader *r);

/* Growing frame writer. Allocation failure is sticky: owts_writer_finish() then fails. */
struct owts_writer {
	wStream *s;
	bool bad;
};

/* Starts a frame. Returns 0 or -ENOMEM. */
int owts_writer_begin(struct owts_writer *w, uint16_t op, uint32_t id, uint32_t status);
/* Makes room for bytes more without further allocation (a hint; failure is sticky). */
void owts_writer_reserve(struct owts_writer *w, size_t bytes);
void owts_write_u8(struct owts_writer *w, uint8_t v);
void owts_write_u16(struct owts_writer *w, uint16_t v);
void owts_write_u32(struct owts_writer *w, uint32_t v);
void owts_write_u64(struct owts_writer *w, uint64_t v);
void owts_write_bytes(struct owts_writer *w, const void *src, size_t len);
/* Writes a string; NULL is written as "". Longer than OWTS_STRING_MAX marks the writer bad. */
void owts_write_str(struct owts_writer *w, const char *str);
/*
 * Completes the frame's length. On success *buf and *len describe the frame (owned by the writer
 * until owts_writer_free). Returns 0, -ENOMEM or -EMSGSIZE.
 */
int owts_writer_finish(struct owts_writer *w, const uint8_t **buf, size_t *len);
/* Drops the body written so far and sets the frame's status: a reply that failed late. */
void owts_writer_fail(struct owts_writer *w, uint32_t status);
void owts_writer_free(struct owts_writer *w);

#endif /* OWTS_WIRE_H */
