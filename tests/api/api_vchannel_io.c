/*
 * api_vchannel_io.c — WTSVirtualChannelRead, WTSVirtualChannelWrite and the purges against a fake
 * wtsd that speaks the real protocol (api_vc_fake.h), the test playing wtsd's relay:
 *   - writes of 1 byte to 16 MiB arrive as packets of full 64 KiB segments with FIRST/LAST and
 *     the message's length in every header, byte-exact (joined with owts_vc_join); Length 0 sends
 *     nothing;
 *   - a read is one packet, its header stripped or shown (SHOW_PROTOCOL); a buffer too small gives
 *     ERROR_INSUFFICIENT_BUFFER and loses nothing;
 *   - TimeOut 0, 50 ms, INFINITE and a long one with a delayed sender, and a signal in the middle;
 *   - the end of the socket: queued data first, then ERROR_BROKEN_PIPE at once, every time;
 *   - PurgeInput drops what is queued and asks wtsd to purge; PurgeOutput asks wtsd;
 *   - two writers, a reader and wtsd's sender at once: no packet of two messages interleaves;
 *   - every parameter error, outputs untouched.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <poll.h>
#include <sys/socket.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_vc_fake.h"

/* --- write --------------------------------------------------------------------------------- */

static void write_one(HANDLE h, int peer, size_t size, uint32_t seed)
{
	uint8_t *buf = malloc(size);
	for (size_t i = 0; i < size; i++)
		buf[i] = pattern(i, seed);
	struct collect c;
	pthread_t t;
	collect_start(&c, &t, peer, 1);
	ULONG written = SENTINEL;
	SetLastError(SENTINEL);
	assert_true(WTSVirtualChannelWrite(h, (PCHAR)buf, (ULONG)size, &written));
	assert_int_equal(GetLastError(), SENTINEL);
	assert_int_equal(written, size);
	pthread_join(t, NULL);
	assert_true(c.ok);
	assert_int_equal(c.got, 1);
	assert_int_equal(c.len[0], size);
	assert_int_equal(c.packets, (int)((size + OWTS_VC_SEGMENT - 1) / OWTS_VC_SEGMENT));
	assert_memory_equal(c.msg[0], buf, size);
	collect_free(&c);
	free(buf);
}

static void test_write_sizes(void **st)
{
	(void)st;
	int peer;
	HANDLE h = open_static(&peer);
	static const size_t sizes[] = {
	    1,     7,     1599,   1600,   1601,     1608,           65535,
	    65536, 65537, 131072, 131073, 1u << 20, (1u << 20) + 7, OWTS_VC_WRITE_MAX};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		write_one(h, peer, sizes[i], (uint32_t)i);

	/* A single small packet: FIRST|LAST, header byte-exact. */
	ULONG written = 0;
	assert_true(WTSVirtualChannelWrite(h, "abc", 3, &written));
	uint8_t pkt[64];
	assert_int_equal(peer_recv(peer, pkt, sizeof(pkt)), 11);
	assert_memory_equal(pkt, "\x03\0\0\0\x03\0\0\0abc", 11);

	/* Length 0: TRUE, nothing sent. */
	written = SENTINEL;
	assert_true(WTSVirtualChannelWrite(h, "x", 0, &written));
	assert_int_equal(written, 0);
	written = SENTINEL;
	assert_true(WTSVirtualChannelWrite(h, NULL, 0, &written));
	assert_int_equal(written, 0);
	assert_true(peer_idle(peer));
	assert_true(WTSVirtualChannelClose(h));
	close(peer);
}

static void test_write_params(void **st)
{
	(void)st;
	int peer;
	HANDLE h = open_static(&peer);
	ULONG written = SENTINEL;
	EXPECT_FALSE(WTSVirtualChannelWrite(h, "x", 1, NULL), 87);
	EXPECT_FALSE(WTSVirtualChannelWrite(h, NULL, 1, &written), 87);
	EXPECT_FALSE(WTSVirtualChannelWrite(h, "x", OWTS_VC_WRITE_MAX + 1, &written), 87);
	EXPECT_FALSE(WTSVirtualChannelWrite(NULL, "x", 1, &written), 6);
	EXPECT_FALSE(WTSVirtualChannelWrite(FORGED, "x", 1, &written), 6);
	assert_int_equal(written, SENTINEL);
	assert_true(peer_idle(peer));
	assert_true(WTSVirtualChannelClose(h));
	close(peer);
}

