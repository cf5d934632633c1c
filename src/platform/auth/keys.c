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
#include "platform/platform.h"

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

int personal_keys_open(struct db_conn *c, int64_t user, const char *password,
		       unsigned char *sk)
{
	struct db_stmt *st = db_prepare(c, SQL_GET);
	int rc;

	if (!st)
		return DB_ERROR;
	db_bind_int(st, 1, user);
	rc = db_step(st);
	if (rc == DB_ROW) {
		size_t len;
		const void *w = db_col_blob(st, 1, &len);
		rc = personal_unwrap(password, w, len, sk) == 0 ? DB_OK : DB_ERROR;
	} else if (rc == DB_DONE) {
		rc = DB_NOTFOUND;
	}
	db_reset(st);
	return rc;
}

int personal_key_public(struct db_conn *c, int64_t user, unsigned char *pk)
{
	struct db_stmt *st = db_prepare(c, SQL_GET);
	int rc;

	if (!st)
		return DB_ERROR;
	db_bind_int(st, 1, user);
	rc = db_step(st);
	if (rc == DB_ROW) {
		size_t len;
		const void *p = db_col_blob(st, 0, &len);
		if (len == PERSONAL_PK_LEN) {
			memcpy(pk, p, PERSONAL_PK_LEN);
			rc = DB_OK;
		} else {
			rc = DB_ERROR;
		}
	} else if (rc == DB_DONE) {
		rc = DB_NOTFOUND;
	}
	db_reset(st);
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
	struct auth_session *s = rq->user.session;
	struct db_conn *c = platform_conn();
	struct db_stmt *st;
	int ok = -1;

	if (!rq->user.id || !s || !s->id || !s->token || !c)
		return -1;
	st = db_prepare(c, SQL_SESSION_GET);
	if (!st)
		return -1;
	db_bind_int(st, 1, s->id);
	if (db_step(st) == DB_ROW && !db_col_null(st, 0)) {
		size_t len;
		const void *b = db_col_blob(st, 0, &len);
		ok = token_open(s->token, b, len, sk, PERSONAL_SK_LEN) ==
				     PERSONAL_SK_LEN
			     ? 0
			     : -1;
	}
	db_reset(st);
	if (ok == 0)
		crypto_scalarmult_base(pk, sk);
	return ok;
}
