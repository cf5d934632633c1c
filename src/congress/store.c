/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * All the congress module's SQL (docs/congress.md, "Tables"): one function
 * per operation, bound parameters only, rows read through db_map.
 */
#include "internal.h"

#include <string.h>

/* ---- congresses ---- */

#define CONGRESS_COLS                                                          \
	"SELECT id, scope_id, name, place, starts_on, ends_on, state, "        \
	"quorum_pct, min_supporters, speak_seconds, first_speakers_first, "    \
	"motion_deadline, amendment_deadline, "                                \
	"coalesce(projected_amendment, 0), version FROM congresses "
static const char SQL_CONGRESS_ADD[] =
	"INSERT INTO congresses (scope_id, name, place, starts_on, ends_on, "
	"quorum_pct, min_supporters, speak_seconds, first_speakers_first, "
	"motion_deadline, amendment_deadline, created_at) VALUES ($1, $2, $3, "
	"$4, $5, $6, $7, $8, $9, $10, $11, $12) "
	"RETURNING id";
static const char SQL_CONGRESS_GET[] = CONGRESS_COLS "WHERE id = $1";
static const char SQL_CONGRESS_LIST[] = CONGRESS_COLS "ORDER BY id DESC";
static const char SQL_CONGRESS_UPDATE[] =
	"UPDATE congresses SET name = $2, place = $3, starts_on = $4, "
	"ends_on = $5, state = $6, quorum_pct = $7, min_supporters = $8, "
	"speak_seconds = $9, first_speakers_first = $10, motion_deadline = $12, "
	"amendment_deadline = $13, version = version + 1 "
	"WHERE id = $1 AND (version = $11 OR $11 = 0)";
static const char SQL_CONGRESS_PROJECT[] =
	"UPDATE congresses SET projected_amendment = NULLIF($2, 0) WHERE id = $1";
static const char SQL_CONGRESS_VERSION[] =
	"SELECT version FROM congresses WHERE id = $1";

static const struct db_map CONGRESS[] = {
	DB_COL(struct congress, id),
	DB_COL(struct congress, scope_id),
	DB_COL(struct congress, name),
	DB_COL(struct congress, place),
	DB_COL(struct congress, starts_on),
	DB_COL(struct congress, ends_on),
	DB_COL(struct congress, state),
	DB_COL(struct congress, quorum_pct),
	DB_COL(struct congress, min_supporters),
	DB_COL(struct congress, speak_seconds),
	DB_COL(struct congress, first_speakers_first),
	DB_COL(struct congress, motion_deadline),
	DB_COL(struct congress, amendment_deadline),
	DB_COL(struct congress, projected_amendment),
	DB_COL(struct congress, version),
	DB_COLS_END,
};

static const char *scope_name(struct arena *a, const char *name)
{
	return arena_printf(a, "Congress: %s", name);
}

int congress_create(struct db_conn *c, const struct congress *in,
		    int64_t parent, int64_t *id_r)
{
	struct arena *a = arena_new();
	int64_t scope;
	int rc = scope_create(c, parent, scope_name(a, in->name), &scope);

	if (rc == DB_OK)
		rc = db_int(c, id_r, SQL_CONGRESS_ADD, "ittttiiiiiii", scope,
			    in->name, in->place, in->starts_on, in->ends_on,
			    (int64_t)in->quorum_pct, (int64_t)in->min_supporters,
			    (int64_t)in->speak_seconds,
			    (int64_t)in->first_speakers_first,
			    in->motion_deadline, in->amendment_deadline,
			    (int64_t)time_now());
	arena_free(a);
	return rc;
}

int congress_project(struct db_conn *c, int64_t id, int64_t amendment)
{
	int rc = db_run(c, SQL_CONGRESS_PROJECT, "ii", id, amendment);
	return rc < 0 ? rc : DB_OK;
}

int congress_get(struct db_conn *c, struct arena *a, int64_t id,
		 struct congress *out)
{
	return db_row(c, a, CONGRESS, out, SQL_CONGRESS_GET, "i", id);
}

int congress_list(struct db_conn *c, struct arena *a, struct congress **out_r,
		  size_t *n_r)
{
	return db_rows(c, a, CONGRESS, sizeof(**out_r), out_r, n_r,
		       SQL_CONGRESS_LIST, "");
}

int congress_update(struct db_conn *c, const struct congress *in)
{
	struct arena *a;
	struct congress now;
	int64_t v;
	int rc = db_run(c, SQL_CONGRESS_UPDATE, "itttttiiiiiii", in->id, in->name,
			in->place, in->starts_on, in->ends_on, in->state,
			(int64_t)in->quorum_pct, (int64_t)in->min_supporters,
			(int64_t)in->speak_seconds,
			(int64_t)in->first_speakers_first, in->version,
			in->motion_deadline, in->amendment_deadline);

	if (rc == 0)
		return (rc = db_int(c, &v, SQL_CONGRESS_VERSION, "i", in->id)) == DB_OK
			       ? DB_STALE
			       : rc;
	if (rc < 0)
		return rc;
	/* its scope carries the name the roles pages show */
	a = arena_new();
	rc = congress_get(c, a, in->id, &now);
	if (rc == DB_OK)
		rc = scope_rename(c, now.scope_id, scope_name(a, in->name));
	arena_free(a);
	return rc;
}

