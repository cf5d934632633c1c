/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Polls of the demo's national congress over real HTTP: the chair
 * prepares a poll (a delegate does not see it yet), opens it; a
 * delegate votes on the page with both their mandates and gets a
 * receipt for each unit of weight, another through the API; casting
 * twice, with another's mandate, as someone who is no delegate, absent,
 * or after the close is refused with a reason; the close counts it (the
 * majority, "unanimous" from the count), publishes the ballot list whose
 * digest is kept, and a receipt is found in it; a named poll's minutes
 * say who voted how; an election's BLT recounts to the same result; two
 * casts of one mandate at the same instant leave one ballot, and so do
 * casts of one mandate held up together into one group; the demo holds
 * the conference's decisions and a poll still open.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

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
TestSuite(polls, .init = up, .fini = down, .timeout = 240);

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

/* The chair prepares a poll of congress 1 (form, encoded): its path. */
static char *prepare(struct client *ch, const char *form)
{
	struct resp *r = cl_post(ch, "/congress/1/polls", "%s", form);
	char *path;

	cr_assert_eq(r->status, 303, "%s: %s", form, r->body);
	path = xstrdup(resp_header(r, "Location"));
	resp_free(r);
	return path;
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

static json_t *api_get(struct client *c, const char *path)
{
	struct resp *r = cl_get(c, path);
	json_t *j;

	cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
	j = json_loads(r->body, 0, NULL);
	cr_assert(j, "%s", r->body);
	resp_free(r);
	return j;
}

/* The participant (in congress 1) c is signed in as. */
static char *participant_of(struct client *c)
{
	json_t *j = api_get(c, "/api/v1/session");
	json_int_t uid = json_integer_value(
		json_object_get(json_object_get(j, "user"), "id"));
	char *id;

	cr_assert(uid > 0);
	id = srv_value(&S, "SELECT id FROM participants WHERE congress_id = 1 "
			   "AND account_id = %lld", (long long)uid);
	json_decref(j);
	cr_assert(*id, "a participant of congress 1");
	return id;
}

/* The receipts a cast's page shows (malloc'd strings, n). */
static int receipts_of(const char *html, char out[][32], int max)
{
	int n = 0;
	const char *p = html;

	while (n < max && (p = strstr(p, "<li class=\"receipt\">"))) {
		p += strlen("<li class=\"receipt\">");
		snprintf(out[n], 32, "%.*s", (int)strcspn(p, "<"), p);
		n++;
	}
	return n;
}

Test(polls, a_secret_poll_from_preparing_to_the_published_list)
{
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	struct client *mem = cl_as(&S, "member", "en");
	struct client *del = cl_as(&S, "delegate", "en");
	struct client *door = cl_as(&S, "door@example.org", "en");
	char *path, *id, rc[4][32], *csv, *x;
	const char *pid;
	struct resp *r;
	json_t *j, *res;
	int n, mw, dw;

	path = prepare(ch, "question=Re-launch+the+movement+under+its+new+name"
			   "&kind=yna&majority=two_thirds&base=cast&secret=on"
			   "&publish_receipts=on");
	id = strrchr(path, '/') + 1;
	/* a draft is the chair's: a delegate finds nothing */
	r = cl_get(mem, path);
	cr_assert_eq(r->status, 404, "%s", r->body);
	resp_free(r);
	cr_assert_eq(post(mem, at("%s/ballots", path), "vote=Y", NULL), 404);
	/* nobody but the chair opens it */
	cr_assert_eq(post(mem, path, "action=open", NULL), 403);
	cr_assert_eq(post(ch, path, "action=open", NULL), 303);
	cr_assert_eq(post(ch, path, "action=open", "opened already"), 409);

	/* the delegate's page shows the ballot and says receipts come */
	r = cl_get(mem, "/congress/1/polls");
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "Re-launch the movement"), "%s", r->body);
	cr_assert(strstr(r->body, "name=\"vote\" value=\"Y\""), "%s", r->body);
	cr_assert(strstr(r->body, "you get a receipt"), "%s", r->body);
	resp_free(r);

	/* refusals: not a ballot, someone else's mandate, no delegate */
	cr_assert_eq(post(mem, at("%s/ballots", path), "vote=maybe",
			  "Vote yes, no or abstain."), 422);
	pid = srv_value(&S, "SELECT id FROM mandates WHERE participant_id = %s",
			participant_of(del));
	cr_assert_eq(post(mem, at("%s/ballots", path), at("vote=Y&mandate=%s", pid),
			  "not yours"), 403);
	cr_assert_eq(post(door, at("%s/ballots", path), "vote=Y",
			  "Only the congress&#39;s delegates vote."), 403);
	cr_assert_eq(post(ch, at("%s/ballots", path), "vote=Y", NULL), 403);
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM poll_marks WHERE "
				       "poll_id = %s", id), "0");

	/* one cast for all the member's mandates, a receipt per unit of
	 * their weight */
	mw = atoi(srv_value(&S, "SELECT sum(weight) FROM mandates WHERE "
				"participant_id = %s AND checked_at IS NOT NULL",
			    participant_of(mem)));
	dw = atoi(srv_value(&S, "SELECT sum(weight) FROM mandates WHERE "
				"participant_id = %s AND checked_at IS NOT NULL",
			    participant_of(del)));
	cr_assert(mw >= 1 && mw <= 4 && dw == 1, "%d %d", mw, dw);
	r = cl_post(mem, at("%s/ballots", path), "vote=Y");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "Your vote is in the ballot box."), "%s", r->body);
	n = receipts_of(r->body, rc, 4);
	cr_assert_eq(n, mw, "%s", r->body);
	resp_free(r);
	cr_assert_eq(post(mem, at("%s/ballots", path), "vote=N",
			  "You have voted in this poll."), 409);
	/* the other through the API */
	r = cl_api(del, "POST", at("/api/v1/congresses/1/polls/%s/ballots", id),
		   "{\"vote\": \"Y\"}");
	cr_assert_eq(r->status, 201, "%s", r->body);
	j = json_loads(r->body, 0, NULL);
	cr_assert_eq(json_array_size(json_object_get(j, "receipts")), 1, "%s", r->body);
	json_decref(j);
	resp_free(r);
	cr_assert_eq(atoi(srv_value(&S, "SELECT count(*) FROM ballots WHERE "
					"poll_id = %s AND content = 'Y'", id)), mw + dw);
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM poll_marks m JOIN "
				       "mandates d ON d.id = m.mandate_id WHERE "
				       "m.poll_id = %s AND d.participant_id NOT IN "
				       "(%s, %s)", id, participant_of(mem),
				   participant_of(del)), "0");

	/* the projector counts those who voted against those present */
	r = cl_get(ch, "/congress/1/projector");
	cr_assert(strstr(r->body, "Re-launch the movement"), "%s", r->body);
	x = between(r->body, "of those present: ", "<");
	cr_assert(x && atoi(x) == atoi(srv_value(&S, "SELECT count(*) FROM "
							  "poll_marks WHERE poll_id = %s", id)),
		  "%s", x ? x : r->body);
	free(x);
	resp_free(r);

	/* no list before the close */
	r = cl_get(mem, at("%s/ballots.csv", path));
	cr_assert_eq(r->status, 409);
	resp_free(r);
	cr_assert_eq(post(ch, path, "action=close", NULL), 303);
	cr_assert_eq(post(mem, at("%s/ballots", path), "vote=Y", "closed"), 409);
	cr_assert_eq(post(ch, path, "action=void", "A closed poll stands"), 409);

	j = api_get(mem, at("/api/v1/congresses/1/polls/%s", id));
	res = json_object_get(json_object_get(j, "result"), "raw");
	cr_assert_eq(json_integer_value(json_object_get(res, "yes")), mw + dw, "%s",
		     json_dumps(j, 0));
	cr_assert_str_eq(json_string_value(json_object_get(res, "verdict")), "adopted");
	cr_assert(json_is_true(json_object_get(res, "unanimous")));
	json_decref(j);

	/* the list: every ballot with its receipt; its digest is kept */
	r = cl_get(mem, at("%s/ballots.csv", path));
	cr_assert_eq(r->status, 200, "%s", r->body);
	csv = xstrdup(r->body);
	resp_free(r);
	for (int i = 0; i < n; i++) {
		char plain[32];
		size_t k = 0;
		for (const char *s = rc[i]; *s; s++)
			if (*s != '-')
				plain[k++] = *s;
		plain[k] = '\0';
		cr_assert(strstr(csv, at("%s,\"Y\"\n", plain)), "%s in %s", plain, csv);
	}
	{
		unsigned char h[crypto_hash_sha256_BYTES];
		char hex[2 * sizeof(h) + 1];
		crypto_hash_sha256(h, (const unsigned char *)csv, strlen(csv));
		for (size_t i = 0; i < sizeof(h); i++)
			sprintf(hex + 2 * i, "%02x", h[i]);
		cr_assert_str_eq(srv_value(&S, "SELECT ballots_digest FROM polls "
					       "WHERE id = %s", id), hex);
		/* and the minutes print it, under "unanimously" */
		r = cl_get(mem, "/congress/1/minutes");
		cr_assert(strstr(r->body, hex), "%s", r->body);
		cr_assert(strstr(r->body, "Adopted unanimously."), "%s", r->body);
		resp_free(r);
	}
	free(csv);
	/* a receipt is found, typed loosely */
	cr_assert_eq(post(mem, at("%s/receipt", path),
			  at("receipt=+%s+", rc[0]), "Found. Your ballot reads: Yes"),
		     200);
	cr_assert_eq(post(mem, at("%s/receipt", path), "receipt=AAAA-BBBB",
			  "not in the list"), 200);
	free(path);
	cl_free(ch);
	cl_free(mem);
	cl_free(del);
	cl_free(door);
}

