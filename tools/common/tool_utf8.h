/*
 * tool_utf8.h — decoding the UTF-8 text the library returns (A strings are UTF-8), so that the
 * tools can count characters for columns and never print broken JSON.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_TOOL_UTF8_H
#define OPENWTS_TOOL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The code point an invalid byte decodes to. */
#define TOOL_UTF8_INVALID 0xFFFDu

/*
 * Decodes the character at s (NUL-terminated). Returns the number of bytes it takes, 0 at the
 * terminator. A byte that does not begin a valid, shortest-form sequence of a Unicode scalar
 * value decodes to TOOL_UTF8_INVALID and takes one byte.
 */
size_t tool_utf8_decode(const char *s, uint32_t *ret_cp);

#endif /* OPENWTS_TOOL_UTF8_H */
