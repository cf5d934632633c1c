/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Polls on the web and in the API (docs/votes.md, "Routes"): the list
 * of a congress's polls with the open ones on top (a delegate's phone
 * shows one as the chair opens it), a new poll (the chair), a poll's
 * page — the ballot while it is open, the result with its bars and
 * (for an election) the rounds of the count once it is closed — the
 * chair's open, close and void, casting, and the published ballot list
 * with a receipt's check.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = {"yna", "choice", "approval", "ranked"};
static const char *const kind_labels[] = {
	N_("Yes, no or abstain"), N_("One choice"),
	N_("Approval: up to a number of choices"),
	N_("Ranked: an election by single transferable vote")};
static const char *const majority_labels[MAJ__MAX] = {
	N_("Simple majority"), N_("Absolute majority"),
	N_("Two-thirds majority"), N_("Four-fifths majority")};
static const char *const base_labels[BASE__MAX] = {
	N_("of the votes cast"), N_("of the delegates' weight present")};

static const char *state_label(const char *s)
{
	if (strcmp(s, "draft") == 0)
		return N_("Not yet open");
	if (strcmp(s, "open") == 0)
		return N_("Open: voting");
	if (strcmp(s, "closed") == 0)
		return N_("Closed");
	return N_("Void");
}

static int kind_index(const char *k)
{
	for (size_t i = 0; k && i < ARRAY_LEN(kinds); i++)
		if (strcmp(k, kinds[i]) == 0)
			return (int)i;
	return -1;
}

const char *votes_poll_path(struct arena *a, const struct poll *p)
{
	return arena_printf(a, "/congress/%lld/polls/%lld",
			    (long long)p->congress_id, (long long)p->id);
}

/* ---- a result, as people read it ---- */

static const char *pct_of(struct arena *a, int64_t v, int64_t total, int *pct)
{
	*pct = total > 0 ? (int)((v * 1000 / total + 5) / 10) : 0;
	return arena_printf(a, "%lld (%d%%)", (long long)v, *pct);
}

static json_t *bar(struct http_req *rq, const char *label, int64_t v,
		   int64_t total)
{
	int pct;
	const char *text = pct_of(rq->arena, v, total, &pct);

	return json_pack("{s:s, s:I, s:i, s:s}", "label", label, "value",
			 (json_int_t)v, "pct", pct, "text", text);
}

static const char *verdict_text(struct http_req *rq, const char *verdict,
				bool unanimous)
{
	if (strcmp(verdict, "adopted") == 0)
		return tr_rq(rq, unanimous ? N_("Adopted unanimously.")
					   : N_("Adopted."));
	if (strcmp(verdict, "rejected") == 0)
		return tr_rq(rq, N_("Rejected."));
	return tr_rq(rq, N_("Not decided: the congress did not have its quorum when the poll closed."));
}

static const char *action_text(struct http_req *rq, const char *action)
{
	static const char *const names[][2] = {
		{"begin", N_("First preferences")},
		{"elect", N_("Elected")},
		{"tie", N_("Tie broken")},
		{"unpend", N_("Surplus to transfer")},
		{"transfer", N_("Votes transferred")},
		{"defeat", N_("Excluded")},
		{"end", N_("Count ends")},
	};
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strcasecmp(action, names[i][0]) == 0)
			return tr_rq(rq, names[i][1]);
	return action;
}

static const char *option_label(const struct poll_option *opt, size_t nopt,
				json_int_t pos)
{
	return pos >= 1 && (size_t)pos <= nopt ? opt[pos - 1].label : "?";
}

/* A count's number for people: "12.50000" → "12.5", "3.00000" → "3"
 * (the published rounds and `rudder count --tsv` keep all five places). */
static json_t *number_text(struct http_req *rq, json_t *v)
{
	const char *s = json_string_value(v);
	char *t;
	size_t n;

	/* the API gives the count's numbers as they are */
	if (rq->api || !s || !strchr(s, '.'))
		return json_incref(v);
	t = arena_strdup(rq->arena, s);
	n = strlen(t);
	while (n && t[n - 1] == '0')
		t[--n] = '\0';
	if (n && t[n - 1] == '.')
		t[--n] = '\0';
	return json_string(t);
}

/* The rounds of an election's count: a table with a column per
 * candidate, the rounds numbered from 1 (the end's row has none). */
