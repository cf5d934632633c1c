/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The members module's SQL, all of it: people (sealed fields in and
 * out), status history, unions, dues, branches, contact reviews,
 * applications, the intake key, exports and uploads, and the streams the
 * index and the export read. One function per operation, declared in
 * members.h or internal.h with its contract; rows are read through
 * db_row, db_rows and db_each (or db_read where two statements are
 * stepped together), never by a loop that takes a failed step for the
 * end. Checks that need no database live in rules.c.
 */
#include "internal.h"
#include "platform/auth/auth.h"
#include "platform/core/core.h"
#include "platform/crypto/crypto.h"
#include "platform/db/db.h"
#include "platform/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading columns (the db_map functions of this file), counting
 * writes ---- */

/* A sealed column opened with its context (arg, "people.phone") into a
 * const char *: NULL when the column is NULL or does not open. */
static void col_opened_or_null(struct db_stmt *st, int col, struct arena *a,
			       void *field, const void *arg)
{
	size_t len;
	const void *b;

	*(const char **)field = NULL;
	if (db_col_null(st, col))
		return;
	b = db_col_blob(st, col, &len);
	*(const char **)field = unseal_str(a, arg, b, len);
}

/* A status name into an enum mstatus (the tables' CHECK allows no other
 * name; active if one came anyway). */
static void col_status(struct db_stmt *st, int col, struct arena *a,
		       void *field, const void *arg)
{
	enum mstatus s = MS_ACTIVE;

	members_status_parse(db_col_text(st, col), &s);
	*(enum mstatus *)field = s;
}

/* "email" or "phone" into CONTACT_*. */
static void col_contact_field(struct db_stmt *st, int col, struct arena *a,
			      void *field, const void *arg)
{
	*(int *)field = strcmp(db_col_text(st, col), "email") == 0 ? CONTACT_EMAIL
								   : CONTACT_PHONE;
}

/* What db_run said of a write meant for one row: DB_OK, DB_NOTFOUND
 * when it changed none, or the failure. */
static int changed_one(int rc)
{
	return rc < 0 ? rc : (rc == 0 ? DB_NOTFOUND : DB_OK);
}

/* Rows of one id. */
static const struct db_map ID_COL[] = {DB_COL_SELF(int64_t), DB_COLS_END};

/* ---- people ---- */

static const char SQL_INSERT[] =
	"INSERT INTO people (display_name, branch_id, status, joined_on, "
	"consent_phone, consent_sms, consent_email, legal_name_sealed, "
	"phone_sealed, email_sealed, address_sealed, birth_date_sealed, "
	"workplace_sealed, notes_sealed, email_index, phone_index, "
	"email_alias_index, phone_alias_index, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
	"$15, $16, $17, $18, $19, $19) RETURNING id";
static const char SQL_UPDATE[] =
	"UPDATE people SET display_name = $1, branch_id = $2, joined_on = $3, "
	"consent_phone = $4, consent_sms = $5, consent_email = $6, "
	"legal_name_sealed = $7, phone_sealed = $8, email_sealed = $9, "
	"address_sealed = $10, birth_date_sealed = $11, workplace_sealed = $12, "
	"notes_sealed = $13, email_index = $14, phone_index = $15, "
	"email_alias_index = $16, phone_alias_index = $17, "
	"updated_at = $18, version = version + 1 "
	"WHERE id = $19 AND erased_at IS NULL AND (version = $20 OR $20 = 0)";
/* after a write that changed nothing: is the record there (then the
 * version named was not its own)? */
static const char SQL_VERSION[] =
	"SELECT version FROM people WHERE id = $1 AND erased_at IS NULL";
/* the sealed columns last: read only when asked (PERSON_OPENED) */
static const char SQL_GET[] =
	"SELECT id, branch_id, coalesce(account_id, 0), display_name, status, "
	"joined_on, consent_phone, consent_sms, consent_email, created_at, "
	"updated_at, coalesce(erased_at, 0), version, legal_name_sealed, phone_sealed, "
	"email_sealed, address_sealed, birth_date_sealed, workplace_sealed, "
	"notes_sealed FROM people WHERE id = $1";
#define PERSON_COLS                                                            \
	DB_COL(struct person, id), DB_COL(struct person, branch_id),           \
		DB_COL(struct person, account_id),                             \
		DB_COL(struct person, display_name),                           \
		DB_COL_FN(struct person, status, col_status, NULL),            \
		DB_COL(struct person, joined_on),                              \
		DB_COL(struct person, consent_phone),                          \
		DB_COL(struct person, consent_sms),                            \
		DB_COL(struct person, consent_email),                          \
		DB_COL(struct person, created_at),                             \
		DB_COL(struct person, updated_at),                             \
		DB_COL(struct person, erased_at),                              \
		DB_COL(struct person, version)
static const struct db_map PERSON[] = {PERSON_COLS, DB_COLS_END};
static const struct db_map PERSON_OPENED[] = {
	PERSON_COLS,
	DB_COL_FN(struct person, legal_name, unseal_col, "people.legal_name"),
	DB_COL_FN(struct person, phone, unseal_col, "people.phone"),
	DB_COL_FN(struct person, email, unseal_col, "people.email"),
	DB_COL_FN(struct person, address, unseal_col, "people.address"),
	DB_COL_FN(struct person, birth_date, unseal_col, "people.birth_date"),
	DB_COL_FN(struct person, workplace, unseal_col, "people.workplace"),
	DB_COL_FN(struct person, notes, unseal_col, "people.notes"),
	DB_COLS_END};
static const char SQL_BY_EMAIL[] = "SELECT id FROM people WHERE email_index = $1";
static const char SQL_BY_PHONE[] = "SELECT id FROM people WHERE phone_index = $1";
/* Everyone but $2 holding the value, as its first holder or as an alias
 * (contacts.c), first holders first. */
static const char SQL_HOLDERS_EMAIL[] =
	"SELECT p.id, p.branch_id, p.email_index IS NOT NULL, s.path "
	"FROM people p JOIN scopes s ON s.id = p.branch_id "
	"WHERE (p.email_index = $1 OR p.email_alias_index = $1) AND p.id <> $2 "
	"ORDER BY p.email_index IS NULL, p.id";
static const char SQL_HOLDERS_PHONE[] =
	"SELECT p.id, p.branch_id, p.phone_index IS NOT NULL, s.path "
	"FROM people p JOIN scopes s ON s.id = p.branch_id "
	"WHERE (p.phone_index = $1 OR p.phone_alias_index = $1) AND p.id <> $2 "
	"ORDER BY p.phone_index IS NULL, p.id";
static const struct db_map HOLDER[] = {
	DB_COL(struct contact_holder, id), DB_COL(struct contact_holder, branch_id),
	DB_COL(struct contact_holder, first), DB_COL(struct contact_holder, path),
	DB_COLS_END};
static const char SQL_STATUS_GET[] =
	"SELECT status, version FROM people WHERE id = $1";
static const char SQL_STATUS_SET[] =
	"UPDATE people SET status = $1, updated_at = $2, version = version + 1 "
	"WHERE id = $3 AND (version = $4 OR $4 = 0)";
static const char SQL_HISTORY_ADD[] =
	"INSERT INTO status_history (person_id, from_status, to_status, at, "
	"by_user, note_sealed) VALUES ($1, $2, $3, $4, $5, $6)";
static const char SQL_BY_ACCOUNT[] =
	"SELECT id FROM people WHERE account_id = $1 AND erased_at IS NULL";
static const char SQL_LINK[] =
	"UPDATE people SET account_id = $1 WHERE id = $2 AND account_id IS NULL";
static const char SQL_ERASE[] =
	"UPDATE people SET display_name = $1, status = 'left', "
	"legal_name_sealed = NULL, phone_sealed = NULL, email_sealed = NULL, "
	"address_sealed = NULL, birth_date_sealed = NULL, workplace_sealed = NULL, "
	"notes_sealed = NULL, email_index = NULL, phone_index = NULL, "
	"email_alias_index = NULL, phone_alias_index = NULL, "
	"consent_phone = 0, consent_sms = 0, consent_email = 0, account_id = NULL, "
	"updated_at = $2, erased_at = $2, version = version + 1 WHERE id = $3";
static const char SQL_DUE_REASONS_ERASE[] =
	"UPDATE dues_changes SET reason_sealed = NULL "
	"WHERE due_id IN (SELECT id FROM dues WHERE person_id = $1)";
static const char SQL_ERASE_NOTES[] =
	"UPDATE status_history SET note_sealed = NULL WHERE person_id = $1";
static const char SQL_ERASE_UNIONS[] =
	"DELETE FROM person_unions WHERE person_id = $1";

/* A sealed column value, or NULL for an absent or empty string. */
struct sealed {
	unsigned char *p;
	size_t n;
};

static struct sealed seal_field(struct arena *a, const char *field,
				const char *value)
{
	struct sealed s = {NULL, 0};
	char ctx[48];

	if (!value || !*value)
		return s;
	snprintf(ctx, sizeof(ctx), "people.%s", field);
	s.p = seal_str(a, ctx, value, &s.n);
	return s;
}

static void bind_sealed(struct db_stmt *st, int idx, struct sealed s)
{
	if (s.p)
		db_bind_blob(st, idx, s.p, s.n);
	else
		db_bind_null(st, idx);
}

