/*
 * wts_vchannel.c — server-side virtual channels: WTSVirtualChannel* over the channel socket that
 * wtsd hands out (src/common/owts_vc.h, docs/internals/vchannels.md). Being written (issue 4).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <wtsapi32.h>

#include "wts_private.h"

#define NOT_IMPLEMENTED_BOOL() return wts_fail(ERROR_CALL_NOT_IMPLEMENTED)
#define NOT_IMPLEMENTED_HANDLE() return wts_fail_null(ERROR_CALL_NOT_IMPLEMENTED)
#define UNUSED(...) unused_args(0, __VA_ARGS__)

static inline void unused_args(int n, ...)
{
	(void)n;
}

WTS_EXPORT HANDLE WINAPI WTSVirtualChannelOpen(HANDLE hServer, DWORD SessionId,
                                               LPSTR pVirtualName)
{
	UNUSED(hServer, SessionId, pVirtualName);
	NOT_IMPLEMENTED_HANDLE();
}

WTS_EXPORT HANDLE WINAPI WTSVirtualChannelOpenEx(DWORD SessionId, LPSTR pVirtualName,
                                                 DWORD flags)
{
	UNUSED(SessionId, pVirtualName, flags);
	NOT_IMPLEMENTED_HANDLE();
}

WTS_EXPORT BOOL WINAPI WTSVirtualChannelClose(HANDLE hChannelHandle)
{
	UNUSED(hChannelHandle);
	NOT_IMPLEMENTED_BOOL();
}

WTS_EXPORT BOOL WINAPI WTSVirtualChannelRead(HANDLE hChannelHandle, ULONG TimeOut, PCHAR Buffer,
                                             ULONG BufferSize, PULONG pBytesRead)
{
	UNUSED(hChannelHandle, TimeOut, Buffer, BufferSize, pBytesRead);
	NOT_IMPLEMENTED_BOOL();
}

WTS_EXPORT BOOL WINAPI WTSVirtualChannelWrite(HANDLE hChannelHandle, PCHAR Buffer, ULONG Length,
                                              PULONG pBytesWritten)
{
	UNUSED(hChannelHandle, Buffer, Length, pBytesWritten);
	NOT_IMPLEMENTED_BOOL();
}

WTS_EXPORT BOOL WINAPI WTSVirtualChannelPurgeInput(HANDLE hChannelHandle)
{
	UNUSED(hChannelHandle);
	NOT_IMPLEMENTED_BOOL();
}

WTS_EXPORT BOOL WINAPI WTSVirtualChannelPurgeOutput(HANDLE hChannelHandle)
{
	UNUSED(hChannelHandle);
	NOT_IMPLEMENTED_BOOL();
}

WTS_EXPORT BOOL WINAPI WTSVirtualChannelQuery(HANDLE hChannelHandle,
                                              WTS_VIRTUAL_CLASS WtsVirtualClass, PVOID *ppBuffer,
                                              DWORD *pBytesReturned)
{
	UNUSED(hChannelHandle, WtsVirtualClass, ppBuffer, pBytesReturned);
	NOT_IMPLEMENTED_BOOL();
}