static const char *const state_names[CS__MAX] = {"preparing", "open", "closed"};
static const char *const state_labels[CS__MAX] = {N_("Preparing"), N_("Open"),
						  N_("Closed")};

enum congress_state congress_state_of(const char *name)
{
	for (int i = 0; i < CS__MAX; i++)
		if (name && strcmp(name, state_names[i]) == 0)
			return (enum congress_state)i;
	return CS__MAX;
}

const char *congress_state_label(const char *name)
{
	enum congress_state s = congress_state_of(name);
	return s < CS__MAX ? state_labels[s] : state_labels[CS_PREPARING];
}

/* ---- participants ---- */

#define PARTICIPANT_COLS                                                       \
	"SELECT p.id, p.congress_id, p.kind, coalesce(p.person_id, 0), "       \
	"coalesce(p.account_id, 0), p.display_name, p.may_speak, p.present, "  \
	"p.present_since, p.version, "                                         \
	"coalesce((SELECT sum(m.weight) FROM mandates m WHERE "                \
	"m.participant_id = p.id AND m.checked_at IS NOT NULL), 0), "          \
	"(SELECT count(*) FROM mandates m WHERE m.participant_id = p.id), "    \
	"coalesce(p.removed_at, 0) FROM participants p "
static const char SQL_P_ADD[] =
	"INSERT INTO participants (congress_id, kind, person_id, account_id, "
	"display_name, may_speak, badge_sealed, badge_index, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
	"ON CONFLICT DO NOTHING RETURNING id";
/* a person registered before: there (or removed) already */
static const char SQL_P_OF_PERSON[] =
	"SELECT id, coalesce(removed_at, 0) FROM participants "
	"WHERE congress_id = $1 AND person_id = $2";
/* a person removed before comes back as registered now: their kind, a
 * new badge (an old one may have been photographed), their mandates to
 * be checked again */
static const char SQL_P_RESTORE[] =
	"UPDATE participants SET removed_at = NULL, kind = $2, may_speak = $3, "
	"badge_sealed = $4, badge_index = $5, account_id = $6, "
	"display_name = $7, version = version + 1 WHERE id = $1";
static const char SQL_P_RESTORE_NO_ACCOUNT[] =
	"UPDATE participants SET removed_at = NULL, kind = $2, may_speak = $3, "
	"badge_sealed = $4, badge_index = $5, account_id = NULL, "
	"display_name = $6, version = version + 1 WHERE id = $1";
/* a participant who made an account since they were registered */
static const char SQL_P_LINK[] =
	"UPDATE participants SET account_id = $2, version = version + 1 "
	"WHERE id = $1 AND account_id IS NULL";
static const char SQL_M_UNCHECK_ALL[] =
	"UPDATE mandates SET checked_by = NULL, checked_at = NULL "
	"WHERE participant_id = $1";
static const char SQL_P_LIST[] =
	PARTICIPANT_COLS "WHERE p.congress_id = $1 AND p.removed_at IS NULL "
	"ORDER BY p.display_name, p.id";
static const char SQL_P_GET[] = PARTICIPANT_COLS "WHERE p.id = $1";
static const char SQL_P_OF[] =
	PARTICIPANT_COLS "WHERE p.congress_id = $1 AND p.account_id = $2 "
	"AND p.removed_at IS NULL";
static const char SQL_P_REMOVE[] =
	"UPDATE participants SET removed_at = $2, present = 0, "
	"version = version + 1 WHERE id = $1 AND removed_at IS NULL";
static const char SQL_P_SPEAK[] =
	"UPDATE participants SET may_speak = $2, version = version + 1 "
	"WHERE id = $1";
static const char SQL_P_BADGE[] =
	"SELECT badge_sealed FROM participants WHERE id = $1";

static const struct db_map PARTICIPANT[] = {
	DB_COL(struct participant, id),
	DB_COL(struct participant, congress_id),
	DB_COL(struct participant, kind),
	DB_COL(struct participant, person_id),
	DB_COL(struct participant, account_id),
	DB_COL(struct participant, display_name),
	DB_COL(struct participant, may_speak),
	DB_COL(struct participant, present),
	DB_COL(struct participant, present_since),
	DB_COL(struct participant, version),
	DB_COL(struct participant, weight),
	DB_COL(struct participant, mandates),
	DB_COL(struct participant, removed_at),
	DB_COLS_END,
};

#define BADGE_CTX "participants.badge"

/* A new badge code, sealed, and its blind index (idx: BLIND_LEN bytes). */
static unsigned char *new_badge(struct arena *a, size_t *slen_r,
				unsigned char *idx)
{
	const char *code = random_token(a, 16);

	blind_index(BADGE_CTX, code, strlen(code), idx);
	return seal_str(a, BADGE_CTX, code, slen_r);
}

