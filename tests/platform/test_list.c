/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests: the cursors of the API's lists (http/list.c) read back the
 * id they were made for, and nothing else reads as one. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "platform/http/http.h"

static struct arena *A;
static void setup(void) { A = arena_new(); }
static void teardown(void) { arena_free(A); }
TestSuite(list, .init = setup, .fini = teardown);

Test(list, a_cursor_reads_back_its_id)
{
	const int64_t ids[] = {1, 7, 12345, INT64_MAX};

	for (size_t i = 0; i < sizeof(ids) / sizeof(*ids); i++) {
		char *c = http_list_cursor(A, ids[i]);
		int64_t id = 0;

		/* it can travel in a query as it is */
		cr_assert_eq(strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
			     strlen(c), "%s", c);
		cr_assert_leq(strlen(c), 64);
		cr_assert_eq(http_list_cursor_read(c, &id), 0, "%s", c);
		cr_assert_eq(id, ids[i]);
	}
	/* opaque, but plain: "1:7" */
	cr_assert_str_eq(http_list_cursor(A, 7), "MTo3");
}

Test(list, nothing_else_reads_as_a_cursor)
{
	char *twice = arena_printf(A, "%s%s", http_list_cursor(A, 5),
				   http_list_cursor(A, 5));
	const char *bad[] = {
		"",
		"garbage",
		"MTo",	       /* "1:" and no id */
		"MTow",	       /* "1:0" */
		"MTowNQ",      /* "1:05" */
		"MTotNQ",      /* "1:-5" */
		"Mjo1",	       /* "2:5", a version we never made */
		"MTo1IA",      /* "1:5 " */
		"MTo1eA",      /* "1:5x" */
		"MTo5MjIzMzcyMDM2ODU0Nzc1ODA4", /* "1:9223372036854775808" */
		"MTo1=",       /* padding */
		"MTo1+",       /* standard base64 */
		"MToxMh",      /* "1:12" with a spare bit set */
	};
	int64_t id = 42;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		cr_assert_eq(http_list_cursor_read(bad[i], &id), -1, "%s", bad[i]);
		cr_assert_eq(id, 42, "%s changed the id", bad[i]);
	}
	cr_assert_eq(http_list_cursor_read(twice, &id), -1, "%s", twice);
	/* the spelling we make of "1:12" */
	cr_assert_eq(http_list_cursor_read("MToxMg", &id), 0);
	cr_assert_eq(id, 12);
}
