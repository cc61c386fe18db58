/*
 * test_plugin_host.c — the plug-in test host (OpenWTSPluginHost*) driving Windows-style plug-ins
 * without a connection: the event order a Windows client gives (INITIALIZED, CONNECTED with the
 * server name, DATA_RECEIVED per 1600-byte chunk with total length and FIRST/LAST, WRITE_COMPLETE
 * and WRITE_CANCELLED carrying pUserData, DISCONNECTED, reconnect, TERMINATED), byte-exact data
 * across the 1600-byte and 64 KiB boundaries, plug-ins loaded from .so files (tests/compile's
 * echo plug-ins, both entry kinds, two in one host), and every error of the host functions.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <windows.h>
#include <openwts/plugin_host.h>

#include "rec_plugin.h"

static const char *const one_channel[] = {"TESTCH", NULL};

static uint8_t *pattern(size_t n, unsigned seed)
{
	uint8_t *p = malloc(n ? n : 1);
	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 131u + seed + (i >> 8));
	return p;
}

/* Loads r (classic or Ex) into a new capture host. */
static HANDLE host_with(struct rec *r, bool ex)
{
	HANDLE h = OpenWTSPluginHostCreate(NULL, NULL);
	assert_non_null(h);
	rec_next = r;
	assert_true(ex ? OpenWTSPluginHostLoadEntry(h, NULL, rec_entry_ex)
	               : OpenWTSPluginHostLoadEntry(h, rec_entry, NULL));
	assert_int_equal(r->init_rc, CHANNEL_RC_OK);
	return h;
}

/* Sends n bytes from the server and checks the chunks the plug-in got, and the bytes. */
static void check_server_write(HANDLE h, struct rec *r, size_t n)
{
	uint8_t *msg = pattern(n, (unsigned)n);
	int first = r->nev;
	size_t rx0 = r->rxlen;
	assert_true(OpenWTSPluginHostServerWrite(h, "TESTCH", msg, (ULONG)n));
	size_t chunks = (n + CHANNEL_CHUNK_LENGTH - 1) / CHANNEL_CHUNK_LENGTH;
	assert_int_equal(r->nev - first, chunks);
	size_t seen = 0;
	for (size_t i = 0; i < chunks; i++) {
		const struct rec_event *e = &r->ev[first + (int)i];
		assert_int_equal(e->kind, REC_OPEN);
		assert_int_equal(e->event, CHANNEL_EVENT_DATA_RECEIVED);
		assert_int_equal(e->handle, r->open[0]);
		assert_int_equal(e->total, n);
		assert_true(e->len <= CHANNEL_CHUNK_LENGTH);
		assert_int_equal(e->len, i + 1 < chunks ? CHANNEL_CHUNK_LENGTH : n - seen);
		assert_int_equal(!!(e->flags & CHANNEL_FLAG_FIRST), i == 0);
		assert_int_equal(!!(e->flags & CHANNEL_FLAG_LAST), i + 1 == chunks);
		seen += e->len;
	}
	assert_int_equal(r->rxlen - rx0, n);
	assert_memory_equal(r->rx + rx0, msg, n);
	free(msg);
}

