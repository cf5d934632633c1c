/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The backend-independent half of db.h: per-thread connections, the
 * prepared-statement cache, db_run/db_int, transactions with retry, and
 * the migration runner over embedded sql/ assets.
 */
#include "db.h"
#include "driver.h"
#include "platform/core/assets.h"
#include "platform/core/core.h"

#include <assert.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STMT_SLOTS 256 /* first size of a connection's statement table */

struct db {
	const struct db_driver *drv;
	char *target;
	pthread_key_t key;
	pthread_mutex_t lock; /* guards conns */
	struct db_conn *conns;
};

struct db_stmt {
	struct db_conn *conn;
	struct db_driver_stmt *ds;
	const char *sql; /* cache key: the address of the constant string */
	int nparams;	 /* its highest $n, counted once when prepared */
};

struct db_conn {
	struct db *db;
	struct db_driver_conn *dc;
	/* prepared statements by the address of their constant SQL: open
	 * addressing over pointers, doubled when three quarters full, so a
	 * statement a caller holds never moves */
	struct db_stmt **cache;
	size_t nslots, nused;
	bool in_tx;
	int savepoints;      /* nested db_tx depth */
	unsigned retries;    /* DB_RETRY results seen (see db_seen) */
	unsigned unavailable; /* DB_UNAVAILABLE results seen */
	/* work waiting for the outermost transaction to commit */
	struct after {
		void (*fn)(void *);
		void *arg;
	} *after;
	size_t nafter, capafter;
	struct db_conn *next; /* in db->conns */
};

static bool lost(struct db_conn *c)
{
	return c->db->drv->broken && c->db->drv->broken(c->dc);
}

/* Notes failures that decide a whole transaction's fate. */
static int seen(struct db_conn *c, int rc)
{
	if (rc == DB_RETRY)
		c->retries++;
	else if (rc == DB_UNAVAILABLE)
		c->unavailable++;
	return rc;
}

static atomic_uint_fast64_t busy_count;
static const char *const *registered_groups;

void db_set_groups(const char *const *groups)
{
	registered_groups = groups;
}

void db_count_busy(void)
{
	atomic_fetch_add(&busy_count, 1);
}

uint64_t db_busy_retries(void)
{
	return atomic_load(&busy_count);
}

static void conn_close(struct db_conn *c)
{
	for (size_t i = 0; i < c->nslots; i++)
		if (c->cache[i]) {
			c->db->drv->finalize(c->cache[i]->ds);
			free(c->cache[i]);
		}
	free(c->cache);
	free(c->after);
	c->db->drv->disconnect(c->dc);
	free(c);
}