static bool make_index(const char *ctx, const char *value, bool lower,
		       unsigned char bi[BLIND_LEN])
{
	char *norm;

	if (!value || !*value)
		return false;
	norm = xstrdup(value);
	if (lower)
		str_ascii_lower(norm);
	blind_index(ctx, norm, strlen(norm), bi);
	free(norm);
	return true;
}

bool members_person_contact_index(int field, const char *value,
				  unsigned char bi[BLIND_LEN])
{
	return field == CONTACT_EMAIL ? make_index("people.email", value, true, bi)
				      : make_index("people.phone", value, false, bi);
}

/* Binds a blind index as the first holder's ($idx) or as an alias
 * ($alias_idx), the other NULL. */
static void bind_index(struct db_stmt *st, int idx, int alias_idx,
		       const unsigned char *bi, bool alias)
{
	db_bind_null(st, alias ? idx : alias_idx);
	if (bi)
		db_bind_blob(st, alias ? alias_idx : idx, bi, BLIND_LEN);
	else
		db_bind_null(st, alias ? alias_idx : idx);
}

static const char *const SEALED_FIELDS[] = {"legal_name", "phone", "email",
					     "address", "birth_date", "workplace",
					     "notes"};

static int bind_person(struct db_stmt *st, struct arena *a,
		       const struct person_input *in, int first_sealed)
{
	const char *values[] = {in->legal_name, in->phone, in->email,
				in->address, in->birth_date, in->workplace,
				in->notes};

	unsigned char ebi[BLIND_LEN], pbi[BLIND_LEN];
	bool e = members_person_contact_index(CONTACT_EMAIL, in->email, ebi);
	bool p = members_person_contact_index(CONTACT_PHONE, in->phone, pbi);

	for (int i = 0; i < 7; i++)
		bind_sealed(st, first_sealed + i,
			    seal_field(a, SEALED_FIELDS[i], values[i]));
	bind_index(st, first_sealed + 7, first_sealed + 9, e ? ebi : NULL,
		   in->email_alias);
	bind_index(st, first_sealed + 8, first_sealed + 10, p ? pbi : NULL,
		   in->phone_alias);
	return first_sealed + 11;
}

void members_person_seal(struct arena *a, const struct person_input *in,
			 struct person_sealed *out)
{
	const char *values[] = {in->legal_name, in->phone, in->email,
				in->address, in->birth_date, in->workplace,
				in->notes};
	_Static_assert(sizeof(out->email_bi) == BLIND_LEN, "blind index size");

	for (int i = 0; i < 7; i++) {
		struct sealed f = seal_field(a, SEALED_FIELDS[i], values[i]);
		out->f[i].p = f.p;
		out->f[i].n = f.n;
	}
	out->email = make_index("people.email", in->email, true, out->email_bi);
	out->phone = make_index("people.phone", in->phone, false, out->phone_bi);
}

/* A line of status history; by 0 is the command line or the system. */
static int history_add(struct db_conn *c, int64_t person, const char *from,
		       const char *to, int64_t by, const struct sealed *note)
{
	struct db_stmt *st = db_prepare(c, SQL_HISTORY_ADD);
	int rc;

	if (!st)
		return DB_ERROR;
	db_bind_int(st, 1, person);
	db_bind_text(st, 2, from);
	db_bind_text(st, 3, to);
	db_bind_int(st, 4, time_now());
	if (by)
		db_bind_int(st, 5, by);
	else
		db_bind_null(st, 5);
	if (note && note->p)
		db_bind_blob(st, 6, note->p, note->n);
	else
		db_bind_null(st, 6);
	rc = db_step(st);
	db_reset(st);
	return rc == DB_DONE ? DB_OK : rc;
}

int members_person_create(struct db_conn *c, struct arena *a,
			  const struct person_input *in, int64_t by,
			  int64_t *id_r)
{
	struct person_sealed s;

	members_person_seal(a, in, &s);
	return members_person_create_sealed(c, in, &s, by, id_r);
}

int members_person_create_sealed(struct db_conn *c,
				 const struct person_input *in,
				 const struct person_sealed *s, int64_t by,
				 int64_t *id_r)
{
	struct db_stmt *st = db_prepare(c, SQL_INSERT);
	enum mstatus status = MS_ACTIVE;
	int rc;

	if (!st)
		return DB_ERROR;
	if (in->status && *in->status)
		members_status_parse(in->status, &status);
	db_bind_text(st, 1, in->display_name);
	db_bind_int(st, 2, in->branch_id);
	db_bind_text(st, 3, members_status_name(status));
	db_bind_text(st, 4, in->joined_on ? in->joined_on : "");
	db_bind_int(st, 5, in->consent_phone);
	db_bind_int(st, 6, in->consent_sms);
	db_bind_int(st, 7, in->consent_email);
	for (int i = 0; i < 7; i++)
		bind_sealed(st, 8 + i, (struct sealed){s->f[i].p, s->f[i].n});
	bind_index(st, 15, 17, s->email ? s->email_bi : NULL, in->email_alias);
	bind_index(st, 16, 18, s->phone ? s->phone_bi : NULL, in->phone_alias);
	db_bind_int(st, 19, time_now());
	/* stepped here, not by db_row: which sealed columns are NULL is
	 * known only now, and db_row's types are fixed in the call */
	rc = db_step(st);
	if (rc == DB_ROW) {
		db_read(st, NULL, ID_COL, id_r);
		while ((rc = db_step(st)) == DB_ROW)
			;
	} else if (rc == DB_DONE) {
		rc = DB_ERROR; /* RETURNING gave no id */
	}
	db_reset(st);
	if (rc != DB_DONE)
		return rc;
	return history_add(c, *id_r, "", members_status_name(status), by, NULL);
}

/* Why a write of person id changed no row: DB_STALE when the record is
 * there (the version named was not its own), DB_NOTFOUND when not. */
static int unchanged(struct db_conn *c, int64_t id)
{
	int64_t v;
	int rc = db_int(c, &v, SQL_VERSION, "i", id);

	return rc == DB_OK ? DB_STALE : rc;
}

int members_person_update(struct db_conn *c, struct arena *a, int64_t id,
			  const struct person_input *in, int64_t by)
{
	struct db_stmt *st = db_prepare(c, SQL_UPDATE);
	int rc;

	(void)by;
	if (!st)
		return DB_ERROR;
	db_bind_text(st, 1, in->display_name);
	db_bind_int(st, 2, in->branch_id);
	db_bind_text(st, 3, in->joined_on ? in->joined_on : "");
	db_bind_int(st, 4, in->consent_phone);
	db_bind_int(st, 5, in->consent_sms);
	db_bind_int(st, 6, in->consent_email);
	bind_person(st, a, in, 7);
	db_bind_int(st, 18, time_now());
	db_bind_int(st, 19, id);
	db_bind_int(st, 20, in->version);
	rc = db_step(st);
	db_reset(st);
	if (rc != DB_DONE)
		return rc;
	return db_changes(c) == 0 ? unchanged(c, id) : DB_OK;
}

int members_person_get(struct db_conn *c, struct arena *a, int64_t id,
		       bool unseal, struct person *out)
{
	memset(out, 0, sizeof(*out));
	return db_row(c, a, unseal ? PERSON_OPENED : PERSON, out, SQL_GET, "i", id);
}

/* the people changed last under a branch ($3: its path and '%'; '%' for
 * the organization), so that nothing read depends on other branches;
 * names and branches only, never anything sealed */
static const char SQL_CHANGED[] =
	"SELECT id, branch_id, display_name, updated_at FROM people "
	"WHERE updated_at >= $1 AND erased_at IS NULL AND branch_id IN "
	"(SELECT id FROM scopes WHERE path LIKE $3) "
	"ORDER BY updated_at DESC, id DESC LIMIT $2";
static const struct db_map CHANGED[] = {
	DB_COL(struct person, id), DB_COL(struct person, branch_id),
	DB_COL(struct person, display_name), DB_COL(struct person, updated_at),
	DB_COLS_END};

int members_people_changed_since(struct db_conn *c, struct arena *a,
				 const char *path, int64_t since, size_t max,
				 struct person **out_r, size_t *n_r)
{
	return db_rows(c, a, CHANGED, sizeof(**out_r), out_r, n_r, SQL_CHANGED,
		       "iit", since, (int64_t)max,
		       path ? arena_printf(a, "%s%%", path) : "%");
}

int members_person_find_contact(struct db_conn *c, struct arena *a,
				const char *email, const char *phone,
				int64_t *id_r)
{
	unsigned char bi[BLIND_LEN];
	int rc = DB_NOTFOUND;

	(void)a;
	if (make_index("people.email", email, true, bi)) {
		rc = db_int(c, id_r, SQL_BY_EMAIL, "b", bi, sizeof(bi));
		if (rc != DB_NOTFOUND)
			return rc;
	}
	if (make_index("people.phone", phone, false, bi))
		rc = db_int(c, id_r, SQL_BY_PHONE, "b", bi, sizeof(bi));
	return rc;
}

int members_person_find_sealed(struct db_conn *c, const struct person_sealed *s,
			       int64_t *by_email, int64_t *by_phone)
{
	int rc;

	*by_email = *by_phone = 0;
	if (s->email) {
		rc = db_int(c, by_email, SQL_BY_EMAIL, "b", s->email_bi, sizeof(s->email_bi));
		if (rc != DB_OK && rc != DB_NOTFOUND)
			return rc;
	}
	if (s->phone) {
		rc = db_int(c, by_phone, SQL_BY_PHONE, "b", s->phone_bi, sizeof(s->phone_bi));
		if (rc != DB_OK && rc != DB_NOTFOUND)
			return rc;
	}
	return DB_OK;
}

