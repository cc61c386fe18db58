/*
 * owts_wire.c — frame codec of the control protocol (see owts_wire.h for the format).
 *
 * Every read checks the remaining length before touching the stream, because WinPR's Stream_Read
 * macros assert rather than fail on a short buffer.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "owts_wire.h"

static const struct {
	const char *name;
	uint32_t value;
	bool privileged;
} ops[] = {
#define OWTS_OP_ROW(n, v, p) { #n, v, p },
	OWTS_OPS(OWTS_OP_ROW)
#undef OWTS_OP_ROW
};

const char *owts_op_name(uint32_t op)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].value == op)
			return ops[i].name;
	return "?";
}

bool owts_op_known(uint32_t op, bool *privileged)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (ops[i].value == op) {
			if (privileged)
				*privileged = ops[i].privileged;
			return true;
		}
	}
	return false;
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

long owts_frame_length(const uint8_t head[OWTS_FRAME_HEADER])
{
	uint32_t total = get_le32(head);
	uint16_t version = (uint16_t)(head[4] | head[5] << 8);
	if (total < OWTS_FRAME_HEADER || total > OWTS_FRAME_MAX || version != OWTS_PROTO_VERSION)
		return -EBADMSG;
	return (long)total;
}

long owts_frame_decode(const uint8_t *buf, size_t len, struct owts_frame *f)
{
	if (len < 4)
		return 0;
	uint32_t total = get_le32(buf);
	if (total < OWTS_FRAME_HEADER || total > OWTS_FRAME_MAX)
		return -EBADMSG;
	if (len < OWTS_FRAME_HEADER)
		return 0;
	if (owts_frame_length(buf) < 0)
		return -EBADMSG;
	if (len < total)
		return 0;
	uint16_t version = (uint16_t)(buf[4] | buf[5] << 8);
	f->version = version;
	f->op = (uint16_t)(buf[6] | buf[7] << 8);
	f->id = get_le32(buf + 8);
	f->status = get_le32(buf + 12);
	f->body = buf + OWTS_FRAME_HEADER;
	f->body_len = total - OWTS_FRAME_HEADER;
	return (long)total;
}

void owts_reader_init(struct owts_reader *r, const uint8_t *body, size_t len)
{
	/* WinPR wants a non-const buffer; the reader never writes through it. */
	Stream_StaticInit(&r->s, (BYTE *)body, len);
	r->bad = false;
}

static bool reader_take(struct owts_reader *r, size_t n)
{
	if (r->bad || Stream_GetRemainingLength(&r->s) < n) {
		r->bad = true;
		return false;
	}
	return true;
}

uint8_t owts_read_u8(struct owts_reader *r)
{
	uint8_t v = 0;
	if (reader_take(r, 1))
		Stream_Read_UINT8(&r->s, v);
	return v;
}

uint16_t owts_read_u16(struct owts_reader *r)
{
	uint16_t v = 0;
	if (reader_take(r, 2))
		Stream_Read_UINT16(&r->s, v);
	return v;
}

uint32_t owts_read_u32(struct owts_reader *r)
{
	uint32_t v = 0;
	if (reader_take(r, 4))
		Stream_Read_UINT32(&r->s, v);
	return v;
}

uint64_t owts_read_u64(struct owts_reader *r)
{
	uint64_t v = 0;
	if (reader_take(r, 8))
		Stream_Read_UINT64(&r->s, v);
	return v;
}

void owts_read_bytes(struct owts_reader *r, void *dst, size_t len)
{
	if (reader_take(r, len))
		Stream_Read(&r->s, dst, len);
	else
		memset(dst, 0, len);
}

void owts_read_str(struct owts_reader *r, char *dst, size_t dst_size)
{
	uint32_t n = owts_read_u32(r);
	if (dst_size)
		dst[0] = '\0';
	if (r->bad)
		return;
	if (n > OWTS_STRING_MAX || n >= dst_size || !reader_take(r, n)) {
		r->bad = true;
		return;
	}
	const uint8_t *p = Stream_Pointer(&r->s);
	if (memchr(p, '\0', n)) {
		r->bad = true;
		return;
	}
	memcpy(dst, p, n);
	dst[n] = '\0';
	Stream_Seek(&r->s, n);
}

bool owts_reader_ok(const struct owts_reader *r)
{
	return !r->bad;
}

bool owts_reader_done(const struct owts_reader *r)
{
	return !r->bad && Stream_GetRemainingLength((wStream *)&r->s) == 0;
}

static bool writer_room(struct owts_writer *w, size_t n)
{
	if (w->bad)
		return false;
	if (Stream_GetPosition(w->s) + n > OWTS_FRAME_MAX ||
	    !Stream_EnsureRemainingCapacity(w->s, n)) {
		w->bad = true;
		return false;
	}
	return true;
}

int owts_writer_begin(struct owts_writer *w, uint16_t op, uint32_t id, uint32_t status)
{
	w->bad = false;
	w->s = Stream_New(NULL, 256);
	if (!w->s)
		return -ENOMEM;
	Stream_Write_UINT32(w->s, 0); /* length, set by finish */
	Stream_Write_UINT16(w->s, OWTS_PROTO_VERSION);
	Stream_Write_UINT16(w->s, op);
	Stream_Write_UINT32(w->s, id);
	Stream_Write_UINT32(w->s, status);
	return 0;
}

void owts_writer_reserve(struct owts_writer *w, size_t bytes)
{
	(void)writer_room(w, bytes);
}

void owts_write_u8(struct owts_writer *w, uint8_t v)
{
	if (writer_room(w, 1))
		Stream_Write_UINT8(w->s, v);
}

void owts_write_u16(struct owts_writer *w, uint16_t v)
{
	if (writer_room(w, 2))
		Stream_Write_UINT16(w->s, v);
}

void owts_write_u32(struct owts_writer *w, uint32_t v)
{
	if (writer_room(w, 4))
		Stream_Write_UINT32(w->s, v);
}

void owts_write_u64(struct owts_writer *w, uint64_t v)
{
	if (writer_room(w, 8))
		Stream_Write_UINT64(w->s, v);
}

void owts_write_bytes(struct owts_writer *w, const void *src, size_t len)
{
	if (len && writer_room(w, len))
		Stream_Write(w->s, src, len);
}

void owts_write_str(struct owts_writer *w, const char *str)
{
	size_t n = str ? strlen(str) : 0;
	if (n > OWTS_STRING_MAX) {
		w->bad = true;
		return;
	}
	owts_write_u32(w, (uint32_t)n);
	owts_write_bytes(w, str, n);
}

void owts_writer_fail(struct owts_writer *w, uint32_t status)
{
	if (!w->s)
		return;
	w->bad = false;
	Stream_SetPosition(w->s, 12);
	Stream_Write_UINT32(w->s, status);
}

int owts_writer_finish(struct owts_writer *w, const uint8_t **buf, size_t *len)
{
	if (!w->s)
		return -ENOMEM;
	if (w->bad)
		return Stream_GetPosition(w->s) + 1 > OWTS_FRAME_MAX ? -EMSGSIZE : -ENOMEM;
	size_t total = Stream_GetPosition(w->s);
	Stream_SetPosition(w->s, 0);
	Stream_Write_UINT32(w->s, (uint32_t)total);
	Stream_SetPosition(w->s, total);
	*buf = Stream_Buffer(w->s);
	*len = total;
	return 0;
}

void owts_writer_free(struct owts_writer *w)
{
	if (w->s)
		Stream_Free(w->s, TRUE);
	w->s = NULL;
}
