/*
 * openwts/kernel32.h — the kernel32 functions of the Remote Desktop Services API that WinPR does
 * not declare. On Windows ProcessIdToSessionId lives in processthreadsapi.h (through windows.h) and
 * WTSGetActiveConsoleSessionId in winbase.h; WinPR's <winpr/wtsapi.h> declares the latter.
 * libwtsapi32 exports both.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_KERNEL32_H
#define OPENWTS_KERNEL32_H

#include <openwts/prologue.h>
#include <winpr/wtypes.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Writes the Remote Desktop Services session of process dwProcessId to *pSessionId. */
BOOL WINAPI ProcessIdToSessionId(DWORD dwProcessId, DWORD *pSessionId);

#ifdef __cplusplus
}
#endif

#endif /* OPENWTS_KERNEL32_H */
