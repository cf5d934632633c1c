/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Signing in and out, the second factor, the language switch, setting a
 * password from a one-time link, and an account's own settings and
 * sessions.
 */
#include "auth.h"
#include "internal.h"
#include "platform/crypto/crypto.h"
#include "platform/audit/audit.h"
#include "platform/core/conf.h"
#include "platform/db/db.h"
#include "platform/i18n/i18n.h"
#include "platform/runtime.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

static const char SQL_MY_SESSIONS[] =
	"SELECT id, agent, created_at, last_seen_at, stage FROM sessions "
	"WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC";
static const char SQL_REVOKE_ONE[] =
	"DELETE FROM sessions WHERE id = $1 AND user_id = $2";
static const char SQL_REVOKE_OTHERS[] =
	"DELETE FROM sessions WHERE user_id = $1 AND id <> $2";

/* A hash to verify against when the account does not exist, so a wrong
 * email takes as long as a wrong password. */
static char dummy_hash[256];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
	struct arena *a = arena_new();
	char *h = password_hash(a, random_token(a, 16));

	snprintf(dummy_hash, sizeof(dummy_hash), "%s", h);
	arena_free(a);
}

static char *obj(struct arena *a, const char *kind, int64_t id)
{
	return arena_printf(a, "%s:%lld", kind, (long long)id);
}

enum login_result auth_try_login(struct http_req *rq, struct http_resp *rs,
				 const char *email, const char *password,
				 int64_t *locked_for_r)
{
	struct db_conn *c = platform_conn();
	struct auth_session *s = rq->user.session;
	struct account acc;
	char *norm = email_normalize(rq->arena, email ? email : "");
	/* NULL when every client shares one address: per-account locks only */
	const char *client = rq->client;
	char *hash = NULL;
	bool found, ok;
	int64_t locked;

	*locked_for_r = 0;
	if (!c)
		return LOGIN_UNAVAILABLE;
	pthread_once(&dummy_once, make_dummy);
	locked = client ? throttle_locked(c, "client", client) : 0;
	if (!locked)
		locked = throttle_locked(c, "account", norm);
	if (locked) {
		*locked_for_r = locked;
		return LOGIN_LOCKED;
	}
	found = account_find_email(c, rq->arena, norm, &acc) == DB_OK;
	if (found)
		hash = account_password_hash(c, rq->arena, acc.id);
	ok = password_verify(hash ? hash : dummy_hash, password ? password : "");
	if (!hash)
		ok = false;
	if (!ok) {
		if (client)
			throttle_fail(c, "client", client, conf_int("auth.throttle_client"));
		throttle_fail(c, "account", norm, conf_int("auth.throttle_account"));
		audit_add(c, found ? acc.id : 0, found ? "" : "anonymous",
			  "login.failed", found ? obj(rq->arena, "user", acc.id) : "",
			  json_pack("{s:s}", "reason",
				    found ? (hash ? "password" : "inactive")
					  : "unknown account"));
		return LOGIN_WRONG;
	}
	throttle_clear(c, "account", norm);
	s->totp_enabled = acc.totp_enabled;
	if (session_start(rq, rs, c, acc.id,
			  acc.totp_enabled ? "totp" : "full") != DB_OK)
		return LOGIN_UNAVAILABLE;
	auth_session_keys(rq, c, acc.id, password);
	if (acc.totp_enabled) {
		audit_add(c, acc.id, "", "login.password",
			  obj(rq->arena, "user", acc.id), NULL);
		return LOGIN_NEED_TOTP;
	}
	audit_add(c, acc.id, "", "login", obj(rq->arena, "user", acc.id),
		  json_pack("{s:b}", "second_factor", 0));
	rq->user.id = acc.id;
	rq->user.name = acc.display_name;
	return LOGIN_OK;
}

