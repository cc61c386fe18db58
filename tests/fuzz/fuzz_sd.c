/*
 * fuzz_sd.c — libFuzzer target for the security-descriptor decoder (src/common/owts_sd.c).
 *
 * wtsd parses the self-relative SDs any privileged caller sends with WTSSetListenerSecurity,
 * and the ones read back from its store. Each input is parsed; a valid one is then recomposed
 * from every subset of its parts (the output must parse again) and access-checked for a token,
 * exercising every read of ACLs and ACEs.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdint.h>
#include <stdlib.h>

#include "owts_sd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct owts_sd sd;
	if (owts_sd_parse(data, size, &sd) < 0)
		return 0;
	static struct owts_token t;
	const uint32_t groups[] = {100, 27};
	owts_sd_token(&t, 1000, groups, 2, false);
	(void)owts_sd_access(&sd, &t, 0x20);
	(void)owts_sd_access(&sd, &t, 0x120);
	for (uint32_t info = 1; info <= OWTS_SECINFO_ALL; info++) {
		uint8_t *out = NULL;
		size_t len = 0;
		if (owts_sd_compose(&sd, info, &out, &len) < 0)
			continue;
		struct owts_sd again;
		if (owts_sd_parse(out, len, &again) < 0)
			abort(); /* what we compose we must parse */
		free(out);
	}
	return 0;
}
