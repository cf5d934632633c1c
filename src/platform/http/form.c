/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Request bodies: application/x-www-form-urlencoded and
 * multipart/form-data parsers, and validation of the result against the
 * fields a route declares.
 *
 * Written here because libmicrohttpd's post processor works only on a live
 * connection, so it can neither be fed a body we already buffered (we
 * buffer to enforce size limits before parsing) nor be fuzzed on its own.
 * Both parsers are bounded: no recursion, linear in the input, every
 * length checked. Harnesses: tests/fuzz/fuzz_form.c, fuzz_multipart.c.
 */
#include "http.h"
#include "platform/i18n/i18n.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_FIELDS 500
#define MAX_PARTS 100
#define MAX_PART_HEADERS 8192

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes %XX and '+' into an arena string; -1 on a bad escape, a NUL or
 * invalid UTF-8. */
static int url_decode(struct arena *a, const char *s, size_t n, char **out_r,
		      size_t *len_r)
{
	char *out = arena_alloc(a, n + 1);
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			int hi, lo;
			if (i + 2 >= n)
				return -1;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	if (!utf8_valid(out, o))
		return -1;
	*out_r = out;
	*len_r = o;
	return 0;
}

static void kv_push(struct arena *a, struct kv **arr, size_t *n, size_t *cap,
		    const char *k, const char *v, size_t vlen)
{
	*arr = arena_grow(a, *arr, *n, cap, sizeof(**arr));
	(*arr)[*n].key = k;
	(*arr)[*n].value = v;
	(*arr)[*n].len = vlen;
	(*n)++;
}

int form_parse_urlencoded(struct arena *a, const char *s, size_t n,
			  struct kv **out_r, size_t *n_r)
{
	struct kv *arr = NULL;
	size_t count = 0, cap = 0;
	size_t i = 0;

	while (i < n) {
		size_t end = i, eq;
		char *k, *v;
		size_t klen, vlen;

		while (end < n && s[end] != '&')
			end++;
		if (end > i) {
			eq = i;
			while (eq < end && s[eq] != '=')
				eq++;
			if (count >= MAX_FIELDS)
				return -1;
			if (url_decode(a, s + i, eq - i, &k, &klen) != 0)
				return -1;
			if (eq < end) {
				if (url_decode(a, s + eq + 1, end - eq - 1, &v,
					       &vlen) != 0)
					return -1;
			} else {
				v = arena_strdup(a, "");
				vlen = 0;
			}
			if (klen == 0)
				return -1;
			kv_push(a, &arr, &count, &cap, k, v, vlen);
		}
		i = end + 1;
	}
	*out_r = arr;
	*n_r = count;
	return 0;
}

/* ---- multipart/form-data (RFC 7578) ---- */

/* The value of parameter `name` in a header like
 * `form-data; name="x"; filename="y"`, arena-owned, or NULL. */
static char *header_param(struct arena *a, const char *h, size_t n,
			  const char *name)
{
	size_t nl = strlen(name);
	size_t i = 0;

	while (i < n) {
		/* move to the next ';' separated parameter */
		while (i < n && h[i] != ';')
			i++;
		if (i >= n)
			break;
		i++;
		while (i < n && (h[i] == ' ' || h[i] == '\t'))
			i++;
		if (n - i > nl && strncasecmp(h + i, name, nl) == 0 &&
		    h[i + nl] == '=') {
			size_t j = i + nl + 1;
			if (j < n && h[j] == '"') {
				struct buf b;
				char *out;
				buf_init(&b);
				for (j++; j < n && h[j] != '"'; j++) {
					if (h[j] == '\\' && j + 1 < n)
						j++;
					buf_putc(&b, h[j]);
				}
				if (j >= n) {
					buf_free(&b);
					return NULL; /* unterminated quote */
				}
				out = arena_strndup(a, b.data ? b.data : "",
						    b.len);
				buf_free(&b);
				return out;
			}
			size_t k = j;
			while (k < n && h[k] != ';' && h[k] != ' ')
				k++;
			return arena_strndup(a, h + j, k - j);
		}
	}
	return NULL;
}

static const char *find(const char *hay, size_t n, const char *needle,
			size_t nn)
{
	return memmem(hay, n, needle, nn);
}

