/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Passwords: Argon2id through libsodium's crypto_pwhash_str, whose string
 * carries its own salt and cost, so the cost can be raised later and old
 * hashes still verify.
 */
#include "auth.h"
#include "platform/core/conf.h"
#include "platform/core/core.h"
#include "platform/i18n/i18n.h"

#include <sodium.h>
#include <string.h>

char *password_hash(struct arena *a, const char *password)
{
	char *out = arena_alloc(a, crypto_pwhash_STRBYTES);
	const char *cost = conf_str("auth.password_cost");
	unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

	if (strcmp(cost, "moderate") == 0) {
		ops = crypto_pwhash_OPSLIMIT_MODERATE;
		mem = crypto_pwhash_MEMLIMIT_MODERATE;
	} else if (strcmp(cost, "sensitive") == 0) {
		ops = crypto_pwhash_OPSLIMIT_SENSITIVE;
		mem = crypto_pwhash_MEMLIMIT_SENSITIVE;
	}
	if (crypto_pwhash_str(out, password, strlen(password), ops, mem) != 0) {
		log_error("auth", "password hashing ran out of memory");
		abort();
	}
	return out;
}

bool password_verify(const char *hash, const char *password)
{
	if (!hash || !*hash)
		return false;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

const char *password_weak(const char *password)
{
	size_t n = utf8_len(password, strlen(password));

	if (n < 10)
		return N_("A password needs at least 10 characters.");
	if (strlen(password) > 1024)
		return N_("A password may be at most 1024 bytes.");
	return NULL;
}