Test(polls, an_absent_delegate_and_a_named_poll)
{
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	struct client *mem = cl_as(&S, "member", "en");
	struct client *del = cl_as(&S, "delegate", "en");
	char *path, *name;
	const char *part;
	struct resp *r;

	path = prepare(ch, "question=Adopt+the+programme&kind=yna&majority=simple"
			   "&base=cast");
	cr_assert_eq(post(ch, path, "action=open", NULL), 303);
	/* the delegate goes out: no vote from outside the hall */
	part = participant_of(del);
	r = cl_api(ch, "POST", "/api/v1/congresses/1/door",
		   at("{\"participant\": %s, \"went\": \"out\"}", part));
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	cr_assert_eq(post(del, at("%s/ballots", path), "vote=N", "Check in at the door"),
		     403);
	r = cl_api(ch, "POST", "/api/v1/congresses/1/door",
		   at("{\"participant\": %s, \"went\": \"in\"}", part));
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	cr_assert_eq(post(del, at("%s/ballots", path), "vote=N", NULL), 200);
	cr_assert_eq(post(mem, at("%s/ballots", path), "vote=Y", NULL), 200);
	cr_assert_eq(post(ch, path, "action=close", NULL), 303);
	/* the minutes name who voted how (a named poll) and no unanimity */
	name = srv_value(&S, "SELECT display_name FROM participants WHERE id = %s",
			 part);
	r = cl_get(mem, "/congress/1/minutes");
	cr_assert(strstr(r->body, at("%s (1): No", name)), "%s", r->body);
	cr_assert(strstr(r->body, "Adopt the programme"), "%s", r->body);
	resp_free(r);
	free(path);
	cl_free(ch);
	cl_free(mem);
	cl_free(del);
}

