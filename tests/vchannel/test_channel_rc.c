/*
 * test_channel_rc.c — every CHANNEL_RC_* result of VirtualChannelInit/Open/Close/Write, in the
 * order of docs/internals/client-channels.md, through both entry-point tables (classic and
 * Microsoft's Ex) and the exported names, in both kinds of host: capture mode (the test host)
 * and send mode (what the FreeRDP bridge uses: writes go to a send callback and complete when it
 * says so). Each test runs four times: {capture, send} × {classic, Ex}.
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

struct mode
{
	bool send; /* send mode (bridge) rather than capture mode (test host) */
	bool ex;   /* the plug-ins use VirtualChannelEntryEx */
};

/* Writes the send callback took: id, channel, length. */
static struct
{
	void *id[64];
	char name[64][8];
	ULONG len[64];
	int n;
	UINT result; /* what the callback returns */
} sent;

static UINT CDECL send_cb(LPVOID ctx, LPCSTR name, LPVOID data, ULONG len, LPVOID id)
{
	(void)ctx, (void)data;
	if (sent.result != CHANNEL_RC_OK)
		return sent.result;
	sent.id[sent.n] = id;
	memcpy(sent.name[sent.n], name, strnlen(name, 7));
	sent.len[sent.n++] = len;
	return CHANNEL_RC_OK;
}

static HANDLE host_new(const struct mode *m)
{
	memset(&sent, 0, sizeof(sent));
	HANDLE h = OpenWTSPluginHostCreate(m->send ? send_cb : NULL, NULL);
	assert_non_null(h);
	return h;
}

static BOOL load(HANDLE h, const struct mode *m, struct rec *r)
{
	rec_next = r;
	return m->ex ? OpenWTSPluginHostLoadEntry(h, NULL, rec_entry_ex)
	             : OpenWTSPluginHostLoadEntry(h, rec_entry, NULL);
}

/* Completes the oldest write: Read in capture mode, WriteComplete in send mode. */
static void complete_oldest(HANDLE h, const struct mode *m, int *next_sent)
{
	if (m->send) {
		assert_true(OpenWTSPluginHostWriteComplete(h, sent.id[(*next_sent)++], FALSE));
	} else {
		uint8_t buf[256];
		ULONG cb;
		assert_true(OpenWTSPluginHostRead(h, NULL, buf, sizeof(buf), &cb));
	}
}

/* --- probes: code that runs inside a plug-in's entry point --------------------------------- */

static CHANNEL_ENTRY_POINTS pep;
static OPENWTS_CHANNEL_ENTRY_POINTS_EX pepx;
static void *pinit; /* the Ex plug-in's init handle */
static void (*probe)(bool ex);

static VOID VCAPITYPE ev(LPVOID init, UINT event, LPVOID data, UINT len)
{
	(void)init, (void)event, (void)data, (void)len;
}

static VOID VCAPITYPE ev_ex(LPVOID user, LPVOID init, UINT event, LPVOID data, UINT len)
{
	(void)user, (void)init, (void)event, (void)data, (void)len;
}

static VOID VCAPITYPE open_ev(DWORD h, UINT event, LPVOID data, UINT32 len, UINT32 total,
                              UINT32 flags)
{
	(void)h, (void)event, (void)data, (void)len, (void)total, (void)flags;
}

static BOOL VCAPITYPE probe_entry(PCHANNEL_ENTRY_POINTS ep)
{
	pep = *ep;
	probe(false);
	return TRUE;
}

static BOOL VCAPITYPE probe_entry_ex(PCHANNEL_ENTRY_POINTS_EX ep, PVOID init)
{
	pepx = *ep;
	pinit = init;
	probe(true);
	return TRUE;
}

static void run_probe(HANDLE h, bool ex, void (*fn)(bool))
{
	probe = fn;
	assert_true(ex ? OpenWTSPluginHostLoadEntry(h, NULL, probe_entry_ex)
	               : OpenWTSPluginHostLoadEntry(h, probe_entry, NULL));
}

/* Init through the table of the plug-in being probed. */
static UINT init_call(bool ex, bool handle_ok, CHANNEL_DEF *defs, INT n, bool proc)
{
	void *handle = NULL;
	if (ex)
		return pepx.pVirtualChannelInitEx(NULL, handle_ok ? pinit : (void *)0x49000FFF,
		                                  defs, n, VIRTUAL_CHANNEL_VERSION_WIN2000,
		                                  proc ? ev_ex : NULL);
	return pep.pVirtualChannelInit(handle_ok ? &handle : NULL, defs, n,
	                               VIRTUAL_CHANNEL_VERSION_WIN2000, proc ? ev : NULL);
}

