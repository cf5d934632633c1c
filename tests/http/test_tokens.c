/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Personal access tokens (docs/api/tokens.md): only an account with a
 * second factor, proved in the session, makes one; a token carries only
 * the grants it was given, a read-only one cannot write, every token
 * that cannot be used gets one and the same 401, and a flood of them
 * from one address 429 without locking out good tokens or passwords
 * there; it never opens a page, gets no cookie and needs no CSRF token,
 * what it reads and writes is audited under its name, every reset of
 * the account revokes it (a change of password by its owner does not),
 * and its text is nowhere in plain text. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
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
TestSuite(tokens, .init = up, .fini = down, .timeout = 180);

#define AKTAU_NAME "Yerlan (Aktau coordinator)"

/* who of the demo, signed in with a second factor turned on and proved
 * in this session: what making a token needs. The secret goes to
 * *secret_r when not NULL (malloc'd). */
static struct client *maker(const char *who, char **secret_r)
{
	struct client *c = cl_as(&S, who, "en");
	char *secret = cl_enrol(c);

	if (secret_r)
		*secret_r = secret;
	else
		free(secret);
	return c;
}

/* The id of one of the Aktau coordinator's grants (malloc'd). */
static char *aktau_grant(const char *role)
{
	return srv_value(&S,
			 "SELECT g.id FROM grants g JOIN users u ON u.id = g.user_id "
			 "WHERE u.display_name = '" AKTAU_NAME "' AND g.role = '%s'",
			 role);
}

/* Makes a token through the API with c's session; its text (malloc'd)
 * and its id in *id_r. grants: a JSON list's insides ("3, 4"). */
static char *make_token(struct client *c, const char *name, const char *grants,
			bool read_only, long *id_r)
{
	char *body = xasprintf("{\"name\": \"%s\", \"days\": 30, \"read_only\": %s, "
			       "\"grants\": [%s]}",
			       name, read_only ? "true" : "false", grants);
	struct resp *r = cl_api(c, "POST", "/api/v1/tokens", body);
	json_t *j;
	char *text;

	cr_assert_eq(r->status, 201, "%s", r->body);
	j = json_loads(r->body, 0, NULL);
	cr_assert_not_null(j);
	text = xstrdup(json_string_value(json_object_get(j, "token")));
	cr_assert(str_starts(text, "rdr_"), "%s", text);
	if (id_r)
		*id_r = (long)json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	resp_free(r);
	free(body);
	return text;
}

/* A request with a token and nothing else: no cookie, no CSRF header. */
static struct resp *with_token(const char *token, const char *method,
			       const char *path, const char *json)
{
	struct client *c = cl_new(&S);
	char *h = xasprintf("Authorization: Bearer %s", token);
	const char *hs[] = {h, NULL};
	struct resp *r = cl_req(c, method, path, json ? "application/json" : NULL,
				json, json ? strlen(json) : 0, hs);

	free(h);
	cl_free(c);
	return r;
}

static long total_of(const char *body)
{
	json_t *j = json_loads(body, 0, NULL);
	long n;

	cr_assert_not_null(j, "%s", body);
	n = (long)json_integer_value(json_object_get(j, "total"));
	json_decref(j);
	return n;
}

