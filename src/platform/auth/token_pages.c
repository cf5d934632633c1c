/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Personal access tokens, the pages and the API (docs/api/tokens.md):
 * an account's own on /account/tokens and /api/v1/tokens, every
 * account's on /admin/tokens for a manager of the whole organization.
 * A token is made only by a session of an account with a second factor
 * that proved it (a page, or the API through a session: never through a
 * token), is shown once, and its grants are a subset of the account's
 * own.
 */
#include "auth.h"
#include "internal.h"
#include "platform/db/db.h"
#include "platform/i18n/i18n.h"
#include "platform/runtime.h"

#include <string.h>

static char *obj(struct arena *a, int64_t id)
{
	return arena_printf(a, "token:%lld", (long long)id);
}

static json_t *when(int64_t t)
{
	char s[40];

	if (!t)
		return json_null();
	time_format(t, s, sizeof(s));
	return json_string(s);
}

static json_t *iso(int64_t t)
{
	char s[40];

	if (!t)
		return json_null();
	time_format_iso(t, s, sizeof(s));
	return json_string(s);
}

static const char *grant_label(struct http_req *rq, const struct grant *g)
{
	const struct role_def *r = authz_role(g->role);

	return arena_printf(rq->arena, tr_rq(rq, N_("%s over %s")),
			    r ? tr_rq(rq, r->label) : g->role,
			    g->scope_id ? g->scope_name
					: tr_rq(rq, N_("the whole organization")));
}

static json_t *grants_json(struct http_req *rq, int64_t token, bool api)
{
	struct grant *g;
	size_t n;
	json_t *arr = json_array();

	if (api_token_grants(platform_conn(), rq->arena, token, &g, &n) != DB_OK)
		return arr;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			arr, api ? json_pack("{s:I, s:s, s:I}", "id", (json_int_t)g[i].id,
					     "role", g[i].role, "scope_id",
					     (json_int_t)g[i].scope_id)
				 : json_pack("{s:s}", "label", grant_label(rq, &g[i])));
	return arr;
}

static const char *state_of(const struct api_token *t)
{
	if (t->revoked_at)
		return "revoked";
	if (t->expires_at <= time_now())
		return "expired";
	return "active";
}

/* A token for the API (pages NULL), or for the list on pages under
 * "/account/tokens" or "/admin/tokens" (the latter naming the owner). */
static json_t *token_json(struct http_req *rq, const struct api_token *t,
			  const char *pages)
{
	bool api = !pages;
	const char *state = state_of(t);

	if (api)
		return json_pack("{s:I, s:s, s:b, s:o, s:o, s:o, s:o, s:s, s:o}",
				 "id", (json_int_t)t->id, "name", t->name,
				 "read_only", t->read_only, "created_at",
				 iso(t->created_at), "expires_at", iso(t->expires_at),
				 "last_used_at", iso(t->last_used_at),
				 "revoked_at", iso(t->revoked_at), "state", state,
				 "grants", grants_json(rq, t->id, true));
	return json_pack("{s:I, s:s, s:s, s:I, s:b, s:s, s:b, s:o, s:o, s:o, s:s, s:b, s:o}",
			 "id", (json_int_t)t->id, "name", t->name, "owner",
			 t->user_name, "owner_id", (json_int_t)t->user_id,
			 "show_owner", strcmp(pages, "/admin/tokens") == 0,
			 "revoke",
			 arena_printf(rq->arena, "%s/%lld/revoke", pages,
				      (long long)t->id),
			 "read_only", t->read_only, "created", when(t->created_at),
			 "expires", when(t->expires_at), "used",
			 when(t->last_used_at), "state",
			 tr_rq(rq, strcmp(state, "revoked") == 0   ? N_("revoked")
				   : strcmp(state, "expired") == 0 ? N_("expired")
								   : N_("active")),
			 "active", strcmp(state, "active") == 0, "grants",
			 grants_json(rq, t->id, false));
}

/* The account's grants as choices, those in chosen ticked. */
static json_t *grant_choices(struct http_req *rq, const char **chosen,
			     size_t nchosen)
{
	struct grant *g;
	size_t n;
	json_t *arr = json_array();

	if (grants_of(platform_conn(), rq->arena, rq->user.id, &g, &n) != DB_OK)
		return arr;
	for (size_t i = 0; i < n; i++) {
		bool on = false;
		char id[24];
		snprintf(id, sizeof(id), "%lld", (long long)g[i].id);
		for (size_t k = 0; k < nchosen; k++)
			on = on || strcmp(chosen[k], id) == 0;
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value",
						     id, "label",
						     grant_label(rq, &g[i]),
						     "selected", on));
	}
	return arr;
}

