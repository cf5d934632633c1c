/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The close of a poll (docs/votes.md, "Results" and "The secrecy
 * model"): in one transaction the presence and the quorum are taken, the
 * ballots counted (majority.c for yes/no, the most votes for a choice,
 * stv.c for a ranked election) and the result stored once; a secret
 * poll's ballots are then written again in key order, the digest of
 * their published list kept, and the database compacted so that the
 * order they were cast in is nowhere.
 */
#include "internal.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_CLOSE[] =
	"UPDATE polls SET state = 'closed', closed_at = $3, "
	"weight_present = $4, weight_total = $5, quorum_pct = $6, "
	"lot_seed = $7, version = version + 1 "
	"WHERE id = $1 AND version = $2 AND state = 'open'";
static const char SQL_RESULT[] =
	"UPDATE polls SET result = $2, ballots_digest = $3 WHERE id = $1";
static const char SQL_ALL[] =
	"SELECT k, receipt, content FROM ballots WHERE poll_id = $1 ORDER BY k";
static const char SQL_DROP[] = "DELETE FROM ballots WHERE poll_id = $1";
static const char SQL_PUT[] =
	"INSERT INTO ballots (poll_id, k, receipt, content) VALUES ($1, $2, "
	"$3, $4)";

struct full_ballot {
	struct db_blob k, receipt;
	const char *content;
};

/* ---- results ---- */

static int64_t tally_of(const struct tally_row *t, size_t n, const char *c)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].content, c) == 0)
			return t[i].n;
	return 0;
}

static const char *const verdict_names[VERDICT__MAX] = {"adopted", "rejected",
							"no_quorum"};

static json_t *result_yna(const struct poll *p, const struct tally_row *t,
			  size_t n, struct vote_tally *vt)
{
	struct vote_outcome o;

	vt->yes = tally_of(t, n, "Y");
	vt->no = tally_of(t, n, "N");
	vt->abstain = tally_of(t, n, "A");
	o = vote_decide(vt, (enum vote_majority)vote_majority_parse(p->majority),
			(enum vote_base)vote_base_parse(p->base));
	return json_pack("{s:I, s:I, s:I, s:s, s:b, s:I, s:I}", "yes",
			 (json_int_t)vt->yes, "no", (json_int_t)vt->no, "abstain",
			 (json_int_t)vt->abstain, "verdict", verdict_names[o.verdict],
			 "unanimous", o.unanimous, "needed", (json_int_t)o.needed,
			 "base_value", (json_int_t)o.base);
}

/* Choice and approval: each option's votes; a choice is won by the one
 * option with the most, and under a qualified majority only if it has
 * it against all the others together. */
static json_t *result_choice(const struct poll *p, const struct poll_option *opt,
			     size_t nopt, const struct tally_row *t, size_t n,
			     struct vote_tally *vt)
{
	int64_t *votes = calloc(nopt + 1, sizeof(*votes)), abstain = 0, total = 0;
	json_t *arr = json_array(), *r;
	int64_t best = -1, second = -1;
	size_t win = 0;

	for (size_t i = 0; i < n; i++) {
		const char *s = t[i].content;
		if (strcmp(s, "A") == 0) {
			abstain += t[i].n;
			continue;
		}
		while (*s) {
			long pos = strtol(s, (char **)&s, 10);
			if (pos >= 1 && (size_t)pos <= nopt)
				votes[pos] += t[i].n;
			if (*s == ',')
				s++;
		}
		total += t[i].n;
	}
	for (size_t i = 1; i <= nopt; i++) {
		json_array_append_new(arr, json_pack("{s:I, s:s, s:I}", "position",
						     (json_int_t)i, "label",
						     opt[i - 1].label, "votes",
						     (json_int_t)votes[i]));
		if (votes[i] > best) {
			second = best;
			best = votes[i];
			win = i;
		} else if (votes[i] > second) {
			second = votes[i];
		}
	}
	r = json_pack("{s:o, s:I, s:I}", "options", arr, "abstain",
		      (json_int_t)abstain, "cast", (json_int_t)total);
	if (strcmp(p->kind, "choice") == 0) {
		struct vote_outcome o;
		vt->yes = best > 0 ? best : 0;
		vt->no = total - vt->yes;
		vt->abstain = abstain;
		o = vote_decide(vt,
				(enum vote_majority)vote_majority_parse(p->majority),
				(enum vote_base)vote_base_parse(p->base));
		if (best <= 0 || best == second)
			o.verdict = o.quorate ? VERDICT_REJECTED : VERDICT_NO_QUORUM;
		json_object_set_new(r, "verdict", json_string(verdict_names[o.verdict]));
		json_object_set_new(r, "winner",
				    json_integer(o.verdict == VERDICT_ADOPTED
							 ? (json_int_t)win
							 : 0));
		json_object_set_new(r, "unanimous",
				    json_boolean(best > 0 && best == total &&
						 abstain == 0));
	}
	free(votes);
	return r;
}

