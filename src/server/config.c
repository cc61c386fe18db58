/*
 * config.c — wtsd's configuration file: "key = value" lines, '#' comments. Keys this version
 * knows: admin_group. Unknown keys are logged and ignored so that a newer file does not stop an
 * older daemon. Command-line options override the file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <winpr/wlog.h>

#include "wtsd.h"

#define TAG "openwts.wtsd.config"

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int wtsd_config_load(struct wtsd_config *cfg)
{
	if (!cfg->config_path)
		return 0;
	FILE *f = fopen(cfg->config_path, "re");
	if (!f)
		return -errno;
	char line[1024];
	unsigned lineno = 0;
	int r = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			WLog_ERR(TAG, "%s:%u: expected key = value", cfg->config_path, lineno);
			r = -EINVAL;
			break;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		if (strcmp(key, "admin_group") == 0) {
			if (strlen(value) >= sizeof(cfg->admin_group)) {
				r = -ENAMETOOLONG;
				break;
			}
			snprintf(cfg->admin_group, sizeof(cfg->admin_group), "%s", value);
		} else {
			WLog_WARN(TAG, "%s:%u: unknown key \"%s\" ignored", cfg->config_path, lineno,
			          key);
		}
	}
	fclose(f);
	return r;
}
