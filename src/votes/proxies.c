/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Proxies and the congress's voting rules (docs/votes.md, "Proxies"). A
 * delegate hands their vote to another delegate who is present, for the
 * whole congress or for one poll, within the congress's limit on votes
 * held for others; the holder then votes with the giver's checked
 * mandates beside their own (votes_standing), and the giver does not.
 * No chains: a proxy passes only the giver's own mandates. Who attends
 * is itself a secret, so a delegate sees no list of delegates here: the
 * door team, who sees them anyway, records a proxy the two hand over in
 * person (or on a signed form), and a delegate sees only the proxies
 * they gave or hold. A revoked proxy is kept with its end.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

#include <string.h>

/* a congress that changed nothing: one vote held for another, no splits */
#define PROXY_LIMIT_DEFAULT 1

static const char SQL_RULES[] =
	"SELECT proxy_limit, split_votes, version FROM vote_rules "
	"WHERE congress_id = $1";
static const char SQL_RULES_SET[] =
	"INSERT INTO vote_rules (congress_id, proxy_limit, split_votes) "
	"VALUES ($1, $2, $3) ON CONFLICT (congress_id) DO UPDATE SET "
	"proxy_limit = excluded.proxy_limit, split_votes = "
	"excluded.split_votes, version = vote_rules.version + 1";
/* live proxies whose giver and holder are still in the congress */
static const char SQL_LIVE[] =
	"SELECT x.id, x.giver_id, x.holder_id, coalesce(x.poll_id, 0), "
	"g.display_name, h.display_name, x.created_at FROM vote_proxies x "
	"JOIN participants g ON g.id = x.giver_id "
	"JOIN participants h ON h.id = x.holder_id "
	"WHERE x.congress_id = $1 AND x.revoked_at IS NULL "
	"AND g.removed_at IS NULL AND h.removed_at IS NULL ORDER BY x.id";
static const char SQL_GIVE[] =
	"INSERT INTO vote_proxies (congress_id, giver_id, holder_id, poll_id, "
	"created_by, created_at) VALUES ($1, $2, $3, NULLIF($4, 0), "
	"NULLIF($5, 0), $6) RETURNING id";
static const char SQL_REVOKE[] =
	"UPDATE vote_proxies SET revoked_at = $2 WHERE id = $1 "
	"AND revoked_at IS NULL";
/* the giver's live proxy for the same poll (or the congress), replaced */
static const char SQL_REPLACE[] =
	"UPDATE vote_proxies SET revoked_at = $3 WHERE giver_id = $1 "
	"AND coalesce(poll_id, 0) = $2 AND revoked_at IS NULL";

static const struct db_map RULES[] = {
	DB_COL(struct vote_rules, proxy_limit),
	DB_COL(struct vote_rules, split_votes),
	DB_COL(struct vote_rules, version),
	DB_COLS_END,
};
static const struct db_map PROXY[] = {
	DB_COL(struct vote_proxy, id),
	DB_COL(struct vote_proxy, giver_id),
	DB_COL(struct vote_proxy, holder_id),
	DB_COL(struct vote_proxy, poll_id),
	DB_COL(struct vote_proxy, giver),
	DB_COL(struct vote_proxy, holder),
	DB_COL(struct vote_proxy, created_at),
	DB_COLS_END,
};

int votes_rules_get(struct db_conn *c, int64_t congress, struct vote_rules *out)
{
	int rc = db_row(c, NULL, RULES, out, SQL_RULES, "i", congress);

	if (rc == DB_NOTFOUND) {
		*out = (struct vote_rules){.proxy_limit = PROXY_LIMIT_DEFAULT};
		return DB_OK;
	}
	return rc;
}

int votes_proxies_live(struct db_conn *c, struct arena *a, int64_t congress,
		       struct vote_proxy **out_r, size_t *n_r)
{
	return db_rows(c, a, PROXY, sizeof(struct vote_proxy), (void **)out_r,
		       n_r, SQL_LIVE, "i", congress);
}

const struct vote_proxy *votes_proxy_for(const struct vote_proxy *x, size_t n,
					 int64_t giver, int64_t poll)
{
	const struct vote_proxy *whole = NULL;

	for (size_t i = 0; i < n; i++) {
		if (x[i].giver_id != giver)
			continue;
		if (poll && x[i].poll_id == poll)
			return &x[i];
		if (!x[i].poll_id)
			whole = &x[i];
	}
	return whole;
}

