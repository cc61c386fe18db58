/*
 * config.c — wtsd's configuration file: "key = value" lines, '#' comments. Keys this version
 * knows: admin_group, listen (ADDR:PORT of the RDP listener), cert_file, key_file, sam_file,
 * user_map (rdpuser:linuxuser, repeatable), initial_program (a command line for /bin/sh -c, run
 * in every new RDP session), logoff_on_exit (yes|no), logoff_grace_ms (0 … 600000), auth
 * (sam|pam|both), pam_service, pam_confdir, max_connections, idle_timeout and
 * disconnect_timeout (seconds, 0 = none: RDP-Tcp's limits, which wtsd records in RDP-Tcp's
 * listener configuration at start — rdp_listeners.c says when they replace the stored ones).
 * Unknown keys are logged and ignored so that a newer file does not stop an
 * older daemon. Command-line options override the file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

int wtsd_config_set_path(char *field, size_t size, const char *value)
{
	if (strlen(value) >= size)
		return -ENAMETOOLONG;
	snprintf(field, size, "%s", value);
	return 0;
}

int wtsd_config_set_listen(struct wtsd_config *cfg, const char *value)
{
	const char *colon = strrchr(value, ':');
	if (!colon || colon == value || !colon[1])
		return -EINVAL;
	const char *host = value;
	size_t len = (size_t)(colon - value);
	if (host[0] == '[') {
		if (len < 3 || host[len - 1] != ']')
			return -EINVAL;
		host++;
		len -= 2;
	}
	char *end = NULL;
	errno = 0;
	unsigned long port = strtoul(colon + 1, &end, 10);
	if (errno || *end || port == 0 || port > 65535 || len >= sizeof(cfg->listen_addr))
		return -EINVAL;
	memcpy(cfg->listen_addr, host, len);
	cfg->listen_addr[len] = '\0';
	cfg->listen_port = (uint16_t)port;
	return 0;
}

int wtsd_config_add_user_map(struct wtsd_config *cfg, const char *value)
{
	const char *colon = strchr(value, ':');
	if (!colon || colon == value || !colon[1] || strchr(colon + 1, ':'))
		return -EINVAL;
	if (cfg->n_user_map >= WTSD_USER_MAP_MAX)
		return -ENOSPC;
	struct wtsd_user_map *m = &cfg->user_map[cfg->n_user_map];
	size_t len = (size_t)(colon - value);
	if (len >= sizeof(m->rdp_user) || strlen(colon + 1) >= sizeof(m->linux_user))
		return -EINVAL;
	memcpy(m->rdp_user, value, len);
	m->rdp_user[len] = '\0';
	snprintf(m->linux_user, sizeof(m->linux_user), "%s", colon + 1);
	cfg->n_user_map++;
	return 0;
}

/* "yes" / "no" (also true/false, on/off, 1/0). 0 or -EINVAL. */
static int parse_bool(const char *value, bool *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1"}, *const no[] = {"no", "false",
	                                                                             "off", "0"};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(value, yes[i]) == 0)
			return *out = true, 0;
		if (strcasecmp(value, no[i]) == 0)
			return *out = false, 0;
	}
	return -EINVAL;
}

int wtsd_config_set_grace(struct wtsd_config *cfg, const char *value)
{
	char *end = NULL;
	errno = 0;
	unsigned long ms = strtoul(value, &end, 10);
	if (errno || end == value || *end || ms > 600000)
		return -EINVAL;
	cfg->logoff_grace_ms = (unsigned)ms;
	return 0;
}

int wtsd_config_set_auth(struct wtsd_config *cfg, const char *value)
{
	if (strcasecmp(value, "sam") == 0)
		cfg->auth = WTSD_AUTH_SAM;
	else if (strcasecmp(value, "pam") == 0)
		cfg->auth = WTSD_AUTH_PAM;
	else if (strcasecmp(value, "both") == 0)
		cfg->auth = WTSD_AUTH_BOTH;
	else
		return -EINVAL;
	return 0;
}

enum wtsd_auth wtsd_config_auth(const struct wtsd_config *cfg)
{
	if (cfg->auth != WTSD_AUTH_DEFAULT)
		return cfg->auth;
	return cfg->sam_file[0] ? WTSD_AUTH_SAM : WTSD_AUTH_PAM;
}

int wtsd_config_set_uint(unsigned *out, const char *value)
{
	char *end = NULL;
	errno = 0;
	unsigned long v = strtoul(value, &end, 10);
	if (errno || end == value || *end || value[0] == '-' || v > 10000000)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

/* Applies one key; returns 0, 1 for an unknown key, or -errno. */
static int apply(struct wtsd_config *cfg, const char *key, const char *value)
{
	if (strcmp(key, "admin_group") == 0)
		return wtsd_config_set_path(cfg->admin_group, sizeof(cfg->admin_group), value);
	if (strcmp(key, "listen") == 0)
		return wtsd_config_set_listen(cfg, value);
	if (strcmp(key, "cert_file") == 0)
		return wtsd_config_set_path(cfg->cert_file, sizeof(cfg->cert_file), value);
	if (strcmp(key, "key_file") == 0)
		return wtsd_config_set_path(cfg->key_file, sizeof(cfg->key_file), value);
	if (strcmp(key, "sam_file") == 0)
		return wtsd_config_set_path(cfg->sam_file, sizeof(cfg->sam_file), value);
	if (strcmp(key, "user_map") == 0)
		return wtsd_config_add_user_map(cfg, value);
	if (strcmp(key, "initial_program") == 0)
		return wtsd_config_set_path(cfg->initial_program, sizeof(cfg->initial_program), value);
	if (strcmp(key, "logoff_on_exit") == 0)
		return parse_bool(value, &cfg->logoff_on_exit);
	if (strcmp(key, "logoff_grace_ms") == 0)
		return wtsd_config_set_grace(cfg, value);
	if (strcmp(key, "auth") == 0)
		return wtsd_config_set_auth(cfg, value);
	if (strcmp(key, "pam_service") == 0)
		return wtsd_config_set_path(cfg->pam_service, sizeof(cfg->pam_service), value);
	if (strcmp(key, "pam_confdir") == 0)
		return wtsd_config_set_path(cfg->pam_confdir, sizeof(cfg->pam_confdir), value);
	if (strcmp(key, "max_connections") == 0)
		return wtsd_config_set_uint(&cfg->max_connections, value);
	if (strcmp(key, "idle_timeout") == 0)
		return wtsd_config_set_uint(&cfg->idle_timeout_s, value);
	if (strcmp(key, "disconnect_timeout") == 0)
		return wtsd_config_set_uint(&cfg->disconnect_timeout_s, value);
	return 1;
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
		int k = apply(cfg, key, value);
		if (k < 0) {
			WLog_ERR(TAG, "%s:%u: bad value for \"%s\"", cfg->config_path, lineno, key);
			r = k;
			break;
		}
		if (k > 0)
			WLog_WARN(TAG, "%s:%u: unknown key \"%s\" ignored", cfg->config_path, lineno,
			          key);
	}
	fclose(f);
	return r;
}
