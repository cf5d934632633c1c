/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The platform's lists under /api/v1/ page by cursor (http.h, "lists"),
 * over real HTTP on the demo: accounts and tokens by ascending id, a
 * page at a time, the same records as the whole list; the audit log
 * walked back from the newest while it grows, each entry present at the
 * start once and the newer ones not at all; its count stopping at 1000
 * and saying so; the paging fields of old refused.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
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
TestSuite(lists, .init = up, .fini = down, .timeout = 240);

/* Walks list `name` of path to its end, limit at a time, calling
 * meanwhile(arg) between pages: the ids as given (malloc'd, *n_r), every
 * page but the last full; the last page's answer in *last_r. */
static int64_t *walk(struct client *c, const char *path, const char *name,
		     int limit, void (*meanwhile)(void *), void *arg, size_t *n_r,
		     int *pages_r, json_t **last_r)
{
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	char *cursor = NULL;
	int pages = 0;

	for (;;) {
		json_t *j = cl_page(c, path, cursor, limit), *o;
		json_t *arr = json_object_get(j, name);
		const char *next = json_string_value(json_object_get(j, "next_cursor"));
		size_t i;

		cr_assert(json_is_array(arr), "no %s", name);
		json_array_foreach(arr, i, o) {
			if (n == cap)
				ids = xrealloc(ids, (cap = cap ? cap * 2 : 64) * sizeof(*ids));
			ids[n++] = json_integer_value(json_object_get(o, "id"));
		}
		pages++;
		free(cursor);
		cursor = next ? xstrdup(next) : NULL;
		if (!cursor) {
			*last_r = j;
			break;
		}
		cr_assert_eq(json_array_size(arr), (size_t)limit,
			     "a page before the last is full");
		json_decref(j);
		if (meanwhile)
			meanwhile(arg);
		cr_assert_lt(pages, 1000, "the walk never ends");
	}
	*n_r = n;
	*pages_r = pages;
	return ids;
}

/* The list walked `limit` at a time is the whole list (limit 200), by
 * ascending id, and total counts it. */
static void same_as_whole(struct client *c, const char *path, const char *name,
			  int limit, long want)
{
	json_t *all = cl_page(c, path, NULL, 200), *last, *o;
	json_t *arr = json_object_get(all, name);
	size_t n, i;
	int pages;
	int64_t *ids = walk(c, path, name, limit, NULL, NULL, &n, &pages, &last);

	cr_assert(json_is_null(json_object_get(all, "next_cursor")));
	cr_assert_eq(json_array_size(arr), (size_t)want, "%s", name);
	cr_assert_eq(json_integer_value(json_object_get(all, "total")), want);
	cr_assert_eq(json_integer_value(json_object_get(last, "total")), want);
	cr_assert(json_is_false(json_object_get(last, "total_is_lower_bound")));
	cr_assert_eq(n, (size_t)want);
	cr_assert_eq(pages, (int)((n + (size_t)limit - 1) / (size_t)limit));
	json_array_foreach(arr, i, o) {
		cr_assert_eq(json_integer_value(json_object_get(o, "id")), ids[i],
			     "%s: the same records, by ascending id", name);
		if (i > 0)
			cr_assert_gt(ids[i], ids[i - 1]);
	}
	free(ids);
	json_decref(last);
	json_decref(all);
}

Test(lists, accounts_and_tokens_page_by_id)
{
	struct client *c = cl_as(&S, "admin", "en");
	char *users = srv_value(&S, "SELECT count(*) FROM users");
	struct resp *r;

	char *factor;

	cr_assert_gt(atol(users), 4, "%s accounts", users);
	same_as_whole(c, "/api/v1/users?", "users", 2, atol(users));
	/* making tokens needs the second factor */
	factor = cl_enrol(c);
	free(factor);
	for (int i = 0; i < 5; i++) {
		char *body = xasprintf("{\"name\": \"script %d\", \"days\": 30, "
				       "\"read_only\": true, \"grants\": []}", i);
		r = cl_api(c, "POST", "/api/v1/tokens", body);
		cr_assert_eq(r->status, 201, "%s", r->body);
		resp_free(r);
		free(body);
	}
	same_as_whole(c, "/api/v1/tokens?", "items", 2, 5);
	free(users);
	cl_free(c);
}

/* Between pages: someone reads a member's record, which writes an
 * entry in the log in its own transaction. */
