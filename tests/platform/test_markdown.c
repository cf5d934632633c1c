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
	cr_assert(!strstr(h, "onerror"), "%s", h);
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
