/*
 * events.c — session events (see events.h). Not implemented yet: the handlers fail with
 * ERROR_CALL_NOT_IMPLEMENTED and emitting is a no-op.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <winpr/error.h>

#include "events.h"
#include "handlers.h"

void wtsd_events_emit(struct wtsd *d, uint32_t wts_event, uint32_t notify, uint32_t session_id)
{
	(void)d, (void)wts_event, (void)notify, (void)session_id;
}

void wtsd_events_close(struct wtsd *d)
{
	(void)d;
}

uint32_t wtsd_h_event_wait(struct wtsd *d, const struct wtsd_peer *peer, struct owts_reader *req,
                           struct owts_writer *reply)
{
	(void)d, (void)peer, (void)req, (void)reply;
	return ERROR_CALL_NOT_IMPLEMENTED;
}

uint32_t wtsd_h_event_subscribe(struct wtsd *d, const struct wtsd_peer *peer,
                                struct owts_reader *req, struct owts_writer *reply)
{
	(void)d, (void)peer, (void)req, (void)reply;
	return ERROR_CALL_NOT_IMPLEMENTED;
}