/* --- read ---------------------------------------------------------------------------------- */

static void test_read_static(void **st)
{
	(void)st;
	int peer;
	HANDLE h = open_static(&peer);
	uint8_t data[OWTS_VC_CHUNK];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = pattern(i, 1);
	/* A message of 3 chunks: each read is one chunk, without its header. */
	peer_send(peer, 3200 + 5, OWTS_VC_FIRST, data, 1600);
	peer_send(peer, 3200 + 5, 0, data, 1600);
	peer_send(peer, 3200 + 5, OWTS_VC_LAST, data, 5);
	char buf[OWTS_VC_CHUNK];
	ULONG got = SENTINEL;
	SetLastError(SENTINEL);
	assert_true(WTSVirtualChannelRead(h, 1000, buf, sizeof(buf), &got));
	assert_int_equal(GetLastError(), SENTINEL);
	assert_int_equal(got, 1600);
	assert_memory_equal(buf, data, 1600);
	assert_true(WTSVirtualChannelRead(h, 1000, buf, sizeof(buf), &got));
	assert_int_equal(got, 1600);
	/* A buffer too small for the next packet: ERROR_INSUFFICIENT_BUFFER, nothing lost. */
	char small[4];
	memset(small, 0x77, sizeof(small));
	got = SENTINEL;
	EXPECT_FALSE(WTSVirtualChannelRead(h, 1000, small, sizeof(small), &got), 122);
	assert_int_equal(got, SENTINEL);
	assert_memory_equal(small, "\x77\x77\x77\x77", 4);
	EXPECT_FALSE(WTSVirtualChannelRead(h, 0, NULL, 0, &got), 122);
	/* A buffer of exactly the packet's size. */
	char five[5];
	assert_true(WTSVirtualChannelRead(h, 1000, five, sizeof(five), &got));
	assert_int_equal(got, 5);
	assert_memory_equal(five, data, 5);
	/* Nothing queued: TRUE with 0 bytes. */
	got = SENTINEL;
	assert_true(WTSVirtualChannelRead(h, 0, buf, sizeof(buf), &got));
	assert_int_equal(got, 0);
	assert_true(WTSVirtualChannelRead(h, 0, NULL, 0, &got));
	assert_int_equal(got, 0);
	assert_true(WTSVirtualChannelClose(h));
	close(peer);
}

static void test_read_show_protocol(void **st)
{
	(void)st;
	int peer;
	HANDLE h = open_dynamic(&peer);
	uint8_t data[OWTS_VC_CHUNK];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = pattern(i, 2);
	peer_send(peer, 1610, OWTS_VC_FIRST, data, 1600);
	peer_send(peer, 1610, OWTS_VC_LAST, data, 10);
	char buf[CHANNEL_PDU_LENGTH];
	ULONG got = 0;
	/* 1600 bytes is too small for a chunk with its header. */
	EXPECT_FALSE(WTSVirtualChannelRead(h, 1000, buf, OWTS_VC_CHUNK, &got), 122);
	assert_true(WTSVirtualChannelRead(h, 1000, buf, sizeof(buf), &got));
	assert_int_equal(got, 1608);
	CHANNEL_PDU_HEADER hdr;
	memcpy(&hdr, buf, sizeof(hdr));
	assert_int_equal(hdr.length, 1610);
	assert_int_equal(hdr.flags, CHANNEL_FLAG_FIRST);
	assert_memory_equal(buf + 8, data, 1600);
	char exact[18];
	assert_true(WTSVirtualChannelRead(h, 1000, exact, sizeof(exact), &got));
	assert_int_equal(got, 18);
	memcpy(&hdr, exact, sizeof(hdr));
	assert_int_equal(hdr.length, 1610);
	assert_int_equal(hdr.flags, CHANNEL_FLAG_LAST);
	assert_memory_equal(exact + 8, data, 10);
	assert_true(WTSVirtualChannelClose(h));
	close(peer);
}

/* A packet of several records (how wtsd sends): one read a record, the socket readable (poll,
 * the event handle) until the last one is read, a buffer too small for a record keeps it. */
