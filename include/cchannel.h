/*
 * cchannel.h — the client side of Windows' static virtual channel API: the VirtualChannelEntry
 * and VirtualChannelEntryEx entry points a plug-in exports, the CHANNEL_ENTRY_POINTS(_EX) tables
 * the RDP client hands it, the event callbacks and codes, and the CHANNEL_RC_* results.
 *
 * Windows plug-ins compile against this header unchanged. Like <pchannel.h>, which it includes,
 * it builds on WinPR's <winpr/wtsapi.h>: WinPR's copies of the Windows names are used as they are
 * wherever they agree with Windows (checked below), and its include guard makes a later
 * #include <winpr/wtsapi.h> empty. Three things differ and are corrected here:
 *
 *   - VirtualChannelInitEx. Microsoft's takes 6 parameters (lpUserParam, pInitHandle, pChannel,
 *     channelCount, versionRequested, pChannelInitEventProcEx); WinPR's takes 7 (an extra
 *     clientContext after lpUserParam), so CHANNEL_ENTRY_POINTS_EX and everything built on it has
 *     the wrong shape for a Windows plug-in. A typedef cannot be redefined, so the Windows names
 *     become macros for OPENWTS_-prefixed types with Microsoft's shapes: after this header,
 *     VIRTUALCHANNELINITEX, PVIRTUALCHANNELINITEX, tagCHANNEL_ENTRY_POINTS_EX,
 *     CHANNEL_ENTRY_POINTS_EX, PCHANNEL_ENTRY_POINTS_EX, VIRTUALCHANNELENTRYEX and
 *     PVIRTUALCHANNELENTRYEX mean OPENWTS_VIRTUALCHANNELINITEX and so on. Code that implements
 *     FreeRDP's side (the client bridge) reaches WinPR's shapes as
 *     OPENWTS_WINPR_VIRTUALCHANNELINITEX etc., or defines OPENWTS_WINPR_CHANNEL_EX before
 *     including this header to keep WinPR's meaning of the Windows names. The Open/Close/Write
 *     Ex types and the Ex event callbacks agree with Microsoft and stay WinPR's.
 *     Consequence: a source that includes this header and then FreeRDP's <freerdp/svc.h> sees
 *     CHANNEL_ENTRY_POINTS_FREERDP_EX.pVirtualChannelInitEx with Microsoft's 6 parameters,
 *     which is not what libfreerdp calls; such code must define OPENWTS_WINPR_CHANNEL_EX.
 *   - VCEXPORT. WinPR defines it as `__export`, which does not compile on Linux. Here it gives a
 *     symbol default visibility. The prototypes of VirtualChannelEntry and VirtualChannelEntryEx
 *     below carry it, so a plug-in's definition is exported even when the plug-in is built with
 *     -fvisibility=hidden and never writes VCEXPORT itself (as Windows plug-ins, which export
 *     through a .def file, do not).
 *   - CHANNEL_MAX_COUNT (30, see <pchannel.h>).
 *
 * VCAPITYPE stays WinPR's (CALLBACK, the platform's default calling convention on Linux).
 * libwtsapi32 also exports VirtualChannelInit/Open/Close/Write by name, for hosts and tests that
 * call them directly; a plug-in uses the pointers in CHANNEL_ENTRY_POINTS as on Windows.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_CCHANNEL_H
#define OPENWTS_CCHANNEL_H

/* See <pchannel.h>: lets -DUNICODE builds include this header first. */
#include <openwts/prologue.h> /* -DUNICODE and <stdio.h> before WinPR */

#include <winpr/wtypes.h>
#include <winpr/wtsapi.h>

#include "pchannel.h"

#ifndef VCAPITYPE
#define VCAPITYPE CALLBACK
#endif

/* WinPR's `__export` is not a Linux keyword. */
#undef VCEXPORT
#if defined(__GNUC__) || defined(__clang__)
#define VCEXPORT __attribute__((visibility("default")))
#else
#define VCEXPORT
#endif

