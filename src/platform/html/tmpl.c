/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The template engine (see tmpl.h): a compiler that turns source into a
 * tree of nodes while tracking the HTML context of every substitution, and
 * a renderer that walks the tree over jansson data, escaping by default.
 */
#include "tmpl.h"
#include "platform/core/assets.h"
#include "platform/i18n/i18n.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 32   /* nested sections in one template */
#define MAX_STACK 64   /* data contexts while rendering */
#define MAX_PARTIAL 8  /* partials within partials */

enum node_kind {
	N_TEXT,
	N_VAR,     /* escaped for text or attribute */
	N_URL,     /* URL-checked, then escaped */
	N_RAW,     /* unescaped */
	N_SECTION,
	N_INVERTED,
	N_PARTIAL,
	N_TRANS,
};

struct node {
	enum node_kind kind;
	char *text; /* N_TEXT bytes, N_PARTIAL name, N_TRANS msgid */
	size_t len;
	char **path; /* N_VAR/N_URL/N_RAW/N_SECTION/N_INVERTED; NULL = "." */
	int npath;
	struct node *kids;
	size_t nkids, capkids;
};

struct tmpl {
	struct node root;
};

/* ---- HTML context tracking ---- */

enum hstate {
	H_TEXT,
	H_TAG_NAME,
	H_TAG,
	H_ATTR_NAME,
	H_AFTER_NAME,
	H_BEFORE_VALUE,
	H_VALUE_DQ,
	H_VALUE_SQ,
	H_VALUE_UQ,
	H_COMMENT,
	H_RAWTEXT,
	H_ENDTAG,
};

struct hctx {
	enum hstate st;
	char tag[16];
	size_t taglen;
	char attr[32];
	size_t attrlen;
	size_t valuelen; /* bytes of the current attribute value so far */
	char raw_end[16]; /* "script" or "style" while in H_RAWTEXT */
};

static void tag_end(struct hctx *h)
{
	h->tag[h->taglen] = '\0';
	if (strcmp(h->tag, "script") == 0 || strcmp(h->tag, "style") == 0) {
		strcpy(h->raw_end, h->tag);
		h->st = H_RAWTEXT;
	} else {
		h->st = H_TEXT;
	}
}

static void attr_push(struct hctx *h, char c)
{
	if (h->attrlen < sizeof(h->attr) - 1)
		h->attr[h->attrlen++] = (char)tolower((unsigned char)c);
	h->attr[h->attrlen] = '\0';
}