Test(tokens, a_token_scoped_to_aktau_sees_only_aktau_and_nothing_more)
{
	struct client *c = maker("aktau", NULL);
	char *organizer = aktau_grant("organizer");
	char *tok = make_token(c, "door lists", organizer, false, NULL);
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	char *n_aktau = srv_value(&S,
		"SELECT count(*) FROM people p JOIN scopes s ON s.id = p.branch_id "
		"WHERE s.path LIKE '/%s/%%' AND p.erased_at IS NULL", aktau);
	char *foreign = srv_value(&S,
		"SELECT p.id FROM people p JOIN scopes s ON s.id = p.branch_id "
		"WHERE s.path NOT LIKE '/%s/%%' ORDER BY p.id LIMIT 1", aktau);
	char *path = xasprintf("/api/v1/members/%s", foreign);
	struct resp *r = with_token(tok, "GET", "/api/v1/members", NULL);

	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_gt(atol(n_aktau), 3);
	cr_assert_eq(total_of(r->body), atol(n_aktau), "%s", r->body);
	/* no cookie of any kind on a token's request */
	cr_assert_null(strcasestr(r->headers, "Set-Cookie"), "%s", r->headers);
	resp_free(r);
	r = with_token(tok, "GET", path, NULL);
	cr_assert(r->status == 404 || r->status == 403, "%ld %s", r->status, r->body);
	resp_free(r);
	/* the account manages accounts in Aktau; the token was not given it */
	r = with_token(tok, "GET", "/api/v1/users", NULL);
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);
	/* and it may list tokens, but never make one */
	r = with_token(tok, "GET", "/api/v1/tokens", NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "door lists"));
	cr_assert_null(strstr(r->body, tok), "a token's text is never shown again");
	resp_free(r);
	r = with_token(tok, "POST", "/api/v1/tokens",
		       "{\"name\": \"more\", \"days\": 30, \"grants\": []}");
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM api_tokens"), "1");
	/* its last use is noted */
	cr_assert_str_neq(srv_value(&S, "SELECT coalesce(last_used_at, 0) FROM api_tokens"), "0");
	free(path);
	free(organizer);
	free(tok);
	cl_free(c);
}

Test(tokens, a_token_holds_only_grants_of_its_own_account)
{
	struct client *c = maker("aktau", NULL);
	char *foreign = srv_value(&S,
		"SELECT g.id FROM grants g JOIN users u ON u.id = g.user_id "
		"WHERE u.display_name <> '" AKTAU_NAME "' LIMIT 1");
	char *body = xasprintf("{\"name\": \"x\", \"days\": 30, \"grants\": [%s]}", foreign);
	struct resp *r = cl_api(c, "POST", "/api/v1/tokens", body);

	cr_assert_eq(r->status, 422, "%s", r->body);
	resp_free(r);
	r = cl_api(c, "POST", "/api/v1/tokens", "{\"name\": \"x\", \"days\": 366}");
	cr_assert_eq(r->status, 422, "%s", r->body);
	cr_assert(strstr(r->body, "\"field\":\"days\"") || strstr(r->body, "\"field\": \"days\""), "%s", r->body);
	resp_free(r);
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM api_tokens"), "0");
	free(body);
	free(foreign);
	cl_free(c);
}

Test(tokens, a_read_only_token_cannot_write)
{
	struct client *c = maker("aktau", NULL);
	char *organizer = aktau_grant("organizer");
	char *tok = make_token(c, "reader", organizer, true, NULL);
	char *mine = srv_value(&S,
		"SELECT p.id FROM people p JOIN scopes s ON s.id = p.branch_id "
		"WHERE s.name = 'Aktau' ORDER BY p.id LIMIT 1");
	char *path = xasprintf("/api/v1/members/%s", mine);
	struct resp *r = with_token(tok, "GET", path, NULL);

	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	r = with_token(tok, "PATCH", path, "{\"display_name\": \"Changed\"}");
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);
	r = with_token(tok, "POST", "/api/v1/members", "{\"display_name\": \"New\"}");
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);
	r = with_token(tok, "DELETE", "/api/v1/tokens/1", NULL);
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM people WHERE display_name IN ('Changed', 'New')"), "0");
	free(path);
	free(mine);
	free(organizer);
	free(tok);
	cl_free(c);
}

Test(tokens, a_token_writes_without_csrf_and_gets_no_cookie)
{
	struct client *c = maker("aktau", NULL);
	long first = 0;
	char *one = make_token(c, "one", "", false, &first);
	char *two = make_token(c, "two", "", false, NULL);
	char *path = xasprintf("/api/v1/tokens/%ld", first);
	/* token two revokes token one: a DELETE, with no CSRF header and no
	 * cookie at all */
	struct resp *r = with_token(two, "DELETE", path, NULL);

	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_null(strcasestr(r->headers, "Set-Cookie"), "%s", r->headers);
	resp_free(r);
	r = with_token(one, "GET", "/api/v1/tokens", NULL);
	cr_assert_eq(r->status, 401, "%s", r->body);
	resp_free(r);
	/* a session still needs its CSRF token */
	r = cl_req(c, "DELETE", path, NULL, NULL, 0, NULL);
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);
	free(path);
	free(one);
	free(two);
	cl_free(c);
}

