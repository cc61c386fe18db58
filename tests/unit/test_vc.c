/*
 * test_vc.c — the channel socket's packets (src/common/owts_vc.c): the header, owts_vc_parse's
 * checks of an app's packet (every rule of owts_vc.h, at its boundary), and owts_vc_join's
 * reassembly of a message and its refusal of packets out of order.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "owts_vc.h"

/* Builds a packet {total, flags} + len data bytes (value i & 0xff) in a static buffer. */
static const uint8_t *pkt(uint32_t total, uint32_t flags, size_t len, size_t *out_len)
{
	static uint8_t buf[OWTS_VC_HEADER + OWTS_VC_SEGMENT + 2];
	owts_vc_header_put(buf, total, flags);
	for (size_t i = 0; i < len; i++)
		buf[OWTS_VC_HEADER + i] = (uint8_t)i;
	*out_len = OWTS_VC_HEADER + len;
	return buf;
}

static int parse(uint32_t total, uint32_t flags, size_t len, struct owts_vc_packet *p)
{
	size_t n;
	const uint8_t *b = pkt(total, flags, len, &n);
	return owts_vc_parse(b, n, p);
}

static void test_header(void **st)
{
	(void)st;
	uint8_t h[OWTS_VC_HEADER];
	owts_vc_header_put(h, 0x01020304u, 0xA0B0C0D0u);
	assert_memory_equal(h, "\x04\x03\x02\x01\xD0\xC0\xB0\xA0", 8);
	uint32_t l, f;
	owts_vc_header_get(h, &l, &f);
	assert_int_equal(l, 0x01020304u);
	assert_int_equal(f, 0xA0B0C0D0u);
}

static void test_parse_data(void **st)
{
	(void)st;
	struct owts_vc_packet p;
	assert_int_equal(parse(1, OWTS_VC_FIRST | OWTS_VC_LAST, 1, &p), 0);
	assert_int_equal(p.total, 1);
	assert_int_equal(p.len, 1);
	assert_int_equal(p.flags, OWTS_VC_FIRST | OWTS_VC_LAST);
	assert_int_equal(parse(OWTS_VC_WRITE_MAX, OWTS_VC_FIRST, OWTS_VC_SEGMENT, &p), 0);
	assert_int_equal(p.len, OWTS_VC_SEGMENT);
	assert_int_equal(parse(100, 0, 50, &p), 0); /* a middle packet */
	assert_int_equal(parse(100, OWTS_VC_LAST, 100, &p), 0);

	assert_int_equal(parse(0, OWTS_VC_FIRST | OWTS_VC_LAST, 0, &p), -EBADMSG); /* empty */
	assert_int_equal(parse(10, OWTS_VC_FIRST, 0, &p), -EBADMSG);               /* no data */
	assert_int_equal(parse(10, OWTS_VC_FIRST, 11, &p), -EBADMSG); /* more than the message */
	assert_int_equal(parse(OWTS_VC_WRITE_MAX + 1, OWTS_VC_FIRST, 1, &p), -EBADMSG);
	assert_int_equal(parse(OWTS_VC_WRITE_MAX, OWTS_VC_FIRST, OWTS_VC_SEGMENT + 1, &p),
	                 -EBADMSG);
	assert_int_equal(parse(10, OWTS_VC_FIRST | 0x10, 1, &p), -EBADMSG); /* unknown flag */
	uint8_t short_pkt[7] = {0};
	assert_int_equal(owts_vc_parse(short_pkt, sizeof(short_pkt), &p), -EBADMSG);
}

static void test_parse_control(void **st)
{
	(void)st;
	struct owts_vc_packet p;
	assert_int_equal(parse(0, OWTS_VC_CTL_PURGE_INPUT, 0, &p), 0);
	assert_int_equal(p.flags, OWTS_VC_CTL_PURGE_INPUT);
	assert_int_equal(p.len, 0);
	assert_int_equal(parse(0, OWTS_VC_CTL_PURGE_OUTPUT, 0, &p), 0);
	assert_int_equal(parse(0, OWTS_VC_CTL_MASK, 0, &p), -EBADMSG); /* both at once */
	assert_int_equal(parse(0, OWTS_VC_CTL_PURGE_INPUT | OWTS_VC_FIRST, 0, &p), -EBADMSG);
	assert_int_equal(parse(1, OWTS_VC_CTL_PURGE_INPUT, 0, &p), -EBADMSG);
	assert_int_equal(parse(0, OWTS_VC_CTL_PURGE_OUTPUT, 1, &p), -EBADMSG);
}

/* Feeds a packet {total, flags, len bytes of value (seed + i)}. */
static int feed(struct owts_vc_join *j, uint32_t total, uint32_t flags, size_t len, uint8_t seed,
                const uint8_t **msg, size_t *msg_len)
{
	static uint8_t data[OWTS_VC_SEGMENT];
	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)(seed + i);
	struct owts_vc_packet p = {total, flags, data, len};
	return owts_vc_join_feed(j, &p, msg, msg_len);
}

