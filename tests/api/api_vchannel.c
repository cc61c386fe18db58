/*
 * api_vchannel.c — WTSVirtualChannelOpen/OpenEx, WTSVirtualChannelQuery and
 * WTSVirtualChannelClose against a fake wtsd that speaks the real protocol (api_vc_fake.h):
 *   - the CHANNEL_OPEN request carries the session, the flags and the name as given;
 *   - bad names, flags and server handles fail before any request; wtsd's status is the last
 *     error; a malformed reply is RPC_S_PROTOCOL_ERROR and leaks no descriptor; no daemon is
 *     RPC_S_SERVER_UNAVAILABLE;
 *   - every query class: a pollable socket, a WinPR event for WaitForSingleObject, FreeRDP's ready
 *     and open-status classes, the client's CHANNEL_DEF;
 *   - Close ends the channel for wtsd, frees the socket, wakes a reader blocked in another thread,
 *     and leaves the handle invalid; closed, forged, server and NULL handles are refused by every
 *     function with outputs untouched.
 * Reads, writes and purges are in api_vchannel_io.c.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <winpr/synch.h>

#include "api_vc_fake.h"

/* --- open ---------------------------------------------------------------------------------- */

static void test_open_request(void **st)
{
	(void)st;
	int peer;
	HANDLE h = open_static(&peer);
	assert_int_equal(fake.req_session, WTS_CURRENT_SESSION);
	assert_int_equal(fake.req_flags, 0);
	assert_string_equal(fake.req_name, "CHAN1");
	assert_true(WTSVirtualChannelClose(h));
	close(peer);

	/* WTSVirtualChannelOpen: current server, or a server handle; name of 7 characters. */
	HANDLE server = WTSOpenServerA(NULL);
	assert_non_null(server);
	fake_reply(ERROR_SUCCESS, 0, 0, REPLY_OK);
	SetLastError(SENTINEL);
	h = WTSVirtualChannelOpen(server, 3, "SEVENCH");
	assert_non_null(h);
	assert_int_equal(GetLastError(), SENTINEL);
	assert_int_equal(fake.req_session, 3);
	assert_int_equal(fake.req_flags, 0);
	assert_string_equal(fake.req_name, "SEVENCH");
	close(take_peer());
	assert_true(WTSVirtualChannelClose(h));
	WTSCloseServer(server);

	/* Dynamic flags pass through; a name of 259 characters is allowed. */
	char name[260];
	memset(name, 'd', 259);
	name[259] = '\0';
	DWORD flags = WTS_CHANNEL_OPTION_DYNAMIC | WTS_CHANNEL_OPTION_DYNAMIC_PRI_REAL |
	              WTS_CHANNEL_OPTION_DYNAMIC_NO_COMPRESS;
	h = open_channel(name, flags, OWTS_VC_F_DYNAMIC | OWTS_VC_F_SHOW_PROTOCOL, 0, &peer);
	assert_int_equal(fake.req_flags, flags);
	assert_string_equal(fake.req_name, name);
	assert_true(WTSVirtualChannelClose(h));
	close(peer);
}

