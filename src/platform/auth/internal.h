/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Shared by the files of src/platform/auth/ only. */
#ifndef RUDDER_AUTH_INTERNAL_H
#define RUDDER_AUTH_INTERNAL_H

#include "auth.h"
#include "platform/http/http.h"

/* What the gate knows about the request's session (rq->user.session). */
/* At sign-in: the personal key into the new session (keys.c). */
void auth_session_keys(struct http_req *rq, struct db_conn *c, int64_t user,
		       const char *password);

struct auth_session {
	int64_t id;
	int64_t user_id;
	bool pending_totp; /* stage 'totp': the second factor is owed */
	bool totp_enabled;  /* the account has a second factor */
	bool second_factor; /* this session proved it (or enrolled it) */
	const char *token; /* the cookie value, for the CSRF token */
	const char *anon;  /* a CSRF cookie made during this request */
	struct grant *grants;
	size_t ngrants;
	bool grants_loaded;
	unsigned lost_at_start; /* db_unavailable_count when the gate ran */
};

/* authz.c: the account's grants, read once per request */
const struct grant *auth_grants(struct http_req *rq, size_t *n_r);

/* gate.c */
bool auth_holds_personal_role(struct http_req *rq);
int auth_gate(struct http_req *rq, struct http_resp *rs);
void auth_lang_early(struct http_req *rq);
const char *auth_csrf_token(struct http_req *rq, struct http_resp *rs);
void auth_nav(struct http_req *rq, json_t *page,
	      const struct nav_item *items, size_t n);
void auth_after(struct http_req *rq, struct http_resp *rs);
/* Is rq a session (never a token) of an account with a second factor,
 * that proved it in this session? What making an access token asks,
 * whatever auth.require_totp says (docs/api/tokens.md). */
bool auth_factor_proved(struct http_req *rq);
/* A safe local redirect target from a "next" value ("/" otherwise). */
const char *auth_safe_next(const char *next);
/* The short browser label stored with a session ("Firefox", "curl"). */
const char *auth_agent_label(const char *user_agent);

/* pages.c, admin.c, api.c handlers are listed in routes.c */
void auth_login_form(struct http_req *rq, struct http_resp *rs);
void auth_login(struct http_req *rq, struct http_resp *rs);
void auth_totp_form(struct http_req *rq, struct http_resp *rs);
void auth_totp_login(struct http_req *rq, struct http_resp *rs);
void auth_logout(struct http_req *rq, struct http_resp *rs);
void auth_lang(struct http_req *rq, struct http_resp *rs);
void auth_setpw_form(struct http_req *rq, struct http_resp *rs);
void auth_setpw(struct http_req *rq, struct http_resp *rs);
void auth_account(struct http_req *rq, struct http_resp *rs);
void auth_account_save(struct http_req *rq, struct http_resp *rs);
void auth_password_form(struct http_req *rq, struct http_resp *rs);
void auth_password_save(struct http_req *rq, struct http_resp *rs);
void auth_enrol_form(struct http_req *rq, struct http_resp *rs);
void auth_enrol(struct http_req *rq, struct http_resp *rs);
void auth_totp_disable(struct http_req *rq, struct http_resp *rs);
void auth_sessions(struct http_req *rq, struct http_resp *rs);
void auth_session_revoke(struct http_req *rq, struct http_resp *rs);
void auth_sessions_revoke_all(struct http_req *rq, struct http_resp *rs);

void admin_users(struct http_req *rq, struct http_resp *rs);
void admin_user_new(struct http_req *rq, struct http_resp *rs);
void admin_user_create(struct http_req *rq, struct http_resp *rs);
void admin_user_refused(struct http_req *rq, struct http_resp *rs);
void admin_user(struct http_req *rq, struct http_resp *rs);
void admin_grant_add(struct http_req *rq, struct http_resp *rs);
void admin_grant_refused(struct http_req *rq, struct http_resp *rs);
void admin_grant_revoke(struct http_req *rq, struct http_resp *rs);
void admin_user_status(struct http_req *rq, struct http_resp *rs);
void admin_user_signout(struct http_req *rq, struct http_resp *rs);
void admin_user_link(struct http_req *rq, struct http_resp *rs);
void admin_user_totp_reset(struct http_req *rq, struct http_resp *rs);

/* invitations.c */
void auth_invitation_form(struct http_req *rq, struct http_resp *rs);
void auth_invitation(struct http_req *rq, struct http_resp *rs);
void admin_invitation_cancel(struct http_req *rq, struct http_resp *rs);
/* Invitations to roles of the last 30 days within the manager's reach. */
json_t *admin_invitations_json(struct http_req *rq);

/* token_pages.c: personal access tokens */
void auth_tokens(struct http_req *rq, struct http_resp *rs);
void auth_tokens_refused(struct http_req *rq, struct http_resp *rs);
void auth_token_create(struct http_req *rq, struct http_resp *rs);
void auth_token_revoke(struct http_req *rq, struct http_resp *rs);
void admin_tokens(struct http_req *rq, struct http_resp *rs);
void admin_token_revoke(struct http_req *rq, struct http_resp *rs);
void api_tokens_list(struct http_req *rq, struct http_resp *rs);
void api_tokens_create(struct http_req *rq, struct http_resp *rs);
void api_token_delete(struct http_req *rq, struct http_resp *rs);

void api_session_get(struct http_req *rq, struct http_resp *rs);
void api_session_login(struct http_req *rq, struct http_resp *rs);
void api_session_totp(struct http_req *rq, struct http_resp *rs);
void api_session_logout(struct http_req *rq, struct http_resp *rs);
void api_users_list(struct http_req *rq, struct http_resp *rs);
void api_users_create(struct http_req *rq, struct http_resp *rs);
void api_user_get(struct http_req *rq, struct http_resp *rs);

/* shared by pages and the API: the outcome of a password login */
enum login_result {
	LOGIN_OK,        /* signed in fully */
	LOGIN_NEED_TOTP, /* password right, second factor owed */
	LOGIN_WRONG,
	LOGIN_LOCKED,
	LOGIN_UNAVAILABLE,
};
enum login_result auth_try_login(struct http_req *rq, struct http_resp *rs,
				 const char *email, const char *password,
				 int64_t *locked_for_r);
enum login_result auth_try_totp(struct http_req *rq, const char *code,
				int64_t *locked_for_r);
/* admin.c, shared with the API: creates an account with its first role
 * and a one-time link (emailed through the outbox). Returns an HTTP
 * status: 201 with *id_r and *link_r, 202 (an invitation) with *id_r,
 * else *why_r holds a msgid and *field_r the field it is about (NULL
 * when none is). */
int admin_create_account(struct http_req *rq, const char *email,
			 const char *name, const char *lang, const char *role,
			 int64_t scope, int64_t *id_r, char **link_r,
			 const char **why_r, const char **field_r);
/* The accounts rq may manage, as JSON. */
json_t *admin_accounts_json(struct http_req *rq, bool with_email);

/* Account visibility for account managers: may rq manage account id? */
bool auth_may_manage(struct http_req *rq, int64_t user_id);

#endif
