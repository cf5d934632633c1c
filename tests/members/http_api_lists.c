/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The members module's lists under /api/v1/ page by cursor (http.h,
 * "lists"), over real HTTP on the demo: a branch walked seven at a time
 * while another officer adds people and renames them so that a walk by
 * name would skip one and repeat another — everyone present at the start
 * comes exactly once, the added at the end; a search matching more than
 * the count stops at says its total is a lower bound and still walks to
 * the end; a cursor made up for someone out of reach tells nothing;
 * branches and unions page by id; a limit out of range and a cursor
 * rudder did not give are refused, naming the field.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../http/harness.h"
#include "platform/core/core.h"
#include "platform/http/http.h"

static struct srv S;
static void up(void)
{
	srv_up(&S, SRV_DEMO, NULL);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(members_lists, .init = up, .fini = down, .timeout = 240);

static const char *next_of(json_t *j)
{
	return json_string_value(json_object_get(j, "next_cursor"));
}

/* Walks the list `name` of path to its end, limit at a time: the ids in
 * the order given (malloc'd, *n_r of them), each page checked to be full
 * but the last, and the pages counted. */
static int64_t *walk(struct client *c, const char *path, const char *name,
		     int limit, size_t *n_r, int *pages_r)
{
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	char *cursor = NULL;
	int pages = 0;

	for (;;) {
		json_t *j = cl_page(c, path, cursor, limit), *arr = json_object_get(j, name), *o;
		size_t i;

		cr_assert(json_is_array(arr), "no %s", name);
		cr_assert_leq(json_array_size(arr), (size_t)limit);
		json_array_foreach(arr, i, o) {
			if (n == cap)
				ids = xrealloc(ids, (cap = cap ? cap * 2 : 64) * sizeof(*ids));
			ids[n++] = json_integer_value(json_object_get(o, "id"));
		}
		pages++;
		free(cursor);
		cursor = next_of(j) ? xstrdup(next_of(j)) : NULL;
		if (cursor)
			cr_assert_eq(json_array_size(arr), (size_t)limit,
				     "a page before the last is full");
		json_decref(j);
		if (!cursor)
			break;
		cr_assert_lt(pages, 1000, "the walk never ends");
	}
	*n_r = n;
	*pages_r = pages;
	return ids;
}

/* A new member of branch named name, made through the API: its id. */
static long add(struct client *w, const char *name, const char *branch)
{
	char *body = xasprintf("{\"display_name\": \"%s\", \"branch\": %s}", name, branch);
	struct resp *r = cl_api(w, "POST", "/api/v1/members", body);
	json_t *j;
	long id;

	cr_assert_eq(r->status, 201, "%s", r->body);
	j = json_loads(r->body, 0, NULL);
	id = (long)json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	resp_free(r);
	free(body);
	return id;
}

static void rename_person(struct client *w, long id, const char *name)
{
	char *path = xasprintf("/api/v1/members/%ld", id);
	char *body = xasprintf("{\"display_name\": \"%s\"}", name);
	struct resp *r = cl_api(w, "PATCH", path, body);

	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	free(body);
	free(path);
}

static long value_l(const char *sql, const char *arg)
{
	char *v = srv_value(&S, sql, arg);
	long n = atol(v);

	free(v);
	return n;
}

#define IN_BRANCH                                                            \
	"FROM people p JOIN scopes s ON s.id = p.branch_id WHERE "           \
	"s.path LIKE (SELECT path FROM scopes WHERE id = %s) || '%%' "       \
	"AND p.erased_at IS NULL"

Test(members_lists, a_walk_sees_everyone_once_while_others_add_and_rename)
{
	struct client *c = cl_as(&S, "aktau", "en");
	struct client *w = cl_as(&S, "coordinator", "en");
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	char *path = xasprintf("/api/v1/members?branch=%s", aktau);
	char *cursor = NULL;
	int64_t *seen = NULL, last = 0;
	size_t nseen = 0, cap = 0;
	long start, max_start, added = 0;
	int pages = 0;
	char name[64];

	/* enough people for several pages of seven */
	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "Walker %02d", i);
		add(w, name, aktau);
	}
	start = value_l("SELECT count(*) " IN_BRANCH, aktau);
	max_start = value_l("SELECT max(p.id) " IN_BRANCH, aktau);
	cr_assert_gt(start, 3 * 7, "%ld people", start);

	for (;;) {
		json_t *j = cl_page(c, path, cursor, 7), *o;
		json_t *arr = json_object_get(j, "people");
		size_t i;

		cr_assert_leq(json_array_size(arr), 7);
		json_array_foreach(arr, i, o) {
			int64_t id = json_integer_value(json_object_get(o, "id"));
			/* ascending, so never twice */
			cr_assert_gt(id, last, "%lld after %lld", (long long)id,
				     (long long)last);
			last = id;
			if (nseen == cap)
				seen = xrealloc(seen, (cap = cap ? cap * 2 : 64) * sizeof(*seen));
			seen[nseen++] = id;
		}
		pages++;
		free(cursor);
		cursor = next_of(j) ? xstrdup(next_of(j)) : NULL;
		if (!cursor) {
			/* the last page counts everyone, the added too */
			cr_assert_eq(json_integer_value(json_object_get(j, "total")),
				     start + added);
			cr_assert(json_is_false(json_object_get(j, "total_is_lower_bound")));
			json_decref(j);
			break;
		}
		cr_assert_eq(json_array_size(arr), 7);
		json_decref(j);
		/* meanwhile, another officer: someone new who sorts first by
		 * name, the last one seen renamed to sort last, and one not
		 * yet seen renamed to sort first — a walk by name would show
		 * the one twice and never the other */
		snprintf(name, sizeof(name), "Aaa new %d", pages);
		add(w, name, aktau);
		added++;
		snprintf(name, sizeof(name), "Zzz seen %d", pages);
		rename_person(w, (long)last, name);
		{
			char *after = xasprintf("%lld", (long long)last);
			char *sql = xasprintf("SELECT max(p.id) " IN_BRANCH " AND p.id > %s",
					      aktau, after);
			char *unseen = srv_value(&S, "%s", sql);
			snprintf(name, sizeof(name), "Aaa unseen %d", pages);
			if (*unseen)
				rename_person(w, atol(unseen), name);
			free(unseen);
			free(sql);
			free(after);
		}
		cr_assert_lt(pages, 100);
	}
	cr_assert_geq(pages, 4, "%d pages", pages);
	/* everyone present at the start, once (the walk is ascending), and
	 * after them every one added meanwhile */
	{
		long from_start = 0;
		for (size_t i = 0; i < nseen; i++)
			from_start += seen[i] <= max_start;
		cr_assert_eq(from_start, start, "%ld of %ld seen", from_start, start);
		cr_assert_eq((long)nseen, start + added);
	}
	free(seen);
	free(path);
	free(aktau);
	cl_free(c);
	cl_free(w);
}

