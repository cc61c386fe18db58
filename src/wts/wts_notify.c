/*
 * wts_notify.c — WTSRegisterSessionNotification(Ex) and WTSUnRegisterSessionNotification(Ex):
 * WM_WTSSESSION_CHANGE for WinPR windows.
 *
 * A process holds at most two EVENT_SUBSCRIBE streams to wtsd (wts_events.c), one per dwFlags
 * value, however many windows are registered; every server handle names the local wtsd, so
 * (server, flags) is (flags). A background thread, started with the first stream and ending
 * with the last, reads them and delivers each notification to every window registered with
 * those flags.
 *
 * Delivery: WinPR 2.11 has no message queue — GetMessage and PeekMessage return TRUE without
 * filling the MSG, PostMessage does not exist, DispatchMessage does nothing. The only working
 * delivery is SendMessageA, which calls the window class's WndProc directly. So the WndProc is
 * called with (hWnd, WM_WTSSESSION_CHANGE, code, session id) on OpenWTS's notification thread,
 * not on the thread that created the window (docs/api/WTSRegisterSessionNotification.md). The
 * registration lock is held during the call, so once WTSUnRegisterSessionNotification returns
 * the window gets no more calls and may be destroyed; the lock is recursive, so the WndProc may
 * itself register or unregister windows.
 *
 * WinPR's HWND is a plain pointer with no way to tell a live window from garbage (no IsWindow):
 * only NULL is refused with ERROR_INVALID_WINDOW_HANDLE, as Wine does for a window that is not
 * one.
 *
 * Thread ownership: only the notification thread closes a stream (the registering calls mark it
 * unwanted and wake the thread), so the thread never reads a descriptor that was closed and
 * reused under it. When wtsd goes away the stream ends; registrations stay, and the next
 * registration of a window subscribes again.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <wtsapi32.h>

#include "wts_private.h"

struct reg
{
	HWND hwnd;
	uint32_t flags;
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock; /* recursive; guards everything below */
static struct reg *regs;
static size_t nregs, capregs;
static struct
{
	int fd;      /* the EVENT_SUBSCRIBE stream, -1 if none */
	bool wanted; /* a window with these flags is registered */
} subs[2] = {{-1, false}, {-1, false}};
static int wake_fd = -1; /* eventfd: the thread re-reads subs */
static bool running;     /* the notification thread exists */

static void after_fork_child(void)
{
	/* The thread does not exist in the child, and the streams are the parent's. */
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&lock, &a);
	pthread_mutexattr_destroy(&a);
	for (int f = 0; f < 2; f++) {
		if (subs[f].fd >= 0)
			close(subs[f].fd);
		subs[f].fd = -1;
		subs[f].wanted = false;
	}
	nregs = 0;
	running = false;
}

static void init_once(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&lock, &a);
	pthread_mutexattr_destroy(&a);
	(void)pthread_atfork(NULL, NULL, after_fork_child);
}

static long find(HWND hwnd)
{
	for (size_t i = 0; i < nregs; i++)
		if (regs[i].hwnd == hwnd)
			return (long)i;
	return -1;
}

static void wake(void)
{
	uint64_t one = 1;
	(void)!write(wake_fd, &one, sizeof(one));
}

/* Calls the WndProc of every window registered with flags f; lock held. */
static void deliver(uint32_t f, uint32_t code, uint32_t session)
{
	/* A snapshot: a WndProc may register or unregister windows while we go. */
	HWND *targets = calloc(nregs ? nregs : 1, sizeof(*targets));
	if (!targets)
		return;
	size_t n = 0;
	for (size_t i = 0; i < nregs; i++)
		if (regs[i].flags == f)
			targets[n++] = regs[i].hwnd;
	for (size_t i = 0; i < n; i++) {
		long k = find(targets[i]);
		if (k >= 0 && regs[k].flags == f)
			SendMessageA(targets[i], WM_WTSSESSION_CHANGE, code, (LPARAM)session);
	}
	free(targets);
}

static void *notify_thread(void *arg)
{
	(void)arg;
	for (;;) {
		struct pollfd p[3] = {{.fd = wake_fd, .events = POLLIN}};
		pthread_mutex_lock(&lock);
		for (int f = 0; f < 2; f++) {
			if (subs[f].fd >= 0 && !subs[f].wanted) {
				close(subs[f].fd);
				subs[f].fd = -1;
			}
			p[1 + f] = (struct pollfd){.fd = subs[f].fd, .events = POLLIN};
		}
		if (subs[0].fd < 0 && subs[1].fd < 0) {
			running = false;
			pthread_mutex_unlock(&lock);
			return NULL;
		}
		p[0].fd = wake_fd;
		pthread_mutex_unlock(&lock);
		if (poll(p, 3, -1) < 0)
			continue; /* EINTR */
		if (p[0].revents) {
			uint64_t n;
			(void)!read(wake_fd, &n, sizeof(n));
		}
		for (int f = 0; f < 2; f++) {
			if (p[1 + f].fd < 0 || !p[1 + f].revents)
				continue;
			uint32_t code, session;
			DWORD err = wts_event_next(p[1 + f].fd, &code, &session);
			pthread_mutex_lock(&lock);
			if (err) {
				/* wtsd went away: the stream is done; a later registration renews
				 * it. */
				close(subs[f].fd);
				subs[f].fd = -1;
			} else if (subs[f].wanted) {
				deliver((uint32_t)f, code, session);
			}
			pthread_mutex_unlock(&lock);
		}
	}
}

