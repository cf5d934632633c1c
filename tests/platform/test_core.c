/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests: arena, buf, text checks, encodings, CSV cells. */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "platform/core/core.h"
#include "platform/core/csv.h"

Test(arena, many_small_and_big_pieces_are_zeroed_and_aligned)
{
	struct arena *a = arena_new();
	for (int i = 0; i < 5000; i++) {
		size_t n = (size_t)(i % 97) + 1;
		unsigned char *p = arena_alloc(a, n);
		cr_assert_eq((uintptr_t)p % 16, 0);
		for (size_t k = 0; k < n; k++)
			cr_assert_eq(p[k], 0);
		memset(p, 0xAB, n);
	}
	char *big = arena_alloc(a, 1 << 20);
	cr_assert_eq(big[(1 << 20) - 1], 0);
	cr_assert_geq(arena_used(a), (size_t)(1 << 20));
	arena_free(a);
	arena_free(NULL);
}

static int hook_order[3];
static int hook_n;
static void hook(void *arg)
{
	hook_order[hook_n++] = *(int *)arg;
}

Test(arena, cleanup_hooks_run_in_reverse_order)
{
	struct arena *a = arena_new();
	int *x = arena_alloc(a, sizeof(int)), *y = arena_alloc(a, sizeof(int));
	*x = 1;
	*y = 2;
	hook_n = 0;
	arena_defer(a, hook, x);
	arena_defer(a, hook, y);
	arena_free(a);
	cr_assert_eq(hook_n, 2);
	cr_assert_eq(hook_order[0], 2);
	cr_assert_eq(hook_order[1], 1);
}

Test(arena, printf_and_strdup)
{
	struct arena *a = arena_new();
	cr_assert_str_eq(arena_printf(a, "%s-%d", "x", 42), "x-42");
	cr_assert_str_eq(arena_strndup(a, "abcdef", 3), "abc");
	cr_assert_null(arena_strdup(a, NULL));
	arena_free(a);
}

Test(buf, an_empty_reserved_buf_is_an_empty_string)
{
	struct buf b;
	buf_init(&b);
	buf_reserve(&b, 0);
	cr_assert_not_null(b.data);
	cr_assert_str_eq(b.data, "");
	buf_printf(&b, "%s", "");
	cr_assert_str_eq(b.data, "");
	buf_free(&b);
}

Test(buf, grows_and_steals)
{
	struct buf b;
	buf_init(&b);
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	cr_assert_eq(b.data[b.len], '\0');
	cr_assert(str_starts(b.data, "0,1,2,"));
	size_t len;
	char *s = buf_steal(&b, &len);
	cr_assert_eq(strlen(s), len);
	cr_assert_null(b.data);
	free(s);
	buf_free(&b);
}

