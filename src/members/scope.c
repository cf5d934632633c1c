/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Which branches a request may see: the platform's authz_scopes gives the
 * organization or a list of scope paths for a permission; this turns that
 * into a bitmap by branch id, which the index tests in O(1) per person.
 */
#include "internal.h"
#include "platform/auth/auth.h"
#include "platform/platform.h"

#include <string.h>

static void set_bit(uint8_t *bits, int64_t i)
{
	bits[i >> 3] |= (uint8_t)(1u << (i & 7));
}

int members_person_for(struct http_req *rq, const char *perm, int64_t id,
		       bool unseal, struct person *out)
{
	int rc;

	if (id <= 0)
		return DB_NOTFOUND;
	rc = members_person_get(platform_conn(), rq->arena, id, false, out);
	if (rc != DB_OK)
		return rc;
	if (out->erased_at || !can(rq, perm, out->branch_id))
		return DB_NOTFOUND;
	return unseal ? members_person_get(platform_conn(), rq->arena, id, true,
					   out)
		      : DB_OK;
}

void members_scope_for(struct http_req *rq, const char *perm,
		       struct mscope *out)
{
	const char **paths;
	size_t np, ns;
	struct scope *all;
	int64_t max = 0;

	memset(out, 0, sizeof(*out));
	authz_scopes(rq, perm, &out->org, &paths, &np);
	out->any = out->org || np > 0;
	if (out->org || np == 0)
		return;
	if (scope_list(platform_conn(), rq->arena, &all, &ns) != DB_OK)
		return;
	for (size_t i = 0; i < ns; i++)
		if (all[i].id > max)
			max = all[i].id;
	out->nbits = (size_t)max + 1;
	out->bits = arena_alloc(rq->arena, out->nbits / 8 + 1);
	for (size_t i = 0; i < ns; i++)
		for (size_t k = 0; k < np; k++)
			if (scope_path_within(all[i].path, paths[k]))
				set_bit(out->bits, all[i].id);
}

bool members_scope_has(const struct mscope *s, int64_t branch)
{
	if (s->org)
		return true;
	if (branch < 0 || (size_t)branch >= s->nbits)
		return false;
	return (s->bits[branch >> 3] >> (branch & 7)) & 1;
}

void members_scope_subtree(struct http_req *rq, int64_t branch,
			   uint8_t **bits_r, size_t *n_r)
{
	struct scope *all, top;
	size_t ns;
	int64_t max = 0;

	*bits_r = NULL;
	*n_r = 0;
	if (scope_get(platform_conn(), rq->arena, branch, &top) != DB_OK ||
	    scope_list(platform_conn(), rq->arena, &all, &ns) != DB_OK)
		return;
	for (size_t i = 0; i < ns; i++)
		if (all[i].id > max)
			max = all[i].id;
	*n_r = (size_t)max + 1;
	*bits_r = arena_alloc(rq->arena, *n_r / 8 + 1);
	for (size_t i = 0; i < ns; i++)
		if (scope_path_within(all[i].path, top.path))
			set_bit(*bits_r, all[i].id);
}
