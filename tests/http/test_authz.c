/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Walks every route of every table (from `rudder routes --json`) and
 * proves that anonymous requests and requests from the wrong scope are
 * refused. A new route is covered without touching this file, unless it
 * takes an object id under a permission the scoped account holds: then
 * the walk asks for a foreign object to try (table below).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "platform/core/core.h"

static struct srv S;
static void up(void)
{
	srv_init(&S, true);
	srv_start(&S, NULL);
}
static void down(void)
{
	cr_expect_eq(srv_stop(&S), 0);
	srv_destroy(&S);
}
TestSuite(authz, .init = up, .fini = down, .timeout = 180);

static json_t *routes(void)
{
	char *out = NULL, *err = NULL;
	json_error_t jerr;
	json_t *j;
	cr_assert_eq(run_rudder(NULL, &out, &err, "routes", "--json", NULL), 0, "%s", err);
	j = json_loads(out, 0, &jerr);
	cr_assert_not_null(j, "%s", jerr.text);
	free(out);
	free(err);
	return j;
}

/* "/admin/users/{id:int}/grants/{gid:int}" -> "/admin/users/ID/grants/ID" */
static char *fill(const char *pattern, const char *id)
{
	struct buf b;
	buf_init(&b);
	for (const char *p = pattern; *p;) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			if (close[-1] == '*')
				buf_puts(&b, "rudder.css");
			else
				buf_puts(&b, id);
			p = close + 1;
		} else {
			buf_putc(&b, *p++);
		}
	}
	buf_reserve(&b, 0);
	return buf_steal(&b, NULL);
}

/* Plausible values for the route's required fields, so that what is
 * tested is the permission, not the form. */
static char *fields_body(json_t *route, bool json)
{
	json_t *f, *fields = json_object_get(route, "fields");
	struct buf b;
	size_t i;
	buf_init(&b);
	if (json)
		buf_putc(&b, '{');
	json_array_foreach(fields, i, f) {
		const char *type = json_string_value(json_object_get(f, "type"));
		const char *v = strcmp(type, "email") == 0    ? "x@example.org"
				: strcmp(type, "int") == 0    ? "1"
				: strcmp(type, "bool") == 0   ? "on"
				: strcmp(type, "secret") == 0 ? "long enough secret"
							      : "x";
		if (!json_is_true(json_object_get(f, "required")))
			continue;
		if (json)
			buf_printf(&b, "%s\"%s\":\"%s\"", b.len > 1 ? "," : "",
				   json_string_value(json_object_get(f, "name")), v);
		else
			buf_printf(&b, "%s%s=%s", b.len ? "&" : "",
				   json_string_value(json_object_get(f, "name")), v);
	}
	if (json)
		buf_putc(&b, '}');
	buf_reserve(&b, 0);
	return buf_steal(&b, NULL);
}

static struct resp *call(struct client *c, json_t *route, const char *path)
{
	const char *method = json_string_value(json_object_get(route, "method"));
	bool api = json_is_true(json_object_get(route, "api"));
	char *body = fields_body(route, api);
	struct resp *r;

	if (strcmp(method, "GET") == 0) {
		r = cl_get(c, path);
	} else if (api) {
		char *t = cl_csrf(c), *h = xasprintf("X-CSRF-Token: %s", t);
		const char *hs[] = {h, NULL};
		r = cl_req(c, method, path, "application/json", body, strlen(body), hs);
		free(t);
		free(h);
	} else {
		r = cl_post(c, path, "%s", body);
	}
	free(body);
	return r;
}

Test(authz, every_route_refuses_anonymous_requests)
{
	json_t *all = routes(), *r;
	size_t i, checked = 0;
	struct client *c = cl_new(&S);

	json_array_foreach(all, i, r) {
		const char *perm = json_string_value(json_object_get(r, "perm"));
		const char *method = json_string_value(json_object_get(r, "method"));
		const char *pattern = json_string_value(json_object_get(r, "pattern"));
		bool api = json_is_true(json_object_get(r, "api"));
		char *path;
		struct resp *res;

		if (strcmp(perm, "public") == 0)
			continue;
		path = fill(pattern, "1");
		res = call(c, r, path);
		if (api) {
			cr_assert_eq(res->status, 401, "%s %s gave %ld", method, path, res->status);
			cr_assert(strstr(res->body, "\"code\":\"unauthenticated\""));
		} else {
			cr_assert_eq(res->status, 303, "%s %s gave %ld: %s", method, path, res->status, res->body);
			cr_assert(str_starts(resp_header(res, "Location"), "/login"),
				  "%s %s", method, path);
		}
		resp_free(res);
		free(path);
		checked++;
	}
	cr_assert_gt(checked, 20, "the walk saw too few routes");
	json_decref(all);
	cl_free(c);
}

