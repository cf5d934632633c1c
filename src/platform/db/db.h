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
	DB_STALE = -6,	  /* for callers: a write naming a version of a
			     record that is no longer its current one */
};

struct arena;
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
/* ---- reading rows into structs ----
 * A row is read into a struct of the caller's through a map: one entry
 * per result column, in order, ending with DB_COLS_END. DB_COL picks how
 * to read from the member's type (int64_t, int, bool, const char *,
 * struct db_blob); text and blobs are copied into the arena (text "" for
 * NULL), or borrowed until the next row when the arena is NULL (which
 * only db_each can use, or a map of numbers alone). DB_COL_FN reads a
 * column with a function of the caller's (unsealing, enums); DB_COL_SKIP
 * reads nothing. For rows of one scalar (a list of ids), DB_COL_SELF(T).
 *
 *   static const struct db_map BRANCH[] = {
 *       DB_COL(struct branch, id), DB_COL(struct branch, name),
 *       DB_COLS_END};
 *   rc = db_row(c, a, BRANCH, &b, SQL_BRANCH, "i", id);
 *
 * None of them takes a failed step for the end of the rows. */
typedef void (*db_col_fn)(struct db_stmt *st, int col, struct arena *a,
			  void *field, const void *arg);
enum db_map_kind {
	DB_MAP_END,
	DB_MAP_SKIP,
	DB_MAP_I64,
	DB_MAP_INT,
	DB_MAP_BOOL,
	DB_MAP_TEXT,
	DB_MAP_BLOB,
	DB_MAP_FN,
};
/* A blob column's bytes (arena copy, or borrowed like text); p NULL and
 * len 0 for NULL. */
struct db_blob {
	const void *p;
	size_t len;
};
struct db_map {
	enum db_map_kind kind;
	size_t off;
	db_col_fn fn;
	const void *arg;
};
#define DB_MAP_KIND_OF(x)                                                      \
	_Generic((x), int64_t: DB_MAP_I64, int: DB_MAP_INT, bool: DB_MAP_BOOL, \
		 const char *: DB_MAP_TEXT, char *: DB_MAP_TEXT,     \
		 struct db_blob: DB_MAP_BLOB)
#define DB_COL(type, member)                                                   \
	{DB_MAP_KIND_OF(((type *)0)->member), offsetof(type, member), NULL,    \
	 NULL}
#define DB_COL_FN(type, member, fn, arg)                                       \
	{DB_MAP_FN, offsetof(type, member), (fn), (arg)}
#define DB_COL_SELF(type) {DB_MAP_KIND_OF(*(type *)0), 0, NULL, NULL}
#define DB_COL_SELF_FN(fn, arg) {DB_MAP_FN, 0, (fn), (arg)}
#define DB_COL_SKIP {DB_MAP_SKIP, 0, NULL, NULL}
#define DB_COLS_END {DB_MAP_END, 0, NULL, NULL}

/* Reads the current row of st into out by map (for code that steps a
 * statement itself: copies, merges of two ordered statements). */
void db_read(struct db_stmt *st, struct arena *a, const struct db_map *map,
	     void *out);
/* The first row of sql into *out: DB_OK, DB_NOTFOUND or negative. The
 * statement runs to its end (a RETURNING write completes). */
int db_row(struct db_conn *c, struct arena *a, const struct db_map *map,
	   void *out, const char *sql, const char *types, ...);
/* Every row of sql as an arena array of structs of size bytes, in
 * *(void **)arr_r, their count in *n_r: DB_OK (maybe no rows) or
 * negative (then *arr_r is NULL and *n_r 0). */
int db_rows(struct db_conn *c, struct arena *a, const struct db_map *map,
	    size_t size, void *arr_r, size_t *n_r, const char *sql,
	    const char *types, ...);
/* Streams rows: each row read into *row (the caller's struct) by map,
 * then fn(row, arg). fn returns 0 for the next row, > 0 to stop there
 * (db_each then returns DB_OK) or a negative code (returned as is). With
 * a NULL arena, text members borrow the row's text until fn returns. */
int db_each(struct db_conn *c, struct arena *a, const struct db_map *map,
	    void *row, int (*fn)(void *row, void *arg), void *arg,
	    const char *sql, const char *types, ...);

/* ---- one statement for many rows ----
 * An INSERT of many rows, or a lookup IN a list, as one statement: head
 * (with its own placeholders $1..$h, if any), then row repeated and
 * joined by sep, then tail (which has no placeholders). The template's
 * row holds $h+1..$h+m; its copy j (from 0) holds them moved on by j*m,
 * so the caller binds copy j's value for $p at $(p + j*m).
 *
 *   static const struct db_rows MARKS = {
 *       "INSERT INTO poll_marks (poll_id, mandate_id) VALUES ",
 *       "($1, $2)", ", ", ""};
 *
 * Only placeholders are ever put into the text; values are bound. */
struct db_rows {
	const char *head, *row, *sep, *tail;
};
/* most rows in one statement: bounds the values bound at once (well
 * under SQLite's 32766 and PostgreSQL's 65535 for a row of 100) and the
 * size of what each connection keeps prepared */
#define DB_ROWS_MAX 256
/* The SQL of t for as many of n rows (n >= 1) as one statement takes: a
 * power of two, at most DB_ROWS_MAX, and *rows_r says how many. The text
 * is built on first use and kept until the process ends, so its address
 * does not change and db_prepare caches it like a constant's: n rows take
 * one statement per bit of n (each DB_ROWS_MAX rows one more), and a
 * connection prepares at most one per power of two. A lookup, whose
 * rows may come twice (an IN list), can ask for the power of two above
 * n instead and repeat its last value. t must be static. */
const char *db_rows_sql(const struct db_rows *t, size_t n, size_t *rows_r);

/* Rows changed by the last statement on this connection. */
int db_changes(struct db_conn *c);
/* Leaves nothing of table's insertion order or deleted rows in the
 * database's files, outside any transaction (a closed secret poll's
 * ballots): PostgreSQL rewrites the table (VACUUM FULL), SQLite empties
 * its write-ahead log into the database (its rows are in key order,
 * deleted ones zeroed). table is a constant name of our schema. */
int db_compact(struct db_conn *c, const char *table);
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
/* Runs fn(arg) once the outermost transaction open on c commits; never
 * when it rolls back, or when the savepoint it was queued in is undone;
 * a transaction run again after a conflict starts with nothing queued,
 * so work is never done twice. With no transaction open, at once. For
 * what must not see uncommitted data: publishing live events, refreshing
 * caches. arg must outlive the transaction (static, an id cast to a
 * pointer, or the request's arena): fn may never run, so it cannot own
 * arg. */
void db_on_commit(struct db_conn *c, void (*fn)(void *), void *arg);
/* The same, but fn is queued once per transaction: a later call
 * replaces the arg of the one queued (the last audit entry's id). */
void db_on_commit_last(struct db_conn *c, void (*fn)(void *), void *arg);
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
