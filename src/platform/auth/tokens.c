/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Personal access tokens (docs/api/tokens.md): the SQL of the api_tokens
 * and api_token_grants tables. A token is "rdr_" and 32 random bytes in
 * base64url, returned once by api_token_create; only its keyed hash
 * (plain_hash, as session tokens) is stored. Its grants are a subset of
 * its account's, by grant id: a grant deleted from the account is gone
 * from every token at once (ON DELETE CASCADE).
 */
#include "auth.h"
#include "platform/core/core.h"
#include "platform/crypto/crypto.h"
#include "platform/db/db.h"

#include <assert.h>
#include <string.h>

static const char SQL_INSERT[] =
	"INSERT INTO api_tokens (user_id, name, token_hash, read_only, "
	"created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
/* only a grant the account itself holds may go on its token */
static const char SQL_GRANT_OWN[] =
	"SELECT count(*) FROM grants WHERE id = $1 AND user_id = $2";
static const char SQL_GRANT_ADD[] =
	"INSERT INTO api_token_grants (token_id, grant_id) VALUES ($1, $2) "
	"ON CONFLICT DO NOTHING";

#define TOKEN_COLS                                                            \
	"t.id, t.user_id, t.name, t.read_only, t.created_at, t.expires_at, "  \
	"coalesce(t.last_used_at, 0), coalesce(t.revoked_at, 0), "            \
	"u.display_name, u.status, u.lang, u.totp_sealed IS NOT NULL "
static const char SQL_LIST_OWN[] =
	"SELECT " TOKEN_COLS "FROM api_tokens t JOIN users u ON u.id = t.user_id "
	"WHERE t.user_id = $1 ORDER BY t.created_at DESC, t.id DESC";
static const char SQL_LIST_ALL[] =
	"SELECT " TOKEN_COLS "FROM api_tokens t JOIN users u ON u.id = t.user_id "
	"ORDER BY t.created_at DESC, t.id DESC";
static const char SQL_GET[] =
	"SELECT " TOKEN_COLS "FROM api_tokens t JOIN users u ON u.id = t.user_id "
	"WHERE t.id = $1";
/* usable only: not revoked, not expired, its account active */
static const char SQL_FIND[] =
	"SELECT " TOKEN_COLS "FROM api_tokens t JOIN users u ON u.id = t.user_id "
	"WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2 "
	"AND u.status = 'active'";
static const char SQL_REVOKE[] =
	"UPDATE api_tokens SET revoked_at = $2, revoked_by = $3 "
	"WHERE id = $1 AND revoked_at IS NULL";
static const char SQL_REVOKE_USER[] =
	"UPDATE api_tokens SET revoked_at = $2, revoked_by = $3 "
	"WHERE user_id = $1 AND revoked_at IS NULL";
static const char SQL_COUNT_ACTIVE[] =
	"SELECT count(*) FROM api_tokens "
	"WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2";
static const char SQL_TOUCH[] =
	"UPDATE api_tokens SET last_used_at = $2 WHERE id = $1";
static const char SQL_GRANTS[] =
	"SELECT g.id, g.user_id, g.role, coalesce(g.scope_id, 0), "
	"coalesce(s.name, ''), coalesce(s.path, '') "
	"FROM api_token_grants tg JOIN grants g ON g.id = tg.grant_id "
	"LEFT JOIN scopes s ON s.id = g.scope_id "
	"WHERE tg.token_id = $1 ORDER BY g.role, s.path";

static const struct db_map TOKEN[] = {
	DB_COL(struct api_token, id),
	DB_COL(struct api_token, user_id),
	DB_COL(struct api_token, name),
	DB_COL(struct api_token, read_only),
	DB_COL(struct api_token, created_at),
	DB_COL(struct api_token, expires_at),
	DB_COL(struct api_token, last_used_at),
	DB_COL(struct api_token, revoked_at),
	DB_COL(struct api_token, user_name),
	DB_COL(struct api_token, user_status),
	DB_COL(struct api_token, user_lang),
	DB_COL(struct api_token, user_totp),
	DB_COLS_END,
};

static const struct db_map GRANT[] = {
	DB_COL(struct grant, id),	  DB_COL(struct grant, user_id),
	DB_COL(struct grant, role),	  DB_COL(struct grant, scope_id),
	DB_COL(struct grant, scope_name), DB_COL(struct grant, scope_path),
	DB_COLS_END,
};