int members_person_holders(struct db_conn *c, struct arena *a, int field,
			   const unsigned char *bi, int64_t self,
			   struct contact_holder **out_r, size_t *n_r)
{
	return db_rows(c, a, HOLDER, sizeof(**out_r), out_r, n_r,
		       field == CONTACT_EMAIL ? SQL_HOLDERS_EMAIL : SQL_HOLDERS_PHONE,
		       "bi", bi, (size_t)BLIND_LEN, self);
}

struct status_now {
	const char *status;
	int64_t version;
};
static const struct db_map STATUS_NOW[] = {
	DB_COL(struct status_now, status), DB_COL(struct status_now, version),
	DB_COLS_END};

int members_person_set_status(struct db_conn *c, struct arena *a, int64_t id,
			      enum mstatus to, int64_t by, const char *note,
			      int64_t version)
{
	struct status_now now;
	const char *from;
	struct sealed s;
	int rc = db_row(c, a, STATUS_NOW, &now, SQL_STATUS_GET, "i", id);

	if (rc != DB_OK)
		return rc;
	from = now.status;
	if (version && version != now.version)
		return DB_STALE;
	if (strcmp(from, members_status_name(to)) == 0)
		return DB_OK;
	/* the version checked again by the write itself: another writer
	 * may have come between the read and this */
	rc = db_run(c, SQL_STATUS_SET, "tiii", members_status_name(to),
		    (int64_t)time_now(), id, version);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return DB_STALE;
	s = seal_field(a, "status_note", note);
	return history_add(c, id, from, members_status_name(to), by, &s);
}

static const char SQL_HISTORY[] =
	"SELECT h.from_status, h.to_status, h.at, coalesce(u.display_name, ''), "
	"h.note_sealed FROM status_history h LEFT JOIN users u ON u.id = h.by_user "
	"WHERE h.person_id = $1 ORDER BY h.id DESC";

static const struct db_map HISTORY[] = {
	DB_COL(struct status_change, from), DB_COL(struct status_change, to),
	DB_COL(struct status_change, at), DB_COL(struct status_change, by),
	DB_COL_FN(struct status_change, note, unseal_col, "people.status_note"),
	DB_COLS_END};

int members_person_history(struct db_conn *c, struct arena *a, int64_t id,
			   struct status_change **out_r, size_t *n_r)
{
	return db_rows(c, a, HISTORY, sizeof(**out_r), out_r, n_r, SQL_HISTORY,
		       "i", id);
}

int members_person_by_account(struct db_conn *c, int64_t account, int64_t *id_r)
{
	return db_int(c, id_r, SQL_BY_ACCOUNT, "i", account);
}

int members_person_link_account(struct db_conn *c, int64_t person,
				int64_t account)
{
	int rc = db_run(c, SQL_LINK, "ii", account, person);
	return changed_one(rc);
}

int members_person_erase(struct db_conn *c, int64_t id)
{
	char name[48];
	int rc;

	snprintf(name, sizeof(name), "former member %lld", (long long)id);
	rc = db_run(c, SQL_ERASE, "tii", name, (int64_t)time_now(), id);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return DB_NOTFOUND;
	if (db_run(c, SQL_ERASE_NOTES, "i", id) < 0 ||
	    db_run(c, SQL_DUE_REASONS_ERASE, "i", id) < 0 ||
	    db_run(c, SQL_ERASE_UNIONS, "i", id) < 0 ||
	    members_reviews_moot_all(c, id) != DB_OK)
		return DB_ERROR;
	return DB_OK;
}

/* ---- streams of everyone: the index's build and the export ----
 * A million rows: each is read without an arena (its text borrowed until
 * the next row) and its sealed columns opened into an arena of its own,
 * freed when fn returns. The columns the index reads come first; the
 * export reads them and more. */

struct person_row {
	struct person p;
	struct db_blob legal_name, phone, email, address, birth_date, workplace;
};
#define PERSON_ROW_SELECT                                                      \
	"SELECT id, branch_id, status, display_name, legal_name_sealed, "      \
	"phone_sealed, email_sealed"
#define PERSON_ROW_COLS                                                        \
	DB_COL(struct person_row, p.id), DB_COL(struct person_row, p.branch_id), \
		DB_COL_FN(struct person_row, p.status, col_status, NULL),      \
		DB_COL(struct person_row, p.display_name),                     \
		DB_COL(struct person_row, legal_name),                         \
		DB_COL(struct person_row, phone),                              \
		DB_COL(struct person_row, email)
static const char SQL_INDEX_PEOPLE[] =
	PERSON_ROW_SELECT " FROM people WHERE erased_at IS NULL ORDER BY id";
static const struct db_map INDEX_PERSON[] = {PERSON_ROW_COLS, DB_COLS_END};
static const char SQL_EXPORT_PEOPLE[] =
	PERSON_ROW_SELECT ", joined_on, address_sealed, birth_date_sealed, "
	"workplace_sealed FROM people WHERE erased_at IS NULL ORDER BY id";
static const struct db_map EXPORT_PERSON[] = {
	PERSON_ROW_COLS,
	DB_COL(struct person_row, p.joined_on),
	DB_COL(struct person_row, address),
	DB_COL(struct person_row, birth_date),
	DB_COL(struct person_row, workplace),
	DB_COLS_END};
/* the unions of everyone, ordered by person like the people */
static const char SQL_EXPORT_UNIONS[] =
	"SELECT pu.person_id, u.name FROM person_unions pu JOIN unions u "
	"ON u.id = pu.union_id ORDER BY pu.person_id, u.name";
struct union_name {
	int64_t person;
	const char *name;
};
static const struct db_map UNION_NAME[] = {
	DB_COL(struct union_name, person), DB_COL(struct union_name, name),
	DB_COLS_END};
static const char SQL_ALL_UNIONS[] =
	"SELECT person_id, union_id FROM person_unions ORDER BY person_id";
static const struct db_map PERSON_UNION[] = {
	DB_COL(struct person_union, person),
	DB_COL(struct person_union, union_id), DB_COLS_END};

struct walk {
	bool (*want)(void *arg, int64_t branch); /* NULL: everyone */
	people_fn fn;
	void *arg;
	/* the export's unions, stepped alongside the people (NULL: none) */
	struct db_stmt *us;
	int urc;
	struct union_name u;
	struct buf names;
};

static const char *open_blob(struct arena *a, const struct db_blob *b,
			     const char *ctx)
{
	char *v = b->p ? unseal_str(a, ctx, b->p, b->len) : NULL;
	return v ? v : "";
}

/* Steps the unions up to person, keeping person's names in w->names:
 * DB_OK, or the step that failed. */
static int walk_unions(struct walk *w, int64_t person)
{
	buf_reset(&w->names);
	while (w->urc == DB_ROW && w->u.person <= person) {
		if (w->u.person == person) {
			if (w->names.len)
				buf_puts(&w->names, "; ");
			buf_puts(&w->names, w->u.name);
		}
		if ((w->urc = db_step(w->us)) == DB_ROW)
			db_read(w->us, NULL, UNION_NAME, &w->u);
	}
	return w->urc == DB_ROW || w->urc == DB_DONE ? DB_OK : w->urc;
}

static int walk_row(void *row, void *arg)
{
	struct person_row *r = row;
	struct walk *w = arg;
	struct arena *a;
	int rc;

	if (w->us && (rc = walk_unions(w, r->p.id)) != DB_OK)
		return rc;
	if (w->want && !w->want(w->arg, r->p.branch_id))
		return 0; /* never opened */
	a = arena_new();
	r->p.legal_name = open_blob(a, &r->legal_name, "people.legal_name");
	r->p.phone = open_blob(a, &r->phone, "people.phone");
	r->p.email = open_blob(a, &r->email, "people.email");
	r->p.address = open_blob(a, &r->address, "people.address");
	r->p.birth_date = open_blob(a, &r->birth_date, "people.birth_date");
	r->p.workplace = open_blob(a, &r->workplace, "people.workplace");
	rc = w->fn(&r->p, w->us ? (w->names.data ? w->names.data : "") : NULL,
		   w->arg);
	arena_free(a);
	return rc < 0 ? rc : 0;
}

int members_index_people_each(struct db_conn *c, people_fn fn, void *arg)
{
	struct person_row row = {0};
	struct walk w = {.fn = fn, .arg = arg};

	return db_each(c, NULL, INDEX_PERSON, &row, walk_row, &w,
		       SQL_INDEX_PEOPLE, "");
}

int members_export_people_each(struct db_conn *c,
			       bool (*want)(void *arg, int64_t branch),
			       people_fn fn, void *arg)
{
	struct person_row row = {0};
	struct walk w = {.want = want, .fn = fn, .arg = arg};
	int rc;

	/* a statement of its own, stepped by hand beside db_each's */
	if (!(w.us = db_prepare_once(c, SQL_EXPORT_UNIONS)))
		return DB_ERROR;
	buf_init(&w.names);
	if ((w.urc = db_step(w.us)) == DB_ROW)
		db_read(w.us, NULL, UNION_NAME, &w.u);
	rc = w.urc == DB_ROW || w.urc == DB_DONE
		     ? db_each(c, NULL, EXPORT_PERSON, &row, walk_row, &w,
			       SQL_EXPORT_PEOPLE, "")
		     : w.urc;
	buf_free(&w.names);
	db_finalize(w.us);
	return rc;
}