static json_t *rounds_view(struct http_req *rq, json_t *res,
			   const struct poll_option *opt, size_t nopt)
{
	json_t *rows = json_array(), *row, *head = json_array();
	size_t i;

	for (size_t c = 0; c < nopt; c++)
		json_array_append_new(head, json_string(opt[c].label));
	json_array_foreach(json_object_get(res, "rounds"), i, row) {
		const char *action =
			json_string_value(json_object_get(row, "action"));
		json_int_t cand = json_integer_value(json_object_get(row, "cand"));
		const char *what = action_text(rq, action ? action : "");

		if (action && strcasecmp(action, "round") == 0)
			continue;
		if (cand >= 1)
			what = arena_printf(rq->arena, "%s: %s", what,
					    option_label(opt, nopt, cand));
		json_int_t round = json_integer_value(json_object_get(row, "round"));
		json_t *votes = json_array(), *v;
		size_t j;
		json_array_foreach(json_object_get(row, "votes"), j, v)
			json_array_append_new(votes, number_text(rq, v));
		json_array_append_new(
			rows, json_pack("{s:o, s:s, s:o, s:o}", "round",
					/* the API's rounds as the count numbers
					 * them; a page's from 1, the end's none */
					rq->api ? json_integer(round)
					: round >= 0
						? json_string(arena_printf(rq->arena, "%lld",
									   (long long)round + 1))
						: json_string(""),
					"what", what, "votes", votes, "nontransferable",
					number_text(rq, json_object_get(row, "nontransferable"))));
	}
	return json_pack("{s:o, s:o}", "head", head, "rows", rows);
}

/* A closed poll's result for its page, the projector and the minutes:
 * {verdict, lines, bars, elected, rounds}. NULL before the close. */
json_t *votes_result_view(struct http_req *rq, const struct poll *p,
			  const struct poll_option *opt, size_t nopt)
{
	json_error_t err;
	json_t *res = *p->result ? json_loads(p->result, 0, &err) : NULL;
	json_t *v, *bars = json_array(), *lines = json_array(), *x;
	json_int_t units, abstain;
	const char *verdict;
	size_t i;

	if (!res) {
		json_decref(bars);
		json_decref(lines);
		return NULL;
	}
	units = json_integer_value(json_object_get(res, "units"));
	abstain = json_integer_value(json_object_get(res, "abstain"));
	verdict = json_string_value(json_object_get(res, "verdict"));
	v = json_pack("{s:o, s:o}", "bars", bars, "lines", lines);
	if (strcmp(p->kind, "yna") == 0) {
		json_int_t yes = json_integer_value(json_object_get(res, "yes"));
		json_int_t no = json_integer_value(json_object_get(res, "no"));
		json_array_append_new(bars, bar(rq, tr_rq(rq, N_("Yes")), yes, units));
		json_array_append_new(bars, bar(rq, tr_rq(rq, N_("No")), no, units));
		json_array_append_new(bars, bar(rq, tr_rq(rq, N_("Abstain")), abstain, units));
	} else if (strcmp(p->kind, "ranked") == 0) {
		json_t *elected = json_array();
		json_array_foreach(json_object_get(res, "elected"), i, x)
			json_array_append_new(
				elected, json_string(option_label(
						 opt, nopt, json_integer_value(x))));
		json_object_set_new(v, "elected", elected);
		json_object_set_new(v, "rounds", rounds_view(rq, res, opt, nopt));
		json_object_set_new(
			v, "quota",
			number_text(rq, json_object_get(res, "quota")));
		if (abstain)
			json_array_append_new(bars, bar(rq, tr_rq(rq, N_("Abstain")),
							abstain, units));
	} else {
		json_int_t winner = json_integer_value(json_object_get(res, "winner"));
		json_array_foreach(json_object_get(res, "options"), i, x)
			json_array_append_new(
				bars, bar(rq, json_string_value(json_object_get(x, "label")),
					  json_integer_value(json_object_get(x, "votes")),
					  units));
		json_array_append_new(bars, bar(rq, tr_rq(rq, N_("Abstain")), abstain, units));
		if (winner >= 1)
			json_object_set_new(v, "winner",
					    json_string(option_label(opt, nopt, winner)));
	}
	if (verdict) {
		bool unanimous = json_is_true(json_object_get(res, "unanimous"));
		const char *t = verdict_text(rq, verdict, unanimous);
		if (json_object_get(v, "winner"))
			t = arena_printf(rq->arena, "%s %s", t,
					 json_string_value(json_object_get(v, "winner")));
		json_object_set_new(v, "verdict", json_string(t));
		json_object_set_new(v, "adopted", json_boolean(strcmp(verdict, "adopted") == 0));
		json_object_set_new(v, "unanimous", json_boolean(unanimous));
	}
	json_array_append_new(
		lines, json_string(arena_printf(
			       rq->arena, "%s %lld.", tr_rq(rq, N_("Votes cast (by weight):")),
			       (long long)units)));
	json_array_append_new(
		lines,
		json_string(arena_printf(
			rq->arena, "%s %lld / %lld.",
			tr_rq(rq, N_("Delegates' weight present at the close:")),
			(long long)p->weight_present, (long long)p->weight_total)));
	if (*p->ballots_digest && p->secret)
		json_array_append_new(
			lines, json_string(arena_printf(
				       rq->arena, "%s %s",
				       tr_rq(rq, N_("SHA-256 of the published ballot list:")),
				       p->ballots_digest)));
	json_object_set_new(v, "raw", res);
	return v;
}

