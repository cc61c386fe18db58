/*
 * api_errors.c — the table-driven bad-input test over every exported function.
 *
 * Each row calls one export with one bad input — NULL outputs, a forged or stale handle, an
 * unknown session, a bad level, class or flag — and states the Windows error it must give
 * (reference §6; Wine's tests for the cases Windows is known to take). Every row also checks that
 * the function left its output parameters untouched. The test fails if a name of
 * src/wts/exports.list has no row, so a new export cannot slip past it.
 *
 * Runs against a real wtsd (tests/with-wtsd.sh).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>
#include <string.h>

#include <windows.h>
#include <wtsapi32.h>
#include <cchannel.h>
#include <mstlsapi.h>
#include <openwts/provider.h>
#include <openwts/events.h>

#include "api_common.h"

#define SENTINEL ((void *)0x5e5e5e5e)
#define FORGED ((HANDLE)0x12345678)
#define NO_SESSION 12345u
#define NO_PID 0x7FFFFFF0u

static bool untouched; /* set by each row: its outputs kept their sentinel values */
static HANDLE stale;   /* a server handle that was opened and closed */

struct row {
	const char *export_name;
	const char *what;
	DWORD expect; /* last error; for UINT/DWORD-returning functions the return value */
	BOOL (*call)(void);
};

#define ROW(fn, what, err, ...)                                                                  \
	static BOOL row_##fn##_##what(void)                                                       \
	{                                                                                         \
		__VA_ARGS__                                                                       \
	}
#define REF(fn, what, err) { #fn, #what, err, row_##fn##_##what }

/* --- server handles ------------------------------------------------------------------------ */
ROW(WTSOpenServerA, remote_name, ERROR_NOT_SUPPORTED, {
	HANDLE h = WTSOpenServerA("no-such-host.invalid");
	untouched = true;
	return h != NULL;
})
ROW(WTSOpenServerW, remote_name, ERROR_NOT_SUPPORTED, {
	WCHAR name[] = { 'f', 'a', 'r', '.', 'i', 'n', 'v', 'a', 'l', 'i', 'd', 0 };
	HANDLE h = WTSOpenServerW(name);
	untouched = true;
	return h != NULL;
})
ROW(WTSOpenServerExA, remote_name, ERROR_NOT_SUPPORTED, {
	untouched = true;
	return WTSOpenServerExA("no-such-host.invalid") != NULL;
})
ROW(WTSOpenServerExW, remote_name, ERROR_NOT_SUPPORTED, {
	WCHAR name[] = { 'x', '.', 'y', 0 };
	untouched = true;
	return WTSOpenServerExW(name) != NULL;
})
ROW(WTSCloseServer, forged_handle, ERROR_INVALID_HANDLE, {
	untouched = true;
	WTSCloseServer(FORGED);
	return FALSE;
})
ROW(WTSCloseServer, stale_handle, ERROR_INVALID_HANDLE, {
	untouched = true;
	WTSCloseServer(stale);
	return FALSE;
})

/* --- enumerations -------------------------------------------------------------------------- */
#define ENUM_ROW(fn, T, what, err, h, res, ver, pp, pc)                                          \
	ROW(fn, what, err, {                                                                      \
		T p = SENTINEL;                                                                   \
		DWORD c = 77;                                                                     \
		BOOL r = fn(h, res, ver, pp, pc);                                                 \
		untouched = p == SENTINEL && c == 77;                                            \
		return r;                                                                         \
	})
ENUM_ROW(WTSEnumerateSessionsA, PWTS_SESSION_INFOA, reserved, 87, NULL, 1, 1, &p, &c)
ENUM_ROW(WTSEnumerateSessionsA, PWTS_SESSION_INFOA, version, 87, NULL, 0, 2, &p, &c)
ENUM_ROW(WTSEnumerateSessionsA, PWTS_SESSION_INFOA, null_buffer, 87, NULL, 0, 1, NULL, &c)
ENUM_ROW(WTSEnumerateSessionsA, PWTS_SESSION_INFOA, null_count, 87, NULL, 0, 1, &p, NULL)
ENUM_ROW(WTSEnumerateSessionsA, PWTS_SESSION_INFOA, forged_handle, 6, FORGED, 0, 1, &p, &c)
ENUM_ROW(WTSEnumerateSessionsW, PWTS_SESSION_INFOW, reserved, 87, NULL, 1, 1, &p, &c)
ENUM_ROW(WTSEnumerateSessionsW, PWTS_SESSION_INFOW, version, 87, NULL, 0, 0, &p, &c)
ENUM_ROW(WTSEnumerateSessionsW, PWTS_SESSION_INFOW, stale_handle, 6, stale, 0, 1, &p, &c)
ENUM_ROW(WTSEnumerateProcessesA, PWTS_PROCESS_INFOA, reserved, 87, NULL, 1, 1, &p, &c)
ENUM_ROW(WTSEnumerateProcessesA, PWTS_PROCESS_INFOA, version0, 87, NULL, 0, 0, &p, &c)
ENUM_ROW(WTSEnumerateProcessesA, PWTS_PROCESS_INFOA, version2, 87, NULL, 0, 2, &p, &c)
ENUM_ROW(WTSEnumerateProcessesA, PWTS_PROCESS_INFOA, null_buffer, 87, NULL, 0, 1, NULL, &c)
ENUM_ROW(WTSEnumerateProcessesA, PWTS_PROCESS_INFOA, null_count, 87, NULL, 0, 1, &p, NULL)
ENUM_ROW(WTSEnumerateProcessesW, PWTS_PROCESS_INFOW, reserved, 87, NULL, 1, 1, &p, &c)
ENUM_ROW(WTSEnumerateProcessesW, PWTS_PROCESS_INFOW, forged_handle, 6, FORGED, 0, 1, &p, &c)