int members_person_unions_each(struct db_conn *c,
			       int (*fn)(void *row, void *arg), void *arg)
{
	struct person_union row;

	return db_each(c, NULL, PERSON_UNION, &row, fn, arg, SQL_ALL_UNIONS, "");
}

/* ---- branches ---- */

static const char SQL_BRANCH_ENSURE[] =
	"INSERT INTO branches (scope_id, kind, created_at) VALUES ($1, $2, $3) "
	"ON CONFLICT (scope_id) DO NOTHING";
/* No member counts here: they come from the in-memory index
 * (members_index_count_active); counting in SQL reads every person of a branch.
 * The depth is the path's slashes beyond the two of a top branch's
 * ("/12/"): every scope path has the form "/id/.../id/". */
#define BRANCH_SELECT                                                          \
	"SELECT s.id, coalesce(s.parent_id, 0), s.name, s.path, b.kind, "      \
	"length(s.path) - length(replace(s.path, '/', '')) - 2, b.version "    \
	"FROM branches b JOIN scopes s ON s.id = b.scope_id "
static const char SQL_BRANCH_LIST[] = BRANCH_SELECT "ORDER BY s.path";
static const char SQL_BRANCH_GET[] = BRANCH_SELECT "WHERE s.id = $1";
static const char SQL_BRANCH_FIND[] =
	BRANCH_SELECT "WHERE s.name = $1 ORDER BY s.path LIMIT 1";
static const struct db_map BRANCH[] = {
	DB_COL(struct branch, id),   DB_COL(struct branch, parent_id),
	DB_COL(struct branch, name), DB_COL(struct branch, path),
	DB_COL(struct branch, kind), DB_COL(struct branch, depth),
	DB_COL(struct branch, version), DB_COLS_END};

/* the kind, and the version that covers the name (kept by the scope) */
static const char SQL_BRANCH_UPDATE[] =
	"UPDATE branches SET kind = $2, version = version + 1 "
	"WHERE scope_id = $1 AND (version = $3 OR $3 = 0)";
static const char SQL_BRANCH_VERSION[] =
	"SELECT version FROM branches WHERE scope_id = $1";

int members_branch_update(struct db_conn *c, int64_t id, const char *name,
			  const char *kind, int64_t version)
{
	int64_t v;
	int rc = db_run(c, SQL_BRANCH_UPDATE, "iti", id, kind, version);

	if (rc == 0) /* the record is there at another version, or is not */
		return (rc = db_int(c, &v, SQL_BRANCH_VERSION, "i", id)) == DB_OK
			       ? DB_STALE
			       : rc;
	if (rc < 0)
		return rc;
	return scope_rename(c, id, name);
}

int members_branch_ensure(struct db_conn *c, int64_t scope_id, const char *kind)
{
	int rc = db_run(c, SQL_BRANCH_ENSURE, "iti", scope_id,
			kind ? kind : "branch", (int64_t)time_now());
	return rc < 0 ? rc : DB_OK;
}

int members_branch_create(struct db_conn *c, int64_t parent, const char *name,
			  const char *kind, int64_t *id_r)
{
	int rc = scope_create(c, parent, name, id_r);

	if (rc != DB_OK)
		return rc;
	return members_branch_ensure(c, *id_r, kind);
}

int members_branch_list(struct db_conn *c, struct arena *a,
			struct branch **out_r, size_t *n_r)
{
	return db_rows(c, a, BRANCH, sizeof(**out_r), out_r, n_r,
		       SQL_BRANCH_LIST, "");
}

int members_branch_get(struct db_conn *c, struct arena *a, int64_t id,
		       struct branch *out)
{
	return db_row(c, a, BRANCH, out, SQL_BRANCH_GET, "i", id);
}

int members_branch_find(struct db_conn *c, struct arena *a, const char *name,
			struct branch *out)
{
	return db_row(c, a, BRANCH, out, SQL_BRANCH_FIND, "t", name);
}

/* ---- unions ---- */

static const char SQL_UNION_ADD[] =
	"INSERT INTO unions (name, kind, description, created_at) "
	"VALUES ($1, $2, $3, $4) RETURNING id";
#define UNION_SELECT "SELECT u.id, u.name, u.kind, u.description, u.version "
static const char SQL_UNION_LIST[] = UNION_SELECT "FROM unions u ORDER BY u.name";
static const char SQL_UNION_GET[] = UNION_SELECT "FROM unions u WHERE u.id = $1";
static const char SQL_UNION_FIND[] =
	UNION_SELECT "FROM unions u WHERE lower(u.name) = lower($1)";
static const struct db_map UNION[] = {
	DB_COL(struct union_org, id), DB_COL(struct union_org, name),
	DB_COL(struct union_org, kind), DB_COL(struct union_org, description),
	DB_COL(struct union_org, version), DB_COLS_END};
static const char SQL_PU_CLEAR[] = "DELETE FROM person_unions WHERE person_id = $1";
static const char SQL_PU_ADD[] =
	"INSERT INTO person_unions (person_id, union_id) VALUES ($1, $2) "
	"ON CONFLICT (person_id, union_id) DO NOTHING";
static const char SQL_PU_LIST[] =
	"SELECT union_id FROM person_unions WHERE person_id = $1 ORDER BY union_id";
static const char SQL_PU_REP[] =
	"UPDATE person_unions SET is_rep = $1, title = $2 "
	"WHERE union_id = $3 AND person_id = $4";

int members_union_create(struct db_conn *c, const char *name, const char *kind,
			 const char *description, int64_t *id_r)
{
	return db_int(c, id_r, SQL_UNION_ADD, "ttti", name,
		      kind ? kind : "union", description ? description : "",
		      (int64_t)time_now());
}

static const char SQL_UNION_UPDATE[] =
	"UPDATE unions SET name = $2, kind = $3, description = $4, "
	"version = version + 1 WHERE id = $1 AND (version = $5 OR $5 = 0)";
static const char SQL_UNION_VERSION[] = "SELECT version FROM unions WHERE id = $1";

int members_union_update(struct db_conn *c, int64_t id, const char *name,
			 const char *kind, const char *description,
			 int64_t version)
{
	int64_t v;
	int rc = db_run(c, SQL_UNION_UPDATE, "ittti", id, name, kind,
			description ? description : "", version);

	if (rc == 0)
		return (rc = db_int(c, &v, SQL_UNION_VERSION, "i", id)) == DB_OK
			       ? DB_STALE
			       : rc;
	return rc < 0 ? rc : DB_OK;
}

int members_union_list(struct db_conn *c, struct arena *a,
		       struct union_org **out_r, size_t *n_r)
{
	return db_rows(c, a, UNION, sizeof(**out_r), out_r, n_r, SQL_UNION_LIST, "");
}

int members_union_get(struct db_conn *c, struct arena *a, int64_t id,
		      struct union_org *out)
{
	return db_row(c, a, UNION, out, SQL_UNION_GET, "i", id);
}

int members_union_find(struct db_conn *c, struct arena *a, const char *name,
		       struct union_org *out)
{
	return db_row(c, a, UNION, out, SQL_UNION_FIND, "t", name);
}

int members_person_set_unions(struct db_conn *c, int64_t person,
			      const int64_t *unions, size_t n)
{
	if (db_run(c, SQL_PU_CLEAR, "i", person) < 0)
		return DB_ERROR;
	return members_person_add_unions(c, person, unions, n);
}

int members_person_add_unions(struct db_conn *c, int64_t person,
			      const int64_t *unions, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (db_run(c, SQL_PU_ADD, "ii", person, unions[i]) < 0)
			return DB_ERROR;
	return DB_OK;
}

int members_person_unions(struct db_conn *c, struct arena *a, int64_t person,
			  int64_t **ids_r, size_t *n_r)
{
	return db_rows(c, a, ID_COL, sizeof(**ids_r), ids_r, n_r, SQL_PU_LIST,
		       "i", person);
}

int members_union_set_rep(struct db_conn *c, int64_t union_id, int64_t person,
			  bool is_rep, const char *title)
{
	int rc = db_run(c, SQL_PU_REP, "itii", (int64_t)is_rep,
			title ? title : "", union_id, person);
	return changed_one(rc);
}

static const char SQL_REPS[] =
	"SELECT p.id, p.branch_id, p.display_name, pu.title FROM person_unions pu "
	"JOIN people p ON p.id = pu.person_id WHERE pu.union_id = $1 "
	"AND pu.is_rep = 1 AND p.erased_at IS NULL ORDER BY p.display_name";

static const struct db_map REP[] = {
	DB_COL(struct union_rep, person), DB_COL(struct union_rep, branch_id),
	DB_COL(struct union_rep, display_name), DB_COL(struct union_rep, title),
	DB_COLS_END};

int members_union_reps(struct db_conn *c, struct arena *a, int64_t union_id,
		       struct union_rep **out_r, size_t *n_r)
{
	return db_rows(c, a, REP, sizeof(**out_r), out_r, n_r, SQL_REPS, "i",
		       union_id);
}

/* ---- dues ---- */