/* thread exit: unlink this thread's connection and close it */
static void conn_release(void *p)
{
	struct db_conn *c = p;
	struct db *db = c->db;

	pthread_mutex_lock(&db->lock);
	for (struct db_conn **pp = &db->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	pthread_mutex_unlock(&db->lock);
	conn_close(c);
}

struct db *db_open(const char *url, char *err, size_t cap)
{
	struct db *db;
	const struct db_driver *drv;
	const char *target;

	if (str_starts(url, "sqlite:") && url[7] != '\0') {
		drv = &db_driver_sqlite;
		target = url + 7;
	} else if (str_starts(url, "postgres://") ||
		   str_starts(url, "postgresql://")) {
		drv = &db_driver_pg;
		target = url;
	} else {
		snprintf(err, cap,
			 "cannot use '%s' as a database (expected sqlite:PATH "
			 "or postgres://...)",
			 url);
		return NULL;
	}
	db = xcalloc(1, sizeof(*db));
	db->drv = drv;
	db->target = xstrdup(target);
	pthread_mutex_init(&db->lock, NULL);
	if (pthread_key_create(&db->key, conn_release) != 0) {
		snprintf(err, cap, "cannot create a thread key");
		free(db->target);
		free(db);
		return NULL;
	}
	return db;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	/* connections of threads still alive are closed here; their key
	 * slot is dropped with the key so the destructor never runs */
	pthread_mutex_lock(&db->lock);
	while (db->conns) {
		struct db_conn *c = db->conns;
		db->conns = c->next;
		conn_close(c);
	}
	pthread_mutex_unlock(&db->lock);
	pthread_setspecific(db->key, NULL);
	pthread_key_delete(db->key);
	pthread_mutex_destroy(&db->lock);
	free(db->target);
	free(db);
}

const char *db_backend(const struct db *db)
{
	return db->drv->name;
}

/* Closes this thread's connection (it was lost) so the next db_conn()
 * makes a new one. */
static void conn_drop(struct db *db, struct db_conn *c)
{
	pthread_setspecific(db->key, NULL);
	conn_release(c);
}

struct db_conn *db_conn_fresh(struct db *db)
{
	struct db_conn *c = pthread_getspecific(db->key);

	if (c && !c->in_tx && db->drv->broken && db->drv->broken(c->dc)) {
		log_warn("db", "the database connection was lost; reconnecting");
		conn_drop(db, c);
	}
	return db_conn(db);
}

struct db_conn *db_conn(struct db *db)
{
	struct db_conn *c = pthread_getspecific(db->key);
	char err[256];

	if (c)
		return c;
	c = xcalloc(1, sizeof(*c));
	c->db = db;
	c->dc = db->drv->connect(db->target, err, sizeof(err));
	if (!c->dc) {
		log_error("db", "%s", err);
		free(c);
		return NULL;
	}
	pthread_mutex_lock(&db->lock);
	c->next = db->conns;
	db->conns = c;
	pthread_mutex_unlock(&db->lock);
	pthread_setspecific(db->key, c);
	return c;
}

static size_t slot_of(const struct db_conn *c, const char *sql)
{
	size_t i = ((uintptr_t)sql >> 3) % c->nslots;

	while (c->cache[i] && c->cache[i]->sql != sql)
		i = (i + 1) % c->nslots;
	return i;
}

static void cache_grow(struct db_conn *c)
{
	struct db_stmt **old = c->cache;
	size_t n = c->nslots;

	c->nslots = n ? n * 2 : STMT_SLOTS;
	c->cache = xcalloc(c->nslots, sizeof(*c->cache));
	for (size_t i = 0; i < n; i++)
		if (old[i])
			c->cache[slot_of(c, old[i]->sql)] = old[i];
	free(old);
}

/* The highest $n of sql (outside quoted text). */
static int placeholders(const char *sql)
{
	int most = 0;
	bool quoted = false;

	for (const char *p = sql; *p; p++) {
		if (*p == '\'')
			quoted = !quoted;
		else if (!quoted && *p == '$' && p[1] >= '1' && p[1] <= '9') {
			int n = (int)strtol(p + 1, NULL, 10);
			most = n > most ? n : most;
		}
	}
	return most;
}

struct db_stmt *db_prepare(struct db_conn *c, const char *sql)
{
	struct db_driver_stmt *ds;
	struct db_stmt *s;
	size_t i;

	if ((c->nused + 1) * 4 > c->nslots * 3)
		cache_grow(c);
	i = slot_of(c, sql);
	if (c->cache[i])
		return c->cache[i];
	ds = c->db->drv->prepare(c->dc, sql);
	if (!ds) {
		/* a lost connection shows first here */
		if (c->db->drv->broken && c->db->drv->broken(c->dc))
			seen(c, DB_UNAVAILABLE);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->ds = ds;
	s->sql = sql;
	s->conn = c;
	s->nparams = placeholders(sql);
	c->cache[i] = s;
	c->nused++;
	return s;
}

struct db_stmt *db_prepare_once(struct db_conn *c, const char *sql)
{
	struct db_driver_stmt *ds = c->db->drv->prepare(c->dc, sql);
	struct db_stmt *st;

	if (!ds)
		return NULL;
	st = xcalloc(1, sizeof(*st));
	st->conn = c;
	st->ds = ds;
	st->nparams = placeholders(sql);
	return st;
}

void db_finalize(struct db_stmt *st)
{
	if (!st)
		return;
	st->conn->db->drv->finalize(st->ds);
	free(st);
}

void db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
	st->conn->db->drv->bind_int(st->ds, idx, v);
}

void db_bind_text(struct db_stmt *st, int idx, const char *s)
{
	if (s)
		st->conn->db->drv->bind_text(st->ds, idx, s, strlen(s));
	else
		st->conn->db->drv->bind_null(st->ds, idx);
}

void db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t n)
{
	st->conn->db->drv->bind_text(st->ds, idx, s, n);
}

