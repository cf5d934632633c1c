/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Authorization: the registry of roles, the scope tree, and can().
 *
 * can(rq, perm, scope) is true when the request's account holds a grant
 * whose role includes perm and whose scope is the whole organization, or
 * contains the scope asked about. A question about the organization itself
 * (scope 0) is answered only by organization-wide grants. The account's
 * grants are read once per request and kept in the request's arena.
 */
#include "auth.h"
#include "internal.h"
#include "platform/db/db.h"
#include "platform/http/http.h"
#include "platform/runtime.h"

#include <stdlib.h>
#include <string.h>

#define MAX_ROLES 64

static const struct role_def *roles[MAX_ROLES];
static size_t nroles;

void authz_add_roles(const struct role_def *defs)
{
	for (const struct role_def *r = defs; r && r->name; r++) {
		if (authz_role(r->name))
			continue;
		if (nroles == MAX_ROLES) {
			log_error("auth", "too many roles");
			abort();
		}
		roles[nroles++] = r;
	}
}

const struct role_def *authz_role(const char *name)
{
	for (size_t i = 0; i < nroles; i++)
		if (strcmp(roles[i]->name, name) == 0)
			return roles[i];
	return NULL;
}

const struct role_def *const *authz_roles(size_t *n_r)
{
	*n_r = nroles;
	return roles;
}

bool role_has_perm(const struct role_def *r, const char *perm)
{
	for (const char *const *p = r->perms; p && *p; p++)
		if (strcmp(*p, perm) == 0)
			return true;
	return false;
}

/* ---- scopes ---- */

static const char SQL_SCOPE_INSERT[] =
	"INSERT INTO scopes (parent_id, name, created_at) VALUES ($1, $2, $3) "
	"RETURNING id";
static const char SQL_SCOPE_SET_PATH[] =
	"UPDATE scopes SET path = $1 WHERE id = $2";
static const char SQL_SCOPE_RENAME[] =
	"UPDATE scopes SET name = $2 WHERE id = $1";
static const char SQL_SCOPE_GET[] =
	"SELECT id, coalesce(parent_id, 0), name, path FROM scopes WHERE id = $1";
static const char SQL_SCOPE_FIND[] =
	"SELECT id, coalesce(parent_id, 0), name, path FROM scopes "
	"WHERE name = $1 ORDER BY path LIMIT 1";
static const char SQL_SCOPE_LIST[] =
	"SELECT id, coalesce(parent_id, 0), name, path FROM scopes ORDER BY path";

bool scope_path_within(const char *inner, const char *outer)
{
	return inner && outer && *outer && str_starts(inner, outer);
}

static int path_depth(const char *path)
{
	int slashes = 0;

	/* "/1/" is at depth 0, "/1/7/" at depth 1 */
	for (; *path; path++)
		if (*path == '/')
			slashes++;
	return slashes > 2 ? slashes - 2 : 0;
}

int scope_create(struct db_conn *c, int64_t parent, const char *name,
		 int64_t *id_r)
{
	struct arena *a = arena_new();
	struct scope p = {0};
	char *path;
	int rc;

	if (parent) {
		rc = scope_get(c, a, parent, &p);
		if (rc != DB_OK) {
			arena_free(a);
			return rc;
		}
	}
	if (parent)
		rc = db_int(c, id_r, SQL_SCOPE_INSERT, "iti", parent, name,
			    (int64_t)time_now());
	else
		rc = db_int(c, id_r, SQL_SCOPE_INSERT, "nti", name,
			    (int64_t)time_now());
	if (rc == DB_OK) {
		path = arena_printf(a, "%s%lld/", parent ? p.path : "/",
				    (long long)*id_r);
		rc = db_run(c, SQL_SCOPE_SET_PATH, "ti", path, *id_r);
		rc = rc < 0 ? rc : DB_OK;
	}
	arena_free(a);
	return rc;
}

int scope_rename(struct db_conn *c, int64_t id, const char *name)
{
	int rc = db_run(c, SQL_SCOPE_RENAME, "it", id, name);

	return rc < 0 ? rc : rc == 0 ? DB_NOTFOUND : DB_OK;
}

static const struct db_map SCOPE[] = {
	DB_COL(struct scope, id),   DB_COL(struct scope, parent_id),
	DB_COL(struct scope, name), DB_COL(struct scope, path),
	DB_COLS_END,
};

