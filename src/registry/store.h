/*
 * store.h — wtsd's persistent state: SQLite in WAL mode in the state directory.
 *
 * Every write is one transaction, committed (synchronous=FULL: synced to disk, even in WAL mode)
 * before the request that caused it is acknowledged, so neither a crash of wtsd nor one of the
 * host loses anything a client was told had happened. The schema carries its version in
 * PRAGMA user_version and is brought up to date by the migrations in store.c at open.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_STORE_H
#define WTSD_STORE_H

#include <stdint.h>

#include <stddef.h>

#include "owts_listener.h"
#include "owts_records.h"

struct wtsd_store;

/* Opens (creating if needed) <state_dir>/wtsd.db. Returns 0 or -errno (-EIO for SQLite errors). */
int wtsd_store_open(struct wtsd_store **out, const char *state_dir);
/* Closes; NULL is a no-op. */
void wtsd_store_close(struct wtsd_store *st);
/* Schema version after migrations. */
int wtsd_store_version(struct wtsd_store *st);

/* Inserts or replaces the persistent fields of a session: all but flags and the traffic counters
 * (client data and last_input_time since schema 3). Returns 0 or -EIO. */
int wtsd_store_session_put(struct wtsd_store *st, const struct owts_session *s);
int wtsd_store_session_delete(struct wtsd_store *st, uint32_t id);
/* Calls fn for each stored session, by id. fn returning < 0 stops and is returned. */
int wtsd_store_session_each(struct wtsd_store *st,
                            int (*fn)(void *ctx, const struct owts_session *s), void *ctx);
/* Allocates the next session id (>= first) durably. Returns 0 or -EIO. */
int wtsd_store_next_session_id(struct wtsd_store *st, uint32_t first, uint32_t *id);

/* Inserts or replaces a listener (by id) and its self-relative SD. Returns 0 or -EIO. */
int wtsd_store_listener_put(struct wtsd_store *st, const struct owts_listener *l,
                            const uint8_t *sd, size_t sd_len);
/* Calls fn for each stored listener, by id; sd points into the row (valid during the call). */
int wtsd_store_listener_each(struct wtsd_store *st,
                             int (*fn)(void *ctx, const struct owts_listener *l,
                                       const uint8_t *sd, size_t sd_len),
                             void *ctx);

#endif /* WTSD_STORE_H */