void db_bind_blob(struct db_stmt *st, int idx, const void *p, size_t n)
{
	st->conn->db->drv->bind_blob(st->ds, idx, p, n);
}

void db_bind_null(struct db_stmt *st, int idx)
{
	st->conn->db->drv->bind_null(st->ds, idx);
}

int db_step(struct db_stmt *st)
{
	return seen(st->conn, st->conn->db->drv->step(st->ds));
}

int db_col_count(struct db_stmt *st)
{
	return st->conn->db->drv->col_count(st->ds);
}

bool db_col_null(struct db_stmt *st, int col)
{
	return st->conn->db->drv->col_null(st->ds, col);
}

int64_t db_col_int(struct db_stmt *st, int col)
{
	return st->conn->db->drv->col_int(st->ds, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
	return st->conn->db->drv->col_text(st->ds, col);
}

const void *db_col_blob(struct db_stmt *st, int col, size_t *len_r)
{
	return st->conn->db->drv->col_blob(st->ds, col, len_r);
}

void db_reset(struct db_stmt *st)
{
	if (st)
		st->conn->db->drv->reset(st->ds);
}

static void bind_va(struct db_stmt *st, const char *types, va_list ap)
{
	for (int i = 0; types[i]; i++) {
		switch (types[i]) {
		case 'i':
			db_bind_int(st, i + 1, va_arg(ap, int64_t));
			break;
		case 't':
			db_bind_text(st, i + 1, va_arg(ap, const char *));
			break;
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			db_bind_blob(st, i + 1, p, n);
			break;
		}
		case 'n':
			db_bind_null(st, i + 1);
			break;
		default:
			log_error("db", "bad bind type '%c'", types[i]);
			abort();
		}
	}
}

/* The prepared, bound statement, or NULL with *rc_r set. */
static struct db_stmt *start(struct db_conn *c, const char *sql,
			     const char *types, va_list ap, int *rc_r)
{
	struct db_stmt *st = db_prepare(c, sql);

	if (!st) {
		*rc_r = lost(c) ? DB_UNAVAILABLE : DB_ERROR;
		return NULL;
	}
	/* one value per placeholder (counted when the statement was
	 * prepared, not at each run): a letter too few binds the next value
	 * as the wrong type (a pointer stored as a number, once). Our bug:
	 * refused loudly (the log names the statement; the request is a
	 * 500), never run */
	if ((int)strlen(types) != st->nparams) {
		log_error("db", "%d values for %d placeholders in: %.80s",
			  (int)strlen(types), st->nparams, sql);
		*rc_r = DB_ERROR;
		return NULL;
	}
	bind_va(st, types, ap);
	return st;
}

int db_run(struct db_conn *c, const char *sql, const char *types, ...)
{
	struct db_stmt *st;
	va_list ap;
	int rc;

	va_start(ap, types);
	st = start(c, sql, types, ap, &rc);
	va_end(ap);
	if (!st)
		return rc;
	while ((rc = db_step(st)) == DB_ROW)
		;
	db_reset(st);
	if (rc != DB_DONE)
		return rc;
	return c->db->drv->changes(c->dc);
}

