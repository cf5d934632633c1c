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

/* The public key: DB_OK, DB_NOTFOUND when none was made yet, or
 * negative (a key of another length is a damaged row: DB_ERROR). */
static int public_key(struct db_conn *c, unsigned char *pk)
{
	struct arena *a = arena_new();
	struct db_blob k;
	int rc = members_intake_key_get(c, a, &k);

	if (rc == DB_OK && k.len != INTAKE_KEY_LEN)
		rc = DB_ERROR;
	if (rc == DB_OK)
		memcpy(pk, k.p, INTAKE_KEY_LEN);
	arena_free(a);
	return rc;
}

int members_intake_public(struct db_conn *c, unsigned char *pk)
{
	return public_key(c, pk) == DB_OK ? 0 : -1;
}

static bool is_vetter(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* Active accounts holding a role that may vet (arena array): DB_OK or
 * negative (then no list: a short one would take copies away). */
static int vetters(struct db_conn *c, struct arena *a, int64_t **ids_r,
		   size_t *n_r)
{
	size_t nr, n = 0, cap = 0;
	const struct role_def *const *roles = authz_roles(&nr);
	int64_t *ids = NULL;

	*ids_r = NULL;
	*n_r = 0;
	for (size_t i = 0; i < nr; i++) {
		int64_t *got;
		size_t k;
		int rc;
		if (!role_has_perm(roles[i], PERM_MEMBERS_VET))
			continue;
		if ((rc = members_role_accounts(c, a, roles[i]->name, &got,
						&k)) != DB_OK)
			return rc;
		for (size_t j = 0; j < k; j++) {
			if (is_vetter(ids, n, got[j]))
				continue; /* holds two such roles */
			ids = arena_grow(a, ids, n, &cap, sizeof(*ids));
			ids[n++] = got[j];
		}
	}
	*ids_r = ids;
	*n_r = n;
	return DB_OK;
}

/* Seals sk to one officer's personal key unless their copy is current:
 * 1 when given, 0 when not needed (or no personal key yet), -1. */
static int give(struct db_conn *c, struct arena *a, int64_t user,
		const unsigned char *sk)
{
	unsigned char upk[PERSONAL_PK_LEN], sealed[crypto_box_SEALBYTES + INTAKE_KEY_LEN];
	struct intake_grant g;
	int rc;

	if (personal_key_public(c, user, upk) != DB_OK)
		return 0; /* no password yet: later */
	rc = members_intake_grant_get(c, a, user, &g);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return -1;
	if (rc == DB_OK && g.for_key.len == sizeof(upk) &&
	    memcmp(g.for_key.p, upk, sizeof(upk)) == 0)
		return 0;
	crypto_box_seal(sealed, sk, INTAKE_KEY_LEN, upk);
	if (members_intake_grant_put(c, user, upk, sizeof(upk), sealed,
				     sizeof(sealed)) != DB_OK)
		return -1;
	return 1;
}

int members_intake_share(struct db_conn *c, const unsigned char *sk)
{
	struct arena *a = arena_new();
	int64_t *ids, *holders;
	size_t n, nholders;
	int given = 0, rc;

	if (vetters(c, a, &ids, &n) != DB_OK)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if ((rc = give(c, a, ids[i], sk)) < 0)
			goto fail;
		given += rc;
	}
	/* an officer who may no longer vet loses the copy */
	if (members_intake_grant_holders(c, a, &holders, &nholders) != DB_OK)
		goto fail;
	for (size_t i = 0; i < nholders; i++)
		if (!is_vetter(ids, n, holders[i]) &&
		    members_intake_grant_drop(c, holders[i]) != DB_OK)
			goto fail;
	arena_free(a);
	return given;
fail:
	arena_free(a);
	return -1;
}

/* In one transaction, so that two processes starting at once cannot
 * leave grants of a key that lost the race. */
static int ensure_tx(struct db_conn *c, void *arg)
{
	unsigned char pk[INTAKE_KEY_LEN], sk[INTAKE_KEY_LEN];
	int rc, given;

	(void)arg;
	rc = public_key(c, pk);
	if (rc != DB_NOTFOUND)
		return rc; /* there is one, or the database failed */
	crypto_box_keypair(pk, sk);
	rc = members_intake_key_put(c, pk, sizeof(pk));
	if (rc <= 0) {
		sodium_memzero(sk, sizeof(sk));
		return rc < 0 ? rc : DB_OK; /* another process made it */
	}
	given = members_intake_share(c, sk);
	sodium_memzero(sk, sizeof(sk));
	/* with no officer to hold it, the key would lock applications away */
	return given > 0 ? DB_OK : DB_NOTFOUND;
}

int members_intake_ensure(struct db_conn *c)
{
	unsigned char pk[INTAKE_KEY_LEN];

	if (members_intake_public(c, pk) == 0)
		return 0;
	return db_tx(c, ensure_tx, NULL) == DB_OK &&
		       members_intake_public(c, pk) == 0
		   ? 0
		   : -1;
}

int members_intake_secret(struct http_req *rq, unsigned char *sk,
			  unsigned char *pk)
{
	unsigned char psk[PERSONAL_SK_LEN], ppk[PERSONAL_PK_LEN];
	struct intake_grant g;
	int ok = -1;

	if (members_intake_public(platform_conn(), pk) != 0 ||
	    auth_personal_key(rq, psk, ppk) != 0)
		return -1;
	if (members_intake_grant_get(platform_conn(), rq->arena, rq->user.id,
				     &g) == DB_OK &&
	    g.sealed_sk.len == crypto_box_SEALBYTES + INTAKE_KEY_LEN &&
	    crypto_box_seal_open(sk, g.sealed_sk.p, g.sealed_sk.len, ppk,
				 psk) == 0)
		ok = 0;
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

unsigned char *members_intake_seal(struct arena *a, const unsigned char *pk,
				   const char *plain, size_t n, size_t *len_r)
{
	unsigned char *out = arena_alloc(a, crypto_box_SEALBYTES + n);

	crypto_box_seal(out, (const unsigned char *)plain, n, pk);
	*len_r = crypto_box_SEALBYTES + n;
	return out;
}

char *members_intake_open(struct arena *a, const unsigned char *sk,
			  const unsigned char *pk, const void *sealed,
			  size_t len)
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