static const char SQL_P_REBADGE[] =
	"UPDATE participants SET badge_sealed = $2, badge_index = $3, "
	"version = version + 1 WHERE id = $1 AND removed_at IS NULL";

int congress_badge_reissue(struct db_conn *c, int64_t id)
{
	struct arena *a = arena_new();
	unsigned char idx[BLIND_LEN];
	size_t slen;
	unsigned char *sealed = new_badge(a, &slen, idx);
	int rc = db_run(c, SQL_P_REBADGE, "ibb", id, sealed, slen, idx,
			(size_t)BLIND_LEN);

	arena_free(a);
	return rc < 0 ? rc : rc == 0 ? DB_NOTFOUND : DB_OK;
}

static int add_new(struct db_conn *c, struct arena *a,
		   const struct participant *in, int64_t *id_r);

int congress_participant_add(struct db_conn *c, struct arena *a,
			     const struct participant *in, int64_t *id_r)
{
	int rc;

	if (in->person_id) {
		/* asked first, not left to the unique index: on PostgreSQL a
		 * refused insert would spoil the transaction it runs in */
		struct was {
			int64_t id, removed_at;
		} w;
		static const struct db_map WAS[] = {
			DB_COL(struct was, id), DB_COL(struct was, removed_at),
			DB_COLS_END};
		rc = db_row(c, a, WAS, &w, SQL_P_OF_PERSON, "ii", in->congress_id,
			    in->person_id);
		if (rc == DB_OK && !w.removed_at) {
			/* there already; linked to their account if they made
			 * one since (then asked again: not a second row) */
			if (in->account_id &&
			    db_run(c, SQL_P_LINK, "ii", w.id, in->account_id) < 0)
				return DB_ERROR;
			*id_r = w.id;
			return DB_CONSTRAINT;
		}
		if (rc == DB_OK) {
			size_t slen;
			unsigned char idx[BLIND_LEN],
				*sealed = new_badge(a, &slen, idx);
			*id_r = w.id;
			rc = in->account_id
				     ? db_run(c, SQL_P_RESTORE, "itibbit", w.id, in->kind,
					      (int64_t)in->may_speak, sealed, slen, idx,
					      (size_t)BLIND_LEN, in->account_id,
					      in->display_name)
				     : db_run(c, SQL_P_RESTORE_NO_ACCOUNT, "itibbt", w.id,
					      in->kind, (int64_t)in->may_speak, sealed,
					      slen, idx, (size_t)BLIND_LEN,
					      in->display_name);
			if (rc >= 0)
				rc = db_run(c, SQL_M_UNCHECK_ALL, "i", w.id);
			return rc < 0 ? rc : DB_OK;
		}
		if (rc != DB_NOTFOUND)
			return rc;
	}
	rc = add_new(c, a, in, id_r);
	return rc == DB_NOTFOUND ? DB_CONSTRAINT : rc;
}

static int add_new(struct db_conn *c, struct arena *a,
		   const struct participant *in, int64_t *id_r)
{
	unsigned char idx[BLIND_LEN];
	size_t slen;
	unsigned char *sealed = new_badge(a, &slen, idx);

	if (in->person_id && in->account_id)
		return db_int(c, id_r, SQL_P_ADD, "itiitibbi", in->congress_id,
			      in->kind, in->person_id, in->account_id,
			      in->display_name, (int64_t)in->may_speak, sealed,
			      slen, idx, (size_t)BLIND_LEN, (int64_t)time_now());
	if (in->person_id)
		return db_int(c, id_r, SQL_P_ADD, "itintibbi", in->congress_id,
			      in->kind, in->person_id, in->display_name,
			      (int64_t)in->may_speak, sealed, slen, idx,
			      (size_t)BLIND_LEN, (int64_t)time_now());
	return db_int(c, id_r, SQL_P_ADD, "itnntibbi", in->congress_id, in->kind,
		      in->display_name, (int64_t)in->may_speak, sealed, slen, idx,
		      (size_t)BLIND_LEN, (int64_t)time_now());
}

int congress_participants(struct db_conn *c, struct arena *a, int64_t congress,
			  struct participant **out_r, size_t *n_r)
{
	return db_rows(c, a, PARTICIPANT, sizeof(**out_r), out_r, n_r, SQL_P_LIST,
		       "i", congress);
}

int congress_participant_get(struct db_conn *c, struct arena *a, int64_t id,
			     struct participant *out)
{
	return db_row(c, a, PARTICIPANT, out, SQL_P_GET, "i", id);
}

int congress_participant_of(struct db_conn *c, struct arena *a,
			    int64_t congress, int64_t account,
			    struct participant *out)
{
	return db_row(c, a, PARTICIPANT, out, SQL_P_OF, "ii", congress, account);
}

int congress_participant_set_speak(struct db_conn *c, int64_t id, bool may)
{
	int rc = db_run(c, SQL_P_SPEAK, "ii", id, (int64_t)may);
	return rc < 0 ? rc : rc == 0 ? DB_NOTFOUND : DB_OK;
}

