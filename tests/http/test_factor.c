/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The second factor belongs to the session that proved it. A session
 * signed in with the password alone never inherits a factor that another
 * session of the same account set up, never sees the secret another
 * session is setting up, and ends when the account's factor is set up,
 * turned off or reset. Run against the demo organization (it has people)
 * with auth.require_totp on, on SQLite and PostgreSQL.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "platform/core/core.h"

static struct srv S;
static void up(void)
{
	const char *sets[] = {"auth.require_totp=true", NULL};
	srv_up(&S, SRV_DEMO, sets);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(factor, .init = up, .fini = down, .timeout = 120);

/* A person of Aktau the organizer may read. */
static char *aktau_person(void)
{
	char *id = srv_sql(&S,
		"SELECT p.id FROM people p JOIN scopes s ON s.id = p.branch_id "
		"WHERE s.name = 'Aktau' AND p.phone_sealed IS NOT NULL "
		"ORDER BY p.id LIMIT 1");
	cr_assert_not_null(id);
	return str_trim(id);
}

/* The secret an enrolment page shows (malloc'd), or NULL. */
static char *shown_secret(struct client *c)
{
	struct resp *r = cl_get(c, "/account/totp");
	char *s = r->status == 200 ? between(r->body, "id=\"totp-secret\">", "<")
				   : NULL;
	resp_free(r);
	return s;
}

static void enrol(struct client *c, const char *secret)
{
	char code[7];
	struct resp *r;

	totp_now(secret, code);
	r = cl_post(c, "/account/totp", "code=%s", code);
	cr_assert_eq(r->status, 303, "enrol: %ld %s", r->status, r->body);
	resp_free(r);
}

/* Is c kept away from people's data (page and API)? */
static void locked_out(struct client *c, const char *person, const char *why)
{
	char *api = xasprintf("/api/v1/members/%s", person);
	struct resp *r = cl_get(c, "/members");

	cr_assert_eq(r->status, 303, "%s: /members answered %ld", why, r->status);
	cr_assert_null(strstr(r->body, "555"), "%s", why);
	resp_free(r);
	r = cl_get(c, api);
	cr_assert(r->status == 401 || r->status == 403,
		  "%s: the API answered %ld: %s", why, r->status, r->body);
	cr_assert_null(strstr(r->body, "phone"), "%s", why);
	resp_free(r);
	free(api);
}

Test(factor, a_half_signed_in_session_never_inherits_a_second_factor)
{
	struct client *a = cl_new(&S), *b = cl_new(&S);
	char *person = aktau_person(), *sa, *sb;
	struct resp *r;

	/* A: the password only; the role wants a second factor first */
	r = cl_post(a, "/login", "email=aktau%%40example.org&password=rudder-demo");
	cr_assert_eq(r->status, 303);
	cr_assert(str_starts(resp_header(r, "Location"), "/account/totp"));
	resp_free(r);
	locked_out(a, person, "before any enrolment");
	sa = shown_secret(a);
	cr_assert_not_null(sa);

	/* B: the same account in another browser, setting up its own */
	cr_assert_eq(cl_login(b, "aktau@example.org", DEMO_PASSWORD, NULL), 303);
	sb = shown_secret(b);
	cr_assert_not_null(sb);
	cr_assert_str_neq(sa, sb, "each session sets up a secret of its own: "
				  "A must not learn the one B is enrolling");
	enrol(b, sb);
	r = cl_get(b, "/members");
	cr_assert_eq(r->status, 200, "B proved the factor");
	resp_free(r);

	/* A never gave a code: it has nothing more than before, and its
	 * half-finished sign-in ended when B set up the factor */
	locked_out(a, person, "after another session enrolled");
	r = cl_get(a, "/account");
	cr_assert_eq(r->status, 303);
	cr_assert(str_starts(resp_header(r, "Location"), "/login"));
	resp_free(r);
	/* and the secret A was shown opens nothing */
	{
		char code[7];
		cr_assert_eq(cl_login(a, "aktau@example.org", DEMO_PASSWORD, NULL), 303);
		totp_now(sa, code);
		r = cl_post(a, "/login/totp", "code=%s", code);
		cr_assert_eq(r->status, 401, "A's own pending secret is not the factor");
		resp_free(r);
		locked_out(a, person, "with the wrong secret's code");
	}
	free(sa);
	free(sb);
	free(person);
	cl_free(a);
	cl_free(b);
}

/* The same race on a fresh account row: a session whose row says 'full'
 * (signed in before the factor existed) but that never proved it. */
Test(factor, the_gate_reads_the_session_not_the_account)
{
	struct client *a = cl_new(&S), *b = cl_new(&S);
	char *person = aktau_person(), *sb, *n;
	struct resp *r;

	r = cl_post(a, "/login", "email=aktau%%40example.org&password=rudder-demo");
	cr_assert_eq(r->status, 303);
	resp_free(r);
	cr_assert_eq(cl_login(b, "aktau@example.org", DEMO_PASSWORD, NULL), 303);
	sb = shown_secret(b);
	enrol(b, sb);
	/* enrolment ended A; a row that says "full" without the factor (what
	 * A's would be, had it survived) must still owe the code: B's own
	 * row, its factor taken away, stands in for it */
	n = srv_sql(&S, "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id "
			"WHERE u.display_name LIKE 'Yerlan%%'");
	cr_assert_not_null(n);
	cr_assert_eq(atoi(n), 1, "enrolling ended the account's other sessions");
	free(n);
	free(srv_sql(&S, "UPDATE sessions SET second_factor = 0"));
	locked_out(b, person, "a session row without the factor");
	r = cl_get(b, "/members");
	cr_assert_str_eq(resp_header(r, "Location"), "/login/totp");
	resp_free(r);
	free(sb);
	free(person);
	cl_free(a);
	cl_free(b);
}

Test(factor, turning_the_factor_off_or_resetting_it_ends_other_sessions)
{
	struct client *a = cl_new(&S), *b = cl_new(&S), *admin = cl_new(&S);
	char *sa, *uid, *path;
	struct resp *r;

	/* the member account holds no personal role: it may turn it off */
	cr_assert_eq(cl_login(a, "member@example.org", DEMO_PASSWORD, NULL), 303);
	sa = shown_secret(a);
	cr_assert_not_null(sa);
	enrol(a, sa);
	cr_assert_eq(cl_login(b, "member@example.org", DEMO_PASSWORD, sa), 303);
	r = cl_get(b, "/me");
	cr_assert_eq(r->status, 200);
	resp_free(r);
	r = cl_post(a, "/account/totp/disable", "password=rudder-demo");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_get(b, "/me");
	cr_assert_eq(r->status, 303, "turning the factor off signed B out");
	resp_free(r);
	r = cl_get(a, "/me");
	cr_assert_eq(r->status, 200, "the session that turned it off stays");
	resp_free(r);

	/* an administrator's reset ends every session of the account */
	free(sa);
	sa = shown_secret(a);
	cr_assert_not_null(sa);
	enrol(a, sa);
	cr_assert_eq(cl_login(admin, "admin@example.org", DEMO_PASSWORD, NULL), 303);
	{
		char *as = shown_secret(admin);
		enrol(admin, as);
		free(as);
	}
	uid = srv_sql(&S, "SELECT account_id FROM people WHERE account_id IS NOT NULL "
			  "ORDER BY id LIMIT 1");
	path = xasprintf("/admin/users/%s/totp/reset", str_trim(uid));
	r = cl_post(admin, path, "%s", "");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_get(a, "/me");
	cr_assert_eq(r->status, 303, "a reset signs the account out everywhere");
	resp_free(r);
	/* and who reset it is no second officer for it (auth.h) */
	free(uid);
	uid = srv_sql(&S, "SELECT count(*) FROM account_ties WHERE kind = 'reset'");
	cr_assert_eq(atoi(uid), 1);
	free(path);
	free(uid);
	free(sa);
	cl_free(a);
	cl_free(b);
	cl_free(admin);
}
