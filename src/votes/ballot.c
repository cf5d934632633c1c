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
	size_t n;

	memset(s, 0, sizeof(*s));
	if (!me || me->removed_at || strcmp(me->kind, "delegate") != 0)
		return;
	s->me = *me;
	s->delegate = true;
	s->present = s->me.present;
	if (congress_mandates(platform_conn(), rq->arena, s->me.id, &all, &n) != DB_OK)
		return;
	s->m = arena_alloc(rq->arena, (n ? n : 1) * sizeof(*s->m));
	for (size_t i = 0; i < n; i++)
		if (all[i].checked_at && all[i].weight > 0)
			s->m[s->n++] = all[i];
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
		s->unvoted += !s->voted[i];
}

/* Why the reader cannot vote in open poll p now (a msgid), or NULL. */
const char *votes_cannot_vote(const struct votes_standing *s)
{
	if (!s->delegate)
		return N_("Only the congress's delegates vote.");
	if (!s->n)
		return N_("You have no checked mandate to vote with: the registration desk checks mandates.");
	if (!s->present)
		return N_("Check in at the door first: delegates vote when they are present.");
	if (!s->unvoted)
		return N_("You have voted in this poll.");
	return NULL;
}

/* The ballot: the options as the kind asks, and the mandates to vote
 * with when there are several. */
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
	json_t *options = json_array(), *mandates = json_array(), *ranks;

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
	json_object_set_new(b, "options", options);
	json_object_set_new(b, strcmp(p->kind, "yna") == 0 ||
				       strcmp(p->kind, "choice") == 0
				       ? "radio"
				       : p->kind,
			    json_true());
	if (strcmp(p->kind, "ranked") == 0) {
		ranks = json_array();
		for (size_t i = 1; i <= nopt; i++)
			json_array_append_new(ranks, json_integer((json_int_t)i));
		json_object_set_new(b, "ranks", ranks);
	}
	for (size_t i = 0; i < s->n; i++)
		if (!s->voted[i])
			json_array_append_new(
				mandates, json_pack("{s:I, s:I}", "id",
						    (json_int_t)s->m[i].id, "weight",
						    (json_int_t)s->m[i].weight));
	json_object_set_new(b, "mandates", mandates);
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

json_t *votes_cast_request(struct http_req *rq, struct http_resp *rs,
			   const struct congress *k, const struct poll *p,
			   struct votes_standing *s,
			   const unsigned char *code_index, votes_page_fn again)
{
	struct poll_option *opt = NULL;
	size_t nopt = 0, nsent = 0, n = 0;
	struct votes_cast v = {0};
	const char **sent, *why, *content;
	int64_t *ids, *weights, units = 0;
	json_t *receipts;
	int rc;

	if (strcmp(p->state, "open") != 0) {
		http_error(rq, rs, HTTP_E_CONFLICT,
			   strcmp(p->state, "draft") == 0
				   ? N_("This poll is not open yet.")
				   : N_("This poll is closed: no more votes are taken."));
		return NULL;
	}
	why = votes_cannot_vote(s);
	if (why && s->delegate && s->n && s->present) {
		http_error(rq, rs, HTTP_E_CONFLICT, why); /* voted already */
		return NULL;
	}
	if (why) {
		http_error(rq, rs, HTTP_E_FORBIDDEN, why);
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
			http_error(rq, rs, HTTP_E_FORBIDDEN,
				   N_("That mandate is not yours to vote with."));
			return NULL;
		}
	}
	ids = arena_alloc(rq->arena, (s->n ? s->n : 1) * sizeof(*ids));
	weights = arena_alloc(rq->arena, (s->n ? s->n : 1) * sizeof(*weights));
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
				http_error(rq, rs, HTTP_E_CONFLICT,
					   N_("That mandate has voted in this poll already."));
				return NULL;
			}
			continue;
		}
		ids[n] = s->m[i].id;
		weights[n++] = s->m[i].weight;
		units += s->m[i].weight;
	}
	votes_options(platform_conn(), rq->arena, p->id, &opt, &nopt);
	content = content_of(rq, p, nopt, &why);
	if (!why)
		why = votes_content_ok(p, nopt, content);
	if (why) {
		if (rq->api)
			http_error_field(rq, rs, "vote", tr_rq(rq, N_("Vote")), why);
		else
			again(rq, rs, 422, k, p, NULL, why);
		return NULL;
	}
	v = (struct votes_cast){
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
		http_error(rq, rs, rc == DB_NOTFOUND ? HTTP_E_FORBIDDEN : HTTP_E_CONFLICT,
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
