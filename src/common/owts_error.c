/*
 * owts_error.c — errno → Win32, table-driven (docs/internals/errors.md lists the same table).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stddef.h>

#include "owts_error.h"

static const struct {
	int err;
	uint32_t win32;
} errmap[] = {
	{ EPERM, 5 },            /* ERROR_ACCESS_DENIED */
	{ EACCES, 5 },           /* ERROR_ACCESS_DENIED */
	{ ENOENT, 2 },           /* ERROR_FILE_NOT_FOUND */
	{ ESRCH, 87 },           /* ERROR_INVALID_PARAMETER: no such process */
	{ ENOMEM, 8 },           /* ERROR_NOT_ENOUGH_MEMORY */
	{ EINVAL, 87 },          /* ERROR_INVALID_PARAMETER */
	{ EBADF, 6 },            /* ERROR_INVALID_HANDLE */
	{ ENOSYS, 120 },         /* ERROR_CALL_NOT_IMPLEMENTED */
	{ EOPNOTSUPP, 50 },      /* ERROR_NOT_SUPPORTED */
	{ ENOSPC, 112 },         /* ERROR_DISK_FULL */
	{ EMSGSIZE, 122 },       /* ERROR_INSUFFICIENT_BUFFER */
	{ ETIMEDOUT, 1460 },     /* ERROR_TIMEOUT */
	{ EAGAIN, 1460 },        /* ERROR_TIMEOUT: a receive timed out */
	{ ECONNREFUSED, OWTS_RPC_S_SERVER_UNAVAILABLE },
	{ ENOTSOCK, OWTS_RPC_S_SERVER_UNAVAILABLE },
	{ ECONNRESET, OWTS_RPC_S_CALL_FAILED },
	{ EPIPE, OWTS_RPC_S_CALL_FAILED },
	{ EBADMSG, OWTS_RPC_S_PROTOCOL_ERROR },
	{ EPROTO, OWTS_RPC_S_PROTOCOL_ERROR },
	{ EEXIST, 183 },         /* ERROR_ALREADY_EXISTS */
	{ EBUSY, 170 },          /* ERROR_BUSY */
};

uint32_t owts_errno_to_win32(int err)
{
	if (err < 0)
		err = -err;
	if (err == 0)
		return 0;
	for (size_t i = 0; i < sizeof(errmap) / sizeof(errmap[0]); i++)
		if (errmap[i].err == err)
			return errmap[i].win32;
	return 1627; /* ERROR_FUNCTION_FAILED */
}
