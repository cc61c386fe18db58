/*
 * test_store.c — wtsd's SQLite store: migrations (a hand-built schema-2 database brought to 3
 * with its rows), session rows with their client data, the id sequence, listener rows with their
 * security descriptors, persistence across reopen, and refusal of a schema newer than the code.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "store.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/owts-store.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static int collect(void *ctx, const struct owts_session *s)
{
	uint32_t *ids = ctx;
	ids[ids[0] + 1] = s->id;
	ids[0]++;
	return strcmp(s->user, "alice") == 0 ? 0 : -EINVAL;
}

static void test_sessions_persist(void **state)
{
	(void)state;
	struct wtsd_store *st;
	assert_int_equal(wtsd_store_open(&st, dir), 0);
	assert_int_equal(wtsd_store_version(st), 3);
	uint32_t a, b;
	assert_int_equal(wtsd_store_next_session_id(st, 2, &a), 0);
	assert_int_equal(wtsd_store_next_session_id(st, 2, &b), 0);
	assert_int_equal(a, 2);
	assert_int_equal(b, 3);
	static struct owts_session s;
	s.id = a;
	s.uid = 1000;
	strcpy(s.user, "alice");
	assert_int_equal(wtsd_store_session_put(st, &s), 0);
	s.id = b;
	assert_int_equal(wtsd_store_session_put(st, &s), 0);
	assert_int_equal(wtsd_store_session_delete(st, a), 0);
	wtsd_store_close(st);

	assert_int_equal(wtsd_store_open(&st, dir), 0);
	uint32_t ids[8] = { 0 };
	assert_int_equal(wtsd_store_session_each(st, collect, ids), 0);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], b);
	/* Ids are never reused, even after a delete and a reopen. */
	uint32_t c;
	assert_int_equal(wtsd_store_next_session_id(st, 2, &c), 0);
	assert_int_equal(c, 4);
	wtsd_store_close(st);
	wtsd_store_close(NULL);
}

static int collect_listener(void *ctx, const struct owts_listener *l, const uint8_t *sd,
                            size_t len)
{
	struct owts_listener *out = ctx;
	*out = *l;
	return len == 3 && memcmp(sd, "\1\2\3", 3) == 0 ? 0 : -EINVAL;
}

static void test_listeners_persist(void **state)
{
	(void)state;
	struct wtsd_store *st;
	assert_int_equal(wtsd_store_open(&st, dir), 0);
	static struct owts_listener l, back;
	l.id = 65536;
	strcpy(l.name, "RDP-Tcp");
	strcpy(l.address, "127.0.0.1");
	l.port = 3389;
	l.user_authentication = 1;
	strcpy(l.initial_program, "/bin/true");
	assert_int_equal(wtsd_store_listener_put(st, &l, (const uint8_t *)"\1\2\3", 3), 0);
	l.port = 3390; /* an update replaces the row */
	assert_int_equal(wtsd_store_listener_put(st, &l, (const uint8_t *)"\1\2\3", 3), 0);
	wtsd_store_close(st);
	assert_int_equal(wtsd_store_open(&st, dir), 0);
	assert_int_equal(wtsd_store_listener_each(st, collect_listener, &back), 0);
	assert_int_equal(back.id, 65536);
	assert_string_equal(back.name, "RDP-Tcp");
	assert_string_equal(back.address, "127.0.0.1");
	assert_int_equal(back.port, 3390);
	assert_int_equal(back.user_authentication, 1);
	assert_string_equal(back.initial_program, "/bin/true");
	wtsd_store_close(st);
}

static int copy_session(void *ctx, const struct owts_session *s)
{
	struct owts_session *out = ctx;
	*out = *s;
	return 0;
}

static void test_client_data_persists(void **state)
{
	(void)state;
	struct wtsd_store *st;
	assert_int_equal(wtsd_store_open(&st, dir), 0);
	static struct owts_session s, back;
	s.id = 100;
	s.uid = 1000;
	s.state = 4;    /* WTSDisconnected */
	s.protocol = 2; /* RDP */
	strcpy(s.user, "alice");
	strcpy(s.client_name, "LAPTOP-7");
	strcpy(s.client_dir, "C:\\Windows\\System32\\mstscax.dll");
	s.client_build = 22621;
	s.client_hardware_id = 0;
	s.client_product_id = 1;
	s.client_af = 2;
	const uint8_t addr[20] = { 0, 0, 192, 168, 7, 42, [19] = 0xEE };
	memcpy(s.client_addr, addr, sizeof(addr));
	s.hres = 1920;
	s.vres = 1080;
	s.color_depth = 16;
	s.logon_time = 133000000000000000ULL;
	s.connect_time = 133000000000000001ULL;
	s.disconnect_time = 133000000000000002ULL;
	s.last_input_time = 133000000000000003ULL;
	assert_int_equal(wtsd_store_session_put(st, &s), 0);
	wtsd_store_close(st);

	assert_int_equal(wtsd_store_open(&st, dir), 0);
	assert_int_equal(wtsd_store_session_each(st, copy_session, &back), 0);
	assert_int_equal(back.id, 100);
	assert_string_equal(back.client_name, "LAPTOP-7");
	assert_string_equal(back.client_dir, s.client_dir);
	assert_int_equal(back.client_build, 22621);
	assert_int_equal(back.client_hardware_id, 0);
	assert_int_equal(back.client_product_id, 1);
	assert_int_equal(back.client_af, 2);
	assert_memory_equal(back.client_addr, addr, sizeof(addr));
	assert_int_equal(back.hres, 1920);
	assert_int_equal(back.vres, 1080);
	assert_int_equal(back.color_depth, 16);
	assert_true(back.logon_time == s.logon_time);
	assert_true(back.connect_time == s.connect_time);
	assert_true(back.disconnect_time == s.disconnect_time);
	assert_true(back.last_input_time == s.last_input_time);
	assert_int_equal(wtsd_store_session_delete(st, 100), 0);
	wtsd_store_close(st);
}

