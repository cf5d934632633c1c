/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The congress module's SQL for motions and amendments (docs/congress.md,
 * "Tables" and "The amendment model"): one function per operation, bound
 * parameters only. Every state change names the state it leaves in its
 * WHERE, so two chairs' clicks cannot both move a motion; a number is
 * given inside the write that needs it, and a unique index keeps it one.
 */
#include "internal.h"

#include <string.h>

/* ---- motions ---- */

#define MOTION_COLS                                                            \
	"SELECT m.id, m.congress_id, coalesce(m.seq, 0), m.kind, m.title, "    \
	"m.body, m.reason, m.state, coalesce(m.item_id, 0), "                  \
	"coalesce(m.submitted_by, 0), coalesce(p.display_name, ''), "          \
	"m.text_version, coalesce(m.final_body, ''), m.version, m.created_at, " \
	"(SELECT count(*) FROM motion_people s JOIN participants sp ON "      \
	"sp.id = s.participant_id WHERE s.motion_id = m.id AND "              \
	"s.role = 'supporter' AND sp.removed_at IS NULL), "                   \
	"(SELECT count(*) FROM amendments a WHERE "                           \
	"a.motion_id = m.id AND a.state <> 'withdrawn') FROM motions m "       \
	"LEFT JOIN participants p ON p.id = m.submitted_by "
static const char SQL_MOTIONS[] =
	MOTION_COLS "WHERE m.congress_id = $1 ORDER BY m.seq IS NULL, m.seq, m.id";
static const char SQL_MOTION_GET[] = MOTION_COLS "WHERE m.id = $1";
static const char SQL_MOTION_DEBATED[] =
	MOTION_COLS "WHERE m.congress_id = $1 AND m.item_id = $2 AND "
	"m.state = 'debated' ORDER BY m.seq LIMIT 1";
static const char SQL_MOTION_ADD[] =
	"INSERT INTO motions (congress_id, kind, title, body, reason, "
	"submitted_by, created_at) VALUES ($1, $2, $3, $4, $5, NULLIF($6, 0), "
	"$7) RETURNING id";
static const char SQL_MOTION_PERSON[] =
	"INSERT INTO motion_people (motion_id, participant_id, role, at) "
	"VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
static const char SQL_MOTION_UNSUPPORT[] =
	"DELETE FROM motion_people WHERE motion_id = $1 AND "
	"participant_id = $2 AND role = 'supporter'";
static const char SQL_MOTION_HISTORY_ADD[] =
	"INSERT INTO motion_history (motion_id, at, by_user, from_state, "
	"to_state, note, text_version, old_body) VALUES ($1, $2, NULLIF($3, 0), "
	"$4, $5, $6, $7, $8)";
/* the next number, inside the write that gives it */
static const char SQL_MOTION_MOVE[] =
	"UPDATE motions SET state = $3, seq = CASE WHEN $4 = 1 AND seq IS NULL "
	"THEN (SELECT coalesce(max(seq), 0) + 1 FROM motions WHERE "
	"congress_id = $5) ELSE seq END, final_body = $6, "
	"version = version + 1 WHERE id = $1 AND state = $2 AND version = $7";
static const char SQL_MOTION_EDIT[] =
	"UPDATE motions SET title = $2, body = $3, reason = $4, "
	"text_version = text_version + $5, version = version + 1 "
	"WHERE id = $1 AND version = $6";
static const char SQL_MOTION_TOUCH[] =
	"UPDATE motions SET version = version + 1 WHERE id = $1";
static const char SQL_MOTION_ITEM[] =
	"UPDATE motions SET item_id = NULLIF($2, 0), version = version + 1 "
	"WHERE id = $1";
static const char SQL_MOTION_PEOPLE[] =
	"SELECT s.participant_id, p.display_name, s.role, s.at FROM "
	"motion_people s JOIN participants p ON p.id = s.participant_id "
	"WHERE s.motion_id = $1 AND (s.role = 'submitter' OR p.removed_at IS NULL) "
	"ORDER BY s.role DESC, s.at, s.participant_id";
