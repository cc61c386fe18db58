/*
 * handlers.h — the request handlers that live outside handlers.c, one file per concern:
 * session lifecycle (lifecycle.c), events (events.c), listeners (listener_ops.c) and virtual
 * channels (channel_ops.c). handlers.c's table dispatches to them.
 *
 * Each handler parses its request body from req, authorises from peer, acts, and writes the
 * reply body to reply; it returns the reply's Win32 status, or WTSD_STATUS_DEFERRED after
 * wtsd_control_defer() (see wtsd.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_HANDLERS_H
#define WTSD_HANDLERS_H

#include <stdint.h>

#include "owts_wire.h"
#include "wtsd.h"

typedef uint32_t (*wtsd_handler_fn)(struct wtsd *d, const struct wtsd_peer *peer,
                                    struct owts_reader *req, struct owts_writer *reply);

/* lifecycle.c */
uint32_t wtsd_h_session_disconnect(struct wtsd *d, const struct wtsd_peer *peer,
                                   struct owts_reader *req, struct owts_writer *reply);
uint32_t wtsd_h_session_logoff(struct wtsd *d, const struct wtsd_peer *peer,
                               struct owts_reader *req, struct owts_writer *reply);
uint32_t wtsd_h_session_connect(struct wtsd *d, const struct wtsd_peer *peer,
                                struct owts_reader *req, struct owts_writer *reply);

/* events.c */
uint32_t wtsd_h_event_wait(struct wtsd *d, const struct wtsd_peer *peer, struct owts_reader *req,
                           struct owts_writer *reply);
uint32_t wtsd_h_event_subscribe(struct wtsd *d, const struct wtsd_peer *peer,
                                struct owts_reader *req, struct owts_writer *reply);

/* listener_ops.c */
uint32_t wtsd_h_listener_enum(struct wtsd *d, const struct wtsd_peer *peer,
                              struct owts_reader *req, struct owts_writer *reply);
uint32_t wtsd_h_listener_query(struct wtsd *d, const struct wtsd_peer *peer,
                               struct owts_reader *req, struct owts_writer *reply);
uint32_t wtsd_h_listener_create(struct wtsd *d, const struct wtsd_peer *peer,
                                struct owts_reader *req, struct owts_writer *reply);
uint32_t wtsd_h_listener_set_security(struct wtsd *d, const struct wtsd_peer *peer,
                                      struct owts_reader *req, struct owts_writer *reply);
uint32_t wtsd_h_listener_get_security(struct wtsd *d, const struct wtsd_peer *peer,
                                      struct owts_reader *req, struct owts_writer *reply);

/* channel_ops.c */
uint32_t wtsd_h_channel_open(struct wtsd *d, const struct wtsd_peer *peer, struct owts_reader *req,
                             struct owts_writer *reply);

#endif /* WTSD_HANDLERS_H */