#define ENUM_EX_ROW(fn, T, what, err, h, level, arg, pp, pc, level_after)                       \
	ROW(fn, what, err, {                                                                      \
		T p = SENTINEL;                                                                   \
		DWORD c = 77, lv = level;                                                         \
		BOOL r = fn(h, &lv, arg, pp, pc);                                                 \
		untouched = p == SENTINEL && c == 77 && lv == (level_after);                     \
		return r;                                                                         \
	})
ENUM_EX_ROW(WTSEnumerateSessionsExA, PWTS_SESSION_INFO_1A, level0, 87, NULL, 0, 0, &p, &c, 0)
ENUM_EX_ROW(WTSEnumerateSessionsExA, PWTS_SESSION_INFO_1A, filter, 87, NULL, 1, 1, &p, &c, 1)
ENUM_EX_ROW(WTSEnumerateSessionsExA, PWTS_SESSION_INFO_1A, null_count, 87, NULL, 1, 0, &p, NULL,
            1)
ENUM_EX_ROW(WTSEnumerateSessionsExW, PWTS_SESSION_INFO_1W, level2, 87, NULL, 2, 0, &p, &c, 2)
ENUM_EX_ROW(WTSEnumerateSessionsExW, PWTS_SESSION_INFO_1W, forged_handle, 6, FORGED, 1, 0, &p, &c,
            1)
/* A bad level fails and gets 1 written back (Microsoft's documentation). */
ENUM_EX_ROW(WTSEnumerateProcessesExA, LPSTR, level2, 87, NULL, 2, WTS_ANY_SESSION, &p, &c, 1)
ENUM_EX_ROW(WTSEnumerateProcessesExA, LPSTR, null_buffer, 87, NULL, 1, WTS_ANY_SESSION, NULL, &c,
            1)
ENUM_EX_ROW(WTSEnumerateProcessesExW, LPWSTR, null_count, 87, NULL, 0, WTS_ANY_SESSION, &p, NULL,
            0)
ENUM_EX_ROW(WTSEnumerateProcessesExW, LPWSTR, forged_handle, 6, FORGED, 1, 0, &p, &c, 1)

ROW(WTSEnumerateSessionsExA, null_level, 87, {
	PWTS_SESSION_INFO_1A p = SENTINEL;
	DWORD c = 77;
	BOOL r = WTSEnumerateSessionsExA(NULL, NULL, 0, &p, &c);
	untouched = p == SENTINEL && c == 77;
	return r;
})

/* --- session information ------------------------------------------------------------------- */
#define QUERY_ROW(fn, T, what, err, h, id, cls, pp, pc)                                          \
	ROW(fn, what, err, {                                                                      \
		T p = SENTINEL;                                                                   \
		DWORD c = 77;                                                                     \
		BOOL r = fn(h, id, cls, pp, pc);                                                  \
		untouched = p == SENTINEL && c == 77;                                            \
		return r;                                                                         \
	})
QUERY_ROW(WTSQuerySessionInformationA, LPSTR, null_buffer, 1784, NULL, 0, WTSUserName, NULL, &c)
QUERY_ROW(WTSQuerySessionInformationA, LPSTR, null_count, 1784, NULL, 0, WTSUserName, &p, NULL)
QUERY_ROW(WTSQuerySessionInformationA, LPSTR, bad_class, 87, NULL, 0, (WTS_INFO_CLASS)99, &p, &c)
QUERY_ROW(WTSQuerySessionInformationA, LPSTR, no_session, 7022, NULL, NO_SESSION, WTSUserName, &p,
          &c)
QUERY_ROW(WTSQuerySessionInformationA, LPSTR, idle_time, 50, NULL, 0, WTSIdleTime, &p, &c)
QUERY_ROW(WTSQuerySessionInformationW, LPWSTR, null_buffer, 1784, NULL, 0, WTSUserName, NULL, &c)
QUERY_ROW(WTSQuerySessionInformationW, LPWSTR, forged_handle, 6, FORGED, 0, WTSUserName, &p, &c)
QUERY_ROW(WTSQuerySessionInformationW, LPWSTR, no_session, 7022, NULL, NO_SESSION,
          WTSSessionInfo, &p, &c)
QUERY_ROW(WTSQuerySessionInformationW, LPWSTR, logon_time, 50, NULL, 0, WTSLogonTime, &p, &c)

/* --- memory -------------------------------------------------------------------------------- */
ROW(WTSFreeMemory, null, ERROR_SUCCESS, {
	WTSFreeMemory(NULL); /* must not crash; sets nothing */
	untouched = true;
	return FALSE;
})
ROW(WTSFreeMemoryExA, bad_class, 87, {
	untouched = true;
	return WTSFreeMemoryExA((WTS_TYPE_CLASS)7, SENTINEL, 1);
})
ROW(WTSFreeMemoryExA, cloud_class, 87, {
	untouched = true;
	return WTSFreeMemoryExA((WTS_TYPE_CLASS)3, SENTINEL, 1);
})
ROW(WTSFreeMemoryExW, null_memory, 87, {
	untouched = true;
	return WTSFreeMemoryExW(WTSTypeSessionInfoLevel1, NULL, 1);
})