/* Bad arguments fail before any request. */
static void test_open_params(void **st)
{
	(void)st;
	char long_name[261];
	memset(long_name, 'x', 260);
	long_name[260] = '\0';
	HANDLE server = WTSOpenServerA(NULL);
	HANDLE stale = WTSOpenServerA(NULL);
	WTSCloseServer(stale);
	int before = fake_requests();
	EXPECT_NULL(WTSVirtualChannelOpen(NULL, 1, NULL), 87);
	EXPECT_NULL(WTSVirtualChannelOpen(NULL, 1, ""), 87);
	EXPECT_NULL(WTSVirtualChannelOpen(NULL, 1, "EIGHTCHR"), 87);
	EXPECT_NULL(WTSVirtualChannelOpen(FORGED, 1, "CHAN1"), 6);
	EXPECT_NULL(WTSVirtualChannelOpen(stale, 1, "CHAN1"), 6);
	EXPECT_NULL(WTSVirtualChannelOpenEx(1, NULL, 0), 87);
	EXPECT_NULL(WTSVirtualChannelOpenEx(1, "", WTS_CHANNEL_OPTION_DYNAMIC), 87);
	EXPECT_NULL(WTSVirtualChannelOpenEx(1, "EIGHTCHR", 0), 87);
	EXPECT_NULL(WTSVirtualChannelOpenEx(1, long_name, WTS_CHANNEL_OPTION_DYNAMIC), 87);
	EXPECT_NULL(WTSVirtualChannelOpenEx(1, "ECHO", WTS_CHANNEL_OPTION_DYNAMIC_PRI_HIGH), 87);
	EXPECT_NULL(WTSVirtualChannelOpenEx(1, "ECHO", WTS_CHANNEL_OPTION_DYNAMIC_NO_COMPRESS), 87);
	EXPECT_NULL(WTSVirtualChannelOpenEx(1, "ECHO", WTS_CHANNEL_OPTION_DYNAMIC | 0x10), 87);
	EXPECT_NULL(WTSVirtualChannelOpenEx(1, "ECHO", 0x80000000u), 87);
	assert_int_equal(fake_requests(), before);
	WTSCloseServer(server);
}

/* wtsd's status is the last error; a malformed reply is RPC_S_PROTOCOL_ERROR; nothing leaks. */
static void test_open_status(void **st)
{
	(void)st;
	static const DWORD statuses[] = {
	    ERROR_FILE_NOT_FOUND,    ERROR_BUSY,
	    ERROR_ACCESS_DENIED,     OWTS_ERROR_CTX_WINSTATION_NOT_FOUND,
	    ERROR_INVALID_PARAMETER, ERROR_TIMEOUT};
	int fds = count_fds_stable();
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		fake_reply(statuses[i], 0, 0, REPLY_OK);
		EXPECT_NULL(WTSVirtualChannelOpenEx(WTS_CURRENT_SESSION, "ECHO",
		                                    WTS_CHANNEL_OPTION_DYNAMIC),
		            statuses[i]);
		EXPECT_NULL(WTSVirtualChannelOpen(NULL, 2, "CHAN1"), statuses[i]);
	}
	fake_reply(ERROR_SUCCESS, 0, 0, REPLY_NO_FD);
	EXPECT_NULL(WTSVirtualChannelOpen(NULL, 2, "CHAN1"), OWTS_RPC_S_PROTOCOL_ERROR);
	fake_reply(ERROR_SUCCESS, 0, 0, REPLY_SHORT);
	EXPECT_NULL(WTSVirtualChannelOpen(NULL, 2, "CHAN1"), OWTS_RPC_S_PROTOCOL_ERROR);
	close(take_peer()); /* the fake's end; the library closed its own */
	assert_int_equal(count_fds_settled(fds), fds);
}

static void test_open_no_daemon(void **st)
{
	(void)st;
	char none[160];
	snprintf(none, sizeof(none), "%s/none.sock", vc_dir);
	setenv("OPENWTS_SOCKET", none, 1);
	EXPECT_NULL(
	    WTSVirtualChannelOpenEx(WTS_CURRENT_SESSION, "ECHO", WTS_CHANNEL_OPTION_DYNAMIC),
	    OWTS_RPC_S_SERVER_UNAVAILABLE);
	EXPECT_NULL(WTSVirtualChannelOpen(NULL, WTS_CURRENT_SESSION, "CHAN1"),
	            OWTS_RPC_S_SERVER_UNAVAILABLE);
	setenv("OPENWTS_SOCKET", vc_sock_path, 1);
}

/* --- query --------------------------------------------------------------------------------- */

