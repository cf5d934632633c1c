/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * auth: accounts, passwords, sessions, the second factor, login
 * throttling, and authorization — roles granted over a scope, and the one
 * gate, can().
 *
 * Roles are declared in code (struct role_def): the platform declares
 * "admin" and "coordinator"; modules declare theirs. A grant gives a role
 * to an account over the whole organization (scope 0) or over one scope
 * and everything below it. A role that can see personal data requires a
 * second factor (auth.require_totp).
 */
#ifndef RUDDER_AUTH_H
#define RUDDER_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/audit/audit.h"
#include "platform/outbox/outbox.h"

struct arena;
struct db_conn;
struct grant;
struct http_req;
struct http_resp;

struct role_def {
	const char *name;  /* "organizer" */
	const char *label; /* msgid */
	bool org_only;     /* may only be granted over the whole organization */
	bool personal;     /* sees personal data: requires a second factor */
	const char *const *perms; /* NULL-terminated */
	const char *about; /* msgid: one line on what the role may do */
};

/* Platform permissions (the parts below declare their own: PERM_AUDIT
 * in audit.h, PERM_SYSTEM in outbox.h; the roles here grant them) */
#define PERM_ACCOUNTS "accounts.manage" /* create accounts, grant roles */

/* ---- roles ---- */
/* Adds roles (NULL-name-terminated array); called before serving. */
void authz_add_roles(const struct role_def *roles);
const struct role_def *authz_role(const char *name);
/* All roles, in the order they were added. */
const struct role_def *const *authz_roles(size_t *n_r);
bool role_has_perm(const struct role_def *r, const char *perm);

/* ---- scopes: the organization's tree ---- */
struct scope {
	int64_t id;
	int64_t parent_id;
	const char *name;
	const char *path; /* "/1/7/" */
	int depth;
};
/* Creates a scope under parent (0: at the top). DB_OK and *id_r, or
 * DB_CONSTRAINT when a sibling has that name. */
int scope_create(struct db_conn *c, int64_t parent, const char *name,
		 int64_t *id_r);
/* Renames scope id: DB_OK, DB_NOTFOUND, or DB_CONSTRAINT when a sibling
 * has that name (run it in a savepoint: the constraint aborts it). */
int scope_rename(struct db_conn *c, int64_t id, const char *name);
/* DB_OK, DB_NOTFOUND or an error. Strings are arena-owned. */
int scope_get(struct db_conn *c, struct arena *a, int64_t id,
	      struct scope *out);
int scope_find(struct db_conn *c, struct arena *a, const char *name,
	       struct scope *out);
/* Every scope in tree order; arena-owned array. */
int scope_list(struct db_conn *c, struct arena *a, struct scope **out_r,
	       size_t *n_r);
/* True when path inner lies in the subtree at outer. */
bool scope_path_within(const char *inner, const char *outer);

/* ---- the gate ---- */
/* May the request's account use perm on something in scope_id (0: the
 * organization itself)? Anonymous requests may not. */
bool can(struct http_req *rq, const char *perm, int64_t scope_id);
/* May it use perm somewhere (in at least one scope)? */
bool can_any(struct http_req *rq, const char *perm);
/* The scopes where the account holds perm: *org_r is true when it holds
 * it over the whole organization (then the list is empty). Paths are
 * arena-owned. For filtering queries. */
void authz_scopes(struct http_req *rq, const char *perm, bool *org_r,
		  const char ***paths_r, size_t *n_r);

/* ---- passwords ---- */
/* Argon2id string for password (cost from auth.password_cost). */
char *password_hash(struct arena *a, const char *password);
bool password_verify(const char *hash, const char *password);
/* A password rule check: NULL when acceptable, else a msgid. */
const char *password_weak(const char *password);

/* ---- accounts (users table) ---- */
struct account {
	int64_t id;
	const char *email; /* unsealed; arena-owned */
	const char *display_name;
	const char *lang;
	const char *status;
	bool has_password;
	bool totp_enabled;
	int64_t created_at;
};
/* Normalizes an email for its blind index (trim, lower-case). */
char *email_normalize(struct arena *a, const char *email);
/* Creates an account (status 'invited' unless password given). DB_OK with
 * *id_r; DB_CONSTRAINT when the email is taken. Must run in a tx. */
int account_create(struct db_conn *c, struct arena *a, const char *email,
		   const char *display_name, const char *lang,
		   const char *password, int64_t *id_r);
int account_get(struct db_conn *c, struct arena *a, int64_t id,
		struct account *out);
