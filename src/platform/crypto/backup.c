/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Backup streams sealed to the backup public key (see crypto.h).
 *
 * A random file key is sealed with crypto_box_seal to the backup public
 * key; the contents follow as a libsodium secretstream in 64 KiB chunks,
 * the last one tagged FINAL, so truncation and reordering are detected.
 * The server holds only the public key: it can write backups it cannot
 * read.
 */
#include "crypto.h"
#include "platform/core/core.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAGIC "RUDDERBK1\n"
#define MAGIC_LEN 10
#define CHUNK 65536
#define SEALED_KEY_LEN                                                        \
	(crypto_secretstream_xchacha20poly1305_KEYBYTES + crypto_box_SEALBYTES)
#define ABYTES crypto_secretstream_xchacha20poly1305_ABYTES

struct backup_writer {
	int fd;
	int failed;
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char buf[CHUNK];
	size_t used;
};

struct backup_reader {
	int fd;
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char plain[CHUNK];
	size_t have, pos;
	bool done;
};

static int write_all(int fd, const void *p, size_t n)
{
	const unsigned char *q = p;

	while (n > 0) {
		ssize_t k = write(fd, q, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		q += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Reads exactly n bytes; returns n, 0 at a clean EOF before any byte, or -1
 * on a short read or error. */
static long read_full(int fd, void *p, size_t n)
{
	unsigned char *q = p;
	size_t got = 0;

	while (got < n) {
		ssize_t k = read(fd, q + got, n - got);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0)
			return got == 0 ? 0 : -1;
		got += (size_t)k;
	}
	return (long)got;
}

void backup_pk_of(const unsigned char *sk, unsigned char *pk)
{
	crypto_scalarmult_base(pk, sk);
}

struct backup_writer *backup_writer_new(int fd, const unsigned char *pk)
{
	struct backup_writer *w = xcalloc(1, sizeof(*w));
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	unsigned char sealed[SEALED_KEY_LEN];
	unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];

	w->fd = fd;
	crypto_secretstream_xchacha20poly1305_keygen(key);
	crypto_box_seal(sealed, key, sizeof(key), pk);
	crypto_secretstream_xchacha20poly1305_init_push(&w->st, header, key);
	sodium_memzero(key, sizeof(key));
	if (write_all(fd, MAGIC, MAGIC_LEN) != 0 ||
	    write_all(fd, sealed, sizeof(sealed)) != 0 ||
	    write_all(fd, header, sizeof(header)) != 0)
		w->failed = 1;
	return w;
}

static int push(struct backup_writer *w, unsigned char tag)
{
	unsigned char out[CHUNK + ABYTES];
	unsigned long long outlen;

	crypto_secretstream_xchacha20poly1305_push(&w->st, out, &outlen, w->buf,
						   w->used, NULL, 0, tag);
	w->used = 0;
	if (write_all(w->fd, out, (size_t)outlen) != 0)
		w->failed = 1;
	return w->failed ? -1 : 0;
}

int backup_writer_put(struct backup_writer *w, const void *p, size_t n)
{
	const unsigned char *q = p;

	while (n > 0 && !w->failed) {
		size_t k = CHUNK - w->used;
		if (k > n)
			k = n;
		memcpy(w->buf + w->used, q, k);
		w->used += k;
		q += k;
		n -= k;
		if (w->used == CHUNK)
			push(w, 0);
	}
	return w->failed ? -1 : 0;
}

int backup_writer_finish(struct backup_writer *w)
{
	int rc;

	if (!w)
		return -1;
	if (!w->failed)
		push(w, crypto_secretstream_xchacha20poly1305_TAG_FINAL);
	rc = w->failed ? -1 : 0;
	sodium_memzero(w, sizeof(*w));
	free(w);
	return rc;
}

struct backup_reader *backup_reader_new(int fd, const unsigned char *sk,
					char *err, size_t cap)
{
	unsigned char magic[MAGIC_LEN];
	unsigned char sealed[SEALED_KEY_LEN];
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	unsigned char pk[32];
	struct backup_reader *r;

	if (read_full(fd, magic, sizeof(magic)) != MAGIC_LEN ||
	    memcmp(magic, MAGIC, MAGIC_LEN) != 0) {
		snprintf(err, cap, "not a rudder backup");
		return NULL;
	}
	if (read_full(fd, sealed, sizeof(sealed)) != (long)sizeof(sealed) ||
	    read_full(fd, header, sizeof(header)) != (long)sizeof(header)) {
		snprintf(err, cap, "the backup is truncated");
		return NULL;
	}
	backup_pk_of(sk, pk);
	if (crypto_box_seal_open(key, sealed, sizeof(sealed), pk, sk) != 0) {
		snprintf(err, cap,
			 "this backup key does not open this backup");
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->fd = fd;
	if (crypto_secretstream_xchacha20poly1305_init_pull(&r->st, header,
							     key) != 0) {
		snprintf(err, cap, "the backup header is damaged");
		sodium_memzero(key, sizeof(key));
		free(r);
		return NULL;
	}
	sodium_memzero(key, sizeof(key));
	return r;
}

long backup_reader_get(struct backup_reader *r, void *buf, size_t cap)
{
	if (r->pos == r->have) {
		unsigned char in[CHUNK + ABYTES];
		unsigned long long plen;
		unsigned char tag;
		ssize_t k;
		size_t got = 0;

		if (r->done)
			return 0;
		/* a chunk is CHUNK + ABYTES except the last, which is shorter */
		while (got < sizeof(in)) {
			k = read(r->fd, in + got, sizeof(in) - got);
			if (k < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			if (k == 0)
				break;
			got += (size_t)k;
		}
		if (got < ABYTES)
			return -1; /* ended without the FINAL chunk */
		if (crypto_secretstream_xchacha20poly1305_pull(
			    &r->st, r->plain, &plen, &tag, in, got, NULL, 0) != 0)
			return -1;
		if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
			r->done = true;
			/* nothing may follow the final chunk */
			if (read(r->fd, in, 1) != 0)
				return -1;
		} else if (got < sizeof(in)) {
			return -1; /* short chunk that is not final */
		}
		r->have = (size_t)plen;
		r->pos = 0;
		if (r->have == 0)
			return r->done ? 0 : -1;
	}
	size_t k = r->have - r->pos;
	if (k > cap)
		k = cap;
	memcpy(buf, r->plain + r->pos, k);
	r->pos += k;
	return (long)k;
}

void backup_reader_free(struct backup_reader *r)
{
	if (!r)
		return;
	sodium_memzero(r, sizeof(*r));
	free(r);
}
