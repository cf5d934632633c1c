/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Accounts, grants and one-time links: the SQL of the users, grants and
 * account_tokens tables. Emails are sealed ("users.email") and found
 * through a blind index of their normalized form.
 */
#include "auth.h"
#include "platform/core/core.h"
#include "platform/crypto/crypto.h"
#include "platform/db/db.h"

#include <stdio.h>
#include <string.h>

#define EMAIL_CTX "users.email"
#define TOTP_CTX "users.totp"

static const char SQL_INSERT[] =
	"INSERT INTO users (email_sealed, email_index, display_name, "
	"password_hash, lang, status, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id";
static const char SQL_GET[] =
	"SELECT id, email_sealed, display_name, lang, status, "
	"password_hash IS NOT NULL, totp_sealed IS NOT NULL, created_at "
	"FROM users WHERE id = $1";
static const char SQL_FIND[] =
	"SELECT id, email_sealed, display_name, lang, status, "
	"password_hash IS NOT NULL, totp_sealed IS NOT NULL, created_at "
	"FROM users WHERE email_index = $1";
static const char SQL_SET_PW[] =
	"UPDATE users SET password_hash = $1, updated_at = $2, "
	"status = CASE WHEN status = 'invited' THEN 'active' ELSE status END "
	"WHERE id = $3";
static const char SQL_SET_STATUS[] =
	"UPDATE users SET status = $1, updated_at = $2 WHERE id = $3";
static const char SQL_UPDATE[] =
	"UPDATE users SET display_name = $1, lang = $2, updated_at = $3 "
	"WHERE id = $4";
static const char SQL_REVOKE_ALL[] = "DELETE FROM sessions WHERE user_id = $1";

static const char SQL_GRANT_ADD[] =
	"INSERT INTO grants (user_id, role, scope_id, granted_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5) RETURNING id";
static const char SQL_GRANT_DEL[] = "DELETE FROM grants WHERE id = $1";
static const char SQL_GRANTS_OF[] =
	"SELECT g.id, g.user_id, g.role, coalesce(g.scope_id, 0), "
	"coalesce(s.name, ''), coalesce(s.path, '') "
	"FROM grants g LEFT JOIN scopes s ON s.id = g.scope_id "
	"WHERE g.user_id = $1 ORDER BY g.role, s.path";
static const char SQL_GRANT_GET[] =
	"SELECT g.id, g.user_id, g.role, coalesce(g.scope_id, 0), "
	"coalesce(s.name, ''), coalesce(s.path, '') "
	"FROM grants g LEFT JOIN scopes s ON s.id = g.scope_id WHERE g.id = $1";

static const char SQL_TOKEN_ADD[] =
	"INSERT INTO account_tokens (token_hash, user_id, purpose, expires_at, "
	"created_at) VALUES ($1, $2, 'set_password', $3, $4)";
static const char SQL_TOKEN_OLD[] =
	"UPDATE account_tokens SET used_at = $1 "
	"WHERE user_id = $2 AND used_at IS NULL";
static const char SQL_TOKEN_CHECK[] =
	"SELECT user_id FROM account_tokens WHERE token_hash = $1 "
	"AND used_at IS NULL AND expires_at > $2";
static const char SQL_TOKEN_USE[] =
	"UPDATE account_tokens SET used_at = $1 WHERE token_hash = $2 "
	"AND used_at IS NULL";

char *email_normalize(struct arena *a, const char *email)
{
	char *e = str_trim(arena_strdup(a, email));

	str_ascii_lower(e);
	return e;
}

static void email_index(struct arena *a, const char *email,
			unsigned char out[BLIND_LEN])
{
	char *norm = email_normalize(a, email);
	blind_index(EMAIL_CTX, norm, strlen(norm), out);
}

int account_create(struct db_conn *c, struct arena *a, const char *email,
		   const char *display_name, const char *lang,
		   const char *password, int64_t *id_r)
{
	unsigned char idx[BLIND_LEN];
	size_t slen;
	unsigned char *sealed;
	char *norm = str_trim(arena_strdup(a, email));

	int rc;

	sealed = seal_str(a, EMAIL_CTX, norm, &slen);
	email_index(a, norm, idx);
	rc = db_int(c, id_r, SQL_INSERT, "bbtttti", sealed, slen, idx,
		    sizeof(idx), display_name,
		    password ? password_hash(a, password) : NULL,
		    lang ? lang : "", password ? "active" : "invited",
		    (int64_t)time_now());
	if (rc == DB_OK && password)
		rc = personal_keys_store(c, a, *id_r, password, NULL);
	return rc;
}

