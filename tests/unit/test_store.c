/*
 * test_store.c — wtsd's SQLite store: migrations, session rows, the id sequence, listener rows
 * with their security descriptors, persistence across reopen, and refusal of a schema newer than
 * the code.
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
	assert_int_equal(wtsd_store_version(st), 2);
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
		cmocka_unit_test(test_newer_schema_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