int scope_get(struct db_conn *c, struct arena *a, int64_t id,
	      struct scope *out)
{
	int rc = db_row(c, a, SCOPE, out, SQL_SCOPE_GET, "i", id);

	if (rc == DB_OK)
		out->depth = path_depth(out->path);
	return rc;
}

int scope_find(struct db_conn *c, struct arena *a, const char *name,
	       struct scope *out)
{
	int rc = db_row(c, a, SCOPE, out, SQL_SCOPE_FIND, "t", name);

	if (rc == DB_OK)
		out->depth = path_depth(out->path);
	return rc;
}

int scope_list(struct db_conn *c, struct arena *a, struct scope **out_r,
	       size_t *n_r)
{
	int rc = db_rows(c, a, SCOPE, sizeof(**out_r), out_r, n_r,
			 SQL_SCOPE_LIST, "");

	for (size_t i = 0; rc == DB_OK && i < *n_r; i++)
		(*out_r)[i].depth = path_depth((*out_r)[i].path);
	return rc;
}

/* ---- can() ---- */

const struct grant *auth_grants(struct http_req *rq, size_t *n_r)
{
	struct auth_session *s = rq->user.session;
	struct db_conn *c;

	*n_r = 0;
	if (!rq->user.id || !s)
		return NULL;
	if (!s->grants_loaded) {
		c = platform_conn();
		if (!c || grants_of(c, rq->arena, rq->user.id, &s->grants,
				    &s->ngrants) != DB_OK) {
			s->grants = NULL;
			s->ngrants = 0;
		}
		s->grants_loaded = true;
	}
	*n_r = s->ngrants;
	return s->grants;
}

/* A grant counts only once the second factor is done when its role sees
 * personal data and the organization requires TOTP. */
static bool grant_usable(struct http_req *rq, const struct role_def *r)
{
	return !(r->personal && rq->user.needs_enrolment);
}

bool can(struct http_req *rq, const char *perm, int64_t scope_id)
{
	size_t n;
	const struct grant *g = auth_grants(rq, &n);
	const char *target_path = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct role_def *r = authz_role(g[i].role);
		if (!r || !role_has_perm(r, perm) || !grant_usable(rq, r))
			continue;
		if (g[i].scope_id == 0)
			return true;
		if (scope_id == 0)
			continue;
		if (!target_path) {
			struct scope s;
			struct db_conn *c = platform_conn();
			if (!c || scope_get(c, rq->arena, scope_id, &s) != DB_OK)
				return false;
			target_path = s.path;
		}
		if (scope_path_within(target_path, g[i].scope_path))
			return true;
	}
	return false;
}

bool account_can(struct db_conn *c, struct arena *a, int64_t user,
		 const char *perm, int64_t scope)
{
	struct account acc;
	struct grant *g;
	struct scope s;
	size_t n;

	if (!user || account_get(c, a, user, &acc) != DB_OK ||
	    strcmp(acc.status, "active") != 0 ||
	    grants_of(c, a, user, &g, &n) != DB_OK)
		return false;
	if (scope && scope_get(c, a, scope, &s) != DB_OK)
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct role_def *r = authz_role(g[i].role);
		if (!r || !role_has_perm(r, perm))
			continue;
		if (g[i].scope_id == 0 ||
		    (scope && scope_path_within(s.path, g[i].scope_path)))
			return true;
	}
	return false;
}

bool can_any(struct http_req *rq, const char *perm)
{
	size_t n;
	const struct grant *g = auth_grants(rq, &n);

	for (size_t i = 0; i < n; i++) {
		const struct role_def *r = authz_role(g[i].role);
		if (r && role_has_perm(r, perm) && grant_usable(rq, r))
			return true;
	}
	return false;
}

void authz_scopes(struct http_req *rq, const char *perm, bool *org_r,
		  const char ***paths_r, size_t *n_r)
{
	size_t n, count = 0;
	const struct grant *g = auth_grants(rq, &n);
	const char **paths = arena_alloc(rq->arena, (n + 1) * sizeof(*paths));

	*org_r = false;
	for (size_t i = 0; i < n; i++) {
		const struct role_def *r = authz_role(g[i].role);
		if (!r || !role_has_perm(r, perm) || !grant_usable(rq, r))
			continue;
		if (g[i].scope_id == 0) {
			*org_r = true;
			count = 0;
			break;
		}
		paths[count++] = g[i].scope_path;
	}
	*paths_r = paths;
	*n_r = count;
}
