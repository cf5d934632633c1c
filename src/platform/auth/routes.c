/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The route table of accounts and sessions, and the platform's roles.
 * Every route names its permission; fields are validated before the
 * handler runs.
 */
#include "auth.h"
#include "internal.h"
#include "platform/i18n/i18n.h"

static const char *const admin_perms[] = {PERM_ACCOUNTS, PERM_AUDIT,
					  PERM_SYSTEM, NULL};
static const char *const coordinator_perms[] = {PERM_ACCOUNTS, NULL};

const struct role_def auth_roles[] = {
	{"admin", N_("Administrator"), true, true, admin_perms},
	{"coordinator", N_("Coordinator"), false, true, coordinator_perms},
	{0},
};

static const struct field login_fields[] = {
	{"email", F_LINE, true, 254, N_("Email"), false},
	{"password", F_SECRET, true, 1024, N_("Password"), false},
	{"next", F_LINE, false, 2000, NULL, false},
	{0},
};
static const struct field next_fields[] = {
	{"next", F_LINE, false, 2000, NULL, false},
	{0},
};
static const struct field code_fields[] = {
	{"code", F_TOKEN, true, 10, N_("Code"), false},
	{"next", F_LINE, false, 2000, NULL, false},
	{0},
};
static const struct field lang_fields[] = {
	{"lang", F_TOKEN, true, 8, N_("Language"), false},
	{"next", F_LINE, false, 2000, NULL, false},
	{0},
};
static const struct field token_fields[] = {
	{"token", F_TOKEN, true, 100, N_("Link"), false},
	{0},
};
static const struct field setpw_fields[] = {
	{"token", F_TOKEN, true, 100, N_("Link"), false},
	{"password", F_SECRET, true, 1024, N_("Password"), false},
	{"password2", F_SECRET, true, 1024, N_("Password again"), false},
	{0},
};
static const struct field account_fields[] = {
	{"display_name", F_LINE, true, 200, N_("Name"), false},
	{"lang", F_TOKEN, false, 8, N_("Language"), false},
	{0},
};
static const struct field password_fields[] = {
	{"current", F_SECRET, true, 1024, N_("Current password"), false},
	{"password", F_SECRET, true, 1024, N_("New password"), false},
	{"password2", F_SECRET, true, 1024, N_("New password again"), false},
	{0},
};
static const struct field enrol_fields[] = {
	{"code", F_TOKEN, true, 10, N_("Code"), false},
	{"next", F_LINE, false, 2000, NULL, false},
	{0},
};
static const struct field disable_fields[] = {
	{"password", F_SECRET, true, 1024, N_("Password"), false},
	{0},
};
static const struct field user_fields[] = {
	{"email", F_EMAIL, true, 254, N_("Email"), false},
	{"display_name", F_LINE, true, 200, N_("Name"), false},
	{"lang", F_TOKEN, false, 8, N_("Language"), false},
	{"role", F_TOKEN, true, 64, N_("Role"), false},
	{"scope", F_INT, false, 0, N_("Branch"), false},
	{0},
};
static const struct field api_user_fields[] = {
	{"email", F_EMAIL, true, 254, N_("Email"), false},
	{"display_name", F_LINE, true, 200, N_("Name"), false},
	{"lang", F_TOKEN, false, 8, N_("Language"), false},
	{"role", F_TOKEN, true, 64, N_("Role"), false},
	{"scope_id", F_INT, false, 0, N_("Branch"), false},
	{0},
};
static const struct field grant_fields[] = {
	{"role", F_TOKEN, true, 64, N_("Role"), false},
	{"scope", F_INT, false, 0, N_("Branch"), false},
	{0},
};
static const struct field status_fields[] = {
	{"status", F_TOKEN, true, 16, N_("State"), false},
	{0},
};
static const struct field invitation_form_fields[] = {
	{"token", F_TOKEN, true, 100, N_("Link"), false},
	{0},
};
static const struct field invitation_fields[] = {
	{"token", F_TOKEN, true, 100, N_("Link"), false},
	{"action", F_TOKEN, true, 10, NULL, false},
	{"password", F_SECRET, false, 1024, N_("Password"), false},
	{"password2", F_SECRET, false, 1024, N_("Password again"), false},
	{0},
};
static const struct field api_login_fields[] = {
	{"email", F_LINE, true, 254, N_("Email"), false},
	{"password", F_SECRET, true, 1024, N_("Password"), false},
	{0},
};
static const struct field api_code_fields[] = {
	{"code", F_TOKEN, true, 10, N_("Code"), false},
	{0},
};