/* Schema 1 and 2 as the migrations array created them (append-only, so frozen here). */
static const char v2_ddl[] =
	"CREATE TABLE sessions ("
	" id INTEGER PRIMARY KEY, uid INTEGER NOT NULL, user TEXT NOT NULL,"
	" domain TEXT NOT NULL, station TEXT NOT NULL, state INTEGER NOT NULL,"
	" protocol INTEGER NOT NULL, initial_program TEXT NOT NULL, working_dir TEXT NOT NULL,"
	" logon_time INTEGER NOT NULL, connect_time INTEGER NOT NULL,"
	" disconnect_time INTEGER NOT NULL);"
	"CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
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
	" work_dir TEXT NOT NULL, initial_program TEXT NOT NULL, sd BLOB NOT NULL);"
	"INSERT INTO sessions VALUES (7, 1000, 'alice', 'HOST', '', 4, 2, '/bin/sh', '/home/alice',"
	" 11, 12, 13);"
	"INSERT INTO sequences VALUES ('session', 7);"
	"PRAGMA user_version = 2;";

static void test_v2_migrates(void **state)
{
	(void)state;
	char sub[96], path[128];
	snprintf(sub, sizeof(sub), "%s/v2", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, sizeof(path), "%s/wtsd.db", sub);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v2_ddl, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	struct wtsd_store *st;
	assert_int_equal(wtsd_store_open(&st, sub), 0);
	assert_int_equal(wtsd_store_version(st), 3);
	static struct owts_session back;
	memset(&back, 0xAA, sizeof(back));
	assert_int_equal(wtsd_store_session_each(st, copy_session, &back), 0);
	assert_int_equal(back.id, 7);
	assert_int_equal(back.uid, 1000);
	assert_string_equal(back.user, "alice");
	assert_string_equal(back.domain, "HOST");
	assert_int_equal(back.state, 4);
	assert_int_equal(back.protocol, 2);
	assert_string_equal(back.initial_program, "/bin/sh");
	assert_string_equal(back.working_dir, "/home/alice");
	assert_true(back.logon_time == 11 && back.connect_time == 12 && back.disconnect_time == 13);
	/* The new columns read as empty. */
	static const uint8_t zero[20];
	assert_string_equal(back.client_name, "");
	assert_string_equal(back.client_dir, "");
	assert_int_equal(back.client_build, 0);
	assert_int_equal(back.client_af, 0);
	assert_memory_equal(back.client_addr, zero, sizeof(zero));
	assert_int_equal(back.hres, 0);
	assert_true(back.last_input_time == 0);
	/* The sequence survives the migration, and the migrated table takes client data. */
	uint32_t id;
	assert_int_equal(wtsd_store_next_session_id(st, 2, &id), 0);
	assert_int_equal(id, 8);
	back.client_af = 2;
	strcpy(back.client_name, "PC");
	assert_int_equal(wtsd_store_session_put(st, &back), 0);
	wtsd_store_close(st);
	assert_int_equal(wtsd_store_open(&st, sub), 0);
	memset(&back, 0, sizeof(back));
	assert_int_equal(wtsd_store_session_each(st, copy_session, &back), 0);
	assert_string_equal(back.client_name, "PC");
	assert_int_equal(back.client_af, 2);
	wtsd_store_close(st);
}

static void test_newer_schema_refused(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "%s/wtsd.db", dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	struct wtsd_store *st = NULL;
	assert_int_equal(wtsd_store_open(&st, dir), -EPROTO);
	assert_null(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sessions_persist),
		cmocka_unit_test(test_listeners_persist),
		cmocka_unit_test(test_client_data_persists),
		cmocka_unit_test(test_v2_migrates),
		cmocka_unit_test(test_newer_schema_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