struct shot {
	struct client *c;
	const char *path;
	long status;
};

static void *fire(void *arg)
{
	struct shot *s = arg;
	struct resp *r = cl_api(s->c, "POST", s->path, "{\"vote\": \"A\"}");
	s->status = r->status;
	resp_free(r);
	return NULL;
}

Test(polls, two_casts_at_the_same_instant_leave_one_ballot)
{
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	enum { N = 8 };
	struct shot shots[N];
	pthread_t t[N];
	char *path, *api;
	int created = 0, conflict = 0;

	path = prepare(ch, "question=Quorum+test&kind=yna");
	cr_assert_eq(post(ch, path, "action=open", NULL), 303);
	api = xasprintf("/api/v1/congresses/1/polls/%s/ballots", strrchr(path, '/') + 1);
	for (int i = 0; i < N; i++) {
		shots[i] = (struct shot){cl_as(&S, "delegate", "en"), api, 0};
	}
	for (int i = 0; i < N; i++)
		pthread_create(&t[i], NULL, fire, &shots[i]);
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		created += shots[i].status == 201;
		conflict += shots[i].status == 409;
		cl_free(shots[i].c);
	}
	cr_assert_eq(created, 1, "one cast goes in (%d, %d conflicts)", created, conflict);
	cr_assert_eq(conflict, N - 1);
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM ballots WHERE poll_id = %s",
				   strrchr(path, '/') + 1), "1");
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM poll_marks WHERE poll_id = %s",
				   strrchr(path, '/') + 1), "1");
	free(api);
	free(path);
	cl_free(ch);
}

