/*
 * owts_sd.c — self-relative security descriptors (see owts_sd.h).
 *
 * Layout ([MS-DTYP] 2.4.6): u8 revision (1), u8 sbz1, u16 control, then u32 offsets of owner,
 * group, SACL and DACL (0 = absent), all little-endian. An ACL is u8 revision (2 or 4), u8 sbz1,
 * u16 size, u16 ACE count, u16 sbz2, then its ACEs: u8 type, u8 flags, u16 size and a body; the
 * allow and deny ACEs (types 0 and 1) carry a u32 mask and a SID. Every length is checked
 * against the bytes it lies in before it is used: this decoder reads what callers of
 * WTSSetListenerSecurity send (fuzzed by tests/fuzz/fuzz_sd.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "owts_sd.h"
#include "owts_sid.h"

#define SD_HEADER        20
#define ACL_HEADER       8
#define SE_DACL_PRESENT  0x0004u
#define SE_SACL_PRESENT  0x0010u
#define SE_SELF_RELATIVE 0x8000u
#define ACE_ALLOWED      0
#define ACE_DENIED       1
#define ACE_INHERIT_ONLY 0x08u

#define RIGHTS_ALL  0xF03BFu         /* WTS_SECURITY_ALL_ACCESS */
#define RIGHTS_USER (0x149u | 0x20u) /* WTS_SECURITY_USER_ACCESS | WTS_SECURITY_GUEST_ACCESS */

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

size_t owts_sid_len(const uint8_t *p, size_t len)
{
	if (len < 8 || p[0] != 1 || p[1] > 15)
		return 0;
	size_t n = 8 + 4 * (size_t)p[1];
	return n <= len ? n : 0;
}

/* Validates the ACL at p (len bytes available); returns its size or 0. */
static size_t acl_check(const uint8_t *p, size_t len)
{
	if (len < ACL_HEADER || (p[0] != 2 && p[0] != 4))
		return 0;
	size_t size = le16(p + 2);
	if (size < ACL_HEADER || size > len)
		return 0;
	size_t off = ACL_HEADER;
	for (unsigned i = 0, n = le16(p + 4); i < n; i++) {
		if (size - off < 4)
			return 0;
		const uint8_t *ace = p + off;
		size_t ace_size = le16(ace + 2);
		if (ace_size < 4 || ace_size > size - off)
			return 0;
		if (ace[0] == ACE_ALLOWED || ace[0] == ACE_DENIED) {
			if (ace_size < 8 || !owts_sid_len(ace + 8, ace_size - 8))
				return 0;
		}
		off += ace_size;
	}
	return size;
}

/* Locates the part at offset off: a SID (acl false) or an ACL. */
static int part(const uint8_t *sd, size_t len, uint32_t off, bool acl, const uint8_t **p,
                size_t *plen)
{
	*p = NULL;
	*plen = 0;
	if (!off)
		return 0;
	if (off < SD_HEADER || off >= len)
		return -EINVAL;
	size_t n = acl ? acl_check(sd + off, len - off) : owts_sid_len(sd + off, len - off);
	if (!n)
		return -EINVAL;
	*p = sd + off;
	*plen = n;
	return 0;
}

int owts_sd_parse(const uint8_t *sd, size_t len, struct owts_sd *out)
{
	struct owts_sd s;
	memset(&s, 0, sizeof(s));
	if (!sd || len < SD_HEADER || len > OWTS_SD_MAX || sd[0] != 1)
		return -EINVAL;
	s.control = le16(sd + 2);
	if (!(s.control & SE_SELF_RELATIVE))
		return -EINVAL;
	if (part(sd, len, le32(sd + 4), false, &s.owner, &s.owner_len) < 0 ||
	    part(sd, len, le32(sd + 8), false, &s.group, &s.group_len) < 0 ||
	    part(sd, len, le32(sd + 12), true, &s.sacl, &s.sacl_len) < 0 ||
	    part(sd, len, le32(sd + 16), true, &s.dacl, &s.dacl_len) < 0)
		return -EINVAL;
	if (!(s.control & SE_SACL_PRESENT)) {
		s.sacl = NULL;
		s.sacl_len = 0;
	}
	if (!(s.control & SE_DACL_PRESENT)) {
		s.dacl = NULL;
		s.dacl_len = 0;
	}
	*out = s;
	return 0;
}

int owts_sd_compose(const struct owts_sd *in, uint32_t secinfo, uint8_t **out, size_t *out_len)
{
	const uint8_t *parts[4] = {
	    secinfo & OWTS_SECINFO_OWNER ? in->owner : NULL,
	    secinfo & OWTS_SECINFO_GROUP ? in->group : NULL,
	    secinfo & OWTS_SECINFO_SACL ? in->sacl : NULL,
	    secinfo & OWTS_SECINFO_DACL ? in->dacl : NULL,
	};
	const size_t lens[4] = {in->owner_len, in->group_len, in->sacl_len, in->dacl_len};
	size_t total = SD_HEADER;
	for (int i = 0; i < 4; i++)
		total += parts[i] ? lens[i] : 0;
	uint8_t *sd = calloc(1, total);
	if (!sd)
		return -ENOMEM;
	uint16_t control = SE_SELF_RELATIVE;
	/* Present-flags follow what was asked for: a DACL asked for but absent stays "present,
	 * NULL" only if the source said so. */
	if ((secinfo & OWTS_SECINFO_DACL) && (in->control & SE_DACL_PRESENT))
		control |= SE_DACL_PRESENT;
	if ((secinfo & OWTS_SECINFO_SACL) && (in->control & SE_SACL_PRESENT))
		control |= SE_SACL_PRESENT;
	sd[0] = 1;
	put16(sd + 2, control);
	size_t off = SD_HEADER;
	for (int i = 0; i < 4; i++) {
		if (!parts[i])
			continue;
		memcpy(sd + off, parts[i], lens[i]);
		put32(sd + 4 + 4 * i, (uint32_t)off);
		off += lens[i];
	}
	*out = sd;
	*out_len = total;
	return 0;
}

