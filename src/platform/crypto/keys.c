/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The key hierarchy (see crypto.h): creating, unlocking and rewrapping the
 * data key, deriving subkeys, sealing values and blind indexes.
 * All primitives are libsodium's; nothing cryptographic is written here.
 */
#include "crypto.h"
#include "platform/core/core.h"
#include "platform/db/db.h"

#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEYS_FILE "keys.json"
#define KDF_CONTEXT "rudder__"
#define SEAL_VERSION 1
#define SEAL_OVERHEAD                                                         \
	(1 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +                    \
	 crypto_aead_xchacha20poly1305_ietf_ABYTES)

/* guarded memory: data key then one 32-byte subkey per enum subkey */
struct keyring {
	unsigned char data[32];
	unsigned char sub[SUBKEY__MAX][32];
};

static struct keyring *ring;
static unsigned char backup_pk[BACKUP_PK_LEN];

int kdf_cost_parse(const char *s, enum kdf_cost *out_r)
{
	if (strcmp(s, "interactive") == 0)
		*out_r = KDF_INTERACTIVE;
	else if (strcmp(s, "moderate") == 0)
		*out_r = KDF_MODERATE;
	else if (strcmp(s, "sensitive") == 0)
		*out_r = KDF_SENSITIVE;
	else
		return -1;
	return 0;
}

void kdf_params(enum kdf_cost cost, unsigned long long *ops, size_t *mem)
{
	switch (cost) {
	case KDF_INTERACTIVE:
		*ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
		*mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
		break;
	case KDF_MODERATE:
		*ops = crypto_pwhash_OPSLIMIT_MODERATE;
		*mem = crypto_pwhash_MEMLIMIT_MODERATE;
		break;
	case KDF_SENSITIVE:
		*ops = crypto_pwhash_OPSLIMIT_SENSITIVE;
		*mem = crypto_pwhash_MEMLIMIT_SENSITIVE;
		break;
	}
}

static void ring_install(const unsigned char data_key[32])
{
	keys_lock();
	ring = sodium_malloc(sizeof(*ring));
	if (!ring) {
		log_error("crypto", "cannot allocate guarded memory");
		abort();
	}
	memcpy(ring->data, data_key, 32);
	for (int i = 1; i < SUBKEY__MAX; i++)
		crypto_kdf_derive_from_key(ring->sub[i], 32, (uint64_t)i,
					   KDF_CONTEXT, ring->data);
	sodium_mprotect_readonly(ring);
}

void keys_lock(void)
{
	if (ring) {
		sodium_mprotect_readwrite(ring);
		sodium_free(ring); /* zeroes before freeing */
		ring = NULL;
	}
}

bool keys_unlocked(void)
{
	return ring != NULL;
}

const unsigned char *keys_backup_pk(void)
{
	return backup_pk;
}

const unsigned char *keys_subkey(enum subkey which)
{
	if (!ring || which <= 0 || which >= SUBKEY__MAX) {
		log_error("crypto", "subkey %d asked for while locked", which);
		abort();
	}
	return ring->sub[which];
}

static char *b64(const unsigned char *p, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *s = xmalloc(cap);
	sodium_bin2base64(s, cap, p, n, sodium_base64_VARIANT_ORIGINAL);
	return s;
}

