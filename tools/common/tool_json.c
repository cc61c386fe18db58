/*
 * tool_json.c — escaping text into JSON string literals (RFC 8259 §7). The output is always
 * valid UTF-8, whatever bytes the input holds.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>

#include "tool_json.h"
#include "tool_utf8.h"

/* The short escape of a control character or quote, or NULL. */
static const char *short_escape(uint32_t cp)
{
	switch (cp) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\b':
		return "\\b";
	case '\f':
		return "\\f";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	default:
		return NULL;
	}
}

void tool_json_string(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (;;) {
		uint32_t cp;
		size_t n = tool_utf8_decode(s, &cp);
		if (n == 0)
			break;
		const char *esc = short_escape(cp);
		if (esc)
			fputs(esc, out);
		else if (cp < 0x20 || cp == 0x7F)
			fprintf(out, "\\u%04x", (unsigned)cp);
		else if (cp == TOOL_UTF8_INVALID && n == 1)
			fputs("\\ufffd", out);
		else
			fwrite(s, 1, n, out);
		s += n;
	}
	fputc('"', out);
}