struct badge_row {
	const char *code;
};
static const struct db_map BADGE[] = {
	DB_COL_FN(struct badge_row, code, unseal_col, BADGE_CTX),
	DB_COLS_END,
};

const char *congress_badge_code(struct db_conn *c, struct arena *a, int64_t id)
{
	struct badge_row b;

	if (db_row(c, a, BADGE, &b, SQL_P_BADGE, "i", id) != DB_OK || !*b.code)
		return NULL;
	return b.code;
}

/* ---- mandates ---- */

/* a conflict is no row, not an error: on PostgreSQL a refused insert
 * would spoil the transaction it runs in */
static const char SQL_M_ADD[] =
	"INSERT INTO mandates (participant_id, source, source_id, weight, "
	"created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING "
	"RETURNING id";
#define MANDATE_COLS                                                           \
	"SELECT id, participant_id, source, source_id, weight, "               \
	"coalesce(checked_by, 0), coalesce(checked_at, 0) FROM mandates "
static const char SQL_M_LIST[] =
	MANDATE_COLS "WHERE participant_id = $1 ORDER BY id";
static const char SQL_M_GET[] = MANDATE_COLS "WHERE id = $1";
static const char SQL_M_CHECK[] =
	"UPDATE mandates SET weight = $2, checked_by = $3, checked_at = $4 "
	"WHERE id = $1";
static const char SQL_M_CHECK_SYSTEM[] =
	"UPDATE mandates SET weight = $2, checked_by = NULL, checked_at = $3 "
	"WHERE id = $1";
static const char SQL_M_UNCHECK[] =
	"UPDATE mandates SET weight = $2, checked_by = NULL, checked_at = NULL "
	"WHERE id = $1";
static const char SQL_M_DEL[] = "DELETE FROM mandates WHERE id = $1";

static const struct db_map MANDATE[] = {
	DB_COL(struct mandate, id),	      DB_COL(struct mandate, participant_id),
	DB_COL(struct mandate, source),	      DB_COL(struct mandate, source_id),
	DB_COL(struct mandate, weight),	      DB_COL(struct mandate, checked_by),
	DB_COL(struct mandate, checked_at),   DB_COLS_END,
};

int congress_mandate_add(struct db_conn *c, int64_t participant,
			 const char *source, int64_t source_id, int64_t weight,
			 int64_t *id_r)
{
	int64_t id;
	int rc = db_int(c, id_r ? id_r : &id, SQL_M_ADD, "itiii", participant,
			source, source_id, weight, (int64_t)time_now());

	return rc == DB_NOTFOUND ? DB_CONSTRAINT : rc;
}

int congress_mandates(struct db_conn *c, struct arena *a, int64_t participant,
		      struct mandate **out_r, size_t *n_r)
{
	return db_rows(c, a, MANDATE, sizeof(**out_r), out_r, n_r, SQL_M_LIST, "i",
		       participant);
}

int congress_mandate_get(struct db_conn *c, struct arena *a, int64_t id,
			 struct mandate *out)
{
	return db_row(c, a, MANDATE, out, SQL_M_GET, "i", id);
}

int congress_mandate_check(struct db_conn *c, int64_t id, int64_t weight,
			   bool checked, int64_t by)
{
	int rc = !checked ? db_run(c, SQL_M_UNCHECK, "ii", id, weight)
		 : by	  ? db_run(c, SQL_M_CHECK, "iiii", id, weight, by,
				   (int64_t)time_now())
			  : db_run(c, SQL_M_CHECK_SYSTEM, "iii", id, weight,
				   (int64_t)time_now());
	return rc < 0 ? rc : rc == 0 ? DB_NOTFOUND : DB_OK;
}

int congress_mandate_remove(struct db_conn *c, int64_t id)
{
	int rc = db_run(c, SQL_M_DEL, "i", id);
	return rc < 0 ? rc : rc == 0 ? DB_NOTFOUND : DB_OK;
}

/* ---- presence ---- */

static const char SQL_PRESENCE[] =
	"SELECT "
	"coalesce(sum(CASE WHEN p.present = 1 THEN w.weight ELSE 0 END), 0), "
	"coalesce(sum(w.weight), 0), "
	"(SELECT count(*) FROM participants q WHERE q.congress_id = $1 "
	" AND q.removed_at IS NULL AND q.present = 1), "
	"(SELECT count(*) FROM participants q WHERE q.congress_id = $1 "
	" AND q.removed_at IS NULL), "
	"coalesce(sum(CASE WHEN p.present = 1 THEN w.n ELSE 0 END), 0) "
	"FROM participants p JOIN (SELECT participant_id, sum(weight) AS weight, "
	" count(*) AS n "
	" FROM mandates WHERE checked_at IS NOT NULL GROUP BY participant_id) w "
	"ON w.participant_id = p.id "
	"WHERE p.congress_id = $1 AND p.removed_at IS NULL AND p.kind = 'delegate'";