/* Advances the context over literal template text. */
static void hctx_feed(struct hctx *h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int sp = c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
			 c == '\f';

		switch (h->st) {
		case H_TEXT:
			if (c != '<')
				break;
			if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
				h->st = H_COMMENT;
				i += 3;
			} else if (i + 1 < n && s[i + 1] == '/') {
				h->st = H_ENDTAG;
			} else if (i + 1 < n && isalpha((unsigned char)s[i + 1])) {
				h->st = H_TAG_NAME;
				h->taglen = 0;
			}
			break;
		case H_TAG_NAME:
			if (sp) {
				h->st = H_TAG;
			} else if (c == '>') {
				tag_end(h);
			} else if (c == '/') {
				h->st = H_TAG;
			} else if (h->taglen < sizeof(h->tag) - 1) {
				h->tag[h->taglen++] =
					(char)tolower((unsigned char)c);
			}
			h->tag[h->taglen] = '\0';
			break;
		case H_TAG:
			if (c == '>') {
				tag_end(h);
			} else if (!sp && c != '/') {
				h->st = H_ATTR_NAME;
				h->attrlen = 0;
				attr_push(h, c);
			}
			break;
		case H_ATTR_NAME:
			if (c == '=')
				h->st = H_BEFORE_VALUE;
			else if (sp)
				h->st = H_AFTER_NAME;
			else if (c == '>')
				tag_end(h);
			else
				attr_push(h, c);
			break;
		case H_AFTER_NAME:
			if (c == '=') {
				h->st = H_BEFORE_VALUE;
			} else if (c == '>') {
				tag_end(h);
			} else if (!sp) {
				h->st = H_ATTR_NAME;
				h->attrlen = 0;
				attr_push(h, c);
			}
			break;
		case H_BEFORE_VALUE:
			h->valuelen = 0;
			if (c == '"')
				h->st = H_VALUE_DQ;
			else if (c == '\'')
				h->st = H_VALUE_SQ;
			else if (c == '>')
				tag_end(h);
			else if (!sp)
				h->st = H_VALUE_UQ;
			break;
		case H_VALUE_DQ:
			if (c == '"')
				h->st = H_TAG;
			else
				h->valuelen++;
			break;
		case H_VALUE_SQ:
			if (c == '\'')
				h->st = H_TAG;
			break;
		case H_VALUE_UQ:
			if (sp)
				h->st = H_TAG;
			else if (c == '>')
				tag_end(h);
			break;
		case H_COMMENT:
			if (n - i >= 3 && memcmp(s + i, "-->", 3) == 0) {
				h->st = H_TEXT;
				i += 2;
			}
			break;
		case H_RAWTEXT: {
			size_t k = strlen(h->raw_end);
			if (c == '<' && n - i >= k + 2 && s[i + 1] == '/' &&
			    strncasecmp(s + i + 2, h->raw_end, k) == 0)
				h->st = H_ENDTAG;
			break;
		}
		case H_ENDTAG:
			if (c == '>')
				h->st = H_TEXT;
			break;
		}
	}
}

static int is_url_attr(const char *a)
{
	static const char *const urls[] = {"href",   "src",	"action",
					   "formaction", "poster", "cite",
					   "background", "xlink:href"};
	for (size_t i = 0; i < ARRAY_LEN(urls); i++)
		if (strcmp(a, urls[i]) == 0)
			return 1;
	return 0;
}

/* Decides how a substitution is escaped where it stands; -1 when it may
 * not stand there at all (reason in *why). */
static int subst_kind(struct hctx *h, int raw, const char **why)
{
	switch (h->st) {
	case H_TEXT:
		return raw ? N_RAW : N_VAR;
	case H_VALUE_DQ:
		if (raw) {
			*why = "raw output inside an attribute";
			return -1;
		}
		if (strncmp(h->attr, "on", 2) == 0 || strcmp(h->attr, "style") == 0 ||
		    strcmp(h->attr, "srcdoc") == 0) {
			*why = "a value inside an event handler, style or srcdoc "
			       "attribute";
			return -1;
		}
		if (is_url_attr(h->attr) && h->valuelen == 0) {
			h->valuelen++;
			return N_URL;
		}
		h->valuelen++;
		return N_VAR;
	case H_RAWTEXT:
		*why = "a value inside <script> or <style>";
		return -1;
	case H_COMMENT:
		*why = "a value inside an HTML comment";
		return -1;
	default:
		*why = "a value inside a tag outside a double-quoted attribute";
		return -1;
	}
}

/* ---- compiler ---- */

struct compiler {
	const char *src;
	size_t n, pos;
	int line;
	char *err;
	size_t cap;
	struct hctx h;
};

static struct node *node_add(struct node *parent, enum node_kind kind)
{
	struct node *k;

	if (parent->nkids == parent->capkids) {
		parent->capkids = parent->capkids ? parent->capkids * 2 : 8;
		parent->kids =
			xrealloc(parent->kids, parent->capkids * sizeof(*k));
	}
	k = &parent->kids[parent->nkids++];
	memset(k, 0, sizeof(*k));
	k->kind = kind;
	return k;
}

static void node_clear(struct node *nd)
{
	for (size_t i = 0; i < nd->nkids; i++)
		node_clear(&nd->kids[i]);
	free(nd->kids);
	for (int i = 0; i < nd->npath; i++)
		free(nd->path[i]);
	free(nd->path);
	free(nd->text);
}