enum login_result auth_try_totp(struct http_req *rq, const char *code,
				int64_t *locked_for_r)
{
	struct db_conn *c = platform_conn();
	int64_t uid = session_pending_user(rq);
	char *key, *secret;
	int64_t step, locked;

	*locked_for_r = 0;
	if (!c)
		return LOGIN_UNAVAILABLE;
	if (!uid)
		return LOGIN_WRONG;
	key = obj(rq->arena, "totp", uid);
	locked = throttle_locked(c, "account", key);
	if (locked) {
		*locked_for_r = locked;
		return LOGIN_LOCKED;
	}
	secret = account_totp_secret(c, rq->arena, uid);
	step = secret && code ? totp_check(secret, code, time_now()) : -1;
	if (step < 0 || account_totp_use_step(c, uid, step) != DB_OK) {
		throttle_fail(c, "account", key, conf_int("auth.throttle_account"));
		audit_add(c, uid, "", "login.totp_failed",
			  obj(rq->arena, "user", uid), NULL);
		return LOGIN_WRONG;
	}
	throttle_clear(c, "account", key);
	if (session_complete(rq, c) != DB_OK)
		return LOGIN_UNAVAILABLE;
	audit_add(c, uid, "", "login", obj(rq->arena, "user", uid),
		  json_pack("{s:b}", "second_factor", 1));
	rq->user.id = uid;
	return LOGIN_OK;
}

/* ---- signing in ---- */

static void login_page(struct http_req *rq, struct http_resp *rs, int status,
		       const char *error)
{
	const char *next = http_field(rq, "next");
	json_t *data = json_pack("{s:s}", "next", auth_safe_next(next));

	if (error)
		json_object_set_new(data, "error", json_string(error));
	if (rq->method == HTTP_POST && http_field(rq, "email"))
		json_object_set_new(data, "email",
				    json_string(http_field(rq, "email")));
	http_page(rq, rs, status, "auth/login", N_("Sign in"), data);
}

void auth_login_form(struct http_req *rq, struct http_resp *rs)
{
	if (rq->user.id) {
		http_redirect(rs, auth_safe_next(http_field(rq, "next")));
		return;
	}
	login_page(rq, rs, 200, NULL);
}

static char *locked_msg(struct http_req *rq, int64_t secs)
{
	unsigned long min = (unsigned long)((secs + 59) / 60);

	return arena_printf(rq->arena,
			    trn(rq->lang,
				"Too many failed attempts. Try again in %lu minute.",
				"Too many failed attempts. Try again in %lu minutes.",
				min),
			    min);
}

void auth_login(struct http_req *rq, struct http_resp *rs)
{
	int64_t locked;
	const char *next = auth_safe_next(http_field(rq, "next"));

	switch (auth_try_login(rq, rs, http_field(rq, "email"),
			       http_field(rq, "password"), &locked)) {
	case LOGIN_OK:
		/* a role that sees personal data goes to enrolment first */
		if (conf_bool("auth.require_totp") && auth_holds_personal_role(rq)) {
			struct buf b;
			buf_init(&b);
			buf_puts(&b, "/account/totp?next=");
			http_urlencode(&b, next);
			http_redirect(rs, arena_strdup(rq->arena, b.data));
			buf_free(&b);
		} else {
			http_redirect(rs, next);
		}
		break;
	case LOGIN_NEED_TOTP: {
		struct buf b;
		buf_init(&b);
		buf_puts(&b, "/login/totp?next=");
		http_urlencode(&b, next);
		http_redirect(rs, arena_strdup(rq->arena, b.data));
		buf_free(&b);
		break;
	}
	case LOGIN_WRONG:
		login_page(rq, rs, 401, tr_rq(rq, "Wrong email or password."));
		break;
	case LOGIN_LOCKED:
		http_set_header(rs, "Retry-After",
				arena_printf(rq->arena, "%lld", (long long)locked));
		login_page(rq, rs, 429, locked_msg(rq, locked));
		break;
	case LOGIN_UNAVAILABLE:
		http_error(rq, rs, HTTP_E_UNAVAILABLE,
			   N_("The database cannot be reached. Try again in a moment."));
		break;
	}
}

static void totp_page(struct http_req *rq, struct http_resp *rs, int status,
		      const char *error)
{
	json_t *data = json_pack("{s:s}", "next",
				 auth_safe_next(http_field(rq, "next")));

	if (error)
		json_object_set_new(data, "error", json_string(error));
	http_page(rq, rs, status, "auth/totp_login", N_("Two-step sign-in"),
		  data);
}

void auth_totp_form(struct http_req *rq, struct http_resp *rs)
{
	if (!session_pending_user(rq)) {
		http_redirect(rs, rq->user.id ? "/" : "/login");
		return;
	}
	totp_page(rq, rs, 200, NULL);
}