static const char SQL_DUES_ADD[] =
	"INSERT INTO dues (person_id, amount, currency, period, paid_on, "
	"recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
	"RETURNING id";
static const char SQL_DUES_LIST[] =
	"SELECT id, amount, currency, period, paid_on FROM dues "
	"WHERE person_id = $1 AND removed_at IS NULL "
	"ORDER BY paid_on DESC, id DESC";
static const char SQL_DUE_GET[] =
	"SELECT id, amount, currency, period, paid_on FROM dues "
	"WHERE id = $1 AND person_id = $2 AND removed_at IS NULL";
static const char SQL_DUE_CHANGE_ADD[] =
	"INSERT INTO dues_changes (due_id, kind, amount, currency, period, "
	"paid_on, reason_sealed, by_user, at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
static const char SQL_DUE_SET[] =
	"UPDATE dues SET amount = $1, currency = $2, period = $3, paid_on = $4 "
	"WHERE id = $5 AND removed_at IS NULL";
static const char SQL_DUE_REMOVE[] =
	"UPDATE dues SET removed_at = $1 WHERE id = $2 AND removed_at IS NULL";
static const char SQL_DUE_CHANGES[] =
	"SELECT x.due_id, x.kind, x.amount, x.currency, x.period, x.paid_on, "
	"x.reason_sealed, coalesce(u.display_name, ''), x.at "
	"FROM dues_changes x JOIN dues d ON d.id = x.due_id "
	"LEFT JOIN users u ON u.id = x.by_user "
	"WHERE d.person_id = $1 ORDER BY x.id DESC";
static const struct db_map DUE[] = {
	DB_COL(struct due, id), DB_COL(struct due, amount),
	DB_COL(struct due, currency), DB_COL(struct due, period),
	DB_COL(struct due, paid_on), DB_COLS_END};
static const struct db_map DUE_CHANGE[] = {
	DB_COL(struct due_change, due_id), DB_COL(struct due_change, kind),
	DB_COL(struct due_change, amount), DB_COL(struct due_change, currency),
	DB_COL(struct due_change, period), DB_COL(struct due_change, paid_on),
	DB_COL_FN(struct due_change, reason, unseal_col, "people.dues_reason"),
	DB_COL(struct due_change, by), DB_COL(struct due_change, at),
	DB_COLS_END};

int members_dues_add(struct db_conn *c, int64_t person, int64_t amount,
		     const char *currency, const char *period,
		     const char *paid_on, int64_t by, int64_t *id_r)
{
	int64_t id = 0;
	int rc = by ? db_int(c, &id, SQL_DUES_ADD, "iitttii", person, amount,
			     currency, period, paid_on, by, (int64_t)time_now())
		    : db_int(c, &id, SQL_DUES_ADD, "iitttni", person, amount,
			     currency, period, paid_on, (int64_t)time_now());

	if (rc == DB_NOTFOUND)
		rc = DB_ERROR; /* RETURNING gave no id */
	if (rc == DB_OK && id_r)
		*id_r = id;
	return rc;
}

int members_dues_list(struct db_conn *c, struct arena *a, int64_t person,
		      struct due **out_r, size_t *n_r)
{
	return db_rows(c, a, DUE, sizeof(**out_r), out_r, n_r, SQL_DUES_LIST,
		       "i", person);
}

int members_due_get(struct db_conn *c, struct arena *a, int64_t person,
		    int64_t id, struct due *out)
{
	return db_row(c, a, DUE, out, SQL_DUE_GET, "ii", id, person);
}

/* The values of old before a change, with why (sealed) and who (0: the
 * command line). */
static int due_change_add(struct db_conn *c, struct arena *a,
			  const struct due *old, const char *kind,
			  const char *reason, int64_t by)
{
	struct sealed r = seal_field(a, "dues_reason", reason);
	struct db_stmt *st = db_prepare(c, SQL_DUE_CHANGE_ADD);
	int rc;

	if (!st)
		return DB_ERROR;
	db_bind_int(st, 1, old->id);
	db_bind_text(st, 2, kind);
	db_bind_int(st, 3, old->amount);
	db_bind_text(st, 4, old->currency);
	db_bind_text(st, 5, old->period);
	db_bind_text(st, 6, old->paid_on);
	bind_sealed(st, 7, r);
	if (by)
		db_bind_int(st, 8, by);
	else
		db_bind_null(st, 8);
	db_bind_int(st, 9, time_now());
	rc = db_step(st);
	db_reset(st);
	return rc == DB_DONE ? DB_OK : rc;
}

int members_due_correct(struct db_conn *c, struct arena *a,
			const struct due *old, int64_t amount,
			const char *currency, const char *period,
			const char *paid_on, const char *reason, int64_t by)
{
	int rc = due_change_add(c, a, old, "corrected", reason, by);

	if (rc != DB_OK)
		return rc;
	rc = db_run(c, SQL_DUE_SET, "ittti", amount, currency, period, paid_on,
		    old->id);
	if (rc < 0)
		return rc;
	return rc == 0 ? DB_NOTFOUND : DB_OK;
}

int members_due_remove(struct db_conn *c, struct arena *a,
		       const struct due *old, const char *reason, int64_t by)
{
	int rc = due_change_add(c, a, old, "removed", reason, by);

	if (rc != DB_OK)
		return rc;
	rc = db_run(c, SQL_DUE_REMOVE, "ii", (int64_t)time_now(), old->id);
	if (rc < 0)
		return rc;
	return rc == 0 ? DB_NOTFOUND : DB_OK;
}

int members_due_changes(struct db_conn *c, struct arena *a, int64_t person,
			struct due_change **out_r, size_t *n_r)
{
	return db_rows(c, a, DUE_CHANGE, sizeof(**out_r), out_r, n_r,
		       SQL_DUE_CHANGES, "i", person);
}

/* ---- the generation of people, for other processes' indexes ---- */

void members_generation_bump(struct db_conn *c)
{
	struct arena *a = arena_new();
	int64_t g = 0;

	str_to_i64(setting_get(c, a, "members.generation", "0"), &g);
	setting_set(c, "members.generation", arena_printf(a, "%lld", (long long)g + 1));
	arena_free(a);
}

int64_t members_generation(struct db_conn *c)
{
	struct arena *a = arena_new();
	int64_t g = 0;

	str_to_i64(setting_get(c, a, "members.generation", "0"), &g);
	arena_free(a);
	return g;
}

/* ---- contact reviews (contacts.c says when they open) ----
 * Lists read reviews by their cover_scope, the branch nearest both
 * records: an officer of some branches reads only the reviews inside
 * them, so their pages cost nothing more for reviews they cannot see. */

static const char SQL_REVIEW_OPEN_FIND[] =
	"SELECT id FROM contact_reviews WHERE person_id = $1 AND field = $2 "
	"AND (state = 'open' OR (state = 'apart' AND other_id = $3))";
static const char SQL_REVIEW_ADD[] =
	"INSERT INTO contact_reviews (person_id, other_id, field, opened_by, "
	"opened_at, cover_scope) VALUES ($1, $2, $3, $4, $5, $6)";
static const char SQL_REVIEW_MOOT[] =
	"UPDATE contact_reviews SET state = 'moot', resolved_at = $3 "
	"WHERE person_id = $1 AND field = $2 AND state = 'open'";
static const char SQL_REVIEW_MOOT_ALL[] =
	"UPDATE contact_reviews SET state = 'moot', resolved_at = $2 "
	"WHERE (person_id = $1 OR other_id = $1) AND state = 'open'";
#define REVIEW_COLS                                                          \
	"SELECT r.id, r.person_id, r.other_id, r.field, r.state, "             \
	"coalesce(r.opened_by, 0), r.opened_at, coalesce(u.display_name, '') " \
	"FROM contact_reviews r LEFT JOIN users u ON u.id = r.opened_by "
/* the organization: every open review; a branch: those whose cover lies
 * in it ($1 = its path followed by '%': paths hold digits and '/') */
static const char SQL_REVIEWS_ALL[] =
	REVIEW_COLS "WHERE r.state = 'open' ORDER BY r.id LIMIT $1";
static const char SQL_REVIEWS_IN[] =
	REVIEW_COLS "WHERE r.state = 'open' AND r.cover_scope IN "
	"(SELECT id FROM scopes WHERE path LIKE $1) ORDER BY r.id LIMIT $2";
static const char SQL_REVIEWS_OF_ALL[] =
	REVIEW_COLS "WHERE r.state = 'open' AND (r.person_id = $1 OR r.other_id = $1) "
	"ORDER BY r.id";
static const char SQL_REVIEWS_OF_IN[] =
	REVIEW_COLS "WHERE r.state = 'open' AND (r.person_id = $1 OR r.other_id = $1) "
	"AND r.cover_scope IN (SELECT id FROM scopes WHERE path LIKE $2) "
	"ORDER BY r.id";
static const char SQL_REVIEW_GET[] = REVIEW_COLS "WHERE r.id = $1";
static const char SQL_REVIEW_RESOLVE[] =
	"UPDATE contact_reviews SET state = $1, resolved_by = $2, "
	"resolved_at = $3 WHERE id = $4 AND state = 'open'";

static const struct db_map REVIEW[] = {
	DB_COL(struct contact_review, id),
	DB_COL(struct contact_review, person_id),
	DB_COL(struct contact_review, other_id),
	DB_COL_FN(struct contact_review, field, col_contact_field, NULL),
	DB_COL(struct contact_review, state),
	DB_COL(struct contact_review, opened_by),
	DB_COL(struct contact_review, opened_at),
	DB_COL(struct contact_review, opened_by_name),
	DB_COLS_END};

