/*
 * test_common.c — unit tests of src/common: frame codec and field reader/writer, session and
 * process records, UTF-8 ↔ UTF-16, SIDs, cgroup names and paths, errno → Win32.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "owts_error.h"
#include "owts_paths.h"
#include "owts_records.h"
#include "owts_sid.h"
#include "owts_utf.h"
#include "owts_wire.h"

static void test_frame_roundtrip(void **state)
{
	(void)state;
	struct owts_writer w;
	assert_int_equal(owts_writer_begin(&w, OWTS_OP_SESSION_QUERY, 42, 7), 0);
	owts_write_u8(&w, 0xAB);
	owts_write_u16(&w, 0xBEEF);
	owts_write_u32(&w, 0xDEADBEEF);
	owts_write_u64(&w, 0x0123456789ABCDEFull);
	owts_write_str(&w, "héllo");
	owts_write_str(&w, NULL);
	const uint8_t *buf;
	size_t len;
	assert_int_equal(owts_writer_finish(&w, &buf, &len), 0);
	struct owts_frame f;
	/* Every prefix is "need more"; the whole frame decodes. */
	for (size_t i = 0; i < len; i++)
		assert_int_equal(owts_frame_decode(buf, i, &f), 0);
	assert_int_equal(owts_frame_decode(buf, len, &f), (long)len);
	assert_int_equal(owts_frame_length(buf), (long)len);
	assert_int_equal(f.op, OWTS_OP_SESSION_QUERY);
	assert_int_equal(f.id, 42);
	assert_int_equal(f.status, 7);
	struct owts_reader r;
	owts_reader_init(&r, f.body, f.body_len);
	assert_int_equal(owts_read_u8(&r), 0xAB);
	assert_int_equal(owts_read_u16(&r), 0xBEEF);
	assert_int_equal(owts_read_u32(&r), 0xDEADBEEF);
	assert_true(owts_read_u64(&r) == 0x0123456789ABCDEFull);
	char s[16];
	owts_read_str(&r, s, sizeof(s));
	assert_string_equal(s, "héllo");
	owts_read_str(&r, s, sizeof(s));
	assert_string_equal(s, "");
	assert_true(owts_reader_done(&r));
	owts_writer_free(&w);
}

static void test_frame_malformed(void **state)
{
	(void)state;
	struct owts_frame f;
	uint8_t h[16] = { 16, 0, 0, 0, OWTS_PROTO_VERSION, 0, 1, 0 };
	assert_int_equal(owts_frame_decode(h, 16, &f), 16);
	h[4] = OWTS_PROTO_VERSION + 1; /* version */
	assert_int_equal(owts_frame_decode(h, 16, &f), -EBADMSG);
	h[4] = OWTS_PROTO_VERSION;
	h[0] = 15; /* shorter than the header */
	assert_int_equal(owts_frame_decode(h, 16, &f), -EBADMSG);
	h[0] = 0, h[3] = 0x10; /* beyond OWTS_FRAME_MAX */
	assert_int_equal(owts_frame_decode(h, 16, &f), -EBADMSG);
	assert_int_equal(owts_frame_length(h), -EBADMSG);
}

static void test_reader_sticky(void **state)
{
	(void)state;
	const uint8_t body[] = { 5, 0, 0, 0, 'a', 'b' }; /* a string of 5 bytes with 2 present */
	struct owts_reader r;
	char s[16];
	owts_reader_init(&r, body, sizeof(body));
	owts_read_str(&r, s, sizeof(s));
	assert_false(owts_reader_ok(&r));
	assert_string_equal(s, "");
	assert_int_equal(owts_read_u32(&r), 0); /* sticky */
	/* A string longer than its destination, and one holding a NUL. */
	const uint8_t longer[] = { 3, 0, 0, 0, 'a', 'b', 'c' };
	owts_reader_init(&r, longer, sizeof(longer));
	owts_read_str(&r, s, 3);
	assert_false(owts_reader_ok(&r));
	const uint8_t nul[] = { 3, 0, 0, 0, 'a', 0, 'c' };
	owts_reader_init(&r, nul, sizeof(nul));
	owts_read_str(&r, s, sizeof(s));
	assert_false(owts_reader_ok(&r));
	/* Trailing bytes: ok but not done. */
	const uint8_t extra[] = { 1, 0, 0, 0, 9 };
	owts_reader_init(&r, extra, sizeof(extra));
	assert_int_equal(owts_read_u32(&r), 1);
	assert_true(owts_reader_ok(&r));
	assert_false(owts_reader_done(&r));
}