/* The lot order of a ranked poll: the options by a keyed hash of their
 * position under the seed drawn at the close. */
static void lot_order(const unsigned char seed[32], int n, int *lot)
{
	uint64_t *h = calloc((size_t)n, sizeof(*h));

	for (int i = 0; i < n; i++) {
		unsigned char msg[4] = {(unsigned char)i, (unsigned char)(i >> 8), 0, 0};
		crypto_generichash((unsigned char *)&h[i], sizeof(h[i]), msg,
				   sizeof(msg), seed, 32);
	}
	for (int i = 0; i < n; i++) {
		lot[i] = 0;
		for (int j = 0; j < n; j++)
			lot[i] += h[j] < h[i] || (h[j] == h[i] && j < i);
	}
	free(h);
}

struct blt *votes_blt(const struct poll *p, const struct poll_option *opt,
		      size_t nopt, const struct tally_row *t, size_t n,
		      const unsigned char seed[32])
{
	struct blt *b = xcalloc(1, sizeof(*b));
	size_t cap = 16;

	b->ncand = (int)nopt;
	b->seats = p->seats < (int)nopt ? p->seats : (int)nopt;
	b->names = xcalloc(nopt ? nopt : 1, sizeof(*b->names));
	b->withdrawn = xcalloc(nopt ? nopt : 1, sizeof(*b->withdrawn));
	b->lot = xcalloc(nopt ? nopt : 1, sizeof(*b->lot));
	for (size_t i = 0; i < nopt; i++)
		b->names[i] = xstrdup(opt[i].label);
	b->title = xstrdup(p->question);
	lot_order(seed, (int)nopt, b->lot);
	b->lot_given = true;
	b->lines = xcalloc(n ? n : 1, sizeof(*b->lines));
	b->ranks = xmalloc(cap * sizeof(*b->ranks));
	for (size_t i = 0; i < n; i++) {
		const char *s = t[i].content;
		struct blt_line *l = &b->lines[b->nlines];
		l->weight = t[i].n;
		l->off = (uint32_t)b->nranks;
		l->n = 0;
		if (strcmp(s, "A") != 0)
			while (*s) {
				long pos = strtol(s, (char **)&s, 10);
				if (b->nranks == cap)
					b->ranks = xrealloc(b->ranks,
							    (cap *= 2) * sizeof(*b->ranks));
				b->ranks[b->nranks++] = (int32_t)pos - 1;
				l->n++;
				while (*s == ' ')
					s++;
			}
		b->nlines++;
	}
	return b;
}

/* The count's rounds for the page and the projector: one entry per row
 * but the log rows, with everyone's votes as text. */
