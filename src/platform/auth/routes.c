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
	{.name = "admin", .label = N_("Administrator"), .org_only = true,
	 .personal = true, .perms = admin_perms,
	 .about = N_("Runs the whole system: accounts, the audit log, the outbox and settings.")},
	{.name = "coordinator", .label = N_("Coordinator"), .personal = true,
	 .perms = coordinator_perms,
	 .about = N_("Creates accounts and gives roles, within their branches.")},
	{0},
};

static const struct field login_fields[] = {
	{.name = "email", .type = F_LINE, .required = true, .max_len = 254,
	 .label = N_("Email")},
	{.name = "password", .type = F_SECRET, .required = true, .max_len = 1024,
	 .label = N_("Password")},
	{.name = "next", .type = F_LINE, .max_len = 2000},
	{0},
};
static const struct field next_fields[] = {
	{.name = "next", .type = F_LINE, .max_len = 2000},
	{0},
};
static const struct field code_fields[] = {
	{.name = "code", .type = F_TOKEN, .required = true, .max_len = 10,
	 .label = N_("Code")},
	{.name = "next", .type = F_LINE, .max_len = 2000},
	{0},
};
static const struct field lang_fields[] = {
	{.name = "lang", .type = F_TOKEN, .required = true, .max_len = 8,
	 .label = N_("Language")},
	{.name = "next", .type = F_LINE, .max_len = 2000},
	{0},
};
static const struct field token_fields[] = {
	{.name = "token", .type = F_TOKEN, .required = true, .max_len = 100,
	 .label = N_("Link")},
	{0},
};
static const struct field setpw_fields[] = {
	{.name = "token", .type = F_TOKEN, .required = true, .max_len = 100,
	 .label = N_("Link")},
	{.name = "password", .type = F_SECRET, .required = true, .max_len = 1024,
	 .label = N_("Password")},
	{.name = "password2", .type = F_SECRET, .required = true,
	 .max_len = 1024, .label = N_("Password again")},
	{0},
};
static const struct field account_fields[] = {
	{.name = "display_name", .type = F_LINE, .required = true,
	 .max_len = 200, .label = N_("Name")},
	{.name = "lang", .type = F_TOKEN, .max_len = 8,
	 .label = N_("Language")},
	{0},
};
static const struct field password_fields[] = {
	{.name = "current", .type = F_SECRET, .required = true, .max_len = 1024,
	 .label = N_("Current password")},
	{.name = "password", .type = F_SECRET, .required = true, .max_len = 1024,
	 .label = N_("New password")},
	{.name = "password2", .type = F_SECRET, .required = true,
	 .max_len = 1024, .label = N_("New password again")},
	{0},
};
static const struct field enrol_fields[] = {
	{.name = "code", .type = F_TOKEN, .required = true, .max_len = 10,
	 .label = N_("Code")},
	{.name = "next", .type = F_LINE, .max_len = 2000},
	{0},
};
static const struct field disable_fields[] = {
	{.name = "password", .type = F_SECRET, .required = true, .max_len = 1024,
	 .label = N_("Password")},
	{0},
};
/* A role and where it holds: both chosen, never assumed (an empty
 * scope is not "the whole organization"). */
#define GRANT_FIELDS \
	{.name = "role", .type = F_TOKEN, .required = true, .max_len = 64, .label = N_("Role")}, \
	{.name = "scope", .type = F_INT, .required = true, .label = N_("Branch")}

