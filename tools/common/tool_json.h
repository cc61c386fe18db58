/*
 * tool_json.h — JSON string literals for the tools' --json output.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OPENWTS_TOOL_JSON_H
#define OPENWTS_TOOL_JSON_H

#include <stdio.h>

/*
 * Writes s to out as a JSON string literal, quotes included: '"' and '\' escaped, control
 * characters as \n, \t, … or \u00XX, invalid UTF-8 bytes as \ufffd, everything else as it is.
 * A NULL s writes null.
 */
void tool_json_string(FILE *out, const char *s);

#endif /* OPENWTS_TOOL_JSON_H */
