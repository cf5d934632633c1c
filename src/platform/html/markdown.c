/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Markdown through cmark with its safe defaults (markdown.h). cmark is
 * the library; this file chooses its options, walks its top-level blocks
 * and makes sure that nothing written is hidden from the reader: a text
 * that is voted on must read as it is stored. cmark's safe mode drops
 * raw HTML (a comment would hide a clause) and a link reference
 * definition renders as nothing (its title would hide one), and a link's
 * title is a tooltip no phone shows: raw HTML is shown as the literal
 * text it is, a line that would be read as a definition is read as text
 * (code in a fence is left as it is), a title is written out after its
 * link's text, and an image is a link to it (no page loads anything
 * from elsewhere).
 */
#include "markdown.h"

#include <cmark.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* never CMARK_OPT_UNSAFE: raw HTML and javascript: links stay out */
#define MD_OPTS (CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SMART)

/* After a line's container markers (up to three spaces, "> ", a list
 * item's marker): where its content starts. */
static const char *content_of(const char *p, const char *end)
{
	for (;;) {
		const char *q = p;
		int sp = 0;
		while (q < end && *q == ' ' && sp < 3)
			q++, sp++;
		if (q < end && *q == '>') {
			p = q + 1;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			continue;
		}
		if (q + 1 < end && (*q == '-' || *q == '*' || *q == '+') &&
		    (q[1] == ' ' || q[1] == '\t')) {
			p = q + 2;
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			continue;
		}
		{
			const char *d = q;
			while (d < end && *d >= '0' && *d <= '9' && d - q < 9)
				d++;
			if (d > q && d + 1 < end && (*d == '.' || *d == ')') &&
			    (d[1] == ' ' || d[1] == '\t')) {
				p = d + 2;
				while (p < end && (*p == ' ' || *p == '\t'))
					p++;
				continue;
			}
		}
		return q;
	}
}

/* Would cmark read the line at [p, end) as (the start of) a link
 * reference definition: "[label]:" or a "[" whose label goes on? */
static bool definition_like(const char *p, const char *end)
{
	if (p >= end || *p != '[')
		return false;
	/* the label's end: the first "]" not escaped */
	for (const char *q = p + 1; q < end; q++) {
		if (*q == '\\' && q + 1 < end) {
			q++;
			continue;
		}
		if (*q == ']')
			return q + 1 < end && q[1] == ':';
	}
	return true; /* a label going on to the next line */
}

/* Does the line at p open or close a fence ("```", "~~~")? */
static bool fence_line(const char *p, const char *end)
{
	int sp = 0;

	while (p < end && *p == ' ' && sp < 3)
		p++, sp++;
	return end - p >= 3 && (strncmp(p, "```", 3) == 0 || strncmp(p, "~~~", 3) == 0);
}

/* text with a backslash before the "[" of every line cmark would take
 * for a link reference definition (arena; the lines stay where they
 * are). */
static const char *no_definitions(struct arena *a, const char *text)
{
	struct buf b;
	const char *p = text, *r;

	bool fenced = false;

	buf_init(&b);
	while (*p) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);
		const char *c = content_of(p, end);
		/* code is code: a line in a fence is shown as it is */
		if (fence_line(c, end))
			fenced = !fenced;
		if (!fenced && definition_like(c, end)) {
			buf_append(&b, p, (size_t)(c - p));
			buf_putc(&b, '\\');
			buf_append(&b, c, (size_t)(end - c));
		} else {
			buf_append(&b, p, (size_t)(end - p));
		}
		if (nl)
			buf_putc(&b, '\n');
		p = nl ? nl + 1 : end;
	}
	r = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}

/* from's title, if any, written after the text of link (a link). */
static void title_shown(cmark_node *from, cmark_node *link)
{
	const char *title = cmark_node_get_title(from);
	cmark_node *txt;
	char *shown;

	if (!title || !*title)
		return;
	txt = cmark_node_new(CMARK_NODE_TEXT);
	shown = xmalloc(strlen(title) + 4);
	sprintf(shown, " (%s)", title);
	cmark_node_set_literal(txt, shown);
	free(shown);
	cmark_node_append_child(link, txt);
	cmark_node_set_title(link, "");
}

/* Raw HTML becomes the literal text it is (a code span, a code block);
 * an image becomes a link to it. */