Test(tokens, every_unusable_token_gets_the_same_401)
{
	struct client *c = maker("aktau", NULL);
	long expired_id = 0, revoked_id = 0;
	char *expired = make_token(c, "expired", "", false, &expired_id);
	char *revoked = make_token(c, "revoked", "", false, &revoked_id);
	char *disabled = make_token(c, "disabled", "", false, NULL);
	char *path = xasprintf("/api/v1/tokens/%ld", revoked_id);
	struct resp *r;
	char *bodies[5];
	const char *toks[] = {expired, revoked, disabled,
			      "rdr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "nonsense"};

	free(srv_sql(&S, "UPDATE api_tokens SET expires_at = 1 WHERE id = %ld", expired_id));
	r = cl_api(c, "DELETE", path, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	/* a token keeps working while its account does */
	r = with_token(disabled, "GET", "/api/v1/tokens", NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	free(srv_sql(&S, "UPDATE users SET status = 'disabled' WHERE display_name = '" AKTAU_NAME "'"));
	for (int i = 0; i < 5; i++) {
		r = with_token(toks[i], "GET", "/api/v1/tokens", NULL);
		cr_assert_eq(r->status, 401, "%s: %ld %s", toks[i], r->status, r->body);
		bodies[i] = xstrdup(r->body);
		resp_free(r);
		if (i)
			cr_assert_str_eq(bodies[i], bodies[0], "no oracle");
	}
	cr_assert(strstr(bodies[0], "\"unauthenticated\""), "%s", bodies[0]);
	for (int i = 0; i < 5; i++)
		free(bodies[i]);
	free(path);
	free(expired);
	free(revoked);
	free(disabled);
	cl_free(c);
}

Test(tokens, a_role_revoked_from_the_account_is_gone_from_its_token)
{
	struct client *c = maker("aktau", NULL), *admin;
	char *organizer = aktau_grant("organizer");
	char *tok = make_token(c, "gateway", organizer, false, NULL);
	char *uid = srv_value(&S, "SELECT id FROM users WHERE display_name = '" AKTAU_NAME "'");
	char *revoke = xasprintf("/admin/users/%s/grants/%s/revoke", uid, organizer);
	struct resp *r = with_token(tok, "GET", "/api/v1/members", NULL);

	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	admin = cl_as(&S, "admin", "en");
	r = cl_post(admin, revoke, "confirm=yes");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = with_token(tok, "GET", "/api/v1/members", NULL);
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM api_token_grants"), "0");
	free(revoke);
	free(uid);
	free(organizer);
	free(tok);
	cl_free(admin);
	cl_free(c);
}

Test(tokens, a_personal_read_through_a_token_is_audited_with_its_name)
{
	struct client *c = maker("aktau", NULL), *admin;
	char *organizer = aktau_grant("organizer");
	long id = 0;
	char *tok = make_token(c, "SMS gateway", organizer, true, &id);
	char *mine = srv_value(&S,
		"SELECT p.id FROM people p JOIN scopes s ON s.id = p.branch_id "
		"WHERE s.name = 'Aktau' ORDER BY p.id LIMIT 1");
	char *path = xasprintf("/api/v1/members/%s", mine);
	struct resp *r = with_token(tok, "GET", path, NULL);
	char *label, *detail, *want;

	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	label = srv_value(&S, "SELECT actor_label FROM audit_log WHERE action = 'person.viewed' "
			      "ORDER BY id DESC LIMIT 1");
	cr_assert_str_eq(label, "token:SMS gateway");
	detail = srv_value(&S, "SELECT detail FROM audit_log WHERE action = 'person.viewed' "
			       "ORDER BY id DESC LIMIT 1");
	want = xasprintf("\"token\":%ld", id);
	cr_assert(strstr(detail, want), "%s", detail);
	/* the audit page says it in words */
	admin = cl_as(&S, "admin", "en");
	r = cl_get(admin, "/audit");
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "through the access token “SMS gateway”"), "%s", r->body);
	resp_free(r);
	free(want);
	free(detail);
	free(label);
	free(path);
	free(mine);
	free(organizer);
	free(tok);
	cl_free(admin);
	cl_free(c);
}

Test(tokens, a_token_never_opens_a_page)
{
	struct client *c = maker("aktau", NULL);
	char *organizer = aktau_grant("organizer");
	char *tok = make_token(c, "pages", organizer, false, NULL);
	const char *pages[] = {"/members", "/account/tokens", "/account", NULL};

	for (int i = 0; pages[i]; i++) {
		struct resp *r = with_token(tok, "GET", pages[i], NULL);
		cr_assert_eq(r->status, 401, "%s: %ld", pages[i], r->status);
		cr_assert_null(strcasestr(r->headers, "Set-Cookie"), "%s", r->headers);
		resp_free(r);
	}
	free(organizer);
	free(tok);
	cl_free(c);
}

Test(tokens, made_on_the_page_shown_once_revoked_after_asking)
{
	struct client *c = maker("aktau", NULL), *admin;
	char *organizer = aktau_grant("organizer");
	struct resp *r = cl_get(c, "/account/tokens");
	char *tok, *id, *revoke;

	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "name=\"grant\""), "%s", r->body);
	cr_assert(strstr(r->body, "value=\"90\""), "%s", r->body);
	resp_free(r);
	r = cl_post(c, "/account/tokens", "name=Spreadsheet&days=7&grant=%s&read_only=on",
		    organizer);
	cr_assert_eq(r->status, 201, "%s", r->body);
	tok = between(r->body, "<code class=\"secret\" id=\"token\">", "</code>");
	cr_assert_not_null(tok, "%s", r->body);
	cr_assert(str_starts(tok, "rdr_"));
	resp_free(r);
	r = cl_get(c, "/account/tokens");
	cr_assert(strstr(r->body, "Spreadsheet"));
	cr_assert_null(strstr(r->body, tok), "shown once only");
	resp_free(r);
	r = with_token(tok, "GET", "/api/v1/members", NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);

	/* the administrator sees it; a coordinator of a branch does not */
	admin = cl_as(&S, "admin", "en");
	r = cl_get(admin, "/admin/tokens");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "Spreadsheet"));
	cr_assert(strstr(r->body, AKTAU_NAME));
	resp_free(r);
	r = cl_get(c, "/admin/tokens");
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);

	id = srv_value(&S, "SELECT id FROM api_tokens WHERE name = 'Spreadsheet'");
	revoke = xasprintf("/account/tokens/%s/revoke", id);
	r = cl_post(c, revoke, "%s", "");
	cr_assert_eq(r->status, 200, "asks first: %s", r->body);
	cr_assert(strstr(r->body, "name=\"confirm\" value=\"yes\""), "%s", r->body);
	resp_free(r);
	r = with_token(tok, "GET", "/api/v1/members", NULL);
	cr_assert_eq(r->status, 200, "asking changed nothing");
	resp_free(r);
	/* another account's token is not found */
	free(revoke);
	revoke = xasprintf("/admin/tokens/%s/revoke", id);
	r = cl_post(admin, revoke, "confirm=yes");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = with_token(tok, "GET", "/api/v1/members", NULL);
	cr_assert_eq(r->status, 401, "%s", r->body);
	resp_free(r);
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM audit_log WHERE action IN "
				       "('token.created', 'token.revoked')"), "2");
	r = cl_get(admin, "/audit");
	cr_assert(strstr(r->body, "made the access token"), "%s", r->body);
	cr_assert(strstr(r->body, "revoked the access token"), "%s", r->body);
	resp_free(r);

	/* the token's text is nowhere in plain text: data, log, backup */
	const char *needles[] = {tok, NULL};
	srv_assert_no_plaintext(&S, AKTAU_NAME, needles);
	free(revoke);
	free(id);
	free(tok);
	free(organizer);
	cl_free(admin);
	cl_free(c);
}

