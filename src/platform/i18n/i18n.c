/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Reading gettext .mo catalogs (see i18n.h for why rudder does this
 * itself) and choosing a language from Accept-Language.
 *
 * A .mo file: magic, revision, string count N, offset of the originals
 * table, offset of the translations table; each table holds N (length,
 * offset) pairs and the originals are sorted, so lookup is a bisection.
 * Plural entries hold "singular\0plural" and "form0\0form1\0...". The
 * plural rule of each language is written here rather than evaluated from
 * the catalog's Plural-Forms header, and a test checks they agree.
 */
#include "i18n.h"
#include "platform/core/assets.h"
#include "platform/core/core.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct catalog {
	const char *code;
	const unsigned char *data;
	size_t len;
	uint32_t n, orig, trans;
	int loaded;
};

static const struct lang_info langs[] = {
	{"en", "English"},
	{"ru", "Русский"},
	{"kk", "Қазақша"},
};

static struct catalog catalogs[] = {
	{.code = "ru"},
	{.code = "kk"},
};

const struct lang_info *i18n_langs(size_t *n_r)
{
	*n_r = ARRAY_LEN(langs);
	return langs;
}

int i18n_known(const char *code)
{
	for (size_t i = 0; i < ARRAY_LEN(langs); i++)
		if (strcmp(langs[i].code, code) == 0)
			return 1;
	return 0;
}

static uint32_t rd32(const unsigned char *p)
{
	/* msgfmt writes the host's byte order; the magic tells which */
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

int i18n_init(void)
{
	for (size_t i = 0; i < ARRAY_LEN(catalogs); i++) {
		struct catalog *c = &catalogs[i];
		char name[32];
		const struct asset *a;

		snprintf(name, sizeof(name), "i18n/%s.mo", c->code);
		a = asset_find(name);
		if (!a) {
			log_error("i18n", "catalog %s is missing", name);
			return -1;
		}
		if (a->len < 28 || rd32(a->data) != 0x950412deU) {
			log_error("i18n", "catalog %s is damaged", name);
			return -1;
		}
		c->data = a->data;
		c->len = a->len;
		c->n = rd32(a->data + 8);
		c->orig = rd32(a->data + 12);
		c->trans = rd32(a->data + 16);
		if ((uint64_t)c->orig + (uint64_t)c->n * 8 > c->len ||
		    (uint64_t)c->trans + (uint64_t)c->n * 8 > c->len) {
			log_error("i18n", "catalog %s is damaged", name);
			return -1;
		}
		c->loaded = 1;
	}
	return 0;
}

static const struct catalog *catalog_for(const char *lang)
{
	for (size_t i = 0; i < ARRAY_LEN(catalogs); i++)
		if (catalogs[i].loaded && strcmp(catalogs[i].code, lang) == 0)
			return &catalogs[i];
	return NULL;
}

/* Finds msgid; returns the translation (and its full length, which spans
 * all plural forms) or NULL. */
static const char *lookup(const struct catalog *c, const char *msgid,
			  size_t idlen, uint32_t *tlen_r)
{
	uint32_t lo = 0, hi = c->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const unsigned char *e = c->data + c->orig + (size_t)mid * 8;
		uint32_t len = rd32(e), off = rd32(e + 4);
		size_t k;
		int cmp;

		if ((uint64_t)off + len >= c->len)
			return NULL;
		k = len < idlen ? len : idlen;
		cmp = memcmp(c->data + off, msgid, k);
		if (cmp == 0)
			cmp = len < idlen ? -1 : (len > idlen ? 1 : 0);
		if (cmp == 0) {
			const unsigned char *t =
				c->data + c->trans + (size_t)mid * 8;
			uint32_t tl = rd32(t), to = rd32(t + 4);
			if ((uint64_t)to + tl >= c->len || tl == 0)
				return NULL;
			*tlen_r = tl;
			return (const char *)c->data + to;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *tr(const char *lang, const char *msgid)
{
	const struct catalog *c = catalog_for(lang);
	uint32_t tlen;
	const char *t;

	if (!c || !*msgid)
		return msgid;
	t = lookup(c, msgid, strlen(msgid), &tlen);
	return t ? t : msgid;
}

/* Plural form index, per language (matches each catalog's Plural-Forms). */
static unsigned plural_index(const char *lang, unsigned long n)
{
	if (strcmp(lang, "ru") == 0) {
		if (n % 10 == 1 && n % 100 != 11)
			return 0;
		if (n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 10 || n % 100 >= 20))
			return 1;
		return 2;
	}
	return n != 1; /* en, kk */
}

const char *trn(const char *lang, const char *singular, const char *plural,
		unsigned long n)
{
	const struct catalog *c = catalog_for(lang);
	size_t slen = strlen(singular), plen = strlen(plural);
	char *key;
	uint32_t tlen;
	const char *t, *form;
	unsigned idx;

	if (!c)
		return n == 1 ? singular : plural;
	/* the original of a plural entry is "singular\0plural" */
	key = xmalloc(slen + 1 + plen);
	memcpy(key, singular, slen + 1);
	memcpy(key + slen + 1, plural, plen);
	t = lookup(c, key, slen + 1 + plen, &tlen);
	free(key);
	if (!t)
		return n == 1 ? singular : plural;
	idx = plural_index(lang, n);
	form = t;
	for (unsigned i = 0; i < idx; i++) {
		size_t k = strlen(form);
		if ((size_t)(form - t) + k + 1 >= tlen)
			return n == 1 ? singular : plural;
		form += k + 1;
	}
	return form;
}

const char *i18n_negotiate(const char *header)
{
	const char *best = "en";
	double best_q = 0.0;
	const char *p = header;

	if (!header)
		return best;
	/* "ru-RU,ru;q=0.9,en;q=0.8": the known language with the highest q */
	while (*p) {
		char tag[16];
		size_t n = 0;
		double q = 1.0;

		while (*p == ' ' || *p == ',')
			p++;
		while (*p && *p != ',' && *p != ';' && *p != '-' && *p != ' ' &&
		       n < sizeof(tag) - 1) {
			char ch = *p++;
			tag[n++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
		}
		tag[n] = '\0';
		while (*p && *p != ',' && *p != ';')
			p++;
		while (*p == ';') {
			p++;
			while (*p == ' ')
				p++;
			if (p[0] == 'q' && p[1] == '=') {
				char *end;
				q = strtod(p + 2, &end);
				if (end == p + 2 || q < 0 || q > 1)
					q = 0;
				p = end;
			}
			while (*p && *p != ',' && *p != ';')
				p++;
		}
		for (size_t i = 0; n > 0 && i < ARRAY_LEN(langs); i++) {
			if (q > best_q && strcmp(langs[i].code, tag) == 0) {
				best = langs[i].code;
				best_q = q;
			}
		}
		if (*p == ',')
			p++;
	}
	return best;
}
