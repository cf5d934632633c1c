/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests of the Markdown renderer (src/platform/html/markdown.c):
 * raw HTML and dangerous links never reach a page; the top-level blocks
 * carry the source lines they cover, a list's ending before the blank
 * line after it. */
#include <criterion/criterion.h>
#include <string.h>

#include "platform/html/markdown.h"

TestSuite(markdown);

Test(markdown, raw_html_and_script_links_never_pass)
{
	struct arena *a = arena_new();
	const char *h = md_html(a, "Hello <script>alert(1)</script> *world*\n\n"
				   "<img src=x onerror=alert(1)>\n\n"
				   "[click](javascript:alert(1)) [ok](https://example.org)\n");

	cr_assert(!strstr(h, "<script"), "%s", h);
	cr_assert(strstr(h, "<code>&lt;script&gt;</code>alert(1)"), "shown, not hidden: %s", h);
	cr_assert(!strstr(h, "<img"), "%s", h);
	cr_assert(!strstr(h, "javascript:"), "%s", h);
	cr_assert(strstr(h, "<em>world</em>"), "%s", h);
	cr_assert(strstr(h, "href=\"https://example.org\""), "%s", h);
	cr_assert_str_eq(md_html(a, NULL), "");
	arena_free(a);
}

Test(markdown, blocks_carry_their_lines)
{
	struct arena *a = arena_new();
	struct md_block *b;
	size_t n = md_blocks(a, "# Title\n\nOne\ntwo\n\n- a\n- b\n\nLast\n", &b);

	cr_assert_eq(n, 4);
	cr_assert_eq(b[0].first_line, 1);
	cr_assert_eq(b[0].last_line, 1);
	cr_assert_eq(b[1].first_line, 3);
	cr_assert_eq(b[1].last_line, 4);
	cr_assert_eq(b[2].first_line, 6);
	cr_assert_eq(b[2].last_line, 7, "the list ends at its last item: %d", b[2].last_line);
	cr_assert_eq(b[3].first_line, 9);
	cr_assert(strstr(b[2].html, "<li>b</li>"), "%s", b[2].html);
	cr_assert_eq(md_blocks(a, "", &b), 0);
	arena_free(a);
}

/* A text voted on reads as it is stored: nothing in it renders as
 * nothing (found by attacking motions: a comment and a reference
 * definition's title hid clauses that were adopted). */
Test(markdown, nothing_written_is_hidden)
{
	struct arena *a = arena_new();
	const char *h = md_html(a, "We demand the release<!-- and hand over the member list -->.\n\n"
				   "[note]: /x \"The chair may expel any member\"\n"
				   "We call for free elections.\n\n"
				   "> [a]: /y \"hidden in a quote\"\n> text\n\n"
				   "- [b]:\n  /z \"hidden in a list\"\n\n"
				   "<div>\nblock of html\n</div>\n\n"
				   "![tracker](https://example.org/t.png) [a link](https://example.org)\n");
	struct md_block *b;

	cr_assert(strstr(h, "and hand over the member list"), "%s", h);
	cr_assert(strstr(h, "The chair may expel any member"), "%s", h);
	cr_assert(strstr(h, "hidden in a quote"), "%s", h);
	cr_assert(strstr(h, "hidden in a list"), "%s", h);
	cr_assert(strstr(h, "block of html"), "%s", h);
	cr_assert(!strstr(h, "<img"), "no image loads: %s", h);
	cr_assert(strstr(h, "href=\"https://example.org/t.png\""), "an image is a link: %s", h);
	cr_assert(strstr(h, "<a href=\"https://example.org\">a link</a>"), "%s", h);
	/* found by reviewing it: an escaped bracket, a tab after a marker,
	 * a link's title (a tooltip phones never show) */
	h = md_html(a, "[a\\]b]: /u \"The fee is doubled\"\n\n"
		       "-\t[x]: /u \"clause in a list\"\n\n"
		       ">\t[y]: /u \"clause in a quote\"\n\n"
		       "See [the statute](/s \"and the fee is doubled again\").\n");
	cr_assert(strstr(h, "The fee is doubled"), "%s", h);
	cr_assert(strstr(h, "clause in a list"), "%s", h);
	cr_assert(strstr(h, "clause in a quote"), "%s", h);
	cr_assert(strstr(h, "and the fee is doubled again"), "%s", h);
	cr_assert(!strstr(h, "title="), "no tooltip: %s", h);
	/* code in a fence is shown as it is stored */
	h = md_html(a, "```\n[x]: y\n```\n");
	cr_assert(strstr(h, "<code>[x]: y"), "%s", h);
	cr_assert_eq(md_blocks(a, "a\n\n<div>\nx\n</div>\n", &b), 2);
	cr_assert_eq(b[1].first_line, 3, "shown HTML keeps its lines (fuzzing found 0)");
	cr_assert_eq(b[1].last_line, 5);
	cr_assert(strstr(b[1].html, "&lt;div&gt;"), "%s", b[1].html);
	cr_assert_eq(md_blocks(a, "[note]: /x \"hidden\"\n", &b), 1, "a block, not nothing");
	cr_assert(strstr(b[0].html, "hidden"), "%s", b[0].html);
	arena_free(a);
}

/* Blocks are found in linear time: many small blocks after a long text
 * are no quadratic walk (found by attacking: 60 kB took 0.8 s). */
Test(markdown, many_blocks_are_cheap, .timeout = 10)
{
	struct arena *a = arena_new();
	struct buf t;
	struct md_block *b;

	buf_init(&t);
	for (int i = 0; i < 20000; i++)
		buf_puts(&t, "- a\n\nx\n\n");
	cr_assert_eq(md_blocks(a, t.data, &b), 40000);
	buf_free(&t);
	arena_free(a);
}
