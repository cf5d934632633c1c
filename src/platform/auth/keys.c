/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Personal keys of accounts (crypto.h, "personal keys"): made or replaced
 * whenever a password is set, rewrapped when it is changed, opened at
 * sign-in with the password in hand and kept for the session sealed under
 * the session token. A module asks for the signed-in account's secret key
 * with auth_personal_key(); nothing here uses the data key.
 */
#include "auth.h"
#include "internal.h"
#include "platform/core/conf.h"
#include "platform/crypto/crypto.h"
#include "platform/db/db.h"
#include "platform/runtime.h"

#include <sodium.h>
#include <string.h>

static const char SQL_PUT[] =
	"INSERT INTO user_keys (user_id, public_key, secret_wrapped, created_at) "
	"VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO UPDATE SET "
	"public_key = excluded.public_key, secret_wrapped = excluded.secret_wrapped, "
	"created_at = excluded.created_at";
static const char SQL_GET[] =
	"SELECT public_key, secret_wrapped FROM user_keys WHERE user_id = $1";
static const char SQL_SESSION_SET[] =
	"UPDATE sessions SET keys_sealed = $1 WHERE id = $2";
static const char SQL_SESSION_GET[] =
	"SELECT keys_sealed FROM sessions WHERE id = $1";

static enum kdf_cost cost(void)
{
	enum kdf_cost k = KDF_INTERACTIVE;

	kdf_cost_parse(conf_str("auth.password_cost"), &k);
	return k;
}

int personal_keys_store(struct db_conn *c, struct arena *a, int64_t user,
			const char *password, const unsigned char *sk_in)
{
	unsigned char pk[PERSONAL_PK_LEN], sk[PERSONAL_SK_LEN], *w;
	size_t wlen;
	int rc;

	if (sk_in) {
		memcpy(sk, sk_in, sizeof(sk));
		crypto_scalarmult_base(pk, sk);
	} else {
		personal_keypair(pk, sk);
	}
	w = personal_wrap(a, password, sk, cost(), &wlen);
	sodium_memzero(sk, sizeof(sk));
	if (!w)
		return DB_ERROR;
	rc = db_run(c, SQL_PUT, "ibbi", user, pk, sizeof(pk), w, wlen,
		    (int64_t)time_now());
	return rc < 0 ? rc : DB_OK;
}

struct key_row {
	struct db_blob pk, wrapped;
};
static const struct db_map KEY_ROW[] = {
	DB_COL(struct key_row, pk), DB_COL(struct key_row, wrapped), DB_COLS_END};

int personal_keys_open(struct db_conn *c, int64_t user, const char *password,
		       unsigned char *sk)
{
	struct arena *a = arena_new();
	struct key_row k;
	int rc = db_row(c, a, KEY_ROW, &k, SQL_GET, "i", user);

	if (rc == DB_OK && personal_unwrap(password, k.wrapped.p, k.wrapped.len,
					   sk) != 0)
		rc = DB_ERROR;
	arena_free(a);
	return rc;
}

int personal_key_public(struct db_conn *c, int64_t user, unsigned char *pk)
{
	struct arena *a = arena_new();
	struct key_row k;
	int rc = db_row(c, a, KEY_ROW, &k, SQL_GET, "i", user);

	if (rc == DB_OK && k.pk.len != PERSONAL_PK_LEN)
		rc = DB_ERROR;
	if (rc == DB_OK)
		memcpy(pk, k.pk.p, PERSONAL_PK_LEN);
	arena_free(a);
	return rc;
}

/* At sign-in: open (or, for an account from before personal keys, make)
 * the secret key and keep it in the new session under its token. */
void auth_session_keys(struct http_req *rq, struct db_conn *c, int64_t user,
		       const char *password)
{
	struct auth_session *s = rq->user.session;
	unsigned char sk[PERSONAL_SK_LEN], *sealed;
	size_t len;
	int rc;

	if (!s || !s->id || !s->token)
		return;
	rc = personal_keys_open(c, user, password, sk);
	if (rc == DB_NOTFOUND) {
		if (personal_keys_store(c, rq->arena, user, password, NULL) != DB_OK)
			return;
		rc = personal_keys_open(c, user, password, sk);
	}
	if (rc != DB_OK) {
		log_warn("auth", "an account's personal key does not open");
		return;
	}
	sealed = token_seal(rq->arena, s->token, sk, sizeof(sk), &len);
	sodium_memzero(sk, sizeof(sk));
	db_run(c, SQL_SESSION_SET, "bi", sealed, len, s->id);
}

int auth_personal_key(struct http_req *rq, unsigned char *sk,
		      unsigned char *pk)
{
	static const struct db_map SEALED[] = {DB_COL_SELF(struct db_blob),
					       DB_COLS_END};
	struct auth_session *s = rq->user.session;
	struct db_conn *c = platform_conn();
	struct db_blob b;

	if (!rq->user.id || !s || !s->id || !s->token || !c ||
	    db_row(c, rq->arena, SEALED, &b, SQL_SESSION_GET, "i", s->id) !=
		    DB_OK ||
	    !b.p ||
	    token_open(s->token, b.p, b.len, sk, PERSONAL_SK_LEN) !=
		    PERSONAL_SK_LEN)
		return -1;
	crypto_scalarmult_base(pk, sk);
	return 0;
}
