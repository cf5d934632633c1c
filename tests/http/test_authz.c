/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Walks every route of every table (from `rudder routes --json`) and
 * proves that anonymous requests and requests from the wrong scope are
 * refused. A new route is covered without touching this file, unless it
 * takes an object id under a permission the scoped account holds: then
 * the walk asks its part for a foreign object to try. The platform's
 * part is below; a module's is in tests/<module>/http_authz.c (harness.h,
 * WALK_PART).
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
	srv_up(&S, SRV_DEMO, NULL);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(authz, .init = up, .fini = down, .timeout = 180);

/* What the Aktau coordinator holds of the platform's permissions (a
 * coordinator), and the platform's objects outside Aktau. */
static const char *const auth_held[] = {"accounts.manage", NULL};
static const struct walk_foreign auth_foreign[] = {
	/* account 1 is the administrator, over the whole organization */
	{"/admin/users/{id:int}", "1"},
	{"/admin/users/{id:int}/grants", "1"},
	{"/admin/users/{id:int}/grants/{gid:int}/revoke", "1"},
	{"/admin/users/{id:int}/status", "1"},
	{"/admin/users/{id:int}/signout", "1"},
	{"/admin/users/{id:int}/link", "1"},
	{"/admin/users/{id:int}/totp/reset", "1"},
	{"/api/v1/users/{id:int}", "1"},
	/* no invitation exists in the demo: 404; one to a role outside the
	 * branch is refused in tests/members/http_two_person.c */
	{"/admin/invitations/{id:int}/cancel", "1"},
	/* the walk through a token makes the administrator's token 1 first;
	 * the walk through a session finds none: 404 either way. A branch
	 * coordinator never reaches /admin/tokens (the whole organization's) */
	{"/admin/tokens/{id:int}/revoke", "1"},
	{0},
};
WALK_PART(auth, "auth", auth_held, auth_foreign)

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
		r = cl_api(c, method, path, body);
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

/* Does a part hold perm? */
static bool held(const char *perm)
{
	for (const struct walk_part *p = walk_parts(); p; p = p->next)
		for (size_t k = 0; p->held && p->held[k]; k++)
			if (strcmp(p->held[k], perm) == 0)
				return true;
	return false;
}

/* The foreign object for a route, from its module's part; fails the test
 * when none says one, or more than one. */
static const char *foreign_id(const char *module, const char *method,
			      const char *pattern, const char *perm)
{
	const char *id = NULL, *file = NULL;

	for (const struct walk_part *p = walk_parts(); p; p = p->next) {
		if (strcmp(p->module, module) != 0)
			continue;
		for (size_t k = 0; p->foreign[k].pattern; k++) {
			if (strcmp(p->foreign[k].pattern, pattern) != 0)
				continue;
			cr_assert_null(id, "%s names %s twice (%s and %s)", module, pattern,
				       file, p->file);
			id = p->foreign[k].id;
			file = p->file;
		}
	}
	cr_assert_not_null(id,
			   "route %s %s of %s takes an id under %s: give it a foreign object "
			   "in the %s part of the walk (tests/%s/http_authz.c for a module, "
			   "tests/http/test_authz.c for the platform)",
			   method, pattern, module, perm, module, module);
	return id;
}

/* Is there a route of module whose field (pattern, perm) is value? */
static bool has_route(json_t *all, const char *module, const char *field,
		      const char *value)
{
	json_t *r;
	size_t i;

	json_array_foreach(all, i, r) {
		if (strcmp(json_string_value(json_object_get(r, "module")), module) == 0 &&
		    strcmp(json_string_value(json_object_get(r, field)), value) == 0)
			return true;
	}
	return false;
}

/* A part speaks only for routes of its own module that exist: a route
 * renamed or moved leaves no stale row behind, and no part grants the
 * walk's account another module's permissions. */
static void parts_speak_for_their_own_routes(json_t *all)
{
	for (const struct walk_part *p = walk_parts(); p; p = p->next) {
		for (size_t k = 0; p->held && p->held[k]; k++)
			cr_assert(has_route(all, p->module, "perm", p->held[k]),
				  "%s: the %s part holds %s, which no route of %s asks for",
				  p->file, p->module, p->held[k], p->module);
		for (size_t k = 0; p->foreign[k].pattern; k++)
			cr_assert(has_route(all, p->module, "pattern", p->foreign[k].pattern),
				  "%s: the %s part names %s, which is no route of %s",
				  p->file, p->module, p->foreign[k].pattern, p->module);
	}
}

