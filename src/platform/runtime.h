/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * runtime: what every platform part stands on once a data directory is
 * open: the database and this thread's connection, the directory, the
 * public base URL, live events between processes, settings in the
 * database and work after commit. Parts include this, never platform.h
 * (the composition root above them, which knows the modules).
 */
#ifndef RUDDER_RUNTIME_H
#define RUDDER_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/db/db.h"

struct arena;

/* Opening a data directory. */
struct platform_open {
	const char *dir;
	const char *passphrase; /* NULL: do not unlock the keys */
	bool migrate;           /* apply pending migrations */
};
/* Loads DIR/rudder.conf and the environment (flags were set before),
 * unlocks the keys, opens the database and (optionally) applies the
 * migrations of groups (NULL-ended, "platform" first). platform_open
 * calls it with every module's group. */
int runtime_open(const struct platform_open *o, const char *const *groups,
		 char *err, size_t cap);
void runtime_close(void);

/* The opened database and directory (valid after platform_open). */
struct db *platform_db(void);
const char *platform_dir(void);
/* This thread's connection (NULL if the database is unreachable). */
struct db_conn *platform_conn(void);
/* The same, replacing a lost connection first (where work begins). */
struct db_conn *platform_conn_fresh(void);
/* Live events shared between processes (PostgreSQL); a no-op on SQLite. */
int platform_events_start(void);
void platform_events_stop(void);
/* The public base URL, without a trailing slash. */
const char *platform_base_url(void);
/* Once listening: when server.base_url is not set, the URL follows the
 * port actually bound (for --listen IP:0). */
void platform_listening(int port);

/* db_on_commit on this thread's connection. */
void platform_on_commit(void (*fn)(void *), void *arg);

/* Settings stored in the database (organization name and the like). */
char *setting_get(struct db_conn *c, struct arena *a, const char *name,
		  const char *def);
int setting_set(struct db_conn *c, const char *name, const char *value);

#endif