static void event_order(bool ex)
{
	static struct rec r;
	rec_setup(&r, one_channel);
	HANDLE h = host_with(&r, ex);
	assert_true(r.defs[0].options & CHANNEL_OPTION_INITIALIZED);
	assert_int_equal(r.nev, 0); /* nothing before INITIALIZED */

	assert_true(OpenWTSPluginHostInitialize(h));
	assert_true(OpenWTSPluginHostInitialize(h)); /* once only */
	assert_int_equal(r.nev, 1);
	assert_int_equal(r.ev[0].event, CHANNEL_EVENT_INITIALIZED);

	assert_true(OpenWTSPluginHostConnect(h, "server01"));
	assert_int_equal(r.ev[1].event, CHANNEL_EVENT_CONNECTED);
	assert_string_equal(r.ev[1].text, "server01");
	assert_int_equal(r.ev[1].len, sizeof("server01"));
	assert_int_equal(r.open_rc[0], CHANNEL_RC_OK);
	DWORD handle = r.open[0];

	static const size_t sizes[] = {1, 1599, 1600, 1601, 3200, 65535, 65536, 65537, 100000};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		check_server_write(h, &r, sizes[i]);

	/* A chunk as a client got it: delivered as it is. */
	uint8_t chunk[10] = {1, 2, 3};
	assert_true(OpenWTSPluginHostReceive(h, "testch", chunk, 10, 5000, CHANNEL_FLAG_MIDDLE));
	assert_int_equal(r.ev[r.nev - 1].total, 5000);
	assert_int_equal(r.ev[r.nev - 1].flags, 0);

	/* Writes: captured whole, WRITE_COMPLETE carries pUserData. */
	uint8_t *big = pattern(70000, 7);
	char name[CHANNEL_NAME_LEN + 1];
	ULONG cb = 0;
	assert_int_equal(rec_write(&r, handle, big, 70000, (void *)0x1234), CHANNEL_RC_OK);
	int before = r.nev;
	uint8_t *out = malloc(70000);
	assert_true(OpenWTSPluginHostRead(h, name, out, 70000, &cb));
	assert_int_equal(cb, 70000);
	assert_string_equal(name, "TESTCH");
	assert_memory_equal(out, big, 70000);
	assert_int_equal(r.nev, before + 1);
	assert_int_equal(r.ev[before].event, CHANNEL_EVENT_WRITE_COMPLETE);
	assert_ptr_equal(r.ev[before].data, (void *)0x1234);
	assert_int_equal(r.ev[before].len, 70000);
	assert_int_equal(r.ev[before].handle, handle);

	/* Disconnect: pending writes cancelled oldest first, then DISCONNECTED. */
	assert_int_equal(rec_write(&r, handle, big, 10, (void *)1), CHANNEL_RC_OK);
	assert_int_equal(rec_write(&r, handle, big, 20, (void *)2), CHANNEL_RC_OK);
	before = r.nev;
	assert_true(OpenWTSPluginHostDisconnect(h));
	assert_int_equal(r.nev, before + 3);
	assert_int_equal(r.ev[before].event, CHANNEL_EVENT_WRITE_CANCELLED);
	assert_ptr_equal(r.ev[before].data, (void *)1);
	assert_int_equal(r.ev[before + 1].event, CHANNEL_EVENT_WRITE_CANCELLED);
	assert_ptr_equal(r.ev[before + 1].data, (void *)2);
	assert_int_equal(r.ev[before + 2].kind, REC_INIT);
	assert_int_equal(r.ev[before + 2].event, CHANNEL_EVENT_DISCONNECTED);
	assert_int_equal(rec_write(&r, handle, big, 1, NULL), CHANNEL_RC_NOT_CONNECTED);
	assert_int_equal(rec_close(&r, handle), CHANNEL_RC_NOT_OPEN); /* closed implicitly */

	/* Reconnect: CONNECTED again, the channel reopens with the same handle, data flows. */
	assert_true(OpenWTSPluginHostConnect(h, "server02"));
	assert_int_equal(rec_count(&r, REC_INIT, CHANNEL_EVENT_INITIALIZED), 1);
	assert_int_equal(rec_count(&r, REC_INIT, CHANNEL_EVENT_CONNECTED), 2);
	assert_string_equal(r.ev[r.nev - 1].text, "server02");
	assert_int_equal(r.open_rc[0], CHANNEL_RC_OK);
	assert_int_equal(r.open[0], handle);
	check_server_write(h, &r, 4000);

	/* Close: DISCONNECTED then TERMINATED, last; the host and the handles are gone. */
	assert_int_equal(rec_write(&r, handle, big, 5, (void *)5), CHANNEL_RC_OK);
	before = r.nev;
	assert_true(OpenWTSPluginHostClose(h));
	assert_int_equal(r.nev, before + 3);
	assert_int_equal(r.ev[before].event, CHANNEL_EVENT_WRITE_CANCELLED);
	assert_int_equal(r.ev[before + 1].event, CHANNEL_EVENT_DISCONNECTED);
	assert_int_equal(r.ev[before + 2].event, CHANNEL_EVENT_TERMINATED);
	assert_int_equal(rec_write(&r, handle, big, 1, NULL),
	                 r.ex ? CHANNEL_RC_BAD_INIT_HANDLE : CHANNEL_RC_BAD_CHANNEL_HANDLE);
	assert_false(OpenWTSPluginHostConnect(h, "x"));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	free(out);
	free(big);
	rec_free(&r);
}

static void test_event_order_classic(void **state)
{
	(void)state;
	event_order(false);
}

static void test_event_order_ex(void **state)
{
	(void)state;
	event_order(true);
}

/* Loads path, connects, sends n bytes on channel and expects them echoed. */
static void echo_check(HANDLE h, const char *channel, size_t n)
{
	uint8_t *msg = pattern(n, 3);
	uint8_t *back = malloc(n);
	char name[CHANNEL_NAME_LEN + 1];
	ULONG cb;
	assert_true(OpenWTSPluginHostServerWrite(h, channel, msg, (ULONG)n));
	assert_true(OpenWTSPluginHostRead(h, name, back, (ULONG)n, &cb));
	assert_int_equal(cb, n);
	assert_string_equal(name, channel);
	assert_memory_equal(back, msg, n);
	free(back);
	free(msg);
}

