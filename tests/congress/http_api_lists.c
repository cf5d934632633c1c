/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The congress module's lists under /api/v1/ page by cursor like every
 * list (http.h, "lists"), over real HTTP on the demo: the national
 * congress's participants walked seven at a time are the whole list, by
 * ascending id, and total counts them; the congresses too.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../http/harness.h"
#include "platform/core/core.h"

static struct srv S;
static void up(void)
{
	srv_up(&S, SRV_DEMO, NULL);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(congress_lists, .init = up, .fini = down, .timeout = 180);

/* The list `name` of path (ending in '?') walked limit at a time is the
 * whole list (limit 200), by ascending id, want records in all (-1: as
 * many as the whole list holds, one at least). */
static void walks_whole(struct client *c, const char *path, const char *name,
			int limit, long want)
{
	char *p = xasprintf("%slimit=200", path), *cursor = NULL;
	struct resp *r = cl_get(c, p);
	json_t *all, *arr;
	size_t seen = 0;
	int64_t last = 0;

	cr_assert_eq(r->status, 200, "%s", r->body);
	all = json_loads(r->body, 0, NULL);
	resp_free(r);
	free(p);
	arr = json_object_get(all, name);
	if (want < 0)
		want = (long)json_array_size(arr);
	cr_assert_gt(want, 0, "%s: none", name);
	cr_assert_eq(json_array_size(arr), (size_t)want, "%s", name);
	cr_assert_eq(json_integer_value(json_object_get(all, "total")), want, "%s: %lld, not %ld",
		     name, (long long)json_integer_value(json_object_get(all, "total")), want);
	cr_assert(json_is_null(json_object_get(all, "next_cursor")));
	do {
		json_t *j, *o;
		size_t i;
		p = cursor ? xasprintf("%slimit=%d&cursor=%s", path, limit, cursor)
			   : xasprintf("%slimit=%d", path, limit);
		r = cl_get(c, p);
		cr_assert_eq(r->status, 200, "%s: %s", p, r->body);
		j = json_loads(r->body, 0, NULL);
		json_array_foreach(json_object_get(j, name), i, o) {
			int64_t id = json_integer_value(json_object_get(o, "id"));
			cr_assert_gt(id, last, "%s by ascending id", name);
			last = id;
			cr_assert_lt(seen, json_array_size(arr));
			seen++;
		}
		cr_assert_eq(json_integer_value(json_object_get(j, "total")), want);
		free(cursor);
		cursor = json_is_string(json_object_get(j, "next_cursor"))
				 ? xstrdup(json_string_value(json_object_get(j, "next_cursor")))
				 : NULL;
		json_decref(j);
		resp_free(r);
		free(p);
	} while (cursor);
	cr_assert_eq(seen, (size_t)want);
	json_decref(all);
}

Test(congress_lists, participants_and_congresses_page_by_id)
{
	struct client *co = cl_as(&S, "coordinator", "en");
	char *k = srv_value(&S, "SELECT min(id) FROM congresses");
	char *n = srv_value(&S, "SELECT count(*) FROM participants WHERE congress_id = %s "
				"AND removed_at IS NULL", k);
	char *path = xasprintf("/api/v1/congresses/%s/participants?", k);
	struct resp *r;

	cr_assert_gt(atol(n), 2 * 7, "%s participants", n);
	walks_whole(co, path, "participants", 7, atol(n));
	free(path);
	walks_whole(co, "/api/v1/congresses?", "congresses", 1, -1);
	r = cl_get(co, "/api/v1/congresses?limit=0");
	cr_assert_eq(r->status, 422, "%s", r->body);
	resp_free(r);
	free(n);
	free(k);
	cl_free(co);
}
