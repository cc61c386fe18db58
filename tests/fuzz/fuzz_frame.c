/*
 * fuzz_frame.c — libFuzzer target for every decoder of control-protocol bytes.
 *
 * Both sides decode untrusted frames: wtsd decodes requests from any local user, the library
 * decodes replies (a hostile process could listen on OPENWTS_SOCKET). The input is cut into
 * frames with owts_frame_decode(); each body is then parsed as every request and every reply
 * of the protocol, with the same readers the daemon and the library use.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "owts_listener.h"
#include "owts_records.h"
#include "owts_wire.h"

static void parse_bodies(const uint8_t *body, size_t len)
{
	struct owts_reader r;
	char str[OWTS_PATH_MAX];
	static struct owts_session s;
	static struct owts_session_brief b;
	struct owts_process p;

	/* Requests. */
	owts_reader_init(&r, body, len);
	(void)owts_read_u32(&r);
	(void)owts_read_u32(&r);
	uint32_t argc = owts_read_u32(&r);
	for (uint32_t i = 0; i < argc && i < 64 && owts_reader_ok(&r); i++)
		owts_read_str(&r, str, sizeof(str));
	(void)owts_reader_done(&r);

	/* Replies: session lists, one session, process lists of both levels, small replies. */
	owts_reader_init(&r, body, len);
	uint32_t n = owts_read_u32(&r);
	for (uint32_t i = 0; i < n && owts_reader_ok(&r); i++)
		owts_session_brief_read(&r, &b);
	owts_reader_init(&r, body, len);
	owts_session_read(&r, &s);
	(void)owts_reader_done(&r);
	for (uint32_t level = 0; level < 2; level++) {
		owts_reader_init(&r, body, len);
		n = owts_read_u32(&r);
		for (uint32_t i = 0; i < n && owts_reader_ok(&r); i++)
			owts_process_read(&r, &p, level);
		(void)owts_reader_done(&r);
	}
	owts_reader_init(&r, body, len);
	(void)owts_read_u32(&r);
	(void)owts_read_u8(&r);
	owts_read_str(&r, str, sizeof(str));
	(void)owts_reader_done(&r);
	owts_reader_init(&r, body, len);
	(void)owts_read_u16(&r);
	(void)owts_read_u64(&r);
	(void)owts_reader_done(&r);
	/* Listeners: LISTENER_CREATE (flag, record) and LISTENER_QUERY's reply (record). */
	static struct owts_listener l;
	owts_reader_init(&r, body, len);
	(void)owts_read_u32(&r);
	owts_listener_read(&r, &l);
	(void)owts_reader_done(&r);
	owts_reader_init(&r, body, len);
	owts_listener_read(&r, &l);
	(void)owts_reader_done(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;
	while (off < size) {
		struct owts_frame f;
		long total = owts_frame_decode(data + off, size - off, &f);
		if (total <= 0)
			break;
		bool privileged;
		(void)owts_op_known(f.op, &privileged);
		(void)owts_op_name(f.op);
		parse_bodies(f.body, f.body_len);
		off += (size_t)total;
	}
	/* The body parsers also see the raw input, frame or not. */
	parse_bodies(data, size);
	return 0;
}
