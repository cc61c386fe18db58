/*
 * api_events.c — WTSWaitSystemEvent, WTSRegisterSessionNotification(Ex) /
 * WTSUnRegisterSessionNotification(Ex) and the OpenWTSEvent* descriptor, against a real wtsd.
 *
 * Sessions are created with wtsctl (another process), which wtsd reports as WTS_EVENT_CREATE |
 * WTS_EVENT_LOGON | WTS_EVENT_STATECHANGE and the notification WTS_SESSION_LOGON. A wait cannot
 * be observed to be in place from outside, so the tests that need one create sessions until the
 * waiter has returned (at most 50 tries).
 *
 * Windows: WinPR 2.11 has no message queue (GetMessage is a stub), so notifications reach the
 * window's WndProc through SendMessageA on OpenWTS's thread; these tests record what the WndProc
 * gets.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <windows.h>
#include <wtsapi32.h>
#include <openwts/events.h>
#include <winpr/wnd.h>

#include "api_common.h"

#define FORGED ((HANDLE)0x12345678)

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* --- WTSWaitSystemEvent ------------------------------------------------------------------- */

struct waiter
{
	HANDLE server;
	DWORD mask;
	DWORD flags;
	BOOL ok;
	DWORD err;
	volatile int done;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	w->flags = 0xDEADBEEF;
	w->ok = WTSWaitSystemEvent(w->server, w->mask, &w->flags);
	w->err = GetLastError();
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static bool done(struct waiter *w)
{
	return __atomic_load_n(&w->done, __ATOMIC_SEQ_CST);
}

/* Creates sessions until w returns; the id of the last one. */
static uint32_t create_until_done(struct waiter *w)
{
	uint32_t id = 0;
	for (int i = 0; i < 50 && !done(w); i++) {
		id = api_create_session(65534, NULL, NULL);
		for (int k = 0; k < 10 && !done(w); k++)
			sleep_ms(10);
	}
	return id;
}

static void test_wait_sees_create_and_logon(void **state)
{
	(void)state;
	struct waiter w = {.mask = WTS_EVENT_ALL};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, wait_thread, &w), 0);
	create_until_done(&w);
	pthread_join(t, NULL);
	assert_true(w.ok);
	/* One answer with every bit of the change, though wtsd reports them in one turn. */
	assert_int_equal(w.flags, WTS_EVENT_CREATE | WTS_EVENT_LOGON | WTS_EVENT_STATECHANGE);
}

static void test_wait_mask_filters(void **state)
{
	(void)state;
	struct waiter w = {.mask = WTS_EVENT_LOGON | WTS_EVENT_DISCONNECT};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, wait_thread, &w), 0);
	create_until_done(&w);
	pthread_join(t, NULL);
	assert_true(w.ok);
	assert_int_equal(w.flags, WTS_EVENT_LOGON);
}

static void test_flush_wakes_waiters(void **state)
{
	(void)state;
	/* Two waiters on the current server handle, one on an opened handle; none of their events
	 * happen here (no RDP client). */
	HANDLE h = WTSOpenServerA(NULL);
	assert_non_null(h);
	struct waiter a = {.mask = WTS_EVENT_DISCONNECT};
	struct waiter b = {.mask = WTS_EVENT_LICENSE | WTS_EVENT_RENAME};
	struct waiter other = {.server = h, .mask = WTS_EVENT_DISCONNECT};
	pthread_t ta, tb, to;
	assert_int_equal(pthread_create(&ta, NULL, wait_thread, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, wait_thread, &b), 0);
	assert_int_equal(pthread_create(&to, NULL, wait_thread, &other), 0);
	sleep_ms(300);
	(void)api_create_session(65534, NULL, NULL); /* events they do not wait for */
	sleep_ms(300);
	assert_false(done(&a) || done(&b) || done(&other));
	/* A flush answers at once with WTS_EVENT_NONE and releases the waits on its handle. */
	DWORD f = 0xDEADBEEF;
	assert_true(WTSWaitSystemEvent(WTS_CURRENT_SERVER_HANDLE, WTS_EVENT_FLUSH, &f));
	assert_int_equal(f, WTS_EVENT_NONE);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_true(a.ok && b.ok);
	assert_int_equal(a.flags, WTS_EVENT_NONE);
	assert_int_equal(b.flags, WTS_EVENT_NONE);
	sleep_ms(200);
	assert_false(done(&other)); /* another handle's wait goes on */
	f = 0xDEADBEEF;
	assert_true(WTSWaitSystemEvent(h, WTS_EVENT_FLUSH | WTS_EVENT_CREATE, &f));
	assert_int_equal(f, WTS_EVENT_NONE);
	pthread_join(to, NULL);
	assert_true(other.ok);
	assert_int_equal(other.flags, WTS_EVENT_NONE);
	WTSCloseServer(h);
}

