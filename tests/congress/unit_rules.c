/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests of the congress's rules that need no database
 * (src/congress/rules.c): a motion's lines, fixed by wrapping its
 * Markdown once, without changing what it renders to; amendments to line
 * ranges checked, found in conflict and applied. */
#include <cmark.h>
#include <criterion/criterion.h>
#include <string.h>

#include "congress/internal.h"

TestSuite(congress_rules);

static char *html(const char *md)
{
	return cmark_markdown_to_html(md, strlen(md), CMARK_OPT_DEFAULT);
}

/* Characters (not bytes) in s. */
static size_t chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Every line of s at most width long, unless it is one word, or kept
 * whole (a heading, a table row, code). */
static void within(const char *s, size_t width)
{
	struct arena *a = arena_new();
	const char **l;
	size_t n = congress_lines(a, s, &l);
	bool fence = false;

	for (size_t i = 0; i < n; i++) {
		size_t lead = strspn(l[i], " >");
		if (strncmp(l[i], "```", 3) == 0)
			fence = !fence;
		if (fence || l[i][0] == '#' || l[i][0] == '|')
			continue;
		cr_assert(chars(l[i]) <= width || !strchr(l[i] + lead, ' '),
			  "line %zu is %zu long: %s", i + 1, chars(l[i]), l[i]);
	}
	arena_free(a);
}

Test(congress_rules, wrapping_fixes_the_lines_and_keeps_the_rendering)
{
	static const char *const texts[] = {
		/* a paragraph, a list with long items, a quote, a heading, code */
		"# Draft programme of the Socialist Movement of Kazakhstan, adopted by the fourth conference\n\n"
		"The banks and the construction sector must be nationalized under democratic workers' control and management, as part of a wider socialist programme.\n\n"
		"- Nationalize the banks that take people's homes for debts their parents could not pay, and write those debts off.\n"
		"- A living wage for every oil worker, miner and teacher, indexed to prices, with a 1 - 2 - 3 step scale - and the right to strike.\n"
		"12. Free trade unions, independent of the state and of the employers, in every workplace of the country and beyond.\n\n"
		"> We need new leaders, leaders prepared to sacrifice, to sit in prison if necessary, people like those we elect today.\n\n"
		"```\nthis code line is very long and must never be wrapped by the motion's line numbering because it is code\n```\n"
		"| a table row that is rather long, longer than eighty characters, and must stay whole | b |\n",
		/* words that would open a block if a line began with them */
		"Wages rose by 5 - 7 percent in Aktau while prices rose by 12. percent; the report says # of strikes is up > 40 and = more.\n",
		"",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		struct arena *a = arena_new();
		char *w = congress_wrap(a, texts[i], CONGRESS_LINE_WIDTH);
		char *h1 = html(texts[i]), *h2 = html(w);
		/* soft breaks render as newlines inside paragraphs: compare
		 * with every whitespace run as one space */
		for (char *h = h1; *h; h++)
			if (*h == '\n')
				*h = ' ';
		for (char *h = h2; *h; h++)
			if (*h == '\n')
				*h = ' ';
		{
			char *x = h1, *y = h2, *o;
			for (o = x; *x; x++)
				if (!(*x == ' ' && o > h1 && o[-1] == ' '))
					*o++ = *x;
			*o = '\0';
			for (o = y; *y; y++)
				if (!(*y == ' ' && o > h2 && o[-1] == ' '))
					*o++ = *y;
			*o = '\0';
		}
		cr_assert_str_eq(h2, h1, "text %zu renders differently once wrapped:\n%s", i, w);
		within(w, CONGRESS_LINE_WIDTH);
		/* wrapping twice changes nothing: the lines are fixed */
		cr_assert_str_eq(congress_wrap(a, w, CONGRESS_LINE_WIDTH), w);
		free(h1);
		free(h2);
		arena_free(a);
	}
}

Test(congress_rules, code_headings_and_tables_are_never_wrapped)
{
	struct arena *a = arena_new();
	const char *code = "```\nthis code line is very long and must never be wrapped by the "
			   "motion's line numbering because it is code\n```";
	char *w = congress_wrap(a, code, 40);

	cr_assert_str_eq(w, code);
	w = congress_wrap(a, "# a heading that is far longer than forty characters wide", 40);
	cr_assert_null(strchr(w, '\n'));
	w = congress_wrap(a, "line one  \r\nline two\t\n\n\n", 40);
	cr_assert_str_eq(w, "line one\nline two", "no CR, no trailing blanks or lines");
	arena_free(a);
}