const char *members_contact_field_name(int field)
{
	return field == CONTACT_EMAIL ? "email" : "phone";
}

int members_review_open(struct db_conn *c, int64_t person, int64_t other,
			int field, int64_t cover, int64_t by)
{
	int64_t id;
	int rc = db_int(c, &id, SQL_REVIEW_OPEN_FIND, "iti", person,
			members_contact_field_name(field), other);
	struct db_stmt *st;

	if (rc == DB_OK)
		return DB_OK; /* waiting already, or kept apart for good */
	if (rc != DB_NOTFOUND)
		return rc;
	if (!(st = db_prepare(c, SQL_REVIEW_ADD)))
		return DB_ERROR;
	db_bind_int(st, 1, person);
	db_bind_int(st, 2, other);
	db_bind_text(st, 3, members_contact_field_name(field));
	if (by)
		db_bind_int(st, 4, by);
	else
		db_bind_null(st, 4);
	db_bind_int(st, 5, time_now());
	if (cover)
		db_bind_int(st, 6, cover);
	else
		db_bind_null(st, 6);
	rc = db_step(st);
	db_reset(st);
	return rc == DB_DONE ? DB_OK : rc;
}

int members_review_moot(struct db_conn *c, int64_t person, int field)
{
	int rc = db_run(c, SQL_REVIEW_MOOT, "iti", person,
			members_contact_field_name(field), (int64_t)time_now());
	return rc < 0 ? rc : DB_OK;
}

int members_reviews_moot_all(struct db_conn *c, int64_t person)
{
	int rc = db_run(c, SQL_REVIEW_MOOT_ALL, "ii", person, (int64_t)time_now());
	return rc < 0 ? rc : DB_OK;
}

int members_reviews_within(struct db_conn *c, struct arena *a, const char *path,
			   int64_t person, size_t max,
			   struct contact_review **out_r, size_t *n_r)
{
	const char *like = path ? arena_printf(a, "%s%%", path) : NULL;
	size_t size = sizeof(**out_r);

	if (person && like)
		return db_rows(c, a, REVIEW, size, out_r, n_r, SQL_REVIEWS_OF_IN,
			       "it", person, like);
	if (person)
		return db_rows(c, a, REVIEW, size, out_r, n_r, SQL_REVIEWS_OF_ALL,
			       "i", person);
	if (like)
		return db_rows(c, a, REVIEW, size, out_r, n_r, SQL_REVIEWS_IN,
			       "ti", like, (int64_t)max);
	return db_rows(c, a, REVIEW, size, out_r, n_r, SQL_REVIEWS_ALL, "i",
		       (int64_t)max);
}

int members_review_get(struct db_conn *c, struct arena *a, int64_t id,
		       struct contact_review *out)
{
	return db_row(c, a, REVIEW, out, SQL_REVIEW_GET, "i", id);
}

int members_review_resolve(struct db_conn *c, int64_t id, const char *state,
			   int64_t by)
{
	int rc = db_run(c, SQL_REVIEW_RESOLVE, "tiii", state, by,
			(int64_t)time_now(), id);
	return changed_one(rc);
}

/* ---- merging two records of one person ---- */

static const char SQL_TOMBSTONE[] =
	"UPDATE people SET display_name = $1, status = 'left', "
	"legal_name_sealed = NULL, phone_sealed = NULL, email_sealed = NULL, "
	"address_sealed = NULL, birth_date_sealed = NULL, workplace_sealed = NULL, "
	"notes_sealed = NULL, email_index = NULL, phone_index = NULL, "
	"email_alias_index = NULL, phone_alias_index = NULL, "
	"consent_phone = 0, consent_sms = 0, consent_email = 0, account_id = NULL, "
	"updated_at = $2, erased_at = $2, version = version + 1 WHERE id = $3";
static const char SQL_MOVE_HISTORY[] =
	"UPDATE status_history SET person_id = $1 WHERE person_id = $2";
static const char SQL_MOVE_DUES[] =
	"UPDATE dues SET person_id = $1 WHERE person_id = $2";
static const char SQL_MOVE_UNIONS[] =
	"INSERT INTO person_unions (person_id, union_id, is_rep, title) "
	"SELECT $1, union_id, is_rep, title FROM person_unions "
	"WHERE person_id = $2 ON CONFLICT DO NOTHING";
static const char SQL_MOVE_APPS[] =
	"UPDATE applications SET person_id = $1 WHERE person_id = $2";
static const char SQL_MOVE_REVIEWS_P[] =
	"UPDATE contact_reviews SET person_id = $1 WHERE person_id = $2 "
	"AND state = 'open'";
static const char SQL_MOVE_REVIEWS_O[] =
	"UPDATE contact_reviews SET other_id = $1 WHERE other_id = $2 "
	"AND state = 'open'";
static const char SQL_REVIEWS_SELF[] =
	"UPDATE contact_reviews SET state = 'moot', resolved_at = $1 "
	"WHERE person_id = other_id AND state = 'open'";

/* Does anyone but self hold this value as its first holder? */
static int first_taken(struct db_conn *c, struct arena *a, int field,
		       const char *value, int64_t self, bool *taken_r)
{
	unsigned char bi[BLIND_LEN];
	struct contact_holder *h;
	size_t n;
	int rc;

	*taken_r = false;
	if (!members_person_contact_index(field, value, bi))
		return DB_OK;
	if ((rc = members_person_holders(c, a, field, bi, self, &h, &n)) !=
	    DB_OK)
		return rc;
	*taken_r = n > 0 && h[0].first;
	return DB_OK;
}

int members_person_merge(struct db_conn *c, struct arena *a, int64_t keep,
			 int64_t drop, int64_t branch, int64_t by)
{
	struct person k, d;
	struct person_input in = {0};
	struct sealed note;
	int rc;

	if ((rc = members_person_get(c, a, keep, true, &k)) != DB_OK ||
	    (rc = members_person_get(c, a, drop, true, &d)) != DB_OK)
		return rc;
	if (k.erased_at || d.erased_at || keep == drop)
		return DB_NOTFOUND;
	/* the first record as it is, with the later one in its notes */
	in.display_name = k.display_name;
	in.legal_name = k.legal_name;
	in.phone = k.phone;
	in.email = k.email;
	in.address = k.address;
	in.birth_date = k.birth_date;
	in.workplace = k.workplace;
	in.joined_on = k.joined_on;
	in.consent_phone = k.consent_phone;
	in.consent_sms = k.consent_sms;
	in.consent_email = k.consent_email;
	in.notes = members_person_merge_notes(a, &k, &d);
	in.branch_id = branch ? branch : k.branch_id;
	/* the later record stays as a row that names no one (its id is never
	 * reused: the audit log speaks of it), without contacts or account:
	 * whoever wrote it must not come to read the first */
	/* named without the first record's id: whoever sees this row may
	 * not see that one (the audit log links them) */
	if ((rc = db_run(c, SQL_TOMBSTONE, "tii", "merged record",
			 (int64_t)time_now(), drop)) < 0)
		return rc;
	if ((rc = first_taken(c, a, CONTACT_EMAIL, in.email, keep,
			      &in.email_alias)) != DB_OK ||
	    (rc = first_taken(c, a, CONTACT_PHONE, in.phone, keep,
			      &in.phone_alias)) != DB_OK ||
	    (rc = members_person_update(c, a, keep, &in, by)) != DB_OK)
		return rc;
	note = seal_field(a, "status_note",
			  arena_printf(a, "merged with record %lld", (long long)drop));
	if ((rc = history_add(c, keep, members_status_name(k.status),
			      members_status_name(k.status), by, &note)) !=
	    DB_OK)
		return rc;
	if ((rc = db_run(c, SQL_MOVE_HISTORY, "ii", keep, drop)) < 0 ||
	    (rc = db_run(c, SQL_MOVE_DUES, "ii", keep, drop)) < 0 ||
	    (rc = db_run(c, SQL_MOVE_UNIONS, "ii", keep, drop)) < 0 ||
	    (rc = db_run(c, SQL_MOVE_APPS, "ii", keep, drop)) < 0 ||
	    (rc = db_run(c, SQL_MOVE_REVIEWS_P, "ii", keep, drop)) < 0 ||
	    (rc = db_run(c, SQL_MOVE_REVIEWS_O, "ii", keep, drop)) < 0 ||
	    (rc = db_run(c, SQL_REVIEWS_SELF, "i", (int64_t)time_now())) < 0 ||
	    (rc = db_run(c, SQL_ERASE_UNIONS, "i", drop)) < 0)
		return rc;
	return DB_OK;
}

/* ---- what officers exported, for the two-person rule ---- */

static const char SQL_EXPORT_LOG_ADD[] =
	"INSERT INTO export_log (user_id, at, people, scopes, request_id) "
	"VALUES ($1, $2, $3, $4, $5)";
static const char SQL_EXPORT_LOG_SINCE[] =
	"SELECT people, scopes FROM export_log WHERE user_id = $1 AND at > $2 "
	"ORDER BY id";

