/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The driver table behind db.h. Only db.c and the drivers include this.
 * Drivers deal in raw statements; db.c adds the per-thread connection,
 * the statement cache, transactions with retry and migrations.
 */
#ifndef RUDDER_DB_DRIVER_H
#define RUDDER_DB_DRIVER_H

#include "db.h"

struct db_driver_stmt; /* the driver's own statement */
struct db_driver_conn; /* the driver's own connection */

struct db_driver {
	const char *name;
	/* connects; NULL with a message on failure */
	struct db_driver_conn *(*connect)(const char *target, char *err,
					  size_t cap);
	void (*disconnect)(struct db_driver_conn *c);
	struct db_driver_stmt *(*prepare)(struct db_driver_conn *c,
					  const char *sql);
	void (*finalize)(struct db_driver_stmt *st);
	void (*bind_int)(struct db_driver_stmt *st, int idx, int64_t v);
	void (*bind_text)(struct db_driver_stmt *st, int idx, const char *s,
			  size_t n);
	void (*bind_blob)(struct db_driver_stmt *st, int idx, const void *p,
			  size_t n);
	void (*bind_null)(struct db_driver_stmt *st, int idx);
	int (*step)(struct db_driver_stmt *st);
	int (*col_count)(struct db_driver_stmt *st);
	bool (*col_null)(struct db_driver_stmt *st, int col);
	int64_t (*col_int)(struct db_driver_stmt *st, int col);
	const char *(*col_text)(struct db_driver_stmt *st, int col);
	const void *(*col_blob)(struct db_driver_stmt *st, int col,
				size_t *len_r);
	void (*reset)(struct db_driver_stmt *st);
	int (*changes)(struct db_driver_conn *c);
	int (*exec)(struct db_driver_conn *c, const char *sql);
	/* BEGIN: for writing at once (SQLite IMMEDIATE), or deferred until
	 * the first write (a request that reads first) */
	int (*begin)(struct db_driver_conn *c, bool write_now);
	int (*commit)(struct db_driver_conn *c);
	int (*rollback)(struct db_driver_conn *c);
	const char *(*errmsg)(struct db_driver_conn *c);
	/* online copy into an SQLite file; NULL: db.c copies table by table */
	int (*snapshot)(struct db_driver_conn *c, const char *path, char *err,
			size_t cap);
	/* the connection is lost (it will be replaced); NULL: never */
	bool (*broken)(struct db_driver_conn *c);
	/* events between processes; NULL when the backend has none */
	int (*notify)(struct db_driver_conn *c, const char *channel,
		      const char *payload);
	int (*wait_notify)(struct db_driver_conn *c, int timeout_ms,
			   void (*cb)(const char *payload, void *arg),
			   void *arg);
	/* taken inside a migration's transaction; NULL: not needed */
	int (*lock_migrations)(struct db_driver_conn *c);
	/* after rows with explicit ids were copied into table; NULL: none */
	int (*after_copy)(struct db_driver_conn *c, const char *table);
	/* a long write ahead (on) or over (off); NULL: nothing to do */
	void (*bulk)(struct db_driver_conn *c, bool on);
};

extern const struct db_driver db_driver_sqlite;
extern const struct db_driver db_driver_pg;

/* For copy.c: the backend of a connection, and the per-table step after
 * a copy (identities continue after the copied ids). */
const char *db_conn_backend(struct db_conn *c);
int db_after_copy(struct db_conn *c, const char *table);

/* Counts a busy wait, for /metrics (drivers call it). */
void db_count_busy(void);

#endif