void db_read(struct db_stmt *st, struct arena *a, const struct db_map *map,
	     void *out)
{
	for (int col = 0; map[col].kind != DB_MAP_END; col++) {
		void *field = (char *)out + map[col].off;
		const char *text;

		switch (map[col].kind) {
		case DB_MAP_I64:
			*(int64_t *)field = db_col_int(st, col);
			break;
		case DB_MAP_INT:
			*(int *)field = (int)db_col_int(st, col);
			break;
		case DB_MAP_BOOL:
			*(bool *)field = db_col_int(st, col) != 0;
			break;
		case DB_MAP_TEXT:
			text = db_col_text(st, col);
			*(const char **)field = a ? arena_strdup(a, text) : text;
			break;
		case DB_MAP_BLOB: {
			struct db_blob *b = field;
			b->p = db_col_null(st, col) ? NULL
						    : db_col_blob(st, col, &b->len);
			if (!b->p)
				b->len = 0;
			else if (a)
				b->p = arena_memdup(a, b->p, b->len);
			break;
		}
		case DB_MAP_FN:
			map[col].fn(st, col, a, field, map[col].arg);
			break;
		case DB_MAP_SKIP:
		case DB_MAP_END:
			break;
		}
	}
}

/* The first row into out (the rest read, so that a RETURNING write
 * completes): DB_OK, DB_NOTFOUND, or the error. */
static int first_row(struct db_conn *c, struct arena *a,
		     const struct db_map *map, void *out, const char *sql,
		     const char *types, va_list ap)
{
	int rc;
	struct db_stmt *st = start(c, sql, types, ap, &rc);

	if (!st)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		db_read(st, a, map, out);
		while ((rc = db_step(st)) == DB_ROW)
			;
		rc = rc == DB_DONE ? DB_OK : rc;
	} else if (rc == DB_DONE) {
		rc = DB_NOTFOUND;
	}
	db_reset(st);
	return rc;
}

int db_row(struct db_conn *c, struct arena *a, const struct db_map *map,
	   void *out, const char *sql, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = first_row(c, a, map, out, sql, types, ap);
	va_end(ap);
	return rc;
}

int db_int(struct db_conn *c, int64_t *out_r, const char *sql,
	   const char *types, ...)
{
	static const struct db_map one[] = {DB_COL_SELF(int64_t), DB_COLS_END};
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = first_row(c, NULL, one, out_r, sql, types, ap);
	va_end(ap);
	return rc;
}

int db_rows(struct db_conn *c, struct arena *a, const struct db_map *map,
	    size_t size, void *arr_r, size_t *n_r, const char *sql,
	    const char *types, ...)
{
	struct db_stmt *st;
	char *arr = NULL;
	size_t n = 0, cap = 0;
	va_list ap;
	int rc;

	*(void **)arr_r = NULL;
	*n_r = 0;
	va_start(ap, types);
	st = start(c, sql, types, ap, &rc);
	va_end(ap);
	if (!st)
		return rc;
	while ((rc = db_step(st)) == DB_ROW) {
		arr = arena_grow(a, arr, n, &cap, size);
		db_read(st, a, map, arr + size * n++);
	}
	db_reset(st);
	if (rc != DB_DONE)
		return rc;
	*(void **)arr_r = arr;
	*n_r = n;
	return DB_OK;
}

int db_each(struct db_conn *c, struct arena *a, const struct db_map *map,
	    void *row, int (*fn)(void *row, void *arg), void *arg,
	    const char *sql, const char *types, ...)
{
	struct db_stmt *st;
	va_list ap;
	int rc, frc = 0;

	va_start(ap, types);
	st = start(c, sql, types, ap, &rc);
	va_end(ap);
	if (!st)
		return rc;
	while (frc == 0 && (rc = db_step(st)) == DB_ROW) {
		db_read(st, a, map, row);
		frc = fn(row, arg);
	}
	db_reset(st);
	if (frc < 0)
		return frc;
	if (frc > 0)
		return DB_OK;
	return rc == DB_DONE ? DB_OK : rc;
}

/* Statements over many rows (db.h): their text by template and power of
 * two, built once and kept for the process's life, so that each keeps
 * one address (db_prepare's cache key). */
#define ROWS_SIZES 9 /* 1, 2, 4 … DB_ROWS_MAX */
_Static_assert(DB_ROWS_MAX == 1 << (ROWS_SIZES - 1), "one text per power of two");

