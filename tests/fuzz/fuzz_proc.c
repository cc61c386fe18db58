/*
 * fuzz_proc.c — libFuzzer target for wtsd's parsers of /proc files (stat, status, cgroup) and of
 * cgroup paths: a process names itself (comm), so those bytes are untrusted.
 *
 * The input is split at the first two 0xFF bytes into the three files.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <string.h>

#include "owts_paths.h"
#include "procscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *parts[3] = { "", "", "" };
	size_t lens[3] = { 0, 0, 0 };
	const char *p = (const char *)data, *end = p + size;
	for (int i = 0; i < 3; i++) {
		const char *sep = i < 2 ? memchr(p, 0xFF, (size_t)(end - p)) : NULL;
		parts[i] = p;
		lens[i] = (size_t)((sep ? sep : end) - p);
		if (!sep)
			break;
		p = sep + 1;
	}
	struct wtsd_proc proc;
	for (int level = 0; level < 2; level++)
		(void)wtsd_procscan_parse(level, parts[0], lens[0], parts[1], lens[1], parts[2],
		                          lens[2], &proc);
	char path[256];
	if (owts_cgroup_parse(parts[2], lens[2], path, sizeof(path)) == 0) {
		uint32_t id;
		(void)owts_cgroup_session(path, "openwts", &id);
	}
	return 0;
}