static int unb64(json_t *obj, const char *field, unsigned char *out,
		 size_t want)
{
	const char *s = json_string_value(json_object_get(obj, field));
	size_t len;

	if (!s || sodium_base642bin(out, want, s, strlen(s), NULL, &len, NULL,
				    sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    len != want)
		return -1;
	return 0;
}

/* Writes keys.json: wrapped data key under passphrase, backup pk. */
static int write_keyfile(const char *dir, const char *passphrase,
			 enum kdf_cost cost, const unsigned char data_key[32],
			 const unsigned char pk[32], bool replace, char *err,
			 size_t cap)
{
	unsigned char salt[crypto_pwhash_SALTBYTES];
	unsigned char nonce[crypto_secretbox_NONCEBYTES];
	unsigned char wrapped[32 + crypto_secretbox_MACBYTES];
	unsigned char *wk;
	unsigned long long ops = 0;
	size_t mem = 0;
	char *path = xasprintf("%s/%s", dir, KEYS_FILE);
	char *s_salt, *s_nonce, *s_wrapped, *s_pk, *text;
	json_t *j;
	int rc = -1;

	if (!replace && access(path, F_OK) == 0) {
		snprintf(err, cap, "%s already exists: refusing to replace keys",
			 path);
		free(path);
		return -1;
	}
	kdf_params(cost, &ops, &mem);
	random_bytes(salt, sizeof(salt));
	random_bytes(nonce, sizeof(nonce));
	wk = sodium_malloc(32);
	if (!wk)
		abort();
	if (crypto_pwhash(wk, 32, passphrase, strlen(passphrase), salt, ops,
			  mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		snprintf(err, cap, "not enough memory for the key derivation");
		sodium_free(wk);
		free(path);
		return -1;
	}
	crypto_secretbox_easy(wrapped, data_key, 32, nonce, wk);
	sodium_free(wk);

	s_salt = b64(salt, sizeof(salt));
	s_nonce = b64(nonce, sizeof(nonce));
	s_wrapped = b64(wrapped, sizeof(wrapped));
	s_pk = b64(pk, 32);
	j = json_pack("{s:i, s:s, s:I, s:I, s:s, s:s, s:s, s:s}", "version", 1,
		      "kdf", "argon2id13", "opslimit", (json_int_t)ops,
		      "memlimit", (json_int_t)mem, "salt", s_salt, "nonce",
		      s_nonce, "wrapped_data_key", s_wrapped,
		      "backup_public_key", s_pk);
	text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (file_write_atomic(path, text, strlen(text), 0600) != 0)
		snprintf(err, cap, "cannot write %s: %s", path, strerror(errno));
	else
		rc = 0;
	free(text);
	json_decref(j);
	free(s_salt);
	free(s_nonce);
	free(s_wrapped);
	free(s_pk);
	free(path);
	return rc;
}

int keys_create(const char *dir, const char *passphrase, enum kdf_cost cost,
		unsigned char backup_sk_r[BACKUP_SK_LEN], char *err, size_t cap)
{
	unsigned char data_key[32];
	unsigned char pk[32];

	crypto_box_keypair(pk, backup_sk_r);
	crypto_secretbox_keygen(data_key);
	if (write_keyfile(dir, passphrase, cost, data_key, pk, false, err,
			  cap) != 0) {
		sodium_memzero(data_key, sizeof(data_key));
		return -1;
	}
	memcpy(backup_pk, pk, 32);
	ring_install(data_key);
	sodium_memzero(data_key, sizeof(data_key));
	return 0;
}

int keys_unlock(const char *dir, const char *passphrase, char *err,
		size_t cap)
{
	unsigned char salt[crypto_pwhash_SALTBYTES];
	unsigned char nonce[crypto_secretbox_NONCEBYTES];
	unsigned char wrapped[32 + crypto_secretbox_MACBYTES];
	unsigned char pk[32];
	unsigned char *wk, *dk;
	char *path = xasprintf("%s/%s", dir, KEYS_FILE);
	json_error_t jerr;
	json_t *j;
	json_int_t ops, mem;
	int rc = -1;

	j = json_load_file(path, 0, &jerr);
	if (!j) {
		if (access(path, F_OK) != 0)
			snprintf(err, cap,
				 "%s: no such file (is this a rudder data "
				 "directory? run 'rudder init' first)",
				 path);
		else
			snprintf(err, cap, "%s:%d: %s", path, jerr.line,
				 jerr.text);
		free(path);
		return -1;
	}
	ops = json_integer_value(json_object_get(j, "opslimit"));
	mem = json_integer_value(json_object_get(j, "memlimit"));
	if (json_integer_value(json_object_get(j, "version")) != 1 ||
	    unb64(j, "salt", salt, sizeof(salt)) != 0 ||
	    unb64(j, "nonce", nonce, sizeof(nonce)) != 0 ||
	    unb64(j, "wrapped_data_key", wrapped, sizeof(wrapped)) != 0 ||
	    unb64(j, "backup_public_key", pk, sizeof(pk)) != 0 ||
	    ops < (json_int_t)crypto_pwhash_OPSLIMIT_MIN ||
	    ops > (json_int_t)crypto_pwhash_OPSLIMIT_SENSITIVE ||
	    mem < (json_int_t)crypto_pwhash_MEMLIMIT_MIN ||
	    mem > (json_int_t)crypto_pwhash_MEMLIMIT_SENSITIVE) {
		snprintf(err, cap, "%s: damaged or unknown key file", path);
		goto out;
	}
	wk = sodium_malloc(32);
	dk = sodium_malloc(32);
	if (!wk || !dk)
		abort();
	if (crypto_pwhash(wk, 32, passphrase, strlen(passphrase), salt,
			  (unsigned long long)ops, (size_t)mem,
			  crypto_pwhash_ALG_ARGON2ID13) != 0) {
		snprintf(err, cap, "not enough memory for the key derivation");
	} else if (crypto_secretbox_open_easy(dk, wrapped, sizeof(wrapped),
					      nonce, wk) != 0) {
		snprintf(err, cap, "wrong passphrase");
	} else {
		memcpy(backup_pk, pk, 32);
		ring_install(dk);
		rc = 0;
	}
	sodium_free(wk);
	sodium_free(dk);
out:
	json_decref(j);
	free(path);
	return rc;
}

int keys_rewrap(const char *dir, const char *new_passphrase,
		enum kdf_cost cost, char *err, size_t cap)
{
	if (!ring) {
		snprintf(err, cap, "the keys are locked");
		return -1;
	}
	return write_keyfile(dir, new_passphrase, cost, ring->data, backup_pk,
			     true, err, cap);
}

size_t seal_len(size_t n)
{
	return n + SEAL_OVERHEAD;
}

void seal(const char *ctx, const void *plain, size_t n, unsigned char *out)
{
	unsigned char *nonce = out + 1;
	unsigned long long clen;

	out[0] = SEAL_VERSION;
	random_bytes(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
		out + 1 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen,
		plain, n, (const unsigned char *)ctx, strlen(ctx), NULL, nonce,
		keys_subkey(SUBKEY_SEAL));
}

long unseal(const char *ctx, const void *sealed, size_t len,
	    unsigned char *out, size_t cap)
{
	const unsigned char *s = sealed;
	unsigned long long plen;

	if (len < SEAL_OVERHEAD || s[0] != SEAL_VERSION ||
	    cap < len - SEAL_OVERHEAD)
		return -1;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    out, &plen, NULL,
		    s + 1 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
		    len - 1 - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
		    (const unsigned char *)ctx, strlen(ctx), s + 1,
		    keys_subkey(SUBKEY_SEAL)) != 0)
		return -1;
	return (long)plen;
}

