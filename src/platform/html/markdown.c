/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Markdown through cmark with its safe defaults (markdown.h). cmark is
 * the library; this file only chooses its options and walks its
 * top-level blocks.
 */
#include "markdown.h"

#include <cmark.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* never CMARK_OPT_UNSAFE: raw HTML and javascript: links stay out */
#define MD_OPTS (CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SMART)

static cmark_node *parse(const char *text)
{
	return cmark_parse_document(text ? text : "", text ? strlen(text) : 0,
				    MD_OPTS);
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
	cmark_node *doc = parse(text);
	char *r = render(a, doc);

	cmark_node_free(doc);
	return r;
}

/* Is line n (1-based) of text blank? */
static bool blank_line(const char *text, int n)
{
	const char *p = text;

	for (int i = 1; i < n && p; i++)
		if ((p = strchr(p, '\n')))
			p++;
	if (!p)
		return true;
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	return *p == '\n' || *p == '\0';
}

size_t md_blocks(struct arena *a, const char *text, struct md_block **out_r)
{
	cmark_node *doc = parse(text);
	size_t n = 0, i = 0;
	struct md_block *v;

	for (cmark_node *b = cmark_node_first_child(doc); b; b = cmark_node_next(b))
		n++;
	v = arena_alloc(a, (n ? n : 1) * sizeof(*v));
	for (cmark_node *b = cmark_node_first_child(doc); b; b = cmark_node_next(b)) {
		v[i].first_line = cmark_node_get_start_line(b);
		v[i].last_line = cmark_node_get_end_line(b);
		/* a list ends where the blank line after it does */
		while (v[i].last_line > v[i].first_line &&
		       blank_line(text, v[i].last_line))
			v[i].last_line--;
		v[i].html = render(a, b);
		i++;
	}
	cmark_node_free(doc);
	*out_r = v;
	return n;
}