int form_parse_multipart(struct arena *a, const char *content_type,
			 const char *body, size_t n, struct kv **fields_r,
			 size_t *nfields_r, struct upload **files_r,
			 size_t *nfiles_r, char *err, size_t cap)
{
	const char *ct = content_type;
	char *boundary;
	char *delim;
	size_t dlen;
	const char *p, *end = body + n;
	struct kv *fields = NULL;
	size_t nfields = 0, capf = 0;
	struct upload *files = NULL;
	size_t nfiles = 0, capu = 0;
	int parts = 0;

	boundary = header_param(a, ct, strlen(ct), "boundary");
	if (!boundary || !*boundary || strlen(boundary) > 70) {
		snprintf(err, cap, "multipart body without a usable boundary");
		return -1;
	}
	delim = arena_printf(a, "--%s", boundary);
	dlen = strlen(delim);

	/* the body starts with the first delimiter (a preamble is allowed) */
	p = find(body, n, delim, dlen);
	if (!p) {
		snprintf(err, cap, "multipart body without its boundary");
		return -1;
	}
	p += dlen;
	for (;;) {
		const char *hend, *next, *content;
		char *disp = NULL, *ctype = NULL, *name, *filename;
		size_t clen;

		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break; /* closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
			snprintf(err, cap, "malformed multipart delimiter");
			return -1;
		}
		p += 2;
		if (++parts > MAX_PARTS) {
			snprintf(err, cap, "too many multipart parts");
			return -1;
		}
		hend = find(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hend || hend - p > MAX_PART_HEADERS) {
			snprintf(err, cap, "malformed multipart part headers");
			return -1;
		}
		/* headers: one per line */
		for (const char *line = p; line < hend;) {
			const char *eol = find(line, (size_t)(hend - line),
					       "\r\n", 2);
			const char *colon;
			size_t ll;
			if (!eol)
				eol = hend;
			ll = (size_t)(eol - line);
			colon = memchr(line, ':', ll);
			if (colon) {
				size_t kn = (size_t)(colon - line);
				const char *v = colon + 1;
				while (v < eol && (*v == ' ' || *v == '\t'))
					v++;
				if (kn == 19 &&
				    strncasecmp(line, "Content-Disposition", 19) == 0)
					disp = arena_strndup(a, v,
							     (size_t)(eol - v));
				else if (kn == 12 &&
					 strncasecmp(line, "Content-Type", 12) == 0)
					ctype = arena_strndup(a, v,
							      (size_t)(eol - v));
			}
			line = eol + 2;
		}
		content = hend + 4;
		/* the part ends at CRLF + delimiter */
		{
			char *needle = arena_printf(a, "\r\n%s", delim);
			next = find(content, (size_t)(end - content), needle,
				    dlen + 2);
		}
		if (!next) {
			snprintf(err, cap, "multipart part is not terminated");
			return -1;
		}
		clen = (size_t)(next - content);
		if (!disp || strncasecmp(disp, "form-data", 9) != 0) {
			snprintf(err, cap, "multipart part is not form-data");
			return -1;
		}
		name = header_param(a, disp, strlen(disp), "name");
		filename = header_param(a, disp, strlen(disp), "filename");
		if (!name || !*name || !utf8_valid(name, strlen(name))) {
			snprintf(err, cap, "multipart part without a name");
			return -1;
		}
		if (filename) {
			struct upload *u;
			if (!utf8_valid(filename, strlen(filename))) {
				snprintf(err, cap, "file name is not UTF-8");
				return -1;
			}
			files = arena_grow(a, files, nfiles, &capu, sizeof(*files));
			u = &files[nfiles++];
			u->field = name;
			u->filename = filename;
			u->content_type = ctype ? ctype
						: "application/octet-stream";
			u->data = arena_memdup(a, content, clen);
			u->len = clen;
		} else {
			char *v = arena_strndup(a, content, clen);
			if (!utf8_valid(v, clen)) {
				snprintf(err, cap, "field %s is not UTF-8", name);
				return -1;
			}
			if (nfields >= MAX_FIELDS) {
				snprintf(err, cap, "too many fields");
				return -1;
			}
			kv_push(a, &fields, &nfields, &capf, name, v, clen);
		}
		p = next + 2 + dlen;
	}
	*fields_r = fields;
	*nfields_r = nfields;
	*files_r = files;
	*nfiles_r = nfiles;
	return 0;
}

