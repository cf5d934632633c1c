/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests: the SQLite driver, transactions, migrations, snapshots. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "platform/core/core.h"
#include "platform/db/db.h"

TestSuite(db, .init = (void (*)(void))fixture_open, .fini = fixture_close);

static const char SQL_T[] =
	"CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE, b BLOB) STRICT";
static const char SQL_INS[] = "INSERT INTO t (v, b) VALUES ($1, $2) RETURNING id";
static const char SQL_COUNT[] = "SELECT count(*) FROM t";
static const char SQL_GET[] = "SELECT v, b FROM t WHERE id = $1";

Test(db, bind_step_columns_and_constraints)
{
	struct db_conn *c = platform_conn();
	int64_t id, n;
	cr_assert_eq(db_exec_script(c, SQL_T), DB_OK);
	cr_assert_eq(db_int(c, &id, SQL_INS, "tb", "Жанаозен", "\0\1", (size_t)2), DB_OK);
	cr_assert_eq(db_int(c, &n, SQL_INS, "tb", "Жанаозен", "", (size_t)0), DB_CONSTRAINT);
	struct db_stmt *st = db_prepare(c, SQL_GET);
	db_bind_int(st, 1, id);
	cr_assert_eq(db_step(st), DB_ROW);
	cr_assert_str_eq(db_col_text(st, 0), "Жанаозен");
	size_t len;
	const unsigned char *b = db_col_blob(st, 1, &len);
	cr_assert_eq(len, 2);
	cr_assert_eq(b[1], 1);
	cr_assert_eq(db_step(st), DB_DONE);
	db_reset(st);
	cr_assert_eq(db_int(c, &n, SQL_GET, "i", (int64_t)999), DB_NOTFOUND);
	/* input never becomes SQL */
	cr_assert_eq(db_int(c, &id, SQL_INS, "tn", "x'); DROP TABLE t; --"), DB_OK);
	cr_assert_eq(db_int(c, &n, SQL_COUNT, ""), DB_OK);
	cr_assert_eq(n, 2);
}

/* Rows read into structs by a map; a step that fails halfway is an
 * error, never the end of the rows. */
struct trow {
	int64_t id;
	const char *v;
	bool odd;
	int len;
	int64_t twice;
};

static void twice_of(struct db_stmt *st, int col, struct arena *a, void *field,
		     const void *arg)
{
	(void)a;
	*(int64_t *)field = db_col_int(st, col) * *(const int64_t *)arg;
}

static const int64_t TWO = 2;
static const struct db_map TROW[] = {
	DB_COL(struct trow, id), DB_COL(struct trow, v), DB_COL(struct trow, odd),
	DB_COL(struct trow, len), DB_COL_FN(struct trow, twice, twice_of, &TWO),
	DB_COL_SKIP, DB_COLS_END};
static const char SQL_ROWS[] =
	"SELECT id, v, id % 2, length(v), id, 'unread' FROM t WHERE id >= $1 ORDER BY id";
/* the second row cannot be computed: abs() of the smallest integer */
static const char SQL_BAD_ROWS[] =
	"SELECT id, v, 0, 0, CASE WHEN id >= 2 THEN abs(-9223372036854775807 - 1) ELSE 1 END, 0 "
	"FROM t ORDER BY id";
static const struct db_map IDS[] = {DB_COL_SELF(int64_t), DB_COLS_END};

static int count_rows(void *row, void *arg)
{
	const struct trow *r = row;
	int *n = arg;
	cr_assert_str_neq(r->v, "");
	return ++*n == 2 ? 1 : 0; /* stops after two */
}

