/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Unit tests of the PostgreSQL driver against a real server (the cluster
 * tests/pg/run starts; RUDDER_TEST_PG names it). `make test` runs them in
 * its PostgreSQL phase; the SQLite phase filters them out.
 */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "platform/audit/audit.h"
#include "platform/auth/auth.h"
#include "platform/db/db.h"

static char dbname[40];
static char url[200];

static void admin(const char *sql)
{
	char *u = xasprintf("%s/postgres", getenv("RUDDER_TEST_PG"));
	PGconn *c = PQconnectdb(u);
	PGresult *r = PQexec(c, sql);
	cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
	free(u);
}

static void setup(void)
{
	const char *base = getenv("RUDDER_TEST_PG");
	cr_assert(base && *base, "RUDDER_TEST_PG is not set: run tests/pg/run");
	snprintf(dbname, sizeof(dbname), "u_%d_%ld", getpid(), (long)time_now());
	char *sql = xasprintf("CREATE DATABASE %s", dbname);
	admin(sql);
	free(sql);
	snprintf(url, sizeof(url), "%s/%s", base, dbname);
	fixture_open(); /* keys, catalogs; an SQLite platform beside it */
}

static void teardown(void)
{
	fixture_close();
	char *sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", dbname);
	admin(sql);
	free(sql);
}

TestSuite(pg, .init = setup, .fini = teardown, .timeout = 60);

static struct db *open_pg(void)
{
	char err[256];
	struct db *db = db_open(url, err, sizeof(err));
	cr_assert_not_null(db, "%s", err);
	cr_assert_geq(db_migrate(db, platform_migration_groups(), err, sizeof(err)), 0, "%s", err);
	return db;
}

static const char SQL_T[] =
	"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE, b BLOB, n INTEGER) STRICT";
static const char SQL_INS[] = "INSERT INTO t (v, b, n) VALUES ($1, $2, $3) RETURNING id";
static const char SQL_GET[] = "SELECT v, b, n, b IS NOT NULL, n IS NULL FROM t WHERE id = $1";

Test(pg, migrations_translate_and_types_round_trip)
{
	struct db *db = open_pg();
	struct db_conn *c = db_conn(db);
	int64_t id, id2;
	size_t len;

	cr_assert_str_eq(db_backend(db), "pg");
	cr_assert_eq(db_exec_script(c, SQL_T), DB_OK, "%s", db_errmsg(c));
	cr_assert_eq(db_int(c, &id, SQL_INS, "tbn", "Жанаозен", "\0\1\xff", (size_t)3), DB_OK,
		     "%s", db_errmsg(c));
	cr_assert_eq(db_int(c, &id2, SQL_INS, "tbi", "second", "", (size_t)0, (int64_t)-5), DB_OK);
	cr_assert_eq(id2, id + 1, "identity columns count up");
	struct db_stmt *st = db_prepare(c, SQL_GET);
	db_bind_int(st, 1, id);
	cr_assert_eq(db_step(st), DB_ROW);
	cr_assert_str_eq(db_col_text(st, 0), "Жанаозен");
	const unsigned char *b = db_col_blob(st, 1, &len);
	cr_assert_eq(len, 3);
	cr_assert_eq(b[0], 0);
	cr_assert_eq(b[2], 0xff);
	cr_assert(db_col_null(st, 2));
	cr_assert_eq(db_col_int(st, 3), 1, "booleans read as 1");
	cr_assert_eq(db_col_int(st, 4), 1);
	cr_assert_eq(db_step(st), DB_DONE);
	db_reset(st);
	cr_assert_eq(db_int(c, &id, SQL_INS, "tnn", "Жанаозен"), DB_CONSTRAINT);
	cr_assert_eq(db_run(c, "UPDATE t SET n = 7", ""), 2, "rows changed are counted");
	db_close(db);
}

static int dup_in_savepoint(struct db_conn *c, void *arg)
{
	int64_t id;
	(void)arg;
	return db_int(c, &id, SQL_INS, "tnn", "same");
}

static int outer(struct db_conn *c, void *arg)
{
	int64_t id;
	(void)arg;
	if (db_int(c, &id, SQL_INS, "tnn", "same") != DB_OK)
		return DB_ERROR;
	/* a refused insert inside a savepoint does not spoil the transaction */
	if (db_tx(c, dup_in_savepoint, NULL) != DB_CONSTRAINT)
		return DB_ERROR;
	return db_int(c, &id, SQL_INS, "tnn", "after");
}

Test(pg, a_refused_statement_in_a_savepoint_leaves_the_transaction_usable)
{
	struct db *db = open_pg();
	struct db_conn *c = db_conn(db);
	int64_t n;
	cr_assert_eq(db_exec_script(c, SQL_T), DB_OK);
	cr_assert_eq(db_tx(c, outer, NULL), DB_OK, "%s", db_errmsg(c));
	cr_assert_eq(db_int(c, &n, "SELECT count(*) FROM t", ""), DB_OK);
	cr_assert_eq(n, 2);
	db_close(db);
}

static struct db *shared;
static atomic_int started;

static int bump(struct db_conn *c, void *arg)
{
	int64_t n;
	(void)arg;
	if (db_int(c, &n, "SELECT n FROM t WHERE v = 'counter'", "") != DB_OK)
		return DB_ERROR;
	atomic_fetch_add(&started, 1);
	/* both read before either writes: one of them must run again */
	for (int i = 0; i < 100 && atomic_load(&started) < 2; i++)
		usleep(10000);
	return db_run(c, "UPDATE t SET n = $1 WHERE v = 'counter'", "i", n + 1) == 1 ? DB_OK
										     : DB_RETRY;
}