Test(tokens, another_accounts_token_is_not_found)
{
	struct client *admin = maker("admin", NULL), *c = cl_as(&S, "aktau", "en");
	long id = 0;
	char *tok = make_token(admin, "admin's", "", false, &id);
	char *api = xasprintf("/api/v1/tokens/%ld", id);
	char *page = xasprintf("/account/tokens/%ld/revoke", id);
	char *other = xasprintf("/admin/tokens/%ld/revoke", id);
	struct resp *r = cl_api(c, "DELETE", api, NULL);

	cr_assert_eq(r->status, 404, "%s", r->body);
	resp_free(r);
	r = cl_post(c, page, "confirm=yes");
	cr_assert_eq(r->status, 404, "%s", r->body);
	resp_free(r);
	/* a manager of a branch is no manager of every token */
	r = cl_post(c, other, "confirm=yes");
	cr_assert_eq(r->status, 404, "%s", r->body);
	resp_free(r);
	r = cl_api(c, "GET", "/api/v1/tokens", NULL);
	cr_assert_null(strstr(r->body, "admin's"), "%s", r->body);
	resp_free(r);
	r = with_token(tok, "GET", "/api/v1/tokens", NULL);
	cr_assert_eq(r->status, 200, "still working: %s", r->body);
	resp_free(r);
	free(other);
	free(page);
	free(api);
	free(tok);
	cl_free(c);
	cl_free(admin);
}