/* Waits up to 10 s for a file: true once it is there. */
static bool appears(const char *path)
{
	for (int i = 0; i < 200; i++) {
		if (access(path, F_OK) == 0)
			return true;
		usleep(50 * 1000);
	}
	return false;
}

/* Casts of one mandate that arrive while the writer waits (on a lock
 * another session holds) make the next group together: decided
 * together, one goes in and the rest are refused, without the group
 * falling back to writing them one at a time. */
Test(polls, casts_of_one_mandate_in_one_group_are_decided_together)
{
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	enum { N = 8 };
	struct shot shots[N], first;
	pthread_t t[N], tf;
	char *path, *other, *api, *log, held[128], done[128];
	const char *poll;
	int created = 0, conflict = 0;

	path = prepare(ch, "question=Held+up&kind=yna");
	cr_assert_eq(post(ch, path, "action=open", NULL), 303);
	other = prepare(ch, "question=Held+up+first&kind=yna");
	cr_assert_eq(post(ch, other, "action=open", NULL), 303);
	poll = strrchr(path, '/') + 1;
	first = (struct shot){cl_as(&S, "delegate", "en"),
			      xasprintf("/api/v1/congresses/1/polls/%s/ballots",
					strrchr(other, '/') + 1), 0};
	api = xasprintf("/api/v1/congresses/1/polls/%s/ballots", poll);
	for (int i = 0; i < N; i++)
		shots[i] = (struct shot){cl_as(&S, "delegate", "en"), api, 0};
	snprintf(held, sizeof(held), "%s/lock.held", S.root);
	snprintf(done, sizeof(done), "%s/lock.done", S.root);
	/* another session holds the lock the casts' writer needs for 2 s */
	if (on_pg())
		sh("(psql -qAtX '%s' -c 'BEGIN' -c 'LOCK TABLE poll_marks IN "
		   "EXCLUSIVE MODE' -c '\\! touch %s' -c 'SELECT pg_sleep(2)' "
		   "-c 'COMMIT'; touch %s) >/dev/null 2>&1 &",
		   S.db, held, done);
	else
		sh("(sqlite3 %s/rudder.db 'BEGIN IMMEDIATE;' '.shell touch %s' "
		   "'.shell sleep 2' 'COMMIT;'; touch %s) >/dev/null 2>&1 &",
		   S.dir, held, done);
	cr_assert(appears(held), "the lock is held");
	/* a cast in another poll becomes the writer and waits */
	pthread_create(&tf, NULL, fire, &first);
	usleep(300 * 1000);
	for (int i = 0; i < N; i++)
		pthread_create(&t[i], NULL, fire, &shots[i]);
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		created += shots[i].status == 201;
		conflict += shots[i].status == 409;
		cl_free(shots[i].c);
	}
	pthread_join(tf, NULL);
	cl_free(first.c);
	free((char *)first.path);
	cr_assert_eq(first.status, 201);
	cr_assert(appears(done), "the lock is let go");
	cr_assert_eq(created, 1, "one cast goes in (%d, %d conflicts)", created, conflict);
	cr_assert_eq(conflict, N - 1);
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM ballots WHERE poll_id = %s",
				   poll), "1");
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM poll_marks WHERE poll_id = %s",
				   poll), "1");
	log = srv_log(&S);
	cr_assert(!strstr(log, "one at a time"), "%s", log);
	free(log);
	free(api);
	free(other);
	free(path);
	cl_free(ch);
}

/* An election: ranked ballots counted by STV on closing; the BLT that
 * the page offers recounts with `rudder count` to the same elected. */