static void test_query(void **st)
{
	(void)st;
	int peer;
	HANDLE h = open_static(&peer);
	PVOID p = NULL;
	DWORD n = 0;

	/* WTSVirtualFileHandle: the socket, pollable. */
	SetLastError(SENTINEL);
	assert_true(WTSVirtualChannelQuery(h, WTSVirtualFileHandle, &p, &n));
	assert_int_equal(GetLastError(), SENTINEL);
	assert_int_equal(n, sizeof(HANDLE));
	int fd = (int)(intptr_t) * (HANDLE *)p;
	WTSFreeMemory(p);
	struct stat sb;
	assert_int_equal(fstat(fd, &sb), 0);
	assert_true(S_ISSOCK(sb.st_mode));
	struct pollfd pf = {.fd = fd, .events = POLLIN};
	assert_int_equal(poll(&pf, 1, 0), 0);
	peer_send(peer, 1, OWTS_VC_FIRST | OWTS_VC_LAST, "e", 1);
	assert_int_equal(poll(&pf, 1, 1000), 1);

	/* WTSVirtualEventHandle: signalled while data is readable; the same handle each time. */
	assert_true(WTSVirtualChannelQuery(h, WTSVirtualEventHandle, &p, &n));
	assert_int_equal(n, sizeof(HANDLE));
	HANDLE ev = *(HANDLE *)p;
	WTSFreeMemory(p);
	assert_int_equal(WaitForSingleObject(ev, 1000), WAIT_OBJECT_0);
	char buf[OWTS_VC_CHUNK];
	ULONG got;
	assert_true(WTSVirtualChannelRead(h, 0, buf, sizeof(buf), &got));
	assert_int_equal(got, 1);
	assert_int_equal(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);
	assert_true(WTSVirtualChannelQuery(h, WTSVirtualEventHandle, &p, &n));
	assert_ptr_equal(*(HANDLE *)p, ev);
	WTSFreeMemory(p);
	struct delayed d = {.peer = peer, .ms = 50};
	pthread_t t;
	pthread_create(&t, NULL, delayed_main, &d);
	assert_int_equal(WaitForSingleObject(ev, 5000), WAIT_OBJECT_0);
	pthread_join(t, NULL);

	/* Ready and open status, as FreeRDP's classes. */
	assert_true(WTSVirtualChannelQuery(h, WTSVirtualChannelReady, &p, &n));
	assert_int_equal(n, sizeof(BOOL));
	assert_int_equal(*(BOOL *)p, TRUE);
	WTSFreeMemory(p);
	assert_true(WTSVirtualChannelQuery(h, WTSVirtualChannelOpenStatus, &p, &n));
	assert_int_equal(n, sizeof(INT32));
	assert_int_equal(*(INT32 *)p, 0);
	WTSFreeMemory(p);

	/* The client's CHANNEL_DEF of a static channel. */
	assert_true(WTSVirtualChannelQuery(h, WTSVirtualClientData, &p, &n));
	assert_int_equal(n, sizeof(CHANNEL_DEF));
	CHANNEL_DEF def;
	memcpy(&def, p, sizeof(def));
	WTSFreeMemory(p);
	assert_memory_equal(def.name, "CHAN1\0\0\0", 8);
	assert_int_equal(def.options, CHANNEL_OPTION_INITIALIZED | CHANNEL_OPTION_COMPRESS_RDP);

	/* Errors, outputs untouched. */
	p = (PVOID)(uintptr_t)SENTINEL;
	n = SENTINEL;
	EXPECT_FALSE(WTSVirtualChannelQuery(h, WTSVirtualFileHandle, NULL, &n), 87);
	EXPECT_FALSE(WTSVirtualChannelQuery(h, WTSVirtualFileHandle, &p, NULL), 87);
	EXPECT_FALSE(WTSVirtualChannelQuery(h, (WTS_VIRTUAL_CLASS)5, &p, &n), 87);
	EXPECT_FALSE(WTSVirtualChannelQuery(h, (WTS_VIRTUAL_CLASS)-1, &p, &n), 87);
	EXPECT_FALSE(WTSVirtualChannelQuery(NULL, WTSVirtualFileHandle, &p, &n), 6);
	EXPECT_FALSE(WTSVirtualChannelQuery(FORGED, WTSVirtualFileHandle, &p, &n), 6);
	assert_ptr_equal(p, (PVOID)(uintptr_t)SENTINEL);
	assert_int_equal(n, SENTINEL);
	assert_true(WTSVirtualChannelClose(h));
	close(peer);

	/* A dynamic channel has no CHANNEL_DEF. */
	h = open_dynamic(&peer);
	EXPECT_FALSE(WTSVirtualChannelQuery(h, WTSVirtualClientData, &p, &n), 50);
	assert_ptr_equal(p, (PVOID)(uintptr_t)SENTINEL);
	assert_true(WTSVirtualChannelQuery(h, WTSVirtualChannelReady, &p, &n));
	WTSFreeMemory(p);
	assert_true(WTSVirtualChannelClose(h));
	close(peer);
}