static void defs_set(CHANNEL_DEF *defs, int n, const char *prefix)
{
	memset(defs, 0, sizeof(CHANNEL_DEF) * (size_t)n);
	for (int i = 0; i < n; i++)
		snprintf(defs[i].name, sizeof(defs[i].name), "%s%d", prefix, i % 100);
}

static void probe_init_order(bool ex)
{
	CHANNEL_DEF defs[CHANNEL_MAX_COUNT + 1];
	defs_set(defs, CHANNEL_MAX_COUNT + 1, "C");
	assert_int_equal(init_call(ex, false, NULL, 0, false), CHANNEL_RC_BAD_INIT_HANDLE);
	assert_int_equal(init_call(ex, true, NULL, 0, false), CHANNEL_RC_BAD_CHANNEL);
	assert_int_equal(init_call(ex, true, defs, 0, false), CHANNEL_RC_INITIALIZATION_ERROR);
	assert_int_equal(init_call(ex, true, defs, -1, true), CHANNEL_RC_INITIALIZATION_ERROR);
	assert_int_equal(init_call(ex, true, defs, 1, false), CHANNEL_RC_BAD_PROC);
	assert_int_equal(init_call(ex, true, defs, CHANNEL_MAX_COUNT + 1, true),
	                 CHANNEL_RC_TOO_MANY_CHANNELS);
	static const char *const bad[] = {"", "A B", "\x80X", "\x01"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHANNEL_DEF d = {{0}, 0};
		memcpy(d.name, bad[i], strnlen(bad[i], sizeof(d.name) - 1));
		assert_int_equal(init_call(ex, true, &d, 1, true), CHANNEL_RC_BAD_CHANNEL);
	}
	CHANNEL_DEF unterminated;
	memcpy(unterminated.name, "ABCDEFGH", 8);
	unterminated.options = 0;
	assert_int_equal(init_call(ex, true, &unterminated, 1, true), CHANNEL_RC_BAD_CHANNEL);
	CHANNEL_DEF dup[2] = {{"DUP", 0}, {"dup", 0}};
	assert_int_equal(init_call(ex, true, dup, 2, true), CHANNEL_RC_BAD_CHANNEL);
	/* Nothing registered by a failed call; then a good one; then a second one. */
	assert_int_equal(init_call(ex, true, defs, 2, true), CHANNEL_RC_OK);
	assert_true(defs[0].options & CHANNEL_OPTION_INITIALIZED);
	assert_true(defs[1].options & CHANNEL_OPTION_INITIALIZED);
	assert_false(defs[2].options & CHANNEL_OPTION_INITIALIZED);
	assert_int_equal(init_call(ex, true, defs + 2, 1, true), CHANNEL_RC_ALREADY_INITIALIZED);
}

static void test_init(void **state)
{
	const struct mode *m = *state;
	CHANNEL_DEF defs[2];
	DWORD n = 2;
	void *handle = (void *)0x77;
	HANDLE h = host_new(m);

	/* Outside any plug-in, with any arguments. */
	assert_int_equal(VirtualChannelInit(&handle, defs, 1, 1, ev),
	                 CHANNEL_RC_NOT_IN_VIRTUALCHANNELENTRY);
	assert_int_equal(VirtualChannelInit(NULL, NULL, 0, 0, NULL),
	                 CHANNEL_RC_NOT_IN_VIRTUALCHANNELENTRY);
	assert_ptr_equal(handle, (void *)0x77);

	run_probe(h, m->ex, probe_init_order);
	assert_true(OpenWTSPluginHostGetChannels(h, defs, &n));
	assert_int_equal(n, 2);
	assert_string_equal(defs[0].name, "C0");

	/* After the entry returned: the Ex plug-in's own handle no longer allows Init. */
	CHANNEL_DEF late = {"LATE", 0};
	if (m->ex)
		assert_int_equal(pepx.pVirtualChannelInitEx(NULL, pinit, &late, 1, 1, ev_ex),
		                 CHANNEL_RC_NOT_IN_VIRTUALCHANNELENTRY);
	else
		assert_int_equal(pep.pVirtualChannelInit(&handle, &late, 1, 1, ev),
		                 CHANNEL_RC_NOT_IN_VIRTUALCHANNELENTRY);
	assert_true(OpenWTSPluginHostClose(h));
}

