/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Managing accounts through the pages and the API: roles, disabling,
 * the last administrator, second-factor reset, language choices. */
#include <criterion/criterion.h>
#include <stdio.h>
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
TestSuite(accounts, .init = up, .fini = down, .timeout = 120);

/* Creates an account with a password through the one-time link. */
static char *make_account(struct client *admin, const char *email, const char *role,
			  const char *password)
{
	char *e = urlenc(email);
	struct resp *r = cl_post(admin, "/admin/users",
				 "display_name=Someone&email=%s&role=%s&scope=0", e, role);
	cr_assert_eq(r->status, 201, "%s", r->body);
	char *id = between(r->body, "href=\"/admin/users/", "\"");
	char *link = between(r->body, "id=\"link\">", "</code>");
	char *token = xstrdup(strstr(link, "token=") + 6);
	resp_free(r);
	struct client *x = cl_new(&S);
	char *p = urlenc(password);
	r = cl_post(x, "/account/set-password", "token=%s&password=%s&password2=%s", token, p, p);
	cr_assert_eq(r->status, 303);
	resp_free(r);
	cl_free(x);
	free(p);
	free(token);
	free(link);
	free(e);
	return id;
}

Test(accounts, grant_revoke_and_the_last_administrator)
{
	struct client *a = cl_as(&S, "admin", NULL);
	char *id = make_account(a, "second@example.org", "coordinator", "second password");
	char *path = xasprintf("/admin/users/%s", id), *gpath = xasprintf("%s/grants", path);
	struct resp *r;

	r = cl_post(a, gpath, "role=admin&scope=0");
	cr_assert_eq(r->status, 303);
	resp_free(r);
	r = cl_post(a, gpath, "role=admin&scope=0");
	cr_assert_eq(r->status, 409, "the same role twice");
	resp_free(r);
	r = cl_post(a, gpath, "role=nosuchrole&scope=0");
	cr_assert_eq(r->status, 403);
	resp_free(r);
	r = cl_get(a, path);
	cr_assert(strstr(r->body, "Administrator"));
	resp_free(r);
	/* the first administrator's own admin role: revocable now that
	 * there are two; then the second one is the last and stays */
	r = cl_get(a, "/admin/users/1");
	char *gid = between(r->body, "/admin/users/1/grants/", "/revoke");
	cr_assert_not_null(gid);
	resp_free(r);
	r = cl_get(a, path);
	char *prefix = xasprintf("/admin/users/%s/grants/", id);
	char *gid2 = between(r->body, prefix, "/revoke");
	free(prefix);
	resp_free(r);
	char *rev = xasprintf("/admin/users/%s/grants/%s/revoke", id, gid2);
	r = cl_post(a, rev, "%s", "confirm=yes");
	cr_assert_eq(r->status, 303, "revoking one of two admins is fine");
	resp_free(r);
	char *rev1 = xasprintf("/admin/users/1/grants/%s/revoke", gid);
	r = cl_post(a, rev1, "%s", "");
	cr_assert_eq(r->status, 409);
	cr_assert(strstr(r->body, "At least one administrator must remain."));
	resp_free(r);
	r = cl_post(a, "/admin/users/1/status", "status=disabled");
	cr_assert_eq(r->status, 409, "an admin cannot disable themself");
	resp_free(r);
	free(rev);
	free(rev1);
	free(gid);
	free(gid2);
	free(gpath);
	free(path);
	free(id);
	cl_free(a);
}