Test(authz, every_route_refuses_the_wrong_scope)
{
	json_t *all = routes(), *r;
	size_t i;
	struct client *c = cl_as(&S, "aktau", NULL);

	parts_speak_for_their_own_routes(all);
	json_array_foreach(all, i, r) {
		const char *perm = json_string_value(json_object_get(r, "perm"));
		const char *method = json_string_value(json_object_get(r, "method"));
		const char *pattern = json_string_value(json_object_get(r, "pattern"));
		const char *module = json_string_value(json_object_get(r, "module"));
		bool has_id = strchr(pattern, '{') != NULL;
		const char *id;
		char *path;
		struct resp *res;

		if (strcmp(perm, "public") == 0 || strcmp(perm, "login") == 0)
			continue;
		if (!held(perm)) {
			path = fill(pattern, "1");
			res = call(c, r, path);
			cr_assert_eq(res->status, 403,
				     "%s %s gave %ld to a branch coordinator (if it holds %s, "
				     "say so in the %s part of the walk)",
				     method, path, res->status, perm, module);
			resp_free(res);
			free(path);
			continue;
		}
		if (!has_id)
			continue; /* lists: checked for their contents below */
		id = foreign_id(module, method, pattern, perm);
		if (strcmp(id, WALK_SHARED) == 0)
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
	struct client *c = cl_as(&S, "aktau", NULL);
	struct resp *r;
	int64_t almaty = scope_id("Almaty"), cell = scope_id("Aktau: oil workers%");

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
	struct client *c = cl_as(&S, "coordinator", NULL);
	struct resp *r;

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

/* The walk again, through a personal access token of the Aktau
 * coordinator carrying every grant of its account (docs/api/tokens.md):
 * no page opens to a token (401), and the API refuses it what the
 * session is refused. */
Test(authz, every_route_refuses_a_token_of_the_wrong_scope)
{
	json_t *all = routes(), *r;
	size_t i, checked = 0;
	struct client *admin = cl_as(&S, "admin", NULL), *ak = cl_as(&S, "aktau", NULL), *c;
	/* a token is made only with a second factor, proved in the session */
	char *secrets[] = {cl_enrol(admin), cl_enrol(ak)};
	struct resp *res = cl_api(admin, "POST", "/api/v1/tokens",
				  "{\"name\": \"the administrator's\", \"days\": 5}");
	char *n = srv_value(&S, "SELECT count(*) FROM grants g JOIN users u ON u.id = g.user_id "
				"WHERE u.display_name = 'Yerlan (Aktau coordinator)'");
	struct buf body;
	json_t *j;
	char *h;

	cr_assert_eq(res->status, 201, "%s", res->body);
	cr_assert(strstr(res->body, "\"id\":1"), "the foreign token is 1: %s", res->body);
	resp_free(res);
	buf_init(&body);
	buf_puts(&body, "{\"name\": \"walk\", \"days\": 5, \"grants\": [");
	for (long k = 0; k < atol(n); k++) {
		char *g = srv_value(&S, "SELECT g.id FROM grants g JOIN users u ON u.id = g.user_id "
					"WHERE u.display_name = 'Yerlan (Aktau coordinator)' "
					"ORDER BY g.id LIMIT 1 OFFSET %ld", k);
		buf_printf(&body, "%s%s", k ? ", " : "", g);
		free(g);
	}
	buf_puts(&body, "]}");
	cr_assert_gt(atol(n), 1, "the Aktau coordinator holds several roles");
	res = cl_api(ak, "POST", "/api/v1/tokens", body.data);
	cr_assert_eq(res->status, 201, "%s", res->body);
	j = json_loads(res->body, 0, NULL);
	h = xasprintf("Authorization: Bearer %s", json_string_value(json_object_get(j, "token")));
	json_decref(j);
	resp_free(res);
	c = cl_new(&S);
	cl_header(c, h);

	json_array_foreach(all, i, r) {
		const char *perm = json_string_value(json_object_get(r, "perm"));
		const char *method = json_string_value(json_object_get(r, "method"));
		const char *pattern = json_string_value(json_object_get(r, "pattern"));
		const char *module = json_string_value(json_object_get(r, "module"));
		bool api = json_is_true(json_object_get(r, "api"));
		bool has_id = strchr(pattern, '{') != NULL;
		const char *id = "1";
		char *path;

		if (!api) {
			/* not even a public page: a token is for the API only */
			path = fill(pattern, "1");
			res = strcmp(method, "GET") == 0
				      ? cl_get(c, path)
				      : cl_req(c, method, path, NULL, NULL, 0, NULL);
			cr_assert_eq(res->status, 401, "%s %s gave %ld to a token", method,
				     path, res->status);
			resp_free(res);
			free(path);
			checked++;
			continue;
		}
		if (strcmp(perm, "public") == 0 || strcmp(perm, "login") == 0)
			continue;
		if (held(perm)) {
			if (!has_id)
				continue;
			id = foreign_id(module, method, pattern, perm);
			if (strcmp(id, WALK_SHARED) == 0)
				continue;
		}
		path = fill(pattern, id);
		res = call(c, r, path);
		if (held(perm))
			cr_assert(res->status == 404 || res->status == 403,
				  "%s %s gave %ld to a token for an object outside Aktau",
				  method, path, res->status);
		else
			cr_assert_eq(res->status, 403, "%s %s gave %ld to a token", method,
				     path, res->status);
		resp_free(res);
		free(path);
		checked++;
	}
	cr_assert_gt(checked, 20, "the walk saw too few routes");
	free(secrets[0]);
	free(secrets[1]);
	buf_free(&body);
	free(h);
	free(n);
	json_decref(all);
	cl_free(c);
	cl_free(ak);
	cl_free(admin);
}