/* The columns every account query selects, in this order. */
static const struct db_map ACCOUNT[] = {
	DB_COL(struct account, id),
	DB_COL_FN(struct account, email, unseal_col, EMAIL_CTX),
	DB_COL(struct account, display_name),
	DB_COL(struct account, lang),
	DB_COL(struct account, status),
	DB_COL(struct account, has_password),
	DB_COL(struct account, totp_enabled),
	DB_COL(struct account, created_at),
	DB_COLS_END,
};

int account_get(struct db_conn *c, struct arena *a, int64_t id,
		struct account *out)
{
	return db_row(c, a, ACCOUNT, out, SQL_GET, "i", id);
}

int account_find_email(struct db_conn *c, struct arena *a, const char *email,
		       struct account *out)
{
	unsigned char idx[BLIND_LEN];

	email_index(a, email, idx);
	return db_row(c, a, ACCOUNT, out, SQL_FIND, "b", idx, sizeof(idx));
}

int account_set_password(struct db_conn *c, struct arena *a, int64_t id,
			 const char *password)
{
	int rc = db_run(c, SQL_SET_PW, "tii", password_hash(a, password),
			(int64_t)time_now(), id);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return DB_NOTFOUND;
	/* a password set without the old one (a link, the command line)
	 * cannot open the old personal key: a new one replaces it */
	return personal_keys_store(c, a, id, password, NULL);
}

int account_set_status(struct db_conn *c, int64_t id, const char *status)
{
	int rc = db_run(c, SQL_SET_STATUS, "tii", status, (int64_t)time_now(),
			id);
	return rc < 0 ? rc : (rc == 0 ? DB_NOTFOUND : DB_OK);
}

int account_update(struct db_conn *c, int64_t id, const char *display_name,
		   const char *lang)
{
	int rc = db_run(c, SQL_UPDATE, "ttii", display_name, lang,
			(int64_t)time_now(), id);
	return rc < 0 ? rc : (rc == 0 ? DB_NOTFOUND : DB_OK);
}

char *account_password_hash(struct db_conn *c, struct arena *a, int64_t id)
{
	static const struct db_map HASH[] = {DB_COL_SELF(const char *),
					     DB_COLS_END};
	const char *h = "";

	if (db_row(c, a, HASH, &h,
		   "SELECT coalesce(password_hash, '') FROM users "
		   "WHERE id = $1 AND status = 'active'",
		   "i", id) != DB_OK ||
	    !*h)
		return NULL;
	return (char *)h;
}

bool account_password_ok(struct db_conn *c, struct arena *a, int64_t id,
			 const char *password)
{
	char *h = account_password_hash(c, a, id);

	return h && password && password_verify(h, password);
}

/* What an erased account keeps: a row (audit entries name it), disabled,
 * with an address that is no one's and no way in. */
int account_erase(struct db_conn *c, struct arena *a, int64_t id)
{
	char *placeholder = arena_printf(a, "erased-%lld@invalid", (long long)id);
	unsigned char idx[BLIND_LEN], *sealed;
	size_t slen;
	int rc;

	sealed = seal_str(a, EMAIL_CTX, placeholder, &slen);
	email_index(a, placeholder, idx);
	rc = db_run(c,
		    "UPDATE users SET email_sealed = $1, email_index = $2, "
		    "display_name = 'former account', password_hash = NULL, lang = '', "
		    "totp_sealed = NULL, totp_pending_sealed = NULL, status = 'disabled', "
		    "updated_at = $3 WHERE id = $4",
		    "bbii", sealed, slen, idx, sizeof(idx), (int64_t)time_now(), id);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return DB_NOTFOUND;
	if (db_run(c, "DELETE FROM sessions WHERE user_id = $1", "i", id) < 0 ||
	    db_run(c, "DELETE FROM grants WHERE user_id = $1", "i", id) < 0 ||
	    db_run(c, "DELETE FROM account_tokens WHERE user_id = $1", "i", id) < 0 ||
	    db_run(c, "DELETE FROM user_keys WHERE user_id = $1", "i", id) < 0 ||
	    api_token_revoke_user(c, id, 0) < 0)
		return DB_ERROR;
	return DB_OK;
}

int account_revoke_sessions(struct db_conn *c, int64_t id)
{
	return db_run(c, SQL_REVOKE_ALL, "i", id);
}