static size_t sid_make(uint8_t *out, uint8_t authority, const uint32_t *sub, uint8_t count)
{
	memset(out, 0, 8);
	out[0] = 1;
	out[1] = count;
	out[7] = authority;
	for (uint8_t i = 0; i < count; i++)
		put32(out + 8 + 4 * i, sub[i]);
	return 8 + 4 * (size_t)count;
}

static void token_add(struct owts_token *t, uint8_t authority, const uint32_t *sub, uint8_t n)
{
	if (t->n < OWTS_TOKEN_MAX) {
		t->len[t->n] = sid_make(t->sid[t->n], authority, sub, n);
		t->n++;
	}
}

void owts_sd_token(struct owts_token *t, uint32_t uid, const uint32_t *groups, size_t ngroups,
                   bool admin)
{
	t->n = 0;
	if (uid == 0) {
		token_add(t, 5, (const uint32_t[]){18}, 1);
	} else {
		token_add(t, 22, (const uint32_t[]){1, uid}, 2);
	}
	for (size_t i = 0; i < ngroups; i++)
		token_add(t, 22, (const uint32_t[]){2, groups[i]}, 2);
	token_add(t, 1, (const uint32_t[]){0}, 1);       /* Everyone */
	token_add(t, 5, (const uint32_t[]){11}, 1);      /* Authenticated Users */
	token_add(t, 5, (const uint32_t[]){32, 545}, 2); /* BUILTIN\Users */
	token_add(t, 5, (const uint32_t[]){32, 555}, 2); /* BUILTIN\Remote Desktop Users */
	if (admin || uid == 0)
		token_add(t, 5, (const uint32_t[]){32, 544}, 2); /* BUILTIN\Administrators */
}

static bool token_has(const struct owts_token *t, const uint8_t *sid, size_t len)
{
	for (unsigned i = 0; i < t->n; i++)
		if (t->len[i] == len && memcmp(t->sid[i], sid, len) == 0)
			return true;
	return false;
}

bool owts_sd_access(const struct owts_sd *sd, const struct owts_token *t, uint32_t desired)
{
	if (!(sd->control & SE_DACL_PRESENT) || !sd->dacl)
		return true;
	uint32_t granted = 0;
	const uint8_t *acl = sd->dacl;
	size_t off = ACL_HEADER;
	for (unsigned i = 0, n = le16(acl + 4); i < n && (granted & desired) != desired; i++) {
		const uint8_t *ace = acl + off;
		size_t ace_size = le16(ace + 2);
		off += ace_size;
		if ((ace[0] != ACE_ALLOWED && ace[0] != ACE_DENIED) || (ace[1] & ACE_INHERIT_ONLY))
			continue;
		size_t sid_len = owts_sid_len(ace + 8, ace_size - 8);
		if (!token_has(t, ace + 8, sid_len))
			continue;
		uint32_t mask = le32(ace + 4);
		if (ace[0] == ACE_DENIED && (mask & desired & ~granted))
			return false;
		if (ace[0] == ACE_ALLOWED)
			granted |= mask;
	}
	return (granted & desired) == desired;
}

/* Appends an allow ACE for sid with mask at p; returns its size. */
static size_t ace_allow(uint8_t *p, const uint8_t *sid, size_t sid_len, uint32_t mask)
{
	size_t size = 8 + sid_len;
	p[0] = ACE_ALLOWED;
	p[1] = 0;
	put16(p + 2, (uint16_t)size);
	put32(p + 4, mask);
	memcpy(p + 8, sid, sid_len);
	return size;
}

int owts_sd_default(uint8_t **out, size_t *out_len)
{
	uint8_t system[16], admins[16], users[16];
	size_t ls = sid_make(system, 5, (const uint32_t[]){18}, 1);
	size_t la = sid_make(admins, 5, (const uint32_t[]){32, 544}, 2);
	size_t lu = sid_make(users, 5, (const uint32_t[]){32, 545}, 2);
	uint8_t acl[ACL_HEADER + 3 * (8 + 16)];
	size_t n = ACL_HEADER;
	n += ace_allow(acl + n, system, ls, RIGHTS_ALL);
	n += ace_allow(acl + n, admins, la, RIGHTS_ALL);
	n += ace_allow(acl + n, users, lu, RIGHTS_USER);
	acl[0] = 2;
	acl[1] = 0;
	put16(acl + 2, (uint16_t)n);
	put16(acl + 4, 3);
	put16(acl + 6, 0);
	struct owts_sd sd = {
	    .control = SE_SELF_RELATIVE | SE_DACL_PRESENT,
	    .owner = system,
	    .owner_len = ls,
	    .group = system,
	    .group_len = ls,
	    .dacl = acl,
	    .dacl_len = n,
	};
	return owts_sd_compose(&sd, OWTS_SECINFO_ALL, out, out_len);
}
