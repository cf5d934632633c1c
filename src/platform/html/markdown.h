/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * markdown: CommonMark (cmark) to HTML for what people write (motions,
 * statements, articles). Raw HTML is never passed through and never
 * hidden either: it shows as the literal text it is; a line that would
 * be a link reference definition (which renders as nothing) is read as
 * text; an image is a link to it; links with a dangerous scheme
 * (javascript:, data:) lose their target. What is stored is what a
 * reader sees. The result is the one thing a page prints unescaped
 * ({{raw ...}}).
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
