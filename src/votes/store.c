/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The votes module's SQL (docs/votes.md, "Tables"), but for casting
 * (cast.c) and the close (tally.c): one function per operation, bound
 * parameters only, rows read through db_map.
 */
#include "internal.h"

#include <string.h>

#define POLL_COLS                                                              \
	"SELECT p.id, p.congress_id, p.subject, coalesce(p.subject_id, 0), "   \
	"coalesce(p.item_id, 0), p.question, p.kind, p.seats, "                \
	"p.max_choices, p.secret, p.publish_receipts, p.majority, p.base, "    \
	"p.state, coalesce(p.opened_at, 0), coalesce(p.closed_at, 0), "        \
	"coalesce(p.weight_present, 0), coalesce(p.weight_total, 0), "         \
	"coalesce(p.quorum_pct, 0), coalesce(p.result, ''), "                  \
	"coalesce(p.ballots_digest, ''), coalesce(p.created_by, 0), "          \
	"p.version, p.created_at, "

static const struct db_map POLL[] = {
	DB_COL(struct poll, id),
	DB_COL(struct poll, congress_id),
	DB_COL(struct poll, subject),
	DB_COL(struct poll, subject_id),
	DB_COL(struct poll, item_id),
	DB_COL(struct poll, question),
	DB_COL(struct poll, kind),
	DB_COL(struct poll, seats),
	DB_COL(struct poll, max_choices),
	DB_COL(struct poll, secret),
	DB_COL(struct poll, publish_receipts),
	DB_COL(struct poll, majority),
	DB_COL(struct poll, base),
	DB_COL(struct poll, state),
	DB_COL(struct poll, opened_at),
	DB_COL(struct poll, closed_at),
	DB_COL(struct poll, weight_present),
	DB_COL(struct poll, weight_total),
	DB_COL(struct poll, quorum_pct),
	DB_COL(struct poll, result),
	DB_COL(struct poll, ballots_digest),
	DB_COL(struct poll, created_by),
	DB_COL(struct poll, version),
	DB_COL(struct poll, created_at),
	DB_COL(struct poll, marks),
	DB_COLS_END,
};

static const char SQL_POLL_ADD[] =
	"INSERT INTO polls (congress_id, subject, subject_id, item_id, "
	"question, kind, seats, max_choices, secret, publish_receipts, "
	"majority, base, created_by, created_at) VALUES ($1, $2, NULLIF($3, 0), "
	"NULLIF($4, 0), $5, $6, $7, $8, $9, $10, $11, $12, NULLIF($13, 0), $14) "
	"RETURNING id";
static const char SQL_OPTION_ADD[] =
	"INSERT INTO poll_options (poll_id, position, label) VALUES ($1, $2, $3)";
/* how many mandates have voted: counted where it is shown, not for
 * every cast (a hall of 10,000 would count 10,000 rows 10,000 times) */
#define MARKS "(SELECT count(*) FROM poll_marks m WHERE m.poll_id = p.id) "
static const char SQL_POLLS[] = POLL_COLS MARKS "FROM polls p "
					  "WHERE p.congress_id = $1 ORDER BY p.id DESC";
static const char SQL_POLL_GET[] = POLL_COLS "0 FROM polls p WHERE p.id = $1";
static const char SQL_MARKS[] =
	"SELECT count(*) FROM poll_marks WHERE poll_id = $1";
static const char SQL_OPTIONS[] =
	"SELECT position, label FROM poll_options WHERE poll_id = $1 "
	"ORDER BY position";
static const char SQL_POLL_MOVE[] =
	"UPDATE polls SET state = $3, version = version + 1, "
	"opened_at = CASE WHEN $3 = 'open' THEN $4 ELSE opened_at END, "
	"closed_at = CASE WHEN $3 = 'void' THEN $4 ELSE closed_at END "
	"WHERE id = $1 AND version = $2";
static const char SQL_MARKED[] =
	"SELECT 1 FROM poll_marks WHERE poll_id = $1 AND mandate_id = $2";
static const char SQL_TALLY[] =
	"SELECT content, count(*) FROM ballots WHERE poll_id = $1 "
	"GROUP BY content ORDER BY content";
static const char SQL_NAMED[] =
	"SELECT voter, content, weight FROM named_votes WHERE poll_id = $1 "
	"ORDER BY voter, mandate_id";
static const char SQL_BALLOTS[] =
	"SELECT receipt, content FROM ballots WHERE poll_id = $1 ORDER BY k";
static const char SQL_BY_RECEIPT[] =
	"SELECT content FROM ballots WHERE poll_id = $1 AND receipt = $2";

