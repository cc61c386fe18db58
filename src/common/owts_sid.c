/*
 * owts_sid.c — binary SIDs: revision 1, sub-authority count, 48-bit big-endian identifier
 * authority, then little-endian 32-bit sub-authorities ([MS-DTYP] 2.4.2.2).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <string.h>

#include "owts_sid.h"

static size_t sid_build(uint8_t authority, const uint32_t *sub, uint8_t count, uint8_t *out)
{
	out[0] = 1;
	out[1] = count;
	memset(out + 2, 0, 5);
	out[7] = authority;
	for (uint8_t i = 0; i < count; i++) {
		uint8_t *p = out + 8 + 4 * i;
		p[0] = (uint8_t)sub[i];
		p[1] = (uint8_t)(sub[i] >> 8);
		p[2] = (uint8_t)(sub[i] >> 16);
		p[3] = (uint8_t)(sub[i] >> 24);
	}
	return 8 + 4 * (size_t)count;
}

size_t owts_sid_from_uid(uint32_t uid, uint8_t out[OWTS_SID_MAX])
{
	if (uid == 0) {
		const uint32_t system[] = { 18 };
		return sid_build(5, system, 1, out);
	}
	const uint32_t sub[] = { 1, uid };
	return sid_build(22, sub, 2, out);
}

size_t owts_sid_from_gid(uint32_t gid, uint8_t out[OWTS_SID_MAX])
{
	const uint32_t sub[] = { 2, gid };
	return sid_build(22, sub, 2, out);
}

static uint32_t sub_at(const uint8_t *sid, unsigned i)
{
	const uint8_t *p = sid + 8 + 4 * i;
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int owts_sid_to_uid(const uint8_t *sid, size_t len, uint32_t *uid)
{
	if (!sid || len < 8 || sid[0] != 1 || len != 8 + 4 * (size_t)sid[1])
		return -EINVAL;
	static const uint8_t zero[5];
	if (memcmp(sid + 2, zero, 5) != 0)
		return -EINVAL;
	if (sid[7] == 5 && sid[1] == 1 && sub_at(sid, 0) == 18) {
		*uid = 0;
		return 0;
	}
	if (sid[7] == 22 && sid[1] == 2 && sub_at(sid, 0) == 1) {
		*uid = sub_at(sid, 1);
		return 0;
	}
	return -EINVAL;
}