/* ---- making a token needs a second factor ---- */

Test(tokens, a_password_alone_makes_no_token)
{
	/* the demo asks no second factor of anyone (auth.require_totp is
	 * off there): still, no token without one */
	struct client *c = cl_as(&S, "aktau", "ru");
	struct resp *r = cl_get(c, "/account/tokens");
	const char *body = "{\"name\": \"gateway\", \"days\": 30}";
	char *secret;

	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_null(strstr(r->body, "name=\"grant\""), "no form: %s", r->body);
	cr_assert(strstr(r->body, "id=\"needs-factor\""), "%s", r->body);
	cr_assert(strstr(r->body, "href=\"/account/totp?next=/account/tokens\""), "%s", r->body);
	resp_free(r);
	r = cl_post(c, "/account/tokens", "name=gateway&days=7");
	cr_assert_eq(r->status, 403, "%s", r->body);
	cr_assert(strstr(r->body, "href=\"/account/totp?next=/account/tokens\""), "%s", r->body);
	resp_free(r);
	r = cl_api(c, "POST", "/api/v1/tokens", body);
	cr_assert_eq(r->status, 403, "%s", r->body);
	cr_assert(strstr(r->body, "\"code\":\"totp_required\""), "%s", r->body);
	/* in the account's language */
	cr_assert_null(strstr(r->body, "Only an account"), "%s", r->body);
	cr_assert(strstr(r->body, "двухэтапн"), "%s", r->body);
	resp_free(r);
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM api_tokens"), "0");

	/* turned on, and proved in this session: made */
	secret = cl_enrol(c);
	r = cl_api(c, "POST", "/api/v1/tokens", body);
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	r = cl_get(c, "/account/tokens");
	cr_assert(strstr(r->body, "name=\"grant\""), "the form: %s", r->body);
	resp_free(r);
	/* turned off again: no more */
	r = cl_post(c, "/account/totp/disable", "password=%s", DEMO_PASSWORD);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_api(c, "POST", "/api/v1/tokens", body);
	cr_assert_eq(r->status, 403, "%s", r->body);
	cr_assert(strstr(r->body, "\"code\":\"totp_required\""), "%s", r->body);
	resp_free(r);
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM api_tokens"), "1");
	free(secret);
	cl_free(c);
}

/* ---- a reset revokes every token; a change by the owner keeps them ---- */

static char *aktau_id(void)
{
	return srv_value(&S, "SELECT id FROM users WHERE display_name = '" AKTAU_NAME "'");
}

/* The status a token gets from GET /api/v1/tokens. */
static long status_of(const char *token)
{
	struct resp *r = with_token(token, "GET", "/api/v1/tokens", NULL);
	long st = r->status;

	resp_free(r);
	return st;
}

