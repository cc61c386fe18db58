/*
 * wts_error.c — the single place where libwtsapi32 sets the caller's last error (STYLE.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "wts_private.h"

BOOL wts_fail(DWORD err)
{
	SetLastError(err);
	return FALSE;
}

void *wts_fail_null(DWORD err)
{
	SetLastError(err);
	return NULL;
}

BOOL wts_ok(void)
{
	SetLastError(ERROR_SUCCESS);
	return TRUE;
}

BOOL wts_return_list(DWORD err, void *block, uint32_t count, void **out, DWORD *pCount)
{
	if (err)
		return wts_fail(err);
	*out = block;
	*pCount = count;
	return wts_ok();
}