static void test_writer_fail(void **state)
{
	(void)state;
	struct owts_writer w;
	assert_int_equal(owts_writer_begin(&w, OWTS_OP_PROCESS_ENUM, 3, 0), 0);
	owts_write_u32(&w, 99);
	owts_writer_fail(&w, 5);
	const uint8_t *buf;
	size_t len;
	assert_int_equal(owts_writer_finish(&w, &buf, &len), 0);
	assert_int_equal(len, OWTS_FRAME_HEADER);
	struct owts_frame f;
	assert_int_equal(owts_frame_decode(buf, len, &f), 16);
	assert_int_equal(f.status, 5);
	owts_writer_free(&w);
	/* An over-long string marks the writer bad. */
	static char big[OWTS_STRING_MAX + 2];
	memset(big, 'x', sizeof(big) - 1);
	assert_int_equal(owts_writer_begin(&w, 1, 1, 0), 0);
	owts_write_str(&w, big);
	assert_true(owts_writer_finish(&w, &buf, &len) < 0);
	owts_writer_free(&w);
}

static void test_records(void **state)
{
	(void)state;
	static struct owts_session a, b;
	a.id = 7;
	a.state = 4;
	a.uid = 1000;
	a.protocol = 2;
	strcpy(a.station, "RDP-Tcp#7");
	strcpy(a.user, "alice");
	a.client_addr[2] = 127;
	a.logon_time = 133000000000000000ull;
	a.out_cbytes = 9;
	struct owts_writer w;
	assert_int_equal(owts_writer_begin(&w, 2, 1, 0), 0);
	owts_session_write(&w, &a);
	struct owts_process p = { .pid = 5, .session_id = 7, .uid = 1000, .threads = 3,
		                  .peak_working_set = 1ull << 40, .kernel_time = 11 };
	strcpy(p.name, "bash");
	owts_process_write(&w, &p, 1);
	owts_process_write(&w, &p, 0);
	owts_session_brief_write(&w, &a);
	const uint8_t *buf;
	size_t len;
	assert_int_equal(owts_writer_finish(&w, &buf, &len), 0);
	struct owts_reader r;
	owts_reader_init(&r, buf + 16, len - 16);
	owts_session_read(&r, &b);
	assert_memory_equal(&a, &b, sizeof(a));
	struct owts_process q;
	owts_process_read(&r, &q, 1);
	assert_memory_equal(&p, &q, sizeof(p));
	owts_process_read(&r, &q, 0);
	assert_int_equal(q.threads, 0); /* level 0 carries no counters */
	assert_string_equal(q.name, "bash");
	struct owts_session_brief brief;
	owts_session_brief_read(&r, &brief);
	assert_int_equal(brief.id, 7);
	assert_int_equal(brief.uid, 1000);
	assert_string_equal(brief.station, "RDP-Tcp#7");
	assert_string_equal(brief.user, "alice");
	assert_true(owts_reader_done(&r));
	owts_writer_free(&w);
}

static void test_utf(void **state)
{
	(void)state;
	uint16_t w[16];
	assert_int_equal(owts_utf16_len("aé€😀"), 5);
	assert_int_equal(owts_utf8_to_utf16("aé€😀", w, 16), 5);
	assert_int_equal(w[0], 'a');
	assert_int_equal(w[1], 0xE9);
	assert_int_equal(w[2], 0x20AC);
	assert_int_equal(w[3], 0xD83D);
	assert_int_equal(w[4], 0xDE00);
	assert_int_equal(w[5], 0);
	char back[32];
	assert_int_equal(owts_utf16_to_utf8(w, back, sizeof(back)), (long)strlen("aé€😀"));
	assert_string_equal(back, "aé€😀");
	/* Invalid UTF-8 becomes U+FFFD; truncation keeps surrogate pairs whole. */
	assert_int_equal(owts_utf8_to_utf16("a\xff\xc3", w, 16), 3);
	assert_int_equal(w[1], 0xFFFD);
	assert_int_equal(w[2], 0xFFFD);
	assert_int_equal(owts_utf8_to_utf16("a😀", w, 3), 1);
	assert_int_equal(w[1], 0);
	/* A lone surrogate, and a buffer too small. */
	const uint16_t lone[] = { 0xD800, 'x', 0 };
	assert_true(owts_utf16_to_utf8(lone, back, sizeof(back)) > 0);
	assert_string_equal(back, "\xef\xbf\xbdx");
	assert_int_equal(owts_utf16_to_utf8(lone, back, 2), -ENAMETOOLONG);
}