/* the form, shown again after a refusal, keeps the language chosen */
static const struct field user_new_fields[] = {
	{.name = "lang", .type = F_TOKEN, .max_len = 8, .label = N_("Language")},
	{0},
};
static const struct field user_fields[] = {
	{.name = "display_name", .type = F_LINE, .required = true,
	 .max_len = 200, .label = N_("Name"),
	 .hint = N_("It may be a pseudonym."), .autocomplete = "off"},
	{.name = "email", .type = F_EMAIL, .required = true, .max_len = 254,
	 .label = N_("Email"), .autocomplete = "off",
	 .hint = N_("The link to choose a password goes here. Only administrators see this address.")},
	{.name = "lang", .type = F_TOKEN, .max_len = 8,
	 .label = N_("Language")},
	GRANT_FIELDS,
	{0},
};
static const struct field api_user_fields[] = {
	{.name = "email", .type = F_EMAIL, .required = true, .max_len = 254,
	 .label = N_("Email")},
	{.name = "display_name", .type = F_LINE, .required = true,
	 .max_len = 200, .label = N_("Name")},
	{.name = "lang", .type = F_TOKEN, .max_len = 8,
	 .label = N_("Language")},
	{.name = "role", .type = F_TOKEN, .required = true, .max_len = 64,
	 .label = N_("Role")},
	{.name = "scope_id", .type = F_INT, .label = N_("Branch")},
	{0},
};
static const struct field grant_fields[] = {
	GRANT_FIELDS,
	{0},
};
static const struct field status_fields[] = {
	{.name = "status", .type = F_TOKEN, .required = true, .max_len = 16,
	 .label = N_("State")},
	{0},
};
static const struct field invitation_form_fields[] = {
	{.name = "token", .type = F_TOKEN, .required = true, .max_len = 100,
	 .label = N_("Link")},
	{0},
};
static const struct field invitation_fields[] = {
	{.name = "token", .type = F_TOKEN, .required = true, .max_len = 100,
	 .label = N_("Link")},
	{.name = "action", .type = F_TOKEN, .required = true, .max_len = 10},
	{.name = "password", .type = F_SECRET, .max_len = 1024,
	 .label = N_("Password")},
	{.name = "password2", .type = F_SECRET, .max_len = 1024,
	 .label = N_("Password again")},
	{0},
};
static const struct field api_login_fields[] = {
	{.name = "email", .type = F_LINE, .required = true, .max_len = 254,
	 .label = N_("Email")},
	{.name = "password", .type = F_SECRET, .required = true, .max_len = 1024,
	 .label = N_("Password")},
	{0},
};
static const struct field api_code_fields[] = {
	{.name = "code", .type = F_TOKEN, .required = true, .max_len = 10,
	 .label = N_("Code")},
	{0},
};

/* a personal access token: its grants are checkboxes of the account's
 * own (docs/api/tokens.md) */
#define TOKEN_FIELDS \
	{.name = "name", .type = F_LINE, .required = true, .max_len = 100, \
	 .label = N_("Name"), .placeholder = N_("SMS gateway"), \
	 .hint = N_("Say what program uses it, to recognise it later."), .autocomplete = "off"}, \
	{.name = "days", .type = F_INT, .required = true, .max_len = 3, \
	 .label = N_("Valid for (days)"), .hint = N_("From 1 to 365 days.")}, \
	{.name = "read_only", .type = F_BOOL, .label = N_("Read only"), \
	 .hint = N_("The program may read, never change anything.")}
static const struct field token_page_fields[] = {
	TOKEN_FIELDS,
	{.name = "grant", .type = F_INT, .multi = true, .label = N_("Roles")},
	{0},
};
static const struct field token_api_fields[] = {
	TOKEN_FIELDS,
	/* the grant ids (the handler reads the list itself, from the body) */
	{.name = "grants", .type = F_INT, .multi = true, .label = N_("Roles")},
	{0},
};