Test(accounts, disabling_signs_out_and_locks_out)
{
	struct client *a = cl_as(&S, "admin", NULL), *u = cl_new(&S);
	char *id = make_account(a, "temp@example.org", "coordinator", "temporary pass");
	char *status = xasprintf("/admin/users/%s/status", id);
	struct resp *r;

	/* the coordinator must enrol a second factor: they hold personal data */
	cr_assert_eq(cl_login(u, "temp@example.org", "temporary pass", NULL), 303);
	r = cl_get(u, "/admin/users");
	cr_assert_eq(r->status, 303);
	cr_assert_str_eq(resp_header(r, "Location"), "/account/totp");
	resp_free(r);
	r = cl_get(u, "/api/v1/users");
	cr_assert_eq(r->status, 403);
	cr_assert(strstr(r->body, "totp_required"));
	resp_free(r);
	r = cl_post(a, status, "status=disabled");
	cr_assert_eq(r->status, 303);
	resp_free(r);
	r = cl_get(u, "/account");
	cr_assert_eq(r->status, 303, "the disabled account's session ended");
	resp_free(r);
	cr_assert_eq(cl_login(u, "temp@example.org", "temporary pass", NULL), 401);
	r = cl_post(a, status, "status=frozen");
	cr_assert_eq(r->status, 422);
	resp_free(r);
	r = cl_post(a, status, "status=active");
	cr_assert_eq(r->status, 303);
	resp_free(r);
	cr_assert_eq(cl_login(u, "temp@example.org", "temporary pass", NULL), 303);
	free(status);
	free(id);
	cl_free(u);
	cl_free(a);
}

Test(accounts, second_factor_reset_and_new_link)
{
	struct client *a = cl_as(&S, "admin", NULL), *u = cl_new(&S);
	char *id = make_account(a, "phone@example.org", "coordinator", "lost my phone");
	struct resp *r;
	cr_assert_eq(cl_login(u, "phone@example.org", "lost my phone", NULL), 303);
	r = cl_get(u, "/account/totp");
	char *usecret = between(r->body, "id=\"totp-secret\">", "<");
	resp_free(r);
	char code[7];
	totp_now(usecret, code);
	r = cl_post(u, "/account/totp", "code=%s", code);
	cr_assert_eq(r->status, 303);
	resp_free(r);
	/* lost phone: the admin resets it; the next sign-in asks to enrol */
	char *reset = xasprintf("/admin/users/%s/totp/reset", id);
	r = cl_post(a, reset, "%s", "");
	cr_assert_eq(r->status, 303);
	resp_free(r);
	cl_free(u);
	u = cl_new(&S);
	cr_assert_eq(cl_login(u, "phone@example.org", "lost my phone", NULL), 303);
	r = cl_get(u, "/account/totp");
	cr_assert(strstr(r->body, "totp-secret"), "enrolment again");
	resp_free(r);
	/* a new password link replaces the old one */
	char *link = xasprintf("/admin/users/%s/link", id);
	r = cl_post(a, link, "%s", "");
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "/account/set-password?token="));
	resp_free(r);
	free(link);
	free(reset);
	free(usecret);
	free(id);
	cl_free(u);
	cl_free(a);
}

Test(accounts, api_creates_and_lists_accounts)
{
	struct client *a = cl_as(&S, "admin", NULL);
	const char *body = "{\"email\":\"api@example.org\",\"display_name\":\"Via API\","
			   "\"role\":\"coordinator\",\"lang\":\"ru\"}";
	struct resp *r = cl_api(a, "POST", "/api/v1/users", body);
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert(strstr(r->body, "\"set_password_link\":"));
	char *id = between(r->body, "\"id\":", ",");
	resp_free(r);
	r = cl_api(a, "POST", "/api/v1/users", body);
	cr_assert_eq(r->status, 409);
	cr_assert(strstr(r->body, "\"code\":\"conflict\""));
	resp_free(r);
	r = cl_req(a, "POST", "/api/v1/users", "application/json", body, strlen(body), NULL);
	cr_assert_eq(r->status, 403, "no CSRF header, no change");
	resp_free(r);
	r = cl_get(a, "/api/v1/users");
	cr_assert(strstr(r->body, "api@example.org"));
	resp_free(r);
	char *path = xasprintf("/api/v1/users/%s", id);
	r = cl_get(a, path);
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "\"display_name\":\"Via API\""));
	resp_free(r);
	r = cl_get(a, "/api/v1/users/999");
	cr_assert_eq(r->status, 404);
	resp_free(r);
	free(path);
	free(id);
	cl_free(a);
}