int members_export_log_add(struct db_conn *c, int64_t user, int64_t people,
			   const char *scopes, int64_t request)
{
	int rc = request ? db_run(c, SQL_EXPORT_LOG_ADD, "iiiti", user,
				  (int64_t)time_now(), people, scopes, request)
			 : db_run(c, SQL_EXPORT_LOG_ADD, "iiitn", user,
				  (int64_t)time_now(), people, scopes);
	return rc < 0 ? rc : DB_OK;
}

struct export_log_row {
	int64_t people;
	const char *scopes;
};
static const struct db_map EXPORT_LOG[] = {
	DB_COL(struct export_log_row, people),
	DB_COL(struct export_log_row, scopes), DB_COLS_END};

int members_export_log_since(struct db_conn *c, struct arena *a, int64_t user,
			     int64_t since, int64_t *people_r,
			     const char ***scopes_r, size_t *n_r)
{
	struct export_log_row *rows;
	const char **scopes;
	int rc = db_rows(c, a, EXPORT_LOG, sizeof(*rows), &rows, n_r,
			 SQL_EXPORT_LOG_SINCE, "ii", user, since);

	*people_r = 0;
	*scopes_r = NULL;
	if (rc != DB_OK)
		return rc;
	scopes = arena_alloc(a, (*n_r + 1) * sizeof(*scopes));
	for (size_t i = 0; i < *n_r; i++) {
		*people_r += rows[i].people;
		scopes[i] = rows[i].scopes;
	}
	*scopes_r = scopes;
	return DB_OK;
}

/* ---- the intake key (intake.c says who holds it) ---- */

static const char SQL_INTAKE_PK[] =
	"SELECT public_key FROM intake_key WHERE id = 1";
static const char SQL_INTAKE_PK_PUT[] =
	"INSERT INTO intake_key (id, public_key, created_at) VALUES (1, $1, $2) "
	"ON CONFLICT (id) DO NOTHING";
/* one blob */
static const struct db_map BLOB_COL[] = {DB_COL_SELF(struct db_blob),
					 DB_COLS_END};
static const char SQL_GRANT_GET[] =
	"SELECT for_key, sealed_sk FROM intake_grants WHERE user_id = $1";
static const struct db_map INTAKE_GRANT[] = {
	DB_COL(struct intake_grant, for_key),
	DB_COL(struct intake_grant, sealed_sk),
	DB_COLS_END};
static const char SQL_GRANT_PUT[] =
	"INSERT INTO intake_grants (user_id, for_key, sealed_sk, created_at) "
	"VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO UPDATE SET "
	"for_key = excluded.for_key, sealed_sk = excluded.sealed_sk, "
	"created_at = excluded.created_at";
static const char SQL_GRANT_DEL[] = "DELETE FROM intake_grants WHERE user_id = $1";
static const char SQL_GRANT_USERS[] =
	"SELECT user_id FROM intake_grants ORDER BY user_id";
static const char SQL_ROLE_USERS[] =
	"SELECT DISTINCT g.user_id FROM grants g JOIN users u ON u.id = g.user_id "
	"WHERE g.role = $1 AND u.status = 'active' ORDER BY g.user_id";

int members_intake_key_get(struct db_conn *c, struct arena *a,
			   struct db_blob *pk_r)
{
	return db_row(c, a, BLOB_COL, pk_r, SQL_INTAKE_PK, "");
}

int members_intake_key_put(struct db_conn *c, const unsigned char *pk, size_t n)
{
	return db_run(c, SQL_INTAKE_PK_PUT, "bi", pk, n, (int64_t)time_now());
}

int members_intake_grant_get(struct db_conn *c, struct arena *a, int64_t user,
			     struct intake_grant *out)
{
	return db_row(c, a, INTAKE_GRANT, out, SQL_GRANT_GET, "i", user);
}

int members_intake_grant_put(struct db_conn *c, int64_t user,
			     const void *for_key, size_t nkey,
			     const void *sealed_sk, size_t nsealed)
{
	int rc = db_run(c, SQL_GRANT_PUT, "ibbi", user, for_key, nkey, sealed_sk,
			nsealed, (int64_t)time_now());
	return rc < 0 ? rc : DB_OK;
}

int members_intake_grant_drop(struct db_conn *c, int64_t user)
{
	int rc = db_run(c, SQL_GRANT_DEL, "i", user);
	return rc < 0 ? rc : DB_OK;
}

int members_intake_grant_holders(struct db_conn *c, struct arena *a,
				 int64_t **ids_r, size_t *n_r)
{
	return db_rows(c, a, ID_COL, sizeof(**ids_r), ids_r, n_r, SQL_GRANT_USERS,
		       "");
}

int members_role_accounts(struct db_conn *c, struct arena *a, const char *role,
			  int64_t **ids_r, size_t *n_r)
{
	return db_rows(c, a, ID_COL, sizeof(**ids_r), ids_r, n_r, SQL_ROLE_USERS,
		       "t", role);
}

/* ---- export requests: beyond one officer's share, a second approves ---- */

static const char SQL_EX_ADD[] =
	"INSERT INTO export_requests (requested_by, scopes, created_at, people) "
	"VALUES ($1, $2, $3, $4) RETURNING id";
#define EXPORT_REQUEST_SELECT                                                  \
	"SELECT e.id, e.requested_by, e.scopes, e.state, e.created_at, "       \
	"coalesce(e.approved_at, 0), u.display_name, e.people "                \
	"FROM export_requests e JOIN users u ON u.id = e.requested_by "
static const char SQL_EX_GET[] = EXPORT_REQUEST_SELECT "WHERE e.id = $1";
static const char SQL_EX_SINCE[] =
	EXPORT_REQUEST_SELECT "WHERE e.created_at > $1 ORDER BY e.id DESC LIMIT 50";
static const struct db_map EXPORT_REQUEST[] = {
	DB_COL(struct export_request, id),
	DB_COL(struct export_request, by),
	DB_COL(struct export_request, scopes),
	DB_COL(struct export_request, state),
	DB_COL(struct export_request, created_at),
	DB_COL(struct export_request, approved_at),
	DB_COL(struct export_request, by_name),
	DB_COL(struct export_request, people),
	DB_COLS_END};
static const char SQL_EX_APPROVE[] =
	"UPDATE export_requests SET state = 'approved', approved_by = $1, "
	"approved_at = $2 WHERE id = $3 AND state = 'pending'";
static const char SQL_EX_DONE[] =
	"UPDATE export_requests SET state = 'done', done_at = $1 "
	"WHERE id = $2 AND state = 'approved'";

/* pending requests of other officers, whatever their age or number */
static const char SQL_EX_PENDING[] = EXPORT_REQUEST_SELECT
	"WHERE e.state = 'pending' AND e.requested_by <> $1 ORDER BY e.id";

int members_export_requests_pending(struct db_conn *c, struct arena *a,
				    int64_t not_by,
				    struct export_request **out_r, size_t *n_r)
{
	return db_rows(c, a, EXPORT_REQUEST, sizeof(**out_r), out_r, n_r,
		       SQL_EX_PENDING, "i", not_by);
}

int members_export_request_add(struct db_conn *c, int64_t by,
			       const char *scopes, int64_t people,
			       int64_t *id_r)
{
	return db_int(c, id_r, SQL_EX_ADD, "itii", by, scopes,
		      (int64_t)time_now(), people);
}

int members_export_request_get(struct db_conn *c, struct arena *a, int64_t id,
			       struct export_request *out)
{
	return db_row(c, a, EXPORT_REQUEST, out, SQL_EX_GET, "i", id);
}

int members_export_requests_since(struct db_conn *c, struct arena *a,
				  int64_t since, struct export_request **out_r,
				  size_t *n_r)
{
	return db_rows(c, a, EXPORT_REQUEST, sizeof(**out_r), out_r, n_r,
		       SQL_EX_SINCE, "i", since);
}

int members_export_request_approve(struct db_conn *c, int64_t id, int64_t by)
{
	return changed_one(db_run(c, SQL_EX_APPROVE, "iii", by,
				  (int64_t)time_now(), id));
}

int members_export_request_done(struct db_conn *c, int64_t id)
{
	return changed_one(db_run(c, SQL_EX_DONE, "ii", (int64_t)time_now(), id));
}

/* ---- applications: the queue, its reviews and decisions, forms used ---- */

static const char SQL_APP_ADD[] =
	"INSERT INTO applications (branch_id, intake_sealed, lang, created_at) "
	"VALUES ($1, $2, $3, $4) RETURNING id";
#define APPLICATION_SELECT                                                     \
	"SELECT a.id, a.branch_id, a.state, a.created_at, a.intake_sealed, "   \
	"a.lang, coalesce(a.person_id, 0), "                                   \
	"(SELECT count(DISTINCT r.user_id) FROM application_reviews r "        \
	" WHERE r.application_id = a.id AND r.decision = 'approve') "          \
	"FROM applications a "
static const char SQL_APP_LIST[] =
	APPLICATION_SELECT "ORDER BY CASE a.state WHEN 'new' THEN 0 ELSE 1 END, "
	"a.id DESC LIMIT 500";
static const char SQL_APP_GET[] = APPLICATION_SELECT "WHERE a.id = $1";
static const char SQL_APP_OF[] =
	APPLICATION_SELECT "WHERE a.person_id = $1 ORDER BY a.id";
static const struct db_map APPLICATION[] = {
	DB_COL(struct application, id),
	DB_COL(struct application, branch_id),
	DB_COL(struct application, state),
	DB_COL(struct application, created_at),
	DB_COL(struct application, sealed),
	DB_COL(struct application, lang),
	DB_COL(struct application, person_id),
	DB_COL(struct application, approvals),
	DB_COLS_END};
