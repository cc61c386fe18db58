/*
 * lifecycle.c — disconnecting, logging off and connecting sessions. Not implemented yet: the
 * handlers fail with ERROR_CALL_NOT_IMPLEMENTED.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <winpr/error.h>

#include "handlers.h"

uint32_t wtsd_h_session_disconnect(struct wtsd *d, const struct wtsd_peer *peer,
                                   struct owts_reader *req, struct owts_writer *reply)
{
	(void)d, (void)peer, (void)req, (void)reply;
	return ERROR_CALL_NOT_IMPLEMENTED;
}

uint32_t wtsd_h_session_logoff(struct wtsd *d, const struct wtsd_peer *peer,
                               struct owts_reader *req, struct owts_writer *reply)
{
	(void)d, (void)peer, (void)req, (void)reply;
	return ERROR_CALL_NOT_IMPLEMENTED;
}

uint32_t wtsd_h_session_connect(struct wtsd *d, const struct wtsd_peer *peer,
                                struct owts_reader *req, struct owts_writer *reply)
{
	(void)d, (void)peer, (void)req, (void)reply;
	return ERROR_CALL_NOT_IMPLEMENTED;
}