Test(accounts, language_from_account_then_browser_and_switcher)
{
	struct client *c = cl_new(&S);
	cl_header(c, "Accept-Language: kk");
	struct resp *r = cl_get(c, "/login");
	cr_assert(strstr(r->body, "<html lang=\"kk\">"));
	cr_assert(strstr(r->body, "Кіру"));
	resp_free(r);
	/* the switcher sets a cookie that beats the browser */
	r = cl_post(c, "/lang", "lang=ru&next=%%2Flogin");
	cr_assert_eq(r->status, 303);
	cr_assert_str_eq(resp_header(r, "Location"), "/login");
	resp_free(r);
	r = cl_get(c, "/login");
	cr_assert(strstr(r->body, "<html lang=\"ru\">"));
	resp_free(r);
	r = cl_post(c, "/lang", "lang=xx");
	cr_assert_eq(r->status, 422);
	resp_free(r);
	/* once signed in, the account's own setting decides */
	char *secret = cl_admin(c);
	r = cl_post(c, "/account", "display_name=Admin&lang=kk");
	cr_assert_eq(r->status, 303);
	resp_free(r);
	r = cl_get(c, "/account");
	cr_assert(strstr(r->body, "<html lang=\"kk\">"), "account language wins");
	cr_assert(strstr(r->body, "Сіздің тіркелгіңіз"));
	resp_free(r);
	free(secret);
	cl_free(c);
}

/* A refused form comes back whole: each reason beside its field, the
 * field marked for assistive technology and focused, what was typed
 * kept; and a grant never falls back to the whole organization. */
Test(accounts, a_refused_form_keeps_what_was_typed_and_says_why_beside_each_field)
{
	struct client *a = cl_as(&S, "admin", NULL);
	struct resp *r;

	/* empty at first: no role or branch chosen for the manager */
	r = cl_get(a, "/admin/users/new");
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "<option value=\"\">"), "a role starts unchosen");
	cr_assert_null(strstr(r->body, " selected>The whole organization"));
	cr_assert(strstr(r->body, "maxlength=\"254\""), "the limit comes from the declaration");
	cr_assert(strstr(r->body, "Creates accounts and gives roles"), "each role is explained");
	resp_free(r);

	r = cl_post(a, "/admin/users", "display_name=Marat+%%D0%%9C&email=marat%%40localhost&role=organizer&scope=");
	cr_assert_eq(r->status, 422, "%s", r->body);
	cr_assert(strstr(r->body, "value=\"Marat М\""), "the name typed is kept");
	cr_assert(strstr(r->body, "value=\"marat@localhost\""), "so is the refused address");
	cr_assert(strstr(r->body, "id=\"email-error\""), "the reason stands beside the field");
	cr_assert(strstr(r->body, "aria-invalid=\"true\" autofocus"), "the first refused field takes the focus");
	cr_assert(strstr(r->body, "id=\"scope-error\""), "a branch must be chosen");
	cr_assert(strstr(r->body, "<option value=\"organizer\" selected>"), "the role chosen stays chosen");
	cr_assert_null(strstr(r->body, "Error 400"));
	resp_free(r);

	/* a refusal the handler finds lands beside its field too */
	r = cl_post(a, "/admin/users", "display_name=Admin+again&email=" ADMIN_EMAIL "&role=organizer&scope=0");
	cr_assert_eq(r->status, 409, "%s", r->body);
	cr_assert(strstr(r->body, "id=\"email-error\""));
	cr_assert(strstr(r->body, "exists already"));
	resp_free(r);

	/* a grant without a branch is refused, not taken as everywhere */
	r = cl_post(a, "/admin/users/1/grants", "role=coordinator");
	cr_assert_eq(r->status, 422, "%s", r->body);
	cr_assert(strstr(r->body, "id=\"scope-error\""));
	resp_free(r);
	r = cl_get(a, "/admin/users/1");
	cr_assert_null(strstr(r->body, ">Coordinator</span>"), "no role was granted");
	resp_free(r);
	cl_free(a);
}