static void test_read_records(void **st)
{
	(void)st;
	int peer;
	HANDLE h = open_dynamic(&peer);
	enum { TOTAL = 2 * OWTS_VC_CHUNK + 10 };
	static uint8_t pkt[3 * OWTS_VC_HEADER + TOTAL];
	size_t off = 0;
	for (int r = 0; r < 3; r++) {
		size_t n = r < 2 ? OWTS_VC_CHUNK : 10;
		uint32_t f = (r == 0 ? OWTS_VC_FIRST : 0) | (r == 2 ? OWTS_VC_LAST : 0);
		owts_vc_header_put(pkt + off, TOTAL, f);
		for (size_t i = 0; i < n; i++)
			pkt[off + OWTS_VC_HEADER + i] = pattern((size_t)r * OWTS_VC_CHUNK + i, 7);
		off += OWTS_VC_HEADER + n;
	}
	assert_int_equal(send(peer, pkt, off, 0), (ssize_t)off);
	PVOID fdbuf = NULL;
	DWORD bytes = 0;
	assert_true(WTSVirtualChannelQuery(h, WTSVirtualFileHandle, &fdbuf, &bytes));
	int fd = (int)(intptr_t) * (HANDLE *)fdbuf;
	WTSFreeMemory(fdbuf);
	char buf[CHANNEL_PDU_LENGTH];
	ULONG got = 0;
	for (int r = 0; r < 3; r++) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		assert_int_equal(poll(&p, 1, 0), 1); /* records left: readable */
		if (r == 1)
			EXPECT_FALSE(WTSVirtualChannelRead(h, 0, buf, 100, &got), 122);
		assert_true(WTSVirtualChannelRead(h, 0, buf, sizeof(buf), &got));
		size_t n = r < 2 ? OWTS_VC_CHUNK : 10;
		assert_int_equal(got, OWTS_VC_HEADER + n);
		CHANNEL_PDU_HEADER hdr;
		memcpy(&hdr, buf, sizeof(hdr));
		assert_int_equal(hdr.length, TOTAL);
		for (size_t i = 0; i < n; i++)
			assert_int_equal((uint8_t)buf[OWTS_VC_HEADER + i],
			                 pattern((size_t)r * OWTS_VC_CHUNK + i, 7));
	}
	struct pollfd p = {.fd = fd, .events = POLLIN};
	assert_int_equal(poll(&p, 1, 0), 0); /* the packet left with its last record */
	assert_true(WTSVirtualChannelRead(h, 0, buf, sizeof(buf), &got));
	assert_int_equal(got, 0);
	assert_true(WTSVirtualChannelClose(h));
	close(peer);
}

static void test_read_params(void **st)
{
	(void)st;
	int peer;
	HANDLE h = open_static(&peer);
	peer_send(peer, 1, OWTS_VC_FIRST | OWTS_VC_LAST, "z", 1);
	char buf[16];
	ULONG got = SENTINEL;
	EXPECT_FALSE(WTSVirtualChannelRead(h, 0, buf, sizeof(buf), NULL), 87);
	EXPECT_FALSE(WTSVirtualChannelRead(h, 0, NULL, 16, &got), 87);
	EXPECT_FALSE(WTSVirtualChannelRead(NULL, 0, buf, sizeof(buf), &got), 6);
	EXPECT_FALSE(WTSVirtualChannelRead(FORGED, 0, buf, sizeof(buf), &got), 6);
	assert_int_equal(got, SENTINEL);
	/* The packet is still there. */
	assert_true(WTSVirtualChannelRead(h, 0, buf, sizeof(buf), &got));
	assert_int_equal(got, 1);
	assert_int_equal(buf[0], 'z');
	assert_true(WTSVirtualChannelClose(h));
	close(peer);
}

