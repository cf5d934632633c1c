/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The write-only intake. What a stranger sends through /join is sealed on
 * arrival (crypto_box_seal) to the intake public key. The intake secret
 * key is stored only sealed to the personal public keys of the officers
 * who may vet (members.vet); an officer's personal secret key is wrapped
 * by their password and reaches a request only from their session (see
 * the platform's personal keys). So the data key, and the passphrase that
 * unlocks it, open no application.
 *
 * The keypair is made as soon as one vetting officer has a personal key,
 * sealed to every such officer at once (making it needs only their public
 * keys). An officer granted the role later gets a copy the next time any
 * officer who holds the key opens the applications.
 */
#include "internal.h"
#include "platform/auth/auth.h"
#include "platform/crypto/crypto.h"
#include "platform/platform.h"

#include <sodium.h>
#include <string.h>

static const char SQL_PK[] = "SELECT public_key FROM intake_key WHERE id = 1";
static const char SQL_PK_PUT[] =
	"INSERT INTO intake_key (id, public_key, created_at) VALUES (1, $1, $2) "
	"ON CONFLICT (id) DO NOTHING";
static const char SQL_GRANT_GET[] =
	"SELECT for_key, sealed_sk FROM intake_grants WHERE user_id = $1";
static const char SQL_GRANT_PUT[] =
	"INSERT INTO intake_grants (user_id, for_key, sealed_sk, created_at) "
	"VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO UPDATE SET "
	"for_key = excluded.for_key, sealed_sk = excluded.sealed_sk, "
	"created_at = excluded.created_at";
static const char SQL_GRANT_DEL[] = "DELETE FROM intake_grants WHERE user_id = $1";
static const char SQL_GRANT_USERS[] = "SELECT user_id FROM intake_grants";
static const char SQL_ROLE_USERS[] =
	"SELECT DISTINCT g.user_id FROM grants g JOIN users u ON u.id = g.user_id "
	"WHERE g.role = $1 AND u.status = 'active' ORDER BY g.user_id";

int intake_public(struct db_conn *c, unsigned char *pk)
{
	struct db_stmt *st = db_prepare(c, SQL_PK);
	int rc = -1;

	if (!st)
		return -1;
	if (db_step(st) == DB_ROW) {
		size_t len;
		const void *p = db_col_blob(st, 0, &len);
		if (len == INTAKE_KEY_LEN) {
			memcpy(pk, p, INTAKE_KEY_LEN);
			rc = 0;
		}
	}
	db_reset(st);
	return rc;
}

/* Active accounts holding a role that may vet (arena array). */
static int64_t *vetters(struct db_conn *c, struct arena *a, size_t *n_r)
{
	size_t nr, n = 0, cap = 0;
	const struct role_def *const *roles = authz_roles(&nr);
	int64_t *ids = NULL;

	for (size_t i = 0; i < nr; i++) {
		struct db_stmt *st;
		if (!role_has_perm(roles[i], PERM_MEMBERS_VET))
			continue;
		st = db_prepare(c, SQL_ROLE_USERS);
		if (!st)
			break;
		db_bind_text(st, 1, roles[i]->name);
		while (db_step(st) == DB_ROW) {
			int64_t id = db_col_int(st, 0);
			bool dup = false;
			for (size_t k = 0; k < n; k++)
				dup |= ids[k] == id;
			if (dup)
				continue;
			ids = arena_grow(a, ids, n, &cap, sizeof(*ids));
			ids[n++] = id;
		}
		db_reset(st);
	}
	*n_r = n;
	return ids;
}

static bool is_vetter(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* Seals sk to one officer's personal key unless their copy is current. */
static int give(struct db_conn *c, int64_t user, const unsigned char *sk)
{
	unsigned char upk[PERSONAL_PK_LEN], sealed[crypto_box_SEALBYTES + INTAKE_KEY_LEN];
	struct db_stmt *st;
	bool current = false;

	if (personal_key_public(c, user, upk) != DB_OK)
		return 0; /* no password yet: later */
	st = db_prepare(c, SQL_GRANT_GET);
	if (!st)
		return -1;
	db_bind_int(st, 1, user);
	if (db_step(st) == DB_ROW) {
		size_t len;
		const void *fk = db_col_blob(st, 0, &len);
		current = len == sizeof(upk) && memcmp(fk, upk, len) == 0;
	}
	db_reset(st);
	if (current)
		return 0;
	crypto_box_seal(sealed, sk, INTAKE_KEY_LEN, upk);
	if (db_run(c, SQL_GRANT_PUT, "ibbi", user, upk, sizeof(upk), sealed,
		   sizeof(sealed), (int64_t)time_now()) < 0)
		return -1;
	return 1;
}

int intake_share(struct db_conn *c, const unsigned char *sk)
{
	struct arena *a = arena_new();
	size_t n;
	int64_t *ids = vetters(c, a, &n);
	int given = 0, rc;
	struct db_stmt *st;
	int64_t gone[64];
	size_t ngone = 0;

	for (size_t i = 0; i < n; i++) {
		rc = give(c, ids[i], sk);
		if (rc < 0) {
			arena_free(a);
			return -1;
		}
		given += rc;
	}
	/* an officer who may no longer vet loses the copy */
	st = db_prepare(c, SQL_GRANT_USERS);
	while (st && db_step(st) == DB_ROW && ngone < ARRAY_LEN(gone)) {
		int64_t id = db_col_int(st, 0);
		if (!is_vetter(ids, n, id))
			gone[ngone++] = id;
	}
	if (st)
		db_reset(st);
	for (size_t i = 0; i < ngone; i++)
		db_run(c, SQL_GRANT_DEL, "i", gone[i]);
	arena_free(a);
	return given;
}

/* In one transaction, so that two processes starting at once cannot
 * leave grants of a key that lost the race. */
static int ensure_tx(struct db_conn *c, void *arg)
{
	unsigned char pk[INTAKE_KEY_LEN], sk[INTAKE_KEY_LEN];
	int rc, given;

	(void)arg;
	if (intake_public(c, pk) == 0)
		return DB_OK;
	crypto_box_keypair(pk, sk);
	rc = db_run(c, SQL_PK_PUT, "bi", pk, sizeof(pk), (int64_t)time_now());
	if (rc <= 0) {
		sodium_memzero(sk, sizeof(sk));
		return rc < 0 ? rc : DB_OK; /* another process made it */
	}
	given = intake_share(c, sk);
	sodium_memzero(sk, sizeof(sk));
	/* with no officer to hold it, the key would lock applications away */
	return given > 0 ? DB_OK : DB_NOTFOUND;
}

int intake_ensure(struct db_conn *c)
{
	unsigned char pk[INTAKE_KEY_LEN];

	if (intake_public(c, pk) == 0)
		return 0;
	return db_tx(c, ensure_tx, NULL) == DB_OK && intake_public(c, pk) == 0
		       ? 0
		       : -1;
}

int intake_secret(struct http_req *rq, unsigned char *sk, unsigned char *pk)
{
	unsigned char psk[PERSONAL_SK_LEN], ppk[PERSONAL_PK_LEN];
	struct db_stmt *st;
	int ok = -1;

	if (intake_public(platform_conn(), pk) != 0 ||
	    auth_personal_key(rq, psk, ppk) != 0)
		return -1;
	st = db_prepare(platform_conn(), SQL_GRANT_GET);
	if (st) {
		db_bind_int(st, 1, rq->user.id);
		if (db_step(st) == DB_ROW) {
			size_t len;
			const unsigned char *s = db_col_blob(st, 1, &len);
			if (len == crypto_box_SEALBYTES + INTAKE_KEY_LEN &&
			    crypto_box_seal_open(sk, s, len, ppk, psk) == 0)
				ok = 0;
		}
		db_reset(st);
	}
	sodium_memzero(psk, sizeof(psk));
	if (ok == 0) {
		/* the key must match the public half in use */
		unsigned char check[INTAKE_KEY_LEN];
		crypto_scalarmult_base(check, sk);
		if (memcmp(check, pk, sizeof(check)) != 0)
			ok = -1;
	}
	if (ok != 0)
		sodium_memzero(sk, INTAKE_KEY_LEN);
	return ok;
}

unsigned char *intake_seal(struct arena *a, const unsigned char *pk,
			   const char *plain, size_t n, size_t *len_r)
{
	unsigned char *out = arena_alloc(a, crypto_box_SEALBYTES + n);

	crypto_box_seal(out, (const unsigned char *)plain, n, pk);
	*len_r = crypto_box_SEALBYTES + n;
	return out;
}

char *intake_open(struct arena *a, const unsigned char *sk,
		  const unsigned char *pk, const void *sealed, size_t len)
{
	char *out;

	if (len < crypto_box_SEALBYTES)
		return NULL;
	out = arena_alloc(a, len - crypto_box_SEALBYTES + 1);
	if (crypto_box_seal_open((unsigned char *)out, sealed, len, pk, sk) != 0)
		return NULL;
	out[len - crypto_box_SEALBYTES] = '\0';
	return out;
}
