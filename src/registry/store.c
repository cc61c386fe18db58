/*
 * store.c — SQLite state of wtsd (see store.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <winpr/wlog.h>

#include "store.h"

#define TAG "openwts.wtsd.store"

struct wtsd_store {
	sqlite3 *db;
	sqlite3_stmt *put;
	sqlite3_stmt *del;
	int version;
};

/* Migrations: migrations[i] brings the schema from version i to i + 1. Append only. */
static const char *const migrations[] = {
	/* 0 → 1: sessions and sequences */
	"CREATE TABLE sessions ("
	" id INTEGER PRIMARY KEY, uid INTEGER NOT NULL, user TEXT NOT NULL,"
	" domain TEXT NOT NULL, station TEXT NOT NULL, state INTEGER NOT NULL,"
	" protocol INTEGER NOT NULL, initial_program TEXT NOT NULL, working_dir TEXT NOT NULL,"
	" logon_time INTEGER NOT NULL, connect_time INTEGER NOT NULL,"
	" disconnect_time INTEGER NOT NULL);"
	"CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);",
	/* 1 → 2: listeners (WTSLISTENERCONFIG fields, address, self-relative SD) */
	"CREATE TABLE listeners ("
	" id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, address TEXT NOT NULL,"
	" enabled INTEGER NOT NULL, max_connections INTEGER NOT NULL,"
	" prompt_password INTEGER NOT NULL, inherit_color_depth INTEGER NOT NULL,"
	" color_depth INTEGER NOT NULL, inherit_broken_timeout INTEGER NOT NULL,"
	" broken_timeout INTEGER NOT NULL, disable_printer INTEGER NOT NULL,"
	" disable_drive INTEGER NOT NULL, disable_com INTEGER NOT NULL,"
	" disable_lpt INTEGER NOT NULL, disable_clipboard INTEGER NOT NULL,"
	" disable_audio INTEGER NOT NULL, disable_pnp INTEGER NOT NULL,"
	" disable_default_printer INTEGER NOT NULL, lan_adapter INTEGER NOT NULL,"
	" port INTEGER NOT NULL, inherit_shadow INTEGER NOT NULL, shadow INTEGER NOT NULL,"
	" timeout_connection INTEGER NOT NULL, timeout_disconnection INTEGER NOT NULL,"
	" timeout_idle INTEGER NOT NULL, security_layer INTEGER NOT NULL,"
	" min_encryption INTEGER NOT NULL, user_authentication INTEGER NOT NULL,"
	" comment TEXT NOT NULL, logon_user TEXT NOT NULL, logon_domain TEXT NOT NULL,"
	" work_dir TEXT NOT NULL, initial_program TEXT NOT NULL, sd BLOB NOT NULL);",
	/* 2 → 3: the client data of RDP sessions (WTSClient*, WTS_CLIENT_ADDRESS, display) and the
	 * last input time; existing rows get empty values. */
	"ALTER TABLE sessions ADD COLUMN client_name TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE sessions ADD COLUMN client_dir TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE sessions ADD COLUMN client_build INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE sessions ADD COLUMN client_hardware_id INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE sessions ADD COLUMN client_product_id INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE sessions ADD COLUMN client_af INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE sessions ADD COLUMN client_addr BLOB NOT NULL DEFAULT x'';"
	"ALTER TABLE sessions ADD COLUMN hres INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE sessions ADD COLUMN vres INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE sessions ADD COLUMN color_depth INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE sessions ADD COLUMN last_input_time INTEGER NOT NULL DEFAULT 0;",
};

/* The session columns that put writes and each reads, in this order (schema 3). */
#define SESSION_COLUMNS                                                                           \
	"id, uid, user, domain, station, state, protocol, initial_program, working_dir,"          \
	" logon_time, connect_time, disconnect_time, client_name, client_dir, client_build,"      \
	" client_hardware_id, client_product_id, client_af, client_addr, hres, vres,"             \
	" color_depth, last_input_time"

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