/* --- processes ----------------------------------------------------------------------------- */
ROW(WTSTerminateProcess, forged_handle, 6, {
	untouched = true;
	return WTSTerminateProcess(FORGED, 1, 0);
})
ROW(WTSTerminateProcess, pid0, 87, {
	untouched = true;
	return WTSTerminateProcess(NULL, 0, 0);
})
ROW(WTSTerminateProcess, no_process, 87, {
	untouched = true;
	return WTSTerminateProcess(NULL, NO_PID, 0);
})
ROW(ProcessIdToSessionId, null_out, 87, {
	untouched = true;
	return ProcessIdToSessionId(1, NULL);
})
ROW(ProcessIdToSessionId, no_process, 87, {
	DWORD id = 77;
	BOOL r = ProcessIdToSessionId(NO_PID, &id);
	untouched = id == 77;
	return r;
})
/* No logind here: no console; the function never sets the last error. */
ROW(WTSGetActiveConsoleSessionId, no_console, 0xDEADBEEF, {
	untouched = WTSGetActiveConsoleSessionId() == 0xFFFFFFFF;
	return FALSE;
})

/* --- session lifecycle ------------------------------------------------------------------------ */
#define LIFE_ROW(fn, what, err, ...)                                                             \
	ROW(fn, what, err, {                                                                      \
		untouched = true;                                                                 \
		return fn(__VA_ARGS__);                                                           \
	})
LIFE_ROW(WTSConnectSessionA, null_password, 87, NO_SESSION, LOGONID_CURRENT, NULL, FALSE)
LIFE_ROW(WTSConnectSessionA, both_current, 87, LOGONID_CURRENT, LOGONID_CURRENT, "", FALSE)
LIFE_ROW(WTSConnectSessionA, no_session, 7022, NO_SESSION, LOGONID_CURRENT, "", TRUE)
LIFE_ROW(WTSConnectSessionW, null_password, 87, NO_SESSION, LOGONID_CURRENT, NULL, TRUE)
LIFE_ROW(WTSConnectSessionW, no_session, 7022, NO_SESSION, LOGONID_CURRENT, (WCHAR[]){ 0 }, FALSE)
LIFE_ROW(WTSDisconnectSession, forged_handle, 6, FORGED, NO_SESSION, FALSE)
LIFE_ROW(WTSDisconnectSession, no_session, 7022, NULL, NO_SESSION, TRUE)
LIFE_ROW(WTSDisconnectSession, session0, 5, NULL, 0, FALSE)
LIFE_ROW(WTSLogoffSession, forged_handle, 6, FORGED, NO_SESSION, TRUE)
LIFE_ROW(WTSLogoffSession, stale_handle, 6, stale, NO_SESSION, FALSE)
LIFE_ROW(WTSLogoffSession, no_session, 7022, NULL, NO_SESSION, TRUE)
LIFE_ROW(WTSLogoffSession, session0, 5, NULL, 0, TRUE)

/* --- events and notifications -------------------------------------------------------------- */
ROW(WTSWaitSystemEvent, null_flags, 87, {
	untouched = true;
	return WTSWaitSystemEvent(NULL, WTS_EVENT_ALL, NULL);
})
ROW(WTSWaitSystemEvent, no_mask, 87, {
	DWORD f = 77;
	BOOL r = WTSWaitSystemEvent(NULL, 0, &f);
	untouched = f == 77;
	return r;
})
ROW(WTSWaitSystemEvent, forged_handle, 6, {
	DWORD f = 77;
	BOOL r = WTSWaitSystemEvent(FORGED, WTS_EVENT_ALL, &f);
	untouched = f == 77;
	return r;
})
ROW(WTSRegisterSessionNotification, null_window, ERROR_INVALID_WINDOW_HANDLE, {
	untouched = true;
	return WTSRegisterSessionNotification(NULL, NOTIFY_FOR_THIS_SESSION);
})
ROW(WTSRegisterSessionNotification, bad_flags, 87, {
	untouched = true;
	return WTSRegisterSessionNotification((HWND)SENTINEL, 2);
})
ROW(WTSUnRegisterSessionNotification, not_registered, 87, {
	untouched = true;
	return WTSUnRegisterSessionNotification((HWND)SENTINEL);
})
ROW(WTSRegisterSessionNotificationEx, forged_handle, 6, {
	untouched = true;
	return WTSRegisterSessionNotificationEx(FORGED, (HWND)SENTINEL, NOTIFY_FOR_ALL_SESSIONS);
})
ROW(WTSUnRegisterSessionNotificationEx, stale_handle, 6, {
	untouched = true;
	return WTSUnRegisterSessionNotificationEx(stale, (HWND)SENTINEL);
})
ROW(OpenWTSEventOpen, bad_flags, 87, {
	untouched = true;
	return OpenWTSEventOpen(NULL, 2) != -1;
})
ROW(OpenWTSEventOpen, forged_handle, 6, {
	untouched = true;
	return OpenWTSEventOpen(FORGED, NOTIFY_FOR_ALL_SESSIONS) != -1;
})
ROW(OpenWTSEventRead, not_ours, 6, {
	DWORD code = 77, session = 77;
	BOOL r = OpenWTSEventRead(0, &code, &session);
	untouched = code == 77 && session == 77;
	return r;
})
ROW(OpenWTSEventRead, null_code, 87, {
	DWORD session = 77;
	BOOL r = OpenWTSEventRead(0, NULL, &session);
	untouched = session == 77;
	return r;
})
ROW(OpenWTSEventClose, not_ours, 0xDEADBEEF, {
	OpenWTSEventClose(-1); /* nothing to do, nothing set */
	untouched = true;
	return FALSE;
})