/* --- close and handles --------------------------------------------------------------------- */

static void test_close(void **st)
{
	(void)st;
	int peer;
	HANDLE h = open_static(&peer);
	PVOID p;
	DWORD n;
	assert_true(WTSVirtualChannelQuery(h, WTSVirtualEventHandle, &p, &n));
	WTSFreeMemory(p);
	int fds = count_fds_stable();
	SetLastError(SENTINEL);
	assert_true(WTSVirtualChannelClose(h));
	assert_int_equal(GetLastError(), SENTINEL);
	assert_int_equal(count_fds_settled(fds - 1), fds - 1);
	uint8_t pkt[16];
	assert_int_equal(peer_recv(peer, pkt, sizeof(pkt)), 0); /* wtsd sees the end */
	close(peer);

	/* The closed handle, a forged one, a server handle and NULL are refused everywhere. */
	HANDLE server = WTSOpenServerA(NULL);
	HANDLE bad[] = {h, FORGED, server, NULL, (HANDLE)(uintptr_t)0x5CFFFFFFu};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char buf[8];
		ULONG got = SENTINEL;
		p = (PVOID)(uintptr_t)SENTINEL;
		n = SENTINEL;
		EXPECT_FALSE(WTSVirtualChannelClose(bad[i]), 6);
		EXPECT_FALSE(WTSVirtualChannelRead(bad[i], 0, buf, sizeof(buf), &got), 6);
		EXPECT_FALSE(WTSVirtualChannelWrite(bad[i], buf, 1, &got), 6);
		EXPECT_FALSE(WTSVirtualChannelPurgeInput(bad[i]), 6);
		EXPECT_FALSE(WTSVirtualChannelPurgeOutput(bad[i]), 6);
		EXPECT_FALSE(WTSVirtualChannelQuery(bad[i], WTSVirtualFileHandle, &p, &n), 6);
		assert_int_equal(got, SENTINEL);
		assert_int_equal(n, SENTINEL);
	}
	WTSCloseServer(server);

	/* A new channel in the same slot does not revive the old handle. */
	HANDLE h2 = open_static(&peer);
	assert_ptr_not_equal(h2, h);
	EXPECT_FALSE(WTSVirtualChannelPurgeOutput(h), 6);
	assert_true(WTSVirtualChannelClose(h2));
	close(peer);
}

struct blocked
{
	HANDLE h;
	BOOL ok;
	DWORD err;
};

static void *blocked_read(void *arg)
{
	struct blocked *b = arg;
	char buf[OWTS_VC_CHUNK];
	ULONG got;
	b->ok = WTSVirtualChannelRead(b->h, INFINITE, buf, sizeof(buf), &got);
	b->err = GetLastError();
	return NULL;
}

/* A close in another thread ends a read that waits forever. */
static void test_close_wakes_reader(void **st)
{
	(void)st;
	int peer;
	struct blocked b = {.h = open_static(&peer)};
	pthread_t t;
	pthread_create(&t, NULL, blocked_read, &b);
	sleep_ms(100);
	assert_true(WTSVirtualChannelClose(b.h));
	pthread_join(t, NULL);
	assert_false(b.ok);
	assert_int_equal(b.err, ERROR_BROKEN_PIPE);
	close(peer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open_request),
	    cmocka_unit_test(test_open_params),
	    cmocka_unit_test(test_open_status),
	    cmocka_unit_test(test_open_no_daemon),
	    cmocka_unit_test(test_query),
	    cmocka_unit_test(test_close),
	    cmocka_unit_test(test_close_wakes_reader),
	};
	return cmocka_run_group_tests(tests, vc_fake_setup, vc_fake_teardown);
}
