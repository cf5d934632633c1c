/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * crypto: the sealed-data key hierarchy.
 *
 *   passphrase --Argon2id(salt)--> wrapping key
 *   wrapping key --XSalsa20-Poly1305--> data key (32 random bytes)
 *   data key --BLAKE2b KDF--> subkeys: seal, blind index, audit chain,
 *                            CSRF, throttle, webhook
 *   backup keypair (X25519): the public half is in the data directory;
 *   the secret half leaves the machine at init and never comes back.
 *
 * The data key lives only in guarded memory (sodium_malloc, read-only,
 * locked) while a process is unlocked. Sealed values are
 *   0x01 | 24-byte nonce | XChaCha20-Poly1305(value, ad = context)
 * where the context names the column ("users.email"), so a value cannot be
 * moved to another column unnoticed. Blind indexes are keyed BLAKE2b of a
 * normalized value, per context, for equality lookups without plaintext.
 *
 * Files: DIR/keys.json (salt, KDF cost, wrapped data key, backup public
 * key), mode 0600.
 */
#ifndef RUDDER_CRYPTO_H
#define RUDDER_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

enum kdf_cost { KDF_INTERACTIVE, KDF_MODERATE, KDF_SENSITIVE };

enum subkey {
	SUBKEY_SEAL = 1,
	SUBKEY_BLIND = 2,
	SUBKEY_AUDIT = 3,
	SUBKEY_CSRF = 4,
	SUBKEY_THROTTLE = 5,
	SUBKEY_WEBHOOK = 6,
	SUBKEY__MAX
};

#define BACKUP_SK_LEN 32
#define BACKUP_PK_LEN 32
#define BLIND_LEN 16
#define MAC_LEN 32

/* Parses "interactive"/"moderate"/"sensitive"; -1 when unknown. */
int kdf_cost_parse(const char *s, enum kdf_cost *out_r);
/* Argon2id limits for a cost. */
void kdf_params(enum kdf_cost cost, unsigned long long *ops, size_t *mem);

/* Creates DIR/keys.json with a new data key wrapped by the passphrase and
 * a new backup keypair; the backup secret key is written to backup_sk_r
 * for the caller to hand to the operator. Leaves the process unlocked.
 * Refuses to overwrite an existing keys.json. */
int keys_create(const char *dir, const char *passphrase, enum kdf_cost cost,
		unsigned char backup_sk_r[BACKUP_SK_LEN], char *err, size_t cap);
/* Unwraps the data key with the passphrase. -1 with "wrong passphrase"
 * or a file problem in err. */
int keys_unlock(const char *dir, const char *passphrase, char *err,
		size_t cap);
/* Rewraps the data key under a new passphrase (atomic file replace). */
int keys_rewrap(const char *dir, const char *new_passphrase,
		enum kdf_cost cost, char *err, size_t cap);
/* Wipes the data key and subkeys from memory. */
void keys_lock(void);
bool keys_unlocked(void);
/* The backup public key (valid after unlock or create). */
const unsigned char *keys_backup_pk(void);
/* A subkey; aborts when locked (our bug). Borrowed, guarded memory. */
const unsigned char *keys_subkey(enum subkey which);

/* Sealed length for n plaintext bytes. */
size_t seal_len(size_t n);
/* Seals n bytes under context ctx into out (seal_len(n) bytes). */
void seal(const char *ctx, const void *plain, size_t n, unsigned char *out);
/* Opens a sealed value into out (cap >= len - overhead). Returns plaintext
 * length, or -1 when the value is not authentic under ctx. */
long unseal(const char *ctx, const void *sealed, size_t len,
	    unsigned char *out, size_t cap);
/* Arena conveniences for text: seal a string; open into a NUL-terminated
 * string (NULL when not authentic). */
unsigned char *seal_str(struct arena *a, const char *ctx, const char *s,
			size_t *len_r);
char *unseal_str(struct arena *a, const char *ctx, const void *sealed,
		 size_t len);

/* A column reader for db_row and friends (DB_COL_FN with ctx as its
 * argument): opens a sealed text column into a const char * member,
 * "" for NULL or for a value not authentic under ctx. */
struct db_stmt;
void unseal_col(struct db_stmt *st, int col, struct arena *a, void *field,
		const void *ctx);

/* Keyed BLAKE2b of value under context: equality lookups on sealed data.
 * The caller normalizes the value first (lower-case email, ...). */
void blind_index(const char *ctx, const char *value, size_t n,
		 unsigned char out[BLIND_LEN]);
/* Keyed BLAKE2b-256 with a subkey, for MACs and keyed hashes. */
void keyed_hash(enum subkey which, const void *in, size_t n,
		unsigned char out[MAC_LEN]);
/* Unkeyed BLAKE2b-256 (session token hashes). */
void plain_hash(const void *in, size_t n, unsigned char out[MAC_LEN]);

/* ---- backups: sealed to the backup public key ----
 * Format: "RUDDERBK1\n" | crypto_box_seal(file key) | secretstream header
 *         | chunks. Only the holder of the backup secret key can open it. */
struct backup_writer;
struct backup_writer *backup_writer_new(int fd, const unsigned char *pk);
int backup_writer_put(struct backup_writer *w, const void *p, size_t n);
/* Writes the final chunk and frees the writer; -1 on any earlier error. */
int backup_writer_finish(struct backup_writer *w);
struct backup_reader;
/* NULL with a message when the header cannot be opened with sk. */
struct backup_reader *backup_reader_new(int fd, const unsigned char *sk,
					char *err, size_t cap);
/* Bytes read into buf (0 at the authenticated end), -1 on tampering or a
 * truncated file. */
long backup_reader_get(struct backup_reader *r, void *buf, size_t cap);
void backup_reader_free(struct backup_reader *r);
/* Derives the public key of a backup secret key. */
void backup_pk_of(const unsigned char *sk, unsigned char *pk);

/* ---- personal keys: what the data key cannot open ----
 * Each account may hold an X25519 keypair whose secret half is wrapped by
 * a key derived from the account's password (Argon2id), so that data
 * sealed to it (a module's write-only queue) is readable only inside that
 * person's session, never with the server's passphrase alone.
 * Wrapped: 0x01 | cost | 16-byte salt | 24-byte nonce | secretbox(sk). */
#define PERSONAL_PK_LEN 32
#define PERSONAL_SK_LEN 32
/* A new keypair. */
void personal_keypair(unsigned char pk[PERSONAL_PK_LEN],
		      unsigned char sk[PERSONAL_SK_LEN]);
/* sk wrapped under password; arena-owned, *len_r bytes. */
unsigned char *personal_wrap(struct arena *a, const char *password,
			     const unsigned char sk[PERSONAL_SK_LEN],
			     enum kdf_cost cost, size_t *len_r);
/* 0 and sk, or -1 (wrong password, damaged value). */
int personal_unwrap(const char *password, const void *wrapped, size_t len,
		    unsigned char sk[PERSONAL_SK_LEN]);
/* Seals n bytes under a key derived from a session token (which the server
 * stores only hashed): nonce | secretbox. Arena-owned. */
unsigned char *token_seal(struct arena *a, const char *token,
			  const void *plain, size_t n, size_t *len_r);
/* Plaintext length into out (cap >= len - overhead), or -1. */
long token_open(const char *token, const void *sealed, size_t len, void *out,
		size_t cap);

#endif