/* a new title or text is not what the supporters supported */
static const char SQL_MOTION_UNSUPPORT_ALL[] =
	"DELETE FROM motion_people WHERE motion_id = $1 AND role = 'supporter'";
static const char SQL_MOTIONS_BY[] =
	"SELECT count(*) FROM motions WHERE congress_id = $1 AND submitted_by = $2";
static const char SQL_AMENDMENTS_BY[] =
	"SELECT count(*) FROM amendments a JOIN motions m ON m.id = a.motion_id "
	"WHERE m.congress_id = $1 AND a.submitted_by = $2";
static const char SQL_AMENDMENTS_OF[] =
	"SELECT count(*) FROM amendments WHERE motion_id = $1";
static const char SQL_MOTION_HISTORY[] =
	"SELECT at, from_state, to_state, note, text_version, "
	"CASE WHEN old_body IS NULL THEN 0 ELSE 1 END FROM motion_history WHERE motion_id = $1 "
	"ORDER BY id";

/* the text a version had: kept in the history row of the change that
 * made the next one */
static const char SQL_MOTION_OLD_TEXT[] =
	"SELECT old_body FROM motion_history WHERE motion_id = $1 AND "
	"text_version = $2 AND old_body IS NOT NULL ORDER BY id LIMIT 1";

static const struct db_map MOTION[] = {
	DB_COL(struct motion, id),
	DB_COL(struct motion, congress_id),
	DB_COL(struct motion, seq),
	DB_COL(struct motion, kind),
	DB_COL(struct motion, title),
	DB_COL(struct motion, body),
	DB_COL(struct motion, reason),
	DB_COL(struct motion, state),
	DB_COL(struct motion, item_id),
	DB_COL(struct motion, submitted_by),
	DB_COL(struct motion, submitter_name),
	DB_COL(struct motion, text_version),
	DB_COL(struct motion, final_body),
	DB_COL(struct motion, version),
	DB_COL(struct motion, created_at),
	DB_COL(struct motion, supporters),
	DB_COL(struct motion, amendments),
	DB_COLS_END,
};
static const struct db_map PERSON[] = {
	DB_COL(struct motion_person, participant_id),
	DB_COL(struct motion_person, display_name),
	DB_COL(struct motion_person, role),
	DB_COL(struct motion_person, at),
	DB_COLS_END,
};
static const struct db_map CHANGE[] = {
	DB_COL(struct motion_change, at),
	DB_COL(struct motion_change, from_state),
	DB_COL(struct motion_change, to_state),
	DB_COL(struct motion_change, note),
	DB_COL(struct motion_change, text_version),
	DB_COL(struct motion_change, text_changed),
	DB_COLS_END,
};

static int history(struct db_conn *c, int64_t id, int64_t by_user,
		   const char *from, const char *to, const char *note,
		   int64_t text_version, const char *old_body)
{
	int rc = db_run(c, SQL_MOTION_HISTORY_ADD, "iiitttit", id, time_now(),
			by_user, from, to, note ? note : "", text_version, old_body);
	return rc < 0 ? rc : DB_OK;
}

int congress_motion_add(struct db_conn *c, const struct motion *in,
			int64_t by_user, int64_t *id_r)
{
	int64_t now = time_now();
	int rc = db_int(c, id_r, SQL_MOTION_ADD, "ittttii", in->congress_id,
			in->kind, in->title, in->body, in->reason, in->submitted_by,
			now);

	if (rc == DB_OK && in->submitted_by &&
	    db_run(c, SQL_MOTION_PERSON, "iiti", *id_r, in->submitted_by,
		   "submitter", now) < 0)
		rc = DB_ERROR;
	if (rc == DB_OK)
		rc = history(c, *id_r, by_user, "", "submitted", NULL, 1, NULL);
	return rc;
}

int congress_motions(struct db_conn *c, struct arena *a, int64_t congress,
		     struct motion **out_r, size_t *n_r)
{
	return db_rows(c, a, MOTION, sizeof(**out_r), out_r, n_r, SQL_MOTIONS,
		       "i", congress);
}