/* The votes the holder holds for others now, but giver's. */
static int held(const struct vote_proxy *x, size_t n, int64_t holder,
		int64_t giver)
{
	int64_t seen[64];
	int k = 0;

	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		if (x[i].holder_id != holder || x[i].giver_id == giver)
			continue;
		for (int j = 0; j < k; j++)
			dup |= seen[j] == x[i].giver_id;
		if (!dup && k < (int)ARRAY_LEN(seen))
			seen[k++] = x[i].giver_id;
	}
	return k;
}

int64_t votes_proxied_present(struct db_conn *c, struct arena *a,
			      int64_t congress, int64_t poll,
			      int64_t *mandates_r)
{
	struct vote_proxy *x;
	struct participant *p;
	size_t n, np;
	int64_t weight = 0, mandates = 0;

	*mandates_r = 0;
	if (votes_proxies_live(c, a, congress, &x, &n) != DB_OK || !n ||
	    congress_participants(c, a, congress, &p, &np) != DB_OK)
		return 0;
	for (size_t i = 0; i < np; i++) {
		const struct vote_proxy *v = votes_proxy_for(x, n, p[i].id, poll);
		bool holder_in = false;
		if (!v || p[i].present)
			continue; /* counted already, or not given */
		for (size_t j = 0; j < np; j++)
			holder_in |= p[j].id == v->holder_id && p[j].present;
		if (!holder_in)
			continue;
		struct mandate *m;
		size_t nm;
		weight += p[i].weight;
		if (congress_mandates(c, a, p[i].id, &m, &nm) == DB_OK)
			for (size_t j = 0; j < nm; j++)
				mandates += m[j].checked_at && m[j].weight > 0;
	}
	*mandates_r = mandates;
	return weight;
}

/* ---- the page ---- */

/* The delegates to choose from: givers (a checked mandate), or holders
 * (present). For the door team, who sees them anyway. */
static json_t *delegates(struct http_req *rq, const struct congress *k,
			 bool holders)
{
	struct participant *p;
	size_t n;
	json_t *arr = json_array();

	if (congress_participants(platform_conn(), rq->arena, k->id, &p, &n) != DB_OK)
		return arr;
	for (size_t i = 0; i < n; i++)
		if ((holders ? p[i].present : p[i].weight > 0) &&
		    strcmp(p[i].kind, "delegate") == 0)
			json_array_append_new(
				arr, json_pack("{s:s, s:s, s:b}", "value",
					       arena_printf(rq->arena, "%lld",
							    (long long)p[i].id),
					       "label", p[i].display_name, "selected",
					       false));
	return arr;
}

static json_t *polls_choice(struct http_req *rq, const struct congress *k)
{
	struct poll *p;
	size_t n;
	json_t *arr = json_array();

	json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", "",
					     "label",
					     tr_rq(rq, N_("Every poll of the congress")),
					     "selected", true));
	if (votes_polls(platform_conn(), rq->arena, k->id, &p, &n) != DB_OK)
		return arr;
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].state, "draft") == 0 || strcmp(p[i].state, "open") == 0)
			json_array_append_new(
				arr, json_pack("{s:s, s:s, s:b}", "value",
					       arena_printf(rq->arena, "%lld",
							    (long long)p[i].id),
					       "label", p[i].question, "selected", false));
	return arr;
}

static const char *poll_question(struct http_req *rq, int64_t poll)
{
	struct poll p;

	if (!poll)
		return tr_rq(rq, N_("every poll"));
	if (votes_poll_get(platform_conn(), rq->arena, poll, &p) != DB_OK)
		return "?";
	return p.question;
}

static json_t *proxy_json(struct http_req *rq, const struct congress *k,
			  const struct vote_proxy *x, bool may_revoke)
{
	json_t *j = json_pack("{s:I, s:I, s:s, s:I, s:s, s:s}", "id",
			      (json_int_t)x->id, "giver_id", (json_int_t)x->giver_id,
			      "giver", x->giver, "holder_id",
			      (json_int_t)x->holder_id, "holder", x->holder,
			      "scope", poll_question(rq, x->poll_id));

	json_object_set_new(j, "poll_id",
			    x->poll_id ? json_integer((json_int_t)x->poll_id)
				       : json_null());
	if (may_revoke && !rq->api)
		json_object_set_new(
			j, "revoke",
			json_string(arena_printf(rq->arena,
						 "/congress/%lld/proxies/%lld/revoke",
						 (long long)k->id, (long long)x->id)));
	return j;
}

