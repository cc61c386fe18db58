/*
 * owts_handle.h — the encoding of every handle the library hands out (docs/internals/handles.md):
 * never a pointer, but {tag, generation, slot} in 32 bits, so a stale, forged or foreign handle is
 * told from a live one by its table:
 *
 *	bits 31..24  tag: which table (server 0x5A, channel 0x5C, plug-in host 0x6D, init 0x49,
 *	             open 0x4F)
 *	bits 23..12  generation of the slot, bumped when the slot is freed
 *	bits 11..0   slot (tables of at most 4096)
 *
 * It fits a DWORD (VirtualChannelOpen's open handle) as well as a HANDLE.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OWTS_HANDLE_H
#define OWTS_HANDLE_H

#include <stdint.h>

#define OWTS_HANDLE_SLOTS_MAX 4096u
#define OWTS_HANDLE_GEN_MASK  0xFFFu

/* The handle value of slot (< OWTS_HANDLE_SLOTS_MAX) in table tag at generation gen. */
static inline uint32_t owts_handle_encode(uint32_t tag, uint32_t gen, uint32_t slot)
{
	return tag << 24 | (gen & OWTS_HANDLE_GEN_MASK) << 12 | slot;
}

/* The next generation of a slot that is freed. */
static inline uint16_t owts_handle_next_gen(uint16_t gen)
{
	return (uint16_t)((gen + 1) & OWTS_HANDLE_GEN_MASK);
}

/*
 * The slot v names in table tag of nslots slots, with its generation in *gen; -1 for a value of
 * another tag or beyond the table. The caller still checks that the slot is in use and has *gen.
 */
static inline long owts_handle_decode(uintptr_t v, uint32_t tag, uint32_t nslots, uint16_t *gen)
{
	if (v >> 24 != tag)
		return -1;
	uint32_t slot = (uint32_t)v & (OWTS_HANDLE_SLOTS_MAX - 1);
	if (slot >= nslots)
		return -1;
	*gen = (uint16_t)((v >> 12) & OWTS_HANDLE_GEN_MASK);
	return (long)slot;
}

#endif /* OWTS_HANDLE_H */