static void read_someone(void *arg)
{
	struct client *w = arg;
	char *id = srv_value(&S, "SELECT min(id) FROM people");
	char *path = xasprintf("/api/v1/members/%s", id);
	struct resp *r = cl_get(w, path);

	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	free(path);
	free(id);
}

Test(lists, the_audit_log_walks_back_once_through_what_was_there)
{
	struct client *c = cl_as(&S, "admin", "en");
	struct client *w = cl_as(&S, "coordinator", "en");
	json_t *last;
	int64_t *ids;
	size_t n;
	int pages;
	char *count, *grew;

	/* a log long enough for several pages */
	for (int i = 0; i < 15; i++)
		read_someone(w);
	ids = walk(c, "/api/v1/audit?", "entries", 7, read_someone, w, &n, &pages,
		   &last);
	cr_assert_geq(pages, 3, "%d pages", pages);
	/* newest first, so never twice; and what is written meanwhile is
	 * newer than the walk's first page, never inside it */
	for (size_t i = 1; i < n; i++)
		cr_assert_lt(ids[i], ids[i - 1]);
	/* every entry there when it began */
	count = srv_value(&S, "SELECT count(*) FROM audit_log WHERE id <= %lld",
			  (long long)ids[0]);
	cr_assert_eq((long)n, atol(count), "walked %zu of %s", n, count);
	grew = srv_value(&S, "SELECT count(*) FROM audit_log WHERE id > %lld",
			 (long long)ids[0]);
	cr_assert_geq(atol(grew), pages - 1, "the log grew while it was walked");
	cr_assert_geq(json_integer_value(json_object_get(last, "total")), (long)n);
	cr_assert(json_is_false(json_object_get(last, "total_is_lower_bound")));
	json_decref(last);
	free(ids);
	free(count);
	free(grew);
	cl_free(c);
	cl_free(w);
}

Test(lists, the_audit_log_pages_its_filters_and_counts_to_a_thousand)
{
	struct client *c = cl_as(&S, "admin", "en");
	struct resp *r;
	json_t *j, *last;
	int64_t *ids;
	size_t n;
	int pages;
	char *have;

	/* 1001 searches, each an entry of the log */
	for (int i = 0; i < 1001; i++) {
		r = cl_get(c, "/api/v1/members?q=zz&limit=1");
		cr_assert_eq(r->status, 200, "%s", r->body);
		resp_free(r);
	}
	for (int tries = 0;; tries++) {
		have = srv_value(&S, "SELECT count(*) FROM audit_log "
				     "WHERE action = 'members.searched'");
		if (atol(have) >= 1001)
			break;
		free(have);
		cr_assert_lt(tries, 50, "the searches were never written");
		usleep(100 * 1000);
	}
	free(have);
	j = cl_page(c, "/api/v1/audit?action=members.searched", NULL, 3);
	cr_assert_eq(json_integer_value(json_object_get(j, "total")), 1000);
	cr_assert(json_is_true(json_object_get(j, "total_is_lower_bound")));
	json_decref(j);
	/* a filter narrow enough is counted exactly, and walked with it */
	ids = walk(c, "/api/v1/audit?action=login", "entries", 1, NULL, NULL, &n,
		   &pages, &last);
	have = srv_value(&S, "SELECT count(*) FROM audit_log WHERE action = 'login'");
	cr_assert_eq((long)n, atol(have));
	cr_assert_eq(json_integer_value(json_object_get(last, "total")), atol(have));
	cr_assert(json_is_false(json_object_get(last, "total_is_lower_bound")));
	cr_assert_gt(n, 0);
	json_decref(last);
	free(have);
	free(ids);
	/* the old way of paging is refused, not ignored; so is a bad cursor */
	r = cl_get(c, "/api/v1/audit?before=10");
	cr_assert_eq(r->status, 400, "%s", r->body);
	cr_assert(strstr(r->body, "\"bad_form\""), "%s", r->body);
	resp_free(r);
	r = cl_get(c, "/api/v1/audit?cursor=nope");
	cr_assert_eq(r->status, 422, "%s", r->body);
	cr_assert(strstr(r->body, "\"field\":\"cursor\""), "%s", r->body);
	resp_free(r);
	r = cl_get(c, "/api/v1/audit?limit=500");
	cr_assert_eq(r->status, 422, "%s", r->body);
	cr_assert(strstr(r->body, "\"field\":\"limit\""), "%s", r->body);
	resp_free(r);
	/* the page keeps its own way back and forth */
	r = cl_get(c, "/audit?before=10");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	cl_free(c);
}