/* --- windows ------------------------------------------------------------------------------- */

#define MAX_MSGS 64

/* What the WndProcs were called with. */
static pthread_mutex_t msg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t msg_cond = PTHREAD_COND_INITIALIZER;
static struct msg
{
	HWND hwnd;
	UINT msg;
	WPARAM code;
	LPARAM session;
} msgs[MAX_MSGS];
static int nmsgs;

static LRESULT CALLBACK wnd_proc(HWND hwnd, UINT msg, WPARAM wParam, LPARAM lParam)
{
	pthread_mutex_lock(&msg_lock);
	if (nmsgs < MAX_MSGS)
		msgs[nmsgs++] = (struct msg){hwnd, msg, wParam, lParam};
	pthread_cond_broadcast(&msg_cond);
	pthread_mutex_unlock(&msg_lock);
	return 0;
}

static HWND make_window(const char *name)
{
	static bool registered;
	if (!registered) {
		WNDCLASSEXA wc = {.cbSize = sizeof(wc),
		                  .lpfnWndProc = wnd_proc,
		                  .lpszClassName = "openwts-test",
		                  .lpszMenuName = "" /* WinPR's class copy needs one */};
		assert_true(RegisterClassExA(&wc));
		registered = true;
	}
	HWND h = CreateWindowExA(0, "openwts-test", name, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL);
	assert_non_null(h);
	return h;
}

