/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The SQLite driver: one connection per thread (opened NOMUTEX, because
 * it never leaves its thread), WAL journal, foreign keys on, full fsync
 * on commit (nothing acknowledged is lost on power failure), secure_delete
 * so erased personal data does not linger in free pages, and a busy
 * handler of our own that counts waits for /metrics.
 *
 * Placeholders $1..$n are SQLite named parameters "$1".."$n", so the same
 * SQL text works here and on PostgreSQL.
 */
#include "driver.h"
#include "platform/core/core.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct db_driver_conn {
	sqlite3 *h;
};

struct db_driver_stmt {
	sqlite3_stmt *st;
	sqlite3 *h;
	/* SQLite's index of the parameter named "$n" at index[n] (0: none),
	 * looked up once: SQLite's own lookup by name walks the list of
	 * names, which a statement of many rows would do per value */
	int *index;
	int nindex;
};

#define BUSY_LIMIT_MS 5000
#define PARAMS_MAX 32766 /* SQLite's default most bound values */

static int busy_handler(void *arg, int count)
{
	struct timespec ts;
	int delay_ms = count < 10 ? 1 << (count < 5 ? count : 5) : 50;

	(void)arg;
	/* total wait is bounded; after it SQLite reports SQLITE_BUSY */
	if ((long)count * 50 > BUSY_LIMIT_MS)
		return 0;
	db_count_busy();
	ts.tv_sec = 0;
	ts.tv_nsec = (long)delay_ms * 1000000L;
	nanosleep(&ts, NULL);
	return 1;
}

static int map_rc(int rc)
{
	switch (rc & 0xFF) {
	case SQLITE_OK:
		return DB_OK;
	case SQLITE_ROW:
		return DB_ROW;
	case SQLITE_DONE:
		return DB_DONE;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_RETRY;
	case SQLITE_CONSTRAINT:
		return DB_CONSTRAINT;
	case SQLITE_CANTOPEN:
		return DB_UNAVAILABLE;
	default:
		return DB_ERROR;
	}
}

static struct db_driver_conn *sq_connect(const char *target, char *err,
					 size_t cap)
{
	static const char *pragmas =
		"PRAGMA journal_mode=WAL;"
		"PRAGMA foreign_keys=ON;"
		"PRAGMA synchronous=FULL;"
		"PRAGMA secure_delete=ON;"
		/* statement journals (one per savepoint) and temporary
		 * b-trees stay in memory: no file, and no write call per
		 * page changed inside a savepoint */
		"PRAGMA temp_store=MEMORY;"
		"PRAGMA trusted_schema=OFF;";
	struct db_driver_conn *c;
	sqlite3 *h = NULL;
	char *msg = NULL;
	int rc;

	rc = sqlite3_open_v2(target, &h,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, cap, "cannot open %s: %s", target,
			 h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_extended_result_codes(h, 1);
	sqlite3_busy_handler(h, busy_handler, NULL);
	/* no loading of extensions, no double-quoted string literals */
	sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	rc = sqlite3_exec(h, pragmas, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(err, cap, "cannot set up %s: %s", target,
			 msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		sqlite3_close(h);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->h = h;
	return c;
}

static void sq_disconnect(struct db_driver_conn *c)
{
	if (!c)
		return;
	sqlite3_close_v2(c->h);
	free(c);
}

/* n of a parameter named "$n", or 0 */
static int param_number(sqlite3_stmt *st, int i)
{
	const char *name = sqlite3_bind_parameter_name(st, i);
	long n = name && name[0] == '$' ? strtol(name + 1, NULL, 10) : 0;

	return n > 0 && n <= PARAMS_MAX ? (int)n : 0;
}

/* SQLite's index of each "$n", looked up once: most often n itself
 * (the $n come in order), but not always */
static void map_params(struct db_driver_stmt *s)
{
	int count = sqlite3_bind_parameter_count(s->st);

	for (int i = 1; i <= count; i++) {
		int n = param_number(s->st, i);
		s->nindex = n > s->nindex ? n : s->nindex;
	}
	s->index = xcalloc((size_t)s->nindex + 1, sizeof(int));
	for (int i = 1; i <= count; i++) {
		int n = param_number(s->st, i);
		if (n)
			s->index[n] = i;
	}
}

static struct db_driver_stmt *sq_prepare(struct db_driver_conn *c,
					 const char *sql)
{
	struct db_driver_stmt *s;
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
			       NULL) != SQLITE_OK) {
		log_error("db", "prepare failed: %s", sqlite3_errmsg(c->h));
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->st = st;
	s->h = c->h;
	map_params(s);
	return s;
}

static void sq_finalize(struct db_driver_stmt *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->st);
	free(s->index);
	free(s);
}

/* $n -> SQLite's index for the parameter named "$n" */
static int param(struct db_driver_stmt *s, int idx)
{
	char name[16];
	int i = idx >= 1 && idx <= s->nindex ? s->index[idx] : 0;

	if (i)
		return i;
	snprintf(name, sizeof(name), "$%d", idx);
	i = sqlite3_bind_parameter_index(s->st, name);
	if (i == 0)
		log_error("db", "statement has no parameter %s: %s", name,
			  sqlite3_sql(s->st));
	return i;
}

static void sq_bind_int(struct db_driver_stmt *s, int idx, int64_t v)
{
	sqlite3_bind_int64(s->st, param(s, idx), v);
}

static void sq_bind_text(struct db_driver_stmt *s, int idx, const char *p,
			 size_t n)
{
	sqlite3_bind_text64(s->st, param(s, idx), p, n, SQLITE_TRANSIENT,
			    SQLITE_UTF8);
}

static void sq_bind_blob(struct db_driver_stmt *s, int idx, const void *p,
			 size_t n)
{
	/* a zero-length blob must still be a blob, not NULL */
	if (n == 0)
		sqlite3_bind_zeroblob(s->st, param(s, idx), 0);
	else
		sqlite3_bind_blob64(s->st, param(s, idx), p, n,
				    SQLITE_TRANSIENT);
}

static void sq_bind_null(struct db_driver_stmt *s, int idx)
{
	sqlite3_bind_null(s->st, param(s, idx));
}

static int sq_step(struct db_driver_stmt *s)
{
	int rc = sqlite3_step(s->st);
	int m = map_rc(rc);

	if (m == DB_ERROR)
		log_error("db", "step failed: %s", sqlite3_errmsg(s->h));
	return m;
}

static int sq_col_count(struct db_driver_stmt *s)
{
	return sqlite3_column_count(s->st);
}

static bool sq_col_null(struct db_driver_stmt *s, int col)
{
	return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}

static int64_t sq_col_int(struct db_driver_stmt *s, int col)
{
	return sqlite3_column_int64(s->st, col);
}

static const char *sq_col_text(struct db_driver_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s->st, col);
	return t ? (const char *)t : "";
}