static void visible(cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	cmark_node **later = NULL;
	size_t n = 0, cap = 0;

	/* collected first: the tree is not changed under the iterator */
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(node);
		if (ev != CMARK_EVENT_ENTER ||
		    (t != CMARK_NODE_HTML_BLOCK && t != CMARK_NODE_HTML_INLINE &&
		     t != CMARK_NODE_IMAGE && t != CMARK_NODE_LINK))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			later = xrealloc(later, cap * sizeof(*later));
		}
		later[n++] = node;
	}
	cmark_iter_free(it);
	for (size_t i = 0; i < n; i++) {
		cmark_node *node = later[i];
		cmark_node_type t = cmark_node_get_type(node);
		if (t == CMARK_NODE_LINK) {
			/* a link's title is a tooltip a phone never shows:
			 * written out after its text instead */
			title_shown(node, node);
			continue;
		}
		if (t == CMARK_NODE_IMAGE) {
			cmark_node *link = cmark_node_new(CMARK_NODE_LINK);
			cmark_node_set_url(link, cmark_node_get_url(node));
			while (cmark_node_first_child(node))
				cmark_node_append_child(link, cmark_node_first_child(node));
			title_shown(node, link);
			cmark_node_replace(node, link);
		} else {
			cmark_node *lit = cmark_node_new(t == CMARK_NODE_HTML_BLOCK
								 ? CMARK_NODE_CODE_BLOCK
								 : CMARK_NODE_CODE);
			cmark_node_set_literal(lit, cmark_node_get_literal(node));
			cmark_node_replace(node, lit);
		}
		cmark_node_free(node);
	}
	free(later);
}

/* text parsed, nothing in it hidden yet (visible() makes nodes without
 * source positions: read them first) */
static cmark_node *parse_only(struct arena *a, const char *text)
{
	const char *t = no_definitions(a, text ? text : "");

	return cmark_parse_document(t, strlen(t), MD_OPTS);
}

static cmark_node *parse(struct arena *a, const char *text)
{
	cmark_node *doc = parse_only(a, text);

	visible(doc);
	return doc;
}

static char *render(struct arena *a, cmark_node *n)
{
	char *html = cmark_render_html(n, MD_OPTS);
	char *r = arena_strdup(a, html ? html : "");

	free(html);
	return r;
}

char *md_html(struct arena *a, const char *text)
{
	cmark_node *doc = parse(a, text);
	char *r = render(a, doc);

	cmark_node_free(doc);
	return r;
}

size_t md_blocks(struct arena *a, const char *text, struct md_block **out_r)
{
	cmark_node *doc = parse_only(a, text);
	size_t n = 0, i = 0, nlines = 1;
	struct md_block *v;
	bool *blank;

	/* which lines are blank, read once */
	for (const char *p = text ? text : ""; *p; p++)
		nlines += *p == '\n';
	blank = arena_alloc(a, (nlines + 2) * sizeof(*blank));
	{
		size_t l = 1;
		bool only = true;
		for (const char *p = text ? text : "";; p++) {
			if (*p == '\n' || *p == '\0') {
				blank[l++] = only;
				only = true;
				if (!*p)
					break;
			} else if (*p != ' ' && *p != '\t' && *p != '\r') {
				only = false;
			}
		}
	}
	for (cmark_node *b = cmark_node_first_child(doc); b; b = cmark_node_next(b))
		n++;
	v = arena_alloc(a, (n ? n : 1) * sizeof(*v));
	for (cmark_node *b = cmark_node_first_child(doc); b; b = cmark_node_next(b)) {
		v[i].first_line = cmark_node_get_start_line(b);
		v[i].last_line = cmark_node_get_end_line(b);
		/* cmark may end an HTML block a line before it starts
		 * (fuzzing found "<?>" so): it covers its first line at least */
		if (v[i].last_line < v[i].first_line)
			v[i].last_line = v[i].first_line;
		/* a list ends where the blank line after it does */
		while (v[i].last_line > v[i].first_line &&
		       (size_t)v[i].last_line <= nlines && blank[v[i].last_line])
			v[i].last_line--;
		i++;
	}
	/* then made visible: a node replaced stands where it stood */
	visible(doc);
	i = 0;
	for (cmark_node *b = cmark_node_first_child(doc); b && i < n;
	     b = cmark_node_next(b))
		v[i++].html = render(a, b);
	cmark_node_free(doc);
	*out_r = v;
	return n;
}