static int fail(struct compiler *c, const char *fmt, const char *arg)
{
	char msg[200];

	snprintf(msg, sizeof(msg), fmt, arg ? arg : "");
	snprintf(c->err, c->cap, "line %d: %s", c->line, msg);
	return -1;
}

static int valid_name_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '-' || ch == '.' ||
	       ch == '/' || ch == '@';
}

/* Splits "a.b.c" into a path; "." alone is the current element. */
static int set_path(struct compiler *c, struct node *nd, const char *name)
{
	const char *p = name;

	if (!*name)
		return fail(c, "empty name", NULL);
	for (const char *q = name; *q; q++)
		if (!valid_name_char(*q) || *q == '/')
			return fail(c, "bad character in name '%s'", name);
	if (strcmp(name, ".") == 0)
		return 0;
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t k = dot ? (size_t)(dot - p) : strlen(p);
		if (k == 0)
			return fail(c, "bad name '%s'", name);
		nd->path = xrealloc(nd->path, (size_t)(nd->npath + 1) *
						      sizeof(char *));
		nd->path[nd->npath++] = xstrndup(p, k);
		p += k;
		if (*p == '.')
			p++;
	}
	return 0;
}

static void add_text(struct compiler *c, struct node *parent, const char *s,
		     size_t n)
{
	struct node *t;

	if (n == 0)
		return;
	hctx_feed(&c->h, s, n);
	t = node_add(parent, N_TEXT);
	t->text = xstrndup(s, n);
	t->len = n;
}

/* Parses a translation literal: "..." with \" and \\ escapes. */
static int parse_msgid(struct compiler *c, const char *s, char **out)
{
	struct buf b;

	while (*s == ' ')
		s++;
	if (*s != '"')
		return fail(c, "{{_ wants a quoted string", NULL);
	buf_init(&b);
	for (s++; *s && *s != '"'; s++) {
		if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
			s++;
		buf_putc(&b, *s);
	}
	if (*s != '"') {
		buf_free(&b);
		return fail(c, "unterminated string in {{_", NULL);
	}
	for (s++; *s == ' '; s++)
		;
	if (*s) {
		buf_free(&b);
		return fail(c, "unexpected text after the string in {{_", NULL);
	}
	*out = buf_steal(&b, NULL);
	return 0;
}