#define NEW_PASSWORD "a new password of the coordinator"

Test(tokens, a_password_link_revokes_every_token)
{
	struct client *c = maker("aktau", NULL), *admin = cl_as(&S, "admin", "en");
	struct client *anon = cl_new(&S);
	char *one = make_token(c, "door lists", "", false, NULL);
	char *two = make_token(c, "SMS gateway", "", true, NULL);
	char *uid = aktau_id(), *path = xasprintf("/admin/users/%s/link", uid);
	char *pw = urlenc(NEW_PASSWORD), *link, *page, *detail;
	struct resp *r = cl_post(admin, path, "%s", "");

	/* an administrator of the whole organization is shown the link */
	cr_assert_eq(r->status, 200, "%s", r->body);
	link = between(r->body, "/account/set-password?token=", "<");
	cr_assert_not_null(link, "%s", r->body);
	resp_free(r);
	/* a link made changes nothing until it is used */
	cr_assert_eq(status_of(one), 200);
	page = xasprintf("/account/set-password?token=%s", link);
	r = cl_get(anon, page);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "revokes its access tokens"), "it says so first: %s", r->body);
	resp_free(r);
	r = cl_post(anon, "/account/set-password", "token=%s&password=%s&password2=%s",
		    link, pw, pw);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	cr_assert_eq(status_of(one), 401);
	cr_assert_eq(status_of(two), 401);
	/* and the session of whoever held the old password is over, as ever */
	r = cl_get(c, "/api/v1/session");
	cr_assert(strstr(r->body, "\"user\":null"), "%s", r->body);
	resp_free(r);
	/* one entry says how many, and why */
	detail = srv_value(&S, "SELECT detail FROM audit_log WHERE action = 'tokens.revoked_all' "
			       "AND object = 'user:%s'", uid);
	cr_assert_str_eq(detail, "{\"reason\":\"password.set\",\"tokens\":2}");
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL"), "0");
	r = cl_get(admin, "/audit");
	cr_assert(strstr(r->body, "every access token of"), "%s", r->body);
	resp_free(r);
	free(detail);
	free(page);
	free(link);
	free(pw);
	free(path);
	free(uid);
	free(two);
	free(one);
	cl_free(anon);
	cl_free(admin);
	cl_free(c);
}

Test(tokens, a_second_factor_reset_revokes_every_token)
{
	struct client *c = maker("aktau", NULL), *admin = maker("admin", NULL);
	long other_id = 0;
	char *mine = make_token(c, "door lists", "", false, NULL);
	char *other = make_token(admin, "the administrator's", "", false, &other_id);
	char *uid = aktau_id(), *path = xasprintf("/admin/users/%s/totp/reset", uid);
	char *admin_id, *row;
	struct resp *r;

	cr_assert_eq(status_of(mine), 200);
	r = cl_post(admin, path, "%s", "");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	cr_assert_eq(status_of(mine), 401);
	/* another account's token is no business of this reset */
	cr_assert_eq(status_of(other), 200);
	/* by the administrator who reset it */
	admin_id = srv_value(&S, "SELECT actor_id FROM audit_log WHERE action = 'totp.reset' "
				 "AND object = 'user:%s'", uid);
	cr_assert_str_neq(admin_id, "");
	row = srv_value(&S, "SELECT actor_id || ' ' || detail FROM audit_log "
			    "WHERE action = 'tokens.revoked_all' AND object = 'user:%s'", uid);
	{
		char *want = xasprintf("%s {\"reason\":\"totp.reset\",\"tokens\":1}", admin_id);
		cr_assert_str_eq(row, want);
		free(want);
	}
	free(row);
	free(admin_id);
	free(path);
	free(uid);
	free(other);
	free(mine);
	cl_free(admin);
	cl_free(c);
}

