/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Copying a whole database to another backend (rudder migrate-db, and
 * backups of a PostgreSQL deployment, which are SQLite files).
 *
 * One side is always SQLite, and its catalog (sqlite_master, the
 * pragma_table_info and pragma_foreign_key_list functions, queried with
 * bound parameters) says which tables, columns and types there are and in
 * which order parents come before children. The statements that copy are
 * built from those names — identifiers from our own schema, checked to be
 * [a-z0-9_] and quoted, never values, which are bound as always.
 * The source is read in one transaction (a consistent snapshot) and the
 * destination written in one, so a failure leaves it empty. Afterwards
 * every table is counted and hashed on both sides.
 */
#include "db.h"
#include "driver.h"
#include "platform/core/core.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TABLES 128
#define MAX_COLS 64

struct column {
	char name[64];
	char type; /* 'i' integer, 't' text, 'b' blob */
};

struct table {
	char name[64];
	struct column cols[MAX_COLS];
	int ncols;
	char parents[8][64];
	int nparents;
	bool done;
};

static const char SQL_TABLES[] =
	"SELECT name FROM sqlite_master WHERE type = 'table' "
	"AND name NOT LIKE 'sqlite_%' ORDER BY name";
static const char SQL_COLUMNS[] =
	"SELECT name, upper(type) FROM pragma_table_info($1) ORDER BY cid";
static const char SQL_PARENTS[] =
	"SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)";

static bool ident_ok(const char *s)
{
	if (!*s || strlen(s) >= 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return false;
	return true;
}

struct column_row {
	const char *name, *type;
};
static const struct db_map NAME[] = {DB_COL_SELF(const char *), DB_COLS_END};
static const struct db_map COLUMN_ROW[] = {
	DB_COL(struct column_row, name), DB_COL(struct column_row, type),
	DB_COLS_END};

/* Fills t's columns and parents from the catalog: 0, or -1 with err. */
static int table_of(struct db_conn *c, struct arena *a, struct table *t,
		    char *err, size_t cap)
{
	struct column_row *cols;
	const char **parents;
	size_t ncols, nparents;

	if (db_rows(c, a, COLUMN_ROW, sizeof(*cols), &cols, &ncols, SQL_COLUMNS,
		    "t", t->name) != DB_OK ||
	    db_rows(c, a, NAME, sizeof(*parents), &parents, &nparents,
		    SQL_PARENTS, "t", t->name) != DB_OK) {
		snprintf(err, cap, "cannot read the catalog of %s", t->name);
		return -1;
	}
	if (ncols > MAX_COLS || nparents > ARRAY_LEN(t->parents)) {
		snprintf(err, cap, "%s has more columns or parents than a copy takes",
			 t->name);
		return -1;
	}
	for (size_t k = 0; k < ncols; k++) {
		struct column *col = &t->cols[t->ncols++];
		if (!ident_ok(cols[k].name)) {
			snprintf(err, cap, "unexpected column name in %s", t->name);
			return -1;
		}
		snprintf(col->name, sizeof(col->name), "%s", cols[k].name);
		col->type = strstr(cols[k].type, "INT")	   ? 'i'
			    : strstr(cols[k].type, "BLOB") ? 'b'
							   : 't';
	}
	for (size_t k = 0; k < nparents; k++)
		if (strcmp(parents[k], t->name) != 0)
			snprintf(t->parents[t->nparents++], 64, "%s", parents[k]);
	return 0;
}

/* Reads the tables from the SQLite side, in an order where every table
 * comes after the tables it refers to. */
static int catalog(struct db_conn *c, struct table *t, int *n_r, char *err,
		   size_t cap)
{
	struct arena *a = arena_new();
	struct table *order;
	const char **names;
	size_t nnames;
	int n = 0, placed = 0, rc = 0;

	if (db_rows(c, a, NAME, sizeof(*names), &names, &nnames, SQL_TABLES, "") !=
	    DB_OK) {
		snprintf(err, cap, "cannot read the list of tables");
		rc = -1;
	}
	for (size_t k = 0; rc == 0 && k < nnames; k++) {
		if (strcmp(names[k], "schema_migrations") == 0)
			continue; /* both sides were migrated already */
		if (!ident_ok(names[k])) {
			snprintf(err, cap, "unexpected table name '%s'", names[k]);
			rc = -1;
		} else if (n == MAX_TABLES) {
			snprintf(err, cap, "more tables than a copy takes (%d)",
				 MAX_TABLES);
			rc = -1;
		} else {
			memset(&t[n], 0, sizeof(t[n]));
			snprintf(t[n].name, sizeof(t[n].name), "%s", names[k]);
			rc = table_of(c, a, &t[n++], err, cap);
		}
	}
	arena_free(a);
	if (rc != 0)
		return rc;
	/* parents first (a table referring to itself is copied in id order) */
	order = xcalloc((size_t)n + 1, sizeof(*order));
	while (placed < n) {
		bool progress = false;
		for (int i = 0; i < n; i++) {
			bool ready = !t[i].done;
			for (int p = 0; ready && p < t[i].nparents; p++)
				for (int k = 0; k < n; k++)
					if (strcmp(t[k].name, t[i].parents[p]) == 0 &&
					    !t[k].done)
						ready = false;
			if (ready) {
				t[i].done = true;
				order[placed++] = t[i];
				progress = true;
			}
		}
		if (!progress) {
			snprintf(err, cap, "the tables refer to each other in a circle");
			free(order);
			return -1;
		}
	}
	memcpy(t, order, (size_t)n * sizeof(*t));
	free(order);
	*n_r = n;
	return 0;
}

static char *select_sql(const struct table *t)
{
	struct buf b;
	buf_init(&b);
	buf_puts(&b, "SELECT ");
	for (int i = 0; i < t->ncols; i++)
		buf_printf(&b, "%s\"%s\"", i ? ", " : "", t->cols[i].name);
	/* every table has a first column that orders it: its key */
	buf_printf(&b, " FROM \"%s\" ORDER BY 1", t->name);
	return buf_steal(&b, NULL);
}

static char *insert_sql(const struct table *t)
{
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "INSERT INTO \"%s\" (", t->name);
	for (int i = 0; i < t->ncols; i++)
		buf_printf(&b, "%s\"%s\"", i ? ", " : "", t->cols[i].name);
	buf_puts(&b, ") VALUES (");
	for (int i = 0; i < t->ncols; i++)
		buf_printf(&b, "%s$%d", i ? ", " : "", i + 1);
	buf_puts(&b, ")");
	return buf_steal(&b, NULL);
}

