/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Accounts, roles and scopes in the audit log's words: the sentence of
 * each action auth writes, and the names of its things.
 */
#include "auth.h"
#include "internal.h"
#include "platform/i18n/i18n.h"
#include "platform/runtime.h"

#include <string.h>

static int64_t key_id(const char *key)
{
	int64_t id = 0;

	return str_to_i64(key, &id) == 0 ? id : -1;
}

static const char *user_name(struct http_req *rq, const char *key)
{
	struct account acc;
	int64_t id = key_id(key);

	if (id <= 0 || account_get(platform_conn(), rq->arena, id, &acc) != DB_OK)
		return NULL;
	return acc.display_name;
}

static const char *role_name(struct http_req *rq, const char *key)
{
	const struct role_def *r = authz_role(key);

	return r ? tr_rq(rq, r->label) : NULL;
}

static const char *scope_name(struct http_req *rq, const char *key)
{
	struct scope s;
	int64_t id = key_id(key);

	if (id == 0)
		return tr_rq(rq, "the whole organization");
	if (id < 0 || scope_get(platform_conn(), rq->arena, id, &s) != DB_OK)
		return NULL;
	return s.name;
}

/* A token's name, for its owner and whoever oversees every account or
 * reads the whole audit log. */
static const char *token_name(struct http_req *rq, const char *key)
{
	struct api_token t;
	int64_t id = key_id(key);

	if (id <= 0 || api_token_get(platform_conn(), rq->arena, id, &t) != DB_OK)
		return NULL;
	if (t.user_id != rq->user.id && !can(rq, PERM_ACCOUNTS, 0) &&
	    !can(rq, PERM_AUDIT, 0))
		return NULL;
	return arena_printf(rq->arena, "“%s”", t.name);
}

static const struct audit_phrase phrases[] = {
	{"account.created", N_("{actor} created the account of {object}")},
	{"account.updated", N_("{actor} changed their name or language")},
	{"account.disabled", N_("{actor} disabled the account of {object}")},
	{"account.enabled", N_("{actor} enabled the account of {object}")},
	{"grant.added", N_("{actor} gave {object} the role {role:role} over {scope:scope}")},
	{"grant.revoked", N_("{actor} took the role {role:role} over {scope:scope} from {object}")},
	{"login", N_("{actor} signed in")},
	{"login.password", N_("{actor} gave the right password; the second step is next")},
	{"login.failed", N_("A sign-in to {object} failed ({reason})")},
	{"login.totp_failed", N_("{actor} gave a wrong sign-in code")},
	{"logout", N_("{actor} signed out")},
	{"password.set", N_("{object} chose a password")},
	{"password.changed", N_("{actor} changed their password")},
	{"password.link_created", N_("{actor} made a new password link for {object}")},
	{"totp.enabled", N_("{actor} turned on two-step sign-in")},
	{"totp.disabled", N_("{actor} turned off two-step sign-in")},
	{"totp.reset", N_("{actor} reset two-step sign-in for {object}")},
	{"session.revoked", N_("{actor} ended one of their sessions")},
	{"sessions.revoked_all", N_("{actor} signed {object} out everywhere ({sessions} sessions)")},
	{"invitation.sent", N_("{actor} sent an invitation ({kind})")},
	{"invitation.accepted", N_("{actor} accepted an invitation ({kind})")},
	{"invitation.declined", N_("An invitation ({kind}) was declined")},
	{"invitation.cancelled", N_("{actor} cancelled an invitation")},
	{"token.created", N_("{actor} made the access token {object}")},
	{"token.revoked", N_("{actor} revoked the access token {object}")},
	{"tokens.revoked_all", N_("With the reset by {actor}, every access token of {object} was revoked ({tokens})")},
	{0},
};

static const struct audit_noun nouns[] = {
	{"user", user_name, "/admin/users/%s", N_("account")},
	{"role", role_name, NULL, N_("role")},
	{"scope", scope_name, NULL, N_("branch")},
	{"token", token_name, NULL, N_("access token")},
	{0},
};

const struct audit_words auth_audit_words = {phrases, nouns};