static json_t *result_ranked(const struct poll *p, const struct poll_option *opt,
			     size_t nopt, const struct tally_row *t, size_t n,
			     const unsigned char seed[32])
{
	struct blt *b = votes_blt(p, opt, nopt, t, n, seed);
	struct stv_result *r = stv_count(b);
	json_t *rows = json_array(), *elected = json_array(), *j;
	char v[24];

	for (int i = 0; i < r->nelected; i++)
		json_array_append_new(elected, json_integer(r->elected[i] + 1));
	for (size_t i = 0; i < r->nrows; i++) {
		const struct stv_row *w = &r->rows[i];
		json_t *votes, *states;
		if (w->action == STV_LOG)
			continue;
		votes = json_array();
		states = json_array();
		for (int c = 0; c < b->ncand; c++) {
			stv_format(w->vote[c], v);
			json_array_append_new(votes, json_string(v));
			json_array_append_new(states, json_integer(w->state[c]));
		}
		stv_format(w->nontransferable, v);
		j = json_pack("{s:i, s:s, s:i, s:s, s:o, s:o}", "round", w->round,
			      "action", stv_action_name(w->action), "cand",
			      w->cand + 1, "nontransferable", v, "votes", votes,
			      "states", states);
		if (w->action == STV_TIE)
			json_object_set_new(j, "tie_round", json_integer(w->tie_round));
		json_array_append_new(rows, j);
	}
	stv_format(r->quota, v);
	j = json_pack("{s:o, s:o, s:s, s:I, s:I}", "elected", elected, "rounds",
		      rows, "quota", v, "valid", (json_int_t)r->valid, "abstain",
		      (json_int_t)tally_of(t, n, "A"));
	stv_free(r);
	blt_free(b);
	return j;
}

/* ---- the close ---- */

struct close_ctx {
	struct arena *a;
	const struct poll *p;
	const struct congress *k;
};

static void csv_line(struct arena *a, struct buf *b, const struct poll *p,
		     const unsigned char *receipt, const char *content)
{
	buf_printf(b, "%s,\"%s\"\n",
		   p->publish_receipts ? arena_base32(a, receipt, RECEIPT_BYTES)
				       : "",
		   content);
}

/* Writes the poll's ballots again in key order: on disk nothing is left
 * of the order they came in (the log and the old pages go with
 * db_compact after the commit). Their published list's digest in hex. */
static int rewrite(struct db_conn *c, struct close_ctx *x, char *digest)
{
	static const struct db_map ROW[] = {
		DB_COL(struct full_ballot, k),
		DB_COL(struct full_ballot, receipt),
		DB_COL(struct full_ballot, content),
		DB_COLS_END,
	};
	struct full_ballot *all;
	size_t n;
	struct buf b;
	unsigned char h[crypto_hash_sha256_BYTES];
	int rc = db_rows(c, x->a, ROW, sizeof(*all), &all, &n, SQL_ALL, "i",
			 x->p->id);

	if (rc != DB_OK)
		return rc;
	if (x->p->secret) {
		if ((rc = db_run(c, SQL_DROP, "i", x->p->id)) < 0)
			return rc;
		for (size_t i = 0; i < n; i++)
			if ((rc = db_run(c, SQL_PUT, "ibbt", x->p->id, all[i].k.p,
					 all[i].k.len, all[i].receipt.p,
					 all[i].receipt.len, all[i].content)) < 0)
				return rc;
	}
	buf_init(&b);
	buf_puts(&b, "receipt,ballot\n");
	for (size_t i = 0; i < n; i++)
		csv_line(x->a, &b, x->p, all[i].receipt.p, all[i].content);
	crypto_hash_sha256(h, (const unsigned char *)b.data, b.len);
	hex_encode(h, sizeof(h), digest);
	buf_free(&b);
	return DB_OK;
}