int votes_poll_add(struct db_conn *c, const struct poll *in,
		   const char *const *options, size_t n, int64_t *id_r)
{
	int rc = db_int(c, id_r, SQL_POLL_ADD, "itiittiiiittii", in->congress_id,
			in->subject, in->subject_id, in->item_id, in->question,
			in->kind, (int64_t)in->seats, (int64_t)in->max_choices,
			(int64_t)in->secret, (int64_t)in->publish_receipts,
			in->majority, in->base, in->created_by,
			(int64_t)time_now());

	for (size_t i = 0; rc == DB_OK && i < n; i++) {
		int r = db_run(c, SQL_OPTION_ADD, "iit", *id_r, (int64_t)i + 1,
			       options[i]);
		rc = r < 0 ? r : DB_OK;
	}
	return rc;
}

int votes_polls(struct db_conn *c, struct arena *a, int64_t congress,
		struct poll **out_r, size_t *n_r)
{
	return db_rows(c, a, POLL, sizeof(**out_r), out_r, n_r, SQL_POLLS, "i",
		       congress);
}

int votes_poll_get(struct db_conn *c, struct arena *a, int64_t id,
		   struct poll *out)
{
	return db_row(c, a, POLL, out, SQL_POLL_GET, "i", id);
}

int64_t votes_marks_count(struct db_conn *c, int64_t poll)
{
	int64_t n = 0;

	return db_int(c, &n, SQL_MARKS, "i", poll) == DB_OK ? n : 0;
}

int votes_options(struct db_conn *c, struct arena *a, int64_t poll,
		  struct poll_option **out_r, size_t *n_r)
{
	static const struct db_map OPTION[] = {
		DB_COL(struct poll_option, position),
		DB_COL(struct poll_option, label),
		DB_COLS_END,
	};
	return db_rows(c, a, OPTION, sizeof(**out_r), out_r, n_r, SQL_OPTIONS,
		       "i", poll);
}

int votes_poll_move(struct db_conn *c, const struct poll *p, const char *to)
{
	int rc = db_run(c, SQL_POLL_MOVE, "iiti", p->id, p->version, to,
			(int64_t)time_now());

	return rc < 0 ? rc : rc == 0 ? DB_STALE : DB_OK;
}

int votes_marked(struct db_conn *c, int64_t poll, const int64_t *mandates,
		 size_t n, bool *marked)
{
	for (size_t i = 0; i < n; i++) {
		int64_t one;
		int rc = db_int(c, &one, SQL_MARKED, "ii", poll, mandates[i]);
		if (rc != DB_OK && rc != DB_NOTFOUND)
			return rc;
		marked[i] = rc == DB_OK;
	}
	return DB_OK;
}

int votes_tally_rows(struct db_conn *c, struct arena *a, int64_t poll,
		     struct tally_row **out_r, size_t *n_r)
{
	static const struct db_map ROW[] = {
		DB_COL(struct tally_row, content),
		DB_COL(struct tally_row, n),
		DB_COLS_END,
	};
	return db_rows(c, a, ROW, sizeof(**out_r), out_r, n_r, SQL_TALLY, "i",
		       poll);
}

int votes_named(struct db_conn *c, struct arena *a, int64_t poll,
		struct named_vote **out_r, size_t *n_r)
{
	static const struct db_map ROW[] = {
		DB_COL(struct named_vote, voter),
		DB_COL(struct named_vote, content),
		DB_COL(struct named_vote, weight),
		DB_COLS_END,
	};
	return db_rows(c, a, ROW, sizeof(**out_r), out_r, n_r, SQL_NAMED, "i",
		       poll);
}

struct ballot_row {
	struct db_blob receipt;
	const char *content;
};

struct each_ctx {
	int (*fn)(const unsigned char *, const char *, void *);
	void *arg;
};

static int each_ballot(void *row, void *arg)
{
	struct ballot_row *b = row;
	struct each_ctx *x = arg;

	if (b->receipt.len != RECEIPT_BYTES)
		return DB_ERROR;
	return x->fn(b->receipt.p, b->content, x->arg);
}

int votes_ballots_each(struct db_conn *c, int64_t poll,
		       int (*fn)(const unsigned char *receipt,
				 const char *content, void *arg),
		       void *arg)
{
	static const struct db_map ROW[] = {
		DB_COL(struct ballot_row, receipt),
		DB_COL(struct ballot_row, content),
		DB_COLS_END,
	};
	struct ballot_row row;
	struct each_ctx x = {fn, arg};

	return db_each(c, NULL, ROW, &row, each_ballot, &x, SQL_BALLOTS, "i",
		       poll);
}

int votes_ballots_by_receipt(struct db_conn *c, struct arena *a, int64_t poll,
			     const unsigned char *receipts, size_t n,
			     const char **out)
{
	static const struct db_map ROW[] = {DB_COL_SELF(const char *),
					    DB_COLS_END};

	for (size_t i = 0; i < n; i++) {
		const char *content = NULL;
		int rc = db_row(c, a, ROW, &content, SQL_BY_RECEIPT, "ib", poll,
				receipts + i * RECEIPT_BYTES,
				(size_t)RECEIPT_BYTES);
		if (rc < 0 && rc != DB_NOTFOUND)
			return rc;
		out[i] = rc == DB_OK ? content : NULL;
	}
	return DB_OK;
}