Test(text, utf8_accepts_valid_refuses_malformed)
{
	cr_assert(utf8_valid("Қазақша Русский", strlen("Қазақша Русский")));
	cr_assert(utf8_valid("", 0));
	cr_assert(utf8_valid("\xF0\x9F\x98\x80", 4));
	cr_assert_not(utf8_valid("\xC0\xAF", 2));     /* overlong '/' */
	cr_assert_not(utf8_valid("\xE0\x80\xAF", 3)); /* overlong */
	cr_assert_not(utf8_valid("\xED\xA0\x80", 3)); /* surrogate */
	cr_assert_not(utf8_valid("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
	cr_assert_not(utf8_valid("\xC3", 1));         /* truncated */
	cr_assert_not(utf8_valid("\xFF", 1));
	cr_assert_not(utf8_valid("a\0b", 3));          /* NUL */
	cr_assert_eq(utf8_len("Қаз", strlen("Қаз")), 3);
}

Test(text, lines_and_blocks)
{
	cr_assert(text_is_line("Aktau oil workers", 17));
	cr_assert_not(text_is_line("two\nlines", 9));
	cr_assert_not(text_is_line("tab\there", 8));
	cr_assert(text_is_block("two\r\nlines\tok", 13));
	cr_assert_not(text_is_block("bell\a", 5));
	cr_assert_not(text_is_line("\xC2\x85", 2)); /* C1 control NEL */
	/* a right-to-left override could disguise a name */
	cr_assert_not(text_is_line("abc\xE2\x80\xAE" "cba", 9));
}

Test(text, helpers)
{
	char s[] = "  padded \n";
	int64_t v;
	cr_assert_str_eq(str_trim(s), "padded");
	cr_assert(str_ieq("Content-Type", "content-type"));
	cr_assert_not(str_ieq("abc", "abcd"));
	cr_assert_eq(str_to_i64("123", &v), 0);
	cr_assert_eq(v, 123);
	cr_assert_eq(str_to_i64("12x", &v), -1);
	cr_assert_eq(str_to_i64("", &v), -1);
	cr_assert_eq(str_to_i64("99999999999999999999", &v), -1);
	cr_assert(email_plausible("aigerim@example.kz"));
	cr_assert_not(email_plausible("no-at-sign"));
	cr_assert_not(email_plausible("a@b"));
	cr_assert_not(email_plausible("a@@b.kz"));
	cr_assert_not(email_plausible("a b@c.kz"));
	cr_assert_not(email_plausible("<a@b.kz>"));
	cr_assert_not(email_plausible("a@b.kz\n"));
}

Test(encode, round_trips_and_known_vectors)
{
	struct arena *a = arena_new();
	unsigned char raw[5] = {0, 1, 2, 250, 255}, back[8];
	char hex[11];
	hex_encode(raw, 5, hex);
	cr_assert_str_eq(hex, "000102faff");
	cr_assert_eq(hex_decode(hex, back, sizeof(back)), 5);
	cr_assert_eq(memcmp(raw, back, 5), 0);
	cr_assert_eq(hex_decode("zz", back, sizeof(back)), -1);
	char *b64 = arena_base64url(a, raw, 5);
	cr_assert_null(strchr(b64, '='));
	cr_assert_eq(base64url_decode(b64, back, sizeof(back)), 5);
	cr_assert_eq(memcmp(raw, back, 5), 0);
	cr_assert_eq(base64url_decode("a+b/", back, sizeof(back)), -1);
	/* RFC 4648 test vector */
	cr_assert_str_eq(arena_base32(a, "foobar", 6), "MZXW6YTBOI");
	struct buf b;
	buf_init(&b);
	base64_append(&b, "foobar", 6, false);
	cr_assert_str_eq(b.data, "Zm9vYmFy");
	buf_free(&b);
	arena_free(a);
}

Test(files, atomic_write_and_bounded_read)
{
	char dir[] = "/tmp/rudder-test-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char *p = xasprintf("%s/f", dir);
	size_t n;
	cr_assert_eq(file_write_atomic(p, "hello", 5, 0600), 0);
	char *s = file_read(p, 100, &n);
	cr_assert_str_eq(s, "hello");
	free(s);
	cr_assert_null(file_read(p, 3, &n)); /* larger than allowed */
	unlink(p);
	rmdir(dir);
	free(p);
}

/* Times are shown, and dates read, in the organization's zone: Almaty
 * is five hours ahead of UTC, so its day starts at 19:00 UTC before. */
Test(time, the_organizations_zone_decides_days_and_times)
{
	char out[40];

	cr_assert_eq(time_zone_set("Nowhere/Atlantis"), -1, "an unknown zone is refused");
	cr_assert_eq(time_zone_set("../../etc/passwd"), -1);
	cr_assert_eq(time_zone_set("Asia/Almaty"), 0);
	cr_assert_str_eq(time_zone(), "Asia/Almaty");
	/* 2026-11-29 19:30 UTC is already the 30th in Almaty */
	time_format(1795980600, out, sizeof(out));
	cr_assert_str_eq(out, "2026-11-30 00:30");
	cr_assert_eq(date_start("2026-11-30", 0), 1795978800);
	cr_assert_eq(date_start("2026-11-30", 1) - date_start("2026-11-30", 0), 86400);
	cr_assert_eq(date_start("2026-02-30", 0), -1, "no such day");
	cr_assert_eq(date_start("30.11.2026", 0), -1);
	cr_assert_eq(date_start("2026-11-30x", 0), -1);
	cr_assert_eq(time_zone_set("UTC"), 0);
	time_format(1795980600, out, sizeof(out));
	cr_assert_str_eq(out, "2026-11-29 19:30");
}

Test(text, a_first_letter_is_capitalized_in_three_alphabets)
{
	char a[] = "the system", b[] = "командная строка", c[] = "әкімші", d[] = "ұйым",
	     e[] = "Already", f[] = "1 two", g[] = "";
	str_upper_first(a);
	str_upper_first(b);
	str_upper_first(c);
	str_upper_first(d);
	str_upper_first(e);
	str_upper_first(f);
	str_upper_first(g);
	cr_assert_str_eq(a, "The system");
	cr_assert_str_eq(b, "Командная строка");
	cr_assert_str_eq(c, "Әкімші");
	cr_assert_str_eq(d, "Ұйым");
	cr_assert_str_eq(e, "Already");
	cr_assert_str_eq(f, "1 two");
	cr_assert_str_eq(g, "");
}

/* A cell that could run as a formula in a spreadsheet is written behind
 * a quote mark; a phone number ("+" and digits and spaces) cannot, and is
 * written as it is, so the sheet shows +7 702 555 17 58, not '+7 702...
 * Everything read back is what was written. */
Test(csv, cells_that_could_be_formulas_are_guarded_phones_are_not)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"+77025551758", "+77025551758,"},
		{"+7 702 555 17 58", "+7 702 555 17 58,"},
		{"+442079460958", "+442079460958,"},
		{"+", "\"'+\","},                      /* no digit */
		{"+ ", "\"'+ \","},
		{"+7+1", "\"'+7+1\","},                /* an operator */
		{"+7 702-555", "\"'+7 702-555\","},
		{"+1*2", "\"'+1*2\","},
		{"+A1", "\"'+A1\","},                  /* a reference */
		{"+7 702 SUM(A1)", "\"'+7 702 SUM(A1)\","},
		{"+cmd|' /C calc'!A0", "\"'+cmd|' /C calc'!A0\","},
		{"+7\t702", "\"'+7\t702\","},
		{"+7\n702", "\"'+7\n702\","},
		{"+7,702", "\"'+7,702\","},
		{"+7 702\xc2\xa0" "555", "\"'+7 702\xc2\xa0" "555\","}, /* a no-break space */
		{"=1+1", "\"'=1+1\","},
		{"-1", "\"'-1\","},
		{"@SUM(1)", "\"'@SUM(1)\","},
		{"\t=1", "\"'\t=1\","},
		{"7 702 555", "7 702 555,"},
		{"a,b", "\"a,b\","},
		{"", ","},
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct buf b;
		buf_init(&b);
		csv_put(&b, cases[i].in, false);
		cr_assert_str_eq(b.data, cases[i].out, "%s", cases[i].in);
		buf_free(&b);
	}
}

static int first_cell(void *arg, const struct csv_row *row)
{
	char **out = arg;
	*out = xstrdup(csv_unguard(row->fields[0]));
	return 1;
}

Test(csv, every_cell_reads_back_as_it_was)
{
	static const char *const cells[] = {
		"+77025551758", "+7 702 555 17 58", "+", "+7+1", "=HYPERLINK(\"x\")",
		"-1", "@x", "plain", "a,b", "two\nlines", "'quoted",
	};

	for (size_t i = 0; i < ARRAY_LEN(cells); i++) {
		struct buf b;
		char *got = NULL;
		const char *why;
		size_t line;
		buf_init(&b);
		csv_put(&b, cells[i], true);
		cr_assert_eq(csv_read(b.data, b.len, first_cell, &got, &why, &line), 0);
		cr_assert_str_eq(got, cells[i]);
		free(got);
		buf_free(&b);
	}
}