Test(tokens, a_password_changed_by_its_owner_keeps_tokens_and_says_how_many)
{
	struct client *c = maker("aktau", NULL);
	long revoked = 0, expired = 0;
	char *one = make_token(c, "door lists", "", false, NULL);
	char *two = make_token(c, "SMS gateway", "", true, NULL);
	char *three = make_token(c, "revoked", "", false, &revoked);
	char *four = make_token(c, "expired", "", false, &expired);
	char *del = xasprintf("/api/v1/tokens/%ld", revoked);
	char *cur = urlenc(DEMO_PASSWORD), *pw = urlenc(NEW_PASSWORD);
	struct resp *r = cl_api(c, "DELETE", del, NULL);

	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	free(srv_sql(&S, "UPDATE api_tokens SET expires_at = 1 WHERE id = %ld", expired));
	r = cl_post(c, "/account/password", "current=%s&password=%s&password2=%s", cur, pw, pw);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "Your password is changed"), "%s", r->body);
	/* the two that still work, counted, and where to revoke them */
	cr_assert(strstr(r->body, "2 access tokens of yours still work"), "%s", r->body);
	cr_assert(strstr(r->body, "href=\"/account/tokens\""), "%s", r->body);
	resp_free(r);
	cr_assert_eq(status_of(one), 200);
	cr_assert_eq(status_of(two), 200);
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM audit_log "
				       "WHERE action = 'tokens.revoked_all'"), "0");
	cr_assert_str_eq(srv_value(&S, "SELECT count(*) FROM audit_log "
				       "WHERE action = 'password.changed'"), "1");
	free(pw);
	free(cur);
	free(del);
	free(four);
	free(three);
	free(two);
	free(one);
	cl_free(c);
}

Test(tokens, the_command_line_resets_a_password_and_every_token)
{
	struct client *c = maker("aktau", NULL);
	char *tok = make_token(c, "door lists", "", false, NULL);
	char *uid = aktau_id(), *pw = xasprintf("%s/new-password", S.root);
	char *out = NULL, *err = NULL, *row;

	cr_assert_eq(status_of(tok), 200);
	cr_assert_eq(sh("echo '" NEW_PASSWORD "' > '%s'", pw), 0);
	/* on the server, while it serves */
	cr_assert_eq(run_rudder(NULL, &out, &err, "user", "passwd", "aktau@example.org",
				"--password-file", pw, "--data", S.dir, "--passphrase-file",
				S.pass, NULL), 0, "%s", err);
	cr_assert_eq(status_of(tok), 401);
	row = srv_value(&S, "SELECT actor_label || ' ' || detail FROM audit_log "
			    "WHERE action = 'tokens.revoked_all' AND object = 'user:%s'", uid);
	cr_assert_str_eq(row, "cli {\"reason\":\"password.set\",\"tokens\":1}");
	free(row);
	free(err);
	free(out);
	free(pw);
	free(uid);
	free(tok);
	cl_free(c);
}

/* ---- a flood of bad tokens from one address ---- */

