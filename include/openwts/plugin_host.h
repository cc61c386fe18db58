/*
 * openwts/plugin_host.h — a host for Windows-style client channel plug-ins (VirtualChannelEntry
 * and VirtualChannelEntryEx): an OpenWTS extension, not a Windows API.
 *
 * On Windows the RDP client (mstsc) loads a plug-in DLL, calls its entry point and raises the
 * channel events. A plug-in host does the same in-process: it loads a plug-in .so (or takes an
 * entry function), hands it the CHANNEL_ENTRY_POINTS(_EX) of libwtsapi32, and its caller drives
 * the connection: Initialize, Connect (with the server name), incoming server data, Disconnect,
 * Connect again (reconnect), Close (TERMINATED). What the plug-in writes either is captured
 * (OpenWTSPluginHostRead, for unit tests: no RDP connection needed) or goes to a send callback
 * (the FreeRDP client bridge, which forwards it to the RDP server).
 *
 * A plug-in sees Windows semantics (docs/internals/client-channels.md): the event order, chunks of
 * at most CHANNEL_CHUNK_LENGTH bytes with the total length and FIRST/LAST flags, exactly one
 * WRITE_COMPLETE or WRITE_CANCELLED carrying pUserData per accepted write, the CHANNEL_RC_* codes
 * in a fixed order. The exported VirtualChannelInit/Open/Close/Write reach the same host: Init is
 * bound to the plug-in inside its entry point on the calling thread, Open to its init handle.
 *
 *	HANDLE h = OpenWTSPluginHostCreate(NULL, NULL);       // capture mode
 *	OpenWTSPluginHostLoad(h, "./libmyplugin.so");
 *	OpenWTSPluginHostConnect(h, "server");                // INITIALIZED, CONNECTED
 *	OpenWTSPluginHostServerWrite(h, "MYCHAN", msg, len);  // DATA_RECEIVED, 1600-byte chunks
 *	OpenWTSPluginHostRead(h, name, buf, sizeof(buf), &cb); // the plug-in's write;
 *WRITE_COMPLETE OpenWTSPluginHostClose(h);                            // DISCONNECTED, TERMINATED,
 *unload
 *
 * Every function returns FALSE (NULL for Create) with the last error set on failure; outputs are
 * written only on success. Functions on one host must not run concurrently with its Close.
 * Reference: docs/api/OpenWTSPluginHost*.md.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_PLUGIN_HOST_H
#define OPENWTS_PLUGIN_HOST_H

#include <openwts/prologue.h>
#include <winpr/wtypes.h>

#include <cchannel.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Send callback of a host that forwards writes (the bridge). Called on the plug-in's thread inside
 * its VirtualChannelWrite, with the channel's name, the plug-in's buffer (borrowed until the write
 * completes) and pWriteId, an opaque id. Returns CHANNEL_RC_OK when it took the write: it must
 * then call OpenWTSPluginHostWriteComplete(pWriteId) once, when the data went out (or could not).
 * Any other value is returned by VirtualChannelWrite and no event follows.
 */
typedef UINT(CDECL *OPENWTS_PLUGIN_HOST_SEND_FN)(LPVOID pContext, LPCSTR pszChannelName,
                                                 LPVOID pData, ULONG dataLength, LPVOID pWriteId);

/*
 * Creates a host: one RDP client connection's worth of plug-ins, with room for CHANNEL_MAX_COUNT
 * channels among them. pfnSend NULL: writes are captured for OpenWTSPluginHostRead; otherwise
 * they go to pfnSend(pContext, ...). Errors: ERROR_NOT_ENOUGH_MEMORY (no free host slot).
 */
HANDLE CDECL OpenWTSPluginHostCreate(OPENWTS_PLUGIN_HOST_SEND_FN pfnSend, LPVOID pContext);

/*
 * Terminates and frees the host: disconnects if connected (pending writes WRITE_CANCELLED, then
 * DISCONNECTED), raises TERMINATED in each plug-in, invalidates its init and open handles and
 * unloads the plug-ins it loaded. Errors: ERROR_INVALID_HANDLE.
 */
BOOL CDECL OpenWTSPluginHostClose(HANDLE hHost);

/*
 * Loads the plug-in at pszPath (dlopen, as given) and calls its VirtualChannelEntryEx (Microsoft's
 * shape) or else its VirtualChannelEntry. Errors: ERROR_INVALID_PARAMETER (pszPath NULL),
 * ERROR_INVALID_HANDLE, ERROR_INVALID_STATE (already connected), ERROR_TOO_MANY_MODULES
 * (CHANNEL_MAX_COUNT plug-ins), ERROR_MOD_NOT_FOUND (dlopen failed), ERROR_PROC_NOT_FOUND (no entry
 * point), ERROR_DLL_INIT_FAILED (the entry point returned FALSE; its channels are released).
 */
BOOL CDECL OpenWTSPluginHostLoad(HANDLE hHost, LPCSTR pszPath);

/*
 * The same for a plug-in linked into the caller: exactly one of pEntry and pEntryEx is non-NULL.
 * Errors: as OpenWTSPluginHostLoad, ERROR_INVALID_PARAMETER for none or both entries.
 */