static int64_t scope_id(const char *name)
{
	int64_t id = 0;
	char *out = srv_sql(&S, "SELECT id FROM scopes WHERE name LIKE '%s'", name);
	cr_assert_not_null(out);
	str_to_i64(str_trim(out), &id);
	free(out);
	cr_assert_gt(id, 0);
	return id;
}

#define SHARED "-"
/* Objects outside the Aktau coordinator's reach, by route pattern. */
static const struct {
	const char *pattern;
	const char *id; /* an object in another branch or the organization */
} foreign[] = {
	{"/admin/users/{id:int}", "1"},
	{"/admin/users/{id:int}/grants", "1"},
	{"/admin/users/{id:int}/grants/{gid:int}/revoke", "1"},
	{"/admin/users/{id:int}/status", "1"},
	{"/admin/users/{id:int}/signout", "1"},
	{"/admin/users/{id:int}/link", "1"},
	{"/admin/users/{id:int}/totp/reset", "1"},
	{"/api/v1/users/{id:int}", "1"},
	/* person 1 and scope 1 are in Almaty */
	{"/members/{id:int}", "1"},
	{"/members/{id:int}/edit", "1"},
	{"/members/{id:int}/status", "1"},
	{"/members/{id:int}/dues", "1"},
	{"/members/{id:int}/invite", "1"},
	{"/api/v1/members/{id:int}", "1"},
	{"/branches/{id:int}", "1"},
	/* affiliated unions belong to the whole organization; their page
	 * lists only members in reach (tests/members/http_members.c) */
	{"/unions/{id:int}", SHARED},
	/* the union is shared; the member named in the body (1) is not */
	{"/unions/{id:int}/reps", "1"},
	/* the demo's first application is to Almaty */
	{"/applications/{id:int}", "1"},
	{"/applications/{id:int}/review", "1"},
	/* no upload or export request exists in the demo: 404; taking
	 * another officer's is refused in tests/members/http_transfer.c and
	 * http_intl.c */
	{"/members/import/{id:int}/map", "1"},
	{"/members/import/{id:int}/run", "1"},
	{"/members/export/{id:int}/approve", "1"},
	{"/members/export/{id:int}/download", "1"},
	/* no review exists in the demo: 404; one outside the officer's
	 * reach is refused in tests/members/http_contacts.c */
	{"/members/reviews/{id:int}", "1"},
	/* no invitation exists in the demo: 404; one to a role outside the
	 * branch is refused in tests/members/http_two_person.c */
	{"/admin/invitations/{id:int}/cancel", "1"},
};

Test(authz, every_route_refuses_the_wrong_scope)
{
	json_t *all = routes(), *r;
	size_t i;
	struct client *c = cl_new(&S);
	/* what the Aktau coordinator holds (coordinator and organizer) */
	const char *held[] = {"accounts.manage", "members.read", "members.write",
			      "members.vet", "members.export"};

	cr_assert_eq(cl_login(c, "aktau@example.org", DEMO_PASSWORD, NULL), 303);
	json_array_foreach(all, i, r) {
		const char *perm = json_string_value(json_object_get(r, "perm"));
		const char *method = json_string_value(json_object_get(r, "method"));
		const char *pattern = json_string_value(json_object_get(r, "pattern"));
		bool holds = false, has_id = strchr(pattern, '{') != NULL;
		char *path;
		struct resp *res;

		if (strcmp(perm, "public") == 0 || strcmp(perm, "login") == 0)
			continue;
		for (size_t k = 0; k < sizeof(held) / sizeof(*held); k++)
			holds |= strcmp(perm, held[k]) == 0;
		if (!holds) {
			path = fill(pattern, "1");
			res = call(c, r, path);
			cr_assert_eq(res->status, 403, "%s %s gave %ld to a branch coordinator",
				     method, path, res->status);
			resp_free(res);
			free(path);
			continue;
		}
		if (!has_id)
			continue; /* lists: checked for their contents below */
		const char *id = NULL;
		for (size_t k = 0; k < sizeof(foreign) / sizeof(*foreign); k++)
			if (strcmp(foreign[k].pattern, pattern) == 0)
				id = foreign[k].id;
		cr_assert_not_null(id, "route %s %s takes an id under %s: add a foreign object "
				   "for it to the table in tests/http/test_authz.c",
				   method, pattern, perm);
		if (strcmp(id, SHARED) == 0)
			continue;
		path = fill(pattern, id);
		res = call(c, r, path);
		cr_assert(res->status == 404 || res->status == 403,
			  "%s %s gave %ld for an object outside Aktau", method, path,
			  res->status);
		resp_free(res);
		free(path);
	}
	json_decref(all);
	cl_free(c);
}