static const struct db_map PRESENCE[] = {
	DB_COL(struct congress_presence, weight_present),
	DB_COL(struct congress_presence, weight_total),
	DB_COL(struct congress_presence, people_present),
	DB_COL(struct congress_presence, people_total),
	DB_COL(struct congress_presence, mandates_present),
	DB_COLS_END,
};

int congress_presence(struct db_conn *c, int64_t congress,
		      struct congress_presence *out)
{
	struct arena *a = arena_new();
	int rc = db_row(c, a, PRESENCE, out, SQL_PRESENCE, "i", congress);

	arena_free(a);
	if (rc == DB_NOTFOUND) {
		memset(out, 0, sizeof(*out));
		rc = DB_OK;
	}
	return rc;
}

/* ---- the door ---- */

static const char SQL_P_BY_BADGE[] =
	PARTICIPANT_COLS "WHERE p.badge_index = $1 AND p.removed_at IS NULL";
/* the condition is the write's own: two door phones scanning one badge
 * at once check them in once */
static const char SQL_P_IN[] =
	"UPDATE participants SET present = 1, present_since = $2 "
	"WHERE id = $1 AND present = 0 AND removed_at IS NULL";
static const char SQL_P_OUT[] =
	"UPDATE participants SET present = 0 "
	"WHERE id = $1 AND present = 1 AND removed_at IS NULL";
static const char SQL_PRESENCE_LOG[] =
	"INSERT INTO presence_log (participant_id, at, went, by_user) "
	"VALUES ($1, $2, $3, $4)";
static const char SQL_PRESENCE_LOG_SYSTEM[] =
	"INSERT INTO presence_log (participant_id, at, went) VALUES ($1, $2, $3)";

int congress_participant_by_badge(struct db_conn *c, struct arena *a,
				  const char *code, struct participant *out)
{
	unsigned char idx[BLIND_LEN];

	blind_index(BADGE_CTX, code, strlen(code), idx);
	return db_row(c, a, PARTICIPANT, out, SQL_P_BY_BADGE, "b", idx,
		      (size_t)BLIND_LEN);
}

int congress_check(struct db_conn *c, int64_t id, bool in, int64_t by)
{
	int64_t now = time_now();
	int rc = in ? db_run(c, SQL_P_IN, "ii", id, now)
		    : db_run(c, SQL_P_OUT, "i", id);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return DB_CONSTRAINT;
	rc = by ? db_run(c, SQL_PRESENCE_LOG, "iiti", id, now, in ? "in" : "out", by)
		: db_run(c, SQL_PRESENCE_LOG_SYSTEM, "iit", id, now, in ? "in" : "out");
	return rc < 0 ? rc : DB_OK;
}

/* ---- the agenda ---- */

#define ITEM_COLS                                                              \
	"SELECT i.id, i.congress_id, i.position, i.title, i.planned_minutes, " \
	"i.speak_seconds, i.state, coalesce(i.started_at, 0), "                \
	"coalesce(i.ended_at, 0), i.minutes_note, i.version, "                 \
	"(SELECT count(*) FROM speakers s WHERE s.item_id = i.id AND "         \
	"s.started_at IS NULL AND s.removed_at IS NULL) FROM agenda_items i "
static const char SQL_ITEMS[] =
	ITEM_COLS "WHERE i.congress_id = $1 ORDER BY i.position, i.id";
static const char SQL_ITEM_GET[] = ITEM_COLS "WHERE i.id = $1";
static const char SQL_ITEM_ADD[] =
	"INSERT INTO agenda_items (congress_id, position, title, "
	"planned_minutes, speak_seconds, created_at) VALUES ($1, "
	"(SELECT coalesce(max(position), 0) + 1 FROM agenda_items WHERE "
	"congress_id = $1), $2, $3, $4, $5) RETURNING id";
/* the neighbour above (up) or below an item */
static const char SQL_ITEM_ABOVE[] =
	"SELECT id FROM agenda_items WHERE congress_id = $1 AND position < $2 "
	"ORDER BY position DESC LIMIT 1";
static const char SQL_ITEM_BELOW[] =
	"SELECT id FROM agenda_items WHERE congress_id = $1 AND position > $2 "
	"ORDER BY position LIMIT 1";
static const char SQL_ITEM_POS[] =
	"UPDATE agenda_items SET position = $2, version = version + 1 WHERE id = $1";
/* the item that was current is done once another is */
static const char SQL_ITEM_UNCURRENT[] =
	"UPDATE agenda_items SET state = 'done', ended_at = $2, "
	"version = version + 1 WHERE congress_id = $1 AND state = 'current'";
static const char SQL_ITEM_CURRENT[] =
	"UPDATE agenda_items SET state = 'current', "
	"started_at = coalesce(started_at, $2), ended_at = NULL, "
	"version = version + 1 WHERE id = $1";
static const char SQL_ITEM_DONE[] =
	"UPDATE agenda_items SET state = 'done', ended_at = $2, "
	"version = version + 1 WHERE id = $1 AND state <> 'done'";