bool api_token_text_ok(const char *text)
{
	size_t n;

	if (!text || !str_starts(text, API_TOKEN_PREFIX))
		return false;
	n = strlen(text);
	return n > strlen(API_TOKEN_PREFIX) && n <= 100;
}

int api_token_create(struct db_conn *c, struct arena *a, int64_t user,
		     const char *name, int64_t days, bool read_only,
		     const int64_t *grant_ids, size_t ngrants, int64_t *id_r,
		     char **text_r)
{
	unsigned char h[MAC_LEN];
	char *text;
	int64_t now = time_now();
	int rc;

	assert(days >= 1 && days <= API_TOKEN_MAX_DAYS);
	/* every grant checked before anything is written: a refusal leaves
	 * nothing behind in the caller's transaction */
	for (size_t i = 0; i < ngrants; i++) {
		int64_t own = 0;
		rc = db_int(c, &own, SQL_GRANT_OWN, "ii", grant_ids[i], user);
		if (rc != DB_OK)
			return rc;
		if (own != 1)
			return DB_CONSTRAINT;
	}
	text = arena_printf(a, "%s%s", API_TOKEN_PREFIX, random_token(a, 32));
	plain_hash(text, strlen(text), h);
	rc = db_int(c, id_r, SQL_INSERT, "itbiii", user, name, h, sizeof(h),
		    (int64_t)(read_only ? 1 : 0), now, now + days * 86400);
	if (rc != DB_OK)
		return rc;
	for (size_t i = 0; i < ngrants; i++) {
		rc = db_run(c, SQL_GRANT_ADD, "ii", *id_r, grant_ids[i]);
		if (rc < 0)
			return rc;
	}
	*text_r = text;
	return DB_OK;
}

int api_token_list(struct db_conn *c, struct arena *a, int64_t user,
		   struct api_token **out_r, size_t *n_r)
{
	if (user)
		return db_rows(c, a, TOKEN, sizeof(**out_r), out_r, n_r,
			       SQL_LIST_OWN, "i", user);
	return db_rows(c, a, TOKEN, sizeof(**out_r), out_r, n_r, SQL_LIST_ALL,
		       "");
}

int api_token_get(struct db_conn *c, struct arena *a, int64_t id,
		  struct api_token *out)
{
	return db_row(c, a, TOKEN, out, SQL_GET, "i", id);
}

int api_token_find(struct db_conn *c, struct arena *a, const char *text,
		   struct api_token *out)
{
	unsigned char h[MAC_LEN];

	if (!api_token_text_ok(text))
		return DB_NOTFOUND;
	plain_hash(text, strlen(text), h);
	return db_row(c, a, TOKEN, out, SQL_FIND, "bi", h, sizeof(h),
		      (int64_t)time_now());
}

int api_token_grants(struct db_conn *c, struct arena *a, int64_t id,
		     struct grant **out_r, size_t *n_r)
{
	return db_rows(c, a, GRANT, sizeof(**out_r), out_r, n_r, SQL_GRANTS,
		       "i", id);
}

int api_token_revoke(struct db_conn *c, int64_t id, int64_t by)
{
	int rc = by ? db_run(c, SQL_REVOKE, "iii", id, (int64_t)time_now(), by)
		    : db_run(c, SQL_REVOKE, "iin", id, (int64_t)time_now());

	return rc < 0 ? rc : (rc == 0 ? DB_NOTFOUND : DB_OK);
}

int api_token_revoke_user(struct db_conn *c, int64_t user, int64_t by)
{
	/* the expired ones too: revoked_at says when they were ended */
	return by ? db_run(c, SQL_REVOKE_USER, "iii", user, (int64_t)time_now(), by)
		  : db_run(c, SQL_REVOKE_USER, "iin", user, (int64_t)time_now());
}

int api_token_count_active(struct db_conn *c, int64_t user, int64_t *n_r)
{
	*n_r = 0;
	return db_int(c, n_r, SQL_COUNT_ACTIVE, "ii", user, (int64_t)time_now());
}

int api_token_touch(struct db_conn *c, int64_t id)
{
	int rc = db_run(c, SQL_TOUCH, "ii", id, (int64_t)time_now());

	return rc < 0 ? rc : DB_OK;
}