int account_reset_access(struct db_conn *c, int64_t id, int64_t actor,
			 const char *label, const char *reason)
{
	char object[32];
	int tokens;

	if (account_revoke_sessions(c, id) < 0)
		return DB_ERROR;
	/* whoever took the account over may have made tokens with it: a
	 * reset that left them would leave them the way in */
	tokens = api_token_revoke_user(c, id, actor);
	if (tokens < 0)
		return tokens;
	if (tokens == 0)
		return DB_OK;
	snprintf(object, sizeof(object), "user:%lld", (long long)id);
	return audit_add(c, actor, label, "tokens.revoked_all", object,
			 json_pack("{s:i, s:s}", "tokens", tokens, "reason", reason));
}

/* ---- ties between accounts (two-person rules) ---- */

static const char SQL_TIE_ADD[] =
	"INSERT INTO account_ties (by_user, user_id, kind, at) "
	"VALUES ($1, $2, $3, $4)";
static const char SQL_TIED[] =
	"SELECT count(*) FROM account_ties WHERE (by_user = $1 AND user_id = $2) "
	"OR (by_user = $2 AND user_id = $1)";

int account_tie(struct db_conn *c, int64_t by, int64_t user, const char *kind)
{
	int rc;

	if (!by || !user || by == user)
		return DB_OK;
	rc = db_run(c, SQL_TIE_ADD, "iiti", by, user, kind, (int64_t)time_now());
	return rc < 0 ? rc : DB_OK;
}

/* Those who made user, and who made them, ..., up to (not through) an
 * administrator; and those user made, and they made, .... */
static const char SQL_MAKERS[] =
	"WITH RECURSIVE up(id, depth) AS ("
	" SELECT t.by_user, 1 FROM account_ties t WHERE t.user_id = $1"
	"  AND t.kind = 'created' AND NOT EXISTS (SELECT 1 FROM grants g"
	"  WHERE g.user_id = t.by_user AND g.role = 'admin' AND g.scope_id IS NULL)"
	" UNION"
	" SELECT t.by_user, up.depth + 1 FROM account_ties t JOIN up"
	"  ON t.user_id = up.id WHERE t.kind = 'created' AND up.depth < 16"
	"  AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.user_id = t.by_user"
	"  AND g.role = 'admin' AND g.scope_id IS NULL)"
	") SELECT DISTINCT id FROM up";
static const char SQL_MADE[] =
	"WITH RECURSIVE down(id, depth) AS ("
	" SELECT user_id, 1 FROM account_ties WHERE by_user = $1"
	"  AND kind = 'created'"
	" UNION"
	" SELECT t.user_id, down.depth + 1 FROM account_ties t JOIN down"
	"  ON t.by_user = down.id WHERE t.kind = 'created' AND down.depth < 16"
	") SELECT DISTINCT id FROM down";

static const struct db_map IDS[] = {DB_COL_SELF(int64_t), DB_COLS_END};

/* Adds the ids sql finds for user to *ids, each once. */
static int ids_of(struct db_conn *c, struct arena *a, const char *sql,
		  int64_t user, int64_t **ids, size_t *n, size_t *cap)
{
	int64_t *found;
	size_t nfound;
	int rc = db_rows(c, a, IDS, sizeof(*found), &found, &nfound, sql, "i",
			 user);

	for (size_t k = 0; rc == DB_OK && k < nfound; k++) {
		bool seen = false;
		for (size_t i = 0; i < *n && !seen; i++)
			seen = (*ids)[i] == found[k];
		if (seen)
			continue;
		*ids = arena_grow(a, *ids, *n, cap, sizeof(**ids));
		(*ids)[(*n)++] = found[k];
	}
	return rc;
}

int account_circle(struct db_conn *c, struct arena *a, int64_t user,
		   int64_t **ids_r, size_t *n_r)
{
	int64_t *ids = NULL, *roots = NULL;
	size_t n = 0, cap = 0, nroots = 0, caproots = 0;
	int rc;

	*ids_r = NULL;
	*n_r = 0;
	roots = arena_grow(a, roots, 0, &caproots, sizeof(*roots));
	roots[nroots++] = user;
	if ((rc = ids_of(c, a, SQL_MAKERS, user, &roots, &nroots, &caproots)) != DB_OK)
		return rc;
	/* each of them, and everything each of them made */
	for (size_t i = 0; i < nroots; i++) {
		bool seen = false;
		for (size_t k = 0; k < n && !seen; k++)
			seen = ids[k] == roots[i];
		if (!seen) {
			ids = arena_grow(a, ids, n, &cap, sizeof(*ids));
			ids[n++] = roots[i];
		}
		if ((rc = ids_of(c, a, SQL_MADE, roots[i], &ids, &n, &cap)) != DB_OK)
			return rc;
	}
	*ids_r = ids;
	*n_r = n;
	return DB_OK;
}

