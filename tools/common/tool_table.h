/*
 * tool_table.h — the output of the tools: a text table laid out as Windows' tools lay theirs
 * out, or with --json an array of objects with the same fields.
 *
 * A tool describes its columns once (struct tool_column) and hands over one row of cells at a
 * time; the same description drives both forms, so the text table and the JSON cannot disagree.
 * Text output: fixed-width columns, the heading printed before the first row, content cut to the
 * column's width (never in the last column), control characters shown as '?', no trailing blanks.
 * JSON output: "[", one object a line, "]" — "[]" when there was no row.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_TOOL_TABLE_H
#define OPENWTS_TOOL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tool_kind
{
	TOOL_TEXT,   /* a string; JSON string (null for a NULL text) */
	TOOL_NUMBER, /* an unsigned number; JSON number (null when absent) */
	TOOL_MARK,   /* '>' or ' ' in a one-character column; JSON true or false */
};

/* struct tool_column.flags */
enum {
	TOOL_COL_RIGHT = 1u << 0, /* right-aligned in the text table */
	TOOL_COL_LOWER = 1u << 1, /* ASCII letters in lower case in the text table (not in JSON) */
};

struct tool_column
{
	const char *header; /* heading in the text table; NULL: a JSON-only column */
	const char *key;    /* member name in JSON */
	enum tool_kind kind;
	unsigned width; /* width in characters in the text table */
	unsigned gap;   /* blanks after the column in the text table */
	unsigned flags; /* TOOL_COL_* */
};

struct tool_cell
{
	const char *text; /* TOOL_TEXT */
	uint64_t number;  /* TOOL_NUMBER; TOOL_MARK: non-zero is set */
	bool absent;      /* TOOL_NUMBER: no value (blank in text, null in JSON) */
};

struct tool_table
{
	const struct tool_column *columns; /* borrowed; outlives the table */
	size_t ncolumns;
	bool json;
	size_t rows; /* rows printed so far */
};

static inline struct tool_cell tool_cell_text(const char *text)
{
	return (struct tool_cell){ .text = text };
}

static inline struct tool_cell tool_cell_number(uint64_t number)
{
	return (struct tool_cell){ .number = number };
}

static inline struct tool_cell tool_cell_absent(void)
{
	return (struct tool_cell){ .absent = true };
}

/* Starts a table on stdout; prints nothing yet. columns is borrowed. */
void tool_table_begin(struct tool_table *t, const struct tool_column *columns, size_t ncolumns,
                      bool json);

/* Prints one row: cells has one entry per column, in the columns' order. */
void tool_table_row(struct tool_table *t, const struct tool_cell *cells);

/* Ends the table: the closing "]" in JSON ("[]" without rows); nothing in text. */
void tool_table_end(struct tool_table *t);

#endif /* OPENWTS_TOOL_TABLE_H */