void auth_totp_login(struct http_req *rq, struct http_resp *rs)
{
	int64_t locked;

	if (!session_pending_user(rq)) {
		http_redirect(rs, "/login");
		return;
	}
	switch (auth_try_totp(rq, http_field(rq, "code"), &locked)) {
	case LOGIN_OK:
	case LOGIN_NEED_TOTP:
		http_redirect(rs, auth_safe_next(http_field(rq, "next")));
		break;
	case LOGIN_WRONG:
		totp_page(rq, rs, 401,
			  tr_rq(rq, "That code is not right. Use the newest code your app shows."));
		break;
	case LOGIN_LOCKED:
		http_set_header(rs, "Retry-After",
				arena_printf(rq->arena, "%lld", (long long)locked));
		totp_page(rq, rs, 429, locked_msg(rq, locked));
		break;
	case LOGIN_UNAVAILABLE:
		http_error(rq, rs, HTTP_E_UNAVAILABLE,
			   N_("The database cannot be reached. Try again in a moment."));
		break;
	}
}

void auth_logout(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	int64_t uid = rq->user.id ? rq->user.id : session_pending_user(rq);

	if (session_id(rq)) {
		session_end(rq, rs, c);
		if (uid)
			audit_add(c, uid, "", "logout", obj(rq->arena, "user", uid),
				  NULL);
	}
	http_flash(rq, rs, N_("You are signed out."));
	http_redirect(rs, "/login");
}

void auth_lang(struct http_req *rq, struct http_resp *rs)
{
	const char *lang = http_field(rq, "lang");

	if (!lang || !i18n_known(lang)) {
		http_error(rq, rs, HTTP_E_INVALID_FIELD,
			   N_("That language is not available."));
		return;
	}
	http_set_cookie(rq, rs, LANG_COOKIE, lang, 365L * 24 * 3600);
	if (rq->user.id) {
		struct db_conn *c = platform_conn();
		struct account acc;
		if (account_get(c, rq->arena, rq->user.id, &acc) == DB_OK)
			account_update(c, acc.id, acc.display_name, lang);
	}
	http_redirect(rs, auth_safe_next(http_field(rq, "next")));
}

/* ---- setting a password from a one-time link ---- */

static void setpw_page(struct http_req *rq, struct http_resp *rs, int status,
		       const char *token, const char *error)
{
	json_t *data = json_pack("{s:s}", "token", token);

	if (error)
		json_object_set_new(data, "error", json_string(error));
	http_page(rq, rs, status, "auth/set_password", N_("Choose a password"),
		  data);
}

static void link_invalid(struct http_req *rq, struct http_resp *rs)
{
	http_error(rq, rs, HTTP_E_LINK_INVALID,
		   N_("This link is no longer valid. Ask the person who invited you for a new one."));
}

void auth_setpw_form(struct http_req *rq, struct http_resp *rs)
{
	const char *token = http_field(rq, "token");

	if (!token || !account_token_check(platform_conn(), token)) {
		link_invalid(rq, rs);
		return;
	}
	setpw_page(rq, rs, 200, token, NULL);
}

struct setpw {
	struct http_req *rq;
	const char *token, *password;
	int64_t user;
};

static int setpw_tx(struct db_conn *c, void *arg)
{
	struct setpw *s = arg;
	int rc;

	s->user = account_token_check(c, s->token);
	if (!s->user)
		return DB_NOTFOUND;
	rc = account_token_use(c, s->token);
	if (rc == DB_OK)
		rc = account_set_password(c, s->rq->arena, s->user, s->password);
	if (rc == DB_OK)
		rc = audit_add(c, s->user, "", "password.set",
			       obj(s->rq->arena, "user", s->user), NULL);
	/* a link is how an account is taken back (an administrator sent
	 * it): every session and every access token of it ends */
	if (rc == DB_OK)
		rc = account_reset_access(c, s->user, s->user, "", "password.set");
	return rc;
}

void auth_setpw(struct http_req *rq, struct http_resp *rs)
{
	struct setpw s = {.rq = rq};
	const char *weak;
	const char *p2 = http_field(rq, "password2");
	int rc;

	s.token = http_field(rq, "token");
	s.password = http_field(rq, "password");
	if (!s.token || !account_token_check(platform_conn(), s.token)) {
		link_invalid(rq, rs);
		return;
	}
	weak = password_weak(s.password ? s.password : "");
	if (weak) {
		setpw_page(rq, rs, 422, s.token, tr_rq(rq, weak));
		return;
	}
	if (!p2 || strcmp(s.password, p2) != 0) {
		setpw_page(rq, rs, 422, s.token,
			   tr_rq(rq, "The two passwords are not the same."));
		return;
	}
	rc = db_tx(platform_conn(), setpw_tx, &s);
	if (rc == DB_NOTFOUND) {
		link_invalid(rq, rs);
		return;
	}
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	http_flash(rq, rs, N_("Your password is set. You can sign in now."));
	http_redirect(rs, "/login");
}

