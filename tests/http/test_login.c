/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Signing in and out over real HTTP: CSRF, wrong passwords, throttling
 * that survives a restart, the second factor, sessions. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "platform/core/core.h"

static struct srv S;
static void up(void)
{
	srv_up(&S, SRV_FRESH, NULL);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(login, .init = up, .fini = down, .timeout = 120);

Test(login, right_password_sets_a_strict_cookie_and_signs_in)
{
	struct client *c = cl_new(&S);
	struct resp *r = cl_post(c, "/login", "email=%s&password=%s&next=%s",
				 "admin%40example.org", "admin+password+1",
				 "%2Faudit");
	const char *cookie;
	cr_assert_eq(r->status, 303, "%s", r->body);
	/* the administrator sees personal data: a second factor first, and
	 * then on to where they were going */
	cr_assert_str_eq(resp_header(r, "Location"), "/account/totp?next=/audit");
	cookie = resp_header(r, "Set-Cookie");
	cr_assert_not_null(cookie);
	cr_assert(strstr(cookie, "rudder_session="));
	cr_assert(strstr(cookie, "HttpOnly"));
	cr_assert(strstr(cookie, "SameSite=Lax"));
	cr_assert_null(strstr(cookie, "Secure"), "not behind TLS here");
	resp_free(r);
	/* the administrator has to set up a second factor first */
	r = cl_get(c, "/audit");
	cr_assert_eq(r->status, 303);
	cr_assert_str_eq(resp_header(r, "Location"), "/account/totp");
	resp_free(r);
	cl_free(c);
}

Test(login, next_never_leaves_the_site)
{
	struct client *c = cl_new(&S);
	struct resp *r = cl_post(c, "/login", "email=%s&password=%s&next=%s",
				 "admin%40example.org", "admin+password+1",
				 "%2F%2Fevil.example%2F");
	cr_assert_eq(r->status, 303);
	cr_assert_str_eq(resp_header(r, "Location"), "/account/totp?next=/");
	resp_free(r);
	cl_free(c);
}

Test(login, wrong_password_and_unknown_account_look_the_same)
{
	struct client *c = cl_new(&S);
	struct resp *a = cl_post(c, "/login", "email=admin%%40example.org&password=nope");
	struct resp *b = cl_post(c, "/login", "email=nobody%%40example.org&password=nope");
	cr_assert_eq(a->status, 401);
	cr_assert_eq(b->status, 401);
	cr_assert(strstr(a->body, "Wrong email or password."));
	cr_assert(strstr(b->body, "Wrong email or password."));
	cr_assert_null(resp_header(a, "Location"));
	resp_free(a);
	resp_free(b);
	cl_free(c);
}

Test(login, csrf_is_required_and_checked)
{
	struct client *c = cl_new(&S);
	struct resp *r;
	const char *no_origin[] = {"Origin: http://evil.example", NULL};
	char *t;

	r = cl_post(c, "/login?_csrf=", "email=a%%40b.kz&password=x");
	cr_assert_eq(r->status, 403);
	cr_assert(strstr(r->body, "expired or did not come from this site"));
	resp_free(r);
	r = cl_post(c, "/login?_csrf=forged", "email=a%%40b.kz&password=x");
	cr_assert_eq(r->status, 403);
	resp_free(r);
	/* a right token with a foreign Origin is refused too */
	t = cl_csrf(c);
	const char *body = "email=a%40b.kz&password=x";
	char *path = xasprintf("/login?_csrf=%s", t);
	r = cl_req(c, "POST", path, "application/x-www-form-urlencoded", body,
		   strlen(body), no_origin);
	cr_assert_eq(r->status, 403);
	resp_free(r);
	/* a cross-site fetch is refused even with "Origin: null" */
	const char *cross[] = {"Origin: null", "Sec-Fetch-Site: cross-site", NULL};
	r = cl_req(c, "POST", path, "application/x-www-form-urlencoded", body,
		   strlen(body), cross);
	cr_assert_eq(r->status, 403);
	resp_free(r);
	/* while our own form under no-referrer sends "Origin: null" */
	const char *own[] = {"Origin: null", "Sec-Fetch-Site: same-origin", NULL};
	r = cl_req(c, "POST", path, "application/x-www-form-urlencoded", body,
		   strlen(body), own);
	cr_assert_eq(r->status, 401, "a right token from our own page passes");
	resp_free(r);
	/* the header does as well as the query */
	char *hdr = xasprintf("X-CSRF-Token: %s", t);
	const char *hs[] = {hdr, NULL};
	r = cl_req(c, "POST", "/login", "application/x-www-form-urlencoded", body,
		   strlen(body), hs);
	cr_assert_eq(r->status, 401, "a right token in X-CSRF-Token passes");
	resp_free(r);
	/* the right token in the body counts for nothing: the gate decides
	 * on the headers, before a byte of the body is read */
	char *in_body = xasprintf("email=a%%40b.kz&password=x&_csrf=%s", t);
	r = cl_req(c, "POST", "/login", "application/x-www-form-urlencoded",
		   in_body, strlen(in_body), NULL);
	cr_assert_eq(r->status, 403, "a token in the body is not looked at");
	resp_free(r);
	/* another browser's token does not work with this browser's cookie */
	struct client *other = cl_new(&S);
	r = cl_req(other, "POST", path, "application/x-www-form-urlencoded",
		   body, strlen(body), NULL);
	cr_assert_eq(r->status, 403);
	resp_free(r);
	free(in_body);
	free(hdr);
	free(path);
	free(t);
	cl_free(other);
	cl_free(c);
}

Test(login, throttling_locks_and_survives_a_restart)
{
	struct client *c = cl_new(&S);
	struct resp *r;
	for (int i = 0; i < 5; i++) {
		r = cl_post(c, "/login", "email=admin%%40example.org&password=wrong%d", i);
		cr_assert_eq(r->status, 401);
		resp_free(r);
	}
	/* now even the right password is refused for a while */
	r = cl_post(c, "/login", "email=admin%%40example.org&password=admin+password+1");
	cr_assert_eq(r->status, 429);
	cr_assert(strstr(r->body, "Too many failed attempts"));
	cr_assert_gt(atol(resp_header(r, "Retry-After") ? resp_header(r, "Retry-After") : "0"), 0,
		     "a page refused for a while says how long");
	resp_free(r);
	cr_assert_eq(srv_stop(&S), 0);
	srv_start(&S, NULL);
	cl_free(c);
	c = cl_new(&S);
	r = cl_post(c, "/login", "email=admin%%40example.org&password=admin+password+1");
	cr_assert_eq(r->status, 429, "the lock is in the database, not in memory");
	resp_free(r);
	/* the API says the same with Retry-After */
	r = cl_api(c, "POST", "/api/v1/session",
		   "{\"email\":\"admin@example.org\",\"password\":\"admin password 1\"}");
	cr_assert_eq(r->status, 429);
	cr_assert_not_null(resp_header(r, "Retry-After"));
	cr_assert(strstr(r->body, "\"code\":\"throttled\""));
	resp_free(r);
	cl_free(c);
}

Test(login, per_client_throttle_covers_many_accounts)
{
	struct client *c = cl_new(&S);
	struct resp *r;
	int locked = 0;
	/* one client trying many accounts is stopped by the client limit */
	for (int i = 0; i < 35 && !locked; i++) {
		r = cl_post(c, "/login", "email=user%d%%40example.org&password=x", i);
		if (r->status == 429)
			locked = 1;
		else
			cr_assert_eq(r->status, 401);
		resp_free(r);
	}
	cr_assert(locked, "the client was never throttled");
	cl_free(c);
}

Test(login, second_factor_is_then_required_and_codes_do_not_replay)
{
	struct client *c = cl_new(&S);
	char *secret = cl_admin(c), code[7];
	struct resp *r = cl_get(c, "/audit");
	cr_assert_eq(r->status, 200, "after enrolment the admin pages open");
	resp_free(r);
	cl_free(c);

	/* a new sign-in stops half way until the code is given */
	c = cl_new(&S);
	r = cl_post(c, "/login", "email=admin%%40example.org&password=admin+password+1");
	cr_assert_eq(r->status, 303);
	cr_assert(str_starts(resp_header(r, "Location"), "/login/totp"));
	resp_free(r);
	r = cl_get(c, "/audit");
	cr_assert_eq(r->status, 303);
	cr_assert_str_eq(resp_header(r, "Location"), "/login/totp");
	resp_free(r);
	/* a half-finished sign-in does not last */
	char *ttl = srv_sql(&S, "SELECT max(expires_at) - max(created_at) FROM sessions "
			    "WHERE stage = 'totp'");
	cr_assert_not_null(ttl);
	cr_assert_leq(atoi(ttl), 600, "a pending session lives %s s", ttl);
	free(ttl);
	r = cl_post(c, "/login/totp", "code=000000");
	cr_assert_eq(r->status, 401);
	resp_free(r);
	totp_now(secret, code);
	r = cl_post(c, "/login/totp", "code=%s", code);
	cr_assert_eq(r->status, 303);
	resp_free(r);
	r = cl_get(c, "/audit");
	cr_assert_eq(r->status, 200);
	resp_free(r);
	cl_free(c);

	/* the same code again, by someone who watched it typed: refused */
	c = cl_new(&S);
	r = cl_post(c, "/login", "email=admin%%40example.org&password=admin+password+1");
	resp_free(r);
	r = cl_post(c, "/login/totp", "code=%s", code);
	cr_assert_eq(r->status, 401, "a used code must not work twice");
	resp_free(r);
	cl_free(c);
	free(secret);
}

Test(login, logout_and_logout_everywhere_end_sessions)
{
	struct client *a = cl_new(&S), *b = cl_new(&S);
	char *secret = cl_admin(a);
	struct resp *r;
	cr_assert_eq(cl_login(b, ADMIN_EMAIL, ADMIN_PASSWORD, secret), 303);
	r = cl_get(b, "/account/sessions");
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "curl"), "the session shows its browser");
	resp_free(r);
	/* b signs out everywhere: a is out too */
	r = cl_post(b, "/account/sessions/revoke-all", "%s", "");
	cr_assert_eq(r->status, 303);
	resp_free(r);
	r = cl_get(a, "/account");
	cr_assert_eq(r->status, 303);
	cr_assert(str_starts(resp_header(r, "Location"), "/login"));
	resp_free(r);
	/* plain sign-out */
	cr_assert_eq(cl_login(a, ADMIN_EMAIL, ADMIN_PASSWORD, secret), 303);
	r = cl_post(a, "/logout", "%s", "");
	cr_assert_eq(r->status, 303);
	resp_free(r);
	r = cl_get(a, "/account");
	cr_assert_eq(r->status, 303);
	resp_free(r);
	cl_free(a);
	cl_free(b);
	free(secret);
}

Test(login, failed_and_successful_logins_are_audited_without_emails)
{
	struct client *c = cl_new(&S);
	struct resp *r = cl_post(c, "/login", "email=ghost%%40example.org&password=x");
	resp_free(r);
	char *secret = cl_admin(c);
	r = cl_get(c, "/api/v1/audit?limit=50");
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "\"action\":\"login.failed\""));
	cr_assert(strstr(r->body, "\"action\":\"login\""));
	cr_assert(strstr(r->body, "\"action\":\"totp.enabled\""));
	cr_assert_null(strstr(r->body, "ghost"), "the typed email is not logged");
	resp_free(r);
	char *log = srv_log(&S);
	cr_assert_null(strstr(log, "ghost@"), "no email in the server log");
	cr_assert_null(strstr(log, "admin@example.org"));
	free(log);
	free(secret);
	cl_free(c);
}