json_t *votes_poll_json(struct http_req *rq, const struct poll *p,
			const struct poll_option *opt, size_t nopt)
{
	int ki = kind_index(p->kind);
	int m = vote_majority_parse(p->majority), b = vote_base_parse(p->base);
	json_t *options = json_array();
	json_t *j = json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:s, s:s, "
		"s:i, s:i, s:I, s:I, s:b, s:b, s:b, s:b, s:b}",
		"id", (json_int_t)p->id, "path", votes_poll_path(rq->arena, p), "question",
		p->question, "kind", p->kind, "kind_label",
		tr_rq(rq, ki >= 0 ? kind_labels[ki] : "?"), "state", p->state,
		"state_label", tr_rq(rq, state_label(p->state)), "secret", p->secret,
		"publish_receipts", p->publish_receipts, "majority", p->majority,
		"base", p->base, "rule",
		arena_printf(rq->arena, "%s %s",
			     tr_rq(rq, m >= 0 ? majority_labels[m] : "?"),
			     tr_rq(rq, b >= 0 ? base_labels[b] : "?")),
		"seats", p->seats, "max_choices", p->max_choices, "voted",
		(json_int_t)p->marks, "version", (json_int_t)p->version, "is_draft",
		strcmp(p->state, "draft") == 0, "is_open",
		strcmp(p->state, "open") == 0, "is_closed",
		strcmp(p->state, "closed") == 0, "yna", ki == 0, "ranked", ki == 3);
	struct congress_subject s;

	for (size_t i = 0; i < nopt; i++)
		json_array_append_new(options,
				      json_pack("{s:I, s:s}", "position",
						(json_int_t)opt[i].position, "label",
						opt[i].label));
	json_object_set_new(j, "options", options);
	json_object_set_new(j, "is_void", json_boolean(strcmp(p->state, "void") == 0));
	json_object_set_new(j, "has_rule", json_boolean(ki == 0 || ki == 1));
	if (strcmp(p->subject, "question") != 0 &&
	    congress_subject_get(platform_conn(), rq->arena, p->congress_id,
				 p->subject, p->subject_id, &s) == DB_OK)
		json_object_set_new(j, "subject",
				    json_pack("{s:s, s:s, s:s}", "kind", p->subject,
					      "label", s.label, "path", s.path));
	else
		json_object_set_new(j, "subject", json_null());
	return j;
}

/* ---- the list ---- */

/* What a poll can be about: a question of its own, or one of the
 * congress's agenda items, motions and amendments. */
static json_t *about_options(struct http_req *rq, const struct congress *k,
			     const char *sel)
{
	json_t *arr = json_array();
	struct congress_subject_ref *r;
	size_t n = 0;

	json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", "question",
					     "label", tr_rq(rq, N_("A question of its own")),
					     "selected", !sel || strcmp(sel, "question") == 0));
	if (congress_subjects(platform_conn(), rq->arena, k->id, &r, &n) != DB_OK)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		const char *v = arena_printf(rq->arena, "%s-%lld", r[i].kind,
					     (long long)r[i].id);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", v,
						     "label", r[i].label, "selected",
						     sel && strcmp(sel, v) == 0));
	}
	return arr;
}

static json_t *value_options(struct http_req *rq, const char *const *values,
			     const char *const *labels, size_t n, const char *sel)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:b}", "value", values[i], "label",
				       tr_rq(rq, labels[i]), "selected",
				       sel && strcmp(sel, values[i]) == 0));
	return arr;
}

