/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * markdown: CommonMark (cmark) to HTML for what people write (motions,
 * statements, articles). Raw HTML is never passed through (cmark's safe
 * default writes a comment in its place) and links or images with a
 * dangerous scheme (javascript:, data: but images) lose their target.
 * The result is the one thing a page prints unescaped ({{raw ...}}).
 */
#ifndef RUDDER_MARKDOWN_H
#define RUDDER_MARKDOWN_H

#include <stddef.h>

#include "platform/core/core.h"

/* text as HTML (arena-owned; "" for NULL or invalid UTF-8 replaced). */
char *md_html(struct arena *a, const char *text);

/* One top-level block of text: the source lines it covers (1-based,
 * inclusive) and its HTML. */
struct md_block {
	int first_line, last_line;
	const char *html;
};
/* The top-level blocks of text in order (arena array): how many. A
 * page shows each with its line numbers in the margin. */
size_t md_blocks(struct arena *a, const char *text, struct md_block **out_r);

#endif