static const char SQL_ITEM_NOTE[] =
	"UPDATE agenda_items SET minutes_note = $2, version = version + 1 "
	"WHERE id = $1";

static const struct db_map ITEM[] = {
	DB_COL(struct agenda_item, id),
	DB_COL(struct agenda_item, congress_id),
	DB_COL(struct agenda_item, position),
	DB_COL(struct agenda_item, title),
	DB_COL(struct agenda_item, planned_minutes),
	DB_COL(struct agenda_item, speak_seconds),
	DB_COL(struct agenda_item, state),
	DB_COL(struct agenda_item, started_at),
	DB_COL(struct agenda_item, ended_at),
	DB_COL(struct agenda_item, minutes_note),
	DB_COL(struct agenda_item, version),
	DB_COL(struct agenda_item, waiting),
	DB_COLS_END,
};

int congress_items(struct db_conn *c, struct arena *a, int64_t congress,
		   struct agenda_item **out_r, size_t *n_r)
{
	return db_rows(c, a, ITEM, sizeof(**out_r), out_r, n_r, SQL_ITEMS, "i",
		       congress);
}

int congress_item_get(struct db_conn *c, struct arena *a, int64_t id,
		      struct agenda_item *out)
{
	return db_row(c, a, ITEM, out, SQL_ITEM_GET, "i", id);
}

int congress_item_add(struct db_conn *c, int64_t congress, const char *title,
		      int planned_minutes, int speak_seconds, int64_t *id_r)
{
	return db_int(c, id_r, SQL_ITEM_ADD, "itiii", congress, title,
		      (int64_t)planned_minutes, (int64_t)speak_seconds,
		      (int64_t)time_now());
}

int congress_item_move(struct db_conn *c, const struct agenda_item *it, bool up)
{
	struct arena *a = arena_new();
	struct agenda_item other;
	int64_t oid;
	int rc = db_int(c, &oid, up ? SQL_ITEM_ABOVE : SQL_ITEM_BELOW, "ii",
			it->congress_id, it->position);

	if (rc == DB_OK)
		rc = congress_item_get(c, a, oid, &other);
	if (rc == DB_OK && db_run(c, SQL_ITEM_POS, "ii", other.id, it->position) < 0)
		rc = DB_ERROR;
	if (rc == DB_OK && db_run(c, SQL_ITEM_POS, "ii", it->id, other.position) < 0)
		rc = DB_ERROR;
	arena_free(a);
	return rc == DB_NOTFOUND ? DB_OK : rc; /* at the top (bottom) already */
}

int congress_item_set_state(struct db_conn *c, const struct agenda_item *it,
			    const char *state)
{
	int64_t now = time_now();
	int rc;

	if (strcmp(state, "current") == 0) {
		if (db_run(c, SQL_ITEM_UNCURRENT, "ii", it->congress_id, now) < 0)
			return DB_ERROR;
		rc = db_run(c, SQL_ITEM_CURRENT, "ii", it->id, now);
	} else {
		rc = db_run(c, SQL_ITEM_DONE, "ii", it->id, now);
	}
	return rc < 0 ? rc : DB_OK;
}

int congress_item_note(struct db_conn *c, int64_t id, const char *note)
{
	int rc = db_run(c, SQL_ITEM_NOTE, "it", id, note);
	return rc < 0 ? rc : DB_OK;
}

/* ---- speakers ---- */

#define SPEAKER_COLS                                                           \
	"SELECT s.id, s.item_id, s.participant_id, p.display_name, "           \
	"s.point_of_order, s.position, s.first_time, s.requested_at, "         \
	"coalesce(s.started_at, 0), coalesce(s.ended_at, 0), "                 \
	"coalesce(s.paused_at, 0), s.paused_seconds FROM speakers s "          \
	"JOIN participants p ON p.id = s.participant_id "
/* who speaks, then the queue, then who spoke */
static const char SQL_SPEAKERS[] =
	SPEAKER_COLS "WHERE s.item_id = $1 AND s.removed_at IS NULL ORDER BY "
	"CASE WHEN s.started_at IS NOT NULL AND s.ended_at IS NULL THEN 0 "
	"WHEN s.started_at IS NULL THEN 1 ELSE 2 END, s.position, "
	"s.started_at, s.id";
static const char SQL_SPEAKER_GET[] =
	SPEAKER_COLS "WHERE s.id = $1 AND s.removed_at IS NULL";
/* spoken at this congress before: not a first-time speaker */
static const char SQL_SPOKEN[] =
	"SELECT count(*) FROM speakers s JOIN agenda_items i ON i.id = s.item_id "
	"WHERE s.participant_id = $1 AND i.congress_id = $2 AND "
	"s.started_at IS NOT NULL AND s.removed_at IS NULL";
/* where a new request goes: after the waiting points of order (a point
 * of order), after them and the waiting first-time speakers (a
 * first-time speaker, with the rule), else at the end */
