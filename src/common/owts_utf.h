/*
 * owts_utf.h — UTF-8 ↔ UTF-16LE conversions for the A and W forms of the API.
 *
 * Own code rather than WinPR's MultiByteToWideChar because strings from /proc (process names)
 * are arbitrary bytes: an invalid UTF-8 sequence becomes U+FFFD here instead of failing the
 * whole enumeration, and a size pass plus a fill pass lets callers pack results in one block.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OWTS_UTF_H
#define OWTS_UTF_H

#include <stddef.h>
#include <stdint.h>

/* Number of UTF-16 code units of the UTF-8 string s, terminator excluded. */
size_t owts_utf16_len(const char *s);

/*
 * Converts the UTF-8 string s to UTF-16LE in dst, writing at most cap units including the
 * terminator (truncating at a code point boundary). Returns units written, terminator excluded.
 * cap must be > 0.
 */
size_t owts_utf8_to_utf16(const char *s, uint16_t *dst, size_t cap);

/*
 * Converts the NUL-terminated UTF-16 string w to UTF-8 in dst (cap bytes including the
 * terminator). Unpaired surrogates become U+FFFD. Returns bytes written without the terminator,
 * or -ENAMETOOLONG if it does not fit.
 */
long owts_utf16_to_utf8(const uint16_t *w, char *dst, size_t cap);

#endif /* OWTS_UTF_H */