/* ---- the account's own settings ---- */

static json_t *lang_options(struct http_req *rq, const char *current)
{
	json_t *arr = json_array();
	size_t n;
	const struct lang_info *li = i18n_langs(&n);

	json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "code", "",
					     "native",
					     tr_rq(rq, "As my browser asks"),
					     "selected", !current || !*current));
	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:b}", "code", li[i].code,
				       "native", li[i].native, "selected",
				       current && strcmp(current, li[i].code) == 0));
	return arr;
}

static json_t *roles_json(struct http_req *rq, const struct grant *g, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		const struct role_def *r = authz_role(g[i].role);
		json_array_append_new(
			arr, json_pack("{s:I, s:s, s:s, s:s, s:I}", "id",
				       (json_int_t)g[i].id, "role", g[i].role,
				       "label",
				       r ? tr_rq(rq, r->label) : g[i].role,
				       "scope",
				       g[i].scope_id
					       ? g[i].scope_name
					       : tr_rq(rq, "the whole organization"),
				       "scope_id", (json_int_t)g[i].scope_id));
	}
	return arr;
}

static void account_page(struct http_req *rq, struct http_resp *rs, int status,
			 const char *error)
{
	struct db_conn *c = platform_conn();
	struct account acc;
	struct grant *g;
	size_t ng;
	json_t *data;

	if (account_get(c, rq->arena, rq->user.id, &acc) != DB_OK ||
	    grants_of(c, rq->arena, acc.id, &g, &ng) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	data = json_pack("{s:s, s:s, s:o, s:b, s:o}", "display_name",
			 acc.display_name, "email", acc.email, "langs",
			 lang_options(rq, acc.lang), "totp", acc.totp_enabled,
			 "roles", roles_json(rq, g, ng));
	if (error)
		json_object_set_new(data, "error", json_string(error));
	http_page(rq, rs, status, "auth/account", N_("Your account"), data);
}

void auth_account(struct http_req *rq, struct http_resp *rs)
{
	account_page(rq, rs, 200, NULL);
}

void auth_account_save(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	const char *name = http_field(rq, "display_name");
	const char *lang = http_field(rq, "lang");

	if (lang && !i18n_known(lang)) {
		account_page(rq, rs, 422, tr_rq(rq, "That language is not available."));
		return;
	}
	if (account_update(c, rq->user.id, name, lang ? lang : "") != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	audit_rq(rq, c, "account.updated", obj(rq->arena, "user", rq->user.id),
		 NULL);
	/* the language cookie would override the new setting */
	http_set_cookie(rq, rs, LANG_COOKIE, "", 0);
	http_flash(rq, rs, N_("Your account is saved."));
	http_redirect(rs, "/account");
}

static void password_page(struct http_req *rq, struct http_resp *rs,
			  int status, const char *error)
{
	json_t *data = json_object();

	if (error)
		json_object_set_new(data, "error", json_string(error));
	http_page(rq, rs, status, "auth/password", N_("Change your password"),
		  data);
}

/* The answer to a password changed by its signed-in owner. Not a reset:
 * the account's access tokens keep working (a program is not signed out
 * because its owner chose a new password), so the page says how many
 * do, and where to revoke them for an owner who fears that whoever knew
 * the old password made some (docs/api/tokens.md). */
static void password_changed_page(struct http_req *rq, struct http_resp *rs)
{
	int64_t n = 0;
	json_t *data = json_object();

	if (api_token_count_active(platform_conn(), rq->user.id, &n) != DB_OK)
		n = 0;
	if (n > 0)
		json_object_set_new(
			data, "tokens",
			json_string(arena_printf(
				rq->arena,
				trn(rq->lang,
				    "%lu access token of yours still works: a new password does not stop it.",
				    "%lu access tokens of yours still work: a new password does not stop them.",
				    (unsigned long)n),
				(unsigned long)n)));
	http_page(rq, rs, 200, "auth/password_changed",
		  N_("Your password is changed"), data);
}

void auth_password_form(struct http_req *rq, struct http_resp *rs)
{
	password_page(rq, rs, 200, NULL);
}

void auth_password_save(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	const char *cur = http_field(rq, "current");
	const char *p1 = http_field(rq, "password");
	const char *p2 = http_field(rq, "password2");
	char *hash = account_password_hash(c, rq->arena, rq->user.id);
	const char *weak;

	if (!hash || !password_verify(hash, cur ? cur : "")) {
		password_page(rq, rs, 422,
			      tr_rq(rq, "Your current password is not right."));
		return;
	}
	weak = password_weak(p1 ? p1 : "");
	if (weak) {
		password_page(rq, rs, 422, tr_rq(rq, weak));
		return;
	}
	if (!p2 || strcmp(p1, p2) != 0) {
		password_page(rq, rs, 422,
			      tr_rq(rq, "The two passwords are not the same."));
		return;
	}
	/* the personal key stays the same, wrapped by the new password */
	{
		unsigned char sk[PERSONAL_SK_LEN];
		int krc = personal_keys_open(c, rq->user.id, cur, sk);
		int rc = account_set_password(c, rq->arena, rq->user.id, p1);
		if (rc == DB_OK && krc == DB_OK)
			rc = personal_keys_store(c, rq->arena, rq->user.id, p1, sk);
		sodium_memzero(sk, sizeof(sk));
		if (rc != DB_OK) {
			http_error(rq, rs, HTTP_E_INTERNAL, NULL);
			return;
		}
	}
	/* other sessions end: whoever knew the old password is out */
	db_run(c, SQL_REVOKE_OTHERS, "ii", rq->user.id, session_id(rq));
	audit_rq(rq, c, "password.changed", obj(rq->arena, "user", rq->user.id),
		 NULL);
	password_changed_page(rq, rs);
}

/* ---- the second factor ---- */

static bool totp_required(struct http_req *rq)
{
	size_t n;
	const struct grant *g = auth_grants(rq, &n);

	if (!conf_bool("auth.require_totp"))
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct role_def *r = authz_role(g[i].role);
		if (r && r->personal)
			return true;
	}
	return false;
}

static void enrol_page(struct http_req *rq, struct http_resp *rs, int status,
		       const char *error)
{
	struct db_conn *c = platform_conn();
	struct account acc;
	json_t *data;

	if (account_get(c, rq->arena, rq->user.id, &acc) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	data = json_pack("{s:b, s:b, s:s}", "enabled", acc.totp_enabled,
			 "required", totp_required(rq), "next",
			 auth_safe_next(http_field(rq, "next")));
	if (!acc.totp_enabled) {
		char *secret = session_totp_pending(rq, c);
		char *issuer, *uri;
		struct buf b;

		if (!secret) {
			secret = totp_new_secret(rq->arena);
			if (session_totp_pending_set(rq, c, secret) != DB_OK) {
				json_decref(data);
				http_error(rq, rs, HTTP_E_INTERNAL, NULL);
				return;
			}
		}
		issuer = setting_get(c, rq->arena, "org.totp_issuer", "rudder");
		buf_init(&b);
		buf_puts(&b, "otpauth://totp/");
		http_urlencode(&b, issuer);
		buf_putc(&b, ':');
		http_urlencode(&b, acc.display_name);
		buf_printf(&b, "?secret=%s&issuer=", secret);
		http_urlencode(&b, issuer);
		buf_puts(&b, "&algorithm=SHA1&digits=6&period=30");
		uri = arena_strdup(rq->arena, b.data);
		buf_free(&b);
		json_object_set_new(data, "secret", json_string(secret));
		json_object_set_new(
			data, "qr",
			json_string(qr_svg(rq->arena, uri,
					   tr_rq(rq, N_("A QR code to scan with the authenticator app")))));
	}
	if (error)
		json_object_set_new(data, "error", json_string(error));
	http_page(rq, rs, status, "auth/totp", N_("Two-step sign-in"), data);
}

void auth_enrol_form(struct http_req *rq, struct http_resp *rs)
{
	enrol_page(rq, rs, 200, NULL);
}

void auth_enrol(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	const char *code = http_field(rq, "code");
	char *secret = session_totp_pending(rq, c);
	int64_t step = secret && code ? totp_check(secret, code, time_now()) : -1;
	struct account acc;

	if (account_get(c, rq->arena, rq->user.id, &acc) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	if (acc.totp_enabled) {
		/* set up meanwhile in another session, which ended this one's
		 * reason to be here: nothing to confirm */
		http_redirect(rs, "/account/totp");
		return;
	}
	if (step < 0) {
		enrol_page(rq, rs, 422,
			   tr_rq(rq, "That code is not right. Check the time on your phone and use the newest code."));
		return;
	}
	/* this session proved the new factor; every other session of the
	 * account proved at most the password, and ends */
	if (account_totp_enable(c, rq->arena, rq->user.id, secret, step) != DB_OK ||
	    session_complete(rq, c) != DB_OK ||
	    session_end_others(rq, c, rq->user.id) < 0) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	audit_rq(rq, c, "totp.enabled", obj(rq->arena, "user", rq->user.id),
		 NULL);
	http_flash(rq, rs, N_("Two-step sign-in is on. You will need your phone to sign in."));
	{
		const char *next = auth_safe_next(http_field(rq, "next"));
		http_redirect(rs, strcmp(next, "/") == 0 ? "/account" : next);
	}
}

void auth_totp_disable(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	char *hash = account_password_hash(c, rq->arena, rq->user.id);
	const char *pw = http_field(rq, "password");

	if (totp_required(rq)) {
		http_error(rq, rs, HTTP_E_TOTP_REQUIRED,
			   N_("Your role requires two-step sign-in, so it cannot be turned off."));
		return;
	}
	if (!hash || !password_verify(hash, pw ? pw : "")) {
		enrol_page(rq, rs, 422, tr_rq(rq, "Your current password is not right."));
		return;
	}
	if (account_totp_clear(c, rq->user.id) != DB_OK ||
	    session_factor_dropped(rq, c) != DB_OK ||
	    session_end_others(rq, c, rq->user.id) < 0) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	audit_rq(rq, c, "totp.disabled", obj(rq->arena, "user", rq->user.id),
		 NULL);
	http_flash(rq, rs, N_("Two-step sign-in is off. Your other sessions were signed out."));
	http_redirect(rs, "/account");
}

/* ---- sessions ---- */

struct session_item {
	int64_t id;
	const char *agent;
	int64_t created, seen;
};
static const struct db_map SESSION_ITEM[] = {
	DB_COL(struct session_item, id), DB_COL(struct session_item, agent),
	DB_COL(struct session_item, created), DB_COL(struct session_item, seen),
	DB_COL_SKIP, DB_COLS_END};

void auth_sessions(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	struct session_item *items;
	size_t n;
	json_t *list, *data;
	int64_t me = session_id(rq);

	if (!c || db_rows(c, rq->arena, SESSION_ITEM, sizeof(*items), &items, &n,
			  SQL_MY_SESSIONS, "ii", rq->user.id,
			  (int64_t)time_now()) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++) {
		char created[40], seen[40];
		time_format(items[i].created, created, sizeof(created));
		time_format(items[i].seen, seen, sizeof(seen));
		json_array_append_new(
			list, json_pack("{s:I, s:s, s:s, s:s, s:b}", "id",
					(json_int_t)items[i].id, "agent",
					*items[i].agent ? items[i].agent
							: tr_rq(rq, "unknown browser"),
					"created", created, "seen", seen, "current",
					items[i].id == me));
	}
	data = json_pack("{s:o}", "sessions", list);
	http_page(rq, rs, 200, "auth/sessions", N_("Your sessions"), data);
}

void auth_session_revoke(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	int64_t id = http_param_int(rq, "id");

	if (db_run(c, SQL_REVOKE_ONE, "ii", id, rq->user.id) <= 0) {
		http_error(rq, rs, HTTP_E_NOT_FOUND,
			   N_("There is no such session."));
		return;
	}
	audit_rq(rq, c, "session.revoked", obj(rq->arena, "session", id), NULL);
	if (id == session_id(rq)) {
		http_set_cookie(rq, rs, SESSION_COOKIE, "", 0);
		http_redirect(rs, "/login");
		return;
	}
	http_flash(rq, rs, N_("That session is signed out."));
	http_redirect(rs, "/account/sessions");
}

void auth_sessions_revoke_all(struct http_req *rq, struct http_resp *rs)
{
	struct db_conn *c = platform_conn();
	int n = account_revoke_sessions(c, rq->user.id);

	audit_rq(rq, c, "sessions.revoked_all", obj(rq->arena, "user", rq->user.id),
		 json_pack("{s:i}", "sessions", n < 0 ? 0 : n));
	http_set_cookie(rq, rs, SESSION_COOKIE, "", 0);
	http_flash(rq, rs, N_("You are signed out everywhere."));
	http_redirect(rs, "/login");
}
