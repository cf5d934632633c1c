/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests: passwords, TOTP, throttling, accounts, scopes. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>

#include "fixture.h"
#include "platform/auth/auth.h"
#include "platform/core/conf.h"
#include "platform/crypto/crypto.h"
#include "platform/db/db.h"

TestSuite(auth, .init = (void (*)(void))fixture_open, .fini = fixture_close);

Test(auth, passwords)
{
	struct arena *a = arena_new();
	char *h = password_hash(a, "long enough pass");
	cr_assert(str_starts(h, "$argon2id$"));
	cr_assert(password_verify(h, "long enough pass"));
	cr_assert_not(password_verify(h, "long enough Pass"));
	cr_assert_not(password_verify("", "x"));
	cr_assert_not(password_verify("garbage", "x"));
	cr_assert_not_null(password_weak("short"));
	cr_assert_not_null(password_weak("ҚҚҚҚҚҚҚҚҚ")); /* 9 characters, 18 bytes */
	cr_assert_null(password_weak("ҚҚҚҚҚҚҚҚҚҚ"));
	arena_free(a);
}

Test(auth, totp_window_and_replay)
{
	struct arena *a = arena_new();
	char *secret = totp_new_secret(a), code[7], old[7];
	int64_t now = 1700000000, step;
	cr_assert_eq(strlen(secret), 32);
	cr_assert_eq(totp_code(secret, now, code), 0);
	step = totp_check(secret, code, now);
	cr_assert_eq(step, now / 30);
	cr_assert_eq(totp_check(secret, code, now + 30), now / 30, "one step late is fine");
	cr_assert_eq(totp_check(secret, code, now + 95), -1, "three steps late is not");
	cr_assert_eq(totp_code(secret, now - 30, old), 0);
	cr_assert_eq(totp_check(secret, old, now), now / 30 - 1);
	cr_assert_eq(totp_check(secret, "12345", now), -1);
	cr_assert_eq(totp_check(secret, "abcdef", now), -1);
	cr_assert_eq(totp_check("not base32!", code, now), -1);
	/* RFC 6238 SHA-1 vector: secret "12345678901234567890", T=59 */
	cr_assert_eq(totp_code("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 59, code), 0);
	cr_assert_str_eq(code, "287082");

	int64_t id;
	struct db_conn *c = platform_conn();
	cr_assert_eq(account_create(c, a, "t@example.org", "T", "", NULL, &id), DB_OK);
	cr_assert_null(account_totp_secret(c, a, id));
	cr_assert_eq(account_totp_enable(c, a, id, secret, step), DB_OK);
	cr_assert_str_eq(account_totp_secret(c, a, id), secret);
	cr_assert_eq(account_totp_use_step(c, id, step), DB_CONSTRAINT, "a replayed code");
	cr_assert_eq(account_totp_use_step(c, id, step + 1), DB_OK);
	arena_free(a);
}

Test(auth, throttle_locks_after_limit_and_clears)
{
	struct db_conn *c = platform_conn();
	for (int i = 0; i < 4; i++)
		cr_assert_eq(throttle_fail(c, "account", "a@b.kz", 5), 0);
	cr_assert_eq(throttle_locked(c, "account", "a@b.kz"), 0);
	cr_assert_gt(throttle_fail(c, "account", "a@b.kz", 5), 0);
	cr_assert_gt(throttle_locked(c, "account", "a@b.kz"), 800);
	cr_assert_eq(throttle_locked(c, "account", "other@b.kz"), 0);
	cr_assert_eq(throttle_locked(c, "client", "a@b.kz"), 0, "kinds are apart");
	throttle_clear(c, "account", "a@b.kz");
	cr_assert_eq(throttle_locked(c, "account", "a@b.kz"), 0);
	/* the table holds no trace of the email */
	cr_assert_eq(fixture_sh("! grep -qa 'a@b.kz' %s/rudder.db", platform_dir()), 0);
}

Test(auth, accounts_seal_email_and_find_by_it)
{
	struct arena *a = arena_new();
	struct db_conn *c = platform_conn();
	struct account acc;
	int64_t id, id2;
	cr_assert_eq(account_create(c, a, " Aigerim@Example.KZ ", "Aigerim", "kk",
				    "a long password", &id),
		     DB_OK);
	cr_assert_eq(account_create(c, a, "aigerim@example.kz", "Dup", "", NULL, &id2),
		     DB_CONSTRAINT, "emails are unique whatever their case");
	cr_assert_eq(account_find_email(c, a, "AIGERIM@example.kz", &acc), DB_OK);
	cr_assert_eq(acc.id, id);
	cr_assert_str_eq(acc.email, "Aigerim@Example.KZ");
	cr_assert_str_eq(acc.status, "active");
	cr_assert_eq(account_find_email(c, a, "nobody@example.kz", &acc), DB_NOTFOUND);
	db_exec_script(c, "PRAGMA wal_checkpoint(TRUNCATE)");
	cr_assert_eq(fixture_sh("! grep -rqai 'aigerim@example' %s", platform_dir()), 0,
		     "no plaintext email in the data directory");
	arena_free(a);
}

Test(auth, one_time_links)
{
	struct arena *a = arena_new();
	struct db_conn *c = platform_conn();
	int64_t id;
	cr_assert_eq(account_create(c, a, "n@example.org", "N", "", NULL, &id), DB_OK);
	char *t1 = account_token_create(c, a, id, 3600);
	cr_assert_eq(account_token_check(c, t1), id);
	char *t2 = account_token_create(c, a, id, 3600);
	cr_assert_eq(account_token_check(c, t1), 0, "a new link replaces the old");
	cr_assert_eq(account_token_use(c, t2), DB_OK);
	cr_assert_eq(account_token_check(c, t2), 0, "a link works once");
	cr_assert_eq(account_token_use(c, t2), DB_NOTFOUND);
	char *t3 = account_token_create(c, a, id, -1);
	cr_assert_eq(account_token_check(c, t3), 0, "an expired link does not work");
	arena_free(a);
}

Test(auth, scopes_form_a_tree)
{
	struct arena *a = arena_new();
	struct db_conn *c = platform_conn();
	int64_t kz, aktau, cell, almaty, dup;
	struct scope s;
	cr_assert_eq(scope_create(c, 0, "Kazakhstan", &kz), DB_OK);
	cr_assert_eq(scope_create(c, kz, "Aktau", &aktau), DB_OK);
	cr_assert_eq(scope_create(c, aktau, "Oil workers", &cell), DB_OK);
	cr_assert_eq(scope_create(c, kz, "Almaty", &almaty), DB_OK);
	cr_assert_eq(scope_create(c, kz, "Aktau", &dup), DB_CONSTRAINT);
	cr_assert_eq(scope_create(c, 999, "Nowhere", &dup), DB_NOTFOUND);
	cr_assert_eq(scope_get(c, a, cell, &s), DB_OK);
	cr_assert_eq(s.depth, 2);
	struct scope ak, al;
	scope_get(c, a, aktau, &ak);
	scope_get(c, a, almaty, &al);
	cr_assert(scope_path_within(s.path, ak.path));
	cr_assert_not(scope_path_within(s.path, al.path));
	cr_assert_not(scope_path_within(ak.path, s.path));
	/* "/1/2/" must not contain "/1/21/" */
	cr_assert_not(scope_path_within("/1/21/", "/1/2/"));
	struct scope *list;
	size_t n;
	cr_assert_eq(scope_list(c, a, &list, &n), DB_OK);
	cr_assert_eq(n, 4);
	arena_free(a);
}

Test(auth, personal_keys_follow_the_password_not_the_data_key)
{
	struct arena *a = arena_new();
	struct db_conn *c = platform_conn();
	unsigned char sk[PERSONAL_SK_LEN], sk2[PERSONAL_SK_LEN];
	unsigned char pk[PERSONAL_PK_LEN], pk2[PERSONAL_PK_LEN], derived[PERSONAL_PK_LEN];
	int64_t id, invited;

	cr_assert_eq(account_create(c, a, "k@example.org", "K", "", "first password 1", &id), DB_OK);
	cr_assert_eq(personal_key_public(c, id, pk), DB_OK, "a password brings a key");
	cr_assert_eq(personal_keys_open(c, id, "first password 1", sk), DB_OK);
	crypto_scalarmult_base(derived, sk);
	cr_assert_eq(memcmp(derived, pk, sizeof(pk)), 0);
	cr_assert_eq(personal_keys_open(c, id, "first password 2", sk2), DB_ERROR,
		     "the data key alone (unlocked here) does not open it");
	/* a change keeps the key, wrapped anew */
	cr_assert_eq(personal_keys_store(c, a, id, "second password 1", sk), DB_OK);
	cr_assert_eq(personal_keys_open(c, id, "first password 1", sk2), DB_ERROR);
	cr_assert_eq(personal_keys_open(c, id, "second password 1", sk2), DB_OK);
	cr_assert_eq(memcmp(sk, sk2, sizeof(sk)), 0);
	/* a reset (no old password) replaces it */
	cr_assert_eq(account_set_password(c, a, id, "third password 1"), DB_OK);
	cr_assert_eq(personal_key_public(c, id, pk2), DB_OK);
	cr_assert_neq(memcmp(pk, pk2, sizeof(pk)), 0);
	/* no password, no key */
	cr_assert_eq(account_create(c, a, "i@example.org", "I", "", NULL, &invited), DB_OK);
	cr_assert_eq(personal_key_public(c, invited, pk2), DB_NOTFOUND);
	arena_free(a);
}

Test(auth, token_sealed_values_open_only_with_the_token)
{
	struct arena *a = arena_new();
	size_t len;
	char out[16];
	unsigned char *s = token_seal(a, "tok-1", "secret", 6, &len);
	cr_assert_eq(token_open("tok-1", s, len, out, sizeof(out)), 6);
	cr_assert_eq(memcmp(out, "secret", 6), 0);
	cr_assert_eq(token_open("tok-2", s, len, out, sizeof(out)), -1);
	s[len - 1] ^= 1;
	cr_assert_eq(token_open("tok-1", s, len, out, sizeof(out)), -1);
	arena_free(a);
}
