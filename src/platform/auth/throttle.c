/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Login throttling per account and per client. Keys are keyed hashes of
 * "kind:id", so the table holds no email and no address. A key that
 * collects `limit` failures within 15 minutes is locked for 15 minutes.
 * Rows live in the database, so a restart does not reset them, and every
 * process behind a proxy sees the same counts.
 */
#include "auth.h"
#include "platform/core/core.h"
#include "platform/crypto/crypto.h"
#include "platform/db/db.h"

#include <string.h>

#define WINDOW 900
#define LOCK 900

static const char SQL_GET[] =
	"SELECT failures, window_start, locked_until FROM throttle WHERE key = $1";
static const char SQL_UPSERT[] =
	"INSERT INTO throttle (key, failures, window_start, locked_until) "
	"VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET "
	"failures = excluded.failures, window_start = excluded.window_start, "
	"locked_until = excluded.locked_until";
static const char SQL_DELETE[] = "DELETE FROM throttle WHERE key = $1";
static const char SQL_PRUNE[] =
	"DELETE FROM throttle WHERE window_start < $1 AND locked_until < $2";

static void key_of(const char *kind, const char *id, unsigned char out[16])
{
	unsigned char full[MAC_LEN];
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "throttle:%s:%s", kind, id);
	keyed_hash(SUBKEY_THROTTLE, b.data, b.len, full);
	buf_free(&b);
	memcpy(out, full, 16);
}

struct throttle_row {
	int64_t failures, start, until;
};
static const struct db_map THROTTLE_ROW[] = {
	DB_COL(struct throttle_row, failures), DB_COL(struct throttle_row, start),
	DB_COL(struct throttle_row, until), DB_COLS_END};

/* The row of key; a fresh one (starting now) when there is none. */
static void throttle_read(struct db_conn *c, const unsigned char key[16],
			  struct throttle_row *r)
{
	int64_t now = time_now();

	if (db_row(c, NULL, THROTTLE_ROW, r, SQL_GET, "b", key, (size_t)16) !=
	    DB_OK)
		*r = (struct throttle_row){0, now, 0};
}

int64_t throttle_locked(struct db_conn *c, const char *kind, const char *id)
{
	unsigned char key[16];
	struct throttle_row r;
	int64_t now = time_now();

	key_of(kind, id, key);
	throttle_read(c, key, &r);
	return r.until > now ? r.until - now : 0;
}

int64_t throttle_fail(struct db_conn *c, const char *kind, const char *id,
		      int64_t limit)
{
	unsigned char key[16];
	struct throttle_row r;
	int64_t failures, start, until, now = time_now();

	key_of(kind, id, key);
	throttle_read(c, key, &r);
	failures = r.failures;
	start = r.start;
	until = r.until;
	if (now - start > WINDOW) {
		failures = 0;
		start = now;
	}
	failures++;
	if (limit > 0 && failures >= limit && until <= now)
		until = now + LOCK;
	db_run(c, SQL_UPSERT, "biii", key, sizeof(key), failures, start, until);
	/* keep the table small */
	db_run(c, SQL_PRUNE, "ii", now - WINDOW, now);
	return until > now ? until - now : 0;
}

void throttle_clear(struct db_conn *c, const char *kind, const char *id)
{
	unsigned char key[16];

	key_of(kind, id, key);
	db_run(c, SQL_DELETE, "b", key, sizeof(key));
}