int congress_motion_get(struct db_conn *c, struct arena *a, int64_t id,
			struct motion *out)
{
	return db_row(c, a, MOTION, out, SQL_MOTION_GET, "i", id);
}

int congress_motion_debated(struct db_conn *c, struct arena *a,
			    int64_t congress, int64_t item, struct motion *out)
{
	return db_row(c, a, MOTION, out, SQL_MOTION_DEBATED, "ii", congress, item);
}

int congress_motion_move(struct db_conn *c, const struct motion *m,
			 const char *to, const char *final_body, int64_t by_user,
			 const char *note)
{
	int rc = db_run(c, SQL_MOTION_MOVE, "ittiiti", m->id, m->state, to,
			(int64_t)(strcmp(to, "admitted") == 0), m->congress_id,
			final_body, m->version);

	if (rc == 0)
		return DB_STALE;
	if (rc < 0)
		return rc;
	return history(c, m->id, by_user, m->state, to, note, m->text_version,
		       NULL);
}

int congress_motion_edit(struct db_conn *c, const struct motion *in,
			 int64_t by_user)
{
	struct arena *a = arena_new();
	struct motion old;
	bool text;
	int rc = congress_motion_get(c, a, in->id, &old);

	/* version 0: whatever it is now (an API write without If-Match) */
	int64_t want = rc == DB_OK && in->version == 0 ? old.version : in->version;

	if (rc == DB_OK && old.version != want)
		rc = DB_STALE;
	text = rc == DB_OK && strcmp(old.body, in->body) != 0;
	if (rc == DB_OK) {
		rc = db_run(c, SQL_MOTION_EDIT, "itttii", in->id, in->title,
			    in->body, in->reason, (int64_t)text, want);
		rc = rc == 0 ? DB_STALE : rc < 0 ? rc : DB_OK;
	}
	if (rc == DB_OK && strcmp(old.state, "submitted") == 0 &&
	    (text || strcmp(old.title, in->title) != 0) &&
	    db_run(c, SQL_MOTION_UNSUPPORT_ALL, "i", in->id) < 0)
		rc = DB_ERROR;
	/* the old text stays in the history: nothing is lost */
	if (rc == DB_OK)
		rc = history(c, in->id, by_user, old.state, old.state,
			     NULL, old.text_version + text,
			     text ? old.body : NULL);
	arena_free(a);
	return rc;
}

int congress_motion_text(struct db_conn *c, struct arena *a,
			 const struct motion *m, int64_t version,
			 const char **text_r)
{
	static const struct db_map TEXT[] = {DB_COL_SELF(const char *),
					     DB_COLS_END};

	if (version == m->text_version) {
		*text_r = m->body;
		return DB_OK;
	}
	return db_row(c, a, TEXT, text_r, SQL_MOTION_OLD_TEXT, "ii", m->id,
		      version + 1);
}

int congress_motion_touch(struct db_conn *c, int64_t id)
{
	int rc = db_run(c, SQL_MOTION_TOUCH, "i", id);
	return rc < 0 ? rc : rc == 0 ? DB_NOTFOUND : DB_OK;
}

int congress_motion_set_item(struct db_conn *c, int64_t id, int64_t item)
{
	int rc = db_run(c, SQL_MOTION_ITEM, "ii", id, item);
	return rc < 0 ? rc : rc == 0 ? DB_NOTFOUND : DB_OK;
}

int congress_motion_support(struct db_conn *c, int64_t id, int64_t participant,
			    bool on)
{
	int rc = on ? db_run(c, SQL_MOTION_PERSON, "iiti", id, participant,
			     "supporter", time_now())
		    : db_run(c, SQL_MOTION_UNSUPPORT, "ii", id, participant);
	return rc < 0 ? rc : rc == 0 ? DB_CONSTRAINT : DB_OK;
}

int congress_motion_people(struct db_conn *c, struct arena *a, int64_t id,
			   struct motion_person **out_r, size_t *n_r)
{
	return db_rows(c, a, PERSON, sizeof(**out_r), out_r, n_r,
		       SQL_MOTION_PEOPLE, "i", id);
}

