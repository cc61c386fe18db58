/*
 * listeners.c — listeners in the registry and the store (see listeners.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <winpr/wlog.h>
#include <winpr/wtsapi.h>

#include "listeners.h"
#include "owts_sd.h"
#include "registry.h"
#include "store.h"

#define TAG "openwts.wtsd.listeners"

static int append(struct wtsd_registry *reg, struct wtsd_listener *l)
{
	struct wtsd_listener **p =
	    realloc(reg->listeners, (reg->nlisteners + 1) * sizeof(*reg->listeners));
	if (!p)
		return -ENOMEM;
	reg->listeners = p;
	reg->listeners[reg->nlisteners++] = l;
	wtsd_registry_changed(reg);
	return 0;
}

static void listener_free(struct wtsd_listener *l)
{
	if (l) {
		free(l->sd);
		free(l);
	}
}

static int load_one(void *ctx, const struct owts_listener *cfg, const uint8_t *sd, size_t len)
{
	struct wtsd_registry *reg = ctx;
	struct owts_sd parsed;
	struct wtsd_listener *l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->cfg = *cfg;
	int r;
	if (owts_sd_parse(sd, len, &parsed) < 0) {
		/* A damaged descriptor is replaced by the default rather than left open. */
		WLog_WARN(TAG, "listener \"%s\": stored security descriptor invalid, using default",
		          cfg->name);
		r = owts_sd_default(&l->sd, &l->sd_len);
	} else {
		l->sd = malloc(len);
		r = l->sd ? 0 : -ENOMEM;
		if (l->sd) {
			memcpy(l->sd, sd, len);
			l->sd_len = len;
		}
	}
	if (r == 0)
		r = append(reg, l);
	if (r < 0)
		listener_free(l);
	return r;
}

int wtsd_listeners_load(struct wtsd_registry *reg)
{
	return wtsd_store_listener_each(reg->store, load_one, reg);
}

void wtsd_listeners_free(struct wtsd_registry *reg)
{
	for (size_t i = 0; i < reg->nlisteners; i++)
		listener_free(reg->listeners[i]);
	free(reg->listeners);
	reg->listeners = NULL;
	reg->nlisteners = 0;
}

struct wtsd_listener *wtsd_listener_find(struct wtsd_registry *reg, const char *name)
{
	for (size_t i = 0; i < reg->nlisteners; i++)
		if (strcasecmp(reg->listeners[i]->cfg.name, name) == 0)
			return reg->listeners[i];
	return NULL;
}

struct wtsd_listener *wtsd_listener_find_id(struct wtsd_registry *reg, uint32_t id)
{
	for (size_t i = 0; i < reg->nlisteners; i++)
		if (reg->listeners[i]->cfg.id == id)
			return reg->listeners[i];
	return NULL;
}

int wtsd_listener_put(struct wtsd_registry *reg, const struct owts_listener *cfg, unsigned mode,
                      struct wtsd_listener **out)
{
	struct wtsd_listener *l = wtsd_listener_find(reg, cfg->name);
	if (l && !(mode & WTSD_LISTENER_UPDATE))
		return -EEXIST;
	if (!l && !(mode & WTSD_LISTENER_CREATE))
		return -ENOENT;
	int r;
	if (l) {
		struct owts_listener next = *cfg;
		next.id = l->cfg.id;
		memcpy(next.name, l->cfg.name, sizeof(next.name)); /* the name keeps its case */
		r = wtsd_store_listener_put(reg->store, &next, l->sd, l->sd_len);
		if (r == 0) {
			l->cfg = next;
			wtsd_registry_changed(reg);
		}
	} else {
		l = calloc(1, sizeof(*l));
		if (!l)
			return -ENOMEM;
		l->cfg = *cfg;
		l->cfg.id = OWTS_LISTENER_FIRST_ID;
		for (size_t i = 0; i < reg->nlisteners; i++)
			if (reg->listeners[i]->cfg.id >= l->cfg.id)
				l->cfg.id = reg->listeners[i]->cfg.id + 1;
		r = owts_sd_default(&l->sd, &l->sd_len);
		if (r == 0)
			r = wtsd_store_listener_put(reg->store, &l->cfg, l->sd, l->sd_len);
		if (r == 0)
			r = append(reg, l);
		if (r < 0) {
			listener_free(l);
			return r;
		}
	}
	if (out)
		*out = l;
	return 0;
}

int wtsd_listener_set_sd(struct wtsd_registry *reg, struct wtsd_listener *l, const uint8_t *sd,
                         size_t len)
{
	uint8_t *copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, sd, len);
	int r = wtsd_store_listener_put(reg->store, &l->cfg, copy, len);
	if (r < 0) {
		free(copy);
		return r;
	}
	free(l->sd);
	l->sd = copy;
	l->sd_len = len;
	return 0;
}

void wtsd_listener_session(const struct wtsd_listener *l, struct owts_session *out)
{
	memset(out, 0, sizeof(*out));
	out->id = l->cfg.id;
	out->state = WTSListen;
	out->uid = OWTS_NO_UID;
	out->protocol = WTS_PROTOCOL_TYPE_RDP;
	out->flags = WTS_SESSIONSTATE_UNKNOWN;
	snprintf(out->station, sizeof(out->station), "%s", l->cfg.name);
}