int account_find_email(struct db_conn *c, struct arena *a, const char *email,
		       struct account *out);
int account_set_password(struct db_conn *c, struct arena *a, int64_t id,
			 const char *password);
int account_set_status(struct db_conn *c, int64_t id, const char *status);
int account_update(struct db_conn *c, int64_t id, const char *display_name,
		   const char *lang);
/* The second factor's secret, sealed at rest ("users.totp"); the active
 * one, arena-owned, or NULL. */
char *account_totp_secret(struct db_conn *c, struct arena *a, int64_t id);
/* Puts secret into use (it was just confirmed with the code of step). */
int account_totp_enable(struct db_conn *c, struct arena *a, int64_t id,
			const char *secret, int64_t step);
/* Records that step was used; DB_CONSTRAINT when it (or a later one)
 * already was: a replayed code. */
int account_totp_use_step(struct db_conn *c, int64_t id, int64_t step);
int account_totp_clear(struct db_conn *c, int64_t id);

/* Every account with its grants, by display name (for account managers
 * and the CLI). Arrays arena-owned; grants[i] has ngrants[i] entries. */
int account_list(struct db_conn *c, struct arena *a, struct account **out_r,
		 struct grant ***grants_r, size_t **ngrants_r, size_t *n_r);

/* ---- personal keys (crypto.h): not opened by the data key ----
 * Setting a password (account_create with one, account_set_password)
 * makes a new keypair; changing it keeps the key (open, then store). */
int personal_keys_store(struct db_conn *c, struct arena *a, int64_t user,
			const char *password, const unsigned char *sk);
/* DB_OK and sk; DB_NOTFOUND when the account has none; DB_ERROR when the
 * password does not open it. */
int personal_keys_open(struct db_conn *c, int64_t user, const char *password,
		       unsigned char *sk);
int personal_key_public(struct db_conn *c, int64_t user, unsigned char *pk);
/* The signed-in account's secret key, from this session (opened at
 * sign-in with the password); -1 when the session holds none. */
int auth_personal_key(struct http_req *rq, unsigned char *sk,
		      unsigned char *pk);

/* Is this the active account's password? */
/* The active account's password hash (arena-owned), NULL when it has
 * none, is not active or cannot be read. */
char *account_password_hash(struct db_conn *c, struct arena *a, int64_t id);
bool account_password_ok(struct db_conn *c, struct arena *a, int64_t id,
			 const char *password);
/* Erases an account that leaves: email replaced by a placeholder no one
 * owns, name, password, second factor, sessions, roles, links and
 * personal key gone, access tokens revoked, status disabled. The row
 * stays for the audit log. */
int account_erase(struct db_conn *c, struct arena *a, int64_t id);

/* Ends every session of the account; returns how many. */
int account_revoke_sessions(struct db_conn *c, int64_t id);
/* What every reset does, the way back for an account taken over: a
 * password set from a one-time link or by the command line, a second
 * factor reset by an administrator. Ends every session of the account
 * and revokes every access token of it (docs/api/tokens.md), and audits
 * "tokens.revoked_all" with how many and why (reason: the action of the
 * reset, "password.set" or "totp.reset") when there was one to revoke,
 * as actor (0 with label "cli" for the command line). Runs in the
 * caller's transaction when there is one. DB_OK or an error. A password
 * changed by its signed-in owner is no reset: it ends the other
 * sessions and keeps the tokens. */
int account_reset_access(struct db_conn *c, int64_t id, int64_t actor,
			 const char *label, const char *reason);

struct grant {
	int64_t id;
	int64_t user_id;
	const char *role;
	int64_t scope_id; /* 0: organization */
	const char *scope_name;
	const char *scope_path; /* "" for the organization */
};
int grant_add(struct db_conn *c, int64_t user, const char *role,
	      int64_t scope, int64_t by, int64_t *id_r);
int grant_remove(struct db_conn *c, int64_t grant_id);
int grants_of(struct db_conn *c, struct arena *a, int64_t user,
	      struct grant **out_r, size_t *n_r);
int grant_get(struct db_conn *c, struct arena *a, int64_t grant_id,
	      struct grant *out);

/* ---- two people ----
 * A two-person rule (a second officer approves an export, a second
 * organizer an application) needs two people. Two accounts are not two
 * people for it when one made the other (created it, was shown its
 * password link, or sent the invitation it was made by), granted it a
 * role or reset its second factor — ever, in either direction — nor
 * when one person may hold both through a chain of creations: the
 * accounts an account made, and they made, ..., and those made by
 * whoever made it (up to an administrator, who is trusted with every
 * account anyway). */