static const char SQL_WAITING_POO[] =
	"SELECT count(*) FROM speakers WHERE item_id = $1 AND "
	"started_at IS NULL AND removed_at IS NULL AND point_of_order = 1";
static const char SQL_WAITING_FIRST[] =
	"SELECT count(*) FROM speakers WHERE item_id = $1 AND "
	"started_at IS NULL AND removed_at IS NULL AND "
	"(point_of_order = 1 OR first_time = 1)";
static const char SQL_WAITING[] =
	"SELECT count(*) FROM speakers WHERE item_id = $1 AND "
	"started_at IS NULL AND removed_at IS NULL";
static const char SQL_MAKE_ROOM[] =
	"UPDATE speakers SET position = position + 1 WHERE item_id = $1 AND "
	"started_at IS NULL AND removed_at IS NULL AND position >= $2";
static const char SQL_CLOSE_GAP[] =
	"UPDATE speakers SET position = position - 1 WHERE item_id = $1 AND "
	"started_at IS NULL AND removed_at IS NULL AND position > $2";
/* a conflict (an open request already) is no row, not an error */
static const char SQL_SPEAKER_ADD[] =
	"INSERT INTO speakers (item_id, participant_id, point_of_order, "
	"position, first_time, requested_at) VALUES ($1, $2, $3, $4, $5, $6) "
	"ON CONFLICT DO NOTHING RETURNING id";
/* a speech paused when it ends counts its pause as paused */
#define SPEAKER_STOPS                                                          \
	"UPDATE speakers SET ended_at = $2, paused_seconds = paused_seconds + " \
	"CASE WHEN paused_at IS NULL THEN 0 ELSE $2 - paused_at END, "         \
	"paused_at = NULL "
static const char SQL_SPEAKER_ENDS[] =
	SPEAKER_STOPS "WHERE item_id = $1 AND started_at IS NOT NULL AND "
	"ended_at IS NULL AND removed_at IS NULL";
static const char SQL_SPEAKER_STARTS[] =
	"UPDATE speakers SET started_at = $2, position = 0 WHERE id = $1 AND "
	"started_at IS NULL AND removed_at IS NULL";
static const char SQL_SPEAKER_END[] =
	SPEAKER_STOPS "WHERE id = $1 AND started_at IS NOT NULL AND ended_at IS NULL";
static const char SQL_SPEAKER_PAUSE[] =
	"UPDATE speakers SET paused_at = $2 WHERE id = $1 AND started_at IS NOT "
	"NULL AND ended_at IS NULL AND paused_at IS NULL";
static const char SQL_SPEAKER_RESUME[] =
	"UPDATE speakers SET paused_seconds = paused_seconds + ($2 - paused_at), "
	"paused_at = NULL WHERE id = $1 AND paused_at IS NOT NULL AND "
	"ended_at IS NULL";
static const char SQL_SPEAKER_REMOVE[] =
	"UPDATE speakers SET removed_at = $2 WHERE id = $1 AND "
	"started_at IS NULL AND removed_at IS NULL";
static const char SQL_SPEAKER_POS[] =
	"UPDATE speakers SET position = $2 WHERE id = $1";
static const char SQL_SPEAKER_AT[] =
	"SELECT id FROM speakers WHERE item_id = $1 AND started_at IS NULL AND "
	"removed_at IS NULL AND position = $2";

static const struct db_map SPEAKER[] = {
	DB_COL(struct speaker, id),
	DB_COL(struct speaker, item_id),
	DB_COL(struct speaker, participant_id),
	DB_COL(struct speaker, display_name),
	DB_COL(struct speaker, point_of_order),
	DB_COL(struct speaker, position),
	DB_COL(struct speaker, first_time),
	DB_COL(struct speaker, requested_at),
	DB_COL(struct speaker, started_at),
	DB_COL(struct speaker, ended_at),
	DB_COL(struct speaker, paused_at),
	DB_COL(struct speaker, paused_seconds),
	DB_COLS_END,
};

int congress_speakers(struct db_conn *c, struct arena *a, int64_t item,
		      struct speaker **out_r, size_t *n_r)
{
	return db_rows(c, a, SPEAKER, sizeof(**out_r), out_r, n_r, SQL_SPEAKERS,
		       "i", item);
}

int congress_speaker_get(struct db_conn *c, struct arena *a, int64_t id,
			 struct speaker *out)
{
	return db_row(c, a, SPEAKER, out, SQL_SPEAKER_GET, "i", id);
}

int congress_speaker_request(struct db_conn *c, const struct agenda_item *it,
			     int64_t participant, bool point_of_order,
			     bool first_first, int64_t *id_r)
{
	int64_t spoken, before, pos;
	int rc = db_int(c, &spoken, SQL_SPOKEN, "ii", participant, it->congress_id);
	bool first = rc == DB_OK && spoken == 0;

	if (rc != DB_OK)
		return rc;
	rc = db_int(c, &before,
		    point_of_order	    ? SQL_WAITING_POO
		    : first && first_first ? SQL_WAITING_FIRST
					   : SQL_WAITING,
		    "i", it->id);
	if (rc != DB_OK)
		return rc;
	pos = before + 1;
	if (db_run(c, SQL_MAKE_ROOM, "ii", it->id, pos) < 0)
		return DB_ERROR;
	rc = db_int(c, id_r, SQL_SPEAKER_ADD, "iiiiii", it->id, participant,
		    (int64_t)point_of_order, pos, (int64_t)first, (int64_t)time_now());
	return rc == DB_NOTFOUND ? DB_CONSTRAINT : rc;
}

