/*
 * tool_utf8.c — a strict UTF-8 decoder (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF). Process names come from /proc and may hold any bytes; they still print.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include "tool_utf8.h"

size_t tool_utf8_decode(const char *s, uint32_t *ret_cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len;
	uint32_t cp, min;

	if (p[0] == 0) {
		*ret_cp = 0;
		return 0;
	}
	if (p[0] < 0x80) {
		*ret_cp = p[0];
		return 1;
	}
	if ((p[0] & 0xE0) == 0xC0) {
		len = 2, cp = p[0] & 0x1F, min = 0x80;
	} else if ((p[0] & 0xF0) == 0xE0) {
		len = 3, cp = p[0] & 0x0F, min = 0x800;
	} else if ((p[0] & 0xF8) == 0xF0) {
		len = 4, cp = p[0] & 0x07, min = 0x10000;
	} else {
		*ret_cp = TOOL_UTF8_INVALID;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80) { /* also stops at the terminator */
			*ret_cp = TOOL_UTF8_INVALID;
			return 1;
		}
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
		*ret_cp = TOOL_UTF8_INVALID;
		return 1;
	}
	*ret_cp = cp;
	return len;
}