Test(authz, a_branch_coordinator_sees_and_grants_only_inside_the_branch)
{
	struct client *c = cl_new(&S);
	struct resp *r;
	int64_t almaty = scope_id("Almaty"), cell = scope_id("Aktau: oil workers%");

	cr_assert_eq(cl_login(c, "aktau@example.org", DEMO_PASSWORD, NULL), 303);
	r = cl_get(c, "/admin/users");
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "aktau@example.org"));
	cr_assert_null(strstr(r->body, "admin@example.org"));
	cr_assert_null(strstr(r->body, "karaganda@example.org"));
	resp_free(r);
	r = cl_get(c, "/api/v1/users");
	cr_assert_null(strstr(r->body, "karaganda@example.org"));
	resp_free(r);
	r = cl_get(c, "/admin/users/new");
	cr_assert(strstr(r->body, "oil workers"));
	cr_assert_null(strstr(r->body, ">Almaty<"), "Almaty is not offered");
	cr_assert_null(strstr(r->body, "value=\"admin\""), "admin is not offered");
	resp_free(r);
	/* creating an account over Almaty is refused */
	r = cl_post(c, "/admin/users",
		    "display_name=X&email=x%%40example.org&role=coordinator&scope=%lld",
		    (long long)almaty);
	cr_assert_eq(r->status, 403);
	resp_free(r);
	r = cl_post(c, "/admin/users",
		    "display_name=X&email=x%%40example.org&role=admin&scope=0");
	cr_assert_eq(r->status, 403);
	resp_free(r);
	/* inside the branch it is an invitation (the answer does not tell
	 * whether the address has an account: tests/members/http_two_person.c) */
	r = cl_post(c, "/admin/users",
		    "display_name=Cell+organizer&email=cell%%40example.org&role=coordinator&scope=%lld",
		    (long long)cell);
	cr_assert_eq(r->status, 202, "%s", r->body);
	resp_free(r);
	/* an account of the cell, made by the administrator, cannot be given
	 * a role over Almaty by this coordinator */
	char *id = srv_sql(&S, "SELECT u.id FROM users u JOIN grants g ON g.user_id = u.id "
			       "JOIN scopes s ON s.id = g.scope_id WHERE s.name = 'Aktau' "
			       "AND u.display_name LIKE 'Yerlan%%' LIMIT 1");
	cr_assert_not_null(id);
	str_trim(id);
	char *path = xasprintf("/admin/users/%s/grants", id);
	r = cl_post(c, path, "role=coordinator&scope=%lld", (long long)almaty);
	cr_assert_eq(r->status, 403);
	resp_free(r);
	free(path);
	free(id);
	cl_free(c);
}

Test(authz, an_organization_coordinator_manages_all_but_cannot_read_the_audit)
{
	struct client *c = cl_new(&S);
	struct resp *r;
	cr_assert_eq(cl_login(c, "coordinator@example.org", DEMO_PASSWORD, NULL), 303);
	r = cl_get(c, "/admin/users");
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "karaganda@example.org"));
	cr_assert(strstr(r->body, "admin@example.org"));
	resp_free(r);
	r = cl_get(c, "/audit");
	cr_assert_eq(r->status, 403);
	resp_free(r);
	cl_free(c);
}