static const struct route routes[] = {
	{HTTP_GET, "/", auth_home, PERM_PUBLIC, 0, NULL, "home"},
	{HTTP_GET, "/login", auth_login_form, PERM_PUBLIC, 0, next_fields,
	 "sign-in form"},
	{HTTP_POST, "/login", auth_login, PERM_PUBLIC, 0, login_fields,
	 "sign in with email and password"},
	{HTTP_GET, "/login/totp", auth_totp_form, PERM_PUBLIC, 0, next_fields,
	 "second-factor form"},
	{HTTP_POST, "/login/totp", auth_totp_login, PERM_PUBLIC, 0, code_fields,
	 "finish signing in with a TOTP code"},
	{HTTP_POST, "/logout", auth_logout, PERM_PUBLIC, 0, NULL, "sign out"},
	{HTTP_POST, "/lang", auth_lang, PERM_PUBLIC, 0, lang_fields,
	 "choose the language"},
	{HTTP_GET, "/account/set-password", auth_setpw_form, PERM_PUBLIC, 0,
	 token_fields, "form behind a one-time link"},
	{HTTP_POST, "/account/set-password", auth_setpw, PERM_PUBLIC, 0,
	 setpw_fields, "set a password with a one-time link"},
	{HTTP_GET, "/account/invitation", auth_invitation_form, PERM_PUBLIC, 0,
	 invitation_form_fields,
	 "an invitation: choose a password, or accept with your account"},
	{HTTP_POST, "/account/invitation", auth_invitation, PERM_PUBLIC, 0,
	 invitation_fields, "accept or decline an invitation"},
	{HTTP_GET, "/account", auth_account, PERM_LOGIN, ROUTE_PRE_2FA, NULL,
	 "your account"},
	{HTTP_POST, "/account", auth_account_save, PERM_LOGIN, ROUTE_PRE_2FA,
	 account_fields, "save your name and language"},
	{HTTP_GET, "/account/password", auth_password_form, PERM_LOGIN,
	 ROUTE_PRE_2FA, NULL, "password form"},
	{HTTP_POST, "/account/password", auth_password_save, PERM_LOGIN,
	 ROUTE_PRE_2FA, password_fields, "change your password"},
	{HTTP_GET, "/account/totp", auth_enrol_form, PERM_LOGIN, ROUTE_PRE_2FA,
	 next_fields, "two-step sign-in: set up or turn off"},
	{HTTP_POST, "/account/totp", auth_enrol, PERM_LOGIN, ROUTE_PRE_2FA,
	 enrol_fields, "confirm a new second factor"},
	{HTTP_POST, "/account/totp/disable", auth_totp_disable, PERM_LOGIN, 0,
	 disable_fields, "turn two-step sign-in off"},
	{HTTP_GET, "/account/sessions", auth_sessions, PERM_LOGIN, ROUTE_PRE_2FA,
	 NULL, "your sessions"},
	{HTTP_POST, "/account/sessions/{id:int}/revoke", auth_session_revoke,
	 PERM_LOGIN, ROUTE_PRE_2FA, NULL, "sign out one session"},
	{HTTP_POST, "/account/sessions/revoke-all", auth_sessions_revoke_all,
	 PERM_LOGIN, ROUTE_PRE_2FA, NULL, "sign out everywhere"},

	{HTTP_GET, "/admin/users", admin_users, PERM_ACCOUNTS, 0, NULL,
	 "accounts"},
	{HTTP_GET, "/admin/users/new", admin_user_new, PERM_ACCOUNTS, 0, NULL,
	 "new account form"},
	{HTTP_POST, "/admin/users", admin_user_create, PERM_ACCOUNTS, 0,
	 user_fields, "create an account"},
	{HTTP_GET, "/admin/users/{id:int}", admin_user, PERM_ACCOUNTS, 0, NULL,
	 "one account"},
	{HTTP_POST, "/admin/users/{id:int}/grants", admin_grant_add,
	 PERM_ACCOUNTS, 0, grant_fields, "grant a role"},
	{HTTP_POST, "/admin/users/{id:int}/grants/{gid:int}/revoke",
	 admin_grant_revoke, PERM_ACCOUNTS, 0, NULL, "revoke a role"},
	{HTTP_POST, "/admin/users/{id:int}/status", admin_user_status,
	 PERM_ACCOUNTS, 0, status_fields, "disable or enable an account"},
	{HTTP_POST, "/admin/users/{id:int}/signout", admin_user_signout,
	 PERM_ACCOUNTS, 0, NULL, "sign an account out everywhere"},
	{HTTP_POST, "/admin/users/{id:int}/link", admin_user_link,
	 PERM_ACCOUNTS, 0, NULL, "send a new password link"},
	{HTTP_POST, "/admin/users/{id:int}/totp/reset", admin_user_totp_reset,
	 PERM_ACCOUNTS, 0, NULL, "reset an account's second factor"},
	{HTTP_POST, "/admin/invitations/{id:int}/cancel", admin_invitation_cancel,
	 PERM_ACCOUNTS, 0, NULL, "cancel an invitation not yet accepted"},

	{HTTP_GET, "/api/v1/session", api_session_get, PERM_PUBLIC, ROUTE_API,
	 NULL, "who is signed in, and the CSRF token"},
	{HTTP_POST, "/api/v1/session", api_session_login, PERM_PUBLIC,
	 ROUTE_API, api_login_fields, "sign in"},
	{HTTP_POST, "/api/v1/session/totp", api_session_totp, PERM_PUBLIC,
	 ROUTE_API, api_code_fields, "finish signing in with a TOTP code"},
	{HTTP_DELETE, "/api/v1/session", api_session_logout, PERM_PUBLIC,
	 ROUTE_API, NULL, "sign out"},
	{HTTP_GET, "/api/v1/users", api_users_list, PERM_ACCOUNTS, ROUTE_API,
	 NULL, "accounts you manage"},
	{HTTP_POST, "/api/v1/users", api_users_create, PERM_ACCOUNTS, ROUTE_API,
	 api_user_fields, "create an account"},
	{HTTP_GET, "/api/v1/users/{id:int}", api_user_get, PERM_ACCOUNTS,
	 ROUTE_API, NULL, "one account"},
};

const struct route_table auth_routes = {"auth", routes, ARRAY_LEN(routes)};
