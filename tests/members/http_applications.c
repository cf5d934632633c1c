/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Joining over real HTTP on the demo organization: the public form and
 * its defences against bots, the sealed intake, vetting with one or two
 * approvals, the applicant told through the outbox, and proof that what
 * an applicant sent is not opened by the server's passphrase — not even
 * by resetting a vetting officer's password with it.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
TestSuite(applications, .init = up, .fini = down, .timeout = 180);

/* The form's time token, after waiting out its minimum age. */
static char *form_token(struct client *c)
{
	struct resp *r = cl_get(c, "/join");
	char *t;
	cr_assert_eq(r->status, 200);
	t = between(r->body, "name=\"t\" value=\"", "\"");
	cr_assert_not_null(t);
	resp_free(r);
	sleep(3);
	return t;
}

/* Applies to Aktau as a stranger; returns the answer's status. */
static long apply(struct client *c, const char *t, const char *name, const char *extra)
{
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	char *tq = urlenc(t);
	struct resp *r = cl_post(c, "/join", "t=%s&display_name=%s&branch=%s%s", tq, name,
				 aktau, extra);
	long st = r->status;
	resp_free(r);
	free(aktau);
	free(tq);
	return st;
}

static char *last_application(void)
{
	return srv_value(&S, "SELECT max(id) FROM applications");
}

Test(applications, a_stranger_applies_and_an_organizer_accepts)
{
	struct client *anon = cl_new(&S), *c;
	char *t = form_token(anon), *id, *path, *n;
	struct resp *r;

	cr_assert_eq(apply(anon, t, "Zhandos",
			   "&legal_name=Zhandos+Kairbekov&phone=8+701+555+42+42"
			   "&email=zhandos.k%40example.org&message=I+drive+for+the+port&consent_sms=on"),
		     200);
	id = last_application();
	/* sealed on arrival: not in the database, not even to the data key,
	 * nor in the log or a backup */
	{
		const char *sent[] = {"Kairbekov", "zhandos.k@", "8 701 555 42 42", "87015554242",
				      "7015554242", "I drive for the port", NULL};
		srv_assert_no_plaintext(&S, "Comrade", sent);
	}
	n = srv_value(&S, "SELECT count(*) FROM audit_log WHERE action = 'application.received'");
	cr_assert_geq(atol(n), 1);
	free(n);

	c = cl_as(&S, "aktau", "en");
	r = cl_get(c, "/applications");
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "Zhandos"), "the officer's session opens it");
	cr_assert_null(strstr(r->body, "Arman"), "an Almaty application is not listed");
	resp_free(r);
	path = xasprintf("/applications/%s", id);
	r = cl_get(c, path);
	cr_assert(strstr(r->body, "Zhandos Kairbekov"));
	cr_assert(strstr(r->body, "I drive for the port"));
	resp_free(r);
	free(path);

	path = xasprintf("/applications/%s/review", id);
	r = cl_post(c, path, "decision=note&note=Roza+vouches+for+him");
	cr_assert_eq(r->status, 303);
	resp_free(r);
	r = cl_post(c, path, "decision=approve");
	cr_assert_eq(r->status, 303, "%s", r->body);
	cr_assert(strstr(resp_header(r, "Location"), "/members/"), "accepted: the new record");
	resp_free(r);
	r = cl_post(c, path, "decision=reject");
	cr_assert_eq(r->status, 409, "decided already");
	resp_free(r);
	free(path);

	/* a member now, found by the phone; the submission itself is gone */
	r = cl_get(c, "/members?q=555+42+42");
	cr_assert(strstr(r->body, "Zhandos"));
	resp_free(r);
	n = srv_value(&S, "SELECT length(intake_sealed) FROM applications WHERE id = %s", id);
	cr_assert_str_eq(n, "0");
	free(n);
	n = srv_value(&S, "SELECT count(*) FROM outbox WHERE label = 'application decision'");
	cr_assert_eq(atol(n), 1, "the applicant is told");
	free(n);
	free(id);
	free(t);
	cl_free(c);
	cl_free(anon);
}