Test(db, rows_are_read_into_structs_and_errors_are_not_the_end)
{
	struct db_conn *c = platform_conn();
	struct arena *a = arena_new();
	struct trow one = {0}, *rows;
	int64_t id, *ids;
	size_t n;
	int seen = 0;

	cr_assert_eq(db_exec_script(c, SQL_T), DB_OK);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(db_int(c, &id, SQL_INS, "tn", i == 0 ? "Ақтау" : i == 1 ? "b" : "cc"),
			     DB_OK);
	cr_assert_eq(db_row(c, a, TROW, &one, SQL_ROWS, "i", (int64_t)1), DB_OK);
	cr_assert_eq(one.id, 1);
	cr_assert_str_eq(one.v, "Ақтау");
	cr_assert(one.odd);
	cr_assert_eq(one.len, 5);
	cr_assert_eq(one.twice, 2);
	cr_assert_eq(db_row(c, a, TROW, &one, SQL_ROWS, "i", (int64_t)99), DB_NOTFOUND);

	cr_assert_eq(db_rows(c, a, TROW, sizeof(*rows), &rows, &n, SQL_ROWS, "i", (int64_t)2),
		     DB_OK);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(rows[1].v, "cc");
	cr_assert_eq(rows[1].twice, 6);
	cr_assert(!rows[0].odd);
	cr_assert_eq(db_rows(c, a, IDS, sizeof(*ids), &ids, &n, SQL_ROWS, "i", (int64_t)1), DB_OK);
	cr_assert_eq(n, 3);
	cr_assert_eq(ids[2], 3);
	cr_assert_eq(db_rows(c, a, TROW, sizeof(*rows), &rows, &n, SQL_ROWS, "i", (int64_t)9), DB_OK);
	cr_assert_eq(n, 0);

	/* a failed step halfway: an error, and no rows handed out */
	cr_assert_lt(db_rows(c, a, TROW, sizeof(*rows), &rows, &n, SQL_BAD_ROWS, ""), 0);
	cr_assert_null(rows);
	cr_assert_eq(n, 0);
	cr_assert_lt(db_each(c, a, TROW, &one, count_rows, &seen, SQL_BAD_ROWS, ""), 0);

	/* db_each borrows text without an arena, and stops when told */
	seen = 0;
	cr_assert_eq(db_each(c, NULL, TROW, &one, count_rows, &seen, SQL_ROWS, "i", (int64_t)1),
		     DB_OK);
	cr_assert_eq(seen, 2);
	arena_free(a);
}

/* A statement over many rows: one text per power of two, kept (the
 * same address each time, for the statement cache), its placeholders
 * moved on a row at a time after the head's; and SQLite finds "$n"
 * wherever it stands in the text. */
static const char SQL_RT[] =
	"CREATE TABLE IF NOT EXISTS rt (g INTEGER NOT NULL, i INTEGER NOT NULL, "
	"v TEXT NOT NULL, PRIMARY KEY (g, i)) STRICT";
static const struct db_rows RT_ROWS = {"INSERT INTO rt (g, i, v) VALUES ",
				       "($1, $2, $3)", ", ", ""};
static const struct db_rows RT_IN = {"SELECT count(*) FROM rt WHERE g = $1 AND i IN (",
				     "$2", ", ", ")"};