static const char SQL_APP_REVIEWS[] =
	"SELECT r.decision, r.at, u.display_name, r.note_sealed, r.user_id "
	"FROM application_reviews r JOIN users u ON u.id = r.user_id "
	"WHERE r.application_id = $1 ORDER BY r.id";
static const struct db_map APPLICATION_REVIEW[] = {
	DB_COL(struct application_review, decision),
	DB_COL(struct application_review, at),
	DB_COL(struct application_review, by_name),
	DB_COL_FN(struct application_review, note, unseal_col,
		  "application_reviews.note"),
	DB_COL(struct application_review, user_id),
	DB_COLS_END};
static const char SQL_APP_REVIEW_ADD[] =
	"INSERT INTO application_reviews (application_id, user_id, decision, "
	"note_sealed, at) VALUES ($1, $2, $3, $4, $5)";
static const char SQL_APP_APPROVED_BY[] =
	"SELECT count(*) FROM application_reviews WHERE application_id = $1 "
	"AND decision = 'approve' AND user_id = $2";
static const char SQL_APP_APPROVALS[] =
	"SELECT count(DISTINCT user_id) FROM application_reviews "
	"WHERE application_id = $1 AND decision = 'approve'";
static const char SQL_APP_DECIDE[] =
	"UPDATE applications SET state = $1, decided_at = $2, decided_by = $3, "
	"person_id = $4, intake_sealed = $5 WHERE id = $6 AND state = 'new'";
static const char SQL_APPROVERS[] =
	"SELECT DISTINCT user_id FROM application_reviews "
	"WHERE application_id = $1 AND decision = 'approve' ORDER BY user_id";
static const char SQL_FORM_USE[] =
	"INSERT INTO join_forms_used (token_hash, at) VALUES ($1, $2) "
	"ON CONFLICT DO NOTHING";
static const char SQL_FORMS_OLD[] = "DELETE FROM join_forms_used WHERE at < $1";

int members_application_approvers(struct db_conn *c, struct arena *a,
				  int64_t app, int64_t **ids_r, size_t *n_r)
{
	return db_rows(c, a, ID_COL, sizeof(**ids_r), ids_r, n_r, SQL_APPROVERS,
		       "i", app);
}

int members_application_add(struct db_conn *c, int64_t branch,
			    const void *sealed, size_t n, const char *lang,
			    int64_t at, int64_t *id_r)
{
	return db_int(c, id_r, SQL_APP_ADD, "ibti", branch, sealed, n, lang, at);
}

int members_application_list(struct db_conn *c, struct arena *a,
			     struct application **out_r, size_t *n_r)
{
	return db_rows(c, a, APPLICATION, sizeof(**out_r), out_r, n_r,
		       SQL_APP_LIST, "");
}

/* $1: a branch's path and '%', or '%' for the organization */
static const char SQL_APP_WAITING[] =
	"SELECT count(*) FROM applications WHERE state = 'new' AND branch_id IN "
	"(SELECT id FROM scopes WHERE path LIKE $1)";

int members_applications_waiting(struct db_conn *c, struct arena *a,
				 const char *path, int64_t *n_r)
{
	return db_int(c, n_r, SQL_APP_WAITING, "t",
		      path ? arena_printf(a, "%s%%", path) : "%");
}

int members_application_get(struct db_conn *c, struct arena *a, int64_t id,
			    struct application *out)
{
	return db_row(c, a, APPLICATION, out, SQL_APP_GET, "i", id);
}

int members_applications_of(struct db_conn *c, struct arena *a, int64_t person,
			    struct application **out_r, size_t *n_r)
{
	return db_rows(c, a, APPLICATION, sizeof(**out_r), out_r, n_r,
		       SQL_APP_OF, "i", person);
}

int members_application_reviews(struct db_conn *c, struct arena *a, int64_t app,
				struct application_review **out_r, size_t *n_r)
{
	return db_rows(c, a, APPLICATION_REVIEW, sizeof(**out_r), out_r, n_r,
		       SQL_APP_REVIEWS, "i", app);
}

int members_application_review_add(struct db_conn *c, int64_t app, int64_t user,
				   const char *decision, const void *note,
				   size_t n)
{
	int rc = note ? db_run(c, SQL_APP_REVIEW_ADD, "iitbi", app, user,
			       decision, note, n, (int64_t)time_now())
		      : db_run(c, SQL_APP_REVIEW_ADD, "iitni", app, user,
			       decision, (int64_t)time_now());
	return rc < 0 ? rc : DB_OK;
}

int members_application_approved_by(struct db_conn *c, int64_t app,
				    int64_t user, int64_t *n_r)
{
	*n_r = 0;
	return db_int(c, n_r, SQL_APP_APPROVED_BY, "ii", app, user);
}

int members_application_approvals(struct db_conn *c, int64_t app, int64_t *n_r)
{
	*n_r = 0;
	return db_int(c, n_r, SQL_APP_APPROVALS, "i", app);
}

int members_application_decide(struct db_conn *c, int64_t app,
			       const char *state, int64_t by, int64_t person)
{
	/* the sealed submission goes: what was accepted lives on in the
	 * person's record, sealed with the data key */
	int rc = person ? db_run(c, SQL_APP_DECIDE, "tiiibi", state,
				 (int64_t)time_now(), by, person, "", (size_t)0, app)
			: db_run(c, SQL_APP_DECIDE, "tiinbi", state,
				 (int64_t)time_now(), by, "", (size_t)0, app);
	return changed_one(rc);
}

int members_join_form_use(struct db_conn *c, const unsigned char *hash,
			  size_t n, int64_t ttl)
{
	int rc;

	if (db_run(c, SQL_FORMS_OLD, "i", (int64_t)time_now() - ttl) < 0)
		return DB_ERROR;
	rc = db_run(c, SQL_FORM_USE, "bi", hash, n, (int64_t)time_now());
	return rc < 0 ? rc : (rc == 0 ? DB_CONSTRAINT : DB_OK);
}

/* ---- an uploaded CSV waiting between its preview and its import ---- */

static const char SQL_UP_ADD[] =
	"INSERT INTO import_uploads (user_id, data_sealed, created_at, options) "
	"VALUES ($1, $2, $3, $4) RETURNING id";
static const char SQL_UP_GET[] =
	"SELECT data_sealed, options, seen FROM import_uploads WHERE id = $1 "
	"AND user_id = $2 AND created_at > $3";
static const char SQL_UP_OPTIONS[] =
	"UPDATE import_uploads SET options = $1 WHERE id = $2 AND user_id = $3";
static const char SQL_UP_SEEN[] =
	"UPDATE import_uploads SET seen = $1 WHERE id = $2 AND user_id = $3";
static const char SQL_UP_DEL[] =
	"DELETE FROM import_uploads WHERE id = $1 OR created_at <= $2";
struct upload_row {
	const char *text, *options, *seen;
};
static const struct db_map UPLOAD[] = {
	DB_COL_FN(struct upload_row, text, col_opened_or_null,
		  "import_uploads.data"),
	DB_COL(struct upload_row, options), DB_COL(struct upload_row, seen),
	DB_COLS_END};

int members_import_upload_add(struct db_conn *c, struct arena *a, int64_t user,
			      const char *data, size_t n, const char *options,
			      int64_t ttl, int64_t *id_r)
{
	size_t slen;
	unsigned char *sealed = seal_str(a, "import_uploads.data",
					 arena_strndup(a, data, n), &slen);

	if (members_import_upload_drop(c, 0, ttl) != DB_OK)
		return DB_ERROR;
	return db_int(c, id_r, SQL_UP_ADD, "ibit", user, sealed, slen,
		      (int64_t)time_now(), options);
}

int members_import_upload_get(struct db_conn *c, struct arena *a, int64_t id,
			      int64_t user, int64_t ttl, const char **text_r,
			      const char **options_r, const char **seen_r)
{
	struct upload_row u;
	int rc = db_row(c, a, UPLOAD, &u, SQL_UP_GET, "iii", id, user,
			(int64_t)time_now() - ttl);

	*text_r = NULL;
	*options_r = "";
	*seen_r = "";
	if (rc != DB_OK)
		return rc;
	if (!u.text)
		return DB_ERROR; /* sealed with another key, or damaged */
	*text_r = u.text;
	*options_r = u.options;
	*seen_r = u.seen;
	return DB_OK;
}

int members_import_upload_set_seen(struct db_conn *c, int64_t id, int64_t user,
				   const char *seen)
{
	int rc = db_run(c, SQL_UP_SEEN, "tii", seen, id, user);
	return rc < 0 ? rc : rc == 0 ? DB_NOTFOUND : DB_OK;
}

int members_import_upload_set_options(struct db_conn *c, int64_t id,
				      int64_t user, const char *options)
{
	int rc = db_run(c, SQL_UP_OPTIONS, "tii", options, id, user);
	return rc < 0 ? rc : rc == 0 ? DB_NOTFOUND : DB_OK;
}

int members_import_upload_drop(struct db_conn *c, int64_t id, int64_t ttl)
{
	int rc = db_run(c, SQL_UP_DEL, "ii", id, (int64_t)time_now() - ttl);
	return rc < 0 ? rc : DB_OK;
}