Test(applications, two_organizers_must_approve_when_the_organization_says_so)
{
	struct client *anon = cl_new(&S), *admin = cl_as(&S, "admin", "en"), *ak;
	char *t = form_token(anon), *id, *path, *state;
	struct resp *r;

	r = cl_post(admin, "/applications/settings", "approvals=2");
	cr_assert_eq(r->status, 303);
	resp_free(r);
	cr_assert_eq(apply(anon, t, "Aruzhan", "&phone=%2B77015554343"), 200);
	id = last_application();
	path = xasprintf("/applications/%s/review", id);

	ak = cl_as(&S, "aktau", "en");
	r = cl_post(ak, "/applications/settings", "approvals=1");
	cr_assert_eq(r->status, 403, "a branch organizer cannot change the rule");
	resp_free(r);
	r = cl_post(ak, path, "decision=approve");
	cr_assert_eq(r->status, 303);
	resp_free(r);
	state = srv_value(&S, "SELECT state FROM applications WHERE id = %s", id);
	cr_assert_str_eq(state, "new", "one approval of two");
	free(state);
	r = cl_post(ak, path, "decision=approve");
	cr_assert_eq(r->status, 409, "the same organizer twice does not count");
	resp_free(r);
	r = cl_post(admin, path, "decision=approve");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	state = srv_value(&S, "SELECT state FROM applications WHERE id = %s", id);
	cr_assert_str_eq(state, "accepted");
	free(state);
	free(path);
	free(id);
	free(t);
	cl_free(ak);
	cl_free(admin);
	cl_free(anon);
}

Test(applications, rejection_is_told_and_leaves_nothing)
{
	struct client *anon = cl_new(&S), *c;
	char *t = form_token(anon), *id, *path, *n;
	struct resp *r;

	cr_assert_eq(apply(anon, t, "Provocateur", "&email=agent%40example.org"), 200);
	id = last_application();
	c = cl_as(&S, "aktau", "en");
	path = xasprintf("/applications/%s/review", id);
	/* rejecting asks first, on the server; asking changes nothing */
	r = cl_post(c, path, "decision=reject&note=Nobody+knows+him");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "Reject this application?"), "%s", r->body);
	cr_assert(strstr(r->body, "name=\"note\" value=\"Nobody knows him\""), "%s", r->body);
	resp_free(r);
	n = srv_value(&S, "SELECT state FROM applications WHERE id = %s", id);
	cr_assert_str_eq(n, "new", "asking rejected it");
	free(n);
	r = cl_post(c, path, "decision=reject&note=Nobody+knows+him&confirm=yes");
	cr_assert_eq(r->status, 303);
	resp_free(r);
	n = srv_value(&S, "SELECT state || ' ' || length(intake_sealed) "
		      "FROM applications WHERE id = %s", id);
	cr_assert_str_eq(n, "rejected 0");
	free(n);
	n = srv_value(&S, "SELECT count(*) FROM people WHERE display_name = '%s'", "Provocateur");
	cr_assert_str_eq(n, "0");
	free(n);
	n = srv_value(&S, "SELECT count(*) FROM outbox WHERE label = 'application decision'");
	cr_assert_eq(atol(n), 1);
	free(n);
	/* an Almaty application is out of an Aktau organizer's reach */
	n = srv_value(&S, "SELECT min(a.id) FROM applications a "
		      "JOIN scopes s ON s.id = a.branch_id WHERE s.name = '%s'", "Almaty");
	free(path);
	path = xasprintf("/applications/%s", n);
	r = cl_get(c, path);
	cr_assert_eq(r->status, 404);
	resp_free(r);
	free(path);
	path = xasprintf("/applications/%s/review", n);
	r = cl_post(c, path, "decision=reject");
	cr_assert_eq(r->status, 404);
	resp_free(r);
	free(path);
	free(n);
	free(id);
	free(t);
	cl_free(c);
	cl_free(anon);
}