Test(congress_rules, an_amendment_names_lines_the_motion_has)
{
	const char *field;
	struct {
		struct amend m;
		const char *field; /* NULL: accepted */
	} cases[] = {
		{{AMEND_REPLACE, 1, 1, "x"}, NULL},
		{{AMEND_REPLACE, 2, 5, "x"}, NULL},
		{{AMEND_REPLACE, 5, 5, "x"}, NULL},
		{{AMEND_REPLACE, 0, 1, "x"}, "first_line"},
		{{AMEND_REPLACE, 6, 6, "x"}, "first_line"},
		{{AMEND_REPLACE, 3, 6, "x"}, "last_line"},
		{{AMEND_REPLACE, 3, 2, "x"}, "last_line"},
		{{AMEND_REPLACE, 1, 1, ""}, "new_text"},
		{{AMEND_DELETE, 1, 5, ""}, NULL},
		{{AMEND_DELETE, 1, 5, "text"}, "new_text"},
		{{AMEND_INSERT, 0, 0, "x"}, NULL},
		{{AMEND_INSERT, 5, 5, "x"}, NULL},
		{{AMEND_INSERT, 6, 6, "x"}, "first_line"},
		{{AMEND_INSERT, 2, 3, "x"}, "first_line"},
		{{AMEND_INSERT, 2, 2, ""}, "new_text"},
		{{-1, 1, 1, "x"}, "op"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *why = congress_amend_check(&cases[i].m, 5, &field);
		if (!cases[i].field) {
			cr_assert_null(why, "case %zu refused: %s", i, why);
		} else {
			cr_assert_not_null(why, "case %zu accepted", i);
			cr_assert_str_eq(field, cases[i].field, "case %zu", i);
		}
	}
	cr_assert_eq(congress_amend_op("replace"), AMEND_REPLACE);
	cr_assert_eq(congress_amend_op("Delete"), -1);
	cr_assert_str_eq(congress_amend_op_name(AMEND_INSERT), "insert");
}

Test(congress_rules, amendments_touching_the_same_lines_conflict)
{
	struct amend r25 = {AMEND_REPLACE, 2, 5, "x"}, r67 = {AMEND_REPLACE, 6, 7, "x"};
	struct amend d5 = {AMEND_DELETE, 5, 5, ""}, i5 = {AMEND_INSERT, 5, 5, "x"};
	struct amend i1 = {AMEND_INSERT, 1, 1, "x"}, i5b = {AMEND_INSERT, 5, 5, "y"};

	cr_assert(congress_amend_conflict(&r25, &d5));
	cr_assert(congress_amend_conflict(&d5, &r25), "either way round");
	cr_assert(!congress_amend_conflict(&r25, &r67), "next to each other");
	cr_assert(congress_amend_conflict(&i5, &r25), "inserting after a line replaced");
	cr_assert(congress_amend_conflict(&r25, &i5));
	cr_assert(!congress_amend_conflict(&i1, &r25), "inserting before the range");
	cr_assert(congress_amend_conflict(&i5, &i5b), "two inserts at one place");
	cr_assert(!congress_amend_conflict(&i1, &i5));
}

Test(congress_rules, as_amended_applies_each_at_its_lines)
{
	struct arena *a = arena_new();
	const char *text = "one\ntwo\nthree\nfour\nfive";
	struct amend ms[] = {
		{AMEND_REPLACE, 2, 3, "TWO AND THREE"},
		{AMEND_DELETE, 5, 5, ""},
		{AMEND_INSERT, 0, 0, "zero"},
		{AMEND_INSERT, 4, 4, "four and a half"},
	};

	cr_assert_str_eq(congress_apply(a, text, ms, 4, 80),
			 "zero\none\nTWO AND THREE\nfour\nfour and a half");
	cr_assert_str_eq(congress_apply(a, text, NULL, 0, 80), text, "none: the text");
	/* one of other lines (written against another version) is left
	 * out, never written past the end */
	{
		struct amend far[] = {{AMEND_REPLACE, 4, 9, "beyond"},
				      {AMEND_INSERT, 60, 60, "beyond"},
				      {AMEND_DELETE, 0, 1, ""}};
		cr_assert_str_eq(congress_apply(a, text, far, 3, 80), text);
	}
	/* the order they come in does not matter */
	{
		struct amend rev[] = {ms[3], ms[2], ms[1], ms[0]};
		cr_assert_str_eq(congress_apply(a, text, rev, 4, 80),
				 "zero\none\nTWO AND THREE\nfour\nfour and a half");
	}
	/* a long replacement is wrapped like the motion */
	{
		struct amend m = {AMEND_REPLACE, 1, 1,
				  "a replacement of the first line that is much longer than "
				  "forty characters"};
		char *out = congress_apply(a, text, &m, 1, 40);
		const char **l;
		cr_assert_gt(congress_lines(a, out, &l), 5);
		cr_assert_leq(strlen(l[0]), 40);
	}
	arena_free(a);
}

Test(congress_rules, cyrillic_wraps_where_latin_does)
{
	struct arena *a = arena_new();
	const char *ru = "Конференция решает перезапустить организацию как "
			 "Социалистическое движение Казахстана, членскую организацию "
			 "с открыто социалистической программой, и зарегистрировать её заново.";
	char *w = congress_wrap(a, ru, CONGRESS_LINE_WIDTH);
	const char **l;
	size_t n = congress_lines(a, w, &l);

	within(w, CONGRESS_LINE_WIDTH);
	cr_assert_eq(n, 3, "%s", w);
	cr_assert_gt(chars(l[0]), 60, "the first line is filled in characters: %s", l[0]);
	cr_assert_str_eq(congress_wrap(a, w, CONGRESS_LINE_WIDTH), w, "wrapping twice moves nothing");
	arena_free(a);
}

Test(congress_rules, the_workflows_allow_what_a_congress_does)
{
	cr_assert(congress_motion_move_ok("submitted", "admitted"));
	cr_assert(congress_motion_move_ok("debated", "adopted_amended"));
	cr_assert(congress_motion_move_ok("adopted", "debated"), "a mistake is corrected");
	cr_assert(!congress_motion_move_ok("withdrawn", "debated"), "withdrawn is withdrawn");
	cr_assert(!congress_motion_move_ok("submitted", "adopted"), "never adopted unadmitted");
	cr_assert(!congress_motion_move_ok("admitted", "submitted"));
	cr_assert(!congress_motion_move_ok(NULL, "admitted"));
	cr_assert(congress_amendment_move_ok("admitted", "adopted"));
	cr_assert(!congress_amendment_move_ok("submitted", "adopted"), "admitted first");
	cr_assert(!congress_amendment_move_ok("withdrawn", "admitted"));
	cr_assert(congress_motion_final("referred"));
	cr_assert(!congress_motion_final("debated"));
}
