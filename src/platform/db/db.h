/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * db: the one way rudder talks to its database.
 *
 * A struct db is an opened database (SQLite file or, later, PostgreSQL
 * server) shared by all threads; each thread gets its own connection from
 * db_conn(). SQL is constant strings with placeholders $1..$n; values are
 * only ever bound, never spliced. Prepared statements are cached per
 * connection, keyed by the address of the SQL string, so store code
 * declares its SQL as static const strings.
 *
 * Result codes: DB_ROW / DB_DONE from stepping; DB_OK for success of a
 * whole operation; negative values are failures:
 *   DB_ERROR       hard error (our bug or a broken database), logged
 *   DB_RETRY       busy or serialization conflict: the transaction may be
 *                  run again (db_tx does this itself)
 *   DB_CONSTRAINT  a UNIQUE/CHECK/FOREIGN KEY constraint refused the write
 *   DB_UNAVAILABLE the database cannot be reached (answer 503)
 */
#ifndef RUDDER_DB_H
#define RUDDER_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum db_rc {
	DB_OK = 0,
	DB_ROW = 1,
	DB_DONE = 2,
	DB_ERROR = -1,
	DB_RETRY = -2,
	DB_CONSTRAINT = -3,
	DB_UNAVAILABLE = -4,
	DB_NOTFOUND = -5, /* for callers: a lookup that found nothing */
};

struct db;
struct db_conn;
struct db_stmt;

/* Opens a database by URL: "sqlite:/path/to/file.db". Returns NULL and an
 * error message (err, cap bytes) on failure. Nothing connects until a
 * thread asks for a connection, except that the URL is checked. */
struct db *db_open(const char *url, char *err, size_t cap);
void db_close(struct db *db); /* NULL is a no-op; closes every connection */
const char *db_backend(const struct db *db); /* "sqlite" */

/* This thread's connection, opened on first use and closed when the thread
 * ends or the db closes. NULL when the database cannot be reached. */
struct db_conn *db_conn(struct db *db);
/* The same, first replacing a connection that was lost (call where a unit
 * of work begins: a request, a worker's round). */
struct db_conn *db_conn_fresh(struct db *db);

/* The cached prepared statement for sql on this connection, reset and with
 * no bindings. NULL on a prepare error (logged: it is our bug). */
struct db_stmt *db_prepare(struct db_conn *c, const char *sql);
/* A statement not cached, for SQL built at run time from the schema's own
 * names (db_copy); values are still only bound. Free with db_finalize. */
struct db_stmt *db_prepare_once(struct db_conn *c, const char *sql);
void db_finalize(struct db_stmt *st);
void db_bind_int(struct db_stmt *st, int idx, int64_t v);
void db_bind_text(struct db_stmt *st, int idx, const char *s); /* NULL binds NULL */
void db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t n);
void db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n);
void db_bind_null(struct db_stmt *st, int idx);
/* DB_ROW, DB_DONE or a negative code. */
int db_step(struct db_stmt *st);
int db_col_count(struct db_stmt *st);
bool db_col_null(struct db_stmt *st, int col);
int64_t db_col_int(struct db_stmt *st, int col);
/* Borrowed until the next step or db_reset; "" for NULL. */
const char *db_col_text(struct db_stmt *st, int col);
const void *db_col_blob(struct db_stmt *st, int col, size_t *len_r);
/* Ends use of a statement (resets it, drops bindings). Always call. */
void db_reset(struct db_stmt *st);

/* One statement with bound values and no result rows wanted. types holds
 * one letter per value: i int64_t, t const char * (NULL binds NULL),
 * b const void * then size_t, n nothing (binds NULL).
 * Returns the number of rows changed (>= 0) or a negative code. */
int db_run(struct db_conn *c, const char *sql, const char *types, ...);
/* Like db_run for a statement returning one integer (RETURNING id,
 * SELECT count(*)): DB_OK with *out_r set, DB_NOTFOUND, or negative. */
int db_int(struct db_conn *c, int64_t *out_r, const char *sql,
	   const char *types, ...);
/* Rows changed by the last statement on this connection. */
int db_changes(struct db_conn *c);
/* Runs a script of several statements without parameters (migrations). */
int db_exec_script(struct db_conn *c, const char *sql);

/* Runs fn inside a write transaction, committing when fn returns DB_OK
 * and rolling back otherwise. A conflict (DB_RETRY from any statement in
 * it, from fn or from COMMIT) runs it again, a few times, with backoff:
 * fn must be safe to run more than once. Returns what fn returned, or the
 * commit's failure. Inside another transaction, db_tx is a savepoint:
 * fn's writes are undone when it fails, and the outer transaction
 * decides the rest. */
typedef int (*db_tx_fn)(struct db_conn *c, void *ctx);
int db_tx(struct db_conn *c, db_tx_fn fn, void *ctx);
/* The same, but taking the write lock only at the first write (SQLite:
 * a plain BEGIN), so slow reading work (a password check) does not hold
 * up other writers. */
int db_tx_deferred(struct db_conn *c, db_tx_fn fn, void *ctx);
bool db_in_tx(struct db_conn *c);
/* What fn met is a conflict though no statement said so (a key another
 * transaction took meanwhile): the transaction runs again from the
 * start, as after DB_RETRY. */
void db_conflict(struct db_conn *c);
/* A transaction that writes a great deal comes next (on) or is over
 * (off): SQLite keeps up to 256 MiB of pages in memory meanwhile instead
 * of spilling them to the WAL and reading them back. Costs memory only
 * while on; PostgreSQL needs nothing. */
void db_bulk(struct db_conn *c, bool on);
/* How many times this connection found the database unreachable. */
unsigned db_unavailable_count(struct db_conn *c);

/* Last error text of this connection (for logs; holds no values). */
const char *db_errmsg(struct db_conn *c);

/* Counters for /metrics. */
uint64_t db_busy_retries(void);

/* Migrations: applies every embedded sql/<group>/NNNN_name migration not
 * yet applied, for each group in order ("platform" first, then modules);
 * groups NULL means those set with db_set_groups.
 * Returns the count applied or -1 (err holds why). */
void db_set_groups(const char *const *groups);
int db_migrate(struct db *db, const char *const *groups, char *err, size_t cap);
/* Pending migrations count, without applying them. */
int db_pending(struct db *db, const char *const *groups);

/* An online, consistent copy of the database into a new SQLite file at
 * path (used by backups). */
int db_snapshot(struct db *db, const char *path, char *err, size_t cap);

/* Copies every table of src into dst, which must have the same schema
 * (migrated) and no rows. Checks row counts and a hash of every table's
 * contents on both sides afterwards. When report is not NULL it is called
 * for each table with its row count. Returns 0 or -1 with a reason. */
int db_copy(struct db *src, struct db *dst,
	    void (*report)(const char *table, int64_t rows), char *err,
	    size_t cap);

/* ---- events between processes (PostgreSQL LISTEN/NOTIFY) ---- */
struct listener;
bool db_can_notify(const struct db *db);
/* Sends payload on channel; with a transaction open, at its commit. */
int db_notify(struct db_conn *c, const char *channel, const char *payload);
/* Starts a thread with its own connection that calls cb for every payload
 * sent on channel (by any process, this one too), reconnecting when the
 * connection is lost. NULL when the backend has no events. */
struct listener *db_listen(struct db *db, const char *channel,
			   void (*cb)(const char *payload, void *arg),
			   void *arg);
void db_listen_stop(struct listener *l);

#endif