int congress_speaker_floor(struct db_conn *c, const struct speaker *s)
{
	int64_t now = time_now();
	int rc;

	if (s->started_at)
		return DB_CONSTRAINT; /* speaking, or spoke: not in the queue */
	if (db_run(c, SQL_SPEAKER_ENDS, "ii", s->item_id, now) < 0)
		return DB_ERROR;
	rc = db_run(c, SQL_SPEAKER_STARTS, "ii", s->id, now);
	if (rc <= 0)
		return rc < 0 ? rc : DB_CONSTRAINT;
	rc = db_run(c, SQL_CLOSE_GAP, "ii", s->item_id, s->position);
	return rc < 0 ? rc : DB_OK;
}

int congress_speaker_end(struct db_conn *c, const struct speaker *s)
{
	int rc = db_run(c, SQL_SPEAKER_END, "ii", s->id, (int64_t)time_now());
	return rc < 0 ? rc : rc == 0 ? DB_CONSTRAINT : DB_OK;
}

int congress_speaker_pause(struct db_conn *c, const struct speaker *s,
			   bool pause)
{
	int rc = db_run(c, pause ? SQL_SPEAKER_PAUSE : SQL_SPEAKER_RESUME, "ii",
			s->id, (int64_t)time_now());
	return rc < 0 ? rc : rc == 0 ? DB_CONSTRAINT : DB_OK;
}

int congress_speaker_remove(struct db_conn *c, const struct speaker *s)
{
	int rc = db_run(c, SQL_SPEAKER_REMOVE, "ii", s->id, (int64_t)time_now());

	if (rc <= 0)
		return rc < 0 ? rc : DB_CONSTRAINT;
	rc = db_run(c, SQL_CLOSE_GAP, "ii", s->item_id, s->position);
	return rc < 0 ? rc : DB_OK;
}

int congress_speaker_move(struct db_conn *c, const struct speaker *s, int to)
{
	int64_t other;
	int rc;

	if (s->started_at || to < 1 || to == s->position)
		return DB_OK;
	if (to == 1 && s->position > 2) { /* to the top: the rest move down */
		if (db_run(c, SQL_CLOSE_GAP, "ii", s->item_id, s->position) < 0 ||
		    db_run(c, SQL_SPEAKER_POS, "ii", s->id, (int64_t)0) < 0 ||
		    db_run(c, SQL_MAKE_ROOM, "ii", s->item_id, (int64_t)1) < 0)
			return DB_ERROR;
		rc = db_run(c, SQL_SPEAKER_POS, "ii", s->id, (int64_t)1);
		return rc < 0 ? rc : DB_OK;
	}
	/* one step: swap with the neighbour */
	rc = db_int(c, &other, SQL_SPEAKER_AT, "ii", s->item_id, (int64_t)to);
	if (rc == DB_NOTFOUND)
		return DB_OK;
	if (rc != DB_OK ||
	    db_run(c, SQL_SPEAKER_POS, "ii", other, (int64_t)s->position) < 0 ||
	    db_run(c, SQL_SPEAKER_POS, "ii", s->id, (int64_t)to) < 0)
		return DB_ERROR;
	return DB_OK;
}

/* ---- a participant leaves (after the speakers: they leave the lists) ---- */

static const char SQL_P_SPEAKERS[] =
	SPEAKER_COLS "WHERE s.participant_id = $1 AND s.removed_at IS NULL "
	"AND s.ended_at IS NULL";

int congress_participant_remove(struct db_conn *c, int64_t id, int64_t by)
{
	struct arena *a;
	struct speaker *s;
	size_t n;
	int rc;

	/* someone in the hall is checked out first: the log has no gap */
	rc = congress_check(c, id, false, by);
	if (rc != DB_OK && rc != DB_CONSTRAINT)
		return rc;
	rc = db_run(c, SQL_P_REMOVE, "ii", id, (int64_t)time_now());

	if (rc <= 0)
		return rc < 0 ? rc : DB_NOTFOUND;
	/* off every list: a waiting request goes (its queue closing up),
	 * a speech under way ends */
	a = arena_new();
	rc = db_rows(c, a, SPEAKER, sizeof(*s), &s, &n, SQL_P_SPEAKERS, "i", id);
	for (size_t i = 0; rc == DB_OK && i < n; i++)
		rc = s[i].started_at ? congress_speaker_end(c, &s[i])
				     : congress_speaker_remove(c, &s[i]);
	arena_free(a);
	return rc;
}
