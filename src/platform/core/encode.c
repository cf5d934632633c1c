/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Encodings: hex and base64 come from libsodium (constant-time); base32,
 * which TOTP authenticator apps want, is the only one written here.
 */
#include "core.h"

#include <sodium.h>
#include <string.h>

void hex_encode(const void *in, size_t n, char *out)
{
	sodium_bin2hex(out, n * 2 + 1, in, n);
}

long hex_decode(const char *in, void *out, size_t out_cap)
{
	size_t len;
	const char *end;

	if (sodium_hex2bin(out, out_cap, in, strlen(in), NULL, &len, &end) != 0 ||
	    *end != '\0')
		return -1;
	return (long)len;
}

size_t base64url_len(size_t n)
{
	return sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING) - 1;
}

void base64url_encode(const void *in, size_t n, char *out)
{
	sodium_bin2base64(out, base64url_len(n) + 1, in, n,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

long base64url_decode(const char *in, void *out, size_t out_cap)
{
	size_t len;
	const char *end;

	if (sodium_base642bin(out, out_cap, in, strlen(in), NULL, &len, &end,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    *end != '\0')
		return -1;
	return (long)len;
}

char *arena_base64url(struct arena *a, const void *in, size_t n)
{
	char *out = arena_alloc(a, base64url_len(n) + 1);
	base64url_encode(in, n, out);
	return out;
}

void base64_append(struct buf *b, const void *in, size_t n, bool wrap)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *tmp = xmalloc(cap);
	size_t len;

	sodium_bin2base64(tmp, cap, in, n, sodium_base64_VARIANT_ORIGINAL);
	len = strlen(tmp);
	if (!wrap) {
		buf_append(b, tmp, len);
	} else {
		for (size_t i = 0; i < len; i += 76) {
			size_t k = len - i < 76 ? len - i : 76;
			buf_append(b, tmp + i, k);
			buf_puts(b, "\r\n");
		}
	}
	free(tmp);
}

char *arena_base32(struct arena *a, const void *in, size_t n)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	const unsigned char *p = in;
	char *out = arena_alloc(a, (n * 8 + 4) / 5 + 1);
	size_t o = 0;
	unsigned int acc = 0;
	int bits = 0;

	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | p[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = alphabet[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = alphabet[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	return out;
}
