/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * A ballot from the voter's side, the same on a delegate's phone and at
 * the booth: whose mandates vote and which have voted already, the form
 * the poll's kind asks for, the vote read from it, and the cast — refused
 * with a reason (closed, voted, not a delegate, absent, another's
 * mandate, a ballot that is not one) or put in the ballot box with a
 * receipt per unit of weight.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

#include <stdlib.h>
#include <string.h>

/* ---- the voter's standing: their mandates and which have voted ---- */

void votes_standing(struct http_req *rq, const struct poll *p,
		    const struct participant *me, struct votes_standing *s)
{
	struct mandate *all;
	struct vote_proxy *x = NULL;
	const struct vote_proxy *mine;
	const char **givers = NULL;
	size_t n, nx = 0;

	memset(s, 0, sizeof(*s));
	if (!me || me->removed_at || strcmp(me->kind, "delegate") != 0)
		return;
	s->me = *me;
	s->delegate = true;
	s->present = s->me.present;
	if (congress_mandates(platform_conn(), rq->arena, s->me.id, &all, &n) != DB_OK)
		return;
	if (p && votes_proxies_live(platform_conn(), rq->arena, p->congress_id, &x,
				    &nx) != DB_OK)
		return;
	/* a proxy given for this poll takes the own mandates away */
	if ((mine = p ? votes_proxy_for(x, nx, s->me.id, p->id) : NULL)) {
		s->handed_to = mine->holder;
		n = 0;
	}
	/* the mandates of those whose vote here is held by the voter */
	for (size_t i = 0; i < nx; i++) {
		const struct vote_proxy *v = votes_proxy_for(x, nx, x[i].giver_id, p->id);
		struct mandate *gm;
		size_t ng;
		if (v != &x[i] || v->holder_id != s->me.id ||
		    congress_mandates(platform_conn(), rq->arena, v->giver_id, &gm,
				      &ng) != DB_OK)
			continue;
		if (ng) {
			struct mandate *more = arena_alloc(rq->arena, (n + ng) * sizeof(*more));
			const char **via = arena_alloc(rq->arena, (n + ng) * sizeof(*via));
			memcpy(more, all, n * sizeof(*more));
			memcpy(more + n, gm, ng * sizeof(*more));
			memset(via, 0, (n + ng) * sizeof(*via));
			if (givers)
				memcpy(via, givers, n * sizeof(*via));
			for (size_t j = n; j < n + ng; j++)
				via[j] = v->giver;
			all = more;
			givers = via;
			n += ng;
		}
	}
	s->m = arena_alloc(rq->arena, (n ? n : 1) * sizeof(*s->m));
	s->via = arena_alloc(rq->arena, (n ? n : 1) * sizeof(*s->via));
	for (size_t i = 0; i < n; i++)
		if (all[i].checked_at && all[i].weight > 0) {
			s->via[s->n] = givers ? givers[i] : NULL;
			s->m[s->n++] = all[i];
		}
	s->voted = arena_alloc(rq->arena, (s->n ? s->n : 1) * sizeof(bool));
	if (p) {
		int64_t *ids = arena_alloc(rq->arena, (s->n ? s->n : 1) * sizeof(*ids));
		for (size_t i = 0; i < s->n; i++)
			ids[i] = s->m[i].id;
		if (votes_marked(platform_conn(), p->id, ids, s->n, s->voted) != DB_OK)
			for (size_t i = 0; i < s->n; i++)
				s->voted[i] = true;
	}
	for (size_t i = 0; i < s->n; i++)
		if (!s->voted[i]) {
			s->unvoted++;
			s->unvoted_weight += s->m[i].weight;
		}
	if (p && s->unvoted_weight > 1 && strcmp(p->kind, "yna") == 0) {
		struct vote_rules r;
		s->split = votes_rules_get(platform_conn(), p->congress_id, &r) == DB_OK &&
			   r.split_votes;
	}
}