static struct rows_text {
	const struct db_rows *t;
	const char *sql[ROWS_SIZES];
	struct rows_text *next;
} *rows_texts;
static pthread_mutex_t rows_lock = PTHREAD_MUTEX_INITIALIZER;

/* head, then rows copies of row (placeholders moved on by m a copy),
 * then tail: only placeholders are written, never a value. */
static char *rows_build(const struct db_rows *t, size_t rows)
{
	int h = placeholders(t->head), m = placeholders(t->row) - h;
	struct buf b;

	assert(m >= 1 && placeholders(t->tail) == 0);
	buf_init(&b);
	buf_puts(&b, t->head);
	for (size_t j = 0; j < rows; j++) {
		bool quoted = false;

		if (j)
			buf_puts(&b, t->sep);
		for (const char *p = t->row; *p;) {
			char *end;
			long n;

			if (*p == '\'')
				quoted = !quoted;
			if (quoted || *p != '$' || p[1] < '1' || p[1] > '9') {
				buf_putc(&b, *p++);
				continue;
			}
			n = strtol(p + 1, &end, 10);
			assert(n > h);
			buf_printf(&b, "$%ld", n + (long)j * m);
			p = end;
		}
	}
	buf_puts(&b, t->tail);
	return buf_steal(&b, NULL);
}

const char *db_rows_sql(const struct db_rows *t, size_t n, size_t *rows_r)
{
	struct rows_text *r;
	int size = 0;

	assert(n >= 1);
	while (size + 1 < ROWS_SIZES && (size_t)1 << (size + 1) <= n)
		size++;
	*rows_r = (size_t)1 << size;
	pthread_mutex_lock(&rows_lock);
	for (r = rows_texts; r && r->t != t; r = r->next)
		;
	if (!r) {
		r = xcalloc(1, sizeof(*r));
		r->t = t;
		r->next = rows_texts;
		rows_texts = r;
	}
	if (!r->sql[size])
		r->sql[size] = rows_build(t, *rows_r);
	pthread_mutex_unlock(&rows_lock);
	return r->sql[size];
}

int db_changes(struct db_conn *c)
{
	return c->db->drv->changes(c->dc);
}

int db_exec_script(struct db_conn *c, const char *sql)
{
	return seen(c, c->db->drv->exec(c->dc, sql));
}

const char *db_errmsg(struct db_conn *c)
{
	return c->db->drv->errmsg(c->dc);
}

bool db_in_tx(struct db_conn *c)
{
	return c->in_tx;
}

static void backoff(int attempt)
{
	struct timespec ts = {0, 0};
	unsigned int r;

	random_bytes(&r, sizeof(r));
	ts.tv_nsec = (long)((5 << attempt) + (int)(r % 10)) * 1000000L;
	nanosleep(&ts, NULL);
}

/* Savepoint statements by depth, prepared once per connection: an import
 * runs one per row. Deeper nesting is compiled each time. */
static const char *const SP_BEGIN[] = {"", "SAVEPOINT sp1", "SAVEPOINT sp2",
					"SAVEPOINT sp3"};
static const char *const SP_UNDO[] = {"", "ROLLBACK TO SAVEPOINT sp1",
				       "ROLLBACK TO SAVEPOINT sp2",
				       "ROLLBACK TO SAVEPOINT sp3"};
static const char *const SP_RELEASE[] = {"", "RELEASE SAVEPOINT sp1",
					  "RELEASE SAVEPOINT sp2",
					  "RELEASE SAVEPOINT sp3"};

static int sp_run(struct db_conn *c, const char *const *sqls, const char *fmt,
		  int depth)
{
	char sql[64];
	struct db_stmt *st;
	int rc;

	if (depth >= (int)ARRAY_LEN(SP_BEGIN)) {
		snprintf(sql, sizeof(sql), fmt, depth);
		return db_exec_script(c, sql);
	}
	if (!(st = db_prepare(c, sqls[depth])))
		return lost(c) ? DB_UNAVAILABLE : DB_ERROR;
	rc = db_step(st);
	db_reset(st);
	return rc == DB_DONE ? DB_OK : rc;
}