/* Compiles until {{/name}} (or the end when name is NULL). */
static int compile_block(struct compiler *c, struct node *parent,
			 const char *close, int depth)
{
	if (depth > MAX_DEPTH)
		return fail(c, "sections nested too deeply", NULL);
	while (c->pos < c->n) {
		const char *start = c->src + c->pos;
		const char *open = memmem(start, c->n - c->pos, "{{", 2);
		size_t textlen = open ? (size_t)(open - start) : c->n - c->pos;
		const char *end;
		char *tag;
		size_t taglen;
		int triple = 0;

		for (size_t i = 0; i < textlen; i++)
			if (start[i] == '\n')
				c->line++;
		add_text(c, parent, start, textlen);
		c->pos += textlen;
		if (!open)
			break;
		end = memmem(open + 2, c->n - c->pos - 2, "}}", 2);
		if (!end)
			return fail(c, "unclosed {{", NULL);
		if (open[2] == '{')
			triple = 1;
		taglen = (size_t)(end - open - 2);
		tag = xstrndup(open + 2, taglen);
		for (size_t i = 0; i < taglen; i++)
			if (tag[i] == '\n')
				c->line++;
		c->pos += taglen + 4;
		if (triple) {
			free(tag);
			return fail(c, "{{{ }}} is not supported: use {{raw name}}",
				    NULL);
		}
		str_trim(tag);

		int rc = 0;
		const char *why = NULL;
		if (tag[0] == '!') {
			/* comment */
		} else if (tag[0] == '#' || tag[0] == '^') {
			struct node *s = node_add(
				parent, tag[0] == '#' ? N_SECTION : N_INVERTED);
			char *name = str_trim(tag + 1);
			rc = set_path(c, s, name);
			if (rc == 0)
				rc = compile_block(c, s, name, depth + 1);
		} else if (tag[0] == '/') {
			char *name = str_trim(tag + 1);
			if (!close || strcmp(name, close) != 0) {
				rc = fail(c, "unexpected {{/%s}}", name);
			} else {
				free(tag);
				return 0;
			}
		} else if (tag[0] == '>') {
			char *name = str_trim(tag + 1);
			struct node *p;
			if (c->h.st != H_TEXT) {
				rc = fail(c, "partial '%s' inside a tag", name);
			} else if (!*name) {
				rc = fail(c, "partial without a name", NULL);
			} else {
				p = node_add(parent, N_PARTIAL);
				p->text = xstrdup(name);
			}
		} else if (tag[0] == '_' && (tag[1] == ' ' || tag[1] == '"')) {
			char *msgid = NULL;
			rc = parse_msgid(c, tag + 1, &msgid);
			if (rc == 0) {
				int k = subst_kind(&c->h, 0, &why);
				if (k < 0) {
					free(msgid);
					rc = fail(c, "%s", why);
				} else {
					struct node *t = node_add(parent, N_TRANS);
					t->text = msgid;
				}
			}
		} else if (strncmp(tag, "raw ", 4) == 0) {
			int k = subst_kind(&c->h, 1, &why);
			if (k < 0) {
				rc = fail(c, "%s", why);
			} else {
				struct node *v = node_add(parent, N_RAW);
				rc = set_path(c, v, str_trim(tag + 4));
			}
		} else {
			int k = subst_kind(&c->h, 0, &why);
			if (k < 0) {
				rc = fail(c, "%s", why);
			} else {
				struct node *v = node_add(parent, (enum node_kind)k);
				rc = set_path(c, v, tag);
			}
		}
		free(tag);
		if (rc != 0)
			return rc;
	}
	if (close)
		return fail(c, "{{#%s}} is never closed", close);
	return 0;
}

struct tmpl *tmpl_compile(const char *src, size_t n, char *err, size_t cap)
{
	struct compiler c = {.src = src, .n = n, .line = 1, .err = err,
			     .cap = cap};
	struct tmpl *t = xcalloc(1, sizeof(*t));

	if (!utf8_valid(src, n)) {
		snprintf(err, cap, "line 1: the template is not valid UTF-8");
		free(t);
		return NULL;
	}
	if (compile_block(&c, &t->root, NULL, 0) != 0) {
		tmpl_free(t);
		return NULL;
	}
	return t;
}

void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	node_clear(&t->root);
	free(t);
}

/* ---- rendering ---- */

struct render {
	json_t *stack[MAX_STACK];
	int depth;
	const char *lang;
	tmpl_resolver partials;
	int partial_depth;
	struct buf *out;
	char *err;
	size_t cap;
};

void html_escape(struct buf *out, const char *s, size_t n)
{
	size_t run = 0;

	buf_reserve(out, n);
	for (size_t i = 0; i < n; i++) {
		const char *rep = NULL;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: break;
		}
		if (rep) {
			buf_append(out, s + run, i - run);
			buf_puts(out, rep);
			run = i + 1;
		}
	}
	buf_append(out, s + run, n - run);
}

int url_is_safe(const char *s)
{
	const char *colon = strchr(s, ':');
	const char *stop = strpbrk(s, "/?#");

	/* protocol-relative "//host" leaves the site */
	if (s[0] == '/' && (s[1] == '/' || s[1] == '\\'))
		return 0;
	/* no scheme: a relative URL */
	if (!colon || (stop && stop < colon))
		return 1;
	return strncasecmp(s, "http:", 5) == 0 ||
	       strncasecmp(s, "https:", 6) == 0 ||
	       strncasecmp(s, "mailto:", 7) == 0;
}

