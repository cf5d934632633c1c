/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Phones are optional (docs/votes.md, "The booth"): the door team prints
 * a sheet of one-time codes for a delegate, who votes at a shared
 * voting-booth page with one code a poll. Only a keyed hash of a code is
 * stored; a code is deleted by the cast that uses it (in the cast's own
 * transaction: a refused cast keeps it), and a new sheet deletes the old
 * one's — codes are reissued in person only, by the door team. The
 * booth needs no account: a wrong code, a used one and one of another
 * congress get the same answer, and the booth shows nothing of a
 * congress until a code of it is typed.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

#include <ctype.h>
#include <string.h>

/* a sheet's codes: at most, and by default */
#define SHEET_MAX 20
#define SHEET_DEFAULT 6
/* a code: 12 letters and digits of base32, 60 bits */
#define CODE_LEN 12
#define CODE_CTX "vote-code"

static const char SQL_CODES_DROP[] =
	"DELETE FROM vote_codes WHERE participant_id = $1";
static const char SQL_CODE_ADD[] =
	"INSERT INTO vote_codes (code_index, participant_id, issued_by, "
	"issued_at) VALUES ($1, $2, NULLIF($3, 0), $4)";
static const char SQL_CODE_OWNER[] =
	"SELECT participant_id FROM vote_codes WHERE code_index = $1";

/* What was typed, as a code: upper case, letters and digits only;
 * false unless it has the length of one. */
static bool code_norm(const char *in, char out[CODE_LEN + 1])
{
	size_t n = 0;

	for (const char *s = in ? in : ""; *s; s++) {
		if (!isalnum((unsigned char)*s))
			continue;
		if (n == CODE_LEN)
			return false;
		/* base32 has no 0, 1 or 8: one typed is the letter it looks like */
		out[n++] = *s == '0' ? 'O' : *s == '1' ? 'I' : *s == '8' ? 'B'
			 : (char)toupper((unsigned char)*s);
	}
	out[n] = '\0';
	return n == CODE_LEN;
}

static const char *code_text(struct arena *a, const char *code)
{
	return arena_printf(a, "%.4s-%.4s-%.4s", code, code + 4, code + 8);
}

/* ---- the door: a sheet ---- */

static json_t *delegates_json(struct http_req *rq, const struct congress *k)
{
	struct participant *p;
	size_t n;
	json_t *arr = json_array();

	if (congress_participants(platform_conn(), rq->arena, k->id, &p, &n) != DB_OK)
		return arr;
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].kind, "delegate") == 0)
			json_array_append_new(
				arr, json_pack("{s:s, s:s, s:b}", "value",
					       arena_printf(rq->arena, "%lld",
							    (long long)p[i].id),
					       "label", p[i].display_name, "selected",
					       false));
	return arr;
}

static void codes_form(struct http_req *rq, struct http_resp *rs, int status,
		       const struct congress *k, const char *note)
{
	json_t *form = http_form(rq, HTTP_POST,
				 arena_printf(rq->arena, "/congress/%lld/codes",
					      (long long)k->id));
	json_t *data;

	http_form_options(form, "participant", delegates_json(rq, k));
	if (rq->method != HTTP_POST)
		http_form_value(form, "count",
				arena_printf(rq->arena, "%d", SHEET_DEFAULT));
	data = json_pack("{s:o, s:o}", "congress", congress_json(rq, k), "form", form);
	if (note)
		json_object_set_new(data, "note", json_string(tr_rq(rq, note)));
	http_page(rq, rs, status, "votes/codes", N_("Voting codes"), data);
}

void votes_codes_page(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;

	if (congress_load(rq, rs, PERM_CONGRESS_DOOR, &k) == 0)
		codes_form(rq, rs, 200, &k, NULL);
}

struct issue {
	int64_t participant, by;
	int n;
	char (*codes)[CODE_LEN + 1];
};