/* A plug-in that calls the exported VirtualChannelInit and VirtualChannelOpen directly. */
static void test_exported_names(void **state)
{
	const struct mode *m = *state;
	static struct rec r;
	HANDLE h = host_new(m);
	rec_setup(&r, (const char *const[]){"EXPCH", NULL});
	r.init_by_export = true;
	r.open_on_connect = false;
	rec_next = &r;
	assert_true(OpenWTSPluginHostLoadEntry(h, rec_entry, NULL));
	assert_int_equal(r.init_rc, CHANNEL_RC_OK);
	assert_non_null(r.init_handle);
	assert_true(OpenWTSPluginHostConnect(h, "srv"));
	assert_int_equal(VirtualChannelOpen(r.init_handle, &r.open[0], r.defs[0].name,
	                                    (PCHANNEL_OPEN_EVENT_FN)NULL),
	                 CHANNEL_RC_BAD_PROC);
	r.ex = false;
	assert_int_equal(rec_open(&r, 0), CHANNEL_RC_OK);
	uint8_t data[3] = {1, 2, 3};
	assert_int_equal(VirtualChannelWrite(r.open[0], data, 3, data), CHANNEL_RC_OK);
	int next = 0;
	complete_oldest(h, m, &next);
	assert_int_equal(rec_count(&r, REC_OPEN, CHANNEL_EVENT_WRITE_COMPLETE), 1);
	assert_int_equal(VirtualChannelClose(r.open[0]), CHANNEL_RC_OK);
	assert_int_equal(VirtualChannelClose(r.open[0]), CHANNEL_RC_NOT_OPEN);
	assert_true(OpenWTSPluginHostClose(h));
	rec_free(&r);
}

static void test_too_many_and_duplicates(void **state)
{
	const struct mode *m = *state;
	static struct rec a, b, c, d;
	HANDLE h = host_new(m);
	const char *names_a[21], *names_b[12];
	char buf_a[21][8], buf_b[12][8];
	for (int i = 0; i < 20; i++) {
		snprintf(buf_a[i], 8, "A%d", i % 100);
		names_a[i] = buf_a[i];
	}
	names_a[20] = NULL;
	for (int i = 0; i < 11; i++) {
		snprintf(buf_b[i], 8, "B%d", i % 100);
		names_b[i] = buf_b[i];
	}
	names_b[11] = NULL;
	rec_setup(&a, names_a);
	assert_true(load(h, m, &a));
	rec_setup(&b, names_b); /* 20 + 11 > 30: refused, nothing registered */
	assert_false(load(h, m, &b));
	assert_int_equal(b.init_rc, CHANNEL_RC_TOO_MANY_CHANNELS);
	names_b[10] = NULL; /* 20 + 10 = 30: accepted */
	rec_setup(&b, names_b);
	assert_true(load(h, m, &b));
	DWORD n = 0;
	assert_false(OpenWTSPluginHostGetChannels(h, NULL, &n));
	assert_int_equal(n, CHANNEL_MAX_COUNT);
	rec_setup(&c, (const char *const[]){"ONEMORE", NULL});
	assert_false(load(h, m, &c));
	assert_int_equal(c.init_rc, CHANNEL_RC_TOO_MANY_CHANNELS);
	assert_true(OpenWTSPluginHostClose(h));

	/* A name another plug-in holds, in any case. */
	h = host_new(m);
	rec_setup(&a, (const char *const[]){"SHARED", NULL});
	assert_true(load(h, m, &a));
	rec_setup(&d, (const char *const[]){"OWN", "shared", NULL});
	assert_false(load(h, m, &d));
	assert_int_equal(d.init_rc, CHANNEL_RC_BAD_CHANNEL);

	/* Double init inside one entry. */
	rec_setup(&d, (const char *const[]){"TWICE", NULL});
	d.init_twice = true;
	assert_true(load(h, m, &d));
	assert_int_equal(d.init2_rc, CHANNEL_RC_ALREADY_INITIALIZED);

	/* Loaded while connected: Init says ALREADY_CONNECTED (after the count check). */
	assert_true(OpenWTSPluginHostConnect(h, "srv"));
	rec_setup(&c, (const char *const[]){"LATE", NULL});
	assert_false(load(h, m, &c));
	assert_int_equal(c.init_rc, CHANNEL_RC_ALREADY_CONNECTED);
	assert_true(OpenWTSPluginHostClose(h));
	rec_free(&a);
	rec_free(&b);
	rec_free(&c);
	rec_free(&d);
}