Test(members_lists, a_search_past_the_count_says_at_least_and_walks_to_the_end)
{
	struct client *c = cl_as(&S, "admin", "en");
	char *csv = xasprintf("%s/many.csv", S.root), *out = NULL, *err = NULL;
	FILE *f = fopen(csv, "w");
	int64_t *ids;
	size_t n;
	int pages;
	json_t *j;

	/* 1010 people one search finds: more than it counts (1000) */
	cr_assert_not_null(f);
	fputs("display_name,branch\n", f);
	for (int i = 0; i < 1010; i++)
		fprintf(f, "Cursorwalk %04d,Aktau\n", i);
	fclose(f);
	cr_assert_eq(run_rudder(NULL, &out, &err, "import", "members", csv, "--data",
				S.dir, "--passphrase-file", S.pass, NULL),
		     0, "%s", err);
	free(out);
	free(err);
	/* the server learns of the import (another process) */
	for (int tries = 0;; tries++) {
		j = cl_page(c, "/api/v1/members?q=cursorwalk", NULL, 200);
		if (json_integer_value(json_object_get(j, "total")) >= 1000)
			break;
		json_decref(j);
		cr_assert_lt(tries, 50, "the index never saw the import");
		usleep(200 * 1000);
	}
	cr_assert_eq(json_integer_value(json_object_get(j, "total")), 1000);
	cr_assert(json_is_true(json_object_get(j, "total_is_lower_bound")));
	cr_assert_eq(json_array_size(json_object_get(j, "people")), 200);
	json_decref(j);
	/* and every one of them comes, once */
	ids = walk(c, "/api/v1/members?q=cursorwalk", "people", 200, &n, &pages);
	cr_assert_eq(n, 1010);
	cr_assert_eq(pages, 6);
	for (size_t i = 1; i < n; i++)
		cr_assert_gt(ids[i], ids[i - 1]);
	free(ids);
	/* a search that counts everyone says so */
	j = cl_page(c, "/api/v1/members?q=cursorwalk+0001", NULL, 5);
	cr_assert_eq(json_integer_value(json_object_get(j, "total")), 1);
	cr_assert(json_is_false(json_object_get(j, "total_is_lower_bound")));
	cr_assert(json_is_null(json_object_get(j, "next_cursor")));
	json_decref(j);
	free(csv);
	cl_free(c);
}