static void *bumper(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)db_tx(db_conn(shared), bump, NULL);
}

Test(pg, concurrent_writers_conflict_and_are_run_again)
{
	pthread_t a, b;
	void *ra, *rb;
	int64_t n, id;

	shared = open_pg();
	struct db_conn *c = db_conn(shared);
	cr_assert_eq(db_exec_script(c, SQL_T), DB_OK);
	cr_assert_eq(db_int(c, &id, SQL_INS, "tni", "counter", (int64_t)0), DB_OK);
	uint64_t busy = db_busy_retries();
	pthread_create(&a, NULL, bumper, NULL);
	pthread_create(&b, NULL, bumper, NULL);
	pthread_join(a, &ra);
	pthread_join(b, &rb);
	cr_assert_eq((intptr_t)ra, DB_OK);
	cr_assert_eq((intptr_t)rb, DB_OK);
	cr_assert_eq(db_int(c, &n, "SELECT n FROM t WHERE v = 'counter'", ""), DB_OK);
	cr_assert_eq(n, 2, "no update was lost");
	cr_assert_gt(db_busy_retries(), busy, "the conflict was retried");
	db_close(shared);
}

Test(pg, a_killed_connection_is_reported_and_replaced)
{
	struct db *db = open_pg();
	struct db_conn *c = db_conn(db);
	int64_t pid, one;
	char *sql;

	cr_assert_eq(db_int(c, &pid, "SELECT pg_backend_pid()", ""), DB_OK);
	sql = xasprintf("SELECT pg_terminate_backend(%lld)", (long long)pid);
	char *u = xasprintf("%s/postgres", getenv("RUDDER_TEST_PG"));
	PGconn *k = PQconnectdb(u);
	PQclear(PQexec(k, sql));
	PQfinish(k);
	usleep(100000);
	unsigned lost = db_unavailable_count(c);
	cr_assert_eq(db_int(c, &one, "SELECT 1", ""), DB_UNAVAILABLE);
	cr_assert_gt(db_unavailable_count(c), lost);
	c = db_conn_fresh(db);
	cr_assert_eq(db_int(c, &one, "SELECT 1", ""), DB_OK, "reconnected");
	free(u);
	free(sql);
	db_close(db);
}

static atomic_int heard;
static void on_event(const char *payload, void *arg)
{
	(void)arg;
	if (strcmp(payload, "hello") == 0)
		atomic_fetch_add(&heard, 1);
}

Test(pg, notifications_reach_listeners)
{
	struct db *db = open_pg();
	struct listener *l = db_listen(db, "rudder_test", on_event, NULL);
	cr_assert_not_null(l);
	usleep(300000);
	cr_assert_eq(db_notify(db_conn(db), "rudder_test", "hello"), DB_OK);
	for (int i = 0; i < 50 && !atomic_load(&heard); i++)
		usleep(100000);
	cr_assert_eq(atomic_load(&heard), 1);
	cr_assert_null(db_listen(db, "Bad; name", on_event, NULL));
	db_listen_stop(l);
	db_close(db);
}

Test(pg, an_organization_copies_to_postgres_and_back_unchanged)
{
	struct db_conn *sc = platform_conn();
	struct arena *a = arena_new();
	int64_t id, scope, rows, bad;
	char err[256], path[160];

	/* an organization in the SQLite fixture */
	cr_assert_eq(scope_create(sc, 0, "Aktau", &scope), DB_OK);
	cr_assert_eq(account_create(sc, a, "a@example.kz", "A", "kk", "a long password", &id), DB_OK);
	cr_assert_eq(grant_add(sc, id, "coordinator", scope, 0, NULL), DB_OK);
	cr_assert_eq(audit_add(sc, 0, "cli", "test", "user:1", NULL), DB_OK);
	struct db *pg = open_pg();
	cr_assert_eq(db_copy(platform_db(), pg, NULL, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(audit_verify(db_conn(pg), &rows, &bad, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(rows, 1);
	/* sealed values arrived intact: the email opens on the new side */
	struct account acc;
	cr_assert_eq(account_find_email(db_conn(pg), a, "a@example.kz", &acc), DB_OK);
	cr_assert_str_eq(acc.email, "a@example.kz");
	/* new rows on PostgreSQL continue after the copied ids */
	int64_t id2;
	cr_assert_eq(account_create(db_conn(pg), a, "b@example.kz", "B", "", NULL, &id2), DB_OK);
	cr_assert_gt(id2, id);
	/* a second copy into a database that has rows is refused */
	cr_assert_eq(db_copy(platform_db(), pg, NULL, err, sizeof(err)), -1);
	cr_assert(strstr(err, "already has rows"), "%s", err);
	/* and back: a backup of a PostgreSQL server is an SQLite file */
	snprintf(path, sizeof(path), "%s/snap.db", platform_dir());
	cr_assert_eq(db_snapshot(pg, path, err, sizeof(err)), 0, "%s", err);
	char *u = xasprintf("sqlite:%s", path);
	struct db *back = db_open(u, err, sizeof(err));
	cr_assert_eq(db_int(db_conn(back), &rows, "SELECT count(*) FROM users", ""), DB_OK);
	cr_assert_eq(rows, 2);
	cr_assert_eq(audit_verify(db_conn(back), &rows, &bad, err, sizeof(err)), 0, "%s", err);
	db_close(back);
	free(u);
	db_close(pg);
	arena_free(a);
}