static int fail(struct wtsd_store *st, const char *what)
{
	WLog_ERR(TAG, "%s: %s", what, sqlite3_errmsg(st->db));
	return -EIO;
}

static int exec(struct wtsd_store *st, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		WLog_ERR(TAG, "\"%s\": %s", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

static int read_version(struct wtsd_store *st)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK)
		return fail(st, "user_version");
	int v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
	sqlite3_finalize(q);
	return v < 0 ? -EIO : v;
}

/* Applies each missing migration in its own transaction with the version bump. */
static int migrate(struct wtsd_store *st)
{
	int v = read_version(st);
	if (v < 0)
		return v;
	if (v > NMIGRATIONS) {
		WLog_ERR(TAG, "state schema %d is newer than this wtsd (%d)", v, NMIGRATIONS);
		return -EPROTO;
	}
	for (; v < NMIGRATIONS; v++) {
		char bump[64];
		snprintf(bump, sizeof(bump), "PRAGMA user_version = %d;", v + 1);
		int r = exec(st, "BEGIN IMMEDIATE;");
		if (!r)
			r = exec(st, migrations[v]);
		if (!r)
			r = exec(st, bump);
		if (!r)
			r = exec(st, "COMMIT;");
		if (r) {
			(void)exec(st, "ROLLBACK;");
			return r;
		}
		WLog_INFO(TAG, "state schema migrated to version %d", v + 1);
	}
	st->version = v;
	return 0;
}

int wtsd_store_open(struct wtsd_store **out, const char *state_dir)
{
	char path[4096];
	if (snprintf(path, sizeof(path), "%s/wtsd.db", state_dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	struct wtsd_store *st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	int r = 0;
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK)
		r = fail(st, path);
	if (!r)
		r = exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
		             " PRAGMA busy_timeout=5000;");
	if (!r)
		r = migrate(st);
	if (!r && sqlite3_prepare_v2(st->db,
	                             "INSERT OR REPLACE INTO sessions (" SESSION_COLUMNS ")"
	                             " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,"
	                             "?15,?16,?17,?18,?19,?20,?21,?22,?23)",
	                             -1, &st->put, NULL) != SQLITE_OK)
		r = fail(st, "prepare put");
	if (!r && sqlite3_prepare_v2(st->db, "DELETE FROM sessions WHERE id = ?1", -1, &st->del,
	                             NULL) != SQLITE_OK)
		r = fail(st, "prepare delete");
	if (r) {
		wtsd_store_close(st);
		return r;
	}
	*out = st;
	return 0;
}

void wtsd_store_close(struct wtsd_store *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->put);
	sqlite3_finalize(st->del);
	sqlite3_close(st->db);
	free(st);
}

int wtsd_store_version(struct wtsd_store *st)
{
	return st->version;
}

int wtsd_store_session_put(struct wtsd_store *st, const struct owts_session *s)
{
	sqlite3_stmt *q = st->put;
	sqlite3_bind_int64(q, 1, s->id);
	sqlite3_bind_int64(q, 2, s->uid);
	sqlite3_bind_text(q, 3, s->user, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, s->domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, s->station, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, s->state);
	sqlite3_bind_int64(q, 7, s->protocol);
	sqlite3_bind_text(q, 8, s->initial_program, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 9, s->working_dir, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 10, (sqlite3_int64)s->logon_time);
	sqlite3_bind_int64(q, 11, (sqlite3_int64)s->connect_time);
	sqlite3_bind_int64(q, 12, (sqlite3_int64)s->disconnect_time);
	sqlite3_bind_text(q, 13, s->client_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 14, s->client_dir, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 15, s->client_build);
	sqlite3_bind_int64(q, 16, s->client_hardware_id);
	sqlite3_bind_int64(q, 17, s->client_product_id);
	sqlite3_bind_int64(q, 18, s->client_af);
	sqlite3_bind_blob(q, 19, s->client_addr, (int)sizeof(s->client_addr), SQLITE_STATIC);
	sqlite3_bind_int64(q, 20, s->hres);
	sqlite3_bind_int64(q, 21, s->vres);
	sqlite3_bind_int64(q, 22, s->color_depth);
	sqlite3_bind_int64(q, 23, (sqlite3_int64)s->last_input_time);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_DONE ? 0 : fail(st, "session put");
}