static void list_page(struct http_req *rq, struct http_resp *rs, int status,
		      const struct congress *k)
{
	struct poll *p;
	size_t n = 0;
	json_t *open = json_array(), *rest = json_array(), *data;
	bool chair = can(rq, PERM_CONGRESS_CHAIR, k->scope_id);
	struct participant me;
	bool is_me = congress_participant_of(platform_conn(), rq->arena, k->id,
					     rq->user.id, &me) == DB_OK;
	struct votes_standing s;

	if (votes_polls(platform_conn(), rq->arena, k->id, &p, &n) != DB_OK)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		struct poll_option *opt = NULL;
		size_t nopt = 0;
		json_t *j;

		if (strcmp(p[i].state, "draft") == 0 && !chair)
			continue;
		if (strcmp(p[i].state, "open") != 0) {
			j = votes_poll_json(rq, &p[i], NULL, 0);
			json_array_append_new(rest, j);
			continue;
		}
		votes_options(platform_conn(), rq->arena, p[i].id, &opt, &nopt);
		j = votes_poll_json(rq, &p[i], opt, nopt);
		votes_standing(rq, &p[i], is_me ? &me : NULL, &s);
		if (!votes_cannot_vote(&s))
			json_object_set_new(j, "ballot",
					    votes_ballot_json(rq, &p[i], opt, nopt, &s,
							      NULL));
		else if (s.delegate)
			json_object_set_new(j, "cannot",
					    json_string(tr_rq(rq, votes_cannot_vote(&s))));
		json_array_append_new(open, j);
	}
	data = json_pack("{s:o, s:o, s:o, s:b, s:b}", "congress",
			 congress_json(rq, k), "open", open, "rest", rest, "any_open",
			 json_array_size(open) > 0, "any_rest", json_array_size(rest) > 0);
	if (chair) {
		json_t *form = http_form(rq, HTTP_POST,
					 arena_printf(rq->arena, "/congress/%lld/polls",
						      (long long)k->id));
		const char *sel;
		bool again = rq->method == HTTP_POST;

		sel = again ? http_field(rq, "kind") : "yna";
		http_form_options(form, "kind",
				  value_options(rq, kinds, kind_labels, ARRAY_LEN(kinds), sel));
		sel = again ? http_field(rq, "majority") : "simple";
		{
			const char *names[MAJ__MAX], *bases[BASE__MAX];
			for (int i = 0; i < MAJ__MAX; i++)
				names[i] = vote_majority_name((enum vote_majority)i);
			for (int i = 0; i < BASE__MAX; i++)
				bases[i] = vote_base_name((enum vote_base)i);
			http_form_options(form, "majority",
					  value_options(rq, names, majority_labels, MAJ__MAX, sel));
			sel = again ? http_field(rq, "base") : "cast";
			http_form_options(form, "base",
					  value_options(rq, bases, base_labels, BASE__MAX, sel));
		}
		http_form_options(form, "about",
				  about_options(rq, k, again ? http_field(rq, "about") : NULL));
		if (!again) {
			http_form_checked(form, "secret", true);
			http_form_checked(form, "publish_receipts", true);
			http_form_value(form, "seats", "1");
			http_form_value(form, "max_choices", "1");
		}
		json_object_set_new(data, "form", form);
	}
	http_page(rq, rs, status, "votes/polls", N_("Polls"), data);
}

void votes_polls_page(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) == 0)
		list_page(rq, rs, 200, &k);
}

/* ---- a new poll ---- */

/* "motion-12" → "motion", 12; "question" → "question", 0. */
static bool about_parse(struct arena *a, const char *about, const char **kind_r,
			int64_t *id_r)
{
	const char *dash = about ? strchr(about, '-') : NULL;

	*id_r = 0;
	if (!about || !*about || strcmp(about, "question") == 0) {
		*kind_r = "question";
		return true;
	}
	if (!dash || str_to_i64(dash + 1, id_r) != 0 || *id_r <= 0)
		return false;
	*kind_r = arena_strndup(a, about, (size_t)(dash - about));
	return strcmp(*kind_r, "motion") == 0 || strcmp(*kind_r, "amendment") == 0 ||
	       strcmp(*kind_r, "item") == 0;
}