/* A db_tx inside another: a savepoint, released when fn succeeds and
 * rolled back to when it does not; the outer transaction decides. */
static int savepoint(struct db_conn *c, db_tx_fn fn, void *ctx)
{
	int rc, depth = ++c->savepoints;
	size_t nafter = c->nafter;

	rc = sp_run(c, SP_BEGIN, "SAVEPOINT sp%d", depth);
	if (rc == DB_OK) {
		rc = fn(c, ctx);
		if (rc != DB_OK) {
			/* what it undid will not happen: nor will its work */
			c->nafter = nafter;
			sp_run(c, SP_UNDO, "ROLLBACK TO SAVEPOINT sp%d", depth);
		}
		sp_run(c, SP_RELEASE, "RELEASE SAVEPOINT sp%d", depth);
	}
	c->savepoints--;
	return rc;
}

/* Runs what waited for the commit, in order. Work may open transactions
 * of its own and queue more: the list is taken first. */
static void run_after(struct db_conn *c)
{
	struct after *list = c->after;
	size_t n = c->nafter, cap = c->capafter;

	c->after = NULL;
	c->nafter = c->capafter = 0;
	for (size_t i = 0; i < n; i++)
		list[i].fn(list[i].arg);
	if (!c->after) { /* keep the room for the next transaction */
		c->after = list;
		c->capafter = cap;
	} else {
		free(list);
	}
}

void db_on_commit(struct db_conn *c, void (*fn)(void *), void *arg)
{
	if (!c || !c->in_tx) {
		fn(arg);
		return;
	}
	if (c->nafter == c->capafter) {
		c->capafter = c->capafter ? 2 * c->capafter : 8;
		c->after = xrealloc(c->after, c->capafter * sizeof(*c->after));
	}
	c->after[c->nafter].fn = fn;
	c->after[c->nafter].arg = arg;
	c->nafter++;
}

void db_on_commit_last(struct db_conn *c, void (*fn)(void *), void *arg)
{
	for (size_t i = 0; c && c->in_tx && i < c->nafter; i++) {
		if (c->after[i].fn == fn) {
			c->after[i].arg = arg;
			return;
		}
	}
	db_on_commit(c, fn, arg);
}

static int run_tx(struct db_conn *c, db_tx_fn fn, void *ctx, bool write_now)
{
	const struct db_driver *d = c->db->drv;
	int rc = DB_ERROR;

	if (c->in_tx)
		return savepoint(c, fn, ctx);
	for (int attempt = 0; attempt < 6; attempt++) {
		unsigned retries_before;

		if (attempt > 0) {
			db_count_busy();
			backoff(attempt);
		}
		rc = seen(c, d->begin(c->dc, write_now));
		if (rc == DB_RETRY)
			continue;
		if (rc != DB_OK)
			return rc;
		c->in_tx = true;
		c->nafter = 0; /* a run again starts with nothing waiting */
		retries_before = c->retries;
		rc = fn(c, ctx);
		/* a conflict inside, even one fn turned into another error,
		 * means the whole transaction runs again */
		if (c->retries != retries_before && rc != DB_UNAVAILABLE)
			rc = DB_RETRY;
		if (rc == DB_OK) {
			rc = seen(c, d->commit(c->dc));
			if (rc == DB_OK) {
				c->in_tx = false;
				run_after(c);
				return DB_OK;
			}
		}
		d->rollback(c->dc);
		c->in_tx = false;
		c->nafter = 0;
		if (rc != DB_RETRY)
			return rc;
	}
	return rc;
}

void db_conflict(struct db_conn *c)
{
	c->retries++;
}

int db_tx(struct db_conn *c, db_tx_fn fn, void *ctx)
{
	return run_tx(c, fn, ctx, true);
}

int db_tx_deferred(struct db_conn *c, db_tx_fn fn, void *ctx)
{
	return run_tx(c, fn, ctx, false);
}