/* --- functions of later issues ------------------------------------------------------------- */
/* --- listeners ----------------------------------------------------------------------------- */
#define LIST_ROW(fn, what, err, h, res, rsv, pc)                                                 \
	ROW(fn, what, err, {                                                                      \
		DWORD c = 77;                                                                     \
		BOOL r = fn(h, res, rsv, NULL, pc);                                               \
		untouched = c == 77;                                                              \
		return r;                                                                         \
	})
LIST_ROW(WTSEnumerateListenersA, reserved_ptr, 87, NULL, SENTINEL, 0, &c)
LIST_ROW(WTSEnumerateListenersA, null_count, 87, NULL, NULL, 0, NULL)
LIST_ROW(WTSEnumerateListenersW, reserved, 87, NULL, NULL, 1, &c)
LIST_ROW(WTSEnumerateListenersW, forged_handle, 6, FORGED, NULL, 0, &c)
#define QCFG_ROW(fn, T, what, err, h, res, rsv, name, buf)                                       \
	ROW(fn, what, err, {                                                                      \
		T cfg;                                                                            \
		memset(&cfg, 0x5e, sizeof(cfg));                                                  \
		BOOL r = fn(h, res, rsv, name, buf);                                              \
		untouched = cfg.version == 0x5e5e5e5e;                                            \
		return r;                                                                         \
	})
static WCHAR rdp_tcp_w[] = { 'R', 'D', 'P', '-', 'T', 'c', 'p', 0 };
static WCHAR no_listener_w[] = { 'n', 'o', 'n', 'e', 0 };
QCFG_ROW(WTSQueryListenerConfigA, WTSLISTENERCONFIGA, null_buffer, 87, NULL, NULL, 0, "RDP-Tcp",
         NULL)
QCFG_ROW(WTSQueryListenerConfigA, WTSLISTENERCONFIGA, unknown, 7022, NULL, NULL, 0, "none",
         &cfg)
QCFG_ROW(WTSQueryListenerConfigW, WTSLISTENERCONFIGW, reserved, 87, NULL, NULL, 1, rdp_tcp_w,
         &cfg)
QCFG_ROW(WTSQueryListenerConfigW, WTSLISTENERCONFIGW, forged_handle, 6, FORGED, NULL, 0,
         rdp_tcp_w, &cfg)
#define CREATE_ROW(fn, T, what, err, name, ver, flag)                                        \
	ROW(fn, what, err, {                                                                      \
		T cfg;                                                                            \
		memset(&cfg, 0, sizeof(cfg));                                                     \
		cfg.version = ver;                                                                \
		untouched = true;                                                                 \
		return fn(NULL, NULL, 0, name, &cfg, flag);                                       \
	})
CREATE_ROW(WTSCreateListenerA, WTSLISTENERCONFIGA, bad_flag, 87, "x", 1, 3)
CREATE_ROW(WTSCreateListenerA, WTSLISTENERCONFIGA, version, 87, "x", 2, WTS_LISTENER_CREATE)
CREATE_ROW(WTSCreateListenerW, WTSLISTENERCONFIGW, null_name, 87, NULL, 1, WTS_LISTENER_CREATE)
CREATE_ROW(WTSCreateListenerW, WTSLISTENERCONFIGW, update_unknown, 7022, no_listener_w, 1,
           WTS_LISTENER_UPDATE)
/* An absolute (not self-relative) descriptor: control without SE_SELF_RELATIVE. */
static BYTE absolute_sd[20] = { 1, 0, 0x04, 0x00 };
ROW(WTSSetListenerSecurityA, null_sd, 87, {
	untouched = true;
	return WTSSetListenerSecurityA(NULL, NULL, 0, "RDP-Tcp", 4, NULL);
})
ROW(WTSSetListenerSecurityA, absolute_sd, ERROR_INVALID_SECURITY_DESCR, {
	untouched = true;
	return WTSSetListenerSecurityA(NULL, NULL, 0, "RDP-Tcp", 4, (PSECURITY_DESCRIPTOR)absolute_sd);
})
ROW(WTSSetListenerSecurityW, reserved, 87, {
	untouched = true;
	return WTSSetListenerSecurityW(NULL, NULL, 1, rdp_tcp_w, 4, (PSECURITY_DESCRIPTOR)absolute_sd);
})
ROW(WTSGetListenerSecurityA, null_needed, 87, {
	BYTE buf[8];
	untouched = true;
	return WTSGetListenerSecurityA(NULL, NULL, 0, "RDP-Tcp", 4, (PSECURITY_DESCRIPTOR)buf,
	                               sizeof(buf), NULL);
})
ROW(WTSGetListenerSecurityA, unknown, 7022, {
	DWORD need = 77;
	BOOL r = WTSGetListenerSecurityA(NULL, NULL, 0, "none", 4, NULL, 0, &need);
	untouched = need == 77;
	return r;
})
ROW(WTSGetListenerSecurityW, bad_information, 87, {
	DWORD need = 77;
	BOOL r = WTSGetListenerSecurityW(NULL, NULL, 0, rdp_tcp_w, 0x100, NULL, 0, &need);
	untouched = need == 77;
	return r;
})