static void test_open(void **state)
{
	const struct mode *m = *state;
	static struct rec a, b;
	HANDLE h = host_new(m);
	rec_setup(&a, (const char *const[]){"AONE", "ATWO", NULL});
	a.open_on_connect = false;
	assert_true(load(h, m, &a));
	rec_setup(&b, (const char *const[]){"BONE", NULL});
	assert_true(load(h, m, &b));
	DWORD handle = 0;

	/* Before CONNECTED. */
	assert_int_equal(rec_open(&a, 0), CHANNEL_RC_NOT_CONNECTED);
	assert_true(OpenWTSPluginHostConnect(h, "srv"));
	/* Order: init handle, pOpenHandle, proc, connection, name, state. */
	assert_int_equal(VirtualChannelOpen((void *)0x49000FFF, NULL, NULL, NULL),
	                 CHANNEL_RC_BAD_INIT_HANDLE);
	assert_int_equal(VirtualChannelOpen(NULL, &handle, "AONE", NULL),
	                 CHANNEL_RC_BAD_INIT_HANDLE);
	assert_int_equal(VirtualChannelOpen(a.init_handle, NULL, NULL, NULL),
	                 CHANNEL_RC_BAD_CHANNEL_HANDLE);
	assert_int_equal(VirtualChannelOpen(a.init_handle, &handle, "AONE", NULL),
	                 CHANNEL_RC_BAD_PROC);
	if (m->ex)
		assert_int_equal(a.epx.pVirtualChannelOpenEx(a.init_handle, &handle, "AONE", NULL),
		                 CHANNEL_RC_BAD_PROC);
	memcpy(a.defs[0].name, "NOPE", 5);
	assert_int_equal(rec_open(&a, 0), CHANNEL_RC_UNKNOWN_CHANNEL_NAME);
	memcpy(a.defs[0].name, "BONE", 5); /* another plug-in's channel */
	assert_int_equal(rec_open(&a, 0), CHANNEL_RC_UNKNOWN_CHANNEL_NAME);
	memcpy(a.defs[0].name, "aone", 5); /* names are case-insensitive */
	assert_int_equal(rec_open(&a, 0), CHANNEL_RC_OK);
	assert_int_equal(rec_open(&a, 0), CHANNEL_RC_ALREADY_OPEN);
	assert_int_equal(handle, 0); /* untouched by the failures */
	assert_int_equal(b.open_rc[0], CHANNEL_RC_OK);
	assert_int_not_equal(a.open[0], b.open[0]);
	void *stale = a.init_handle;
	assert_true(OpenWTSPluginHostClose(h));
	assert_int_equal(VirtualChannelOpen(stale, &handle, "AONE", open_ev),
	                 CHANNEL_RC_BAD_INIT_HANDLE);
	rec_free(&a);
	rec_free(&b);
}

