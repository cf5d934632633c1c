/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * What other modules may ask of the registry beyond one person
 * (members.h): the people of a branch or a union, within what the
 * request's account may read. The congress registers its delegates so.
 */
#include "index.h"
#include "internal.h"

int members_people_in(struct http_req *rq, const char *perm, int64_t branch,
		      int64_t union_id, size_t limit, struct members_hit **out_r,
		      size_t *n_r)
{
	struct mscope s;
	struct members_index_query q = {0};
	struct mindex_page pg;

	*out_r = NULL;
	*n_r = 0;
	/* a branch outside the reader's reach is no branch for them */
	if (branch && !can(rq, perm, branch))
		return DB_NOTFOUND;
	members_index_current();
	members_scope_for(rq, perm, &s);
	q.org = s.org;
	q.visible = s.bits;
	q.nvisible = s.nbits;
	q.status = MS_ACTIVE;
	q.union_id = union_id;
	if (branch) {
		uint8_t *bits;
		size_t nbits;
		members_scope_subtree(rq, branch, &bits, &nbits);
		q.in_branch = bits;
		q.nin_branch = nbits;
	}
	q.limit = limit;
	if (members_index_query(rq->arena, &q, &pg) != 0)
		return DB_ERROR;
	*out_r = arena_alloc(rq->arena, (pg.n + 1) * sizeof(**out_r));
	for (size_t i = 0; i < pg.n; i++)
		(*out_r)[i] = (struct members_hit){pg.hits[i].id,
						   pg.hits[i].branch_id,
						   pg.hits[i].display_name};
	*n_r = pg.n;
	return DB_OK;
}