/* The options, one per line: trimmed, none empty, none twice. */
static const char *options_parse(struct arena *a, const char *text,
				 const char ***out_r, size_t *n_r)
{
	const char **out = arena_alloc(a, POLL_MAX_OPTIONS * sizeof(*out));
	size_t n = 0;
	const char *s = text ? text : "";

	while (*s) {
		const char *e = strchr(s, '\n'), *b = s, *t;
		if (!e)
			e = s + strlen(s);
		t = e;
		while (b < t && isspace((unsigned char)*b))
			b++;
		while (t > b && isspace((unsigned char)t[-1]))
			t--;
		if (t > b) {
			const char *label = arena_strndup(a, b, (size_t)(t - b));
			if (t - b > POLL_MAX_LABEL)
				return N_("has an option longer than 200 characters");
			for (size_t i = 0; i < n; i++)
				if (strcmp(out[i], label) == 0)
					return N_("names an option twice");
			if (n == POLL_MAX_OPTIONS)
				return N_("has more than 100 options");
			out[n++] = label;
		}
		s = *e ? e + 1 : e;
	}
	*out_r = out;
	*n_r = n;
	return NULL;
}

static void refuse(struct http_req *rq, struct http_resp *rs,
		   const struct congress *k, const char *field, const char *why)
{
	if (rq->api) {
		http_error_field(rq, rs, field, NULL, why);
		return;
	}
	list_page(rq, rs, 422, k);
	(void)field;
}

void votes_poll_create(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct poll p = {0};
	const char **options = NULL, *why;
	size_t nopt = 0;
	int64_t id, item_id = 0;
	const char *item_title;
	int rc;

	if (congress_load(rq, rs, PERM_CONGRESS_CHAIR, &k) != 0 ||
	    !congress_writable(rq, rs, &k))
		return;
	p.congress_id = k.id;
	p.kind = http_field(rq, "kind") ? http_field(rq, "kind") : "yna";
	p.majority = http_field(rq, "majority") ? http_field(rq, "majority") : "simple";
	p.base = http_field(rq, "base") ? http_field(rq, "base") : "cast";
	/* a box left unticked is not sent: on a page that says no; the API
	 * leaves out what it means to keep, and a poll is secret and gives
	 * receipts unless told otherwise */
	p.secret = rq->api && !http_field_sent(rq, "secret")
			   ? true
			   : http_field_bool(rq, "secret");
	p.publish_receipts = rq->api && !http_field_sent(rq, "publish_receipts")
				     ? true
				     : http_field_bool(rq, "publish_receipts");
	p.seats = (int)http_field_int(rq, "seats", 1);
	p.max_choices = (int)http_field_int(rq, "max_choices", 1);
	p.created_by = rq->user.id;
	p.question = http_field(rq, "question") ? http_field(rq, "question") : "";
	if (kind_index(p.kind) < 0) {
		refuse(rq, rs, &k, "kind", N_("is not a kind of poll"));
		return;
	}
	if (vote_majority_parse(p.majority) < 0) {
		refuse(rq, rs, &k, "majority", N_("is not one of the majorities"));
		return;
	}
	if (vote_base_parse(p.base) < 0) {
		refuse(rq, rs, &k, "base", N_("is not one of the bases"));
		return;
	}
	if (!about_parse(rq->arena, http_field(rq, "about"), &p.subject, &p.subject_id)) {
		refuse(rq, rs, &k, "about", N_("is not a motion, amendment or item of this congress"));
		return;
	}
	if (p.subject_id) {
		struct congress_subject s;
		if (congress_subject_get(platform_conn(), rq->arena, k.id, p.subject,
					 p.subject_id, &s) != DB_OK) {
			refuse(rq, rs, &k, "about", N_("is not a motion, amendment or item of this congress"));
			return;
		}
		item_id = s.item_id;
		if (!*p.question)
			p.question = s.label;
	}
	if (!item_id)
		congress_item_current(platform_conn(), rq->arena, k.id, &item_id,
				      &item_title);
	p.item_id = item_id;
	if (!*p.question) {
		refuse(rq, rs, &k, "question", N_("is required"));
		return;
	}
	if (strcmp(p.kind, "yna") != 0) {
		if ((why = options_parse(rq->arena, http_field(rq, "options"), &options,
					 &nopt))) {
			refuse(rq, rs, &k, "options", why);
			return;
		}
		if (nopt < 2) {
			refuse(rq, rs, &k, "options", N_("needs at least two options, one per line"));
			return;
		}
	}
	if (p.seats < 1 || (nopt && (size_t)p.seats >= nopt && strcmp(p.kind, "ranked") == 0)) {
		refuse(rq, rs, &k, "seats", N_("must be at least 1 and fewer than the candidates"));
		return;
	}
	if (p.max_choices < 1 || (nopt && (size_t)p.max_choices > nopt)) {
		refuse(rq, rs, &k, "max_choices", N_("must be between 1 and the number of options"));
		return;
	}
	if (strcmp(p.kind, "ranked") != 0)
		p.seats = 1;
	if (strcmp(p.kind, "approval") != 0)
		p.max_choices = 1;
	if (!p.secret)
		p.publish_receipts = false;
	rc = votes_poll_add(platform_conn(), &p, options, nopt, &id);
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "votes.poll.created",
			      arena_printf(rq->arena, "congress:%lld", (long long)k.id),
			      json_pack("{s:I}", "poll", (json_int_t)id));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_changed(k.id);
	p.id = id;
	if (rq->api) {
		struct poll now;
		struct poll_option *o;
		size_t no;
		if (votes_poll_get(platform_conn(), rq->arena, id, &now) != DB_OK ||
		    votes_options(platform_conn(), rq->arena, id, &o, &no) != DB_OK) {
			http_error(rq, rs, HTTP_E_INTERNAL, NULL);
			return;
		}
		http_json(rs, 201, votes_poll_json(rq, &now, o, no));
		return;
	}
	http_flash(rq, rs, N_("The poll is ready: open it when the hall is."));
	http_redirect(rs, votes_poll_path(rq->arena, &p));
}

