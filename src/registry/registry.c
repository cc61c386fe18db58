/*
 * registry.c — sessions and process membership (see registry.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>
#include <systemd/sd-login.h>
#include <winpr/wlog.h>
#include <winpr/wtsapi.h>

#include "listeners.h"
#include "owts_paths.h"
#include "owts_time.h"
#include "procscan.h"
#include "registry.h"
#include "store.h"
#include "users.h"

#define TAG "openwts.wtsd.registry"

/* Inserts s keeping the array sorted by id. */
static int insert(struct wtsd_registry *reg, struct wtsd_session *s)
{
	if (reg->n == reg->cap) {
		size_t cap = reg->cap ? reg->cap * 2 : 16;
		struct wtsd_session **p = realloc(reg->sessions, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		reg->sessions = p;
		reg->cap = cap;
	}
	size_t i = reg->n;
	while (i > 0 && reg->sessions[i - 1]->rec.id > s->rec.id) {
		reg->sessions[i] = reg->sessions[i - 1];
		i--;
	}
	reg->sessions[i] = s;
	reg->n++;
	wtsd_registry_changed(reg);
	return 0;
}

static void remove_at(struct wtsd_registry *reg, size_t i)
{
	struct wtsd_session *s = reg->sessions[i];
	memmove(&reg->sessions[i], &reg->sessions[i + 1], (reg->n - i - 1) * sizeof(s));
	reg->n--;
	wtsd_registry_changed(reg);
	free(s->leaders);
	free(s);
}

static long index_of(struct wtsd_registry *reg, uint32_t id)
{
	size_t lo = 0, hi = reg->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t v = reg->sessions[mid]->rec.id;
		if (v == id)
			return (long)mid;
		if (v < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

struct wtsd_session *wtsd_registry_find(struct wtsd_registry *reg, uint32_t id)
{
	long i = index_of(reg, id);
	return i < 0 ? NULL : reg->sessions[i];
}

static struct wtsd_session *session_new(uint32_t id)
{
	struct wtsd_session *s = calloc(1, sizeof(*s));
	if (s) {
		s->rec.id = id;
		s->rec.uid = OWTS_NO_UID;
		s->rec.flags = WTS_SESSIONSTATE_UNKNOWN; /* no lock state is tracked yet */
	}
	return s;
}

/* The NetBIOS form of the host name: first label, upper case, at most 15 characters. */
static void netbios_name(char *out, size_t size)
{
	char host[256] = "LOCALHOST";
	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "LOCALHOST");
	host[sizeof(host) - 1] = '\0';
	size_t n = strcspn(host, ".");
	if (n > 15)
		n = 15;
	if (n >= size)
		n = size - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)toupper((unsigned char)host[i]);
	out[n] = '\0';
}

static int user_name(uint32_t uid, char *out, size_t size)
{
	struct wtsd_user u;
	int r = wtsd_user_lookup(uid, &u);
	if (r == 0)
		snprintf(out, size, "%s", u.name);
	return r;
}

static int load_one(void *ctx, const struct owts_session *rec)
{
	struct wtsd_registry *reg = ctx;
	if (rec->id < WTSD_FIRST_ID)
		return 0;
	struct wtsd_session *s = session_new(rec->id);
	if (!s)
		return -ENOMEM;
	s->rec = *rec;
	s->rec.flags = WTS_SESSIONSTATE_UNKNOWN;
	/* A restarted wtsd has no client connections: every stored session is disconnected. */
	s->rec.state = WTSDisconnected;
	if (reg->cg.enabled)
		(void)wtsd_cgroup_create(&reg->cg, s->rec.id);
	int r = insert(reg, s);
	if (r < 0)
		free(s);
	return r;
}

int wtsd_registry_open(struct wtsd_registry *reg, const char *state_dir, const char *socket_path)
{
	memset(reg, 0, sizeof(*reg));
	netbios_name(reg->domain, sizeof(reg->domain));
	int r = wtsd_cgroup_init(&reg->cg, socket_path);
	if (r < 0)
		WLog_WARN(TAG, "no cgroup v2 for sessions (%s): tracking process trees instead",
		          strerror(-r));
	else
		WLog_INFO(TAG, "sessions live under cgroup %s/%s", reg->cg.mount, reg->cg.base);
	r = wtsd_store_open(&reg->store, state_dir);
	if (r < 0)
		return r;
	struct wtsd_session *services = session_new(OWTS_SESSION_SERVICES);
	if (!services)
		return -ENOMEM;
	services->rec.state = WTSDisconnected;
	snprintf(services->rec.station, sizeof(services->rec.station), "Services");
	r = insert(reg, services);
	if (r < 0) {
		free(services);
		return r;
	}
	r = wtsd_store_session_each(reg->store, load_one, reg);
	if (r == 0)
		r = wtsd_listeners_load(reg);
	if (r < 0)
		return r;
	reg->logind = sd_booted() > 0 && access("/run/systemd/seats/", F_OK) == 0;
	wtsd_registry_refresh_console(reg);
	WLog_INFO(TAG, "registry open: %zu sessions, console %s", reg->n,
	          reg->logind ? "from logind" : "none (no logind)");
	return 0;
}

void wtsd_registry_close(struct wtsd_registry *reg)
{
	while (reg->n)
		remove_at(reg, reg->n - 1);
	free(reg->sessions);
	reg->sessions = NULL;
	free(reg->list);
	reg->list = NULL;
	wtsd_listeners_free(reg);
	wtsd_store_close(reg->store);
	reg->store = NULL;
	wtsd_cgroup_fini(&reg->cg);
}

void wtsd_registry_refresh_console(struct wtsd_registry *reg)
{
	char *logind_session = NULL;
	uid_t uid = 0;
	bool active = reg->logind && sd_seat_get_active("seat0", &logind_session, &uid) >= 0;
	free(logind_session);
	long i = index_of(reg, WTSD_CONSOLE_ID);
	if (!active) {
		if (i >= 0)
			remove_at(reg, (size_t)i);
		return;
	}
	struct wtsd_session *s = i >= 0 ? reg->sessions[i] : session_new(WTSD_CONSOLE_ID);
	if (!s)
		return;
	if (s->rec.uid != uid) {
		wtsd_registry_changed(reg);
		s->rec.uid = uid;
		s->rec.logon_time = s->rec.connect_time = owts_filetime_now();
		(void)user_name(uid, s->rec.user, sizeof(s->rec.user));
	}
	s->rec.state = WTSActive;
	s->rec.protocol = WTS_PROTOCOL_TYPE_CONSOLE;
	snprintf(s->rec.station, sizeof(s->rec.station), "Console");
	snprintf(s->rec.domain, sizeof(s->rec.domain), "%s", reg->domain);
	if (i < 0 && insert(reg, s) < 0)
		free(s);
}

uint32_t wtsd_registry_console(struct wtsd_registry *reg)
{
	wtsd_registry_refresh_console(reg);
	return wtsd_registry_find(reg, WTSD_CONSOLE_ID) ? WTSD_CONSOLE_ID : 0xFFFFFFFFu;
}

int wtsd_registry_create(struct wtsd_registry *reg, uint32_t uid, struct wtsd_session **out)
{
	char name[OWTS_NAME_MAX];
	int r = user_name(uid, name, sizeof(name));
	if (r < 0)
		return r;
	uint32_t id;
	r = wtsd_store_next_session_id(reg->store, WTSD_FIRST_ID, &id);
	if (r < 0)
		return r;
	struct wtsd_session *s = session_new(id);
	if (!s)
		return -ENOMEM;
	s->rec.uid = uid;
	s->rec.state = WTSDisconnected; /* a user is logged on, no client is attached */
	s->rec.protocol = WTS_PROTOCOL_TYPE_CONSOLE;
	snprintf(s->rec.user, sizeof(s->rec.user), "%s", name);
	snprintf(s->rec.domain, sizeof(s->rec.domain), "%s", reg->domain);
	s->rec.logon_time = owts_filetime_now();
	if (reg->cg.enabled && (r = wtsd_cgroup_create(&reg->cg, id)) < 0) {
		free(s);
		return r;
	}
	r = wtsd_store_session_put(reg->store, &s->rec);
	if (r == 0)
		r = insert(reg, s);
	if (r < 0) {
		(void)wtsd_store_session_delete(reg->store, id);
		(void)wtsd_cgroup_remove(&reg->cg, id);
		free(s);
		return r;
	}
	*out = s;
	return 0;
}

int wtsd_registry_add_leader(struct wtsd_session *s, pid_t pid)
{
	pid_t *p = realloc(s->leaders, (s->nleaders + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	s->leaders = p;
	s->leaders[s->nleaders++] = pid;
	return 0;
}

void wtsd_registry_reaped(struct wtsd_registry *reg, pid_t pid)
{
	for (size_t i = 0; i < reg->n; i++) {
		struct wtsd_session *s = reg->sessions[i];
		for (size_t k = 0; k < s->nleaders; k++) {
			if (s->leaders[k] == pid) {
				s->leaders[k] = s->leaders[--s->nleaders];
				return;
			}
		}
	}
}

/* Fallback tracking: a session whose spawned leader is pid or leads pid's POSIX session. */
static uint32_t leader_session(struct wtsd_registry *reg, pid_t pid, pid_t posix_sid)
{
	for (size_t i = 0; i < reg->n; i++) {
		const struct wtsd_session *s = reg->sessions[i];
		for (size_t k = 0; k < s->nleaders; k++)
			if (s->leaders[k] == pid || s->leaders[k] == posix_sid)
				return s->rec.id;
	}
	return WTSD_NO_SESSION;
}

/* The console holds the processes of logind's active seat0 session. */
static bool in_console(struct wtsd_registry *reg, pid_t pid)
{
	if (!reg->logind || !wtsd_registry_find(reg, WTSD_CONSOLE_ID))
		return false;
	char *mine = NULL, *active = NULL;
	bool yes = sd_pid_get_session(pid, &mine) >= 0 &&
	           sd_seat_get_active("seat0", &active, NULL) >= 0 && strcmp(mine, active) == 0;
	free(mine);
	free(active);
	return yes;
}

uint32_t wtsd_registry_session_of(struct wtsd_registry *reg, pid_t pid, const char *cgroup,
                                  pid_t posix_sid)
{
	uint32_t id;
	if (reg->cg.enabled) {
		if (owts_cgroup_session(cgroup, reg->cg.base, &id) == 0 &&
		    wtsd_registry_find(reg, id))
			return id;
	} else {
		id = leader_session(reg, pid, posix_sid);
		if (id != WTSD_NO_SESSION)
			return id;
	}
	if (strstr(cgroup, "/session-") && in_console(reg, pid))
		return WTSD_CONSOLE_ID;
	return OWTS_SESSION_SERVICES;
}

int wtsd_registry_process_session(struct wtsd_registry *reg, pid_t pid, uint32_t *id)
{
	struct wtsd_proc p;
	int r = wtsd_procscan_one("/proc", (uint32_t)pid, 0, &p);
	if (r < 0)
		return r;
	uint32_t sid = wtsd_registry_session_of(reg, pid, p.cgroup, p.posix_sid);
	/* Fallback tracking also follows the parent chain to a spawned leader. */
	for (int depth = 0; !reg->cg.enabled && sid == 0 && depth < 64 && p.ppid > 1; depth++) {
		pid_t parent = (pid_t)p.ppid;
		if (wtsd_procscan_one("/proc", p.ppid, 0, &p) < 0)
			break;
		sid = wtsd_registry_session_of(reg, parent, p.cgroup, p.posix_sid);
	}
	*id = sid;
	return 0;
}

void wtsd_registry_changed(struct wtsd_registry *reg)
{
	reg->list_valid = false;
}

int wtsd_registry_delete(struct wtsd_registry *reg, uint32_t id)
{
	long i = index_of(reg, id);
	if (i < 0 || id < WTSD_FIRST_ID)
		return -ENOENT;
	int r = wtsd_store_session_delete(reg->store, id);
	if (r < 0)
		return r;
	(void)wtsd_cgroup_remove(&reg->cg, id);
	remove_at(reg, (size_t)i);
	return 0;
}

int wtsd_registry_list(struct wtsd_registry *reg, const uint8_t **body, size_t *len)
{
	if (!reg->list_valid) {
		struct owts_writer w;
		if (owts_writer_begin(&w, 0, 0, 0) < 0)
			return -ENOMEM;
		owts_writer_reserve(&w, 4 + (reg->n + reg->nlisteners) * 48);
		owts_write_u32(&w, (uint32_t)(reg->n + reg->nlisteners));
		for (size_t i = 0; i < reg->n; i++)
			owts_session_brief_write(&w, &reg->sessions[i]->rec);
		for (size_t i = 0; i < reg->nlisteners; i++) {
			struct owts_session ls;
			wtsd_listener_session(reg->listeners[i], &ls);
			owts_session_brief_write(&w, &ls);
		}
		const uint8_t *buf;
		size_t n;
		int r = owts_writer_finish(&w, &buf, &n);
		uint8_t *copy = r == 0 ? malloc(n - OWTS_FRAME_HEADER + 1) : NULL;
		if (r == 0 && !copy)
			r = -ENOMEM;
		if (r == 0) {
			memcpy(copy, buf + OWTS_FRAME_HEADER, n - OWTS_FRAME_HEADER);
			free(reg->list);
			reg->list = copy;
			reg->list_len = n - OWTS_FRAME_HEADER;
			reg->list_valid = true;
		}
		owts_writer_free(&w);
		if (r < 0)
			return r;
	}
	*body = reg->list;
	*len = reg->list_len;
	return 0;
}