static void test_read_timeouts(void **st)
{
	(void)st;
	int peer;
	HANDLE h = open_static(&peer);
	char buf[OWTS_VC_CHUNK];
	ULONG got = SENTINEL;
	double t0 = now_s();
	assert_true(WTSVirtualChannelRead(h, 0, buf, sizeof(buf), &got));
	assert_int_equal(got, 0);
	assert_true(now_s() - t0 < 0.05);
	t0 = now_s();
	got = SENTINEL;
	assert_true(WTSVirtualChannelRead(h, 50, buf, sizeof(buf), &got));
	double took = now_s() - t0;
	assert_int_equal(got, 0);
	assert_true(took >= 0.045 && took < 1.0);

	/* INFINITE, and a long timeout: the data comes after 100 ms. */
	struct delayed d = {.peer = peer, .ms = 100};
	pthread_t t;
	DWORD timeouts[] = {INFINITE, 5000};
	for (int i = 0; i < 2; i++) {
		t0 = now_s();
		pthread_create(&t, NULL, delayed_main, &d);
		assert_true(WTSVirtualChannelRead(h, timeouts[i], buf, sizeof(buf), &got));
		took = now_s() - t0;
		pthread_join(t, NULL);
		assert_int_equal(got, 4);
		assert_memory_equal(buf, "late", 4);
		assert_true(took >= 0.09 && took < 2.0);
	}

	/* A signal in the middle restarts the wait with the time left, not from zero. */
	struct sigaction sa = {.sa_handler = on_usr1};
	sigaction(SIGUSR1, &sa, NULL);
	d = (struct delayed){.ms = 60, .target = pthread_self(), .sig = true};
	t0 = now_s();
	pthread_create(&t, NULL, delayed_main, &d);
	assert_true(WTSVirtualChannelRead(h, 200, buf, sizeof(buf), &got));
	took = now_s() - t0;
	pthread_join(t, NULL);
	assert_int_equal(got, 0);
	assert_true(took >= 0.19 && took < 0.6);
	assert_true(WTSVirtualChannelClose(h));
	close(peer);
}

/* The end of the channel: queued data first, then ERROR_BROKEN_PIPE at once, every time. */
static void test_end(void **st)
{
	(void)st;
	int peer;
	HANDLE h = open_static(&peer);
	peer_send(peer, 2, OWTS_VC_FIRST | OWTS_VC_LAST, "hi", 2);
	close(peer);
	char buf[OWTS_VC_CHUNK];
	ULONG got = SENTINEL;
	assert_true(WTSVirtualChannelRead(h, INFINITE, buf, sizeof(buf), &got));
	assert_int_equal(got, 2);
	for (int i = 0; i < 3; i++) {
		double t0 = now_s();
		got = SENTINEL;
		EXPECT_FALSE(WTSVirtualChannelRead(h, INFINITE, buf, sizeof(buf), &got), 109);
		EXPECT_FALSE(WTSVirtualChannelRead(h, 0, buf, 1, &got), 109);
		assert_int_equal(got, SENTINEL);
		assert_true(now_s() - t0 < 0.5);
	}
	ULONG written = SENTINEL;
	EXPECT_FALSE(WTSVirtualChannelWrite(h, "x", 1, &written), 109);
	EXPECT_FALSE(WTSVirtualChannelWrite(h, buf, sizeof(buf), &written), 109);
	assert_int_equal(written, SENTINEL);
	EXPECT_FALSE(WTSVirtualChannelPurgeOutput(h), 109);
	EXPECT_FALSE(WTSVirtualChannelPurgeInput(h), 109);
	assert_true(WTSVirtualChannelClose(h));
}

/* --- purge --------------------------------------------------------------------------------- */

static void test_purge(void **st)
{
	(void)st;
	int peer;
	HANDLE h = open_static(&peer);
	for (int i = 0; i < 5; i++)
		peer_send(peer, 3, OWTS_VC_FIRST | OWTS_VC_LAST, "old", 3);
	SetLastError(SENTINEL);
	assert_true(WTSVirtualChannelPurgeInput(h));
	assert_int_equal(GetLastError(), SENTINEL);
	uint8_t pkt[32];
	assert_int_equal(peer_recv(peer, pkt, sizeof(pkt)), 8);
	assert_memory_equal(pkt, "\0\0\0\0\0\0\0\x01", 8);
	char buf[OWTS_VC_CHUNK];
	ULONG got = SENTINEL;
	assert_true(WTSVirtualChannelRead(h, 0, buf, sizeof(buf), &got));
	assert_int_equal(got, 0);
	peer_send(peer, 3, OWTS_VC_FIRST | OWTS_VC_LAST, "new", 3);
	assert_true(WTSVirtualChannelRead(h, 1000, buf, sizeof(buf), &got));
	assert_int_equal(got, 3);
	assert_memory_equal(buf, "new", 3);

	assert_true(WTSVirtualChannelPurgeOutput(h));
	assert_int_equal(peer_recv(peer, pkt, sizeof(pkt)), 8);
	assert_memory_equal(pkt, "\0\0\0\0\0\0\0\x02", 8);
	assert_true(peer_idle(peer));

	EXPECT_FALSE(WTSVirtualChannelPurgeInput(NULL), 6);
	EXPECT_FALSE(WTSVirtualChannelPurgeOutput(FORGED), 6);
	assert_true(WTSVirtualChannelClose(h));
	close(peer);
}