static int issue_tx(struct db_conn *c, void *arg)
{
	struct issue *x = arg;
	int rc = db_run(c, SQL_CODES_DROP, "i", x->participant);

	for (int i = 0; rc >= 0 && i < x->n; i++) {
		unsigned char raw[8], idx[BLIND_LEN];
		struct arena *a = arena_new();
		random_bytes(raw, sizeof(raw));
		memcpy(x->codes[i], arena_base32(a, raw, sizeof(raw)), CODE_LEN);
		x->codes[i][CODE_LEN] = '\0';
		arena_free(a);
		blind_index(CODE_CTX, x->codes[i], CODE_LEN, idx);
		rc = db_run(c, SQL_CODE_ADD, "biii", idx, (size_t)BLIND_LEN,
			    x->participant, x->by, (int64_t)time_now());
	}
	return rc < 0 ? rc : DB_OK;
}

/* A new sheet for a delegate: the old codes die with it. */
void votes_codes_issue(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct participant p;
	struct issue x = {0};
	char codes[SHEET_MAX][CODE_LEN + 1];
	json_t *list, *data;
	int rc;

	if (congress_load(rq, rs, PERM_CONGRESS_DOOR, &k) != 0 ||
	    !congress_writable(rq, rs, &k))
		return;
	x.participant = http_field_int(rq, "participant", 0);
	x.n = (int)http_field_int(rq, "count", SHEET_DEFAULT);
	x.by = rq->user.id;
	x.codes = codes;
	if (congress_participant_get(platform_conn(), rq->arena, x.participant, &p) !=
		    DB_OK ||
	    p.congress_id != k.id || p.removed_at || strcmp(p.kind, "delegate") != 0) {
		codes_form(rq, rs, 422, &k, N_("Choose one of the congress's delegates."));
		return;
	}
	if (x.n < 1 || x.n > SHEET_MAX) {
		codes_form(rq, rs, 422, &k, N_("A sheet holds 1 to 20 codes."));
		return;
	}
	rc = db_tx(platform_conn(), issue_tx, &x);
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "votes.codes.issued",
			      arena_printf(rq->arena, "participant:%lld", (long long)p.id),
			      json_pack("{s:I, s:i}", "congress", (json_int_t)k.id,
					"codes", x.n));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	list = json_array();
	for (int i = 0; i < x.n; i++)
		json_array_append_new(list, json_string(code_text(rq->arena, codes[i])));
	data = json_pack("{s:o, s:s, s:o, s:s}", "congress", congress_json(rq, &k),
			 "delegate", p.display_name, "codes", list, "booth",
			 /* the sheet leaves the building: the whole address where
			  * the organization has said it (server.base_url) */
			 arena_printf(rq->arena, "%s/congress/%lld/booth",
				      platform_base_url(), (long long)k.id));
	http_set_header(rs, "Cache-Control", "no-store");
	http_page(rq, rs, 200, "votes/sheet", N_("Voting codes"), data);
}

/* ---- the booth ---- */

static void booth_page(struct http_req *rq, struct http_resp *rs, int status,
		       int64_t congress, json_t *data, const char *note)
{
	if (!data)
		data = json_object();
	json_object_set_new(data, "action",
			    json_string(arena_printf(rq->arena, "/congress/%lld/booth",
						     (long long)congress)));
	if (note)
		json_object_set_new(data, "note", json_string(tr_rq(rq, note)));
	/* a shared machine: nothing of a voter's stays for the next one */
	http_set_header(rs, "Cache-Control", "no-store");
	http_page(rq, rs, status, "votes/booth", N_("Voting booth"), data);
}

void votes_booth_page(struct http_req *rq, struct http_resp *rs)
{
	booth_page(rq, rs, 200, http_param_int(rq, "c"), NULL, NULL);
}

/* The code typed: its congress open, its delegate's standing in it, its
 * blind index; -1 with the refusal answered. */
struct booth {
	struct congress k;
	struct participant me;
	char code[CODE_LEN + 1];
	unsigned char idx[BLIND_LEN];
};