static void proxies_page(struct http_req *rq, struct http_resp *rs, int status,
			 const struct congress *k, const char *note)
{
	struct vote_rules r;
	struct vote_proxy *x = NULL;
	size_t n = 0;
	struct participant me;
	bool is_me = congress_participant_of(platform_conn(), rq->arena, k->id,
					     rq->user.id, &me) == DB_OK &&
		     !me.removed_at && strcmp(me.kind, "delegate") == 0;
	bool chair = can(rq, PERM_CONGRESS_CHAIR, k->scope_id);
	bool door = can(rq, PERM_CONGRESS_DOOR, k->scope_id);
	json_t *list = json_array(), *data;

	if (votes_rules_get(platform_conn(), k->id, &r) != DB_OK ||
	    votes_proxies_live(platform_conn(), rq->arena, k->id, &x, &n) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		bool mine = is_me && (x[i].giver_id == me.id || x[i].holder_id == me.id);
		if (mine || chair || door)
			json_array_append_new(list, proxy_json(rq, k, &x[i], true));
	}
	data = json_pack("{s:o, s:o, s:b, s:i, s:b}", "congress", congress_json(rq, k),
			 "proxies", list, "any", json_array_size(list) > 0, "limit", r.proxy_limit,
			 "split_votes", r.split_votes);
	if (rq->api) {
		json_object_del(data, "congress");
		json_object_del(data, "any");
		http_json(rs, 200, data);
		return;
	}
	json_object_set_new(data, "everyone", json_boolean(chair || door));
	if (door && r.proxy_limit > 0) {
		json_t *form = http_form(rq, HTTP_POST,
					 arena_printf(rq->arena, "/congress/%lld/proxies",
						      (long long)k->id));
		http_form_options(form, "giver", delegates(rq, k, false));
		http_form_options(form, "holder", delegates(rq, k, true));
		http_form_options(form, "poll", polls_choice(rq, k));
		json_object_set_new(data, "form", form);
	}
	if (chair) {
		json_t *form = http_form(rq, HTTP_POST,
					 arena_printf(rq->arena, "/congress/%lld/vote-rules",
						      (long long)k->id));
		if (rq->method != HTTP_POST || !http_field(rq, "proxy_limit")) {
			http_form_value(form, "proxy_limit",
					arena_printf(rq->arena, "%d", r.proxy_limit));
			http_form_checked(form, "split_votes", r.split_votes);
		}
		json_object_set_new(data, "rules_form", form);
	}
	if (note)
		json_object_set_new(data, "note", json_string(tr_rq(rq, note)));
	http_page(rq, rs, status, "votes/proxies", N_("Proxies"), data);
}

void votes_proxies_page(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) == 0)
		proxies_page(rq, rs, 200, &k, NULL);
}

static void refuse(struct http_req *rq, struct http_resp *rs, int status,
		   const struct congress *k, const char *field, const char *why)
{
	if (!congress_api_refused(rq, rs, status, field, why))
		proxies_page(rq, rs, status, k, why);
}

/* The door records a delegate handing their vote to one present, for
 * the congress or a poll not yet closed; the giver's earlier proxy for
 * the same is replaced. */
