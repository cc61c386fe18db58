/*
 * listeners.h — wtsd's listeners: their configuration (WTSLISTENERCONFIG fields) and security
 * descriptor, kept in the registry and the store (schema 2).
 *
 * A listener has a pseudo-session id from 65536 up, given at creation and never reused: it is
 * how WTSEnumerateSessions lists it (state WTSListen, the listener's name as station), as
 * Windows does. Listeners are kept in id order; names compare case-insensitively (ASCII), as
 * Windows' WinStation names do. Main thread only, like the rest of the registry.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_LISTENERS_H
#define WTSD_LISTENERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "owts_listener.h"

struct owts_session;
struct wtsd_registry;

struct wtsd_listener
{
	struct owts_listener cfg;
	uint8_t *sd; /* self-relative security descriptor, validated (owts_sd_parse) */
	size_t sd_len;
};

/* Loads the stored listeners into reg. Returns 0 or -errno. */
int wtsd_listeners_load(struct wtsd_registry *reg);
/* Frees reg's listeners (not the store's). */
void wtsd_listeners_free(struct wtsd_registry *reg);

/* By name (case-insensitive) or pseudo-session id; NULL if none. */
struct wtsd_listener *wtsd_listener_find(struct wtsd_registry *reg, const char *name);
struct wtsd_listener *wtsd_listener_find_id(struct wtsd_registry *reg, uint32_t id);

/*
 * Creates a listener named cfg->name (the default SD, the next id) or, when one exists, updates
 * its configuration (id and SD kept). Persists before it returns. *out (may be NULL) receives
 * the listener. Returns 0, -EEXIST (create of an existing name) or -ENOENT (update of none)
 * as mode asks (WTSD_LISTENER_CREATE, _UPDATE, or both for "create or update"), -errno.
 */
#define WTSD_LISTENER_CREATE 1u
#define WTSD_LISTENER_UPDATE 2u
int wtsd_listener_put(struct wtsd_registry *reg, const struct owts_listener *cfg, unsigned mode,
                      struct wtsd_listener **out);

/* Replaces l's SD with sd[0..len) (already validated) and persists it. 0 or -errno. */
int wtsd_listener_set_sd(struct wtsd_registry *reg, struct wtsd_listener *l, const uint8_t *sd,
                         size_t len);

/* The pseudo-session of l: its id, WTSListen, the listener name as station, nobody logged on. */
void wtsd_listener_session(const struct wtsd_listener *l, struct owts_session *out);

#endif /* WTSD_LISTENERS_H */
