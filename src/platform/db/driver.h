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
	/* online copy into an SQLite file */
	int (*snapshot)(struct db_driver_conn *c, const char *path, char *err,
			size_t cap);
};

extern const struct db_driver db_driver_sqlite;

/* Counts a busy wait, for /metrics (drivers call it). */
void db_count_busy(void);

#endif
