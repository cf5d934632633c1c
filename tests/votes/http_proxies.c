/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Proxies and split votes over real HTTP on the demo congress: a
 * delegate hands her vote to another present; she can no longer vote,
 * he votes with her mandate beside his own and the named poll records
 * her mandate under her name; the congress's limit on votes held is
 * kept (and 0 takes none); a split vote must add up to the votes cast;
 * an absent giver's vote held by one present counts as present at the
 * close; the minutes list the proxy; ending it gives the vote back.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../http/harness.h"
#include "platform/core/core.h"

static struct srv S;
static void up(void)
{
	srv_up(&S, SRV_DEMO, NULL);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(proxies, .init = up, .fini = down, .timeout = 240);

static const char *at(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *at(const char *fmt, ...)
{
	static char ring[8][1024];
	static int next;
	char *b = ring[next++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(ring[0]), fmt, ap);
	va_end(ap);
	return b;
}

static long post(struct client *c, const char *path, const char *form,
		 const char *want)
{
	struct resp *r = cl_post(c, path, "%s", form);
	long status = r->status;

	if (want)
		cr_assert(strstr(r->body, want), "%s %s → %ld, wanted \"%s\": %s",
			  path, form, status, want, r->body);
	resp_free(r);
	return status;
}

static char *participant_of(struct client *c)
{
	struct resp *r = cl_get(c, "/api/v1/session");
	json_t *j = json_loads(r->body, 0, NULL);
	json_int_t uid = json_integer_value(
		json_object_get(json_object_get(j, "user"), "id"));
	char *id;

	resp_free(r);
	json_decref(j);
	cr_assert(uid > 0);
	id = srv_value(&S, "SELECT id FROM participants WHERE congress_id = 1 "
			   "AND account_id = %lld", (long long)uid);
	cr_assert(*id, "a participant of congress 1");
	return id;
}

static void door_in_out(struct client *ch, const char *part, const char *went)
{
	struct resp *r = cl_api(ch, "POST", "/api/v1/congresses/1/door",
				at("{\"participant\": %s, \"went\": \"%s\"}", part, went));
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
}

Test(proxies, a_vote_handed_on_split_counted_present_and_taken_back)
{
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	struct client *mem = cl_as(&S, "member", "en");
	struct client *del = cl_as(&S, "delegate", "en");
	struct client *door = cl_as(&S, "door@example.org", "en");
	char *m = participant_of(mem), *d = participant_of(del), *path, *id,
	     *dname, *proxy;
	int mw, dw, total;
	struct resp *r;

	mw = atoi(srv_value(&S, "SELECT sum(weight) FROM mandates WHERE "
				"participant_id = %s AND checked_at IS NOT NULL", m));
	dw = atoi(srv_value(&S, "SELECT sum(weight) FROM mandates WHERE "
				"participant_id = %s AND checked_at IS NOT NULL", d));
	total = mw + dw;
	dname = srv_value(&S, "SELECT display_name FROM participants WHERE id = %s", d);

	/* the chair takes no proxies: refused; then one each */
	cr_assert_eq(post(ch, "/congress/1/vote-rules", "proxy_limit=0", NULL), 303);
	cr_assert_eq(post(door, "/congress/1/proxies", at("giver=%s&holder=%s", d, m),
			  "This congress takes no proxies."), 409);
	cr_assert_eq(post(del, "/congress/1/vote-rules", "proxy_limit=5", NULL), 403);
	/* a delegate records no proxy: who attends is the door's to see */
	cr_assert_eq(post(del, "/congress/1/proxies", at("giver=%s&holder=%s", d, m),
			  NULL), 403);
	r = cl_get(del, "/congress/1/proxies");
	cr_assert_null(strstr(r->body, "name=\"holder\""), "%s", r->body);
	resp_free(r);
	cr_assert_eq(post(ch, "/congress/1/vote-rules", "proxy_limit=1&split_votes=on",
			  NULL), 303);
	/* not to oneself, not to one absent */
	cr_assert_eq(post(door, "/congress/1/proxies", at("giver=%s&holder=%s", d, d),
			  "Choose another delegate who is present."), 422);
	door_in_out(ch, m, "out");
	cr_assert_eq(post(door, "/congress/1/proxies", at("giver=%s&holder=%s", d, m),
			  "Choose another delegate who is present."), 422);
	door_in_out(ch, m, "in");
	cr_assert_eq(post(door, "/congress/1/proxies", at("giver=%s&holder=%s", d, m), NULL), 303);
	proxy = srv_value(&S, "SELECT id FROM vote_proxies WHERE giver_id = %s "
			      "AND revoked_at IS NULL", d);
	cr_assert(*proxy);
	r = cl_get(mem, "/congress/1/proxies");
	cr_assert(strstr(r->body, at("%s&#39;s vote, held by", dname)), "%s", r->body);
	resp_free(r);
	/* a delegate sees only the proxies they gave or hold */
	srv_sql(&S, "INSERT INTO vote_proxies (congress_id, giver_id, holder_id, "
		    "created_at) SELECT 1, id, %s, 0 FROM participants WHERE "
		    "congress_id = 1 AND kind = 'delegate' AND removed_at IS NULL "
		    "AND id NOT IN (%s, %s) ORDER BY id LIMIT 1", d, m, d);
	{
		char *other = srv_value(&S, "SELECT p.display_name FROM vote_proxies x "
					    "JOIN participants p ON p.id = x.giver_id "
					    "WHERE x.holder_id = %s", d);
		r = cl_get(mem, "/congress/1/proxies");
		cr_assert_null(strstr(r->body, other), "%s leaks: %s", other, r->body);
		resp_free(r);
		/* (the demo's named polls name delegates in the minutes: look
		 * for the proxies' record) */
		r = cl_get(mem, "/congress/1/minutes");
		cr_assert_null(strstr(r->body, at("%s → ", other)), "%s leaks: %s", other,
			       r->body);
		cr_assert_null(strstr(r->body, "Proxies: whose vote"), "%s", r->body);
		resp_free(r);
		r = cl_get(ch, "/congress/1/minutes");
		cr_assert(strstr(r->body, at("%s → ", other)), "%s", r->body);
		resp_free(r);
		r = cl_get(door, "/congress/1/proxies");
		cr_assert(strstr(r->body, other), "%s", r->body);
		resp_free(r);
		free(other);
	}
	srv_sql(&S, "DELETE FROM vote_proxies WHERE holder_id = %s", d);

	/* the limit: another delegate's vote held by the member already
	 * (written here as the door team would record a paper proxy) makes
	 * the member full for a new giver */
	srv_sql(&S, "INSERT INTO vote_proxies (congress_id, giver_id, holder_id, "
		    "created_at) SELECT 1, id, %s, 0 FROM participants WHERE "
		    "congress_id = 1 AND kind = 'delegate' AND removed_at IS NULL "
		    "AND id NOT IN (%s, %s) ORDER BY id LIMIT 1", m, m, d);
	cr_assert_eq(post(door, "/congress/1/proxies", at("giver=%s&holder=%s", d, m),
			  "holds as many votes for others"), 409);
	srv_sql(&S, "DELETE FROM vote_proxies WHERE giver_id NOT IN (%s)", d);

	/* a named poll: the giver cannot vote, the holder votes for both */
	r = cl_post(ch, "/congress/1/polls", "question=Strike+fund&kind=yna"
					     "&majority=simple&base=present");
	cr_assert_eq(r->status, 303, "%s", r->body);
	path = xstrdup(resp_header(r, "Location"));
	resp_free(r);
	id = strrchr(path, '/') + 1;
	cr_assert_eq(post(ch, path, "action=open", NULL), 303);
	cr_assert_eq(post(del, at("%s/ballots", path), "vote=Y",
			  "You have handed your vote on"), 403);
	r = cl_get(mem, path);
	cr_assert(strstr(r->body, at("%s&#39;s vote, weight %d (a proxy)", dname, dw)),
		  "%s", r->body);
	cr_assert(strstr(r->body, "name=\"split_Y\""), "the split is offered: %s",
		  r->body);
	resp_free(r);
	/* a split that does not add up, or names a way twice */
	cr_assert_eq(post(mem, at("%s/ballots", path),
			  at("split_Y=%d&split_N=1&split_A=", total),
			  "must add up"), 422);
	cr_assert_eq(post(mem, at("%s/ballots", path), "split_Y=-1&split_N=2",
			  "must add up"), 422);
	cr_assert_eq(post(mem, at("%s/ballots", path),
			  at("split_Y=%d&split_N=1&split_A=", total - 1),
			  "Your vote is in the ballot box."), 200);
	cr_assert_eq(atoi(srv_value(&S, "SELECT count(*) FROM ballots WHERE "
					"poll_id = %s AND content = 'Y'", id)), total - 1);
	cr_assert_eq(atoi(srv_value(&S, "SELECT count(*) FROM ballots WHERE "
					"poll_id = %s AND content = 'N'", id)), 1);
	/* the named record keeps the giver's mandate under her name */
	cr_assert_str_eq(srv_value(&S, "SELECT voter FROM named_votes n JOIN mandates "
				       "d ON d.id = n.mandate_id WHERE n.poll_id = %s "
				       "AND d.participant_id = %s", id, d), dname);

	/* the giver leaves: her vote, held by one present, counts present */
	door_in_out(ch, d, "out");
	cr_assert_eq(post(ch, path, "action=close", NULL), 303);
	cr_assert_eq(atoi(srv_value(&S, "SELECT weight_present FROM polls WHERE id = %s",
				    id)),
		     atoi(srv_value(&S, "SELECT coalesce(sum(d.weight), 0) FROM mandates d "
					"JOIN participants p ON p.id = d.participant_id "
					"WHERE p.congress_id = 1 AND p.present = 1 AND "
					"p.kind = 'delegate' AND p.removed_at IS NULL AND "
					"d.checked_at IS NOT NULL")) + dw);
	r = cl_get(ch, "/congress/1/minutes");
	cr_assert(strstr(r->body, at("%s → ", dname)), "%s", r->body);
	cr_assert(strstr(r->body, "Yes "), "the split in the minutes: %s", r->body);
	resp_free(r);

	/* ending it: the giver's vote is hers again */
	door_in_out(ch, d, "in");
	cr_assert_eq(post(del, at("/congress/1/proxies/%s/revoke", proxy), "", NULL), 303);
	cr_assert_eq(post(del, at("/congress/1/proxies/%s/revoke", proxy), "",
			  "no such proxy"), 404);
	r = cl_api(mem, "GET", "/api/v1/congresses/1/proxies", NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "\"proxies\": []") || strstr(r->body, "\"proxies\":[]"),
		  "%s", r->body);
	resp_free(r);
	/* and through the API, for one poll */
	r = cl_api(door, "POST", "/api/v1/congresses/1/proxies",
		   at("{\"giver\": %s, \"holder\": %s, \"poll\": 999999}", d, m));
	cr_assert_eq(r->status, 422, "%s", r->body);
	resp_free(r);
	r = cl_api(door, "POST", "/api/v1/congresses/1/proxies",
		   at("{\"giver\": %s, \"holder\": %s}", d, m));
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	free(proxy);
	proxy = srv_value(&S, "SELECT id FROM vote_proxies WHERE giver_id = %s "
			      "AND revoked_at IS NULL", d);
	r = cl_api(mem, "POST", at("/api/v1/congresses/1/proxies/%s/revoke", proxy), "{}");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	r = cl_api(ch, "POST", "/api/v1/congresses/1/vote-rules",
		   "{\"proxy_limit\": 101}");
	cr_assert_eq(r->status, 422, "%s", r->body);
	resp_free(r);
	free(path);
	free(proxy);
	free(dname);
	cl_free(ch);
	cl_free(mem);
	cl_free(del);
	cl_free(door);
}