#define NI(fn, ...)                                                                               \
	ROW(fn, not_implemented, 120, {                                                           \
		untouched = true;                                                                 \
		return fn(__VA_ARGS__);                                                           \
	})
#define NI_HANDLE(fn, ...)                                                                        \
	ROW(fn, not_implemented, 120, {                                                           \
		untouched = true;                                                                 \
		return fn(__VA_ARGS__) != NULL;                                                   \
	})
NI(WTSEnumerateServersA, NULL, 0, 1, NULL, NULL)
NI(WTSEnumerateServersW, NULL, 0, 1, NULL, NULL)
NI(WTSQueryUserConfigA, NULL, "root", WTSUserConfigInitialProgram, NULL, NULL)
NI(WTSQueryUserConfigW, NULL, NULL, WTSUserConfigInitialProgram, NULL, NULL)
NI(WTSSetUserConfigA, NULL, "root", WTSUserConfigInitialProgram, "x", 1)
NI(WTSSetUserConfigW, NULL, NULL, WTSUserConfigInitialProgram, NULL, 0)
ROW(WTSQueryUserToken, null_output, ERROR_INVALID_PARAMETER, {
	untouched = true;
	return WTSQueryUserToken(0, NULL);
})
ROW(WTSQueryUserToken, no_session, ERROR_FILE_NOT_FOUND, {
	HANDLE tok = (HANDLE)(uintptr_t)0x5E47;
	BOOL ok = WTSQueryUserToken(NO_SESSION, &tok);
	untouched = tok == (HANDLE)(uintptr_t)0x5E47;
	return ok;
})
NI(WTSSendMessageA, NULL, 0, "t", 1, "m", 1, 0, 0, NULL, FALSE)
NI(WTSSendMessageW, NULL, 0, NULL, 0, NULL, 0, 0, 0, NULL, FALSE)
NI(WTSShutdownSystem, NULL, WTS_WSD_LOGOFF)
NI(WTSStartRemoteControlSessionA, NULL, 1, 0x6A, REMOTECONTROL_KBDCTRL_HOTKEY)
NI(WTSStartRemoteControlSessionW, NULL, 1, 0x6A, REMOTECONTROL_KBDCTRL_HOTKEY)
NI(WTSStopRemoteControlSession, 1)
NI(WTSEnableChildSessions, TRUE)
NI(WTSIsChildSessionsEnabled, NULL)
NI(WTSGetChildSessionId, NULL)
NI_HANDLE(TLSConnectToLsServer, NULL)

/* --- server channels (no channel can be opened here: the rows fail before any request) ----- */
ROW(WTSVirtualChannelOpen, forged_server, ERROR_INVALID_HANDLE, {
	untouched = true;
	return WTSVirtualChannelOpen(FORGED, WTS_CURRENT_SESSION, "ECHO") != NULL;
})
ROW(WTSVirtualChannelOpen, long_name, ERROR_INVALID_PARAMETER, {
	untouched = true;
	return WTSVirtualChannelOpen(NULL, WTS_CURRENT_SESSION, "EIGHTCHR") != NULL;
})
ROW(WTSVirtualChannelOpenEx, bad_flags, ERROR_INVALID_PARAMETER, {
	untouched = true;
	return WTSVirtualChannelOpenEx(WTS_CURRENT_SESSION, "ECHO",
	                               WTS_CHANNEL_OPTION_DYNAMIC | 0x10) != NULL;
})
ROW(WTSVirtualChannelOpenEx, null_name, ERROR_INVALID_PARAMETER, {
	untouched = true;
	return WTSVirtualChannelOpenEx(WTS_CURRENT_SESSION, NULL, 0) != NULL;
})
ROW(WTSVirtualChannelClose, forged_handle, ERROR_INVALID_HANDLE, {
	untouched = true;
	return WTSVirtualChannelClose(FORGED);
})
ROW(WTSVirtualChannelClose, server_handle, ERROR_INVALID_HANDLE, {
	HANDLE server = WTSOpenServerA(NULL);
	BOOL ok = WTSVirtualChannelClose(server);
	DWORD err = GetLastError();
	WTSCloseServer(server);
	SetLastError(err);
	untouched = true;
	return ok;
})
ROW(WTSVirtualChannelRead, null_bytes_read, ERROR_INVALID_PARAMETER, {
	char buf[4] = { 0 };
	BOOL ok = WTSVirtualChannelRead(FORGED, 0, buf, sizeof(buf), NULL);
	untouched = buf[0] == 0;
	return ok;
})
ROW(WTSVirtualChannelRead, forged_handle, ERROR_INVALID_HANDLE, {
	char buf[4] = { 0 };
	ULONG n = 0x5e5e;
	BOOL ok = WTSVirtualChannelRead(FORGED, 0, buf, sizeof(buf), &n);
	untouched = n == 0x5e5e && buf[0] == 0;
	return ok;
})
ROW(WTSVirtualChannelWrite, null_handle, ERROR_INVALID_HANDLE, {
	ULONG n = 0x5e5e;
	BOOL ok = WTSVirtualChannelWrite(NULL, "x", 1, &n);
	untouched = n == 0x5e5e;
	return ok;
})
ROW(WTSVirtualChannelWrite, null_buffer, ERROR_INVALID_PARAMETER, {
	ULONG n = 0x5e5e;
	BOOL ok = WTSVirtualChannelWrite(FORGED, NULL, 1, &n);
	untouched = n == 0x5e5e;
	return ok;
})
ROW(WTSVirtualChannelPurgeInput, forged_handle, ERROR_INVALID_HANDLE, {
	untouched = true;
	return WTSVirtualChannelPurgeInput(FORGED);
})
ROW(WTSVirtualChannelPurgeOutput, null_handle, ERROR_INVALID_HANDLE, {
	untouched = true;
	return WTSVirtualChannelPurgeOutput(NULL);
})
ROW(WTSVirtualChannelQuery, null_buffer, ERROR_INVALID_PARAMETER, {
	DWORD n = 0x5e5e;
	BOOL ok = WTSVirtualChannelQuery(FORGED, WTSVirtualFileHandle, NULL, &n);
	untouched = n == 0x5e5e;
	return ok;
})
ROW(WTSVirtualChannelQuery, forged_handle, ERROR_INVALID_HANDLE, {
	PVOID p = SENTINEL;
	DWORD n = 0x5e5e;
	BOOL ok = WTSVirtualChannelQuery(FORGED, WTSVirtualEventHandle, &p, &n);
	untouched = p == SENTINEL && n == 0x5e5e;
	return ok;
})