int wtsd_store_session_delete(struct wtsd_store *st, uint32_t id)
{
	sqlite3_bind_int64(st->del, 1, id);
	int rc = sqlite3_step(st->del);
	sqlite3_reset(st->del);
	return rc == SQLITE_DONE ? 0 : fail(st, "session delete");
}

static void column_text(sqlite3_stmt *q, int col, char *dst, size_t size)
{
	const unsigned char *t = sqlite3_column_text(q, col);
	snprintf(dst, size, "%s", t ? (const char *)t : "");
}

/* Copies a blob column into dst, at most size bytes; the rest of dst stays as it was. */
static void column_blob(sqlite3_stmt *q, int col, uint8_t *dst, size_t size)
{
	const void *b = sqlite3_column_blob(q, col);
	size_t n = (size_t)sqlite3_column_bytes(q, col);
	if (b)
		memcpy(dst, b, n < size ? n : size);
}

int wtsd_store_session_each(struct wtsd_store *st,
                            int (*fn)(void *ctx, const struct owts_session *s), void *ctx)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(st->db, "SELECT " SESSION_COLUMNS " FROM sessions ORDER BY id", -1,
	                       &q, NULL) != SQLITE_OK)
		return fail(st, "select sessions");
	struct owts_session *s = malloc(sizeof(*s));
	int r = s ? 0 : -ENOMEM;
	int rc = SQLITE_DONE;
	while (!r && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		memset(s, 0, sizeof(*s));
		s->id = (uint32_t)sqlite3_column_int64(q, 0);
		s->uid = (uint32_t)sqlite3_column_int64(q, 1);
		column_text(q, 2, s->user, sizeof(s->user));
		column_text(q, 3, s->domain, sizeof(s->domain));
		column_text(q, 4, s->station, sizeof(s->station));
		s->state = (uint32_t)sqlite3_column_int64(q, 5);
		s->protocol = (uint16_t)sqlite3_column_int64(q, 6);
		column_text(q, 7, s->initial_program, sizeof(s->initial_program));
		column_text(q, 8, s->working_dir, sizeof(s->working_dir));
		s->logon_time = (uint64_t)sqlite3_column_int64(q, 9);
		s->connect_time = (uint64_t)sqlite3_column_int64(q, 10);
		s->disconnect_time = (uint64_t)sqlite3_column_int64(q, 11);
		column_text(q, 12, s->client_name, sizeof(s->client_name));
		column_text(q, 13, s->client_dir, sizeof(s->client_dir));
		s->client_build = (uint32_t)sqlite3_column_int64(q, 14);
		s->client_hardware_id = (uint32_t)sqlite3_column_int64(q, 15);
		s->client_product_id = (uint16_t)sqlite3_column_int64(q, 16);
		s->client_af = (uint32_t)sqlite3_column_int64(q, 17);
		column_blob(q, 18, s->client_addr, sizeof(s->client_addr));
		s->hres = (uint32_t)sqlite3_column_int64(q, 19);
		s->vres = (uint32_t)sqlite3_column_int64(q, 20);
		s->color_depth = (uint32_t)sqlite3_column_int64(q, 21);
		s->last_input_time = (uint64_t)sqlite3_column_int64(q, 22);
		r = fn(ctx, s);
	}
	if (!r && rc != SQLITE_DONE)
		r = fail(st, "read sessions");
	free(s);
	sqlite3_finalize(q);
	return r;
}