Test(tokens, bad_tokens_are_throttled_apart_from_good_tokens_and_passwords)
{
	char *secret, *good, *organizer = aktau_grant("organizer");
	struct client *c = maker("aktau", &secret), *flood = cl_new(&S), *p;
	struct resp *r;
	int refused = 0;

	good = make_token(c, "gateway", organizer, false, NULL);
	cl_free(c);
	/* the 429s below are recorded and checked against the description
	 * like every other answer (each operation a token may call lists
	 * 429 with Retry-After) */
	cl_header(flood, "Accept-Language: ru");
	/* from 127.0.0.1, as everyone in this test: 29 failures answer 401,
	 * the 30th (auth.throttle_client) locks the address's bucket of bad
	 * tokens */
	for (int i = 0; i < 40; i++) {
		char *h = xasprintf("Authorization: Bearer rdr_%043d", i);
		const char *hs[] = {h, NULL};
		r = cl_req(flood, "GET", "/api/v1/tokens", NULL, NULL, 0, hs);
		if (i < 29) {
			cr_assert_eq(r->status, 401, "%d: %ld %s", i, r->status, r->body);
		} else {
			const char *ra = resp_header(r, "Retry-After");
			cr_assert_eq(r->status, 429, "%d: %ld %s", i, r->status, r->body);
			cr_assert_not_null(ra, "%s", r->headers);
			cr_assert(atol(ra) > 0 && atol(ra) <= 900, "Retry-After: %s", ra);
			cr_assert(strstr(r->body, "\"code\":\"throttled\""), "%s", r->body);
			cr_assert_null(strstr(r->body, "Too many"), "in Russian: %s", r->body);
			refused++;
		}
		resp_free(r);
		free(h);
	}
	cr_assert_eq(refused, 11);
	/* a valid token from the same address is served */
	cr_assert_eq(status_of(good), 200);
	r = with_token(good, "GET", "/api/v1/members", NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	/* which unlocks nothing for the bad ones */
	cr_assert_eq(status_of("rdr_still-wrong"), 429);
	/* and a password (with its code) signs in from the same address */
	p = cl_new(&S);
	cr_assert_eq(cl_login(p, "aktau@example.org", DEMO_PASSWORD, secret), 303);
	r = cl_get(p, "/api/v1/session");
	cr_assert(strstr(r->body, "\"stage\":\"full\""), "%s", r->body);
	resp_free(r);
	cl_free(p);
	cl_free(flood);
	free(good);
	free(organizer);
	free(secret);
}

/* ---- what a token does is audited under its name ---- */

/* The newest entry of action: "actor_label|detail", waiting up to 3 s for
 * it (a search is written within AUDIT_SOON_MS). */
static char *entry_of(const char *action)
{
	for (int i = 0; i < 30; i++) {
		char *v = srv_value(&S, "SELECT actor_label || '|' || detail FROM audit_log "
					"WHERE action = '%s' ORDER BY id DESC LIMIT 1", action);
		if (*v)
			return v;
		free(v);
		usleep(100 * 1000);
	}
	cr_assert_fail("no %s entry", action);
	return NULL;
}

Test(tokens, a_search_and_a_write_through_a_token_are_audited_with_its_name)
{
	struct client *c = maker("aktau", NULL), *admin;
	char *organizer = aktau_grant("organizer");
	long id = 0;
	char *tok = make_token(c, "door lists", organizer, false, &id);
	char *mine = srv_value(&S,
		"SELECT p.id FROM people p JOIN scopes s ON s.id = p.branch_id "
		"WHERE s.name = 'Aktau' AND p.erased_at IS NULL ORDER BY p.id LIMIT 1");
	char *name = srv_value(&S, "SELECT display_name FROM people WHERE id = %s", mine);
	char *q = urlenc(name);
	char *search = xasprintf("/api/v1/members?q=%s", q);
	char *path = xasprintf("/api/v1/members/%s", mine);
	char *want = xasprintf("token:door lists|"), *tid = xasprintf("\"token\":%ld", id);
	char *e;
	struct resp *r = with_token(tok, "GET", search, NULL);
	const char *p;
	int n = 0;

	/* a read: a search of the register */
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_gt(total_of(r->body), 0, "%s", r->body);
	resp_free(r);
	e = entry_of("members.searched");
	cr_assert(str_starts(e, want), "%s", e);
	cr_assert(strstr(e, tid), "%s", e);
	free(e);
	/* a write: a change of a record */
	r = with_token(tok, "PATCH", path, "{\"notes\": \"met at the depot gate\"}");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	e = entry_of("person.updated");
	cr_assert(str_starts(e, want), "%s", e);
	cr_assert(strstr(e, tid), "%s", e);
	free(e);
	/* the audit page says it in words, for each */
	admin = cl_as(&S, "admin", "en");
	r = cl_get(admin, "/audit");
	cr_assert_eq(r->status, 200);
	for (p = r->body; (p = strstr(p, "through the access token “door lists”")); p++)
		n++;
	cr_assert_geq(n, 2, "%s", r->body);
	cr_assert(strstr(r->body, "searched the register"), "%s", r->body);
	cr_assert(strstr(r->body, "changed the record of"), "%s", r->body);
	resp_free(r);
	free(tid);
	free(want);
	free(path);
	free(search);
	free(q);
	free(name);
	free(mine);
	free(tok);
	free(organizer);
	cl_free(admin);
	cl_free(c);
}