static bool in_circle(struct db_conn *c, struct arena *a, int64_t of,
		      int64_t who, bool *unsure)
{
	int64_t *ids;
	size_t n;

	if (account_circle(c, a, of, &ids, &n) != DB_OK) {
		*unsure = true;
		return true;
	}
	for (size_t i = 0; i < n; i++)
		if (ids[i] == who)
			return true;
	return false;
}

bool accounts_independent(struct db_conn *c, int64_t a, int64_t b)
{
	struct arena *ar;
	bool tied, unsure = false;
	int64_t n = 1;

	if (!a || !b || a == b)
		return false;
	if (db_int(c, &n, SQL_TIED, "ii", a, b) != DB_OK || n != 0)
		return false; /* tied, or unsure: not two people */
	ar = arena_new();
	tied = in_circle(c, ar, a, b, &unsure) || in_circle(c, ar, b, a, &unsure);
	arena_free(ar);
	return !tied && !unsure;
}

static int grant_insert(struct db_conn *c, int64_t user, const char *role,
			int64_t scope, int64_t by, int64_t *id_r);

int grant_add(struct db_conn *c, int64_t user, const char *role,
	      int64_t scope, int64_t by, int64_t *id_r)
{
	int rc = grant_insert(c, user, role, scope, by, id_r);

	if (rc == DB_OK)
		rc = account_tie(c, by, user, "granted");
	return rc;
}

static int grant_insert(struct db_conn *c, int64_t user, const char *role,
			int64_t scope, int64_t by, int64_t *id_r)
{
	int64_t id;

	if (!id_r)
		id_r = &id;
	if (scope && by)
		return db_int(c, id_r, SQL_GRANT_ADD, "itiii", user, role, scope,
			      by, (int64_t)time_now());
	if (scope)
		return db_int(c, id_r, SQL_GRANT_ADD, "itini", user, role, scope,
			      (int64_t)time_now());
	if (by)
		return db_int(c, id_r, SQL_GRANT_ADD, "itnii", user, role, by,
			      (int64_t)time_now());
	return db_int(c, id_r, SQL_GRANT_ADD, "itnni", user, role,
		      (int64_t)time_now());
}

int grant_remove(struct db_conn *c, int64_t grant_id)
{
	int rc = db_run(c, SQL_GRANT_DEL, "i", grant_id);
	return rc < 0 ? rc : (rc == 0 ? DB_NOTFOUND : DB_OK);
}

static const struct db_map GRANT[] = {
	DB_COL(struct grant, id),	  DB_COL(struct grant, user_id),
	DB_COL(struct grant, role),	  DB_COL(struct grant, scope_id),
	DB_COL(struct grant, scope_name), DB_COL(struct grant, scope_path),
	DB_COLS_END,
};

int grants_of(struct db_conn *c, struct arena *a, int64_t user,
	      struct grant **out_r, size_t *n_r)
{
	return db_rows(c, a, GRANT, sizeof(**out_r), out_r, n_r, SQL_GRANTS_OF,
		       "i", user);
}

int grant_get(struct db_conn *c, struct arena *a, int64_t grant_id,
	      struct grant *out)
{
	return db_row(c, a, GRANT, out, SQL_GRANT_GET, "i", grant_id);
}

char *account_token_create(struct db_conn *c, struct arena *a, int64_t user,
			   int64_t ttl)
{
	unsigned char h[MAC_LEN];
	char *token = random_token(a, 32);
	int64_t now = time_now();

	/* a new link replaces any earlier one */
	if (db_run(c, SQL_TOKEN_OLD, "ii", now, user) < 0)
		return NULL;
	plain_hash(token, strlen(token), h);
	if (db_run(c, SQL_TOKEN_ADD, "biii", h, sizeof(h), user, now + ttl,
		   now) < 0)
		return NULL;
	return token;
}

int64_t account_token_check(struct db_conn *c, const char *token)
{
	unsigned char h[MAC_LEN];
	int64_t user = 0;

	plain_hash(token, strlen(token), h);
	if (db_int(c, &user, SQL_TOKEN_CHECK, "bi", h, sizeof(h),
		   (int64_t)time_now()) != DB_OK)
		return 0;
	return user;
}

