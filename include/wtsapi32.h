/*
 * wtsapi32.h — the Windows Terminal Services API of OpenWTS.
 *
 * Windows sources include this header unchanged. It builds on WinPR's <winpr/wtsapi.h>, which
 * already declares most types and prototypes with Windows' names and layouts, and adds what WinPR
 * lacks or gets wrong (see docs/internals/headers.md):
 *   - WTS_INFO_CLASS 30/31, WTS_TYPE_CLASS 3/4, WTS_VIRTUAL_CLASS 4;
 *   - WTS_SECURITY_CURRENT_USER_ACCESS (WinPR's macro does not compile);
 *   - LOGONID_CURRENT, SERVERNAME_CURRENT (winternl.h) and WTS_SESSION_DESKTOP_READY;
 *   - WTSINFO*.CurrentTime, which WinPR names _CurrentTime (WinPR's own mapping on Windows);
 *   - ProcessIdToSessionId (kernel32), which WinPR does not provide.
 * Including <winpr/wtsapi.h> before or after this header is harmless: its include guard makes the
 * second inclusion empty.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_WTSAPI32_H
#define OPENWTS_WTSAPI32_H

#include <openwts/prologue.h> /* -DUNICODE and <stdio.h> before WinPR */

#include <winpr/wtypes.h>
#include <winpr/wtsapi.h>
#include <winpr/wnd.h> /* WM_WTSSESSION_CHANGE, WTSSESSION_NOTIFICATION and the WTS_* codes */
#include <openwts/kernel32.h>

/* WTS_INFO_CLASS values newer than WinPR's enumeration (reference §3.2). */
#ifndef WTSSessionActivityId
#define WTSSessionActivityId ((WTS_INFO_CLASS)30)
#endif
#ifndef WTSCapabilityCheck
#define WTSCapabilityCheck ((WTS_INFO_CLASS)31)
#endif

/* WTS_TYPE_CLASS values newer than WinPR's enumeration (reference §3.6). */
#ifndef WTSTypeCloudAuthServerNonce
#define WTSTypeCloudAuthServerNonce ((WTS_TYPE_CLASS)3)
#endif
#ifndef WTSTypeSerializedUserCredential
#define WTSTypeSerializedUserCredential ((WTS_TYPE_CLASS)4)
#endif

/* FreeRDP's extension of WTS_VIRTUAL_CLASS (reference §3.5). */
#ifndef WTSVirtualChannelOpenStatus
#define WTSVirtualChannelOpenStatus ((WTS_VIRTUAL_CLASS)4)
#endif

/* WinPR's definition lacks two '|' and does not compile when expanded (reference §3.8). */
#undef WTS_SECURITY_CURRENT_USER_ACCESS
#define WTS_SECURITY_CURRENT_USER_ACCESS                                                        \
	(WTS_SECURITY_SET_INFORMATION | WTS_SECURITY_RESET | WTS_SECURITY_VIRTUAL_CHANNELS |     \
	 WTS_SECURITY_LOGOFF | WTS_SECURITY_DISCONNECT)

/* WinPR's definition lacks parentheses. */
#undef REMOTECONTROL_FLAG_DISABLE_INPUT
#define REMOTECONTROL_FLAG_DISABLE_INPUT                                                        \
	(REMOTECONTROL_FLAG_DISABLE_KEYBOARD | REMOTECONTROL_FLAG_DISABLE_MOUSE)

/* winternl.h names used with WTSConnectSession. */
#ifndef LOGONID_CURRENT
#define LOGONID_CURRENT ((ULONG)-1)
#endif
#ifndef SERVERNAME_CURRENT
#define SERVERNAME_CURRENT ((HANDLE)NULL)
#endif

/* winuser.h codes that <winpr/wnd.h> lacks (reference §3.9). */
#ifndef WTS_SESSION_DESKTOP_READY
#define WTS_SESSION_DESKTOP_READY 0xF
#endif

/*
 * Windows names the last time field of WTSINFO and WTSINFOEX_LEVEL1 CurrentTime; WinPR renames it
 * _CurrentTime because X11 defines a CurrentTime macro. WinPR maps the Windows name the same way
 * on Windows. A source that also includes <X11/X.h> should define OPENWTS_NO_CURRENTTIME before
 * including this header and use _CurrentTime.
 */
#if !defined(OPENWTS_NO_CURRENTTIME) && !defined(CurrentTime)
#define CurrentTime _CurrentTime
#endif

#endif /* OPENWTS_WTSAPI32_H */