static void test_load_so(void **state)
{
	(void)state;
	HANDLE h = OpenWTSPluginHostCreate(NULL, NULL);
	assert_true(OpenWTSPluginHostLoad(h, ECHO_PLUGIN));
	assert_true(OpenWTSPluginHostLoad(h, ECHO_PLUGIN_EX));
	CHANNEL_DEF defs[4];
	DWORD n = 4;
	assert_true(OpenWTSPluginHostGetChannels(h, defs, &n));
	assert_int_equal(n, 2);
	assert_string_equal(defs[0].name, "SMPECHO");
	assert_string_equal(defs[1].name, "SMPECHX");
	assert_true(OpenWTSPluginHostConnect(h, "localhost"));
	static const size_t sizes[] = {1, 1600, 1601, 65536, 70001};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		echo_check(h, "SMPECHO", sizes[i]);
		echo_check(h, "SMPECHX", sizes[i]);
	}
	assert_true(OpenWTSPluginHostDisconnect(h));
	assert_true(OpenWTSPluginHostConnect(h, "localhost"));
	echo_check(h, "SMPECHO", 5000);
	echo_check(h, "SMPECHX", 5000);
	assert_true(OpenWTSPluginHostClose(h));
}

static VOID VCAPITYPE ignore_init_event(LPVOID init, UINT event, LPVOID data, UINT len)
{
	(void)init, (void)event, (void)data, (void)len;
}

/* An entry that registers a channel and then fails. */
static BOOL VCAPITYPE failing_entry(PCHANNEL_ENTRY_POINTS ep)
{
	CHANNEL_DEF def = {"FAILCH", 0};
	void *init;
	assert_int_equal(ep->pVirtualChannelInit(&init, &def, 1, VIRTUAL_CHANNEL_VERSION_WIN2000,
	                                         ignore_init_event),
	                 CHANNEL_RC_OK);
	return FALSE;
}

static UINT CDECL refuse_send(LPVOID ctx, LPCSTR name, LPVOID data, ULONG len, LPVOID id)
{
	(void)ctx, (void)name, (void)data, (void)len, (void)id;
	return CHANNEL_RC_NO_MEMORY;
}

static void expect_error(BOOL ok, DWORD err)
{
	assert_false(ok);
	assert_int_equal(GetLastError(), err);
}

