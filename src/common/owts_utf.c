/*
 * owts_utf.c — UTF-8 ↔ UTF-16 (see owts_utf.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>

#include "owts_utf.h"

#define REPLACEMENT 0xFFFDu

/* Decodes one code point at *p and advances *p; invalid input yields U+FFFD and one byte. */
static uint32_t next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	uint32_t c = s[0];
	int n;
	uint32_t min;
	if (c < 0x80) {
		*p = s + 1;
		return c;
	} else if ((c & 0xE0) == 0xC0) {
		n = 1, c &= 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 2, c &= 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 3, c &= 0x07, min = 0x10000;
	} else {
		*p = s + 1;
		return REPLACEMENT;
	}
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*p = s + 1;
			return REPLACEMENT;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*p = s + n + 1;
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return REPLACEMENT;
	return c;
}

size_t owts_utf16_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	while (*p) {
		if (*p < 0x80) {
			p++, n++;
			continue;
		}
		n += next_cp(&p) >= 0x10000 ? 2 : 1;
	}
	return n;
}

size_t owts_utf8_to_utf16(const char *s, uint16_t *dst, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	while (*p) {
		uint32_t c = next_cp(&p);
		if (c >= 0x10000) {
			if (n + 2 >= cap)
				break;
			c -= 0x10000;
			dst[n++] = (uint16_t)(0xD800 | (c >> 10));
			dst[n++] = (uint16_t)(0xDC00 | (c & 0x3FF));
		} else {
			if (n + 1 >= cap)
				break;
			dst[n++] = (uint16_t)c;
		}
	}
	dst[n] = 0;
	return n;
}

long owts_utf16_to_utf8(const uint16_t *w, char *dst, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; w[i]; i++) {
		uint32_t c = w[i];
		if (c >= 0xD800 && c <= 0xDBFF && w[i + 1] >= 0xDC00 && w[i + 1] <= 0xDFFF) {
			c = 0x10000 + ((c - 0xD800) << 10) + (w[i + 1] - 0xDC00u);
			i++;
		} else if (c >= 0xD800 && c <= 0xDFFF) {
			c = REPLACEMENT;
		}
		unsigned char buf[4];
		size_t len;
		if (c < 0x80) {
			buf[0] = (unsigned char)c, len = 1;
		} else if (c < 0x800) {
			buf[0] = (unsigned char)(0xC0 | c >> 6);
			buf[1] = (unsigned char)(0x80 | (c & 0x3F)), len = 2;
		} else if (c < 0x10000) {
			buf[0] = (unsigned char)(0xE0 | c >> 12);
			buf[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
			buf[2] = (unsigned char)(0x80 | (c & 0x3F)), len = 3;
		} else {
			buf[0] = (unsigned char)(0xF0 | c >> 18);
			buf[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
			buf[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
			buf[3] = (unsigned char)(0x80 | (c & 0x3F)), len = 4;
		}
		if (n + len >= cap)
			return -ENAMETOOLONG;
		for (size_t k = 0; k < len; k++)
			dst[n++] = (char)buf[k];
	}
	if (cap == 0)
		return -ENAMETOOLONG;
	dst[n] = '\0';
	return (long)n;
}