/* Why rq may not make a token (a msgid, the error to answer in *err_r),
 * or NULL when it may. A token outlives the session that made it (up to
 * a year) and needs no second factor to be used, so a password alone
 * must never make one: only a session, never a token, of an account
 * with a second factor, that gave its code, whatever
 * auth.require_totp asks of others. */
static const char *may_not_make(struct http_req *rq, enum http_err *err_r)
{
	if (rq->user.bearer) {
		*err_r = HTTP_E_FORBIDDEN;
		return N_("Access tokens are made only by a person signed in, never through a token.");
	}
	if (!auth_factor_proved(rq)) {
		*err_r = HTTP_E_TOTP_REQUIRED;
		return N_("Only an account with two-step sign-in makes access tokens, so that a stolen password alone cannot make one. Turn it on under Your account, Two-step sign-in, then make the token.");
	}
	return NULL;
}

static void tokens_page(struct http_req *rq, struct http_resp *rs, int status,
			const char *field, const char *why)
{
	struct api_token *t;
	size_t n, nchosen = 0;
	const char **chosen = NULL;
	json_t *list = json_array(), *data, *form;

	if (api_token_list(platform_conn(), rq->arena, rq->user.id, &t, &n) !=
	    DB_OK) {
		json_decref(list);
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, token_json(rq, &t[i], "/account/tokens"));
	form = http_form(rq, HTTP_POST, "/account/tokens");
	if (rq->method == HTTP_POST)
		chosen = http_field_all(rq, "grant", &nchosen);
	else
		http_form_value(form, "days",
				arena_printf(rq->arena, "%d", API_TOKEN_DEFAULT_DAYS));
	http_form_options(form, "grant", grant_choices(rq, chosen, nchosen));
	if (why && field)
		http_form_error(rq, form, field, why);
	data = json_pack("{s:o, s:b, s:o, s:b}", "tokens", list, "has_tokens",
			 n > 0, "form", form, "may_create", auth_factor_proved(rq));
	if (why && !field)
		json_object_set_new(data, "error", json_string(tr_rq(rq, why)));
	http_page(rq, rs, status, "auth/tokens", N_("Access tokens"), data);
}

void auth_tokens(struct http_req *rq, struct http_resp *rs)
{
	tokens_page(rq, rs, 200, NULL, NULL);
}

void auth_tokens_refused(struct http_req *rq, struct http_resp *rs)
{
	tokens_page(rq, rs, 422, NULL, NULL);
}

/* Makes a token from the request's fields; the status to answer, with
 * the token in *t_r and its text in *text_r, or a refusal in
 * *field_r and *why_r (for 403, its error in *err_r). */
static int create(struct http_req *rq, const int64_t *grants, size_t ngrants,
		  struct api_token *t_r, char **text_r, const char **field_r,
		  const char **why_r, enum http_err *err_r)
{
	struct db_conn *c = platform_conn();
	const char *name = http_field(rq, "name");
	int64_t days = http_field_int(rq, "days", API_TOKEN_DEFAULT_DAYS);
	int64_t id = 0;
	int rc;

	*field_r = *why_r = NULL;
	if ((*why_r = may_not_make(rq, err_r)))
		return 403;
	if (days < 1 || days > API_TOKEN_MAX_DAYS) {
		*field_r = "days";
		*why_r = N_("Between 1 and 365 days.");
		return 422;
	}
	rc = api_token_create(c, rq->arena, rq->user.id, name, days,
			      http_field_bool(rq, "read_only"), grants, ngrants,
			      &id, text_r);
	if (rc == DB_CONSTRAINT) {
		*field_r = "grant";
		*why_r = N_("Choose only roles your account holds.");
		return 422;
	}
	if (rc != DB_OK || api_token_get(c, rq->arena, id, t_r) != DB_OK)
		return 500;
	audit_rq(rq, c, "token.created", obj(rq->arena, id),
		 json_pack("{s:b, s:I, s:I}", "read_only", t_r->read_only,
			   "grants", (json_int_t)ngrants, "days", (json_int_t)days));
	return 201;
}

void auth_token_create(struct http_req *rq, struct http_resp *rs)
{
	size_t n;
	const char **ids = http_field_all(rq, "grant", &n);
	int64_t *grants = arena_alloc(rq->arena, (n + 1) * sizeof(*grants));
	struct api_token t;
	char *text = NULL;
	const char *field, *why;
	enum http_err err;
	int status;

	for (size_t i = 0; i < n; i++)
		if (str_to_i64(ids[i], &grants[i]) != 0)
			grants[i] = 0;
	status = create(rq, grants, n, &t, &text, &field, &why, &err);
	if (status == 500) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	if (status != 201) {
		/* nothing was written: the store checks before it writes */
		tokens_page(rq, rs, status, field, why);
		return;
	}
	/* shown here once, never in a redirect, a flash or a log */
	http_page(rq, rs, 201, "auth/token_created", N_("Access token made"),
		  json_pack("{s:s, s:o}", "token", text, "item",
			    token_json(rq, &t, "/account/tokens")));
}

