/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests: key hierarchy, sealing, blind indexes, sealed backups. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "platform/crypto/crypto.h"

static char dir[64];
static unsigned char sk[BACKUP_SK_LEN];

static void setup(void)
{
	char err[256];
	cr_assert_geq(sodium_init(), 0);
	snprintf(dir, sizeof(dir), "/tmp/rudder-crypto-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(keys_create(dir, "correct horse", KDF_INTERACTIVE, sk, err,
				 sizeof(err)),
		     0, "%s", err);
}

static void teardown(void)
{
	keys_lock();
	fixture_sh("rm -rf %s", dir);
}

TestSuite(crypto, .init = setup, .fini = teardown);

Test(crypto, unlock_with_right_passphrase_only)
{
	char err[256];
	unsigned char s1[64], s2[64];
	seal("t.c", "hello", 5, s1);
	keys_lock();
	cr_assert_not(keys_unlocked());
	cr_assert_eq(keys_unlock(dir, "wrong horse", err, sizeof(err)), -1);
	cr_assert_str_eq(err, "wrong passphrase");
	cr_assert_eq(keys_unlock(dir, "correct horse", err, sizeof(err)), 0, "%s", err);
	unsigned char out[16];
	cr_assert_eq(unseal("t.c", s1, seal_len(5), out, sizeof(out)), 5);
	/* a new passphrase opens the same data key */
	cr_assert_eq(keys_rewrap(dir, "new passphrase", KDF_INTERACTIVE, err, sizeof(err)), 0);
	keys_lock();
	cr_assert_eq(keys_unlock(dir, "correct horse", err, sizeof(err)), -1);
	cr_assert_eq(keys_unlock(dir, "new passphrase", err, sizeof(err)), 0);
	cr_assert_eq(unseal("t.c", s1, seal_len(5), out, sizeof(out)), 5);
	(void)s2;
	/* create refuses to replace existing keys */
	cr_assert_eq(keys_create(dir, "x", KDF_INTERACTIVE, sk, err, sizeof(err)), -1);
}

Test(crypto, keyfile_damage_is_reported)
{
	char err[256];
	keys_lock();
	fixture_sh("sed -i 's/\"version\": 1/\"version\": 7/' %s/keys.json", dir);
	cr_assert_eq(keys_unlock(dir, "correct horse", err, sizeof(err)), -1);
	cr_assert(strstr(err, "damaged"), "%s", err);
	cr_assert_eq(keys_unlock("/nonexistent", "x", err, sizeof(err)), -1);
	cr_assert(strstr(err, "rudder init"), "%s", err);
}

Test(crypto, sealing_binds_context_and_detects_tampering)
{
	unsigned char s[64], out[64];
	struct arena *a = arena_new();
	seal("users.email", "a@b.kz", 6, s);
	cr_assert_eq(unseal("users.email", s, seal_len(6), out, sizeof(out)), 6);
	cr_assert_eq(memcmp(out, "a@b.kz", 6), 0);
	cr_assert_eq(unseal("members.phone", s, seal_len(6), out, sizeof(out)), -1);
	s[30] ^= 1;
	cr_assert_eq(unseal("users.email", s, seal_len(6), out, sizeof(out)), -1);
	cr_assert_eq(unseal("users.email", s, 3, out, sizeof(out)), -1);
	/* the same value seals differently each time */
	size_t l1, l2;
	unsigned char *x = seal_str(a, "c", "same", &l1), *y = seal_str(a, "c", "same", &l2);
	cr_assert_neq(memcmp(x, y, l1), 0);
	cr_assert_str_eq(unseal_str(a, "c", x, l1), "same");
	cr_assert_null(unseal_str(a, "d", x, l1));
	arena_free(a);
}

Test(crypto, blind_index_is_stable_keyed_and_contextual)
{
	unsigned char a[BLIND_LEN], b[BLIND_LEN], c[BLIND_LEN];
	char err[256];
	blind_index("users.email", "a@b.kz", 6, a);
	blind_index("users.email", "a@b.kz", 6, b);
	blind_index("members.email", "a@b.kz", 6, c);
	cr_assert_eq(memcmp(a, b, BLIND_LEN), 0);
	cr_assert_neq(memcmp(a, c, BLIND_LEN), 0);
	/* another installation (another data key) gives another index */
	keys_lock();
	char other[64];
	unsigned char sk2[BACKUP_SK_LEN];
	snprintf(other, sizeof(other), "/tmp/rudder-crypto2-XXXXXX");
	cr_assert_not_null(mkdtemp(other));
	cr_assert_eq(keys_create(other, "p", KDF_INTERACTIVE, sk2, err, sizeof(err)), 0);
	blind_index("users.email", "a@b.kz", 6, b);
	cr_assert_neq(memcmp(a, b, BLIND_LEN), 0);
	fixture_sh("rm -rf %s", other);
}

static char *backup_of(const char *content, size_t n)
{
	char *path = xasprintf("%s/b.bin", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	struct backup_writer *w = backup_writer_new(fd, keys_backup_pk());
	cr_assert_eq(backup_writer_put(w, content, n), 0);
	cr_assert_eq(backup_writer_finish(w), 0);
	close(fd);
	return path;
}

static long read_all(const char *path, const unsigned char *key, char *out,
		     size_t cap, char *err)
{
	int fd = open(path, O_RDONLY);
	struct backup_reader *r = backup_reader_new(fd, key, err, 128);
	long total = 0, k;
	if (!r) {
		close(fd);
		return -2;
	}
	while ((k = backup_reader_get(r, out + total, cap - (size_t)total)) > 0)
		total += k;
	backup_reader_free(r);
	close(fd);
	return k < 0 ? -1 : total;
}

Test(crypto, backups_open_only_with_the_backup_key_and_untouched)
{
	size_t n = 200000;
	char *content = xmalloc(n), *back = xmalloc(n + 10), err[128];
	for (size_t i = 0; i < n; i++)
		content[i] = (char)(i * 7);
	char *path = backup_of(content, n);
	cr_assert_eq(read_all(path, sk, back, n + 10, err), (long)n);
	cr_assert_eq(memcmp(content, back, n), 0);
	/* the data key does not open it; a wrong secret key does not either */
	unsigned char wrong[BACKUP_SK_LEN];
	random_bytes(wrong, sizeof(wrong));
	cr_assert_eq(read_all(path, wrong, back, n + 10, err), -2);
	cr_assert(strstr(err, "does not open"), "%s", err);
	/* truncated: the final chunk is missing */
	fixture_sh("truncate -s 100000 %s", path);
	cr_assert_eq(read_all(path, sk, back, n + 10, err), -1);
	/* a flipped byte */
	free(path);
	path = backup_of(content, n);
	fixture_sh("printf 'X' | dd of=%s bs=1 seek=5000 conv=notrunc status=none", path);
	cr_assert_eq(read_all(path, sk, back, n + 10, err), -1);
	/* something appended after the end */
	free(path);
	path = backup_of(content, n);
	fixture_sh("printf 'extra' >> %s", path);
	cr_assert_eq(read_all(path, sk, back, n + 10, err), -1);
	free(path);
	free(content);
	free(back);
}