/* Waits up to ms for a message to hwnd with code and session; true if it came. */
static bool wait_msg(HWND hwnd, WPARAM code, uint32_t session, long ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	bool found = false;
	pthread_mutex_lock(&msg_lock);
	for (;;) {
		for (int i = 0; i < nmsgs && !found; i++)
			found = msgs[i].hwnd == hwnd && msgs[i].msg == WM_WTSSESSION_CHANGE &&
			        msgs[i].code == code && (uint32_t)msgs[i].session == session;
		if (found || pthread_cond_timedwait(&msg_cond, &msg_lock, &until) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&msg_lock);
	return found;
}

static int count_msgs(HWND hwnd)
{
	int n = 0;
	pthread_mutex_lock(&msg_lock);
	for (int i = 0; i < nmsgs; i++)
		n += msgs[i].hwnd == hwnd;
	pthread_mutex_unlock(&msg_lock);
	return n;
}

static void test_window_notifications(void **state)
{
	(void)state;
	HWND all = make_window("all"), mine = make_window("mine"), ex = make_window("ex");
	assert_true(WTSRegisterSessionNotification(all, NOTIFY_FOR_ALL_SESSIONS));
	/* Registering again succeeds and keeps the first flags. */
	assert_true(WTSRegisterSessionNotification(all, NOTIFY_FOR_THIS_SESSION));
	/* This process is in session 0: it hears nothing of the sessions made below. */
	assert_true(WTSRegisterSessionNotification(mine, NOTIFY_FOR_THIS_SESSION));
	HANDLE h = WTSOpenServerA(NULL);
	assert_true(WTSRegisterSessionNotificationEx(h, ex, NOTIFY_FOR_ALL_SESSIONS));

	uint32_t id = api_create_session(65534, NULL, NULL);
	assert_true(wait_msg(all, WTS_SESSION_LOGON, id, 5000));
	assert_true(wait_msg(ex, WTS_SESSION_LOGON, id, 5000));
	sleep_ms(200);
	assert_int_equal(count_msgs(mine), 0);

	/* After unregistering, a window is called no more. */
	assert_true(WTSUnRegisterSessionNotification(all));
	int before = count_msgs(all);
	uint32_t id2 = api_create_session(65534, NULL, NULL);
	assert_true(wait_msg(ex, WTS_SESSION_LOGON, id2, 5000));
	sleep_ms(100);
	assert_int_equal(count_msgs(all), before);

	/* Unregistering what is not registered fails (Wine's choice). */
	SetLastError(0);
	assert_false(WTSUnRegisterSessionNotification(all));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	assert_true(WTSUnRegisterSessionNotification(mine));
	assert_true(WTSUnRegisterSessionNotificationEx(h, ex));
	WTSCloseServer(h);
	DestroyWindow(all);
	DestroyWindow(mine);
	DestroyWindow(ex);
}

/* --- the descriptor extension --------------------------------------------------------------- */

static bool readable(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static void test_event_fd(void **state)
{
	(void)state;
	int all = OpenWTSEventOpen(WTS_CURRENT_SERVER_HANDLE, NOTIFY_FOR_ALL_SESSIONS);
	assert_true(all >= 0);
	int mine = OpenWTSEventOpen(WTS_CURRENT_SERVER_HANDLE, NOTIFY_FOR_THIS_SESSION);
	assert_true(mine >= 0);
	assert_false(readable(all, 0));
	uint32_t id = api_create_session(65534, NULL, NULL);
	assert_true(readable(all, 5000));
	DWORD code = 0, session = 0;
	assert_true(OpenWTSEventRead(all, &code, &session));
	assert_int_equal(code, WTS_SESSION_LOGON);
	assert_int_equal(session, id);
	assert_false(readable(all, 100));
	assert_false(readable(mine, 0));
	/* The same order for several changes. */
	uint32_t a = api_create_session(65534, NULL, NULL);
	uint32_t b = api_create_session(65534, NULL, NULL);
	assert_true(OpenWTSEventRead(all, &code, &session));
	assert_int_equal(session, a);
	assert_true(OpenWTSEventRead(all, &code, &session));
	assert_int_equal(session, b);
	OpenWTSEventClose(all);
	OpenWTSEventClose(mine);
	/* A closed descriptor is no longer ours. */
	SetLastError(0);
	assert_false(OpenWTSEventRead(all, &code, &session));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
}

/* --- bad inputs ----------------------------------------------------------------------------- */

static void expect_fail(BOOL ok, DWORD err)
{
	DWORD got = GetLastError();
	assert_false(ok);
	assert_int_equal(got, err);
}

static void test_bad_inputs(void **state)
{
	(void)state;
	DWORD f = 77;
	SetLastError(0);
	expect_fail(WTSWaitSystemEvent(NULL, WTS_EVENT_ALL, NULL), ERROR_INVALID_PARAMETER);
	expect_fail(WTSWaitSystemEvent(NULL, 0, &f), ERROR_INVALID_PARAMETER);
	expect_fail(WTSWaitSystemEvent(FORGED, WTS_EVENT_ALL, &f), ERROR_INVALID_HANDLE);
	assert_int_equal(f, 77);
	HWND w = make_window("bad");
	expect_fail(WTSRegisterSessionNotification(NULL, NOTIFY_FOR_ALL_SESSIONS),
	            ERROR_INVALID_WINDOW_HANDLE);
	expect_fail(WTSRegisterSessionNotification(w, 2), ERROR_INVALID_PARAMETER);
	expect_fail(WTSRegisterSessionNotificationEx(FORGED, w, NOTIFY_FOR_ALL_SESSIONS),
	            ERROR_INVALID_HANDLE);
	expect_fail(WTSUnRegisterSessionNotification(w), ERROR_INVALID_PARAMETER);
	expect_fail(WTSUnRegisterSessionNotification(NULL), ERROR_INVALID_WINDOW_HANDLE);
	expect_fail(WTSUnRegisterSessionNotificationEx(FORGED, w), ERROR_INVALID_HANDLE);
	SetLastError(0);
	assert_int_equal(OpenWTSEventOpen(NULL, 2), -1);
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	assert_int_equal(OpenWTSEventOpen(FORGED, 0), -1);
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	DWORD code = 77, session = 77;
	expect_fail(OpenWTSEventRead(0, &code, &session), ERROR_INVALID_HANDLE);
	expect_fail(OpenWTSEventRead(0, NULL, &session), ERROR_INVALID_PARAMETER);
	assert_true(code == 77 && session == 77);
	OpenWTSEventClose(-1);
	OpenWTSEventClose(0); /* not ours: left alone */
	assert_true(fcntl(0, F_GETFD) >= 0);
	DestroyWindow(w);
}

/* --- without a daemon, and when it stops ----------------------------------------------------- */

static void test_no_daemon(void **state)
{
	(void)state;
	char saved[256];
	snprintf(saved, sizeof(saved), "%s", getenv("OPENWTS_SOCKET"));
	setenv("OPENWTS_SOCKET", api_path("nobody-listens.sock"), 1);
	DWORD f = 77;
	expect_fail(WTSWaitSystemEvent(NULL, WTS_EVENT_ALL, &f), 1722);
	assert_int_equal(f, 77);
	HWND w = make_window("nodaemon");
	expect_fail(WTSRegisterSessionNotification(w, NOTIFY_FOR_ALL_SESSIONS), 1722);
	expect_fail(WTSUnRegisterSessionNotification(w), ERROR_INVALID_PARAMETER);
	assert_int_equal(OpenWTSEventOpen(NULL, NOTIFY_FOR_ALL_SESSIONS), -1);
	assert_int_equal(GetLastError(), 1722);
	DestroyWindow(w);
	setenv("OPENWTS_SOCKET", saved, 1);
}

static void test_daemon_stops(void **state)
{
	(void)state;
	char sock[256], st[256], saved[256];
	snprintf(sock, sizeof(sock), "%s", api_path("events.sock"));
	snprintf(st, sizeof(st), "%s", api_path("events-state"));
	snprintf(saved, sizeof(saved), "%s", getenv("OPENWTS_SOCKET"));
	setenv("OPENWTS_SOCKET", sock, 1);
	pid_t pid = api_wtsd_start(sock, st, "events-wtsd.log", NULL);
	int fd = OpenWTSEventOpen(NULL, NOTIFY_FOR_ALL_SESSIONS);
	assert_true(fd >= 0);
	struct waiter w = {.mask = WTS_EVENT_ALL};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, wait_thread, &w), 0);
	sleep_ms(300);
	int status;
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	pthread_join(t, NULL);
	assert_false(w.ok);
	assert_int_equal(w.err, 1722);
	DWORD code, session;
	expect_fail(OpenWTSEventRead(fd, &code, &session), 1722);
	expect_fail(OpenWTSEventRead(fd, &code, &session), 1722);
	OpenWTSEventClose(fd);
	api_wtsd_cleanup("events-wtsd.log");
	setenv("OPENWTS_SOCKET", saved, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wait_sees_create_and_logon),
	    cmocka_unit_test(test_wait_mask_filters),
	    cmocka_unit_test(test_flush_wakes_waiters),
	    cmocka_unit_test(test_window_notifications),
	    cmocka_unit_test(test_event_fd),
	    cmocka_unit_test(test_bad_inputs),
	    cmocka_unit_test(test_no_daemon),
	    cmocka_unit_test(test_daemon_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