/* Functions with a UINT or DWORD result: `expect` is the return value, the last error stays. */
#define RC(fn, what, rc, ...)                                                                     \
	ROW(fn, what, rc, {                                                                       \
		untouched = true;                                                                 \
		SetLastError((DWORD)fn(__VA_ARGS__));                                             \
		return FALSE;                                                                     \
	})
RC(VirtualChannelInit, outside_entry, CHANNEL_RC_NOT_IN_VIRTUALCHANNELENTRY, NULL, NULL, 1,
   VIRTUAL_CHANNEL_VERSION_WIN2000, NULL)
RC(VirtualChannelOpen, no_init_handle, CHANNEL_RC_BAD_INIT_HANDLE, NULL, NULL, "x", NULL)
RC(VirtualChannelClose, no_channel, CHANNEL_RC_BAD_CHANNEL_HANDLE, 1)
RC(VirtualChannelWrite, no_channel, CHANNEL_RC_BAD_CHANNEL_HANDLE, 1, "x", 1, NULL)
RC(TLSGetServerCertificate, not_implemented, 120, NULL, FALSE, NULL, NULL, NULL)
RC(TLSKeyPackEnumBegin, not_implemented, 120, NULL, LSKEYPACK_SEARCH_ALL, FALSE, NULL, NULL)
RC(TLSKeyPackEnumNext, not_implemented, 120, NULL, NULL, NULL)
RC(TLSKeyPackEnumEnd, not_implemented, 120, NULL, NULL)
RC(TLSLicenseEnumBegin, not_implemented, 120, NULL, LSKEYPACK_SEARCH_ALL, FALSE, NULL, NULL)
RC(TLSLicenseEnumNext, not_implemented, 120, NULL, NULL, NULL)
RC(TLSLicenseEnumEnd, not_implemented, 120, NULL, NULL)
ROW(TLSDisconnectFromServer, no_handle, 0xDEADBEEF, {
	TLSDisconnectFromServer(NULL); /* no handle can exist: nothing to do, nothing set */
	untouched = true;
	return FALSE;
})
ROW(InitWtsApi, table_complete, 0xDEADBEEF, {
	/* Not a bad-input case: every entry of WinPR's provider table must be filled. */
	PWtsApiFunctionTable t = InitWtsApi();
	const void *const *fn = (const void *const *)((const DWORD *)t + 2);
	size_t n = (sizeof(*t) - 2 * sizeof(DWORD)) / sizeof(void *);
	untouched = t != NULL && t->dwVersion == 1;
	for (size_t i = 0; untouched && i < n; i++)
		untouched = fn[i] != NULL;
	return FALSE;
})

#include "api_errors_plugin_host.inc"