int wtsd_store_next_session_id(struct wtsd_store *st, uint32_t first, uint32_t *id)
{
	sqlite3_stmt *q;
	const char *sql = "INSERT INTO sequences VALUES ('session', ?1)"
	                  " ON CONFLICT(name) DO UPDATE SET value = max(value + 1, ?1)"
	                  " RETURNING value";
	if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
		return fail(st, "prepare sequence");
	sqlite3_bind_int64(q, 1, first);
	int rc = sqlite3_step(q);
	int r = 0;
	if (rc == SQLITE_ROW) {
		sqlite3_int64 v = sqlite3_column_int64(q, 0);
		if (v >= 0xFFFFFFF0)
			r = -ENOSPC;
		else
			*id = (uint32_t)v;
		rc = sqlite3_step(q);
	}
	if (!r && rc != SQLITE_DONE)
		r = fail(st, "sequence");
	sqlite3_finalize(q);
	return r;
}

/* --- listeners (schema 2) --------------------------------------------------------------------
 * Columns in the order of struct owts_listener, generated from its field lists. */
#define COL32(f, w) ", " #f
#define COLSTR(f, w, cap) ", " #f
#define LISTENER_COLUMNS                                                                          \
	"id, name, address" OWTS_LISTENER_U32(COL32) OWTS_LISTENER_STR(COLSTR) ", sd"

int wtsd_store_listener_put(struct wtsd_store *st, const struct owts_listener *l,
                            const uint8_t *sd, size_t sd_len)
{
	sqlite3_stmt *q;
	const char *sql = "INSERT OR REPLACE INTO listeners (" LISTENER_COLUMNS ") VALUES"
	                  " (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,"
	                  "?20,?21,?22,?23,?24,?25,?26,?27,?28,?29,?30,?31,?32,?33,?34)";
	if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
		return fail(st, "prepare listener put");
	int i = 1;
	sqlite3_bind_int64(q, i++, l->id);
	sqlite3_bind_text(q, i++, l->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, i++, l->address, -1, SQLITE_STATIC);
#define B32(f, w) sqlite3_bind_int64(q, i++, l->f);
	OWTS_LISTENER_U32(B32)
#undef B32
#define BSTR(f, w, cap) sqlite3_bind_text(q, i++, l->f, -1, SQLITE_STATIC);
	OWTS_LISTENER_STR(BSTR)
#undef BSTR
	sqlite3_bind_blob(q, i++, sd, (int)sd_len, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : fail(st, "listener put");
}

int wtsd_store_listener_each(struct wtsd_store *st,
                             int (*fn)(void *ctx, const struct owts_listener *l,
                                       const uint8_t *sd, size_t sd_len),
                             void *ctx)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(st->db, "SELECT " LISTENER_COLUMNS " FROM listeners ORDER BY id", -1,
	                       &q, NULL) != SQLITE_OK)
		return fail(st, "select listeners");
	struct owts_listener *l = malloc(sizeof(*l));
	int r = l ? 0 : -ENOMEM;
	int rc = SQLITE_DONE;
	while (!r && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		memset(l, 0, sizeof(*l));
		int c = 0;
		l->id = (uint32_t)sqlite3_column_int64(q, c++);
		column_text(q, c++, l->name, sizeof(l->name));
		column_text(q, c++, l->address, sizeof(l->address));
#define C32(f, w) l->f = (uint32_t)sqlite3_column_int64(q, c++);
		OWTS_LISTENER_U32(C32)
#undef C32
#define CSTR(f, w, cap) column_text(q, c++, l->f, sizeof(l->f));
		OWTS_LISTENER_STR(CSTR)
#undef CSTR
		const uint8_t *sd = sqlite3_column_blob(q, c);
		size_t sd_len = (size_t)sqlite3_column_bytes(q, c);
		r = fn(ctx, l, sd, sd_len);
	}
	if (!r && rc != SQLITE_DONE)
		r = fail(st, "read listeners");
	free(l);
	sqlite3_finalize(q);
	return r;
}