/* Makes sure a stream for flags exists and the thread runs; lock held. */
static DWORD ensure_stream(uint32_t flags)
{
	if (wake_fd < 0) {
		wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (wake_fd < 0)
			return owts_errno_to_win32(-errno);
	}
	if (subs[flags].fd < 0) {
		DWORD err = wts_event_subscribe(flags, &subs[flags].fd, NULL);
		if (err)
			return err;
	}
	subs[flags].wanted = true;
	if (running) {
		wake();
		return ERROR_SUCCESS;
	}
	pthread_t t;
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	int e = pthread_create(&t, &a, notify_thread, NULL);
	pthread_attr_destroy(&a);
	if (e) {
		close(subs[flags].fd);
		subs[flags].fd = -1;
		subs[flags].wanted = false;
		return owts_errno_to_win32(-e);
	}
	running = true;
	return ERROR_SUCCESS;
}

static DWORD do_register(HWND hWnd, uint32_t flags)
{
	pthread_once(&once, init_once);
	pthread_mutex_lock(&lock);
	DWORD err = ERROR_SUCCESS;
	/* Registered already: success, and the new flags are ignored (as Windows). */
	if (find(hWnd) >= 0)
		goto out;
	if (nregs == capregs) {
		size_t cap = capregs ? capregs * 2 : 8;
		struct reg *p = realloc(regs, cap * sizeof(*p));
		if (!p) {
			err = ERROR_NOT_ENOUGH_MEMORY;
			goto out;
		}
		regs = p;
		capregs = cap;
	}
	err = ensure_stream(flags);
	if (!err)
		regs[nregs++] = (struct reg){hWnd, flags};
out:
	pthread_mutex_unlock(&lock);
	return err;
}

static DWORD do_unregister(HWND hWnd)
{
	pthread_once(&once, init_once);
	pthread_mutex_lock(&lock);
	DWORD err = ERROR_INVALID_PARAMETER; /* not registered (Wine's choice) */
	long i = find(hWnd);
	if (i >= 0) {
		uint32_t flags = regs[i].flags;
		regs[i] = regs[--nregs];
		bool others = false;
		for (size_t k = 0; k < nregs && !others; k++)
			others = regs[k].flags == flags;
		if (!others && subs[flags].wanted) {
			subs[flags].wanted = false;
			wake(); /* the thread closes the stream */
		}
		err = ERROR_SUCCESS;
	}
	pthread_mutex_unlock(&lock);
	return err;
}

WTS_EXPORT BOOL WINAPI WTSRegisterSessionNotificationEx(HANDLE hServer, HWND hWnd, DWORD dwFlags)
{
	if (dwFlags > NOTIFY_FOR_ALL_SESSIONS)
		return wts_fail(ERROR_INVALID_PARAMETER);
	DWORD err = wts_handle_check(hServer);
	if (err)
		return wts_fail(err);
	if (!hWnd)
		return wts_fail(ERROR_INVALID_WINDOW_HANDLE);
	err = do_register(hWnd, dwFlags);
	return err ? wts_fail(err) : TRUE;
}

WTS_EXPORT BOOL WINAPI WTSRegisterSessionNotification(HWND hWnd, DWORD dwFlags)
{
	return WTSRegisterSessionNotificationEx(WTS_CURRENT_SERVER_HANDLE, hWnd, dwFlags);
}

WTS_EXPORT BOOL WINAPI WTSUnRegisterSessionNotificationEx(HANDLE hServer, HWND hWnd)
{
	DWORD err = wts_handle_check(hServer);
	if (err)
		return wts_fail(err);
	if (!hWnd)
		return wts_fail(ERROR_INVALID_WINDOW_HANDLE);
	err = do_unregister(hWnd);
	return err ? wts_fail(err) : TRUE;
}

WTS_EXPORT BOOL WINAPI WTSUnRegisterSessionNotification(HWND hWnd)
{
	return WTSUnRegisterSessionNotificationEx(WTS_CURRENT_SERVER_HANDLE, hWnd);
}
