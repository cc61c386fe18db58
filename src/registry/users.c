/*
 * users.c — account lookup (see users.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
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
