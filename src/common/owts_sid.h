/*
 * owts_sid.h — Linux uid ↔ Windows SID, by Samba's mapping (DESIGN.md): S-1-22-1-<uid> for
 * users, S-1-22-2-<gid> for groups, and root as LocalSystem, S-1-5-18.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef OWTS_SID_H
#define OWTS_SID_H

#include <stddef.h>
#include <stdint.h>

#define OWTS_SID_MAX 16 /* bytes of the binary SIDs produced here (2 sub-authorities) */

/* Writes the binary (self-relative) SID of uid to out; returns its length in bytes. */
size_t owts_sid_from_uid(uint32_t uid, uint8_t out[OWTS_SID_MAX]);
/* Same for a group id. */
size_t owts_sid_from_gid(uint32_t gid, uint8_t out[OWTS_SID_MAX]);
/*
 * Parses a binary SID of len bytes back to a uid. Returns 0 and sets *uid, or -EINVAL if the
 * SID is malformed or not one of ours.
 */
int owts_sid_to_uid(const uint8_t *sid, size_t len, uint32_t *uid);

#endif /* OWTS_SID_H */