/* Records such a tie (kind "created", "granted" or "reset"); by 0 (the
 * command line) or by == user records nothing. grant_add records its
 * own. */
int account_tie(struct db_conn *c, int64_t by, int64_t user, const char *kind);
/* True when a and b are two people by the rule above. */
bool accounts_independent(struct db_conn *c, int64_t a, int64_t b);
/* The accounts one person may hold with user (user included): those its
 * makers up to an administrator made, through chains of creations.
 * Arena array. For rules that count what one person does (exports). */
int account_circle(struct db_conn *c, struct arena *a, int64_t user,
		   int64_t **ids_r, size_t *n_r);
/* Does account user (active) hold perm over scope (0: the organization),
 * as can() would say for its own requests? For checks on behalf of
 * someone not asking (an inviter, when their invitation is accepted). */
bool account_can(struct db_conn *c, struct arena *a, int64_t user,
		 const char *perm, int64_t scope);

/* ---- invitations ----
 * An invitation to an email address, to take a role or what a module
 * offers (a membership record to link the account to). The link is
 * emailed (through the outbox); whoever holds it chooses a password when
 * no account has that address, or accepts while signed in as the account
 * that has it. The inviter is answered the same either way and learns
 * nothing of which it was. */
struct invitation_kind {
	const char *name; /* "members.link" */
	const char *what; /* msgid: what accepting does, for the invitee */
	/* Runs in the accepting transaction for account, which the
	 * invitation sent to email. DB_OK, or a refusal with *why_r (msgid),
	 * or an error. */
	int (*accept)(struct db_conn *c, struct arena *a, int64_t account,
		      const char *object, const char *email, const char **why_r);
};
/* Adds kinds (NULL-name-terminated, borrowed); before serving. */
void auth_add_invitation_kinds(const struct invitation_kind *kinds);
struct invitation_new {
	const char *email, *display_name, *lang;
	const char *kind;   /* "role", or a module's */
	const char *role;   /* for "role": granted over scope on accepting */
	int64_t scope;
	const char *object; /* for a module's kind: "person:12" */
};
/* Makes an invitation from the request's account and emails its link;
 * DB_OK with *id_r and the link (arena-owned) in *link_r, which only an
 * inviter who may see every account should be shown. */
int invitation_create(struct http_req *rq, struct db_conn *c,
		      const struct invitation_new *in, int64_t *id_r,
		      char **link_r);
struct invitation {
	int64_t id;
	const char *email, *display_name, *lang, *kind, *role, *object, *state;
	int64_t scope, created_by, created_at, expires_at;
	const char *by_name;
};
/* Invitations of a kind for an object (newest first), e.g. a person's. */
int invitations_for(struct db_conn *c, struct arena *a, const char *object,
		    struct invitation **out_r, size_t *n_r);

/* A one-time link token to set a password (valid `ttl` seconds). The
 * token is returned once, arena-owned; only its hash is stored. */
char *account_token_create(struct db_conn *c, struct arena *a, int64_t user,
			   int64_t ttl);
/* The account id a valid, unused token belongs to, or 0. */
int64_t account_token_check(struct db_conn *c, const char *token);
int account_token_use(struct db_conn *c, const char *token);

/* ---- personal access tokens (docs/api/tokens.md) ----
 * A secret an account gives a program, to use /api/v1/ as that account
 * with a subset of its grants, for at most API_TOKEN_MAX_DAYS. The text
 * is returned once by api_token_create; only its keyed hash is stored. */
#define API_TOKEN_PREFIX "rdr_"
#define API_TOKEN_MAX_DAYS 365
#define API_TOKEN_DEFAULT_DAYS 90
struct api_token {
	int64_t id, user_id;
	const char *name;
	bool read_only;
	int64_t created_at, expires_at;
	int64_t last_used_at; /* 0: never */
	int64_t revoked_at;   /* 0: not revoked */
	const char *user_name, *user_status, *user_lang; /* its account's */
	bool user_totp; /* its account has a second factor */
};
/* Could text be a token at all (the prefix, a sane length)? */
bool api_token_text_ok(const char *text);
/* Makes a token for user with the given grants, which must all be the
 * account's own (else DB_CONSTRAINT, and nothing is written). days in 1..API_TOKEN_MAX_DAYS. DB_OK with *id_r and the
 * token's text, arena-owned, in *text_r: the only time it exists. */