/* The whole list at once (limit 200), walked again three at a time:
 * the same records, by ascending id. */
static void pages_by_id(struct client *c, const char *path, const char *name,
			const char *count_sql)
{
	json_t *all = cl_page(c, path, NULL, 200), *o;
	json_t *arr = json_object_get(all, name);
	char *count = srv_value(&S, "%s", count_sql);
	int64_t *ids;
	size_t n, i;
	int pages;

	cr_assert(json_is_null(json_object_get(all, "next_cursor")));
	cr_assert_eq(json_integer_value(json_object_get(all, "total")), atol(count));
	cr_assert_eq(json_array_size(arr), (size_t)atol(count));
	cr_assert_gt(atol(count), 3, "%s: only %s", name, count);
	ids = walk(c, path, name, 3, &n, &pages);
	cr_assert_eq(n, json_array_size(arr));
	cr_assert_eq(pages, (int)((n + 2) / 3));
	for (i = 1; i < n; i++)
		cr_assert_gt(ids[i], ids[i - 1], "%s by ascending id", name);
	json_array_foreach(arr, i, o) {
		bool found = false;
		for (size_t k = 0; k < n; k++)
			found |= ids[k] == json_integer_value(json_object_get(o, "id"));
		cr_assert(found, "%s: %lld not walked", name,
			  (long long)json_integer_value(json_object_get(o, "id")));
	}
	free(ids);
	free(count);
	json_decref(all);
}

Test(members_lists, branches_and_unions_page_by_id)
{
	struct client *c = cl_as(&S, "coordinator", "en");

	pages_by_id(c, "/api/v1/branches?", "branches", "SELECT count(*) FROM branches");
	pages_by_id(c, "/api/v1/unions?", "unions", "SELECT count(*) FROM unions");
	cl_free(c);
}

/* A 4xx in the error shape, with a message; for 422 naming field. */
static void refused(struct client *c, const char *path, long status,
		    const char *code, const char *field)
{
	struct resp *r = cl_get(c, path);
	json_t *j;

	cr_assert_eq(r->status, status, "%s: %s", path, r->body);
	j = json_loads(r->body, 0, NULL);
	cr_assert_not_null(j, "%s", r->body);
	cr_assert_eq(json_integer_value(json_object_get(j, "status")), status);
	cr_assert_str_eq(json_string_value(json_object_get(j, "code")), code);
	cr_assert_gt(strlen(json_string_value(json_object_get(j, "message"))), 0);
	if (field)
		cr_assert_str_eq(json_string_value(json_object_get(j, "field")), field,
				 "%s", r->body);
	json_decref(j);
	resp_free(r);
}

