/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Personal keys (see crypto.h): an account's X25519 secret key wrapped by
 * its password, and values sealed under a session token. Neither uses the
 * data key, so the server's passphrase opens neither.
 */
#include "crypto.h"
#include "platform/core/core.h"

#include <sodium.h>
#include <string.h>

#define WRAP_VERSION 1
#define SALT_LEN crypto_pwhash_SALTBYTES
#define WRAPPED_LEN                                                          \
	(2 + SALT_LEN + crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + \
	 PERSONAL_SK_LEN)

void personal_keypair(unsigned char pk[PERSONAL_PK_LEN],
		      unsigned char sk[PERSONAL_SK_LEN])
{
	crypto_box_keypair(pk, sk);
}

static int derive(const char *password, const unsigned char *salt,
		  enum kdf_cost cost, unsigned char key[32])
{
	unsigned long long ops;
	size_t mem;

	kdf_params(cost, &ops, &mem);
	return crypto_pwhash(key, 32, password, strlen(password), salt, ops, mem,
			     crypto_pwhash_ALG_ARGON2ID13);
}

unsigned char *personal_wrap(struct arena *a, const char *password,
			     const unsigned char sk[PERSONAL_SK_LEN],
			     enum kdf_cost cost, size_t *len_r)
{
	unsigned char *out = arena_alloc(a, WRAPPED_LEN), key[32];
	unsigned char *salt = out + 2, *nonce = salt + SALT_LEN;

	out[0] = WRAP_VERSION;
	out[1] = (unsigned char)cost;
	randombytes_buf(salt, SALT_LEN);
	randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
	if (derive(password, salt, cost, key) != 0)
		return NULL; /* out of memory for Argon2id */
	crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, sk,
			      PERSONAL_SK_LEN, nonce, key);
	sodium_memzero(key, sizeof(key));
	*len_r = WRAPPED_LEN;
	return out;
}

int personal_unwrap(const char *password, const void *wrapped, size_t len,
		    unsigned char sk[PERSONAL_SK_LEN])
{
	const unsigned char *w = wrapped;
	const unsigned char *salt = w + 2, *nonce = salt + SALT_LEN;
	unsigned char key[32];
	int rc;

	if (len != WRAPPED_LEN || w[0] != WRAP_VERSION ||
	    w[1] > KDF_SENSITIVE)
		return -1;
	if (derive(password, salt, (enum kdf_cost)w[1], key) != 0)
		return -1;
	rc = crypto_secretbox_open_easy(sk, nonce + crypto_secretbox_NONCEBYTES,
					PERSONAL_SK_LEN + crypto_secretbox_MACBYTES,
					nonce, key);
	sodium_memzero(key, sizeof(key));
	return rc == 0 ? 0 : -1;
}

static void token_key(const char *token, unsigned char key[32])
{
	static const char ctx[] = "rudder session keys v1";

	crypto_generichash(key, 32, (const unsigned char *)ctx, sizeof(ctx) - 1,
			   (const unsigned char *)token, strlen(token));
}

unsigned char *token_seal(struct arena *a, const char *token,
			  const void *plain, size_t n, size_t *len_r)
{
	size_t len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
	unsigned char *out = arena_alloc(a, len), key[32];

	token_key(token, key);
	randombytes_buf(out, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, plain, n, out,
			      key);
	sodium_memzero(key, sizeof(key));
	*len_r = len;
	return out;
}

long token_open(const char *token, const void *sealed, size_t len, void *out,
		size_t cap)
{
	const unsigned char *s = sealed;
	size_t over = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
	unsigned char key[32];
	int rc;

	if (len < over || cap < len - over)
		return -1;
	token_key(token, key);
	rc = crypto_secretbox_open_easy(out, s + crypto_secretbox_NONCEBYTES,
					len - crypto_secretbox_NONCEBYTES, s, key);
	sodium_memzero(key, sizeof(key));
	return rc == 0 ? (long)(len - over) : -1;
}