Test(db, statements_over_many_rows)
{
	struct db_conn *c = platform_conn();
	size_t rows, n = 1000, done = 0;
	const char *sql;
	int64_t got;

	sql = db_rows_sql(&RT_ROWS, 3, &rows);
	cr_assert_eq(rows, 2);
	cr_assert_str_eq(sql, "INSERT INTO rt (g, i, v) VALUES ($1, $2, $3), ($4, $5, $6)");
	cr_assert_eq(db_rows_sql(&RT_ROWS, 2, &rows), sql);
	cr_assert_str_eq(db_rows_sql(&RT_IN, 1, &rows), "SELECT count(*) FROM rt WHERE g = $1 AND i IN ($2)");
	cr_assert_str_eq(db_rows_sql(&RT_IN, 7, &rows),
			 "SELECT count(*) FROM rt WHERE g = $1 AND i IN ($2, $3, $4, $5)");
	db_rows_sql(&RT_ROWS, 100000, &rows);
	cr_assert_eq(rows, DB_ROWS_MAX);

	cr_assert_eq(db_exec_script(c, SQL_RT), DB_OK);
	while (done < n) {
		struct db_stmt *st = db_prepare(c, db_rows_sql(&RT_ROWS, n - done, &rows));
		cr_assert_not_null(st);
		for (size_t j = 0; j < rows; j++) {
			db_bind_int(st, 1 + 3 * (int)j, 7);
			db_bind_int(st, 2 + 3 * (int)j, (int64_t)(done + j));
			db_bind_text(st, 3 + 3 * (int)j, "x");
		}
		cr_assert_eq(db_step(st), DB_DONE);
		db_reset(st);
		cr_assert_eq(db_changes(c), (int)rows);
		done += rows;
	}
	cr_assert_eq(db_int(c, &got, "SELECT count(*) FROM rt WHERE g = 7", ""), DB_OK);
	cr_assert_eq(got, 1000);
	struct db_stmt *st = db_prepare(c, db_rows_sql(&RT_IN, 4, &rows));
	db_bind_int(st, 1, 7);
	for (int j = 0; j < 4; j++)
		db_bind_int(st, 2 + j, j == 3 ? 5000 : j * 300);
	cr_assert_eq(db_step(st), DB_ROW);
	cr_assert_eq(db_col_int(st, 0), 3);
	db_reset(st);
	/* "$n" out of order in the text */
	cr_assert_eq(db_int(c, &got, "SELECT count(*) FROM rt WHERE i = $2 AND g = $1", "ii",
			    (int64_t)7, (int64_t)999),
		     DB_OK);
	cr_assert_eq(got, 1);
}

/* Work after commit: once per commit, never for what was undone, never
 * twice when a transaction runs again. */
static int ran[4];
static void note(void *arg)
{
	ran[(intptr_t)arg]++;
}
static void note_last(void *arg)
{
	ran[3] = (int)(intptr_t)arg;
}

static int inner_fails(struct db_conn *c, void *arg)
{
	(void)arg;
	db_on_commit(c, note, (void *)2);
	return DB_CONSTRAINT;
}

static int attempts;
static int queue_work(struct db_conn *c, void *arg)
{
	(void)arg;
	db_on_commit(c, note, (void *)0);
	db_on_commit_last(c, note_last, (void *)1);
	db_on_commit_last(c, note_last, (void *)7);
	cr_assert_eq(ran[0], 0, "nothing runs before the commit");
	cr_assert_eq(db_tx(c, inner_fails, NULL), DB_CONSTRAINT);
	if (attempts++ == 0) {
		db_conflict(c); /* as if a writer got there first */
		return DB_OK;
	}
	return DB_OK;
}

static int then_fail(struct db_conn *c, void *arg)
{
	(void)arg;
	db_on_commit(c, note, (void *)1);
	return DB_ERROR;
}

Test(db, work_after_commit_runs_once_and_only_after_a_commit)
{
	struct db_conn *c = platform_conn();

	memset(ran, 0, sizeof(ran));
	cr_assert_eq(db_tx(c, queue_work, NULL), DB_OK);
	cr_assert_eq(attempts, 2, "the conflict ran the transaction again");
	cr_assert_eq(ran[0], 1, "once, though queued in both runs");
	cr_assert_eq(ran[2], 0, "never for an undone savepoint");
	cr_assert_eq(ran[3], 7, "the last argument given");
	cr_assert_eq(db_tx(c, then_fail, NULL), DB_ERROR);
	cr_assert_eq(ran[1], 0, "never after a rollback");
	db_on_commit(c, note, (void *)1);
	cr_assert_eq(ran[1], 1, "at once outside a transaction");
}

/* A connection keeps every statement it has prepared, however many: the
 * modules together have more than the table's first size. */
static char many_sql[700][32];