/* --- threads ------------------------------------------------------------------------------- */

#define WRITERS    2
#define PER_WRITER 40

struct writer
{
	HANDLE h;
	int id;
	bool ok;
};

static size_t msg_size(int id, int i)
{
	return 1 + (size_t)((id * 7919 + i * 104729) % (200 * 1024));
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	w->ok = true;
	for (int i = 0; i < PER_WRITER; i++) {
		size_t size = msg_size(w->id, i);
		uint8_t *buf = malloc(size);
		for (size_t k = 0; k < size; k++)
			buf[k] = pattern(k, (uint32_t)(w->id << 8 | i));
		buf[0] = (uint8_t)w->id;
		ULONG written = 0;
		if (!WTSVirtualChannelWrite(w->h, (PCHAR)buf, (ULONG)size, &written) ||
		    written != size)
			w->ok = false;
		free(buf);
	}
	return NULL;
}

struct sender
{
	int peer;
	int count;
};

static void *sender_main(void *arg)
{
	struct sender *s = arg;
	uint8_t data[OWTS_VC_CHUNK];
	for (int i = 0; i < s->count; i++) {
		memset(data, (uint8_t)i, sizeof(data));
		peer_send(s->peer, OWTS_VC_CHUNK, OWTS_VC_FIRST | OWTS_VC_LAST, data, sizeof(data));
	}
	return NULL;
}

struct reader
{
	HANDLE h;
	int count;
	bool ok;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	r->ok = true;
	char buf[OWTS_VC_CHUNK];
	for (int i = 0; i < r->count && r->ok; i++) {
		ULONG got = 0;
		if (!WTSVirtualChannelRead(r->h, 10000, buf, sizeof(buf), &got) ||
		    got != OWTS_VC_CHUNK || buf[0] != (char)(uint8_t)i ||
		    buf[OWTS_VC_CHUNK - 1] != (char)(uint8_t)i)
			r->ok = false;
	}
	return NULL;
}

/* Two writers, one reader and wtsd's sender at once: messages whole, in order per thread. */
static void test_threads(void **st)
{
	(void)st;
	int peer;
	HANDLE h = open_static(&peer);
	struct collect c;
	pthread_t tc, tw[WRITERS], ts, tr;
	collect_start(&c, &tc, peer, WRITERS * PER_WRITER);
	struct writer w[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){.h = h, .id = i + 1};
		pthread_create(&tw[i], NULL, writer_main, &w[i]);
	}
	struct sender s = {.peer = peer, .count = 500};
	struct reader r = {.h = h, .count = 500};
	pthread_create(&ts, NULL, sender_main, &s);
	pthread_create(&tr, NULL, reader_main, &r);
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(tw[i], NULL);
		assert_true(w[i].ok);
	}
	pthread_join(tc, NULL);
	pthread_join(ts, NULL);
	pthread_join(tr, NULL);
	assert_true(r.ok);
	assert_true(c.ok);
	assert_int_equal(c.got, WRITERS * PER_WRITER);
	int next[WRITERS + 1] = {0};
	for (int m = 0; m < c.got; m++) {
		int id = c.msg[m][0];
		assert_true(id >= 1 && id <= WRITERS);
		int i = next[id]++;
		size_t size = msg_size(id, i);
		assert_int_equal(c.len[m], size);
		for (size_t k = 1; k < size; k++)
			if (c.msg[m][k] != pattern(k, (uint32_t)(id << 8 | i)))
				fail_msg("message %d of writer %d differs at %zu", i, id, k);
	}
	collect_free(&c);
	assert_true(WTSVirtualChannelClose(h));
	close(peer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_write_sizes), cmocka_unit_test(test_write_params),
	    cmocka_unit_test(test_read_static), cmocka_unit_test(test_read_show_protocol),
	    cmocka_unit_test(test_read_records),
	    cmocka_unit_test(test_read_params), cmocka_unit_test(test_read_timeouts),
	    cmocka_unit_test(test_end),         cmocka_unit_test(test_purge),
	    cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, vc_fake_setup, vc_fake_teardown);
}