Test(applications, bots_are_turned_away)
{
	struct client *anon = cl_new(&S);
	struct resp *r;
	char *t, *before, *after;
	long st = 0;

	/* sent at once after the form was shown */
	r = cl_get(anon, "/join");
	t = between(r->body, "name=\"t\" value=\"", "\"");
	resp_free(r);
	cr_assert_eq(apply(anon, t, "Fast", "&phone=%2B77015550001"), 422);
	cr_assert_eq(apply(anon, "1700000000.00", "Forged", "&phone=%2B77015550001"), 422);
	free(t);
	t = form_token(anon);
	/* the field people cannot see: thanked, and nothing is stored */
	before = last_application();
	cr_assert_eq(apply(anon, t, "Bot", "&phone=%2B77015550001&website=http%3A%2F%2Fspam"), 200);
	after = last_application();
	cr_assert_str_eq(before, after);
	/* no contact at all, a cell as branch: clear answers */
	cr_assert_eq(apply(anon, t, "Nobody", ""), 422);
	/* a form takes one application */
	cr_assert_eq(apply(anon, t, "Once", "&phone=%2B77015550003"), 200);
	cr_assert_eq(apply(anon, t, "Twice", "&phone=%2B77015550003"), 409);
	/* a flood from one client, a fresh form each time, stops */
	{
		char *ts[12];
		for (int i = 0; i < 12; i++) {
			r = cl_get(anon, "/join");
			ts[i] = between(r->body, "name=\"t\" value=\"", "\"");
			resp_free(r);
		}
		sleep(3);
		for (int i = 0; i < 12 && st != 429; i++)
			st = apply(anon, ts[i], "Flood", "&phone=%2B77015550002");
		for (int i = 0; i < 12; i++)
			free(ts[i]);
	}
	cr_assert_eq(st, 429);
	free(before);
	free(after);
	free(t);
	cl_free(anon);
}

Test(applications, the_passphrase_does_not_open_the_queue)
{
	struct client *anon = cl_new(&S), *c;
	char *t = form_token(anon), *out = NULL, *err = NULL;
	struct resp *r;

	cr_assert_eq(apply(anon, t, "Dinara", "&phone=%2B77015556161"), 200);
	/* whoever holds the passphrase can reset an officer's password... */
	cr_assert_eq(run_rudder("a new password 1\n", &out, &err, "user", "passwd",
				"aktau@example.org", "--data", S.dir, "--passphrase-file",
				S.pass, "--password-file", "/dev/stdin", NULL),
		     0, "%s %s", out, err);
	free(out);
	free(err);
	/* ...and sign in as them: the queue stays sealed */
	c = cl_new(&S);
	cr_assert_eq(cl_login(c, "aktau@example.org", "a new password 1", NULL), 303);
	r = cl_get(c, "/applications");
	cr_assert_eq(r->status, 200);
	cr_assert_null(strstr(r->body, "Dinara"), "the reset key does not open the intake");
	cr_assert_null(strstr(r->body, "Roza"));
	cr_assert(strstr(r->body, "id=\"no-intake-key\""), "the page says why");
	resp_free(r);
	cl_free(c);
	/* an officer who kept their password still reads it; opening the
	 * page hands the reset officer a fresh copy, for their next sign-in */
	c = cl_as(&S, "coordinator", "en");
	r = cl_get(c, "/applications");
	cr_assert(strstr(r->body, "Dinara"));
	resp_free(r);
	cl_free(c);
	c = cl_new(&S);
	cr_assert_eq(cl_login(c, "aktau@example.org", "a new password 1", NULL), 303);
	r = cl_get(c, "/applications");
	cr_assert(strstr(r->body, "Dinara"), "shared by a holder, opened by the new password");
	resp_free(r);
	cl_free(c);
	free(t);
	cl_free(anon);
}