static int close_tx(struct db_conn *c, void *arg)
{
	struct close_ctx *x = arg;
	const struct poll *p = x->p;
	struct congress_presence pr = {0};
	struct tally_row *t;
	struct poll_option *opt;
	size_t n, nopt;
	unsigned char seed[32];
	char digest[2 * crypto_hash_sha256_BYTES + 1];
	struct vote_tally vt = {0};
	json_t *res;
	char *text;
	int rc;

	randombytes_buf(seed, sizeof(seed));
	if ((rc = congress_presence(c, p->congress_id, &pr)) != DB_OK)
		return rc;
	/* a vote held by proxy for one absent counts as present */
	{
		int64_t m;
		pr.weight_present += votes_proxied_present(c, x->a, p->congress_id,
							   p->id, &m);
	}
	rc = db_run(c, SQL_CLOSE, "iiiiiib", p->id, p->version,
		    (int64_t)time_now(), pr.weight_present, pr.weight_total,
		    (int64_t)x->k->quorum_pct, seed, sizeof(seed));
	if (rc <= 0)
		return rc < 0 ? rc : DB_STALE;
	if ((rc = votes_tally_rows(c, x->a, p->id, &t, &n)) != DB_OK ||
	    (rc = votes_options(c, x->a, p->id, &opt, &nopt)) != DB_OK)
		return rc;
	vt.weight_present = pr.weight_present;
	vt.weight_total = pr.weight_total;
	vt.quorum_pct = x->k->quorum_pct;
	if (strcmp(p->kind, "yna") == 0)
		res = result_yna(p, t, n, &vt);
	else if (strcmp(p->kind, "ranked") == 0)
		res = result_ranked(p, opt, nopt, t, n, seed);
	else
		res = result_choice(p, opt, nopt, t, n, &vt);
	{
		int64_t units = 0;
		for (size_t i = 0; i < n; i++)
			units += t[i].n;
		json_object_set_new(res, "units", json_integer(units));
	}
	json_object_set_new(res, "quorate",
			    json_boolean(pr.weight_present * 100 >=
					 (int64_t)x->k->quorum_pct * pr.weight_total));
	if ((rc = rewrite(c, x, digest)) != DB_OK) {
		json_decref(res);
		return rc;
	}
	text = json_dumps(res, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(res);
	rc = db_run(c, SQL_RESULT, "itt", p->id, text, digest);
	free(text);
	return rc < 0 ? rc : DB_OK;
}

/* After the close commits: the old pages and the log go. */
static void compact(void *arg)
{
	if (db_compact(platform_conn(), "ballots") < 0)
		log_msg(LOG_WARN, "votes", "poll %lld: the ballots' table was not "
					   "compacted after the close",
			(long long)(intptr_t)arg);
}

int votes_poll_close(struct db_conn *c, struct arena *a, const struct poll *p,
		     const struct congress *k)
{
	struct close_ctx x = {a, p, k};
	int rc = db_tx(c, close_tx, &x);

	if (rc == DB_OK && p->secret)
		db_on_commit(c, compact, (void *)(intptr_t)p->id);
	return rc;
}

/* ---- the published list ---- */

struct list_ctx {
	struct arena *a;
	const struct poll *p;
	struct buf *b;
};

static int list_line(const unsigned char *receipt, const char *content,
		     void *arg)
{
	struct list_ctx *x = arg;

	csv_line(x->a, x->b, x->p, receipt, content);
	return 0;
}

void votes_ballot_list(struct db_conn *c, struct arena *a, const struct poll *p,
		       bool blt, struct buf *b)
{
	if (blt) {
		struct tally_row *t;
		struct poll_option *opt;
		size_t n, nopt;
		struct db_blob seed = {0};
		static const struct db_map SEED[] = {DB_COL_SELF(struct db_blob),
						     DB_COLS_END};
		char *s = NULL;
		size_t len;
		FILE *f;

		if (votes_tally_rows(c, a, p->id, &t, &n) != DB_OK ||
		    votes_options(c, a, p->id, &opt, &nopt) != DB_OK ||
		    db_row(c, a, SEED, &seed,
			   "SELECT lot_seed FROM polls WHERE id = $1", "i",
			   p->id) != DB_OK ||
		    seed.len != 32)
			return;
		struct blt *e = votes_blt(p, opt, nopt, t, n, seed.p);
		f = open_memstream(&s, &len);
		blt_write(e, f);
		fclose(f);
		buf_append(b, s, len);
		free(s);
		blt_free(e);
		return;
	}
	struct list_ctx x = {a, p, b};
	buf_puts(b, "receipt,ballot\n");
	votes_ballots_each(c, p->id, list_line, &x);
}
