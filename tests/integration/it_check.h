/*
 * it_check.h — the check macro of the integration programs: a failed condition is reported with
 * its place and a message and counted in `failures` (each program defines it), so one run
 * reports every failure; the program's exit status comes from the count.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef IT_CHECK_H
#define IT_CHECK_H

#include <stdio.h>

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

#endif /* IT_CHECK_H */