Test(members_lists, a_limit_out_of_range_or_a_cursor_not_given_is_refused)
{
	struct client *c = cl_as(&S, "aktau", "ru");
	const char *const lists[] = {"/api/v1/members?q=a&", "/api/v1/branches?",
				     "/api/v1/unions?"};
	static const struct {
		const char *query;
		long status;
		const char *code, *field;
	} bad[] = {
		{"limit=0", 422, "invalid_field", "limit"},
		{"limit=201", 422, "invalid_field", "limit"},
		{"limit=-1", 422, "invalid_field", "limit"},
		{"limit=many", 422, "invalid_field", "limit"},
		{"cursor=bm9wZQ", 422, "invalid_field", "cursor"}, /* "nope" */
		{"cursor=Mjo1", 422, "invalid_field", "cursor"},   /* "2:5" */
		{"cursor=MTowNQ", 422, "invalid_field", "cursor"}, /* "1:05" */
		{"cursor=MTo1%2B", 422, "invalid_field", "cursor"}, /* "MTo1+" */
		{"page=2", 400, "bad_form", NULL}, /* paging by number is gone */
	};
	struct resp *r;

	for (size_t i = 0; i < ARRAY_LEN(lists); i++)
		for (size_t k = 0; k < ARRAY_LEN(bad); k++) {
			char *p = xasprintf("%s%s", lists[i], bad[k].query);
			refused(c, p, bad[k].status, bad[k].code, bad[k].field);
			free(p);
		}
	/* the message is in the reader's language */
	r = cl_get(c, "/api/v1/members?limit=201");
	cr_assert_null(strstr(r->body, "must be a whole number"), "%s", r->body);
	resp_free(r);
	/* 200 and 1 are in range; the web list keeps its page numbers */
	r = cl_get(c, "/api/v1/members?limit=200");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	r = cl_get(c, "/api/v1/members?limit=1");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	r = cl_get(c, "/members?page=2");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	cl_free(c);
}

/* A cursor is easy to make up for any id: one naming someone outside the
 * caller's branches answers exactly as one naming the last person in
 * reach before them — nothing says whether the id is anyone's. */
Test(members_lists, a_cursor_made_up_for_someone_out_of_reach_tells_nothing)
{
	struct client *c = cl_as(&S, "aktau", "en");
	struct arena *a = arena_new();
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	char *foreign = srv_value(&S, "SELECT min(p.id) FROM people p JOIN scopes s ON "
				      "s.id = p.branch_id WHERE s.path NOT LIKE "
				      "(SELECT path FROM scopes WHERE id = %s) || '%%' "
				      "AND p.id > (SELECT min(p.id) " IN_BRANCH ")",
			       aktau, aktau);
	char *before = srv_value(&S, "SELECT max(p.id) " IN_BRANCH " AND p.id < %s",
				 aktau, foreign);
	char *p1 = xasprintf("/api/v1/members?limit=5&cursor=%s",
			     http_list_cursor(a, atol(foreign)));
	char *p2 = xasprintf("/api/v1/members?limit=5&cursor=%s",
			     http_list_cursor(a, atol(before)));
	struct resp *r1 = cl_get(c, p1), *r2 = cl_get(c, p2);

	cr_assert(*foreign && *before, "the demo has people on both sides");
	cr_assert_eq(r1->status, 200, "%s", r1->body);
	cr_assert_str_eq(r1->body, r2->body);
	cr_assert(strstr(r1->body, "\"people\":[{"), "%s", r1->body);
	resp_free(r1);
	resp_free(r2);
	free(p1);
	free(p2);
	free(before);
	free(foreign);
	free(aktau);
	arena_free(a);
	cl_free(c);
}