void votes_proxy_give(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct participant me, h;
	int64_t giver = http_field_int(rq, "giver", 0);
	struct vote_rules r;
	struct vote_proxy *x;
	struct poll p;
	size_t n;
	int64_t holder = http_field_int(rq, "holder", 0),
		poll = http_field_int(rq, "poll", 0), id = 0, now = time_now();
	int rc;

	if (congress_load(rq, rs, PERM_CONGRESS_DOOR, &k) != 0 ||
	    !congress_writable(rq, rs, &k))
		return;
	if (congress_participant_get(platform_conn(), rq->arena, giver, &me) != DB_OK ||
	    me.congress_id != k.id || me.removed_at ||
	    strcmp(me.kind, "delegate") != 0 || me.weight <= 0) {
		refuse(rq, rs, 422, &k, "giver",
		       N_("Only a delegate with a checked mandate hands on a vote."));
		return;
	}
	if (votes_rules_get(platform_conn(), k.id, &r) != DB_OK ||
	    votes_proxies_live(platform_conn(), rq->arena, k.id, &x, &n) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	if (r.proxy_limit == 0) {
		refuse(rq, rs, 409, &k, NULL, N_("This congress takes no proxies."));
		return;
	}
	if (congress_participant_get(platform_conn(), rq->arena, holder, &h) != DB_OK ||
	    h.congress_id != k.id || h.id == me.id || h.removed_at ||
	    strcmp(h.kind, "delegate") != 0 || !h.present) {
		refuse(rq, rs, 422, &k, "holder",
		       N_("Choose another delegate who is present."));
		return;
	}
	if (poll && (votes_poll_get(platform_conn(), rq->arena, poll, &p) != DB_OK ||
		     p.congress_id != k.id ||
		     (strcmp(p.state, "draft") != 0 && strcmp(p.state, "open") != 0))) {
		refuse(rq, rs, 422, &k, "poll", N_("Choose a poll not yet closed."));
		return;
	}
	if (held(x, n, h.id, me.id) >= r.proxy_limit) {
		refuse(rq, rs, 409, &k, "holder",
		       N_("That delegate holds as many votes for others as this congress allows."));
		return;
	}
	rc = db_run(platform_conn(), SQL_REPLACE, "iii", me.id, poll, now);
	if (rc >= 0)
		rc = db_int(platform_conn(), &id, SQL_GIVE, "iiiiii", k.id, me.id,
			    h.id, poll, rq->user.id, now);
	if (rc == DB_OK)
		rc = audit_rq(rq, platform_conn(), "votes.proxy.given",
			      arena_printf(rq->arena, "participant:%lld", (long long)me.id),
			      json_pack("{s:I, s:I, s:I}", "congress", (json_int_t)k.id,
					"holder", (json_int_t)h.id, "poll",
					(json_int_t)poll));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_changed(k.id);
	congress_done(rq, rs, 201,
		      json_pack("{s:I, s:I, s:I}", "id", (json_int_t)id, "holder_id",
				(json_int_t)h.id, "poll_id", (json_int_t)poll),
		      N_("The vote is handed on: its holder votes with it."),
		      arena_printf(rq->arena, "/congress/%lld/proxies", (long long)k.id));
}

/* The giver, the holder, the chair or the door team ends a proxy (a
 * giver who arrives takes their vote back); votes cast stay. */
void votes_proxy_revoke(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	struct participant me;
	struct vote_proxy *x;
	size_t n;
	int64_t id = http_param_int(rq, "x");
	const struct vote_proxy *v = NULL;
	bool mine;
	int rc;

	if (congress_load(rq, rs, PERM_CONGRESS_PARTICIPATE, &k) != 0 ||
	    !congress_writable(rq, rs, &k))
		return;
	if (votes_proxies_live(platform_conn(), rq->arena, k.id, &x, &n) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (x[i].id == id)
			v = &x[i];
	mine = v && congress_participant_of(platform_conn(), rq->arena, k.id,
					    rq->user.id, &me) == DB_OK &&
	       (me.id == v->giver_id || me.id == v->holder_id);
	/* one not live, of another congress, or not the reader's to end:
	 * the same answer */
	if (!v || (!mine && !can(rq, PERM_CONGRESS_CHAIR, k.scope_id) &&
		   !can(rq, PERM_CONGRESS_DOOR, k.scope_id))) {
		refuse(rq, rs, 404, &k, NULL, N_("There is no such proxy standing."));
		return;
	}
	rc = db_run(platform_conn(), SQL_REVOKE, "ii", id, (int64_t)time_now());
	if (rc >= 0)
		rc = audit_rq(rq, platform_conn(), "votes.proxy.revoked",
			      arena_printf(rq->arena, "participant:%lld",
					   (long long)v->giver_id),
			      json_pack("{s:I, s:I}", "congress", (json_int_t)k.id,
					"holder", (json_int_t)v->holder_id));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_changed(k.id);
	congress_done(rq, rs, 200, json_pack("{s:I}", "id", (json_int_t)id),
		      N_("The proxy has ended: the vote is its delegate's again."),
		      arena_printf(rq->arena, "/congress/%lld/proxies", (long long)k.id));
}

/* The chair sets the votes one may hold for others and whether votes
 * split. */
void votes_rules_post(struct http_req *rq, struct http_resp *rs)
{
	struct congress k;
	int64_t limit = http_field_int(rq, "proxy_limit", PROXY_LIMIT_DEFAULT);
	bool split = http_field_bool(rq, "split_votes");
	int rc;

	if (congress_load(rq, rs, PERM_CONGRESS_CHAIR, &k) != 0 ||
	    !congress_writable(rq, rs, &k))
		return;
	if (limit < 0 || limit > 100) {
		refuse(rq, rs, 422, &k, "proxy_limit",
		       N_("A delegate holds from 0 to 100 votes for others."));
		return;
	}
	rc = db_run(platform_conn(), SQL_RULES_SET, "iii", k.id, limit, (int64_t)split);
	if (rc >= 0)
		rc = audit_rq(rq, platform_conn(), "votes.rules.changed",
			      arena_printf(rq->arena, "congress:%lld", (long long)k.id),
			      json_pack("{s:I, s:b}", "proxy_limit", (json_int_t)limit,
					"split_votes", split));
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	congress_done(rq, rs, 200,
		      json_pack("{s:I, s:b}", "proxy_limit", (json_int_t)limit,
				"split_votes", split),
		      N_("The voting rules are saved."),
		      arena_printf(rq->arena, "/congress/%lld/proxies", (long long)k.id));
}
