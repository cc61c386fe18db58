/*
 * owts_paths.c — socket path and per-instance cgroup names (see owts_paths.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owts_paths.h"

const char *owts_socket_path(void)
{
	const char *p = secure_getenv(OWTS_SOCKET_ENV);
	return (p && *p) ? p : OWTS_DEFAULT_SOCKET;
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 16777619u;
	}
	return h;
}

int owts_cgroup_base(const char *socket_path, char *out, size_t size)
{
	int n;
	if (strcmp(socket_path, OWTS_DEFAULT_SOCKET) == 0)
		n = snprintf(out, size, "openwts");
	else
		n = snprintf(out, size, "openwts-%08x", fnv1a(socket_path));
	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

int owts_cgroup_session(const char *cgroup_path, const char *base, uint32_t *session_id)
{
	const char *p = cgroup_path;
	size_t blen = strlen(base);
	/* The base may sit below a parent cgroup (a container); match it as a whole component. */
	for (;;) {
		p = strchr(p, '/');
		if (!p)
			return -ENOENT;
		p++;
		if (strncmp(p, base, blen) == 0 && p[blen] == '/')
			break;
	}
	p += blen + 1;
	if (strncmp(p, "session-", 8) != 0)
		return -ENOENT;
	p += 8;
	uint64_t id = 0;
	const char *digits = p;
	while (*p >= '0' && *p <= '9' && id <= UINT32_MAX)
		id = id * 10 + (uint64_t)(*p++ - '0');
	if (p == digits || (*p != '\0' && *p != '/') || id >= UINT32_MAX - 1)
		return -ENOENT;
	*session_id = (uint32_t)id;
	return 0;
}

bool owts_cgroup_find(const char *text, size_t len, const char **path, size_t *plen)
{
	const char *s = text, *end = text + len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end;
		if (eol - s >= 3 && memcmp(s, "0::", 3) == 0) {
			*path = s + 3;
			*plen = (size_t)(eol - s - 3);
			return true;
		}
		s = eol + 1;
	}
	return false;
}

int owts_cgroup_parse(const char *text, size_t len, char *path, size_t size)
{
	const char *found;
	size_t n;
	if (!text || !path || size == 0)
		return -EINVAL;
	if (!owts_cgroup_find(text, len, &found, &n))
		return -ENOENT;
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(path, found, n);
	path[n] = '\0';
	return 0;
}
