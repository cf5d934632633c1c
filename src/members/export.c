/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * CSV export of members: the import's columns, so that an export imports
 * again cleanly (and changes nothing). One pass over people, their unions
 * merged in by id; every cell written with csv_put, which keeps a
 * spreadsheet from running any of them as a formula. Who may export what,
 * and the audit entry, are the callers' (the command line, the page).
 */
#include "internal.h"
#include "platform/crypto/crypto.h"
#include "platform/platform.h"

#include <string.h>

static const char SQL_PEOPLE[] =
	"SELECT id, branch_id, display_name, status, joined_on, legal_name_sealed, "
	"phone_sealed, email_sealed, address_sealed, birth_date_sealed, "
	"workplace_sealed FROM people WHERE erased_at IS NULL ORDER BY id";
static const char SQL_UNIONS[] =
	"SELECT pu.person_id, u.name FROM person_unions pu JOIN unions u "
	"ON u.id = pu.union_id ORDER BY pu.person_id, u.name";

static const char *open_col(struct arena *a, struct db_stmt *st, int col,
			    const char *ctx)
{
	size_t len;
	const void *b;
	char *v;

	if (db_col_null(st, col))
		return "";
	b = db_col_blob(st, col, &len);
	v = unseal_str(a, ctx, b, len);
	return v ? v : "";
}

static bool bit(const uint8_t *bits, size_t n, int64_t i)
{
	return i >= 0 && (size_t)i < n && (bits[i >> 3] >> (i & 7)) & 1;
}

int members_export_csv(struct db_conn *c, struct arena *a, bool org,
		       const uint8_t *bits, size_t nbits, struct buf *out,
		       size_t *n_r)
{
	struct branch *br;
	size_t nb, count = 0;
	struct db_stmt *st, *us;
	int rc, urc;
	int64_t upid = 0;
	const char *uname = NULL;

	*n_r = 0;
	if ((rc = branch_list(c, a, &br, &nb)) != DB_OK)
		return rc;
	for (int k = 0; k < COL__MAX; k++)
		csv_put(out, import_col_name(k), k == COL__MAX - 1);
	st = db_prepare(c, SQL_PEOPLE);
	us = db_prepare_once(c, SQL_UNIONS);
	if (!st || !us)
		return DB_ERROR;
	urc = db_step(us);
	if (urc == DB_ROW) {
		upid = db_col_int(us, 0);
		uname = db_col_text(us, 1);
	}
	while ((rc = db_step(st)) == DB_ROW) {
		struct arena *row = arena_new();
		int64_t id = db_col_int(st, 0), branch = db_col_int(st, 1);
		const char *bname = "";
		struct buf aff;

		buf_init(&aff);
		/* the unions stream runs alongside, both ordered by person */
		while (urc == DB_ROW && upid < id) {
			urc = db_step(us);
			if (urc == DB_ROW) {
				upid = db_col_int(us, 0);
				uname = db_col_text(us, 1);
			}
		}
		while (urc == DB_ROW && upid == id) {
			if (aff.len)
				buf_puts(&aff, "; ");
			buf_puts(&aff, uname);
			urc = db_step(us);
			if (urc == DB_ROW) {
				upid = db_col_int(us, 0);
				uname = db_col_text(us, 1);
			}
		}
		if (!org && !bit(bits, nbits, branch)) {
			buf_free(&aff);
			arena_free(row);
			continue;
		}
		for (size_t i = 0; i < nb; i++)
			if (br[i].id == branch)
				bname = br[i].name;
		csv_put(out, db_col_text(st, 2), false);
		csv_put(out, open_col(row, st, 5, "people.legal_name"), false);
		csv_put(out, open_col(row, st, 6, "people.phone"), false);
		csv_put(out, open_col(row, st, 7, "people.email"), false);
		csv_put(out, open_col(row, st, 8, "people.address"), false);
		csv_put(out, open_col(row, st, 9, "people.birth_date"), false);
		csv_put(out, open_col(row, st, 10, "people.workplace"), false);
		csv_put(out, bname, false);
		csv_put(out, aff.data ? aff.data : "", false);
		csv_put(out, db_col_text(st, 3), false);
		csv_put(out, db_col_text(st, 4), true);
		buf_free(&aff);
		arena_free(row);
		count++;
	}
	db_reset(st);
	db_finalize(us);
	*n_r = count;
	return rc == DB_DONE ? DB_OK : rc;
}