Test(db, the_statement_cache_grows_and_keeps_what_callers_hold)
{
	struct db_conn *c = platform_conn();
	struct db_stmt *first;
	int64_t v;

	for (size_t i = 0; i < 700; i++)
		snprintf(many_sql[i], sizeof(many_sql[i]), "SELECT %zu", i);
	first = db_prepare(c, many_sql[0]);
	cr_assert_not_null(first);
	cr_assert_eq(db_step(first), DB_ROW); /* held across the growth */
	for (size_t i = 1; i < 700; i++) {
		cr_assert_eq(db_int(c, &v, many_sql[i], ""), DB_OK);
		cr_assert_eq(v, (int64_t)i);
	}
	cr_assert_eq(db_col_int(first, 0), 0);
	db_reset(first);
	cr_assert_eq(db_prepare(c, many_sql[0]), first, "found again, not prepared twice");
	cr_assert_eq(db_int(c, &v, many_sql[699], ""), DB_OK);
	cr_assert_eq(v, 699);
}

static int tx_fail(struct db_conn *c, void *arg)
{
	int64_t id;
	(void)arg;
	db_int(c, &id, SQL_INS, "tn", "rolled back");
	return DB_CONSTRAINT;
}

static int tries;
static int tx_retry(struct db_conn *c, void *arg)
{
	int64_t id;
	(void)arg;
	db_int(c, &id, SQL_INS, "tn", tries == 0 ? "first" : "second");
	return ++tries < 2 ? DB_RETRY : DB_OK;
}

Test(db, transactions_roll_back_and_retry)
{
	struct db_conn *c = platform_conn();
	int64_t n;
	cr_assert_eq(db_exec_script(c, SQL_T), DB_OK);
	cr_assert_eq(db_tx(c, tx_fail, NULL), DB_CONSTRAINT);
	cr_assert_not(db_in_tx(c));
	cr_assert_eq(db_int(c, &n, SQL_COUNT, ""), DB_OK);
	cr_assert_eq(n, 0);
	tries = 0;
	cr_assert_eq(db_tx(c, tx_retry, NULL), DB_OK);
	cr_assert_eq(db_int(c, &n, SQL_COUNT, ""), DB_OK);
	cr_assert_eq(n, 1, "only the retried run commits");
}

static void *other_thread(void *arg)
{
	struct db_conn *c = db_conn(platform_db());
	int64_t n = -1;
	(void)arg;
	db_int(c, &n, SQL_COUNT, "");
	return (void *)(intptr_t)n;
}

Test(db, each_thread_gets_its_own_connection)
{
	struct db_conn *c = platform_conn();
	pthread_t t;
	void *res;
	int64_t id;
	cr_assert_eq(db_exec_script(c, SQL_T), DB_OK);
	cr_assert_eq(db_int(c, &id, SQL_INS, "tn", "x"), DB_OK);
	pthread_create(&t, NULL, other_thread, NULL);
	pthread_join(t, &res);
	cr_assert_eq((intptr_t)res, 1);
	cr_assert_eq(db_conn(platform_db()), c);
}

Test(db, migrations_are_recorded_once)
{
	char err[256];
	cr_assert_eq(db_pending(platform_db(), platform_migration_groups()), 0);
	cr_assert_eq(db_migrate(platform_db(), platform_migration_groups(), err, sizeof(err)), 0);
	int64_t n;
	cr_assert_eq(db_int(platform_conn(), &n,
			    "SELECT count(*) FROM schema_migrations WHERE name = 'platform/0001_platform'",
			    ""),
		     DB_OK);
	cr_assert_eq(n, 1);
}

Test(db, snapshot_is_a_complete_copy)
{
	struct db_conn *c = platform_conn();
	char err[256], path[128];
	int64_t id;
	cr_assert_eq(db_exec_script(c, SQL_T), DB_OK);
	cr_assert_eq(db_int(c, &id, SQL_INS, "tn", "kept"), DB_OK);
	snprintf(path, sizeof(path), "%s/snap.db", platform_dir());
	cr_assert_eq(db_snapshot(platform_db(), path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(fixture_sh("test \"$(sqlite3 %s 'SELECT v FROM t')\" = kept", path), 0);
	cr_assert_neq(access(path, F_OK), -1);
}