/* ---- one poll ---- */

static int poll_load(struct http_req *rq, struct http_resp *rs,
		     const struct congress *k, struct poll *p)
{
	if (votes_poll_get(platform_conn(), rq->arena, http_param_int(rq, "p"), p) !=
		    DB_OK ||
	    p->congress_id != k->id ||
	    (strcmp(p->state, "draft") == 0 && !can(rq, PERM_CONGRESS_CHAIR, k->scope_id))) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such poll."));
		return -1;
	}
	return 0;
}

/* The poll for the reader: its ballot while it is open and they may
 * vote, its result once closed; receipts (n, base32) just cast. */
static json_t *poll_view(struct http_req *rq, const struct congress *k,
			 const struct poll *p, json_t *receipts)
{
	struct poll_option *opt = NULL;
	size_t nopt = 0;
	struct votes_standing s;
	struct participant me;
	json_t *j, *r;

	votes_options(platform_conn(), rq->arena, p->id, &opt, &nopt);
	j = votes_poll_json(rq, p, opt, nopt);
	if (strcmp(p->state, "open") == 0) {
		struct congress_presence pr = {0};
		const char *why;
		congress_presence(platform_conn(), k->id, &pr);
		json_object_set_new(j, "mandates_present",
				    json_integer((json_int_t)pr.mandates_present));
		json_object_set_new(j, "voted",
				    json_integer((json_int_t)votes_marks_count(
					    platform_conn(), p->id)));
		votes_standing(rq, p,
			       congress_participant_of(platform_conn(), rq->arena,
						       k->id, rq->user.id, &me) == DB_OK
				       ? &me
				       : NULL,
			       &s);
		why = votes_cannot_vote(&s);
		if (!why)
			json_object_set_new(j, "ballot",
					    votes_ballot_json(rq, p, opt, nopt, &s, NULL));
		else if (s.delegate)
			json_object_set_new(j, "cannot", json_string(tr_rq(rq, why)));
	}
	if ((r = votes_result_view(rq, p, opt, nopt)))
		json_object_set_new(j, "result", r);
	if (receipts) {
		json_object_set_new(j, "has_receipts",
				    json_boolean(json_array_size(receipts) > 0));
		json_object_set_new(j, "receipts", receipts);
	}
	return j;
}

static void poll_page(struct http_req *rq, struct http_resp *rs, int status,
		      const struct congress *k, const struct poll *p,
		      json_t *receipts, const char *note)
{
	json_t *data = json_pack("{s:o, s:o, s:b}", "congress", congress_json(rq, k),
				 "poll", poll_view(rq, k, p, receipts), "chair",
				 can(rq, PERM_CONGRESS_CHAIR, k->scope_id));

	if (note) {
		json_object_set_new(data, "note", json_string(tr_rq(rq, note)));
		json_object_set_new(data, "note_refused", json_boolean(status >= 400));
	}
	http_page(rq, rs, status, "votes/poll", N_("Poll"), data);
}

void votes_poll_page(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct poll p;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0 ||
	    poll_load(rq, rs, &k, &p) != 0)
		return;
	if (rq->api) {
		http_etag(rq, rs, p.version);
		http_json(rs, 200, poll_view(rq, &k, &p, NULL));
		return;
	}
	poll_page(rq, rs, 200, &k, &p, NULL, NULL);
}

