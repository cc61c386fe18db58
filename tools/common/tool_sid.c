/*
 * tool_sid.c — binary SIDs ([MS-DTYP] 2.4.2.2: revision 1, sub-authority count, a 48-bit
 * big-endian identifier authority, little-endian 32-bit sub-authorities) to text and to Linux
 * user names. The bytes are read one by one: the SIDs sit unaligned in the library's block.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <windows.h>

#include "tool_sid.h"

#define SID_MAX_SUB 15 /* SID_MAX_SUB_AUTHORITIES */

struct sid_parts
{
	uint64_t authority;
	unsigned count;
	uint32_t sub[SID_MAX_SUB];
};

static bool sid_parse(PSID sid, struct sid_parts *ret)
{
	const uint8_t *p = (const uint8_t *)sid;
	if (!p || p[0] != 1 || p[1] > SID_MAX_SUB)
		return false;
	ret->count = p[1];
	ret->authority = 0;
	for (int i = 2; i < 8; i++)
		ret->authority = ret->authority << 8 | p[i];
	for (unsigned i = 0; i < ret->count; i++) {
		const uint8_t *q = p + 8 + 4 * i;
		ret->sub[i] = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 |
		              (uint32_t)q[3] << 24;
	}
	return true;
}

bool tool_sid_format(PSID sid, char *buf, size_t size)
{
	struct sid_parts parts;
	if (!sid_parse(sid, &parts)) {
		snprintf(buf, size, "%s", "");
		return false;
	}
	size_t used = (size_t)snprintf(buf, size, "S-1-%llu", (unsigned long long)parts.authority);
	for (unsigned i = 0; i < parts.count && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "-%u", (unsigned)parts.sub[i]);
	return true;
}

/* The uid a SID of OpenWTS's mapping stands for. */
static bool sid_uid(PSID sid, uid_t *ret_uid)
{
	struct sid_parts parts;
	if (!sid_parse(sid, &parts))
		return false;
	if (parts.authority == 5 && parts.count == 1 && parts.sub[0] == 18) {
		*ret_uid = 0;
		return true;
	}
	if (parts.authority == 22 && parts.count == 2 && parts.sub[0] == 1) {
		*ret_uid = (uid_t)parts.sub[1];
		return true;
	}
	return false;
}

const char *tool_sid_user(PSID sid, char *buf, size_t size)
{
	uid_t uid;
	if (!sid_uid(sid, &uid)) {
		tool_sid_format(sid, buf, size);
		return buf;
	}
	/* Processes come grouped by user: remember the last answer rather than read the passwd
	 * database once per process. */
	static uid_t last_uid = (uid_t)-1;
	static char last_name[256];
	if (uid != last_uid) {
		const struct passwd *pw = getpwuid(uid);
		if (pw)
			snprintf(last_name, sizeof(last_name), "%s", pw->pw_name);
		else
			snprintf(last_name, sizeof(last_name), "%u", (unsigned)uid);
		last_uid = uid;
	}
	snprintf(buf, size, "%s", last_name);
	return buf;
}

void tool_sid_current(char *buf, size_t size)
{
	uid_t uid = geteuid();
	if (uid == 0)
		snprintf(buf, size, "%s", "S-1-5-18");
	else
		snprintf(buf, size, "S-1-22-1-%u", (unsigned)uid);
}
