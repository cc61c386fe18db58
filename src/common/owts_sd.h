/*
 * owts_sd.h — self-relative security descriptors ([MS-DTYP] 2.4.6): validation of untrusted
 * bytes, composition from parts, and the access check wtsd makes with WTS_SECURITY_* rights.
 *
 * Listener security (WTSSetListenerSecurity / WTSGetListenerSecurity) travels and is stored as a
 * self-relative SD. Only ACCESS_ALLOWED and ACCESS_DENIED ACEs take part in the access check;
 * other ACE types are kept and ignored, as Windows ignores ACEs it does not apply. A Linux
 * user's token is its SIDs (owts_sd_token): S-1-22-1-<uid> (S-1-5-18 for root), S-1-22-2-<gid>
 * for each of its groups, Everyone, Authenticated Users, BUILTIN\Users, BUILTIN\Remote Desktop
 * Users, and BUILTIN\Administrators for root and the admin group (docs/internals/listeners.md).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OWTS_SD_H
#define OWTS_SD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OWTS_SD_MAX 65536u /* bytes; larger descriptors are refused */

#define OWTS_SECINFO_OWNER 0x1u
#define OWTS_SECINFO_GROUP 0x2u
#define OWTS_SECINFO_DACL  0x4u
#define OWTS_SECINFO_SACL  0x8u
#define OWTS_SECINFO_ALL   0xFu

#define OWTS_SID_BYTES_MAX 68 /* revision, count, authority, 15 sub-authorities */

/* A parsed descriptor: pointers into the caller's bytes (NULL/0 for an absent part). */
struct owts_sd
{
	uint16_t control;
	const uint8_t *owner, *group, *sacl, *dacl;
	size_t owner_len, group_len, sacl_len, dacl_len;
};

/* Parses and validates sd[0..len): header, offsets, SIDs, ACLs and every ACE. 0 or -EINVAL. */
int owts_sd_parse(const uint8_t *sd, size_t len, struct owts_sd *out);
/* Length of the valid SID at p (at most len bytes), 0 if malformed. */
size_t owts_sid_len(const uint8_t *p, size_t len);

/*
 * Builds a self-relative SD from the parts of in that secinfo selects (OWTS_SECINFO_*), into a
 * malloc'd buffer. Returns 0 with *out / *out_len, -ENOMEM.
 */
int owts_sd_compose(const struct owts_sd *in, uint32_t secinfo, uint8_t **out, size_t *out_len);

/* The SIDs of a token: up to OWTS_TOKEN_MAX. */
#define OWTS_TOKEN_MAX 72
struct owts_token
{
	uint8_t sid[OWTS_TOKEN_MAX][OWTS_SID_BYTES_MAX];
	size_t len[OWTS_TOKEN_MAX];
	unsigned n;
};
/* Fills t for uid with groups[0..ngroups) (primary group included by the caller); admin adds
 * BUILTIN\Administrators. */
void owts_sd_token(struct owts_token *t, uint32_t uid, const uint32_t *groups, size_t ngroups,
                   bool admin);

/*
 * DACL check: true if every bit of desired is granted to t by sd (parsed). No DACL grants
 * everything (Windows' NULL DACL); an empty DACL grants nothing. ACEs are applied in order; a
 * deny ACE that matches a still-wanted bit denies.
 */
bool owts_sd_access(const struct owts_sd *sd, const struct owts_token *t, uint32_t desired);

/*
 * The default SD of a new listener in a malloc'd buffer: owner and group LocalSystem; DACL
 * LocalSystem and Administrators WTS_SECURITY_ALL_ACCESS, Users WTS_SECURITY_USER_ACCESS |
 * WTS_SECURITY_GUEST_ACCESS (logon). Returns 0 or -ENOMEM.
 */
int owts_sd_default(uint8_t **out, size_t *out_len);

#endif /* OWTS_SD_H */