const char *db_conn_backend(struct db_conn *c)
{
	return c->db->drv->name;
}

int db_compact(struct db_conn *c, const char *table)
{
	char sql[96];

	assert(!c->in_tx);
	for (const char *p = table; *p; p++)
		assert((*p >= 'a' && *p <= 'z') || *p == '_');
	if (strcmp(c->db->drv->name, "pg") == 0)
		snprintf(sql, sizeof(sql), "VACUUM FULL \"%s\"", table);
	else /* rows are in key order and deleted ones zeroed
	      * (secure_delete): what is left is the write-ahead log */
		snprintf(sql, sizeof(sql), "PRAGMA wal_checkpoint(TRUNCATE)");
	return db_exec_script(c, sql);
}

int db_after_copy(struct db_conn *c, const char *table)
{
	if (!c->db->drv->after_copy)
		return DB_OK;
	return seen(c, c->db->drv->after_copy(c->dc, table));
}

void db_bulk(struct db_conn *c, bool on)
{
	if (c->db->drv->bulk)
		c->db->drv->bulk(c->dc, on);
}

unsigned db_unavailable_count(struct db_conn *c)
{
	return c->unavailable;
}

/* ---- migrations ---- */

static const char SQL_MIG_TABLE[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" name TEXT PRIMARY KEY,"
	" applied_at INTEGER NOT NULL) STRICT";
static const char SQL_MIG_DONE[] =
	"SELECT 1 FROM schema_migrations WHERE name = $1";
static const char SQL_MIG_ADD[] =
	"INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)";

/* A migration named NNNN_x.sqlite or NNNN_x.pg is for one backend only;
 * returns the name to record (without the suffix) or NULL to skip. */
static char *migration_key(const struct db *db, const char *asset_name,
			   size_t prefix_len)
{
	const char *base = asset_name + prefix_len;
	const char *dot = strrchr(base, '.');
	char *key;

	if (dot) {
		if (strcmp(dot + 1, db->drv->name) != 0)
			return NULL;
		key = xasprintf("%.*s%.*s", (int)prefix_len - 4, asset_name + 4,
				(int)(dot - base), base);
	} else {
		key = xstrdup(asset_name + 4); /* without "sql/" */
	}
	return key;
}

struct mig_ctx {
	const char *key;
	const char *sql;
};

static int apply_one(struct db_conn *c, void *arg)
{
	struct mig_ctx *m = arg;
	int64_t one;
	int rc;

	/* another process may have applied it while we waited for the lock */
	if (c->db->drv->lock_migrations &&
	    (rc = seen(c, c->db->drv->lock_migrations(c->dc))) != DB_OK)
		return rc;
	rc = db_int(c, &one, SQL_MIG_DONE, "t", m->key);
	if (rc == DB_OK)
		return DB_OK;
	if (rc != DB_NOTFOUND)
		return rc;
	rc = db_exec_script(c, m->sql);
	if (rc != DB_OK)
		return rc;
	rc = db_run(c, SQL_MIG_ADD, "ti", m->key, (int64_t)time_now());
	return rc < 0 ? rc : DB_OK;
}

static int migrate(struct db *db, const char *const *groups, bool apply,
		   char *err, size_t cap)
{
	struct db_conn *c = db_conn(db);
	int applied = 0;

	if (!groups)
		groups = registered_groups;
	if (!c || !groups) {
		snprintf(err, cap, "cannot open the database");
		return -1;
	}
	if (db_exec_script(c, SQL_MIG_TABLE) != DB_OK) {
		snprintf(err, cap, "cannot create schema_migrations: %s",
			 db_errmsg(c));
		return -1;
	}
	for (size_t g = 0; groups[g]; g++) {
		char prefix[64];
		size_t count, first;

		snprintf(prefix, sizeof(prefix), "sql/%s/", groups[g]);
		first = asset_range(prefix, &count);
		for (size_t i = first; i < first + count; i++) {
			const struct asset *a = &assets_table[i];
			char *key = migration_key(db, a->name, strlen(prefix));
			int64_t one;
			int rc;

			if (!key)
				continue;
			rc = db_int(c, &one, SQL_MIG_DONE, "t", key);
			if (rc == DB_OK) {
				free(key);
				continue;
			}
			if (rc != DB_NOTFOUND) {
				snprintf(err, cap, "cannot read migrations: %s",
					 db_errmsg(c));
				free(key);
				return -1;
			}
			if (apply) {
				struct mig_ctx m = {key, (const char *)a->data};
				rc = db_tx(c, apply_one, &m);
				if (rc != DB_OK) {
					snprintf(err, cap, "migration %s failed: %s",
						 key, db_errmsg(c));
					free(key);
					return -1;
				}
				log_info("db", "applied migration %s", key);
			}
			applied++;
			free(key);
		}
	}
	return applied;
}

int db_migrate(struct db *db, const char *const *groups, char *err, size_t cap)
{
	return migrate(db, groups, true, err, cap);
}

int db_pending(struct db *db, const char *const *groups)
{
	char err[256];
	return migrate(db, groups, false, err, sizeof(err));
}

int db_snapshot(struct db *db, const char *path, char *err, size_t cap)
{
	struct db_conn *c = db_conn(db);
	char *url;
	struct db *dst;
	int rc;

	if (!c) {
		snprintf(err, cap, "cannot open the database");
		return -1;
	}
	if (db->drv->snapshot)
		return db->drv->snapshot(c->dc, path, err, cap);
	/* another backend: copy every table into a new SQLite file */
	url = xasprintf("sqlite:%s", path);
	dst = db_open(url, err, cap);
	free(url);
	if (!dst)
		return -1;
	rc = db_copy(db, dst, NULL, err, cap);
	db_close(dst);
	return rc;
}

/* ---- events between processes ---- */

bool db_can_notify(const struct db *db)
{
	return db->drv->notify != NULL;
}

int db_notify(struct db_conn *c, const char *channel, const char *payload)
{
	if (!c->db->drv->notify)
		return DB_ERROR;
	return seen(c, c->db->drv->notify(c->dc, channel, payload));
}

struct listener {
	struct db *db;
	char channel[64];
	void (*cb)(const char *payload, void *arg);
	void *arg;
	pthread_t thread;
	atomic_bool stop;
};

static void *listen_main(void *p)
{
	struct listener *l = p;

	while (!atomic_load(&l->stop)) {
		char err[256], sql[96];
		struct db_driver_conn *dc = l->db->drv->connect(l->db->target,
								 err, sizeof(err));
		if (!dc) {
			log_warn("db", "event listener: %s", err);
			sleep(1);
			continue;
		}
		snprintf(sql, sizeof(sql), "LISTEN %s", l->channel);
		if (l->db->drv->exec(dc, sql) == DB_OK) {
			while (!atomic_load(&l->stop) &&
			       l->db->drv->wait_notify(dc, 250, l->cb, l->arg) == DB_OK)
				;
		}
		l->db->drv->disconnect(dc);
		if (!atomic_load(&l->stop)) {
			log_warn("db", "event listener lost its connection; reconnecting");
			sleep(1);
		}
	}
	return NULL;
}

struct listener *db_listen(struct db *db, const char *channel,
			   void (*cb)(const char *payload, void *arg),
			   void *arg)
{
	struct listener *l;

	if (!db->drv->wait_notify)
		return NULL;
	for (const char *p = channel; *p; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z')))
			return NULL; /* an identifier of ours, never input */
	l = xcalloc(1, sizeof(*l));
	l->db = db;
	snprintf(l->channel, sizeof(l->channel), "%s", channel);
	l->cb = cb;
	l->arg = arg;
	if (pthread_create(&l->thread, NULL, listen_main, l) != 0) {
		free(l);
		return NULL;
	}
	return l;
}

void db_listen_stop(struct listener *l)
{
	if (!l)
		return;
	atomic_store(&l->stop, true);
	pthread_join(l->thread, NULL);
	free(l);
}