static int booth_load(struct http_req *rq, struct http_resp *rs, struct booth *b)
{
	int64_t c = http_param_int(rq, "c"), owner = 0;

	if (!code_norm(http_field(rq, "code"), b->code) ||
	    (blind_index(CODE_CTX, b->code, CODE_LEN, b->idx),
	     db_int(platform_conn(), &owner, SQL_CODE_OWNER, "b", b->idx,
		    (size_t)BLIND_LEN) != DB_OK) ||
	    congress_participant_get(platform_conn(), rq->arena, owner, &b->me) !=
		    DB_OK ||
	    b->me.congress_id != c ||
	    congress_get(platform_conn(), rq->arena, c, &b->k) != DB_OK) {
		booth_page(rq, rs, 403, c, NULL,
			   N_("That code opens nothing: it was used, replaced, or mistyped."));
		return -1;
	}
	return 0;
}

/* The ballots of the polls open now, each carrying b's code; note: a
 * refusal to show above them (a msgid), or NULL. */
static void ballots_page(struct http_req *rq, struct http_resp *rs, int status,
			 const struct booth *b, const char *note)
{
	struct poll *p;
	size_t n = 0;
	json_t *open = json_array(), *data;
	const char *why = NULL;

	if (votes_polls(platform_conn(), rq->arena, b->k.id, &p, &n) != DB_OK)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		struct poll_option *opt = NULL;
		size_t nopt = 0;
		struct votes_standing s;
		json_t *j;

		if (strcmp(p[i].state, "open") != 0)
			continue;
		votes_options(platform_conn(), rq->arena, p[i].id, &opt, &nopt);
		votes_standing(rq, &p[i], &b->me, &s);
		j = votes_poll_json(rq, &p[i], opt, nopt);
		if (!(why = votes_cannot_vote(&s)))
			json_object_set_new(j, "ballot",
					    votes_ballot_json(rq, &p[i], opt, nopt, &s,
							      code_text(rq->arena, b->code)));
		else
			json_object_set_new(j, "cannot", json_string(tr_rq(rq, why)));
		json_array_append_new(open, j);
	}
	data = json_pack("{s:s, s:s, s:o, s:b}", "congress_name", b->k.name,
			 "voter", b->me.display_name, "open", open, "any_open",
			 json_array_size(open) > 0);
	booth_page(rq, rs, status, b->k.id, data, note);
}

void votes_booth_open(struct http_req *rq, struct http_resp *rs)
{
	struct booth b;

	if (booth_load(rq, rs, &b) == 0)
		ballots_page(rq, rs, 200, &b, NULL);
}

/* A cast refused at the booth: the ballots again with why, while the
 * code (which a refused cast keeps) still opens them; else the code's
 * own refusal. */
static void booth_again(struct http_req *rq, struct http_resp *rs, int status,
			const struct congress *k, const struct poll *p,
			json_t *receipts, const char *note)
{
	struct booth b;

	(void)k;
	(void)p;
	(void)receipts;
	if (booth_load(rq, rs, &b) == 0)
		ballots_page(rq, rs, status, &b, note);
}

void votes_booth_cast(struct http_req *rq, struct http_resp *rs)
{
	struct booth b;
	struct poll p;
	struct votes_standing s;
	json_t *receipts, *data;

	if (booth_load(rq, rs, &b) != 0)
		return;
	if (votes_poll_get(platform_conn(), rq->arena, http_param_int(rq, "p"), &p) !=
		    DB_OK ||
	    p.congress_id != b.k.id || strcmp(p.state, "draft") == 0) {
		booth_page(rq, rs, 404, b.k.id, NULL, N_("There is no such poll."));
		return;
	}
	if (strcmp(b.k.state, "closed") == 0) {
		booth_page(rq, rs, 409, b.k.id, NULL,
			   N_("This congress is closed: nothing in it can change any more. Its chair can open it again in its settings."));
		return;
	}
	votes_standing(rq, &p, &b.me, &s);
	if (!(receipts = votes_cast_request(rq, rs, &b.k, &p, &s, b.idx, booth_again)))
		return;
	data = json_pack("{s:s, s:s, s:o, s:b, s:b}", "congress_name", b.k.name,
			 "question", p.question, "receipts", receipts, "has_receipts",
			 json_array_size(receipts) > 0, "cast", true);
	booth_page(rq, rs, 200, b.k.id, data, N_("Your vote is in the ballot box."));
}