/* The token id names, if rq may revoke it: its owner, or a manager of
 * the whole organization on admin pages. */
static int load(struct http_req *rq, struct http_resp *rs, bool admin,
		struct api_token *t)
{
	int64_t id = http_param_int(rq, "id");

	if (api_token_get(platform_conn(), rq->arena, id, t) != DB_OK ||
	    (admin ? !can(rq, PERM_ACCOUNTS, 0) : t->user_id != rq->user.id)) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such token."));
		return -1;
	}
	return 0;
}

static void revoke(struct http_req *rq, struct http_resp *rs, bool admin)
{
	struct api_token t;
	const char *back = admin ? "/admin/tokens" : "/account/tokens";

	if (load(rq, rs, admin, &t) != 0)
		return;
	if (!http_confirmed(
		    rq, rs, N_("Revoke an access token?"),
		    arena_printf(rq->arena,
				 tr_rq(rq, N_("The token “%s” of %s stops working at once, for every program that uses it.")),
				 t.name, t.user_name),
		    N_("Revoke the token"), back))
		return;
	if (api_token_revoke(platform_conn(), t.id, rq->user.id) == DB_OK)
		audit_rq(rq, platform_conn(), "token.revoked", obj(rq->arena, t.id),
			 json_pack("{s:I}", "owner", (json_int_t)t.user_id));
	if (rq->api) {
		/* as it is now: revoked (by this request, or before it) */
		if (api_token_get(platform_conn(), rq->arena, t.id, &t) != DB_OK) {
			http_error(rq, rs, HTTP_E_INTERNAL, NULL);
			return;
		}
		http_json(rs, 200, token_json(rq, &t, NULL));
		return;
	}
	http_flash(rq, rs, N_("The token is revoked."));
	http_redirect(rs, back);
}

void auth_token_revoke(struct http_req *rq, struct http_resp *rs)
{
	revoke(rq, rs, false);
}

void admin_token_revoke(struct http_req *rq, struct http_resp *rs)
{
	revoke(rq, rs, true);
}

void admin_tokens(struct http_req *rq, struct http_resp *rs)
{
	struct api_token *t;
	size_t n;
	json_t *list;

	if (!can(rq, PERM_ACCOUNTS, 0)) {
		http_error(rq, rs, HTTP_E_FORBIDDEN,
			   N_("Only a manager of the whole organization sees every token."));
		return;
	}
	if (api_token_list(platform_conn(), rq->arena, 0, &t, &n) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, token_json(rq, &t[i], "/admin/tokens"));
	http_page(rq, rs, 200, "auth/admin_tokens", N_("Every access token"),
		  json_pack("{s:o, s:b, s:b}", "tokens", list, "has_tokens", n > 0,
			    "show_owner", true));
}

/* ---- the API ---- */

void api_tokens_list(struct http_req *rq, struct http_resp *rs)
{
	struct http_list l;
	struct api_token *t;
	size_t n;
	json_t *list;

	if (http_list_args(rq, rs, &l) != 0)
		return;
	if (api_token_list(platform_conn(), rq->arena, rq->user.id, &t, &n) !=
	    DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, token_json(rq, &t[i], NULL));
	http_list_array(rs, &l, "items", list);
}

void api_tokens_create(struct http_req *rq, struct http_resp *rs)
{
	json_t *arr = rq->json ? json_object_get(rq->json, "grants") : NULL, *v;
	size_t n = json_array_size(arr), i;
	int64_t *grants = arena_alloc(rq->arena, (n + 1) * sizeof(*grants));
	struct api_token t;
	char *text = NULL;
	const char *field, *why;
	enum http_err err;
	int status;
	json_t *out;

	if (arr && !json_is_array(arr)) {
		http_error_field(rq, rs, "grants", NULL,
				 N_("A list of grant ids of your account."));
		return;
	}
	json_array_foreach(arr, i, v) {
		if (!json_is_integer(v)) {
			http_error_field(rq, rs, "grants", NULL,
					 N_("A list of grant ids of your account."));
			return;
		}
		grants[i] = json_integer_value(v);
	}
	status = create(rq, grants, n, &t, &text, &field, &why, &err);
	if (status == 403) {
		http_error(rq, rs, err, why);
		return;
	}
	if (status == 422) {
		http_error_field(rq, rs, strcmp(field, "grant") == 0 ? "grants" : field,
				 NULL, why);
		return;
	}
	if (status != 201) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	out = token_json(rq, &t, NULL);
	json_object_set_new(out, "token", json_string(text));
	http_json(rs, 201, out);
}

void api_token_delete(struct http_req *rq, struct http_resp *rs)
{
	revoke(rq, rs, false);
}