#if VIRTUAL_CHANNEL_VERSION_WIN2000 != 1
#error "WinPR's VIRTUAL_CHANNEL_VERSION_WIN2000 differs from Windows"
#endif
#if CHANNEL_EVENT_INITIALIZED != 0 || CHANNEL_EVENT_CONNECTED != 1 ||                              \
    CHANNEL_EVENT_V1_CONNECTED != 2 || CHANNEL_EVENT_DISCONNECTED != 3 ||                          \
    CHANNEL_EVENT_TERMINATED != 4 || CHANNEL_EVENT_REMOTE_CONTROL_START != 5 ||                    \
    CHANNEL_EVENT_REMOTE_CONTROL_STOP != 6 || CHANNEL_EVENT_DATA_RECEIVED != 10 ||                 \
    CHANNEL_EVENT_WRITE_COMPLETE != 11 || CHANNEL_EVENT_WRITE_CANCELLED != 12
#error "WinPR's CHANNEL_EVENT_* values differ from Windows"
#endif
#if CHANNEL_RC_OK != 0 || CHANNEL_RC_ALREADY_INITIALIZED != 1 ||                                   \
    CHANNEL_RC_NOT_INITIALIZED != 2 || CHANNEL_RC_ALREADY_CONNECTED != 3 ||                        \
    CHANNEL_RC_NOT_CONNECTED != 4 || CHANNEL_RC_TOO_MANY_CHANNELS != 5 ||                          \
    CHANNEL_RC_BAD_CHANNEL != 6 || CHANNEL_RC_BAD_CHANNEL_HANDLE != 7 ||                           \
    CHANNEL_RC_NO_BUFFER != 8 || CHANNEL_RC_BAD_INIT_HANDLE != 9 || CHANNEL_RC_NOT_OPEN != 10 ||   \
    CHANNEL_RC_BAD_PROC != 11 || CHANNEL_RC_NO_MEMORY != 12 ||                                     \
    CHANNEL_RC_UNKNOWN_CHANNEL_NAME != 13 || CHANNEL_RC_ALREADY_OPEN != 14 ||                      \
    CHANNEL_RC_NOT_IN_VIRTUALCHANNELENTRY != 15 || CHANNEL_RC_NULL_DATA != 16 ||                   \
    CHANNEL_RC_ZERO_LENGTH != 17 || CHANNEL_RC_INVALID_INSTANCE != 18 ||                           \
    CHANNEL_RC_UNSUPPORTED_VERSION != 19 || CHANNEL_RC_INITIALIZATION_ERROR != 20
#error "WinPR's CHANNEL_RC_* values differ from Windows"
#endif

/*
 * WinPR's Ex shapes under names that survive the macros below: what FreeRDP passes to an
 * add-in's VirtualChannelEntryEx. Only code that sits between FreeRDP and a Windows plug-in needs
 * them.
 */
typedef VIRTUALCHANNELINITEX OPENWTS_WINPR_VIRTUALCHANNELINITEX;
typedef PVIRTUALCHANNELINITEX OPENWTS_WINPR_PVIRTUALCHANNELINITEX;
typedef CHANNEL_ENTRY_POINTS_EX OPENWTS_WINPR_CHANNEL_ENTRY_POINTS_EX;
typedef PCHANNEL_ENTRY_POINTS_EX OPENWTS_WINPR_PCHANNEL_ENTRY_POINTS_EX;
typedef VIRTUALCHANNELENTRYEX OPENWTS_WINPR_VIRTUALCHANNELENTRYEX;
typedef PVIRTUALCHANNELENTRYEX OPENWTS_WINPR_PVIRTUALCHANNELENTRYEX;

/*
 * Microsoft's VirtualChannelInitEx (reference §5): registers channels for the plug-in instance
 * pInitHandle that VirtualChannelEntryEx received; lpUserParam comes back as the first argument
 * of every Ex event callback.
 */
typedef UINT VCAPITYPE OPENWTS_VIRTUALCHANNELINITEX(
    LPVOID lpUserParam, LPVOID pInitHandle, PCHANNEL_DEF pChannel, INT channelCount,
    ULONG versionRequested, PCHANNEL_INIT_EVENT_EX_FN pChannelInitEventProcEx);
typedef OPENWTS_VIRTUALCHANNELINITEX *OPENWTS_PVIRTUALCHANNELINITEX;

/* Microsoft's entry-point table for VirtualChannelEntryEx; the host sets cbSize and
 * protocolVersion (VIRTUAL_CHANNEL_VERSION_WIN2000). */
