/*
 * windows.h — compatibility shim so that a Windows source which begins with #include <windows.h>
 * compiles unchanged on Linux against OpenWTS and WinPR.
 *
 * This file is installed with the other OpenWTS headers in OpenWTS's own include directory, the
 * one the wtsapi32 CMake target and pkg-config entry put on the include path. It must never be
 * installed as /usr/include/windows.h (or anywhere else on the default include path): there it
 * would be picked up by every program that probes for a real windows.h, cross-compilers and
 * Wine's headers included. Only projects that ask for OpenWTS see it.
 *
 * What it gives: WinPR's <winpr/windows.h> and the WinPR headers that provide the parts of the
 * Windows API a typical Remote Desktop Services sample reaches through windows.h -- the base types
 * and TCHAR (wtypes, tchar), GetLastError/SetLastError and the ERROR_* codes (error),
 * CloseHandle (handle), events, waits, critical sections and Sleep (synch), threads (thread),
 * LoadLibraryA/GetProcAddress/FreeLibrary (library), lstrlen and
 * MultiByteToWideChar/WideCharToMultiByte (string), ZeroMemory and friends (crt), HeapAlloc
 * (heap), Interlocked* (interlocked), files (file), GetTickCount and GetComputerName (sysinfo),
 * environment variables and the current directory (environment), windows and message queues for
 * WM_WTSSESSION_CHANGE (wnd), the registry (registry) -- plus the two kernel32 functions of the
 * RDS API: ProcessIdToSessionId (<openwts/kernel32.h>) and WTSGetActiveConsoleSessionId, and
 * winnt.h's UNREFERENCED_PARAMETER.
 * It does not include <wtsapi32.h>, <cchannel.h> or <mstlsapi.h>, just as Windows' does not.
 *
 * UNICODE. Include this header before any other OpenWTS or WinPR header (as Windows code does);
 * then building with -DUNICODE works:
 *   - WinPR's <winpr/wtypes.h> declares a type named UNICODE, which -DUNICODE (a macro expanding
 *     to 1) breaks. Here UNICODE is redefined to expand to itself: the typedef compiles and
 *     #ifdef UNICODE still selects the W forms of every API.
 *   - WinPR's _T() makes L"" literals, which are 32-bit wchar_t on Linux while TCHAR is the
 *     16-bit WCHAR. Under UNICODE, _T() and TEXT() here make u"" literals (UTF-16), which match.
 *   - wprintf, and therefore _tprintf under UNICODE, expect 32-bit wchar_t strings and cannot
 *     print WCHAR text on Linux. Convert with WideCharToMultiByte(CP_UTF8, ...) and print the
 *     result with printf, which is also correct Windows code.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_WINDOWS_H
#define OPENWTS_WINDOWS_H

#include <openwts/prologue.h> /* -DUNICODE and <stdio.h> before WinPR */

#include <winpr/winpr.h>
#include <winpr/wtypes.h>
#include <winpr/windows.h>
#include <winpr/error.h>
#include <winpr/handle.h>
#include <winpr/synch.h>
#include <winpr/thread.h>
#include <winpr/library.h>
#include <winpr/string.h>
#include <winpr/tchar.h>
#include <winpr/crt.h>
#include <winpr/heap.h>
#include <winpr/interlocked.h>
#include <winpr/file.h>
#include <winpr/sysinfo.h>
#include <winpr/environment.h>
#include <winpr/wnd.h>
#include <winpr/registry.h>

#include <openwts/kernel32.h>

/* <winpr/wnd.h> declared WTSSESSION_NOTIFICATION (winuser.h on Windows); this is the guard with
 * which <wtsapi32.h> skips its own declaration. */
#ifndef _WTSSESSION_NOTIFICATION_DEFINED
#define _WTSSESSION_NOTIFICATION_DEFINED
#endif

/* winnt.h; casting to void keeps GCC's -Wunused-value quiet where Windows' (P) would not. */
#ifndef UNREFERENCED_PARAMETER
#define UNREFERENCED_PARAMETER(P) ((void)(P))
#endif

#ifdef UNICODE
#undef _T
#define _T(x) u##x
#endif
#ifndef __TEXT
#define __TEXT(x) _T(x)
#endif
#ifndef TEXT
#define TEXT(x) __TEXT(x)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* winbase.h on Windows; also declared by <winpr/wtsapi.h>. Returns 0xFFFFFFFF when there is no
 * console session. */
DWORD WINAPI WTSGetActiveConsoleSessionId(void);

#ifdef __cplusplus
}
#endif

#endif /* OPENWTS_WINDOWS_H */