static const void *sq_col_blob(struct db_driver_stmt *s, int col,
			       size_t *len_r)
{
	const void *p = sqlite3_column_blob(s->st, col);
	*len_r = (size_t)sqlite3_column_bytes(s->st, col);
	return p ? p : "";
}

static void sq_reset(struct db_driver_stmt *s)
{
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
}

static int sq_changes(struct db_driver_conn *c)
{
	return sqlite3_changes(c->h);
}

static int sq_exec(struct db_driver_conn *c, const char *sql)
{
	int rc = sqlite3_exec(c->h, sql, NULL, NULL, NULL);
	int m = map_rc(rc);

	if (m == DB_ERROR)
		log_error("db", "exec failed: %s", sqlite3_errmsg(c->h));
	return m;
}

/* A big transaction: its pages stay in the cache (up to 256 MiB) until
 * the commit writes each once; then back to SQLite's default (2 MB). */
static void sq_bulk(struct db_driver_conn *c, bool on)
{
	sq_exec(c, on ? "PRAGMA cache_size=-262144" : "PRAGMA cache_size=-2000");
}

static int sq_begin(struct db_driver_conn *c, bool write_now)
{
	return sq_exec(c, write_now ? "BEGIN IMMEDIATE" : "BEGIN");
}

static int sq_commit(struct db_driver_conn *c)
{
	return sq_exec(c, "COMMIT");
}

static int sq_rollback(struct db_driver_conn *c)
{
	if (sqlite3_get_autocommit(c->h))
		return DB_OK; /* SQLite already rolled back on its own */
	return sq_exec(c, "ROLLBACK");
}

static const char *sq_errmsg(struct db_driver_conn *c)
{
	return sqlite3_errmsg(c->h);
}

static int sq_snapshot(struct db_driver_conn *c, const char *path, char *err,
		       size_t cap)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *bk;
	int rc;

	rc = sqlite3_open_v2(path, &dst,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, cap, "cannot create %s: %s", path,
			 sqlite3_errstr(rc));
		sqlite3_close(dst);
		return -1;
	}
	bk = sqlite3_backup_init(dst, "main", c->h, "main");
	if (!bk) {
		snprintf(err, cap, "cannot start the copy: %s",
			 sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return -1;
	}
	/* one step copies everything under one read transaction: consistent */
	do {
		rc = sqlite3_backup_step(bk, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(bk);
	if (rc != SQLITE_DONE) {
		snprintf(err, cap, "copy failed: %s", sqlite3_errstr(rc));
		sqlite3_close(dst);
		return -1;
	}
	/* the copy is a single self-contained file, no WAL beside it */
	sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	rc = sqlite3_close(dst);
	return rc == SQLITE_OK ? 0 : -1;
}

const struct db_driver db_driver_sqlite = {
	.name = "sqlite",
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.bind_int = sq_bind_int,
	.bind_text = sq_bind_text,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.col_count = sq_col_count,
	.col_null = sq_col_null,
	.col_int = sq_col_int,
	.col_text = sq_col_text,
	.col_blob = sq_col_blob,
	.reset = sq_reset,
	.changes = sq_changes,
	.exec = sq_exec,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.errmsg = sq_errmsg,
	.snapshot = sq_snapshot,
	.bulk = sq_bulk,
};
