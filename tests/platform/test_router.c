/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests: route patterns. */
#include <criterion/criterion.h>
#include <string.h>

#include "platform/http/http.h"

Test(router, literal_params_int_and_rest)
{
	struct arena *a = arena_new();
	struct kv *p;
	size_t n;
	cr_assert(route_match(a, "/", "/", &p, &n));
	cr_assert_not(route_match(a, "/", "/x", &p, &n));
	cr_assert(route_match(a, "/admin/users/{id:int}", "/admin/users/42", &p, &n));
	cr_assert_eq(n, 1);
	cr_assert_str_eq(p[0].key, "id");
	cr_assert_str_eq(p[0].value, "42");
	cr_assert_not(route_match(a, "/admin/users/{id:int}", "/admin/users/new", &p, &n));
	cr_assert_not(route_match(a, "/admin/users/{id:int}", "/admin/users/0", &p, &n));
	cr_assert_not(route_match(a, "/admin/users/{id:int}", "/admin/users/", &p, &n));
	cr_assert_not(route_match(a, "/admin/users/{id:int}", "/admin/users/1/x", &p, &n));
	cr_assert_not(route_match(a, "/a/{id:int}", "/a/1234567890123456789", &p, &n));
	cr_assert(route_match(a, "/u/{id:int}/g/{gid:int}/revoke", "/u/3/g/9/revoke", &p, &n));
	cr_assert_eq(n, 2);
	cr_assert_str_eq(p[1].value, "9");
	cr_assert(route_match(a, "/static/{file*}", "/static/css/a.css", &p, &n));
	cr_assert_str_eq(p[0].key, "file");
	cr_assert_str_eq(p[0].value, "css/a.css");
	cr_assert_not(route_match(a, "/static/{file*}", "/static/", &p, &n));
	cr_assert(route_match(a, "/b/{name}", "/b/Жанаозен", &p, &n));
	cr_assert_str_eq(p[0].value, "Жанаозен");
	arena_free(a);
}

Test(router, pattern_check)
{
	char err[64];
	cr_assert_eq(route_pattern_check("/a/{id:int}/b", err, sizeof(err)), 0);
	cr_assert_eq(route_pattern_check("a", err, sizeof(err)), -1);
	cr_assert_eq(route_pattern_check("/a/{id", err, sizeof(err)), -1);
	cr_assert_eq(route_pattern_check("/a/x{id}", err, sizeof(err)), -1);
	cr_assert_eq(route_pattern_check("/a/{rest*}/b", err, sizeof(err)), -1);
	cr_assert_eq(route_pattern_check("/a/{}", err, sizeof(err)), -1);
	cr_assert_eq(route_pattern_check("/a/}", err, sizeof(err)), -1);
}