BOOL CDECL OpenWTSPluginHostLoadEntry(HANDLE hHost, PVIRTUALCHANNELENTRY pEntry,
                                      OPENWTS_PVIRTUALCHANNELENTRYEX pEntryEx);

/*
 * Copies the channels the plug-ins registered, in registration order, into pChannel (capacity
 * *pCount entries; options as the plug-in gave them) and sets *pCount to their number.
 * Errors: ERROR_INVALID_PARAMETER (pCount NULL), ERROR_INVALID_HANDLE, ERROR_INSUFFICIENT_BUFFER
 * (pChannel NULL or too small: *pCount is set to the number needed).
 */
BOOL CDECL OpenWTSPluginHostGetChannels(HANDLE hHost, PCHANNEL_DEF pChannel, DWORD *pCount);

/*
 * Raises CHANNEL_EVENT_INITIALIZED in every plug-in, once (later calls do nothing).
 * Errors: ERROR_INVALID_HANDLE.
 */
BOOL CDECL OpenWTSPluginHostInitialize(HANDLE hHost);

/*
 * Connects (or reconnects): initializes first if needed, then raises CHANNEL_EVENT_CONNECTED with
 * pszServerName (NUL-terminated; dataLength = its length with the NUL) in every plug-in, in load
 * order. From then on VirtualChannelOpen succeeds. Errors: ERROR_INVALID_PARAMETER (pszServerName
 * NULL), ERROR_INVALID_HANDLE, ERROR_INVALID_STATE (already connected).
 */
BOOL CDECL OpenWTSPluginHostConnect(HANDLE hHost, LPCSTR pszServerName);

/*
 * Disconnects: every pending write gets CHANNEL_EVENT_WRITE_CANCELLED (oldest first), every channel
 * is closed, then every plug-in gets CHANNEL_EVENT_DISCONNECTED. Errors: ERROR_INVALID_HANDLE,
 * ERROR_INVALID_STATE (not connected).
 */
BOOL CDECL OpenWTSPluginHostDisconnect(HANDLE hHost);

/*
 * Delivers one chunk of server data on channel pszChannelName as it is:
 * CHANNEL_EVENT_DATA_RECEIVED(pData, dataLength, totalLength, dataFlags). pData is borrowed for
 * the call. Errors: ERROR_INVALID_PARAMETER (pszChannelName NULL, pData NULL with dataLength),
 * ERROR_INVALID_HANDLE, ERROR_INVALID_STATE (not connected), ERROR_NOT_FOUND (no such channel or it
 * is not open: the chunk is dropped, as a client drops data of a closed channel).
 */
BOOL CDECL OpenWTSPluginHostReceive(HANDLE hHost, LPCSTR pszChannelName, LPCVOID pData,
                                    ULONG dataLength, ULONG totalLength, DWORD dataFlags);

/*
 * Delivers one server write of dataLength bytes as a real server sends it: chunks of
 * CHANNEL_CHUNK_LENGTH (1600) bytes, each with totalLength = dataLength, the first flagged
 * CHANNEL_FLAG_FIRST and the last CHANNEL_FLAG_LAST (one chunk: CHANNEL_FLAG_ONLY).
 * Errors: as OpenWTSPluginHostReceive; ERROR_INVALID_PARAMETER also for dataLength 0.
 */
BOOL CDECL OpenWTSPluginHostServerWrite(HANDLE hHost, LPCSTR pszChannelName, LPCVOID pData,
                                        ULONG dataLength);

/*
 * Capture mode: takes the oldest pending write of the plug-ins, copies its channel name
 * (pszChannelName, CHANNEL_NAME_LEN + 1 bytes, may be NULL) and its data into pBuffer, sets
 * *pcbRead, then raises CHANNEL_EVENT_WRITE_COMPLETE with the write's pUserData.
 * Errors: ERROR_INVALID_PARAMETER (pcbRead NULL), ERROR_INVALID_HANDLE, ERROR_INVALID_FUNCTION (the
 * host has a send callback), ERROR_NO_MORE_ITEMS (nothing pending), ERROR_INSUFFICIENT_BUFFER
 * (cbBuffer too small: *pcbRead is set to the size needed; the write stays pending).
 */
BOOL CDECL OpenWTSPluginHostRead(HANDLE hHost, LPSTR pszChannelName, LPVOID pBuffer, ULONG cbBuffer,
                                 ULONG *pcbRead);

/*
 * Send mode: the write pWriteId handed to the send callback went out (bCancelled FALSE:
 * CHANNEL_EVENT_WRITE_COMPLETE) or did not (CHANNEL_EVENT_WRITE_CANCELLED). Errors:
 * ERROR_INVALID_HANDLE, ERROR_NOT_FOUND (no such pending write, e.g. already cancelled by a
 * disconnect).
 */
BOOL CDECL OpenWTSPluginHostWriteComplete(HANDLE hHost, LPVOID pWriteId, BOOL bCancelled);

#ifdef __cplusplus
}
#endif

#endif /* OPENWTS_PLUGIN_HOST_H */
