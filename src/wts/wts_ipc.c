/*
 * wts_ipc.c — daemon calls of the library: owts_client_call() plus the mapping of transport
 * failures to the Win32 codes a Windows caller expects from an RPC-based API
 * (RPC_S_SERVER_UNAVAILABLE when no wtsd listens).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "owts_client.h"
#include "wts_private.h"

DWORD wts_transport_error(int r)
{
	switch (-r) {
	case ENOENT:
	case ECONNREFUSED:
	case ENOTDIR:
	case ENAMETOOLONG:
		return OWTS_RPC_S_SERVER_UNAVAILABLE;
	case EACCES:
	case EPERM:
		return ERROR_ACCESS_DENIED;
	case ENOMEM:
		return ERROR_NOT_ENOUGH_MEMORY;
	case EBADMSG:
		return OWTS_RPC_S_PROTOCOL_ERROR;
	default:
		return OWTS_RPC_S_CALL_FAILED;
	}
}

DWORD wts_call(struct owts_writer *req, struct wts_reply *reply)
{
	const uint8_t *buf;
	size_t len;
	memset(reply, 0, sizeof(*reply));
	int r = owts_writer_finish(req, &buf, &len);
	if (r < 0)
		return owts_errno_to_win32(r);
	r = owts_client_call(buf, len, &reply->buf, &reply->frame);
	if (r < 0)
		return wts_transport_error(r);
	if (reply->frame.status != ERROR_SUCCESS) {
		DWORD status = reply->frame.status;
		wts_reply_free(reply);
		return status;
	}
	owts_reader_init(&reply->r, reply->frame.body, reply->frame.body_len);
	return ERROR_SUCCESS;
}

DWORD wts_call_simple(uint16_t op, struct wts_reply *reply)
{
	struct owts_writer w;
	if (owts_writer_begin(&w, op, 1, 0) < 0)
		return ERROR_NOT_ENOUGH_MEMORY;
	DWORD err = wts_call(&w, reply);
	owts_writer_free(&w);
	return err;
}

void wts_reply_free(struct wts_reply *reply)
{
	free(reply->buf);
	reply->buf = NULL;
}