static void test_join(void **st)
{
	(void)st;
	struct owts_vc_join j;
	owts_vc_join_init(&j);
	const uint8_t *m;
	size_t n;
	/* A whole message in one packet: handed out without a copy. */
	assert_int_equal(feed(&j, 3, OWTS_VC_FIRST | OWTS_VC_LAST, 3, 1, &m, &n), 1);
	assert_int_equal(n, 3);
	assert_int_equal(m[2], 3);
	/* Three packets across the segment size. */
	uint32_t total = 2 * OWTS_VC_SEGMENT + 5;
	assert_int_equal(feed(&j, total, OWTS_VC_FIRST, OWTS_VC_SEGMENT, 0, &m, &n), 0);
	assert_int_equal(feed(&j, total, 0, OWTS_VC_SEGMENT, 0, &m, &n), 0);
	assert_int_equal(feed(&j, total, OWTS_VC_LAST, 5, 0, &m, &n), 1);
	assert_int_equal(n, total);
	assert_int_equal(m[OWTS_VC_SEGMENT + 1], 1);
	assert_int_equal(m[2 * OWTS_VC_SEGMENT + 4], 4);
	/* Then the next message joins from scratch. */
	assert_int_equal(feed(&j, 4, OWTS_VC_FIRST, 2, 9, &m, &n), 0);
	assert_int_equal(feed(&j, 4, OWTS_VC_LAST, 2, 11, &m, &n), 1);
	assert_memory_equal(m, "\x09\x0a\x0b\x0c", 4);
	owts_vc_join_free(&j);
}

static void test_join_errors(void **st)
{
	(void)st;
	struct owts_vc_join j;
	owts_vc_join_init(&j);
	const uint8_t *m = NULL;
	size_t n = 0;
	/* A middle or last packet without a FIRST. */
	assert_int_equal(feed(&j, 10, 0, 5, 0, &m, &n), -EBADMSG);
	assert_int_equal(feed(&j, 10, OWTS_VC_LAST, 5, 0, &m, &n), -EBADMSG);
	/* A FIRST in the middle drops the message under way. */
	assert_int_equal(feed(&j, 10, OWTS_VC_FIRST, 5, 0, &m, &n), 0);
	assert_int_equal(feed(&j, 10, OWTS_VC_FIRST, 5, 0, &m, &n), -EBADMSG);
	assert_int_equal(j.total, 0);
	/* Another length in the middle. */
	assert_int_equal(feed(&j, 10, OWTS_VC_FIRST, 5, 0, &m, &n), 0);
	assert_int_equal(feed(&j, 11, OWTS_VC_LAST, 5, 0, &m, &n), -EBADMSG);
	/* More bytes than announced, a LAST short of them, a middle packet that completes it. */
	assert_int_equal(feed(&j, 10, OWTS_VC_FIRST, 5, 0, &m, &n), 0);
	assert_int_equal(feed(&j, 10, OWTS_VC_LAST, 6, 0, &m, &n), -EBADMSG);
	assert_int_equal(feed(&j, 10, OWTS_VC_FIRST, 5, 0, &m, &n), 0);
	assert_int_equal(feed(&j, 10, OWTS_VC_LAST, 4, 0, &m, &n), -EBADMSG);
	assert_int_equal(feed(&j, 10, OWTS_VC_FIRST, 5, 0, &m, &n), 0);
	assert_int_equal(feed(&j, 10, 0, 5, 0, &m, &n), -EBADMSG);
	/* A single packet whose length is not the message's. */
	assert_int_equal(feed(&j, 10, OWTS_VC_FIRST | OWTS_VC_LAST, 5, 0, &m, &n), -EBADMSG);
	/* A reset drops the message under way; a large buffer is not kept. */
	assert_int_equal(feed(&j, 4 * OWTS_VC_SEGMENT, OWTS_VC_FIRST, OWTS_VC_SEGMENT, 0, &m, &n),
	                 0);
	owts_vc_join_reset(&j);
	assert_int_equal(j.total, 0);
	assert_null(j.buf);
	assert_int_equal(feed(&j, 2, OWTS_VC_FIRST, 1, 0, &m, &n), 0);
	owts_vc_join_reset(&j);
	assert_non_null(j.buf); /* a small one is */
	assert_int_equal(feed(&j, 2, OWTS_VC_LAST, 1, 0, &m, &n), -EBADMSG);
	owts_vc_join_free(&j);
	assert_null(j.buf);
}

/* How the library splits a packet from wtsd into records: full ones but the last. */
static void test_record_len(void **st)
{
	(void)st;
	const size_t full = OWTS_VC_HEADER + OWTS_VC_CHUNK;
	assert_int_equal(owts_vc_record_len(OWTS_VC_HEADER + 1, 0), 1);
	assert_int_equal(owts_vc_record_len(full, 0), OWTS_VC_CHUNK);
	assert_int_equal(owts_vc_record_len(2 * full, 0), OWTS_VC_CHUNK);
	assert_int_equal(owts_vc_record_len(2 * full, full), OWTS_VC_CHUNK);
	assert_int_equal(owts_vc_record_len(full + OWTS_VC_HEADER + 5, full), 5);
	assert_int_equal(owts_vc_record_len(OWTS_VC_HEADER, 0), 0);      /* no data */
	assert_int_equal(owts_vc_record_len(3, 0), 0);                   /* no header */
	assert_int_equal(owts_vc_record_len(full + OWTS_VC_HEADER, 0), 0); /* an empty next record */
	assert_int_equal(owts_vc_record_len(full + 4, 0), 0);            /* a broken next header */
	assert_int_equal(owts_vc_record_len(full, full + 1), 0);         /* beyond the packet */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header),        cmocka_unit_test(test_parse_data),
	    cmocka_unit_test(test_parse_control), cmocka_unit_test(test_join),
	    cmocka_unit_test(test_join_errors),   cmocka_unit_test(test_record_len),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