int congress_motion_history(struct db_conn *c, struct arena *a, int64_t id,
			    struct motion_change **out_r, size_t *n_r)
{
	return db_rows(c, a, CHANGE, sizeof(**out_r), out_r, n_r,
		       SQL_MOTION_HISTORY, "i", id);
}

/* ---- amendments ---- */

#define AMENDMENT_COLS                                                         \
	"SELECT a.id, a.motion_id, a.seq, a.text_version, a.first_line, "      \
	"a.last_line, a.op, a.new_text, a.reason, a.state, "                   \
	"coalesce(a.submitted_by, 0), coalesce(p.display_name, ''), "          \
	"a.version, a.created_at FROM amendments a LEFT JOIN participants p "  \
	"ON p.id = a.submitted_by "
static const char SQL_AMENDMENTS[] =
	AMENDMENT_COLS "WHERE a.motion_id = $1 ORDER BY a.seq";
static const char SQL_AMENDMENT_GET[] = AMENDMENT_COLS "WHERE a.id = $1";
static const char SQL_AMENDMENT_ADD[] =
	"INSERT INTO amendments (motion_id, seq, text_version, first_line, "
	"last_line, op, new_text, reason, submitted_by, created_at) VALUES "
	"($1, (SELECT coalesce(max(seq), 0) + 1 FROM amendments WHERE "
	"motion_id = $1), $2, $3, $4, $5, $6, $7, NULLIF($8, 0), $9) "
	"RETURNING id";
static const char SQL_AMENDMENT_MOVE[] =
	"UPDATE amendments SET state = $3, version = version + 1 "
	"WHERE id = $1 AND state = $2 AND version = $4";

static const struct db_map AMENDMENT[] = {
	DB_COL(struct amendment, id),
	DB_COL(struct amendment, motion_id),
	DB_COL(struct amendment, seq),
	DB_COL(struct amendment, text_version),
	DB_COL(struct amendment, first_line),
	DB_COL(struct amendment, last_line),
	DB_COL(struct amendment, op),
	DB_COL(struct amendment, new_text),
	DB_COL(struct amendment, reason),
	DB_COL(struct amendment, state),
	DB_COL(struct amendment, submitted_by),
	DB_COL(struct amendment, submitter_name),
	DB_COL(struct amendment, version),
	DB_COL(struct amendment, created_at),
	DB_COLS_END,
};

int congress_amendment_add(struct db_conn *c, const struct amendment *in,
			   int64_t *id_r)
{
	return db_int(c, id_r, SQL_AMENDMENT_ADD, "iiiitttii", in->motion_id,
		      in->text_version, in->first_line, in->last_line, in->op,
		      in->new_text, in->reason, in->submitted_by, time_now());
}

int congress_amendments(struct db_conn *c, struct arena *a, int64_t motion,
			struct amendment **out_r, size_t *n_r)
{
	return db_rows(c, a, AMENDMENT, sizeof(**out_r), out_r, n_r,
		       SQL_AMENDMENTS, "i", motion);
}

int congress_amendment_get(struct db_conn *c, struct arena *a, int64_t id,
			   struct amendment *out)
{
	return db_row(c, a, AMENDMENT, out, SQL_AMENDMENT_GET, "i", id);
}

int congress_amendment_move(struct db_conn *c, const struct amendment *am,
			    const char *to)
{
	int rc = db_run(c, SQL_AMENDMENT_MOVE, "itti", am->id, am->state, to,
			am->version);
	return rc < 0 ? rc : rc == 0 ? DB_STALE : DB_OK;
}

int congress_motion_counts(struct db_conn *c, int64_t congress,
			   int64_t participant, int64_t motion,
			   struct motion_counts *out)
{
	int rc = db_int(c, &out->motions_by, SQL_MOTIONS_BY, "ii", congress,
			participant);

	if (rc == DB_OK)
		rc = db_int(c, &out->amendments_by, SQL_AMENDMENTS_BY, "ii",
			    congress, participant);
	if (rc == DB_OK)
		rc = db_int(c, &out->amendments_of, SQL_AMENDMENTS_OF, "i", motion);
	return rc;
}