static const struct route routes[] = {
	{.method = HTTP_GET, .pattern = "/login", .handler = auth_login_form,
	 .perm = PERM_PUBLIC, .fields = next_fields, .summary = "sign-in form"},
	{.method = HTTP_POST, .pattern = "/login", .handler = auth_login,
	 .perm = PERM_PUBLIC, .fields = login_fields,
	 .summary = "sign in with email and password"},
	{.method = HTTP_GET, .pattern = "/login/totp", .handler = auth_totp_form,
	 .perm = PERM_PUBLIC, .fields = next_fields,
	 .summary = "second-factor form"},
	{.method = HTTP_POST, .pattern = "/login/totp",
	 .handler = auth_totp_login, .perm = PERM_PUBLIC, .fields = code_fields,
	 .summary = "finish signing in with a TOTP code"},
	{.method = HTTP_POST, .pattern = "/logout", .handler = auth_logout,
	 .perm = PERM_PUBLIC, .summary = "sign out"},
	{.method = HTTP_POST, .pattern = "/lang", .handler = auth_lang,
	 .perm = PERM_PUBLIC, .fields = lang_fields,
	 .summary = "choose the language"},
	{.method = HTTP_GET, .pattern = "/account/set-password",
	 .handler = auth_setpw_form, .perm = PERM_PUBLIC, .fields = token_fields,
	 .summary = "form behind a one-time link"},
	{.method = HTTP_POST, .pattern = "/account/set-password",
	 .handler = auth_setpw, .perm = PERM_PUBLIC, .fields = setpw_fields,
	 .summary = "set a password with a one-time link"},
	{.method = HTTP_GET, .pattern = "/account/invitation",
	 .handler = auth_invitation_form, .perm = PERM_PUBLIC,
	 .fields = invitation_form_fields,
	 .summary = "an invitation: choose a password, or accept with your account"},
	{.method = HTTP_POST, .pattern = "/account/invitation",
	 .handler = auth_invitation, .perm = PERM_PUBLIC,
	 .fields = invitation_fields,
	 .summary = "accept or decline an invitation"},
	{.method = HTTP_GET, .pattern = "/account", .handler = auth_account,
	 .perm = PERM_LOGIN, .flags = ROUTE_PRE_2FA, .summary = "your account"},
	{.method = HTTP_POST, .pattern = "/account",
	 .handler = auth_account_save, .perm = PERM_LOGIN,
	 .flags = ROUTE_PRE_2FA, .fields = account_fields,
	 .summary = "save your name and language"},
	{.method = HTTP_GET, .pattern = "/account/password",
	 .handler = auth_password_form, .perm = PERM_LOGIN,
	 .flags = ROUTE_PRE_2FA, .summary = "password form"},
	{.method = HTTP_POST, .pattern = "/account/password",
	 .handler = auth_password_save, .perm = PERM_LOGIN,
	 .flags = ROUTE_PRE_2FA, .fields = password_fields,
	 .summary = "change your password"},
	{.method = HTTP_GET, .pattern = "/account/totp",
	 .handler = auth_enrol_form, .perm = PERM_LOGIN, .flags = ROUTE_PRE_2FA,
	 .fields = next_fields,
	 .summary = "two-step sign-in: set up or turn off"},
	{.method = HTTP_POST, .pattern = "/account/totp", .handler = auth_enrol,
	 .perm = PERM_LOGIN, .flags = ROUTE_PRE_2FA, .fields = enrol_fields,
	 .summary = "confirm a new second factor"},
	{.method = HTTP_POST, .pattern = "/account/totp/disable",
	 .handler = auth_totp_disable, .perm = PERM_LOGIN,
	 .fields = disable_fields, .summary = "turn two-step sign-in off"},
	{.method = HTTP_GET, .pattern = "/account/sessions",
	 .handler = auth_sessions, .perm = PERM_LOGIN, .flags = ROUTE_PRE_2FA,
	 .summary = "your sessions"},
	{.method = HTTP_POST, .pattern = "/account/sessions/{id:int}/revoke",
	 .handler = auth_session_revoke, .perm = PERM_LOGIN,
	 .flags = ROUTE_PRE_2FA, .summary = "sign out one session"},
	{.method = HTTP_POST, .pattern = "/account/sessions/revoke-all",
	 .handler = auth_sessions_revoke_all, .perm = PERM_LOGIN,
	 .flags = ROUTE_PRE_2FA, .summary = "sign out everywhere"},
	{.method = HTTP_GET, .pattern = "/account/tokens",
	 .handler = auth_tokens, .perm = PERM_LOGIN,
	 .summary = "your access tokens, and the form to make one"},
	{.method = HTTP_POST, .pattern = "/account/tokens",
	 .handler = auth_token_create, .perm = PERM_LOGIN,
	 .fields = token_page_fields, .refused = auth_tokens_refused,
	 .summary = "make an access token (shown once)"},
	{.method = HTTP_POST, .pattern = "/account/tokens/{id:int}/revoke",
	 .handler = auth_token_revoke, .perm = PERM_LOGIN,
	 .fields = http_confirm_fields,
	 .summary = "revoke one of your access tokens (asks first)"},

	{.method = HTTP_GET, .pattern = "/admin/users", .handler = admin_users,
	 .perm = PERM_ACCOUNTS, .summary = "accounts"},
	{.method = HTTP_GET, .pattern = "/admin/users/new",
	 .handler = admin_user_new, .perm = PERM_ACCOUNTS,
	 .fields = user_new_fields, .summary = "new account form"},
	{.method = HTTP_POST, .pattern = "/admin/users",
	 .handler = admin_user_create, .perm = PERM_ACCOUNTS,
	 .fields = user_fields, .refused = admin_user_refused,
	 .summary = "create an account"},
	{.method = HTTP_GET, .pattern = "/admin/users/{id:int}",
	 .handler = admin_user, .perm = PERM_ACCOUNTS,
	 .summary = "one account"},
	{.method = HTTP_POST, .pattern = "/admin/users/{id:int}/grants",
	 .handler = admin_grant_add, .perm = PERM_ACCOUNTS,
	 .fields = grant_fields, .refused = admin_grant_refused,
	 .summary = "grant a role"},
	{.method = HTTP_POST,
	 .pattern = "/admin/users/{id:int}/grants/{gid:int}/revoke",
	 .handler = admin_grant_revoke, .perm = PERM_ACCOUNTS,
	 .fields = http_confirm_fields, .summary = "revoke a role (asks first)"},
	{.method = HTTP_POST, .pattern = "/admin/users/{id:int}/status",
	 .handler = admin_user_status, .perm = PERM_ACCOUNTS,
	 .fields = status_fields, .summary = "disable or enable an account"},
	{.method = HTTP_POST, .pattern = "/admin/users/{id:int}/signout",
	 .handler = admin_user_signout, .perm = PERM_ACCOUNTS,
	 .summary = "sign an account out everywhere"},
	{.method = HTTP_POST, .pattern = "/admin/users/{id:int}/link",
	 .handler = admin_user_link, .perm = PERM_ACCOUNTS,
	 .summary = "send a new password link"},
	{.method = HTTP_POST, .pattern = "/admin/users/{id:int}/totp/reset",
	 .handler = admin_user_totp_reset, .perm = PERM_ACCOUNTS,
	 .summary = "reset an account's second factor"},
	{.method = HTTP_GET, .pattern = "/admin/tokens", .handler = admin_tokens,
	 .perm = PERM_ACCOUNTS,
	 .summary = "every account's access tokens (the whole organization's managers)"},
	{.method = HTTP_POST, .pattern = "/admin/tokens/{id:int}/revoke",
	 .handler = admin_token_revoke, .perm = PERM_ACCOUNTS,
	 .fields = http_confirm_fields,
	 .summary = "revoke any access token (asks first)"},
	{.method = HTTP_POST, .pattern = "/admin/invitations/{id:int}/cancel",
	 .handler = admin_invitation_cancel, .perm = PERM_ACCOUNTS,
	 .summary = "cancel an invitation not yet accepted"},

	{.method = HTTP_GET, .pattern = "/api/v1/session",
	 .handler = api_session_get, .perm = PERM_PUBLIC, .flags = ROUTE_API,
	 .summary = "who is signed in, and the CSRF token"},
	{.method = HTTP_POST, .pattern = "/api/v1/session",
	 .handler = api_session_login, .perm = PERM_PUBLIC, .flags = ROUTE_API,
	 .fields = api_login_fields, .summary = "sign in"},
	{.method = HTTP_POST, .pattern = "/api/v1/session/totp",
	 .handler = api_session_totp, .perm = PERM_PUBLIC, .flags = ROUTE_API,
	 .fields = api_code_fields,
	 .summary = "finish signing in with a TOTP code"},
	{.method = HTTP_DELETE, .pattern = "/api/v1/session",
	 .handler = api_session_logout, .perm = PERM_PUBLIC, .flags = ROUTE_API,
	 .summary = "sign out"},
	{.method = HTTP_GET, .pattern = "/api/v1/tokens",
	 .handler = api_tokens_list, .perm = PERM_LOGIN, .flags = ROUTE_API,
	 .fields = http_list_fields, .summary = "your access tokens"},
	{.method = HTTP_POST, .pattern = "/api/v1/tokens",
	 .handler = api_tokens_create, .perm = PERM_LOGIN, .flags = ROUTE_API,
	 .fields = token_api_fields,
	 .summary = "make an access token (never through one)"},
	{.method = HTTP_DELETE, .pattern = "/api/v1/tokens/{id:int}",
	 .handler = api_token_delete, .perm = PERM_LOGIN, .flags = ROUTE_API,
	 .fields = http_confirm_fields, .summary = "revoke one of your access tokens"},
	{.method = HTTP_GET, .pattern = "/api/v1/users",
	 .handler = api_users_list, .perm = PERM_ACCOUNTS, .flags = ROUTE_API,
	 .fields = http_list_fields, .summary = "accounts you manage"},
	{.method = HTTP_POST, .pattern = "/api/v1/users",
	 .handler = api_users_create, .perm = PERM_ACCOUNTS, .flags = ROUTE_API,
	 .fields = api_user_fields, .summary = "create an account"},
	{.method = HTTP_GET, .pattern = "/api/v1/users/{id:int}",
	 .handler = api_user_get, .perm = PERM_ACCOUNTS, .flags = ROUTE_API,
	 .summary = "one account"},
};

const struct route_table auth_routes = {"auth", routes, ARRAY_LEN(routes)};