/* Count of a table's rows and the XOR of every row's BLAKE2b: the same
 * whatever order the backends return rows in (their text collations may
 * differ), and rows are unique by their key, so none cancel out. */
static int digest(struct db_conn *c, const struct table *t, int64_t *rows_r,
		  unsigned char out[32])
{
	char *sql = select_sql(t);
	struct db_stmt *st = db_prepare_once(c, sql);
	crypto_generichash_state h;
	unsigned char row[32];
	int64_t rows = 0;
	int rc;

	free(sql);
	if (!st)
		return DB_ERROR;
	memset(out, 0, 32);
	while ((rc = db_step(st)) == DB_ROW) {
		rows++;
		crypto_generichash_init(&h, NULL, 0, 32);
		for (int i = 0; i < t->ncols; i++) {
			unsigned char tag = db_col_null(st, i) ? 'n' : (unsigned char)t->cols[i].type;
			crypto_generichash_update(&h, &tag, 1);
			if (tag == 'i') {
				int64_t v = db_col_int(st, i);
				crypto_generichash_update(&h, (unsigned char *)&v, 8);
			} else if (tag == 't' || tag == 'b') {
				size_t len;
				const void *p = tag == 'b' ? db_col_blob(st, i, &len)
							   : db_col_text(st, i);
				uint64_t l64;
				if (tag == 't')
					len = strlen(p);
				l64 = len;
				crypto_generichash_update(&h, (unsigned char *)&l64, 8);
				crypto_generichash_update(&h, p, len);
			}
		}
		crypto_generichash_final(&h, row, 32);
		for (int k = 0; k < 32; k++)
			out[k] ^= row[k];
	}
	db_finalize(st);
	*rows_r = rows;
	return rc == DB_DONE ? DB_OK : rc;
}

struct copy_ctx {
	struct db_conn *src, *dst;
	struct table *tables;
	int ntables;
	/* the source's rows and digest of each table, read in the snapshot
	 * the copy was made from */
	int64_t *src_rows;
	unsigned char (*src_digest)[32];
	void (*report)(const char *table, int64_t rows);
	char *err;
	size_t cap;
};