/* The chair: open, close, void. */
void votes_poll_post(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct poll p, now;
	const char *action = http_field(rq, "action"), *done, *event;
	int rc;

	if (congress_load(rq, rs, PERM_CONGRESS_CHAIR, &k) != 0 ||
	    poll_load(rq, rs, &k, &p) != 0 || !congress_writable(rq, rs, &k))
		return;
	if (strcmp(action, "open") == 0) {
		if (strcmp(k.state, "open") != 0) {
			http_error(rq, rs, HTTP_E_CONFLICT,
				   N_("Polls open when the congress is open."));
			return;
		}
		if (strcmp(p.state, "draft") != 0) {
			http_error(rq, rs, HTTP_E_CONFLICT, N_("This poll has been opened already."));
			return;
		}
		rc = votes_poll_move(platform_conn(), &p, "open");
		done = N_("The poll is open: delegates can vote.");
		event = "votes.poll.opened";
	} else if (strcmp(action, "close") == 0) {
		if (strcmp(p.state, "open") != 0) {
			http_error(rq, rs, HTTP_E_CONFLICT, N_("Only an open poll closes."));
			return;
		}
		rc = votes_poll_close(platform_conn(), rq->arena, &p, &k);
		done = N_("The poll is closed and counted.");
		event = "votes.poll.closed";
	} else if (strcmp(action, "void") == 0) {
		if (strcmp(p.state, "closed") == 0 || strcmp(p.state, "void") == 0) {
			http_error(rq, rs, HTTP_E_CONFLICT,
				   N_("A closed poll stands; only one not yet closed can be voided."));
			return;
		}
		if (!http_confirmed(rq, rs, N_("Void this poll?"),
				    tr_rq(rq, N_("A void poll decides nothing, and any ballots cast in it are never counted.")),
				    N_("Void the poll"), votes_poll_path(rq->arena, &p)))
			return;
		rc = votes_poll_move(platform_conn(), &p, "void");
		done = N_("The poll is void.");
		event = "votes.poll.voided";
	} else {
		http_error_field(rq, rs, "action", tr_rq(rq, N_("Action")),
				 N_("is not open, close or void"));
		return;
	}
	if (rc == DB_STALE) {
		if (votes_poll_get(platform_conn(), rq->arena, p.id, &now) == DB_OK &&
		    !congress_api_refused(rq, rs, 409, NULL,
					  N_("The poll changed meanwhile; here it is as it is now.")))
			poll_page(rq, rs, 409, &k, &now, NULL,
				  N_("The poll changed meanwhile; here it is as it is now."));
		return;
	}
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), event,
			      arena_printf(rq->arena, "congress:%lld", (long long)k.id),
			      json_pack("{s:I}", "poll", (json_int_t)p.id));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_changed(k.id);
	if (rq->api) {
		if (votes_poll_get(platform_conn(), rq->arena, p.id, &now) != DB_OK) {
			http_error(rq, rs, HTTP_E_INTERNAL, NULL);
			return;
		}
		http_json(rs, 200, poll_view(rq, &k, &now, NULL));
		return;
	}
	http_flash(rq, rs, done);
	http_redirect(rs, votes_poll_path(rq->arena, &p));
}

void votes_cast_post(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct poll p, now;
	struct votes_standing s;
	struct participant me;
	json_t *receipts;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0 ||
	    poll_load(rq, rs, &k, &p) != 0 || !congress_writable(rq, rs, &k))
		return;
	votes_standing(rq, &p,
		       congress_participant_of(platform_conn(), rq->arena, k.id,
					       rq->user.id, &me) == DB_OK
			       ? &me
			       : NULL,
		       &s);
	if (!(receipts = votes_cast_request(rq, rs, &k, &p, &s, NULL, poll_page)))
		return;
	if (rq->api) {
		http_json(rs, 201,
			  json_pack("{s:I, s:I, s:o}", "mandates", (json_int_t)s.cast,
				    "weight", (json_int_t)s.cast_weight, "receipts",
				    receipts));
		return;
	}
	if (votes_poll_get(platform_conn(), rq->arena, p.id, &now) != DB_OK)
		now = p;
	poll_page(rq, rs, 200, &k, &now, receipts,
		  N_("Your vote is in the ballot box."));
}

/* ---- the published list ---- */

static bool published(struct http_req *rq, struct http_resp *rs,
		      struct congress *k, struct poll *p)
{
	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, k) != 0 ||
	    poll_load(rq, rs, k, p) != 0)
		return false;
	if (strcmp(p->state, "closed") != 0) {
		http_error(rq, rs, HTTP_E_CONFLICT,
			   N_("The ballot list is published when the poll closes."));
		return false;
	}
	return true;
}

