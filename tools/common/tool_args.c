/*
 * tool_args.c — command-line parsing shared by the administration tools.
 *
 * One table names every option any tool knows; a tool's struct tool_spec says which of them it
 * accepts. An argument is an option when it starts with '/' or '-' and has more after it (so
 * session ids, user and program names are never mistaken for options: none of them starts with
 * either character). The prefix may be /, -, or --; the name is compared without regard to case;
 * a value follows ':' or '='.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tool_args.h"

/* Not TOOL_OPT_* values: options every tool takes. */
#define OPT_HELP (1u << 30)
#define OPT_JSON (1u << 31)

static const struct option_def
{
	const char *name;
	unsigned flag;
	bool takes_value;
} option_defs[] = {
	{ "server", TOOL_OPT_SERVER, true },   { "id", TOOL_OPT_ID, true },
	{ "a", TOOL_OPT_ALL, false },          { "v", TOOL_OPT_VERBOSE, false },
	{ "mode", TOOL_OPT_MODE, false },      { "flow", TOOL_OPT_FLOW, false },
	{ "connect", TOOL_OPT_CONNECT, false }, { "counter", TOOL_OPT_COUNTER, false },
	{ "system", TOOL_OPT_SYSTEM, false },  { "json", OPT_JSON, false },
	{ "?", OPT_HELP, false },              { "h", OPT_HELP, false },
	{ "help", OPT_HELP, false },
};

/* The tool's help, then the lines of the options every tool takes. */
static void help_print(const struct tool_spec *spec, FILE *out)
{
	fputs(spec->help, out);
	fputs("  --json              Print the output as JSON: an array of objects.\n"
	      "  /?, -h, --help      Display this help.\n",
	      out);
}

int tool_usage_error(const struct tool_spec *spec, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", spec->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	help_print(spec, stderr);
	return 1;
}

bool tool_parse_u32(const char *s, uint32_t *ret)
{
	uint64_t v = 0;
	if (!s || !*s)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*ret = (uint32_t)v;
	return true;
}

static const struct option_def *option_find(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(option_defs) / sizeof(option_defs[0]); i++)
		if (strlen(option_defs[i].name) == len &&
		    strncasecmp(option_defs[i].name, name, len) == 0)
			return &option_defs[i];
	return NULL;
}

/* Applies one option argument (prefix included) to args; returns 0 to go on, else the exit
 * status (help printed or usage error reported). */
static int option_apply(const struct tool_spec *spec, const char *arg, struct tool_args *args)
{
	const char *name = arg + (strncmp(arg, "--", 2) == 0 ? 2 : 1);
	size_t len = strcspn(name, ":=");
	const char *value = name[len] ? name + len + 1 : NULL;
	const struct option_def *def = option_find(name, len);

	if (!def || (def->flag < OPT_HELP && !(spec->options & def->flag)))
		return tool_usage_error(spec, "invalid option '%s'", arg);
	if (def->flag == OPT_HELP) {
		help_print(spec, stdout);
		return -1;
	}
	if (def->takes_value && (!value || !*value))
		return tool_usage_error(spec, "option '%s' needs a value (/%s:VALUE)", arg,
		                        def->name);
	if (!def->takes_value && value)
		return tool_usage_error(spec, "option '%s' takes no value", arg);
	if (def->flag == TOOL_OPT_ID && !tool_parse_u32(value, &args->id))
		return tool_usage_error(spec, "'%s' is not a session id", value);
	if (def->flag == TOOL_OPT_SERVER)
		args->server = value;
	if (def->flag == OPT_JSON)
		args->json = true;
	else
		args->given |= def->flag;
	return 0;
}

bool tool_args_parse(const struct tool_spec *spec, int argc, char **argv,
                     struct tool_args *ret_args, int *ret_exit)
{
	memset(ret_args, 0, sizeof(*ret_args));
	*ret_exit = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if ((arg[0] == '/' || arg[0] == '-') && arg[1] && strcmp(arg, "--") != 0) {
			int r = option_apply(spec, arg, ret_args);
			if (r != 0) {
				*ret_exit = r < 0 ? 0 : r;
				return false;
			}
		} else if (arg[0] == '/' || arg[0] == '-') {
			*ret_exit = tool_usage_error(spec, "invalid option '%s'", arg);
			return false;
		} else if (ret_args->npositional >= spec->max_positional ||
		           ret_args->npositional >= TOOL_ARGS_MAX_POSITIONAL) {
			*ret_exit = tool_usage_error(spec, "unexpected argument '%s'", arg);
			return false;
		} else {
			ret_args->positional[ret_args->npositional++] = arg;
		}
	}
	return true;
}
