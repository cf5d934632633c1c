/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The accounts part of the JSON API (/api/v1/): the session (who am I,
 * the CSRF token, signing in and out) and account management. The same
 * rules as the pages; errors are {status, code, message}.
 */
#include "auth.h"
#include "internal.h"
#include "platform/audit/audit.h"
#include "platform/db/db.h"
#include "platform/i18n/i18n.h"
#include "platform/runtime.h"

#include <string.h>

void api_session_get(struct http_req *rq, struct http_resp *rs)
{
	json_t *j = json_object();

	json_object_set_new(j, "csrf", json_string(auth_csrf_token(rq, rs)));
	if (rq->user.id) {
		/* the grants in force (a token's only its own): what a
		 * script names when it makes a token */
		size_t ng;
		const struct grant *g = auth_grants(rq, &ng);
		json_t *grants = json_array();
		for (size_t i = 0; i < ng; i++)
			json_array_append_new(
				grants,
				json_pack("{s:I, s:s, s:I, s:s}", "id",
					  (json_int_t)g[i].id, "role", g[i].role,
					  "scope_id", (json_int_t)g[i].scope_id,
					  "scope", g[i].scope_id ? g[i].scope_name : ""));
		json_object_set_new(
			j, "user",
			json_pack("{s:I, s:s, s:s, s:b, s:b, s:o}", "id",
				  (json_int_t)rq->user.id, "display_name",
				  rq->user.name ? rq->user.name : "", "lang",
				  rq->lang, "second_factor",
				  rq->user.second_factor, "needs_enrolment",
				  rq->user.needs_enrolment, "grants", grants));
		json_object_set_new(j, "stage", json_string("full"));
	} else {
		json_object_set_new(j, "user", json_null());
		json_object_set_new(j, "stage",
				    json_string(session_pending_user(rq) ? "totp"
									 : "none"));
	}
	http_json(rs, 200, j);
}

static void login_outcome(struct http_req *rq, struct http_resp *rs,
			  enum login_result r, int64_t locked)
{
	switch (r) {
	case LOGIN_OK:
		/* the CSRF token follows the new session */
		http_json(rs, 200,
			  json_pack("{s:s, s:s}", "stage", "full", "csrf",
				    auth_csrf_token(rq, rs)));
		break;
	case LOGIN_NEED_TOTP:
		http_json(rs, 200,
			  json_pack("{s:s, s:s}", "stage", "totp", "csrf",
				    auth_csrf_token(rq, rs)));
		break;
	case LOGIN_WRONG:
		http_error(rq, rs, HTTP_E_WRONG_CREDENTIALS,
			   N_("Wrong email or password."));
		break;
	case LOGIN_LOCKED: {
		char *s = arena_printf(rq->arena, "%lld", (long long)locked);
		http_set_header(rs, "Retry-After", s);
		http_error(rq, rs, HTTP_E_THROTTLED,
			   N_("Too many failed attempts. Try again later."));
		break;
	}
	case LOGIN_UNAVAILABLE:
		http_error(rq, rs, HTTP_E_UNAVAILABLE,
			   N_("The database cannot be reached. Try again in a moment."));
		break;
	}
}

void api_session_login(struct http_req *rq, struct http_resp *rs)
{
	int64_t locked;
	enum login_result r = auth_try_login(rq, rs, http_field(rq, "email"),
					     http_field(rq, "password"), &locked);
	login_outcome(rq, rs, r, locked);
}

void api_session_totp(struct http_req *rq, struct http_resp *rs)
{
	int64_t locked;
	enum login_result r;

	if (!session_pending_user(rq)) {
		http_error(rq, rs, HTTP_E_NO_PENDING_LOGIN,
			   N_("Sign in with your password first."));
		return;
	}
	r = auth_try_totp(rq, http_field(rq, "code"), &locked);
	if (r == LOGIN_WRONG) {
		http_error(rq, rs, HTTP_E_WRONG_CODE, N_("That code is not right."));
		return;
	}
	login_outcome(rq, rs, r, locked);
}

void api_session_logout(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	int64_t uid = rq->user.id ? rq->user.id : session_pending_user(rq);

	if (session_id(rq)) {
		session_end(rq, rs, c);
		if (uid)
			audit_add(c, uid, "", "logout",
				  arena_printf(rq->arena, "user:%lld",
					       (long long)uid),
				  NULL);
	}
	rs->status = 204;
}

void api_users_list(struct http_req *rq, struct http_resp *rs)
{
	struct http_list l;

	if (http_list_args(rq, rs, &l) == 0)
		http_list_array(rs, &l, "users", admin_accounts_json(rq, true));
}

void api_users_create(struct http_req *rq, struct http_resp *rs)
{
	int64_t id = 0;
	char *link = NULL;
	const char *why, *field;
	int status = admin_create_account(
		rq, http_field(rq, "email"), http_field(rq, "display_name"),
		http_field(rq, "lang"), http_field(rq, "role"),
		http_field_int(rq, "scope_id", 0), &id, &link, &why, &field);

	if (status == 202) {
		/* a manager of some branches: an invitation, whatever the
		 * address has (admin.c) */
		http_json(rs, 202, json_pack("{s:I, s:s}", "invitation", (json_int_t)id,
					     "status", "invited"));
		return;
	}
	if (status != 201) {
		http_error(rq, rs,
			   status == 409   ? HTTP_E_CONFLICT
			   : status == 403 ? HTTP_E_FORBIDDEN
			   : status == 500 ? HTTP_E_INTERNAL
					   : HTTP_E_INVALID_FIELD,
			   why);
		return;
	}
	http_json(rs, 201,
		  json_pack("{s:I, s:s}", "id", (json_int_t)id,
			    "set_password_link", link));
}

void api_user_get(struct http_req *rq, struct http_resp *rs)
{
	int64_t id = http_param_int(rq, "id");
	json_t *all = admin_accounts_json(rq, true), *u;
	size_t i;

	json_array_foreach(all, i, u) {
		if (json_integer_value(json_object_get(u, "id")) == id) {
			json_incref(u);
			json_decref(all);
			http_json(rs, 200, u);
			return;
		}
	}
	json_decref(all);
	http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such account."));
}