Test(polls, an_election_recounts_from_its_blt)
{
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	struct client *mem = cl_as(&S, "member", "en");
	struct client *del = cl_as(&S, "delegate", "en");
	char *path, *file, *out = NULL;
	struct resp *r;
	json_t *j, *el;
	FILE *f;

	path = prepare(ch, "question=Coordinating+committee&kind=ranked&seats=2"
			   "&options=Ainur%0D%0ABerik%0D%0AGulnar%0D%0ADaniyar");
	cr_assert_eq(post(ch, path, "action=open", NULL), 303);
	/* a rank given twice, a gap: refused with a reason */
	cr_assert_eq(post(mem, at("%s/ballots", path), "rank=1-1&rank=2-1",
			  "one candidate only"), 422);
	cr_assert_eq(post(mem, at("%s/ballots", path), "rank=1-1&rank=2-3",
			  "without a gap"), 422);
	/* the refused ballot comes back as it was filled in */
	cr_assert_eq(post(mem, at("%s/ballots", path), "rank=1-1&rank=2-3",
			  "value=\"2-3\" selected"), 422);
	cr_assert_eq(post(mem, at("%s/ballots", path), "rank=1-1&rank=2-3",
			  "value=\"1-1\" selected"), 422);
	/* the member: Gulnar, Ainur (two mandates: two ballots) */
	cr_assert_eq(post(mem, at("%s/ballots", path), "rank=1-2&rank=3-1", NULL),
		     200);
	r = cl_api(del, "POST",
		   at("/api/v1/congresses/1/polls/%s/ballots", strrchr(path, '/') + 1),
		   "{\"vote\": \"2 3\"}");
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	cr_assert_eq(post(ch, path, "action=close", NULL), 303);
	r = cl_get(mem, path);
	cr_assert(strstr(r->body, "Elected, in order of election"), "%s", r->body);
	cr_assert(strstr(r->body, "<table class=\"rounds\">"), "%s", r->body);
	resp_free(r);
	j = api_get(mem, at("/api/v1/congresses/1/polls/%s", strrchr(path, '/') + 1));
	el = json_object_get(json_object_get(j, "result"), "elected");
	cr_assert_eq(json_array_size(el), 2, "%s", json_dumps(j, 0));
	cr_assert_str_eq(json_string_value(json_array_get(el, 0)), "Gulnar");

	r = cl_get(mem, at("%s/ballots.blt", path));
	cr_assert_eq(r->status, 200, "%s", r->body);
	file = xasprintf("%s/election.blt", S.root);
	f = fopen(file, "w");
	fwrite(r->body, 1, r->len, f);
	fclose(f);
	resp_free(r);
	cr_assert_eq(run_rudder(NULL, &out, NULL, "count", file, NULL), 0);
	cr_assert_str_eq(out, at("%s\n%s\n", json_string_value(json_array_get(el, 0)),
				 json_string_value(json_array_get(el, 1))));
	json_decref(j);
	free(out);
	free(file);
	free(path);
	cl_free(ch);
	cl_free(mem);
	cl_free(del);
}

/* The demo's polls (src/votes/demo.c): the conference's decisions as
 * its delegates took them — the re-launch adopted unanimously (the
 * count's word), the programme by two thirds with some against, a
 * committee of seven elected by STV whose published BLT recounts to
 * the same seven, a poll still open — each poll's ballots as many as
 * the weight of the mandates marked in it, and the delegates who sign
 * in still free to vote in the open one. */