static void test_sid(void **state)
{
	(void)state;
	uint8_t sid[OWTS_SID_MAX];
	uint32_t uid;
	size_t n = owts_sid_from_uid(1000, sid);
	const uint8_t want[] = { 1, 2, 0, 0, 0, 0, 0, 22, 1, 0, 0, 0, 0xE8, 3, 0, 0 };
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(sid, want, n);
	assert_int_equal(owts_sid_to_uid(sid, n, &uid), 0);
	assert_int_equal(uid, 1000);
	n = owts_sid_from_uid(0, sid);
	const uint8_t system[] = { 1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0 };
	assert_memory_equal(sid, system, n);
	assert_int_equal(owts_sid_to_uid(sid, n, &uid), 0);
	assert_int_equal(uid, 0);
	n = owts_sid_from_gid(100, sid);
	assert_int_equal(sid[8], 2);
	assert_int_equal(owts_sid_to_uid(sid, n, &uid), -EINVAL); /* a group is no user */
	assert_int_equal(owts_sid_to_uid(sid, n - 1, &uid), -EINVAL);
}

static void test_paths(void **state)
{
	(void)state;
	char base[64];
	uint32_t id;
	assert_int_equal(owts_cgroup_base(OWTS_DEFAULT_SOCKET, base, sizeof(base)), 0);
	assert_string_equal(base, "openwts");
	assert_int_equal(owts_cgroup_base("/tmp/x.sock", base, sizeof(base)), 0);
	assert_int_equal(strlen(base), strlen("openwts-") + 8);
	assert_int_equal(owts_cgroup_base("/tmp/x.sock", base, 4), -ENAMETOOLONG);
	assert_int_equal(owts_cgroup_session("/openwts/session-7", "openwts", &id), 0);
	assert_int_equal(id, 7);
	assert_int_equal(owts_cgroup_session("/a/b/openwts/session-12/app", "openwts", &id), 0);
	assert_int_equal(id, 12);
	assert_int_equal(owts_cgroup_session("/openwts-1/session-7", "openwts", &id), -ENOENT);
	assert_int_equal(owts_cgroup_session("/openwts/session-", "openwts", &id), -ENOENT);
	assert_int_equal(owts_cgroup_session("/openwts/session-7x", "openwts", &id), -ENOENT);
	assert_int_equal(owts_cgroup_session("/openwts/session-99999999999", "openwts", &id),
	                 -ENOENT);
	assert_int_equal(owts_cgroup_session("/", "openwts", &id), -ENOENT);
	char path[64];
	const char v2[] = "12:memory:/x\n0::/openwts/session-3\n";
	assert_int_equal(owts_cgroup_parse(v2, strlen(v2), path, sizeof(path)), 0);
	assert_string_equal(path, "/openwts/session-3");
	assert_int_equal(owts_cgroup_parse("1:cpu:/\n", 8, path, sizeof(path)), -ENOENT);
	assert_int_equal(owts_cgroup_parse(v2, strlen(v2), path, 4), -ENAMETOOLONG);
}

static void test_errno_map(void **state)
{
	(void)state;
	assert_int_equal(owts_errno_to_win32(0), 0);
	assert_int_equal(owts_errno_to_win32(-EACCES), 5);
	assert_int_equal(owts_errno_to_win32(EINVAL), 87);
	assert_int_equal(owts_errno_to_win32(-ECONNREFUSED), OWTS_RPC_S_SERVER_UNAVAILABLE);
	assert_int_equal(owts_errno_to_win32(-EXDEV), 1627); /* unmapped: ERROR_FUNCTION_FAILED */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_roundtrip), cmocka_unit_test(test_frame_malformed),
		cmocka_unit_test(test_reader_sticky),   cmocka_unit_test(test_writer_fail),
		cmocka_unit_test(test_records),         cmocka_unit_test(test_utf),
		cmocka_unit_test(test_sid),             cmocka_unit_test(test_paths),
		cmocka_unit_test(test_errno_map),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
