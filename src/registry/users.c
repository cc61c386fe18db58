/*
 * users.c — account lookup (see users.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>

#include "users.h"

int wtsd_user_lookup(uint32_t uid, struct wtsd_user *out)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	int e = getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &res);
	if (e)
		return -e;
	if (!res)
		return -ENOENT;
	out->uid = pw.pw_uid;
	out->gid = pw.pw_gid;
	snprintf(out->name, sizeof(out->name), "%s", pw.pw_name);
	snprintf(out->home, sizeof(out->home), "%s", pw.pw_dir && *pw.pw_dir ? pw.pw_dir : "/");
	snprintf(out->shell, sizeof(out->shell), "%s",
	         pw.pw_shell && *pw.pw_shell ? pw.pw_shell : "/bin/sh");
	return 0;
}

int wtsd_user_home(uint32_t uid, char *out, size_t size)
{
	struct wtsd_user u;
	int r = wtsd_user_lookup(uid, &u);
	if (r == 0)
		snprintf(out, size, "%s", u.home);
	return r;
}

size_t wtsd_user_groups(uint32_t uid, uint32_t *groups, size_t max)
{
	struct wtsd_user u;
	if (!max || wtsd_user_lookup(uid, &u) < 0)
		return 0;
	gid_t list[256];
	int n = 256;
	if (getgrouplist(u.name, u.gid, list, &n) < 0)
		n = 256; /* more than fit: the first 256 */
	size_t k = 0;
	groups[k++] = (uint32_t)u.gid;
	for (int i = 0; i < n && k < max; i++)
		if (list[i] != u.gid)
			groups[k++] = (uint32_t)list[i];
	return k;
}