/* ---- JSON bodies ---- */

/* An array of strings and whole numbers only. */
static bool scalars(json_t *arr)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
		if (!json_is_string(e) && !json_is_integer(e))
			return false;
	return true;
}

int form_from_json(struct arena *a, const char *body, size_t n,
		   struct kv **out_r, size_t *n_r, json_t **json_r)
{
	json_error_t jerr;
	json_t *j, *v;
	const char *k;
	struct kv *kv;
	size_t i = 0;

	j = json_loadb(body, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		return -1;
	}
	arena_defer(a, (void (*)(void *))json_decref, j);
	if (json_object_size(j) > MAX_FIELDS)
		return -1;
	{
		/* room for every member, and for each item of an array */
		size_t room = json_object_size(j) + 1;
		json_object_foreach(j, k, v)
			room += json_array_size(v);
		if (room > 4 * MAX_FIELDS)
			return -1;
		kv = arena_alloc(a, room * sizeof(*kv));
	}
	json_object_foreach(j, k, v) {
		const char *s;

		if (!utf8_valid(k, strlen(k)))
			return -1;
		if (json_is_array(v) && scalars(v)) {
			/* [1, 2] is the field sent twice, as a form repeats
			 * a name: a multi field takes it, another refuses it
			 * (never silently dropped, so never taken for "not
			 * sent") */
			size_t x;
			json_t *e;
			json_array_foreach(v, x, e) {
				s = json_is_string(e)
					    ? json_string_value(e)
					    : arena_printf(a, "%" JSON_INTEGER_FORMAT,
							   json_integer_value(e));
				if (json_is_string(e) &&
				    strlen(s) != json_string_length(e))
					return -1;
				kv[i].key = k;
				kv[i].value = s;
				kv[i].len = strlen(s);
				i++;
			}
			continue;
		}
		if (json_is_string(v)) {
			s = json_string_value(v);
			if (strlen(s) != json_string_length(v))
				return -1; /* an embedded NUL */
		} else if (json_is_integer(v)) {
			s = arena_printf(a, "%" JSON_INTEGER_FORMAT,
					 json_integer_value(v));
		} else if (json_is_true(v)) {
			s = "true";
		} else if (json_is_false(v)) {
			s = "false";
		} else if (json_is_null(v)) {
			s = "";
		} else {
			continue; /* arrays, objects, reals: the handler's */
		}
		kv[i].key = k;
		kv[i].value = s;
		kv[i].len = strlen(s);
		i++;
	}
	*out_r = kv;
	*n_r = i;
	*json_r = j;
	return 0;
}

/* ---- validation against declared fields ---- */

static size_t default_max(enum field_type t)
{
	switch (t) {
	case F_LINE: return 200;
	case F_TEXT: return 20000;
	case F_SECRET: return 1024;
	case F_EMAIL: return 254;
	case F_INT: return 20;
	case F_BOOL: return 8;
	case F_TOKEN: return 256;
	case F_FILE: return SIZE_MAX;
	}
	return 200;
}

static bool is_token(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		      *s == '.'))
			return false;
	return true;
}

static char *trimmed(struct arena *a, const char *v)
{
	return str_trim(arena_strdup(a, v));
}

/* Why a non-empty value of d is refused, or NULL when it is well-formed. */
static const char *value_refused(const struct field *d, const char *v,
				 size_t len)
{
	int64_t num;

	switch (d->type) {
	case F_LINE:
	case F_SECRET:
		return text_is_line(v, len) ? NULL
					    : N_("holds characters that are not allowed");
	case F_TEXT:
		return text_is_block(v, len) ? NULL
					     : N_("holds characters that are not allowed");
	case F_EMAIL:
		return email_plausible(v) ? NULL : N_("is not an email address");
	case F_INT:
		return str_to_i64(v, &num) == 0 ? NULL
						: N_("is not a whole number");
	case F_BOOL:
		return strcmp(v, "on") == 0 || strcmp(v, "1") == 0 ||
				       strcmp(v, "true") == 0 ||
				       strcmp(v, "0") == 0 || strcmp(v, "false") == 0
			       ? NULL
			       : N_("is not yes or no");
	case F_TOKEN:
		return is_token(v) ? NULL
				   : N_("holds characters that are not allowed");
	case F_FILE:
		break;
	}
	return NULL;
}