static const struct row rows[] = {
	PLUGIN_HOST_REFS,
	REF(WTSOpenServerA, remote_name, ERROR_NOT_SUPPORTED),
	REF(WTSOpenServerW, remote_name, ERROR_NOT_SUPPORTED),
	REF(WTSOpenServerExA, remote_name, ERROR_NOT_SUPPORTED),
	REF(WTSOpenServerExW, remote_name, ERROR_NOT_SUPPORTED),
	REF(WTSCloseServer, forged_handle, ERROR_INVALID_HANDLE),
	REF(WTSCloseServer, stale_handle, ERROR_INVALID_HANDLE),
	REF(WTSEnumerateSessionsA, reserved, 87),
	REF(WTSEnumerateSessionsA, version, 87),
	REF(WTSEnumerateSessionsA, null_buffer, 87),
	REF(WTSEnumerateSessionsA, null_count, 87),
	REF(WTSEnumerateSessionsA, forged_handle, 6),
	REF(WTSEnumerateSessionsW, reserved, 87),
	REF(WTSEnumerateSessionsW, version, 87),
	REF(WTSEnumerateSessionsW, stale_handle, 6),
	REF(WTSEnumerateProcessesA, reserved, 87),
	REF(WTSEnumerateProcessesA, version0, 87),
	REF(WTSEnumerateProcessesA, version2, 87),
	REF(WTSEnumerateProcessesA, null_buffer, 87),
	REF(WTSEnumerateProcessesA, null_count, 87),
	REF(WTSEnumerateProcessesW, reserved, 87),
	REF(WTSEnumerateProcessesW, forged_handle, 6),
	REF(WTSEnumerateSessionsExA, level0, 87),
	REF(WTSEnumerateSessionsExA, filter, 87),
	REF(WTSEnumerateSessionsExA, null_count, 87),
	REF(WTSEnumerateSessionsExA, null_level, 87),
	REF(WTSEnumerateSessionsExW, level2, 87),
	REF(WTSEnumerateSessionsExW, forged_handle, 6),
	REF(WTSEnumerateProcessesExA, level2, 87),
	REF(WTSEnumerateProcessesExA, null_buffer, 87),
	REF(WTSEnumerateProcessesExW, null_count, 87),
	REF(WTSEnumerateProcessesExW, forged_handle, 6),
	REF(WTSQuerySessionInformationA, null_buffer, 1784),
	REF(WTSQuerySessionInformationA, null_count, 1784),
	REF(WTSQuerySessionInformationA, bad_class, 87),
	REF(WTSQuerySessionInformationA, no_session, 7022),
	REF(WTSQuerySessionInformationA, idle_time, 50),
	REF(WTSQuerySessionInformationW, null_buffer, 1784),
	REF(WTSQuerySessionInformationW, forged_handle, 6),
	REF(WTSQuerySessionInformationW, no_session, 7022),
	REF(WTSQuerySessionInformationW, logon_time, 50),
	REF(WTSFreeMemory, null, 0xDEADBEEF),
	REF(WTSFreeMemoryExA, bad_class, 87),
	REF(WTSFreeMemoryExA, cloud_class, 87),
	REF(WTSFreeMemoryExW, null_memory, 87),
	REF(WTSTerminateProcess, forged_handle, 6),
	REF(WTSTerminateProcess, pid0, 87),
	REF(WTSTerminateProcess, no_process, 87),
	REF(ProcessIdToSessionId, null_out, 87),
	REF(ProcessIdToSessionId, no_process, 87),
	REF(WTSGetActiveConsoleSessionId, no_console, 0xDEADBEEF),
	REF(WTSEnumerateServersA, not_implemented, 120),
	REF(WTSEnumerateServersW, not_implemented, 120),
	REF(WTSQueryUserConfigA, not_implemented, 120),
	REF(WTSQueryUserConfigW, not_implemented, 120),
	REF(WTSSetUserConfigA, not_implemented, 120),
	REF(WTSSetUserConfigW, not_implemented, 120),
	REF(WTSQueryUserToken, null_output, 87),
	REF(WTSQueryUserToken, no_session, 2),
	REF(WTSConnectSessionA, null_password, 87),
	REF(WTSConnectSessionA, both_current, 87),
	REF(WTSConnectSessionA, no_session, 7022),
	REF(WTSConnectSessionW, null_password, 87),
	REF(WTSConnectSessionW, no_session, 7022),
	REF(WTSDisconnectSession, forged_handle, 6),
	REF(WTSDisconnectSession, no_session, 7022),
	REF(WTSDisconnectSession, session0, 5),
	REF(WTSLogoffSession, forged_handle, 6),
	REF(WTSLogoffSession, stale_handle, 6),
	REF(WTSLogoffSession, no_session, 7022),
	REF(WTSLogoffSession, session0, 5),
	REF(WTSSendMessageA, not_implemented, 120),
	REF(WTSSendMessageW, not_implemented, 120),
	REF(WTSShutdownSystem, not_implemented, 120),
	REF(WTSStartRemoteControlSessionA, not_implemented, 120),
	REF(WTSStartRemoteControlSessionW, not_implemented, 120),
	REF(WTSStopRemoteControlSession, not_implemented, 120),
	REF(WTSWaitSystemEvent, null_flags, 87),
	REF(WTSWaitSystemEvent, no_mask, 87),
	REF(WTSWaitSystemEvent, forged_handle, 6),
	REF(WTSRegisterSessionNotification, null_window, ERROR_INVALID_WINDOW_HANDLE),
	REF(WTSRegisterSessionNotification, bad_flags, 87),
	REF(WTSUnRegisterSessionNotification, not_registered, 87),
	REF(WTSRegisterSessionNotificationEx, forged_handle, 6),
	REF(WTSUnRegisterSessionNotificationEx, stale_handle, 6),
	REF(WTSEnumerateListenersA, reserved_ptr, 87),
	REF(WTSEnumerateListenersA, null_count, 87),
	REF(WTSEnumerateListenersW, reserved, 87),
	REF(WTSEnumerateListenersW, forged_handle, 6),
	REF(WTSQueryListenerConfigA, null_buffer, 87),
	REF(WTSQueryListenerConfigA, unknown, 7022),
	REF(WTSQueryListenerConfigW, reserved, 87),
	REF(WTSQueryListenerConfigW, forged_handle, 6),
	REF(WTSCreateListenerA, bad_flag, 87),
	REF(WTSCreateListenerA, version, 87),
	REF(WTSCreateListenerW, null_name, 87),
	REF(WTSCreateListenerW, update_unknown, 7022),
	REF(WTSSetListenerSecurityA, null_sd, 87),
	REF(WTSSetListenerSecurityA, absolute_sd, ERROR_INVALID_SECURITY_DESCR),
	REF(WTSSetListenerSecurityW, reserved, 87),
	REF(WTSGetListenerSecurityA, null_needed, 87),
	REF(WTSGetListenerSecurityA, unknown, 7022),
	REF(WTSGetListenerSecurityW, bad_information, 87),
	REF(WTSEnableChildSessions, not_implemented, 120),
	REF(WTSIsChildSessionsEnabled, not_implemented, 120),
	REF(WTSGetChildSessionId, not_implemented, 120),
	REF(WTSVirtualChannelOpen, forged_server, 6),
	REF(WTSVirtualChannelOpen, long_name, 87),
	REF(WTSVirtualChannelOpenEx, bad_flags, 87),
	REF(WTSVirtualChannelOpenEx, null_name, 87),
	REF(WTSVirtualChannelClose, forged_handle, 6),
	REF(WTSVirtualChannelClose, server_handle, 6),
	REF(WTSVirtualChannelRead, null_bytes_read, 87),
	REF(WTSVirtualChannelRead, forged_handle, 6),
	REF(WTSVirtualChannelWrite, null_handle, 6),
	REF(WTSVirtualChannelWrite, null_buffer, 87),
	REF(WTSVirtualChannelPurgeInput, forged_handle, 6),
	REF(WTSVirtualChannelPurgeOutput, null_handle, 6),
	REF(WTSVirtualChannelQuery, null_buffer, 87),
	REF(WTSVirtualChannelQuery, forged_handle, 6),
	REF(VirtualChannelInit, outside_entry, CHANNEL_RC_NOT_IN_VIRTUALCHANNELENTRY),
	REF(VirtualChannelOpen, no_init_handle, CHANNEL_RC_BAD_INIT_HANDLE),
	REF(VirtualChannelClose, no_channel, CHANNEL_RC_BAD_CHANNEL_HANDLE),
	REF(VirtualChannelWrite, no_channel, CHANNEL_RC_BAD_CHANNEL_HANDLE),
	REF(TLSConnectToLsServer, not_implemented, 120),
	REF(TLSDisconnectFromServer, no_handle, 0xDEADBEEF),
	REF(TLSGetServerCertificate, not_implemented, 120),
	REF(TLSKeyPackEnumBegin, not_implemented, 120),
	REF(TLSKeyPackEnumNext, not_implemented, 120),
	REF(TLSKeyPackEnumEnd, not_implemented, 120),
	REF(TLSLicenseEnumBegin, not_implemented, 120),
	REF(TLSLicenseEnumNext, not_implemented, 120),
	REF(TLSLicenseEnumEnd, not_implemented, 120),
	REF(InitWtsApi, table_complete, 0xDEADBEEF),
	REF(OpenWTSEventOpen, bad_flags, 87),
	REF(OpenWTSEventOpen, forged_handle, 6),
	REF(OpenWTSEventRead, not_ours, 6),
	REF(OpenWTSEventRead, null_code, 87),
	REF(OpenWTSEventClose, not_ours, 0xDEADBEEF),
};