void votes_ballots_csv(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct poll p;
	struct buf b;

	if (!published(rq, rs, &k, &p))
		return;
	buf_init(&b);
	votes_ballot_list(platform_conn(), rq->arena, &p, false, &b);
	http_text(rs, 200, "text/csv; charset=utf-8", b.data ? b.data : "");
	http_set_header(rs, "Content-Disposition",
			arena_printf(rq->arena, "attachment; filename=\"poll-%lld.csv\"",
				     (long long)p.id));
	buf_free(&b);
}

void votes_ballots_blt(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct poll p;
	struct buf b;

	if (!published(rq, rs, &k, &p))
		return;
	if (strcmp(p.kind, "ranked") != 0) {
		http_error(rq, rs, HTTP_E_NOT_FOUND,
			   N_("Only an election's ballots are published as a BLT file."));
		return;
	}
	buf_init(&b);
	votes_ballot_list(platform_conn(), rq->arena, &p, true, &b);
	http_text(rs, 200, "text/plain; charset=utf-8", b.data ? b.data : "");
	http_set_header(rs, "Content-Disposition",
			arena_printf(rq->arena, "attachment; filename=\"poll-%lld.blt\"",
				     (long long)p.id));
	buf_free(&b);
}

struct find {
	struct arena *a;
	const char *want; /* 26 letters, upper case */
	const char *content;
};

static int find_one(const unsigned char *receipt, const char *content, void *arg)
{
	struct find *f = arg;

	if (!f->content &&
	    strcmp(arena_base32(f->a, receipt, RECEIPT_BYTES), f->want) == 0)
		f->content = arena_strdup(f->a, content);
	return 0;
}

/* Is a receipt in the published list, and with which ballot? */
void votes_receipt_check(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct poll p;
	const char *in = http_field(rq, "receipt");
	char *want = arena_alloc(rq->arena, strlen(in ? in : "") + 1);
	size_t n = 0;
	struct find f;
	json_t *data;

	if (!published(rq, rs, &k, &p))
		return;
	/* typed loosely: any case, any dashes, and the digits base32 has
	 * not read as the letters they look like */
	for (const char *s = in ? in : ""; *s; s++)
		if (isalnum((unsigned char)*s))
			want[n++] = *s == '0' ? 'O' : *s == '1' ? 'I' : *s == '8' ? 'B'
				  : (char)toupper((unsigned char)*s);
	want[n] = '\0';
	if (!p.secret || !p.publish_receipts) {
		http_error(rq, rs, HTTP_E_NOT_FOUND,
			   N_("This poll publishes no receipts."));
		return;
	}
	f = (struct find){rq->arena, want, NULL};
	if (n == 26)
		votes_ballots_each(platform_conn(), p.id, find_one, &f);
	if (rq->api) {
		http_json(rs, 200, json_pack("{s:b, s:s?}", "found", f.content != NULL,
					     "ballot", f.content));
		return;
	}
	if (f.content) {
		struct poll_option *opt = NULL;
		size_t nopt = 0;
		votes_options(platform_conn(), rq->arena, p.id, &opt, &nopt);
		f.content = votes_content_text(rq, &p, opt, nopt, f.content);
	}
	data = json_pack("{s:o, s:o, s:b, s:s, s:s?}", "congress", congress_json(rq, &k),
			 "poll", poll_view(rq, &k, &p, NULL), "chair", false,
			 "checked", in ? in : "", "found", f.content);
	json_object_set_new(data, "check", json_true());
	http_page(rq, rs, 200, "votes/poll", N_("Poll"), data);
}

/* ---- the API's list ---- */

void votes_api_polls(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct http_list l;
	struct poll *p;
	size_t n = 0;
	json_t *arr = json_array();

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0 ||
	    http_list_args(rq, rs, &l) != 0) {
		json_decref(arr);
		return;
	}
	bool chair = can(rq, PERM_CONGRESS_CHAIR, k.scope_id);
	if (votes_polls(platform_conn(), rq->arena, k.id, &p, &n) != DB_OK)
		n = 0;
	for (size_t i = n; i-- > 0;)
		if (chair || strcmp(p[i].state, "draft") != 0)
			json_array_append_new(arr, votes_poll_json(rq, &p[i], NULL, 0));
	http_list_array(rs, &l, "polls", arr);
}
