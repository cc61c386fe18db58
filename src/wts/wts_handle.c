/*
 * wts_handle.c — server handles as encoded table entries.
 *
 * A handle value is (MAGIC << 24 | generation << 12 | slot) with 4096 slots; the generation of a
 * slot changes every time it is released, so a closed handle stays invalid even after its slot
 * is reused, until the 12-bit generation wraps (4096 reuses). Server handles carry no state yet:
 * every open handle names the local wtsd. Remote servers will add per-slot data.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <pthread.h>

#include "wts_private.h"

#define MAGIC     0x5Au
#define SLOTS     4096u
#define GEN_MASK  0xFFFu

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	uint16_t gen; /* guarded by lock */
	bool used;    /* guarded by lock */
} slots[SLOTS];

static uintptr_t encode(uint32_t slot, uint32_t gen)
{
	return (uintptr_t)(MAGIC << 24 | (gen & GEN_MASK) << 12 | slot);
}

/* Returns the slot of h if h is an open handle; lock must be held. */
static long lookup(HANDLE h)
{
	uintptr_t v = (uintptr_t)h;
	if (v >> 24 != MAGIC)
		return -1;
	uint32_t slot = v & (SLOTS - 1);
	uint32_t gen = (v >> 12) & GEN_MASK;
	if (!slots[slot].used || slots[slot].gen != gen)
		return -1;
	return (long)slot;
}

HANDLE wts_handle_new(void)
{
	HANDLE h = NULL;
	pthread_mutex_lock(&lock);
	for (uint32_t i = 0; i < SLOTS; i++) {
		if (!slots[i].used) {
			slots[i].used = true;
			h = (HANDLE)encode(i, slots[i].gen);
			break;
		}
	}
	pthread_mutex_unlock(&lock);
	return h;
}

DWORD wts_handle_close(HANDLE h)
{
	DWORD err = ERROR_INVALID_HANDLE;
	pthread_mutex_lock(&lock);
	long slot = lookup(h);
	if (slot >= 0) {
		slots[slot].used = false;
		slots[slot].gen = (uint16_t)((slots[slot].gen + 1) & GEN_MASK);
		err = ERROR_SUCCESS;
	}
	pthread_mutex_unlock(&lock);
	return err;
}

DWORD wts_handle_check(HANDLE h)
{
	if (h == NULL)
		return ERROR_SUCCESS;
	pthread_mutex_lock(&lock);
	long slot = lookup(h);
	pthread_mutex_unlock(&lock);
	return slot >= 0 ? ERROR_SUCCESS : ERROR_INVALID_HANDLE;
}