int api_token_create(struct db_conn *c, struct arena *a, int64_t user,
		     const char *name, int64_t days, bool read_only,
		     const int64_t *grant_ids, size_t ngrants, int64_t *id_r,
		     char **text_r);
/* user's tokens (0: every account's), newest first; arena array. */
int api_token_list(struct db_conn *c, struct arena *a, int64_t user,
		   struct api_token **out_r, size_t *n_r);
int api_token_get(struct db_conn *c, struct arena *a, int64_t id,
		  struct api_token *out);
/* The usable token with this text: not revoked, not expired, its account
 * active. DB_OK, DB_NOTFOUND (for every other case alike) or an error. */
int api_token_find(struct db_conn *c, struct arena *a, const char *text,
		   struct api_token *out);
/* The grants a token carries (those its account still holds). */
int api_token_grants(struct db_conn *c, struct arena *a, int64_t id,
		     struct grant **out_r, size_t *n_r);
/* Revokes one (by: who, 0 for the command line); DB_NOTFOUND when it is
 * not there or already revoked. */
int api_token_revoke(struct db_conn *c, int64_t id, int64_t by);
/* Revokes every token of an account not revoked yet (by: who, 0 for
 * the command line or the system); how many (>= 0), or an error (< 0).
 * What erasing an account and every reset (account_reset_access) do. */
int api_token_revoke_user(struct db_conn *c, int64_t user, int64_t by);
/* How many of the account's tokens work now (neither revoked nor
 * expired), in *n_r. DB_OK or an error. */
int api_token_count_active(struct db_conn *c, int64_t user, int64_t *n_r);
/* Notes that the token was used now. */
int api_token_touch(struct db_conn *c, int64_t id);

/* ---- TOTP (RFC 6238, SHA-1, 6 digits, 30 s) ---- */
/* A new random secret, base32 (arena-owned). */
char *totp_new_secret(struct arena *a);
/* Checks code against a base32 secret within one step either side; on
 * success returns the step matched (for replay refusal), else -1. */
int64_t totp_check(const char *secret_b32, const char *code, int64_t now);
/* The code for a secret at a time (tests and the CLI). */
int totp_code(const char *secret_b32, int64_t now, char out[7]);
/* An inline SVG of a QR code for text (arena-owned, made only of our own
 * markup and label, escaped: safe to output raw); label (translated
 * text) is what a screen reader says of it. */
char *qr_svg(struct arena *a, const char *text, const char *label);

/* ---- sessions ---- */
#define SESSION_COOKIE "rudder_session"
#define CSRF_COOKIE "rudder_csrf"
#define LANG_COOKIE "rudder_lang"

/* Starts a session for user; sets the cookie. stage "totp" or "full". */
int session_start(struct http_req *rq, struct http_resp *rs,
		  struct db_conn *c, int64_t user, const char *stage);
/* Ends the request's session and clears the cookie. */
void session_end(struct http_req *rq, struct http_resp *rs, struct db_conn *c);
/* Marks the request's session fully signed in with the second factor. */
int session_complete(struct http_req *rq, struct db_conn *c);
/* The request's session no longer holds a second factor (it was turned
 * off). */
int session_factor_dropped(struct http_req *rq, struct db_conn *c);
/* Ends every session of user but the request's own; how many, or < 0. */
int session_end_others(struct http_req *rq, struct db_conn *c, int64_t user);
/* A second factor being set up waits in the session that shows it
 * ("sessions.totp_pending"), never on the account: another session of
 * the account never sees it. The secret is arena-owned, or NULL. */
int session_totp_pending_set(struct http_req *rq, struct db_conn *c,
			     const char *secret);
char *session_totp_pending(struct http_req *rq, struct db_conn *c);
/* The id of the request's session row (0 if none). */
int64_t session_id(struct http_req *rq);
/* The user id of a session still owing its second factor (0 if none). */
int64_t session_pending_user(struct http_req *rq);

/* ---- throttling of failed logins ---- */
/* Seconds the key is still locked (0 when not). kind: "account"/"client" */
int64_t throttle_locked(struct db_conn *c, const char *kind, const char *id);
/* Counts a failure; returns seconds locked now (0 if not locked). */
int64_t throttle_fail(struct db_conn *c, const char *kind, const char *id,
		      int64_t limit);
void throttle_clear(struct db_conn *c, const char *kind, const char *id);

/* ---- route table of the platform's account pages ---- */
extern const struct route_table auth_routes;
/* Its actions and things in the audit log's words (words.c). */
extern const struct audit_words auth_audit_words;
extern const struct role_def auth_roles[];

#endif