static void test_write_close(void **state)
{
	const struct mode *m = *state;
	static struct rec a, b;
	HANDLE h = host_new(m);
	uint8_t data[100] = {0};
	int next = 0;
	rec_setup(&a, (const char *const[]){"WA", NULL});
	assert_true(load(h, m, &a));
	rec_setup(&b, (const char *const[]){"WB", NULL});
	assert_true(load(h, m, &b));

	/* Bad handles, outside and inside. */
	assert_int_equal(VirtualChannelWrite(0, data, 1, NULL), CHANNEL_RC_BAD_CHANNEL_HANDLE);
	assert_int_equal(VirtualChannelWrite(0x4F000FFF, NULL, 0, NULL),
	                 CHANNEL_RC_BAD_CHANNEL_HANDLE);
	assert_int_equal(VirtualChannelClose(0), CHANNEL_RC_BAD_CHANNEL_HANDLE);
	assert_true(OpenWTSPluginHostConnect(h, "srv"));
	DWORD wa = a.open[0], wb = b.open[0];
	if (m->ex) {
		/* An Ex call checks the init handle first, then that the channel is the plug-in's.
		 */
		assert_int_equal(a.epx.pVirtualChannelWriteEx(NULL, wa, data, 1, NULL),
		                 CHANNEL_RC_BAD_INIT_HANDLE);
		assert_int_equal(a.epx.pVirtualChannelWriteEx(a.init_handle, wb, data, 1, NULL),
		                 CHANNEL_RC_BAD_CHANNEL_HANDLE);
		assert_int_equal(a.epx.pVirtualChannelCloseEx(NULL, wa),
		                 CHANNEL_RC_BAD_INIT_HANDLE);
		assert_int_equal(a.epx.pVirtualChannelCloseEx(a.init_handle, wb),
		                 CHANNEL_RC_BAD_CHANNEL_HANDLE);
	}
	/* Order: handle, connection, data, length, open. */
	assert_int_equal(rec_write(&a, wa, NULL, 0, NULL), CHANNEL_RC_NULL_DATA);
	assert_int_equal(rec_write(&a, wa, data, 0, NULL), CHANNEL_RC_ZERO_LENGTH);
	assert_int_equal(rec_write(&a, wa, data, 10, (void *)10), CHANNEL_RC_OK);
	assert_int_equal(rec_write(&a, wa, data, 11, (void *)11), CHANNEL_RC_OK);
	assert_int_equal(rec_count(&a, REC_OPEN, CHANNEL_EVENT_WRITE_COMPLETE), 0); /* async */
	complete_oldest(h, m, &next);
	int i = rec_find(&a, 0, REC_OPEN, CHANNEL_EVENT_WRITE_COMPLETE);
	assert_true(i >= 0);
	assert_ptr_equal(a.ev[i].data, (void *)10);
	assert_int_equal(a.ev[i].len, 10);
	if (m->send) {
		assert_int_equal(sent.n, 2);
		assert_string_equal(sent.name[1], "WA");
		assert_int_equal(sent.len[1], 11);
		/* The sender says a write did not go out. */
		assert_true(OpenWTSPluginHostWriteComplete(h, sent.id[next++], TRUE));
		/* The sender refuses: Write returns its code and no event follows. */
		sent.result = CHANNEL_RC_NO_MEMORY;
		assert_int_equal(rec_write(&a, wa, data, 5, (void *)5), CHANNEL_RC_NO_MEMORY);
		sent.result = CHANNEL_RC_OK;
	} else {
		/* Close cancels what is still queued. */
		assert_int_equal(rec_close(&a, wa), CHANNEL_RC_OK);
	}
	i = rec_find(&a, 0, REC_OPEN, CHANNEL_EVENT_WRITE_CANCELLED);
	assert_true(i >= 0);
	assert_ptr_equal(a.ev[i].data, (void *)11);
	assert_int_equal(rec_count(&a, REC_OPEN, CHANNEL_EVENT_WRITE_CANCELLED), 1);
	if (m->send)
		assert_int_equal(rec_close(&a, wa), CHANNEL_RC_OK);
	assert_int_equal(rec_close(&a, wa), CHANNEL_RC_NOT_OPEN);
	assert_int_equal(rec_write(&a, wa, NULL, 1, NULL), CHANNEL_RC_NULL_DATA); /* before open */
	assert_int_equal(rec_write(&a, wa, data, 1, NULL), CHANNEL_RC_NOT_OPEN);

	/* Not connected comes before the data checks; a disconnect cancels what is in flight. */
	assert_int_equal(rec_write(&b, wb, data, 7, (void *)7), CHANNEL_RC_OK);
	assert_true(OpenWTSPluginHostDisconnect(h));
	assert_int_equal(rec_count(&b, REC_OPEN, CHANNEL_EVENT_WRITE_CANCELLED), 1);
	if (m->send)
		assert_false(OpenWTSPluginHostWriteComplete(h, sent.id[sent.n - 1], FALSE));
	assert_int_equal(rec_write(&b, wb, NULL, 0, NULL), CHANNEL_RC_NOT_CONNECTED);
	assert_int_equal(rec_close(&b, wb), CHANNEL_RC_NOT_OPEN);
	assert_true(OpenWTSPluginHostClose(h));
	assert_int_equal(rec_write(&b, wb, data, 1, NULL),
	                 m->ex ? CHANNEL_RC_BAD_INIT_HANDLE : CHANNEL_RC_BAD_CHANNEL_HANDLE);
	assert_int_equal(VirtualChannelClose(wb), CHANNEL_RC_BAD_CHANNEL_HANDLE);
	rec_free(&a);
	rec_free(&b);
}

static const struct mode modes[4] = {{false, false}, {false, true}, {true, false}, {true, true}};

#define FOUR(fn)                                                                                   \
	cmocka_unit_test_prestate(fn, (void *)&modes[0]),                                          \
	    cmocka_unit_test_prestate(fn, (void *)&modes[1]),                                      \
	    cmocka_unit_test_prestate(fn, (void *)&modes[2]),                                      \
	    cmocka_unit_test_prestate(fn, (void *)&modes[3])

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FOUR(test_init),
	    FOUR(test_too_many_and_duplicates),
	    FOUR(test_open),
	    FOUR(test_write_close),
	    cmocka_unit_test_prestate(test_exported_names, (void *)&modes[0]),
	    cmocka_unit_test_prestate(test_exported_names, (void *)&modes[2]),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
