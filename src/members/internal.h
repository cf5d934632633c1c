/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Shared by the files of src/members/ only. */
#ifndef RUDDER_MEMBERS_INTERNAL_H
#define RUDDER_MEMBERS_INTERNAL_H

#include <jansson.h>

#include "index.h"
#include "members.h"
#include "platform/http/http.h"

/* The branches a request may see (or write) for a permission, as a
 * bitmap by branch id, for the index and for single checks. */
struct mscope {
	bool org;
	uint8_t *bits;
	size_t nbits;
	bool any; /* holds the permission somewhere */
};
void mscope_for(struct http_req *rq, const char *perm, struct mscope *out);
bool mscope_has(const struct mscope *s, int64_t branch);
/* The branch and everything under it, as a bitmap (filters). */
void mscope_subtree(struct http_req *rq, int64_t branch, uint8_t **bits_r,
		    size_t *n_r);

/* After a change to a person commits: this process's index, and (via the
 * event channel) every other process's. */
void members_changed(struct http_req *rq, int64_t person);

#define MEMBERS_PAGE_SIZE 50

/* Shared by the pages and the API (pages.c) */
const char *members_field_label(struct http_req *rq, const char *name);
char *members_money(struct arena *a, int64_t minor, const char *currency);
/* "2000", "2 000", "2000.50" or "2000,5" -> minor units; -1 if not. */
int members_money_parse(const char *s, int64_t *out_r);
void members_input_from_form(struct http_req *rq, struct person_input *in);
/* person_check, then: the branch exists and the caller may write there.
 * NULL, or a msgid with the field in *field_r. */
const char *members_write_check(struct http_req *rq, struct person_input *in,
				const char **field_r);
/* Writes a person (new when *id_io is 0) with their unions and an audit
 * entry, in a savepoint; tells the index after commit. A DB_ rc. */
int members_write(struct http_req *rq, const struct person_input *in,
		  int64_t *uids, size_t nu, int64_t *id_io);
/* The person {id} when the caller may use perm on their branch; else
 * answers 404 and returns -1. */
int members_load(struct http_req *rq, struct http_resp *rs, const char *perm,
		 bool unseal, struct person *p);
json_t *members_person_json(struct http_req *rq, const struct person *p,
			    bool sealed);
/* The search/list query from the request's q, branch, status, union and
 * page; -1 when a filter names a branch outside the caller's reach. */
int members_query(struct http_req *rq, struct mindex_hit **hits_r,
		  size_t *n_r, size_t *total_r, size_t *page_r);
const char *members_branch_name(struct http_req *rq, int64_t id);

/* branches.c */
json_t *members_branch_json(struct http_req *rq, const struct branch *b);
json_t *members_branches_json(struct http_req *rq);
json_t *members_union_json(struct http_req *rq, const struct union_org *u);
json_t *members_unions_json(struct http_req *rq);

/* JSON for pages and the API */
json_t *members_branch_options(struct http_req *rq, const struct mscope *s,
			       int64_t selected);
json_t *members_union_options(struct http_req *rq, const int64_t *selected,
			      size_t nselected);
json_t *members_status_options(struct http_req *rq, const char *selected);

/* handlers */
void members_list(struct http_req *rq, struct http_resp *rs);
void members_new(struct http_req *rq, struct http_resp *rs);
void members_create(struct http_req *rq, struct http_resp *rs);
void members_show(struct http_req *rq, struct http_resp *rs);
void members_edit(struct http_req *rq, struct http_resp *rs);
void members_update(struct http_req *rq, struct http_resp *rs);
void members_status(struct http_req *rq, struct http_resp *rs);
void members_dues(struct http_req *rq, struct http_resp *rs);
void branches_list(struct http_req *rq, struct http_resp *rs);
void branches_create(struct http_req *rq, struct http_resp *rs);
void branches_show(struct http_req *rq, struct http_resp *rs);
void unions_list(struct http_req *rq, struct http_resp *rs);
void unions_create(struct http_req *rq, struct http_resp *rs);
void unions_show(struct http_req *rq, struct http_resp *rs);
void unions_rep(struct http_req *rq, struct http_resp *rs);
void api_members_list(struct http_req *rq, struct http_resp *rs);
void api_members_create(struct http_req *rq, struct http_resp *rs);
void api_members_get(struct http_req *rq, struct http_resp *rs);
void api_members_update(struct http_req *rq, struct http_resp *rs);
void api_branches(struct http_req *rq, struct http_resp *rs);
void api_unions(struct http_req *rq, struct http_resp *rs);

extern const struct route_table members_routes;
int members_demo(struct db_conn *c, char *err, size_t cap);

#endif
