/*
 * tool_table.c — text and JSON rendering of the tools' tables.
 *
 * Text rows are written straight to stdout. Blanks are not written when they are due but
 * counted, and written only when more content follows on the line: padding of the last column
 * and of empty trailing cells never reaches the output, as in a table built in a buffer and
 * trimmed, without the buffer. Widths count characters (UTF-8 code points), not bytes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tool_json.h"
#include "tool_table.h"
#include "tool_utf8.h"

/* A text line under construction: blanks owed before the next content. */
struct line
{
	size_t blanks;
};

static void line_flush(struct line *l)
{
	for (; l->blanks; l->blanks--)
		putchar(' ');
}

/* Characters in s, at most max (0: no limit); *ret_bytes gets the bytes they take. */
static size_t text_measure(const char *s, size_t max, size_t *ret_bytes)
{
	size_t chars = 0, bytes = 0;
	uint32_t cp;
	size_t n;
	while ((!max || chars < max) && (n = tool_utf8_decode(s + bytes, &cp)) > 0) {
		bytes += n;
		chars++;
	}
	*ret_bytes = bytes;
	return chars;
}

/* Writes bytes of s: control characters and invalid bytes as '?', lower case if asked. */
static void text_write(const char *s, size_t bytes, bool lower)
{
	size_t i = 0;
	while (i < bytes) {
		uint32_t cp;
		size_t n = tool_utf8_decode(s + i, &cp);
		if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || (cp == TOOL_UTF8_INVALID && n == 1))
			putchar('?');
		else if (lower && cp >= 'A' && cp <= 'Z')
			putchar((int)(cp - 'A' + 'a'));
		else
			fwrite(s + i, 1, n, stdout);
		i += n;
	}
}

/* Places text s in column c; last: the last text column, which is never cut; heading: s is the
 * column's heading, which keeps its case. */
static void line_put(struct line *l, const struct tool_column *c, const char *s, bool last,
                     bool heading)
{
	size_t bytes;
	size_t chars = text_measure(s, last ? 0 : c->width, &bytes);
	size_t pad = chars < c->width ? c->width - chars : 0;

	if (c->flags & TOOL_COL_RIGHT)
		l->blanks += pad;
	if (bytes) {
		line_flush(l);
		text_write(s, bytes, !heading && (c->flags & TOOL_COL_LOWER));
	}
	if (!(c->flags & TOOL_COL_RIGHT))
		l->blanks += pad;
	l->blanks += c->gap;
}

static size_t last_text_column(const struct tool_table *t)
{
	size_t last = 0;
	for (size_t i = 0; i < t->ncolumns; i++)
		if (t->columns[i].header)
			last = i;
	return last;
}

static void text_heading(const struct tool_table *t)
{
	struct line l = { 0 };
	size_t last = last_text_column(t);
	for (size_t i = 0; i < t->ncolumns; i++)
		if (t->columns[i].header)
			line_put(&l, &t->columns[i], t->columns[i].header, i == last, true);
	putchar('\n');
}

static void text_row(const struct tool_table *t, const struct tool_cell *cells)
{
	struct line l = { 0 };
	size_t last = last_text_column(t);
	for (size_t i = 0; i < t->ncolumns; i++) {
		const struct tool_column *c = &t->columns[i];
		char number[24] = "";
		if (!c->header)
			continue;
		switch (c->kind) {
		case TOOL_TEXT:
			line_put(&l, c, cells[i].text ? cells[i].text : "", i == last, false);
			break;
		case TOOL_NUMBER:
			if (!cells[i].absent)
				snprintf(number, sizeof(number), "%" PRIu64, cells[i].number);
			line_put(&l, c, number, i == last, false);
			break;
		case TOOL_MARK:
			line_put(&l, c, cells[i].number ? ">" : "", i == last, false);
			break;
		}
	}
	putchar('\n');
}

static void json_row(const struct tool_table *t, const struct tool_cell *cells)
{
	fputs(t->rows ? ",\n  {" : "[\n  {", stdout);
	for (size_t i = 0; i < t->ncolumns; i++) {
		const struct tool_column *c = &t->columns[i];
		if (i)
			fputs(", ", stdout);
		tool_json_string(stdout, c->key);
		fputs(": ", stdout);
		if (c->kind == TOOL_TEXT)
			tool_json_string(stdout, cells[i].text);
		else if (c->kind == TOOL_MARK)
			fputs(cells[i].number ? "true" : "false", stdout);
		else if (cells[i].absent)
			fputs("null", stdout);
		else
			printf("%" PRIu64, cells[i].number);
	}
	putchar('}');
}

void tool_table_begin(struct tool_table *t, const struct tool_column *columns, size_t ncolumns,
                      bool json)
{
	t->columns = columns;
	t->ncolumns = ncolumns;
	t->json = json;
	t->rows = 0;
}

void tool_table_row(struct tool_table *t, const struct tool_cell *cells)
{
	if (t->json) {
		json_row(t, cells);
	} else {
		if (!t->rows)
			text_heading(t);
		text_row(t, cells);
	}
	t->rows++;
}

void tool_table_end(struct tool_table *t)
{
	if (t->json)
		fputs(t->rows ? "\n]\n" : "[]\n", stdout);
	fflush(stdout);
}