static void test_rows(void **state)
{
	(void)state;
	HANDLE h = WTSOpenServerA(NULL);
	assert_non_null(h);
	WTSCloseServer(h);
	stale = h;
	int failures = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		untouched = false;
		SetLastError(0xDEADBEEF);
		BOOL ok = r->call();
		DWORD err = GetLastError();
		if (ok || err != r->expect || !untouched) {
			print_error("%s (%s): returned %d, error %u (want %u), outputs %s\n",
			            r->export_name, r->what, ok, err, r->expect,
			            untouched ? "untouched" : "CHANGED");
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

/* Every export of src/wts/exports.list has at least one row. */
static void test_every_export_covered(void **state)
{
	(void)state;
	const char *list = getenv("EXPORTS_LIST");
	assert_non_null(list);
	FILE *f = fopen(list, "r");
	assert_non_null(f);
	char line[256];
	int missing = 0, names = 0;
	while (fgets(line, sizeof(line), f)) {
		char name[128];
		if (line[0] == '#' || sscanf(line, "%127s", name) != 1)
			continue;
		names++;
		bool found = false;
		for (size_t i = 0; !found && i < sizeof(rows) / sizeof(rows[0]); i++)
			found = strcmp(rows[i].export_name, name) == 0;
		if (!found) {
			print_error("export %s has no bad-input row\n", name);
			missing++;
		}
	}
	fclose(f);
	assert_true(names > 70);
	assert_int_equal(missing, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_every_export_covered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
