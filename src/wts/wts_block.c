/*
 * wts_block.c — single-allocation result blocks and A/W string helpers (see wts_private.h).
 *
 * A strings are UTF-8: on Linux the ANSI code page of a process is its locale's, UTF-8 on every
 * supported system (docs/internals/strings.md). W strings are UTF-16LE.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdlib.h>
#include <string.h>

#include "owts_utf.h"
#include "wts_private.h"

#define ALIGN 8u

static size_t align_up(size_t n)
{
	return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

size_t wts_str_bytes(const char *utf8, bool wide)
{
	if (!utf8)
		utf8 = "";
	return wide ? (owts_utf16_len(utf8) + 1) * sizeof(WCHAR) : strlen(utf8) + 1;
}

void wts_block_init(struct wts_block *b, size_t fixed, bool wide)
{
	memset(b, 0, sizeof(*b));
	b->fixed = align_up(fixed);
	b->size = b->fixed;
	b->wide = wide;
}

void wts_block_reserve(struct wts_block *b, size_t bytes)
{
	b->size += align_up(bytes);
}

void wts_block_reserve_str(struct wts_block *b, const char *utf8)
{
	wts_block_reserve(b, wts_str_bytes(utf8, b->wide));
}

DWORD wts_block_alloc(struct wts_block *b)
{
	b->base = calloc(1, b->size ? b->size : 1);
	if (!b->base)
		return ERROR_NOT_ENOUGH_MEMORY;
	b->cursor = b->fixed;
	return ERROR_SUCCESS;
}

void *wts_block_put(struct wts_block *b, const void *data, size_t bytes)
{
	void *p = b->base + b->cursor;
	memcpy(p, data, bytes);
	b->cursor += align_up(bytes);
	return p;
}

void *wts_block_put_str(struct wts_block *b, const char *utf8)
{
	if (!utf8)
		utf8 = "";
	size_t bytes = wts_str_bytes(utf8, b->wide);
	void *p = b->base + b->cursor;
	if (b->wide)
		owts_utf8_to_utf16(utf8, p, bytes / sizeof(WCHAR));
	else
		memcpy(p, utf8, bytes);
	b->cursor += align_up(bytes);
	return p;
}

void wts_str_copy(void *dst, size_t cap, const char *utf8, bool wide)
{
	if (!cap)
		return;
	if (wide) {
		owts_utf8_to_utf16(utf8 ? utf8 : "", dst, cap);
		return;
	}
	char *d = dst;
	size_t n = utf8 ? strlen(utf8) : 0;
	if (n >= cap)
		n = cap - 1;
	/* Do not cut a UTF-8 sequence in half. */
	while (n > 0 && ((unsigned char)utf8[n] & 0xC0) == 0x80)
		n--;
	if (n)
		memcpy(d, utf8, n);
	d[n] = '\0';
}

DWORD wts_arg_utf8(const void *arg, bool wide, char *out, size_t size)
{
	if (!arg) {
		out[0] = '\0';
		return ERROR_SUCCESS;
	}
	if (wide)
		return owts_utf16_to_utf8(arg, out, size) < 0 ? ERROR_INVALID_PARAMETER
		                                               : ERROR_SUCCESS;
	size_t n = strnlen(arg, size);
	if (n >= size)
		return ERROR_INVALID_PARAMETER;
	memcpy(out, arg, n + 1);
	return ERROR_SUCCESS;
}
