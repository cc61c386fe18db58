/*
 * wts_memory.c — WTSFreeMemory and WTSFreeMemoryExA/W.
 *
 * Every buffer the library hands out is one allocation (wts_block.c), so freeing is free() for
 * every type class. WTSFreeMemoryEx still validates its class as Windows does: classes 0–2 are
 * the ones the library produces; the cloud-authentication classes 3 and 4 name buffers this
 * library never returns (ERROR_INVALID_PARAMETER); any other value is invalid too.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>

#include <wtsapi32.h>

#include "wts_private.h"

WTS_EXPORT VOID WINAPI WTSFreeMemory(PVOID pMemory)
{
	free(pMemory);
}

static BOOL free_ex(WTS_TYPE_CLASS WTSTypeClass, PVOID pMemory, ULONG NumberOfEntries)
{
	(void)NumberOfEntries; /* one allocation, whatever the count */
	switch ((int)WTSTypeClass) {
	case WTSTypeProcessInfoLevel0:
	case WTSTypeProcessInfoLevel1:
	case WTSTypeSessionInfoLevel1:
		break;
	default:
		return wts_fail(ERROR_INVALID_PARAMETER);
	}
	if (!pMemory)
		return wts_fail(ERROR_INVALID_PARAMETER);
	free(pMemory);
	return TRUE;
}

WTS_EXPORT BOOL WINAPI WTSFreeMemoryExW(WTS_TYPE_CLASS WTSTypeClass, PVOID pMemory,
                                        ULONG NumberOfEntries)
{
	return free_ex(WTSTypeClass, pMemory, NumberOfEntries);
}

WTS_EXPORT BOOL WINAPI WTSFreeMemoryExA(WTS_TYPE_CLASS WTSTypeClass, PVOID pMemory,
                                        ULONG NumberOfEntries)
{
	return free_ex(WTSTypeClass, pMemory, NumberOfEntries);
}