static int copy_table(struct copy_ctx *x, const struct table *t)
{
	char *sel = select_sql(t), *ins = insert_sql(t);
	struct db_stmt *r = db_prepare_once(x->src, sel);
	struct db_stmt *w = db_prepare_once(x->dst, ins);
	int64_t rows = 0, existing = 0;
	char *count = xasprintf("SELECT count(*) FROM \"%s\"", t->name);
	struct db_stmt *cnt = db_prepare_once(x->dst, count);
	int rc = DB_ERROR;

	free(sel);
	free(ins);
	free(count);
	if (!r || !w || !cnt)
		goto out;
	if ((rc = db_step(cnt)) != DB_ROW) {
		snprintf(x->err, x->cap, "cannot count the rows of %s", t->name);
		rc = rc < 0 ? rc : DB_ERROR;
		goto out;
	}
	existing = db_col_int(cnt, 0);
	if (existing) {
		snprintf(x->err, x->cap,
			 "the destination already has rows in %s: copy only into "
			 "a new, empty database",
			 t->name);
		rc = DB_CONSTRAINT;
		goto out;
	}
	while ((rc = db_step(r)) == DB_ROW) {
		for (int i = 0; i < t->ncols; i++) {
			if (db_col_null(r, i)) {
				db_bind_null(w, i + 1);
			} else if (t->cols[i].type == 'i') {
				db_bind_int(w, i + 1, db_col_int(r, i));
			} else if (t->cols[i].type == 'b') {
				size_t len;
				const void *p = db_col_blob(r, i, &len);
				db_bind_blob(w, i + 1, p, len);
			} else {
				db_bind_text(w, i + 1, db_col_text(r, i));
			}
		}
		rc = db_step(w);
		db_reset(w);
		if (rc != DB_DONE) {
			snprintf(x->err, x->cap, "writing %s failed: %s", t->name,
				 db_errmsg(x->dst));
			goto out;
		}
		rows++;
	}
	if (rc != DB_DONE) {
		snprintf(x->err, x->cap, "reading %s failed: %s", t->name,
			 db_errmsg(x->src));
		goto out;
	}
	rc = db_after_copy(x->dst, t->name);
	if (x->report)
		x->report(t->name, rows);
out:
	db_finalize(r);
	db_finalize(w);
	db_finalize(cnt);
	return rc;
}

static int write_all(struct db_conn *dst, void *arg)
{
	struct copy_ctx *x = arg;

	(void)dst;
	for (int i = 0; i < x->ntables; i++) {
		int rc = copy_table(x, &x->tables[i]);
		if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}

static int read_all(struct db_conn *src, void *arg)
{
	struct copy_ctx *x = arg;

	int rc;

	/* the destination's own transaction, inside the source's snapshot */
	if ((rc = db_tx(x->dst, write_all, x)) != DB_OK)
		return rc;
	/* and what the copy is checked against, in the same snapshot: a
	 * server writing meanwhile changes nothing here */
	for (int i = 0; i < x->ntables; i++)
		if ((rc = digest(src, &x->tables[i], &x->src_rows[i],
				 x->src_digest[i])) != DB_OK)
			return rc;
	return DB_OK;
}

int db_copy(struct db *src, struct db *dst,
	    void (*report)(const char *table, int64_t rows), char *err,
	    size_t cap)
{
	struct copy_ctx x = {.report = report, .err = err, .cap = cap};
	struct table *tables = xcalloc(MAX_TABLES, sizeof(*tables));
	struct db_conn *meta;
	int rc, ntables = 0;

	err[0] = '\0';
	x.src = db_conn(src);
	x.dst = db_conn(dst);
	if (!x.src || !x.dst) {
		snprintf(err, cap, "cannot connect to both databases");
		free(tables);
		return -1;
	}
	/* the destination was migrated by the caller: the same tables */
	if (db_migrate(dst, NULL, err, cap) < 0) {
		free(tables);
		return -1;
	}
	meta = strcmp(db_backend(src), "sqlite") == 0 ? x.src : x.dst;
	if (strcmp(db_conn_backend(meta), "sqlite") != 0) {
		snprintf(err, cap, "one side of a copy must be SQLite");
		free(tables);
		return -1;
	}
	if (catalog(meta, tables, &ntables, err, cap) != 0) {
		free(tables);
		return -1;
	}
	x.tables = tables;
	x.ntables = ntables;
	x.src_rows = xcalloc((size_t)ntables + 1, sizeof(*x.src_rows));
	x.src_digest = xcalloc((size_t)ntables + 1, sizeof(*x.src_digest));
	rc = db_tx_deferred(x.src, read_all, &x);
	if (rc != DB_OK) {
		if (!err[0])
			snprintf(err, cap, "the copy failed (%d)", rc);
		goto fail;
	}
	/* check: the same rows on both sides, byte for byte */
	for (int i = 0; i < ntables; i++) {
		unsigned char b[32];
		int64_t rb;
		if (digest(x.dst, &tables[i], &rb, b) != DB_OK) {
			snprintf(err, cap, "cannot read %s back", tables[i].name);
			goto fail;
		}
		if (x.src_rows[i] != rb || memcmp(x.src_digest[i], b, 32) != 0) {
			snprintf(err, cap,
				 "%s differs after the copy (%lld rows here, %lld "
				 "there)",
				 tables[i].name, (long long)x.src_rows[i], (long long)rb);
			goto fail;
		}
	}
	free(tables);
	free(x.src_rows);
	free(x.src_digest);
	return 0;
fail:
	free(tables);
	free(x.src_rows);
	free(x.src_digest);
	return -1;
}
