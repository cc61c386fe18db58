/*
 * users.h — Linux accounts as wtsd needs them: one getpwuid_r lookup for the registry (user
 * names) and for spawning (home, shell, groups).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef WTSD_USERS_H
#define WTSD_USERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct wtsd_user {
	uid_t uid;
	gid_t gid;
	char name[128];
	char home[512];  /* "/" when the account has none */
	char shell[256]; /* "/bin/sh" when the account has none */
};

/* Looks uid up. Returns 0, -ENOENT for an unknown uid, or -errno. */
int wtsd_user_lookup(uint32_t uid, struct wtsd_user *out);

/* Copies the home directory of uid into out. Returns 0, -ENOENT or -errno. */
int wtsd_user_home(uint32_t uid, char *out, size_t size);

/* The groups of uid (primary group first, getgrouplist) into groups[0..max). Returns how many
 * were stored, 0 for an unknown uid. */
size_t wtsd_user_groups(uint32_t uid, uint32_t *groups, size_t max);

#endif /* WTSD_USERS_H */