Test(polls, the_demo_holds_the_conferences_decisions)
{
	struct client *mem = cl_as(&S, "member", "en");
	struct client *del = cl_as(&S, "delegate", "en");
	char *id, *file, *out = NULL, *polls, *p;
	struct buf want;
	struct resp *r;
	json_t *j, *res, *el;

	/* the re-launch: every ballot yes, and so "unanimous" */
	id = srv_value(&S, "SELECT p.id FROM polls p JOIN motions m ON m.id = "
			   "p.subject_id WHERE p.subject = 'motion' AND m.title = "
			   "'Re-launch as the Socialist Movement of Kazakhstan'");
	cr_assert(*id, "the demo has a poll on the re-launch");
	j = api_get(mem, at("/api/v1/congresses/1/polls/%s", id));
	cr_assert_str_eq(json_string_value(json_object_get(j, "state")), "closed");
	res = json_object_get(json_object_get(j, "result"), "raw");
	cr_assert_str_eq(json_string_value(json_object_get(res, "verdict")), "adopted");
	cr_assert(json_is_true(json_object_get(res, "unanimous")), "%s", json_dumps(j, 0));
	cr_assert(json_integer_value(json_object_get(res, "yes")) > 12);
	json_decref(j);
	free(id);

	/* the programme: two thirds, carried with some against */
	id = srv_value(&S, "SELECT id FROM polls WHERE congress_id = 1 AND "
			   "majority = 'two_thirds' AND subject = 'item'");
	cr_assert(*id, "the demo has a poll on the programme");
	j = api_get(mem, at("/api/v1/congresses/1/polls/%s", id));
	res = json_object_get(json_object_get(j, "result"), "raw");
	cr_assert_str_eq(json_string_value(json_object_get(res, "verdict")), "adopted");
	cr_assert(json_integer_value(json_object_get(res, "no")) > 0, "%s", json_dumps(j, 0));
	cr_assert(json_is_false(json_object_get(res, "unanimous")));
	json_decref(j);
	free(id);

	/* the election: seven elected, and the BLT says the same */
	id = srv_value(&S, "SELECT id FROM polls WHERE congress_id = 1 AND "
			   "kind = 'ranked' AND seats = 7 AND state = 'closed'");
	cr_assert(*id, "the demo has an election of seven");
	j = api_get(mem, at("/api/v1/congresses/1/polls/%s", id));
	el = json_object_get(json_object_get(j, "result"), "elected");
	cr_assert_eq(json_array_size(el), 7, "%s", json_dumps(j, 0));
	cr_assert(atoi(srv_value(&S, "SELECT count(*) FROM ballots WHERE poll_id = %s",
				 id)) >= 30);
	cr_assert_str_neq(srv_value(&S, "SELECT ballots_digest FROM polls WHERE id = %s",
				    id), "");
	r = cl_get(mem, at("/congress/1/polls/%s/ballots.blt", id));
	cr_assert_eq(r->status, 200, "%s", r->body);
	file = xasprintf("%s/demo-election.blt", S.root);
	sh("rm -f %s", file);
	{
		FILE *f = fopen(file, "w");
		fwrite(r->body, 1, r->len, f);
		fclose(f);
	}
	resp_free(r);
	cr_assert_eq(run_rudder(NULL, &out, NULL, "count", file, NULL), 0);
	buf_init(&want);
	for (size_t i = 0; i < json_array_size(el); i++)
		buf_printf(&want, "%s\n", json_string_value(json_array_get(el, i)));
	buf_reserve(&want, 0);
	cr_assert_str_eq(out, want.data);
	buf_free(&want);
	json_decref(j);
	free(out);
	free(file);
	free(id);

	/* every poll: one ballot per unit of the weight of those marked */
	polls = srv_sql(&S, "SELECT id FROM polls WHERE congress_id = 1");
	for (p = strtok(polls, "\n"); p; p = strtok(NULL, "\n"))
		cr_assert_str_eq(
			srv_value(&S, "SELECT count(*) FROM ballots WHERE poll_id = %s", p),
			srv_value(&S, "SELECT coalesce(sum(d.weight), 0) FROM poll_marks m "
				      "JOIN mandates d ON d.id = m.mandate_id WHERE "
				      "m.poll_id = %s", p),
			"poll %s", p);
	free(polls);

	/* the open poll: some have voted, the two who sign in have not */
	id = srv_value(&S, "SELECT id FROM polls WHERE congress_id = 1 AND "
			   "state = 'open'");
	cr_assert(*id, "the demo has an open poll");
	cr_assert(atoi(srv_value(&S, "SELECT count(*) FROM poll_marks WHERE "
				     "poll_id = %s", id)) > 0);
	r = cl_api(del, "POST", at("/api/v1/congresses/1/polls/%s/ballots", id),
		   "{\"vote\": \"Y\"}");
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	r = cl_api(mem, "POST", at("/api/v1/congresses/1/polls/%s/ballots", id),
		   "{\"vote\": \"A\"}");
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	free(id);
	cl_free(mem);
	cl_free(del);
}