int account_token_use(struct db_conn *c, const char *token)
{
	unsigned char h[MAC_LEN];
	int rc;

	plain_hash(token, strlen(token), h);
	rc = db_run(c, SQL_TOKEN_USE, "ib", (int64_t)time_now(), h, sizeof(h));
	return rc < 0 ? rc : (rc == 0 ? DB_NOTFOUND : DB_OK);
}

/* ---- the second factor's secret ---- */

static const char SQL_TOTP_GET[] =
	"SELECT totp_sealed FROM users WHERE id = $1 AND totp_sealed IS NOT NULL";
static const char SQL_TOTP_ENABLE[] =
	"UPDATE users SET totp_sealed = $1, totp_pending_sealed = NULL, "
	"totp_last_step = $2, updated_at = $3 WHERE id = $4";
static const char SQL_TOTP_STEP[] =
	"UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1";
static const char SQL_TOTP_CLEAR[] =
	"UPDATE users SET totp_sealed = NULL, totp_pending_sealed = NULL, "
	"totp_last_step = 0, updated_at = $1 WHERE id = $2";

static char *totp_read(struct db_conn *c, struct arena *a, const char *sql,
		       int64_t id)
{
	static const struct db_map SECRET[] = {
		DB_COL_SELF_FN(unseal_col, TOTP_CTX), DB_COLS_END};
	const char *secret = "";

	if (db_row(c, a, SECRET, &secret, sql, "i", id) != DB_OK || !*secret)
		return NULL;
	return (char *)secret;
}

char *account_totp_secret(struct db_conn *c, struct arena *a, int64_t id)
{
	return totp_read(c, a, SQL_TOTP_GET, id);
}

int account_totp_enable(struct db_conn *c, struct arena *a, int64_t id,
			const char *secret, int64_t step)
{
	size_t len;
	unsigned char *sealed = seal_str(a, TOTP_CTX, secret, &len);
	int rc = db_run(c, SQL_TOTP_ENABLE, "biii", sealed, len, step,
			(int64_t)time_now(), id);
	return rc < 0 ? rc : (rc == 0 ? DB_NOTFOUND : DB_OK);
}

int account_totp_use_step(struct db_conn *c, int64_t id, int64_t step)
{
	int rc = db_run(c, SQL_TOTP_STEP, "ii", step, id);
	return rc < 0 ? rc : (rc == 0 ? DB_CONSTRAINT : DB_OK);
}

int account_totp_clear(struct db_conn *c, int64_t id)
{
	int rc = db_run(c, SQL_TOTP_CLEAR, "ii", (int64_t)time_now(), id);
	return rc < 0 ? rc : DB_OK;
}

/* ---- listing ---- */

static const char SQL_LIST[] =
	"SELECT id, email_sealed, display_name, lang, status, "
	"password_hash IS NOT NULL, totp_sealed IS NOT NULL, created_at "
	"FROM users ORDER BY display_name, id";
static const char SQL_ALL_GRANTS[] =
	"SELECT g.id, g.user_id, g.role, coalesce(g.scope_id, 0), "
	"coalesce(s.name, ''), coalesce(s.path, '') "
	"FROM grants g LEFT JOIN scopes s ON s.id = g.scope_id "
	"ORDER BY g.user_id, g.role, s.path";

int account_list(struct db_conn *c, struct arena *a, struct account **out_r,
		 struct grant ***grants_r, size_t **ngrants_r, size_t *n_r)
{
	struct account *arr;
	struct grant *all, **grants;
	size_t n, nall, *ngr, *capgr;
	int rc;

	if ((rc = db_rows(c, a, ACCOUNT, sizeof(*arr), &arr, &n, SQL_LIST, "")) !=
		    DB_OK ||
	    (rc = db_rows(c, a, GRANT, sizeof(*all), &all, &nall, SQL_ALL_GRANTS,
			  "")) != DB_OK)
		return rc;
	grants = arena_alloc(a, (n + 1) * sizeof(*grants));
	ngr = arena_alloc(a, (n + 1) * sizeof(*ngr));
	capgr = arena_alloc(a, (n + 1) * sizeof(*capgr));
	for (size_t k = 0; k < nall; k++) {
		for (size_t i = 0; i < n; i++) {
			if (arr[i].id != all[k].user_id)
				continue;
			grants[i] = arena_grow(a, grants[i], ngr[i], &capgr[i],
					       sizeof(*grants[i]));
			grants[i][ngr[i]++] = all[k];
			break;
		}
	}
	*out_r = arr;
	*grants_r = grants;
	*ngrants_r = ngr;
	*n_r = n;
	return DB_OK;
}