/* Why the reader cannot vote in open poll p now (a msgid), or NULL. */
const char *votes_cannot_vote(const struct votes_standing *s)
{
	if (!s->delegate)
		return N_("Only the congress's delegates vote.");
	if (!s->n && s->handed_to)
		return N_("You have handed your vote on for this poll: its holder votes with it.");
	if (!s->n)
		return N_("You have no checked mandate to vote with: the registration desk checks mandates.");
	if (!s->present)
		return N_("Check in at the door first: delegates vote when they are present.");
	if (!s->unvoted)
		return N_("You have voted in this poll.");
	return NULL;
}

/* A cast refused comes back with what it sent, and the ballot is filled
 * in again: a blind voter does not rank five candidates twice. Only the
 * casting routes have a "vote" field. */
static bool cast_sent(const struct http_req *rq)
{
	const struct field *f = rq->route ? rq->route->fields : NULL;

	if (rq->method != HTTP_POST)
		return false;
	for (; f && f->name; f++)
		if (strcmp(f->name, "vote") == 0)
			return true;
	return false;
}

static bool among(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* The ballot: the options as the kind asks (as the voter filled them in
 * when a cast comes back refused), and the mandates to vote with when
 * there are several. */
json_t *votes_ballot_json(struct http_req *rq, const struct poll *p,
			  const struct poll_option *opt, size_t nopt,
			  const struct votes_standing *s, const char *code)
{
	json_t *b = json_pack("{s:s, s:s, s:b, s:b, s:b}", "action",
			      code ? arena_printf(rq->arena, "/congress/%lld/booth/%lld",
						  (long long)p->congress_id,
						  (long long)p->id)
				   : arena_printf(rq->arena, "%s/ballots",
						  votes_poll_path(rq->arena, p)),
			      "id", arena_printf(rq->arena, "ballot-%lld", (long long)p->id),
			      "several", s->n > 1, "secret", p->secret, "receipts",
			      p->secret && p->publish_receipts);
	json_t *options = json_array(), *mandates = json_array(), *o;
	bool again = cast_sent(rq);
	const char *vote = again ? http_field(rq, "vote") : NULL;
	const char **chosen = NULL, **ranked = NULL;
	size_t nchosen = 0, nranked = 0, at;

	if (again) {
		chosen = http_field_all(rq, "choice", &nchosen);
		ranked = http_field_all(rq, "rank", &nranked);
	}
	if (strcmp(p->kind, "yna") == 0) {
		json_array_append_new(options, json_pack("{s:s, s:s}", "value", "Y",
							 "label", tr_rq(rq, N_("Yes"))));
		json_array_append_new(options, json_pack("{s:s, s:s}", "value", "N",
							 "label", tr_rq(rq, N_("No"))));
	} else {
		for (size_t i = 0; i < nopt; i++)
			json_array_append_new(
				options, json_pack("{s:s, s:s}", "value",
						   arena_printf(rq->arena, "%lld",
								(long long)opt[i].position),
						   "label", opt[i].label));
	}
	json_array_foreach(options, at, o) {
		const char *value = json_string_value(json_object_get(o, "value"));
		json_object_set_new(o, "checked",
				    json_boolean((vote && strcmp(vote, value) == 0) ||
						 among(chosen, nchosen, value)));
		if (strcmp(p->kind, "ranked") == 0) {
			json_t *ranks = json_array();
			for (size_t r = 1; r <= nopt; r++)
				json_array_append_new(
					ranks, json_pack("{s:I, s:b}", "rank", (json_int_t)r,
							 "selected",
							 among(ranked, nranked,
							       arena_printf(rq->arena, "%s-%zu",
									    value, r))));
			json_object_set_new(o, "ranks", ranks);
		}
	}
	json_object_set_new(b, "abstained", json_boolean(vote && strcmp(vote, "A") == 0));
	json_object_set_new(b, "options", options);
	json_object_set_new(b, strcmp(p->kind, "yna") == 0 ||
				       strcmp(p->kind, "choice") == 0
				       ? "radio"
				       : p->kind,
			    json_true());
	for (size_t i = 0; i < s->n; i++)
		if (!s->voted[i]) {
			json_t *m = json_pack("{s:I, s:I}", "id", (json_int_t)s->m[i].id,
					      "weight", (json_int_t)s->m[i].weight);
			if (s->via[i])
				json_object_set_new(m, "via", json_string(s->via[i]));
			json_array_append_new(mandates, m);
		}
	json_object_set_new(b, "mandates", mandates);
	if (s->split) {
		json_t *parts = json_array();
		static const char *const ways[] = {"Y", "N", "A"};
		static const char *const labels[] = {N_("Yes"), N_("No"), N_("Abstain")};
		for (size_t i = 0; i < 3; i++)
			json_array_append_new(parts, json_pack("{s:s, s:s}", "value", ways[i],
							       "label", tr_rq(rq, labels[i])));
		json_object_set_new(b, "split",
				    json_pack("{s:o, s:I}", "parts", parts, "votes",
					      (json_int_t)s->unvoted_weight));
	}
	if (code)
		json_object_set_new(b, "code", json_string(code));
	return b;
}

/* ---- reading a vote ---- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* What the form says, as a ballot's content: "vote" as it is (the API,
 * yes/no, a choice), else the approval boxes ("choice") or the ranks
 * given to the candidates in their order ("rank"). NULL: nothing. */
static const char *content_of(struct http_req *rq, const struct poll *p,
			      size_t nopt, const char **why)
{
	const char *vote = http_field(rq, "vote");
	size_t n;
	const char **v;

	*why = NULL;
	if (vote && *vote)
		return vote;
	if (strcmp(p->kind, "approval") == 0) {
		int64_t *pos;
		struct buf b;
		const char *out;
		v = http_field_all(rq, "choice", &n);
		if (!n)
			return NULL;
		pos = arena_alloc(rq->arena, n * sizeof(*pos));
		for (size_t i = 0; i < n; i++)
			if (str_to_i64(v[i], &pos[i]) != 0)
				return "?";
		qsort(pos, n, sizeof(*pos), cmp_i64);
		buf_init(&b);
		for (size_t i = 0; i < n; i++)
			buf_printf(&b, "%s%lld", i ? "," : "", (long long)pos[i]);
		out = arena_strdup(rq->arena, b.data ? b.data : "");
		buf_free(&b);
		return out;
	}
	if (strcmp(p->kind, "ranked") == 0) {
		int64_t *by_rank;
		struct buf b;
		const char *out;
		size_t used = 0;
		/* each "CANDIDATE-RANK", as the candidate's list sends it
		 * (an empty choice is not sent) */
		v = http_field_all(rq, "rank", &n);
		if (!n)
			return NULL;
		by_rank = arena_alloc(rq->arena, (nopt + 1) * sizeof(*by_rank));
		memset(by_rank, 0, (nopt + 1) * sizeof(*by_rank));
		for (size_t i = 0; i < n; i++) {
			int64_t cand, r;
			const char *dash = strchr(v[i], '-');
			if (!*v[i])
				continue;
			if (!dash ||
			    str_to_i64(arena_strndup(rq->arena, v[i],
						     (size_t)(dash - v[i])),
				       &cand) != 0 ||
			    str_to_i64(dash + 1, &r) != 0 || cand < 1 ||
			    (size_t)cand > nopt || r < 1 || (size_t)r > nopt)
				return "?";
			if (by_rank[r]) {
				*why = N_("Give each rank to one candidate only.");
				return "?";
			}
			by_rank[r] = cand;
			used++;
		}
		if (!used)
			return NULL;
		buf_init(&b);
		for (size_t r = 1, k = 0; r <= nopt; r++) {
			if (!by_rank[r]) {
				if (k < used) {
					*why = N_("Number your candidates 1, 2, 3 … without a gap.");
					buf_free(&b);
					return "?";
				}
				continue;
			}
			buf_printf(&b, "%s%lld", k++ ? " " : "", (long long)by_rank[r]);
		}
		out = arena_strdup(rq->arena, b.data ? b.data : "");
		buf_free(&b);
		return out;
	}
	return NULL;
}

/* A receipt as shown: 26 letters in groups, easier to read out. */
const char *votes_receipt_text(struct arena *a, const unsigned char *r)
{
	const char *s = arena_base32(a, r, RECEIPT_BYTES);
	char *out = arena_alloc(a, 40);
	size_t o = 0;

	for (size_t i = 0; s[i]; i++) {
		if (i && i % 5 == 0)
			out[o++] = '-';
		out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}


/* ---- the cast ---- */

/* A split vote ("70 yes / 30 no / 5 abstain", yes/no polls only): the
 * numbers split_Y, split_N, split_A into v's parts and its named record
 * "Y:70 N:30 A:5". false: no split sent, or why. */
static bool split_of(struct http_req *rq, const struct votes_standing *s,
		     int64_t units, struct votes_cast *v, const char **why)
{
	static const char *const ways[] = {"Y", "N", "A"};
	static const char *const names[] = {"split_Y", "split_N", "split_A"};
	const char **contents = arena_alloc(rq->arena, 3 * sizeof(*contents));
	int64_t *u = arena_alloc(rq->arena, 3 * sizeof(*u)), sum = 0;
	size_t k = 0;
	bool any = false;
	struct buf b;

	*why = NULL;
	for (size_t i = 0; i < 3; i++)
		any |= http_field(rq, names[i]) != NULL;
	if (!any)
		return false;
	if (!s->split) {
		*why = N_("This poll takes no split votes: the congress allows them in yes/no polls when its rules say so.");
		return false;
	}
	buf_init(&b);
	for (size_t i = 0; i < 3; i++) {
		int64_t x = http_field_int(rq, names[i], 0);
		if (x < 0 || x > units) {
			*why = N_("A split vote shares out exactly the votes you cast: the parts must add up to them.");
			buf_free(&b);
			return false;
		}
		if (!x)
			continue;
		contents[k] = ways[i];
		u[k++] = x;
		sum += x;
		buf_printf(&b, "%s%s:%lld", b.len ? " " : "", ways[i], (long long)x);
	}
	if (sum != units || !k) {
		*why = N_("A split vote shares out exactly the votes you cast: the parts must add up to them.");
		buf_free(&b);
		return false;
	}
	v->contents = contents;
	v->units = u;
	v->nparts = k;
	v->content = arena_strdup(rq->arena, b.data);
	buf_free(&b);
	return true;
}

/* A cast refused (403 or 409, why a msgid): to the API as an error, to a
 * voter as the page of the poll again with why on it, so they can see
 * where they stand and go on. */
static void refuse(struct http_req *rq, struct http_resp *rs, int status,
		   const struct congress *k, const struct poll *p,
		   votes_page_fn again, const char *why)
{
	if (rq->api)
		http_error(rq, rs, status == 409 ? HTTP_E_CONFLICT : HTTP_E_FORBIDDEN, why);
	else
		again(rq, rs, status, k, p, NULL, why);
}

json_t *votes_cast_request(struct http_req *rq, struct http_resp *rs,
			   const struct congress *k, const struct poll *p,
			   struct votes_standing *s,
			   const unsigned char *code_index, votes_page_fn again)
{
	struct poll_option *opt = NULL;
	size_t nopt = 0, nsent = 0, n = 0;
	struct votes_cast v = {0};
	const char **sent, *why, *content = NULL;
	int64_t *ids, *weights, units = 0;
	const char **voters;
	json_t *receipts;
	bool split;
	int rc;

	if (strcmp(p->state, "open") != 0) {
		refuse(rq, rs, 409, k, p, again,
		       strcmp(p->state, "draft") == 0
			       ? N_("This poll is not open yet.")
			       : N_("This poll is closed: no more votes are taken."));
		return NULL;
	}
	why = votes_cannot_vote(s);
	if (why && s->delegate && s->n && s->present) {
		refuse(rq, rs, 409, k, p, again, why); /* voted already */
		return NULL;
	}
	if (why) {
		refuse(rq, rs, 403, k, p, again, why);
		return NULL;
	}
	/* which mandates: those named, each the voter's and not yet voted;
	 * else every one not yet voted */
	sent = http_field_all(rq, "mandate", &nsent);
	for (size_t j = 0; j < nsent; j++) {
		int64_t id;
		bool mine = false;
		for (size_t i = 0; i < s->n; i++)
			mine |= str_to_i64(sent[j], &id) == 0 && id == s->m[i].id;
		if (!mine) {
			refuse(rq, rs, 403, k, p, again,
			       N_("That mandate is not yours to vote with."));
			return NULL;
		}
	}
	ids = arena_alloc(rq->arena, (s->n ? s->n : 1) * sizeof(*ids));
	weights = arena_alloc(rq->arena, (s->n ? s->n : 1) * sizeof(*weights));
	voters = arena_alloc(rq->arena, (s->n ? s->n : 1) * sizeof(*voters));
	for (size_t i = 0; i < s->n; i++) {
		bool named = nsent == 0;
		for (size_t j = 0; j < nsent && !named; j++) {
			int64_t id;
			named = str_to_i64(sent[j], &id) == 0 && id == s->m[i].id;
		}
		if (!named)
			continue;
		if (s->voted[i]) {
			if (nsent) {
				refuse(rq, rs, 409, k, p, again,
				       N_("That mandate has voted in this poll already."));
				return NULL;
			}
			continue;
		}
		ids[n] = s->m[i].id;
		/* a named poll records the mandate's delegate, the giver of a
		 * proxy (the chair's minutes list the proxies) */
		voters[n] = s->via[i] ? s->via[i] : s->me.display_name;
		weights[n++] = s->m[i].weight;
		units += s->m[i].weight;
	}
	votes_options(platform_conn(), rq->arena, p->id, &opt, &nopt);
	if ((split = split_of(rq, s, units, &v, &why)))
		content = v.content;
	else if (!why)
		content = content_of(rq, p, nopt, &why);
	if (!why && !split)
		why = votes_content_ok(p, nopt, content);
	if (why) {
		if (rq->api)
			http_error_field(rq, rs, "vote", tr_rq(rq, N_("Vote")), why);
		else
			again(rq, rs, 422, k, p, NULL, why);
		return NULL;
	}
	v = (struct votes_cast){
		.contents = v.contents,
		.units = v.units,
		.nparts = v.nparts,
		.voters = voters,
		.poll_id = p->id,
		.congress_id = k->id,
		.mandates = ids,
		.weights = weights,
		.n = n,
		.content = content,
		.voter = s->me.display_name,
		.named = !p->secret,
		.receipts = arena_alloc(rq->arena, (size_t)units * RECEIPT_BYTES),
		.code_index = code_index,
		.code_participant = s->me.id,
	};
	rc = votes_cast_run(platform_conn(), &v);
	if (rc == DB_CONSTRAINT || rc == DB_STALE || rc == DB_NOTFOUND) {
		refuse(rq, rs, rc == DB_NOTFOUND ? 403 : 409, k, p, again,
		       rc == DB_CONSTRAINT ? N_("You have voted in this poll.")
		       : rc == DB_STALE
			       ? N_("This poll is closed: no more votes are taken.")
			       : N_("That code opens nothing: it was used, replaced, or mistyped."));
		return NULL;
	}
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return NULL;
	}
	s->cast = n;
	s->cast_weight = units;
	receipts = json_array();
	if (p->secret && p->publish_receipts)
		for (int64_t u = 0; u < units; u++)
			json_array_append_new(
				receipts, json_string(votes_receipt_text(
						  rq->arena, v.receipts + u * RECEIPT_BYTES)));
	return receipts;
}