unsigned char *seal_str(struct arena *a, const char *ctx, const char *s,
			size_t *len_r)
{
	size_t n = strlen(s);
	unsigned char *out = arena_alloc(a, seal_len(n));

	seal(ctx, s, n, out);
	*len_r = seal_len(n);
	return out;
}

char *unseal_str(struct arena *a, const char *ctx, const void *sealed,
		 size_t len)
{
	char *out;
	long n;

	if (len < SEAL_OVERHEAD)
		return NULL;
	out = arena_alloc(a, len - SEAL_OVERHEAD + 1);
	n = unseal(ctx, sealed, len, (unsigned char *)out, len - SEAL_OVERHEAD);
	if (n < 0)
		return NULL;
	out[n] = '\0';
	return out;
}

void unseal_col(struct db_stmt *st, int col, struct arena *a, void *field,
		const void *ctx)
{
	const void *blob;
	size_t len;
	char *v = NULL;

	if (!db_col_null(st, col)) {
		blob = db_col_blob(st, col, &len);
		v = unseal_str(a, ctx, blob, len);
	}
	*(const char **)field = v ? v : "";
}

void blind_index(const char *ctx, const char *value, size_t n,
		 unsigned char out[BLIND_LEN])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, keys_subkey(SUBKEY_BLIND), 32, BLIND_LEN);
	/* context and value are separated unambiguously by the length */
	crypto_generichash_update(&st, (const unsigned char *)ctx,
				  strlen(ctx) + 1);
	crypto_generichash_update(&st, (const unsigned char *)value, n);
	crypto_generichash_final(&st, out, BLIND_LEN);
}

void keyed_hash(enum subkey which, const void *in, size_t n,
		unsigned char out[MAC_LEN])
{
	crypto_generichash(out, MAC_LEN, in, n, keys_subkey(which), 32);
}

void plain_hash(const void *in, size_t n, unsigned char out[MAC_LEN])
{
	crypto_generichash(out, MAC_LEN, in, n, NULL, 0);
}