/* Notes that field d was refused, for why. */
static void refuse(struct arena *a, struct field_error **errs, size_t *n,
		   size_t *cap, const struct field *d, const char *why)
{
	*errs = arena_grow(a, *errs, *n, cap, sizeof(**errs));
	(*errs)[*n].field = d;
	(*errs)[(*n)++].msgid = why;
}

int form_check(struct arena *a, const struct field *decl, struct kv **kvp,
	       size_t *nkv, const struct upload *files, size_t nfiles,
	       const struct field **bad_r, const char **msgid_r,
	       struct field_error **errs_r, size_t *nerrs_r)
{
	struct kv *kv = *kvp;
	struct field_error *errs = NULL;
	size_t nerrs = 0, caperrs = 0;
	static const struct field csrf_field = {.name = "_csrf",
						.type = F_TOKEN};

	/* every submitted name must be declared, once unless multi */
	for (size_t i = 0; i < *nkv; i++) {
		const struct field *f = NULL;

		if (strcmp(kv[i].key, "_csrf") == 0) {
			f = &csrf_field;
		} else {
			for (const struct field *d = decl; d && d->name; d++)
				if (strcmp(d->name, kv[i].key) == 0 &&
				    d->type != F_FILE)
					f = d;
		}
		if (!f) {
			struct field *unk = arena_alloc(a, sizeof(*unk));
			unk->name = kv[i].key;
			*bad_r = unk;
			*msgid_r = N_("is not a field of this form");
			return -1;
		}
		if (!f->multi)
			for (size_t j = 0; j < i; j++)
				if (strcmp(kv[j].key, kv[i].key) == 0) {
					*bad_r = f;
					*msgid_r = N_("was sent more than once");
					return -1;
				}
	}
	for (size_t i = 0; i < nfiles; i++) {
		const struct field *f = NULL;
		for (const struct field *d = decl; d && d->name; d++)
			if (strcmp(d->name, files[i].field) == 0 &&
			    d->type == F_FILE)
				f = d;
		if (!f) {
			struct field *unk = arena_alloc(a, sizeof(*unk));
			unk->name = files[i].field;
			*bad_r = unk;
			*msgid_r = N_("is not a field of this form");
			return -1;
		}
	}
	/* each declared field: present when required, well-formed; one
	 * reason per field, every field looked at */
	for (const struct field *d = decl; d && d->name; d++) {
		size_t max = d->max_len ? d->max_len : default_max(d->type);
		const char *why = NULL;
		bool seen = false;

		for (size_t i = 0; d->type == F_FILE && i < nfiles; i++) {
			if (strcmp(files[i].field, d->name) != 0)
				continue;
			seen = files[i].len > 0 || files[i].filename[0];
			if (files[i].len > max)
				why = N_("is too long");
		}
		for (size_t i = 0; d->type != F_FILE && i < *nkv; i++) {
			if (strcmp(kv[i].key, d->name) != 0)
				continue;
			if (d->type != F_SECRET) {
				kv[i].value = trimmed(a, kv[i].value);
				kv[i].len = strlen(kv[i].value);
			}
			if (kv[i].len == 0)
				continue; /* empty counts as absent */
			seen = true;
			if (!why)
				why = kv[i].len > max ? N_("is too long")
						      : value_refused(d, kv[i].value,
								      kv[i].len);
		}
		if (!why && d->required && !seen && d->type != F_BOOL)
			why = N_("is required");
		if (why)
			refuse(a, &errs, &nerrs, &caperrs, d, why);
	}
	*kvp = kv;
	*errs_r = errs;
	*nerrs_r = nerrs;
	return nerrs ? 1 : 0;
}

int form_validate(struct arena *a, const struct field *decl, struct kv **kvp,
		  size_t *nkv, const struct upload *files, size_t nfiles,
		  const struct field **bad_r, const char **msgid_r)
{
	struct field_error *errs;
	size_t nerrs;
	int rc = form_check(a, decl, kvp, nkv, files, nfiles, bad_r, msgid_r,
			    &errs, &nerrs);

	if (rc == 1) {
		*bad_r = errs[0].field;
		*msgid_r = errs[0].msgid;
		return -1;
	}
	return rc;
}