static void test_host_errors(void **state)
{
	(void)state;
	static struct rec r;
	HANDLE h = OpenWTSPluginHostCreate(NULL, NULL);
	HANDLE forged = (HANDLE)(uintptr_t)0x6D000FFF;
	CHANNEL_DEF defs[2];
	DWORD n;
	ULONG cb = 77;
	uint8_t buf[8];

	expect_error(OpenWTSPluginHostClose(NULL), ERROR_INVALID_HANDLE);
	expect_error(OpenWTSPluginHostClose(forged), ERROR_INVALID_HANDLE);
	expect_error(OpenWTSPluginHostLoad(h, NULL), ERROR_INVALID_PARAMETER);
	expect_error(OpenWTSPluginHostLoad(NULL, ECHO_PLUGIN), ERROR_INVALID_HANDLE);
	expect_error(OpenWTSPluginHostLoad(h, "/nonexistent/libx.so"), ERROR_MOD_NOT_FOUND);
	expect_error(OpenWTSPluginHostLoad(h, NO_ENTRY_SO), ERROR_PROC_NOT_FOUND);
	expect_error(OpenWTSPluginHostLoadEntry(h, NULL, NULL), ERROR_INVALID_PARAMETER);
	expect_error(OpenWTSPluginHostLoadEntry(h, rec_entry, rec_entry_ex),
	             ERROR_INVALID_PARAMETER);
	expect_error(OpenWTSPluginHostLoadEntry(h, failing_entry, NULL), ERROR_DLL_INIT_FAILED);
	n = 0;
	expect_error(OpenWTSPluginHostGetChannels(h, NULL, NULL), ERROR_INVALID_PARAMETER);
	assert_true(OpenWTSPluginHostGetChannels(h, defs, &n)); /* failed plug-in's channel gone */
	assert_int_equal(n, 0);

	rec_setup(&r, (const char *const[]){"AAA", "BBB", NULL});
	rec_next = &r;
	assert_true(OpenWTSPluginHostLoadEntry(h, rec_entry, NULL));
	n = 1;
	expect_error(OpenWTSPluginHostGetChannels(h, defs, &n), ERROR_INSUFFICIENT_BUFFER);
	assert_int_equal(n, 2);
	expect_error(OpenWTSPluginHostGetChannels(forged, defs, &n), ERROR_INVALID_HANDLE);

	expect_error(OpenWTSPluginHostDisconnect(h), ERROR_INVALID_STATE);
	expect_error(OpenWTSPluginHostReceive(h, "AAA", buf, 1, 1, CHANNEL_FLAG_ONLY),
	             ERROR_INVALID_STATE);
	expect_error(OpenWTSPluginHostConnect(h, NULL), ERROR_INVALID_PARAMETER);
	expect_error(OpenWTSPluginHostConnect(forged, "x"), ERROR_INVALID_HANDLE);
	expect_error(OpenWTSPluginHostInitialize(forged), ERROR_INVALID_HANDLE);
	assert_true(OpenWTSPluginHostConnect(h, "x"));
	expect_error(OpenWTSPluginHostConnect(h, "x"), ERROR_INVALID_STATE);

	expect_error(OpenWTSPluginHostReceive(h, NULL, buf, 1, 1, 3), ERROR_INVALID_PARAMETER);
	expect_error(OpenWTSPluginHostReceive(h, "AAA", NULL, 1, 1, 3), ERROR_INVALID_PARAMETER);
	expect_error(OpenWTSPluginHostReceive(forged, "AAA", buf, 1, 1, 3), ERROR_INVALID_HANDLE);
	expect_error(OpenWTSPluginHostReceive(h, "ZZZ", buf, 1, 1, 3), ERROR_NOT_FOUND);
	expect_error(OpenWTSPluginHostServerWrite(h, "AAA", buf, 0), ERROR_INVALID_PARAMETER);
	expect_error(OpenWTSPluginHostServerWrite(h, "AAA", NULL, 1), ERROR_INVALID_PARAMETER);
	assert_int_equal(rec_close(&r, r.open[1]), CHANNEL_RC_OK);
	expect_error(OpenWTSPluginHostServerWrite(h, "BBB", buf, 1), ERROR_NOT_FOUND); /* closed */

	expect_error(OpenWTSPluginHostRead(h, NULL, buf, sizeof(buf), NULL),
	             ERROR_INVALID_PARAMETER);
	expect_error(OpenWTSPluginHostRead(h, NULL, buf, sizeof(buf), &cb), ERROR_NO_MORE_ITEMS);
	assert_int_equal(cb, 77); /* untouched */
	expect_error(OpenWTSPluginHostRead(forged, NULL, buf, sizeof(buf), &cb),
	             ERROR_INVALID_HANDLE);
	uint8_t data[20] = {9};
	assert_int_equal(rec_write(&r, r.open[0], data, 20, NULL), CHANNEL_RC_OK);
	expect_error(OpenWTSPluginHostRead(h, NULL, buf, sizeof(buf), &cb),
	             ERROR_INSUFFICIENT_BUFFER);
	assert_int_equal(cb, 20);
	expect_error(OpenWTSPluginHostRead(h, NULL, NULL, 0, &cb), ERROR_INSUFFICIENT_BUFFER);
	assert_int_equal(rec_count(&r, REC_OPEN, CHANNEL_EVENT_WRITE_COMPLETE), 0); /* pending */
	expect_error(OpenWTSPluginHostWriteComplete(h, (void *)99, FALSE), ERROR_NOT_FOUND);
	expect_error(OpenWTSPluginHostWriteComplete(forged, (void *)1, FALSE),
	             ERROR_INVALID_HANDLE);

	assert_true(OpenWTSPluginHostClose(h));
	expect_error(OpenWTSPluginHostClose(h), ERROR_INVALID_HANDLE); /* stale */
	assert_int_equal(rec_count(&r, REC_OPEN, CHANNEL_EVENT_WRITE_CANCELLED), 1);

	HANDLE s = OpenWTSPluginHostCreate(refuse_send, NULL);
	expect_error(OpenWTSPluginHostRead(s, NULL, buf, sizeof(buf), &cb), ERROR_INVALID_FUNCTION);
	assert_true(OpenWTSPluginHostClose(s));
	rec_free(&r);
}

/* Up to VC_HOSTS hosts; the next Create fails cleanly. */
static void test_host_limit(void **state)
{
	(void)state;
	HANDLE hs[100];
	int n = 0;
	while (n < 100 && (hs[n] = OpenWTSPluginHostCreate(NULL, NULL)) != NULL)
		n++;
	assert_true(n >= 16 && n < 100);
	assert_int_equal(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);
	for (int i = 0; i < n; i++)
		assert_true(OpenWTSPluginHostClose(hs[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_event_order_classic),
	    cmocka_unit_test(test_event_order_ex),
	    cmocka_unit_test(test_load_so),
	    cmocka_unit_test(test_host_errors),
	    cmocka_unit_test(test_host_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