typedef struct OPENWTS_tagCHANNEL_ENTRY_POINTS_EX
{
	DWORD cbSize;
	DWORD protocolVersion;
	OPENWTS_PVIRTUALCHANNELINITEX pVirtualChannelInitEx;
	PVIRTUALCHANNELOPENEX pVirtualChannelOpenEx;
	PVIRTUALCHANNELCLOSEEX pVirtualChannelCloseEx;
	PVIRTUALCHANNELWRITEEX pVirtualChannelWriteEx;
} OPENWTS_CHANNEL_ENTRY_POINTS_EX, *OPENWTS_PCHANNEL_ENTRY_POINTS_EX;

typedef BOOL VCAPITYPE
OPENWTS_VIRTUALCHANNELENTRYEX(OPENWTS_PCHANNEL_ENTRY_POINTS_EX pEntryPointsEx, PVOID pInitHandle);
typedef OPENWTS_VIRTUALCHANNELENTRYEX *OPENWTS_PVIRTUALCHANNELENTRYEX;

#ifndef OPENWTS_WINPR_CHANNEL_EX
#define VIRTUALCHANNELINITEX       OPENWTS_VIRTUALCHANNELINITEX
#define PVIRTUALCHANNELINITEX      OPENWTS_PVIRTUALCHANNELINITEX
#define tagCHANNEL_ENTRY_POINTS_EX OPENWTS_tagCHANNEL_ENTRY_POINTS_EX
#define CHANNEL_ENTRY_POINTS_EX    OPENWTS_CHANNEL_ENTRY_POINTS_EX
#define PCHANNEL_ENTRY_POINTS_EX   OPENWTS_PCHANNEL_ENTRY_POINTS_EX
#define VIRTUALCHANNELENTRYEX      OPENWTS_VIRTUALCHANNELENTRYEX
#define PVIRTUALCHANNELENTRYEX     OPENWTS_PVIRTUALCHANNELENTRYEX
#endif

/* The tables are read by hosts built with other compilers: pin their shape. */
OPENWTS_STATIC_ASSERT(sizeof(CHANNEL_ENTRY_POINTS) == 2 * sizeof(DWORD) + 4 * sizeof(void *),
                      "CHANNEL_ENTRY_POINTS must be two DWORDs and four pointers");
OPENWTS_STATIC_ASSERT(sizeof(OPENWTS_CHANNEL_ENTRY_POINTS_EX) ==
                          2 * sizeof(DWORD) + 4 * sizeof(void *),
                      "CHANNEL_ENTRY_POINTS_EX must be two DWORDs and four pointers");

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The host's functions, also exported by libwtsapi32 under these names (reference §7.2). Same
 * parameters and CHANNEL_RC_* results as the pointers in CHANNEL_ENTRY_POINTS:
 * VirtualChannelInit only inside VirtualChannelEntry, VirtualChannelOpen only after
 * CHANNEL_EVENT_CONNECTED; VirtualChannelWrite borrows pData until the WRITE_COMPLETE or
 * WRITE_CANCELLED event that carries pUserData.
 */
UINT VCAPITYPE VirtualChannelInit(LPVOID *ppInitHandle, PCHANNEL_DEF pChannel, INT channelCount,
                                  ULONG versionRequested,
                                  PCHANNEL_INIT_EVENT_FN pChannelInitEventProc);
UINT VCAPITYPE VirtualChannelOpen(LPVOID pInitHandle, LPDWORD pOpenHandle, PCHAR pChannelName,
                                  PCHANNEL_OPEN_EVENT_FN pChannelOpenEventProc);
UINT VCAPITYPE VirtualChannelClose(DWORD openHandle);
UINT VCAPITYPE VirtualChannelWrite(DWORD openHandle, LPVOID pData, ULONG dataLength,
                                   LPVOID pUserData);

/*
 * Defined by a plug-in, called by the host once while the client initialises (reference §7.1).
 * pEntryPoints is valid only during the call: the plug-in copies it and calls VirtualChannelInit
 * before returning. FALSE makes the host unload the plug-in. A host that finds
 * VirtualChannelEntryEx calls it instead, with the instance handle to pass to
 * pVirtualChannelInitEx.
 */
VCEXPORT BOOL VCAPITYPE VirtualChannelEntry(PCHANNEL_ENTRY_POINTS pEntryPoints);
VCEXPORT BOOL VCAPITYPE VirtualChannelEntryEx(PCHANNEL_ENTRY_POINTS_EX pEntryPointsEx,
                                              PVOID pInitHandle);

#ifdef __cplusplus
}
#endif

#endif /* OPENWTS_CCHANNEL_H */
