/*
 * wts_handle.c — server handles as encoded table entries.
 *
 * A handle value is owts_handle_encode(MAGIC, generation, slot) with 4096 slots (owts_handle.h);
 * the generation of a slot changes every time it is released, so a closed handle stays invalid even after its slot
 * is reused, until the 12-bit generation wraps (4096 reuses). Server handles carry no state yet:
 * every open handle names the local wtsd. Remote servers will add per-slot data.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <pthread.h>

#include "owts_handle.h"
#include "wts_private.h"

#define MAGIC 0x5Au
#define SLOTS OWTS_HANDLE_SLOTS_MAX

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	uint16_t gen; /* guarded by lock */
	bool used;    /* guarded by lock */
} slots[SLOTS];

static uintptr_t encode(uint32_t slot, uint32_t gen)
{
	return owts_handle_encode(MAGIC, gen, slot);
}

/* Returns the slot of h if h is an open handle; lock must be held. */
static long lookup(HANDLE h)
{
	uint16_t gen;
	long slot = owts_handle_decode((uintptr_t)h, MAGIC, SLOTS, &gen);
	return slot >= 0 && slots[slot].used && slots[slot].gen == gen ? slot : -1;
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
		slots[slot].gen = owts_handle_next_gen(slots[slot].gen);
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