static json_t *resolve(struct render *r, char **path, int npath)
{
	json_t *v = NULL;

	if (!path)
		return r->depth > 0 ? r->stack[r->depth - 1] : NULL;
	if (npath < 1)
		return NULL;
	for (int i = r->depth - 1; i >= 0 && !v; i--)
		if (json_is_object(r->stack[i]))
			v = json_object_get(r->stack[i], path[0]);
	for (int k = 1; v && k < npath; k++)
		v = json_is_object(v) ? json_object_get(v, path[k]) : NULL;
	return v;
}

static int truthy(json_t *v)
{
	if (!v)
		return 0;
	switch (json_typeof(v)) {
	case JSON_NULL:
	case JSON_FALSE:
		return 0;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0.0;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	default:
		return 1;
	}
}

/* The text of a scalar, into tmp when it must be formatted. */
static const char *scalar_text(json_t *v, char *tmp, size_t cap, size_t *n)
{
	const char *s = "";

	if (json_is_string(v)) {
		*n = json_string_length(v);
		return json_string_value(v);
	}
	if (json_is_integer(v)) {
		snprintf(tmp, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = tmp;
	} else if (json_is_real(v)) {
		snprintf(tmp, cap, "%g", json_real_value(v));
		s = tmp;
	} else if (json_is_true(v)) {
		s = "true";
	} else if (json_is_false(v)) {
		s = "false";
	}
	*n = strlen(s);
	return s;
}

static void emit_value(struct render *r, json_t *v, enum node_kind kind)
{
	char tmp[64];
	size_t n;
	const char *s;

	if (!v)
		return;
	s = scalar_text(v, tmp, sizeof(tmp), &n);
	if (kind == N_RAW) {
		buf_append(r->out, s, n);
	} else if (kind == N_URL) {
		if (memchr(s, '\0', n) || !url_is_safe(s))
			buf_putc(r->out, '#');
		else
			html_escape(r->out, s, n);
	} else {
		html_escape(r->out, s, n);
	}
}

/* Translated text with {name} placeholders filled from the data. */
static void emit_trans(struct render *r, const char *msgid)
{
	const char *t = tr(r->lang, msgid);
	const char *p = t;

	while (*p) {
		const char *open = strchr(p, '{');
		const char *close;
		size_t k;

		if (!open) {
			html_escape(r->out, p, strlen(p));
			break;
		}
		html_escape(r->out, p, (size_t)(open - p));
		close = strchr(open + 1, '}');
		k = close ? (size_t)(close - open - 1) : 0;
		int ok = close && k > 0 && k < 64;
		for (size_t i = 0; ok && i < k; i++)
			ok = isalnum((unsigned char)open[1 + i]) ||
			     open[1 + i] == '_' || open[1 + i] == '.';
		if (!ok) {
			buf_putc(r->out, '{');
			p = open + 1;
			continue;
		}
		char name[64], *path[8];
		int np = 0;
		memcpy(name, open + 1, k);
		name[k] = '\0';
		char *save = NULL;
		for (char *tok = strtok_r(name, ".", &save); tok && np < 8;
		     tok = strtok_r(NULL, ".", &save))
			path[np++] = tok;
		if (np == 0) {
			/* "{.}" or "{..}" names nothing: it is text */
			buf_putc(r->out, '{');
			p = open + 1;
			continue;
		}
		emit_value(r, resolve(r, path, np), N_VAR);
		p = close + 1;
	}
}

static int render_nodes(struct render *r, const struct node *parent);

static int push(struct render *r, json_t *v)
{
	if (r->depth >= MAX_STACK) {
		snprintf(r->err, r->cap, "data nested too deeply");
		return -1;
	}
	r->stack[r->depth++] = v;
	return 0;
}

static int render_node(struct render *r, const struct node *nd)
{
	json_t *v;
	int rc = 0;

	switch (nd->kind) {
	case N_TEXT:
		buf_append(r->out, nd->text, nd->len);
		break;
	case N_VAR:
	case N_URL:
	case N_RAW:
		v = resolve(r, nd->path, nd->npath);
		if (v && !json_is_object(v) && !json_is_array(v))
			emit_value(r, v, nd->kind);
		break;
	case N_TRANS:
		emit_trans(r, nd->text);
		break;
	case N_INVERTED:
		if (!truthy(resolve(r, nd->path, nd->npath)))
			rc = render_nodes(r, nd);
		break;
	case N_SECTION:
		v = resolve(r, nd->path, nd->npath);
		if (!truthy(v))
			break;
		if (json_is_array(v)) {
			size_t i;
			json_t *el;
			json_array_foreach(v, i, el) {
				if (push(r, el) != 0)
					return -1;
				rc = render_nodes(r, nd);
				r->depth--;
				if (rc != 0)
					return rc;
			}
		} else {
			if (push(r, v) != 0)
				return -1;
			rc = render_nodes(r, nd);
			r->depth--;
		}
		break;
	case N_PARTIAL: {
		const struct tmpl *p = r->partials ? r->partials(nd->text) : NULL;
		if (!p) {
			snprintf(r->err, r->cap, "no template '%s' for a partial",
				 nd->text);
			return -1;
		}
		if (r->partial_depth >= MAX_PARTIAL) {
			snprintf(r->err, r->cap, "partials nested too deeply");
			return -1;
		}
		r->partial_depth++;
		rc = render_nodes(r, &p->root);
		r->partial_depth--;
		break;
	}
	}
	return rc;
}

static int render_nodes(struct render *r, const struct node *parent)
{
	for (size_t i = 0; i < parent->nkids; i++)
		if (render_node(r, &parent->kids[i]) != 0)
			return -1;
	return 0;
}

int tmpl_render(const struct tmpl *t, json_t *data, const char *lang,
		tmpl_resolver partials, struct buf *out, char *err, size_t cap)
{
	struct render r = {.lang = lang ? lang : "en", .partials = partials,
			   .out = out, .err = err, .cap = cap};

	r.stack[r.depth++] = data;
	return render_nodes(&r, &t->root);
}

static void each_msgid(const struct node *nd, void (*fn)(const char *, void *),
		       void *arg)
{
	if (nd->kind == N_TRANS)
		fn(nd->text, arg);
	for (size_t i = 0; i < nd->nkids; i++)
		each_msgid(&nd->kids[i], fn, arg);
}

void tmpl_each_msgid(const struct tmpl *t, void (*fn)(const char *, void *),
		     void *arg)
{
	each_msgid(&t->root, fn, arg);
}

/* ---- embedded templates ---- */

struct named {
	const char *name; /* "auth/login" (points into the asset name) */
	struct tmpl *t;
};

static struct named *loaded;
static size_t nloaded;

int tmpl_load_all(char *err, size_t cap)
{
	size_t count, first = asset_range("tmpl/", &count);

	if (loaded)
		return 0;
	loaded = xcalloc(count + 1, sizeof(*loaded));
	for (size_t i = first; i < first + count; i++) {
		const struct asset *a = &assets_table[i];
		char msg[256];
		struct tmpl *t = tmpl_compile((const char *)a->data, a->len, msg,
					      sizeof(msg));
		if (!t) {
			snprintf(err, cap, "template %s: %s", a->name + 5, msg);
			return -1;
		}
		loaded[nloaded].name = a->name + 5;
		loaded[nloaded].t = t;
		nloaded++;
	}
	return 0;
}

const struct tmpl *tmpl_get(const char *name)
{
	size_t lo = 0, hi = nloaded;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(loaded[mid].name, name);
		if (c == 0)
			return loaded[mid].t;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
