/*
 * tool_args.h — the command line of the Windows administration tools (qwinsta, qprocess, tskill,
 * rwinsta, tsdiscon, logoff).
 *
 * Windows' tools take options as /NAME or /NAME:VALUE, case-insensitive; these accept that and,
 * leniently, -NAME, --NAME and NAME=VALUE too. Every tool also takes --json and the help options
 * /?, -?, -h and --help. A tool declares which options it takes in a struct tool_spec; anything
 * else is a usage error (message and help on stderr, exit status 1).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_TOOL_ARGS_H
#define OPENWTS_TOOL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The plain (non-option) arguments a tool can take at most. */
#define TOOL_ARGS_MAX_POSITIONAL 4

/* Options a tool may accept (struct tool_spec.options) and that were given (tool_args.given). */
enum {
	TOOL_OPT_SERVER = 1u << 0,  /* /SERVER:name */
	TOOL_OPT_ID = 1u << 1,      /* /ID:n */
	TOOL_OPT_ALL = 1u << 2,     /* /A: every session */
	TOOL_OPT_VERBOSE = 1u << 3, /* /V */
	TOOL_OPT_MODE = 1u << 4,    /* /MODE */
	TOOL_OPT_FLOW = 1u << 5,    /* /FLOW */
	TOOL_OPT_CONNECT = 1u << 6, /* /CONNECT */
	TOOL_OPT_COUNTER = 1u << 7, /* /COUNTER */
	TOOL_OPT_SYSTEM = 1u << 8,  /* /SYSTEM */
};

struct tool_spec
{
	const char *name;      /* program name, for messages */
	const char *help;      /* what /? prints before the --json and /? lines; ends in '\n' */
	unsigned options;      /* TOOL_OPT_* the tool accepts (--json and help always) */
	size_t max_positional; /* plain arguments accepted, at most TOOL_ARGS_MAX_POSITIONAL */
};

struct tool_args
{
	unsigned given;     /* TOOL_OPT_* found on the command line */
	const char *server; /* the /SERVER: value (points into argv); NULL when not given */
	uint32_t id;        /* the /ID: value; meaningful when given has TOOL_OPT_ID */
	bool json;          /* --json */
	size_t npositional;
	const char *positional[TOOL_ARGS_MAX_POSITIONAL]; /* point into argv */
};

/*
 * Parses argv against spec into *ret_args. Returns true when the tool should go on. Returns
 * false when it should exit with *ret_exit: 0 after printing the help (/?, -h, --help) to
 * stdout, 1 after a usage error (message and help on stderr). *ret_args is written in any case
 * and points into argv.
 */
bool tool_args_parse(const struct tool_spec *spec, int argc, char **argv,
                     struct tool_args *ret_args, int *ret_exit);

/* Prints "NAME: message" and the help of spec to stderr; printf-style. Returns 1, the exit
 * status of a usage error. */
int tool_usage_error(const struct tool_spec *spec, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parses a decimal DWORD: digits only, no sign or blanks, at most 4294967295. Writes *ret only
 * on success. */
bool tool_parse_u32(const char *s, uint32_t *ret);

#endif /* OPENWTS_TOOL_ARGS_H */
