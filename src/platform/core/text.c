/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Text checks applied at the boundary: UTF-8 well-formedness (RFC 3629:
 * no overlongs, no surrogates, nothing above U+10FFFF), lines and blocks
 * without control characters, and small string helpers.
 */
#include "core.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one code point; returns its length or 0 when malformed. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp_r)
{
	uint32_t cp;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp_r = s[0];
		return 1;
	} else if ((s[0] & 0xE0) == 0xC0) {
		len = 2;
		cp = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3;
		cp = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000))
		return 0; /* overlong */
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	*cp_r = cp;
	return len;
}

bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k;

		if (p[i] == 0)
			return false;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		k = utf8_decode(p + i, n - i, &cp);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

size_t utf8_len(const char *s, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			count++;
	return count;
}

static bool text_check(const char *s, size_t n, bool block)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(p + i, n - i, &cp);

		if (!k || cp == 0)
			return false;
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
			if (!block || (cp != '\n' && cp != '\r' && cp != '\t'))
				return false;
		}
		/* bidi overrides can disguise text; refuse them outright */
		if ((cp >= 0x202A && cp <= 0x202E) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			return false;
		i += k;
	}
	return true;
}

bool text_is_line(const char *s, size_t n)
{
	return text_check(s, n, false);
}

bool text_is_block(const char *s, size_t n)
{
	return text_check(s, n, true);
}

char *str_trim(char *s)
{
	size_t n = strlen(s);
	size_t start = 0;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
			 s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	while (start < n && (s[start] == ' ' || s[start] == '\t' ||
			     s[start] == '\n' || s[start] == '\r'))
		start++;
	memmove(s, s + start, n - start);
	s[n - start] = '\0';
	return s;
}

bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a, y = *b;
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return *a == *b;
}

int str_to_i64(const char *s, int64_t *out_r)
{
	char *end;
	long long v;

	if (!s || !*s || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out_r = v;
	return 0;
}

void str_ascii_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

bool email_plausible(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s);

	if (n < 3 || n > 254 || !at || at == s || strchr(at + 1, '@'))
		return false;
	if (!text_is_line(s, n))
		return false;
	for (const char *p = s; *p; p++)
		if (*p == ' ' || *p == '<' || *p == '>' || *p == '"' ||
		    *p == ',' || *p == ';' || *p == '\\')
			return false;
	const char *dot = strrchr(at + 1, '.');
	return dot && dot > at + 1 && dot[1] != '\0';
}

void str_upper_first(char *s)
{
	unsigned char *u = (unsigned char *)s;
	unsigned cp;
	static const unsigned pairs[][2] = {
		/* Kazakh letters beyond Russian's, lower to upper */
		{0x04D9, 0x04D8}, {0x0493, 0x0492}, {0x049B, 0x049A},
		{0x04A3, 0x04A2}, {0x04E9, 0x04E8}, {0x04B1, 0x04B0},
		{0x04AF, 0x04AE}, {0x04BB, 0x04BA}, {0x0456, 0x0406},
		{0x0451, 0x0401}};

	if (!s)
		return;
	if (u[0] >= 'a' && u[0] <= 'z') {
		u[0] = (unsigned char)(u[0] - 'a' + 'A');
		return;
	}
	if ((u[0] & 0xE0) != 0xC0 || (u[1] & 0xC0) != 0x80)
		return;
	cp = ((u[0] & 0x1Fu) << 6) | (u[1] & 0x3Fu);
	if (cp >= 0x0430 && cp <= 0x044F) {
		cp -= 0x20;
	} else {
		unsigned up = 0;
		for (size_t i = 0; i < sizeof(pairs) / sizeof(*pairs); i++)
			if (pairs[i][0] == cp)
				up = pairs[i][1];
		if (!up)
			return;
		cp = up;
	}
	u[0] = (unsigned char)(0xC0 | (cp >> 6));
	u[1] = (unsigned char)(0x80 | (cp & 0x3F));
}
