/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Contact reviews: two records that share a phone or email, written by
 * an officer who could not see the other one (contacts.c). An officer
 * who may change both people's records sees them side by side and
 * merges them (one person entered twice) or keeps them apart (a family
 * sharing a phone). Nobody else learns that the review exists: the list,
 * the count and each review answer only for reviews whose both records
 * lie in the caller's branches.
 */
#include "internal.h"
#include "platform/audit/audit.h"
#include "platform/auth/auth.h"
#include "platform/i18n/i18n.h"

#include <string.h>

/* The most reviews looked at for one list (they are rare). */
#define REVIEWS_MAX 200

/* Both people of r, when the caller may change both; else false. */
static bool covered(struct http_req *rq, const struct contact_review *r,
		    bool unseal, struct person *p, struct person *o)
{
	struct db_conn *c = platform_conn();

	return members_person_get(c, rq->arena, r->person_id, unseal, p) ==
		   DB_OK &&
	       members_person_get(c, rq->arena, r->other_id, unseal, o) ==
		   DB_OK &&
	       !p->erased_at && !o->erased_at &&
	       can(rq, PERM_MEMBERS_WRITE, p->branch_id) &&
	       can(rq, PERM_MEMBERS_WRITE, o->branch_id);
}

static const char *field_label(struct http_req *rq, int field)
{
	return tr_rq(rq, field == CONTACT_EMAIL ? N_("Email") : N_("Phone"));
}

/* The open reviews whose nearest branch lies in the caller's reach
 * (members.write), read by that branch: nothing read depends on reviews
 * outside it. Arena array. */
static void reviews_in_reach(struct http_req *rq, int64_t person,
			     struct contact_review **out_r, size_t *n_r)
{
	struct db_conn *c = platform_conn();
	struct contact_review *all = NULL, *part;
	size_t n = 0, cap = 0, np, k;
	const char **paths;
	bool org;

	*out_r = NULL;
	*n_r = 0;
	authz_scopes(rq, PERM_MEMBERS_WRITE, &org, &paths, &np);
	if (org) {
		if (members_reviews_within(c, rq->arena, NULL, person,
					   REVIEWS_MAX, out_r, n_r) != DB_OK)
			*n_r = 0;
		return;
	}
	for (size_t i = 0; i < np; i++) {
		if (members_reviews_within(c, rq->arena, paths[i], person,
					   REVIEWS_MAX, &part, &k) != DB_OK)
			continue;
		for (size_t j = 0; j < k && n < REVIEWS_MAX; j++) {
			bool dup = false; /* grants over a branch and one inside it */
			for (size_t m = 0; m < n && !dup; m++)
				dup = all[m].id == part[j].id;
			if (dup)
				continue;
			all = arena_grow(rq->arena, all, n, &cap, sizeof(*all));
			all[n++] = part[j];
		}
	}
	*out_r = all;
	*n_r = n;
}

size_t members_reviews_waiting(struct http_req *rq)
{
	struct contact_review *r;
	size_t n;

	reviews_in_reach(rq, 0, &r, &n);
	return n;
}

json_t *members_reviews_json(struct http_req *rq, int64_t person)
{
	struct contact_review *r;
	size_t n;
	json_t *arr = json_array();

	reviews_in_reach(rq, person, &r, &n);
	for (size_t i = 0; i < n; i++) {
		struct person p, o;
		char when[32];
		if (!covered(rq, &r[i], false, &p, &o))
			continue;
		if (person && r[i].other_id == person) {
			/* on the first record's page, "other" is the later one */
			struct person t = p;
			p = o;
			o = t;
		}
		time_format(r[i].opened_at, when, sizeof(when));
		json_array_append_new(
			arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
				       (json_int_t)r[i].id, "field",
				       field_label(rq, r[i].field), "person",
				       p.display_name, "person_branch",
				       members_branch_name(rq, p.branch_id), "other",
				       o.display_name, "other_branch",
				       members_branch_name(rq, o.branch_id), "when", when));
	}
	return arr;
}

void members_reviews_list(struct http_req *rq, struct http_resp *rs)
{
	json_t *data = json_pack("{s:o}", "reviews", members_reviews_json(rq, 0));

	json_object_set_new(data, "has_reviews",
			    json_boolean(json_array_size(json_object_get(data, "reviews")) > 0));

	http_page(rq, rs, 200, "members/reviews", N_("Records to review"), data);
}

/* The review {id} when the caller covers it; else 404 and -1. */
static int load_review(struct http_req *rq, struct http_resp *rs, bool unseal,
		       struct contact_review *r, struct person *p, struct person *o)
{
	int64_t id = http_param_int(rq, "id");

	if (!id ||
	    members_review_get(platform_conn(), rq->arena, id, r) != DB_OK ||
	    strcmp(r->state, "open") != 0 || !covered(rq, r, unseal, p, o)) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such review."));
		return -1;
	}
	return 0;
}

static void review_page(struct http_req *rq, struct http_resp *rs, int status,
			const struct contact_review *r, const struct person *p,
			const struct person *o, const char *error)
{
	char when[32];
	json_t *data, *branches = json_array();

	time_format(r->opened_at, when, sizeof(when));
	/* merged, the record keeps the older one's branch unless told */
	json_array_append_new(branches,
			      json_pack("{s:I, s:s}", "id", (json_int_t)o->branch_id,
					"name", members_branch_name(rq, o->branch_id)));
	if (p->branch_id != o->branch_id)
		json_array_append_new(branches,
				      json_pack("{s:I, s:s}", "id",
						(json_int_t)p->branch_id, "name",
						members_branch_name(rq, p->branch_id)));
	{
		json_t *first = members_person_json(rq, o, true);
		json_t *later = members_person_json(rq, p, true);
		json_object_set_new(first, "which", json_string(tr_rq(rq, N_("The first record"))));
		json_object_set_new(later, "which", json_string(tr_rq(rq, N_("The later record"))));
		data = json_pack("{s:I, s:s, s:s, s:s, s:[o, o], s:o}", "id",
				 (json_int_t)r->id, "field", field_label(rq, r->field),
				 "when", when, "by",
				 *r->opened_by_name ? r->opened_by_name : "—", "records",
				 first, later, "branches", branches);
	}
	/* a merge unlinks the later record's account: say so first */
	json_object_set_new(data, "later_self_service", json_boolean(p->account_id != 0));
	json_object_set_new(data, "first_self_service", json_boolean(o->account_id != 0));
	if (error)
		json_object_set_new(data, "error", json_string(error));
	http_page(rq, rs, status, "members/review", N_("Records to review"), data);
}

void members_reviews_show(struct http_req *rq, struct http_resp *rs)
{
	struct contact_review r;
	struct person p, o;

	if (load_review(rq, rs, true, &r, &p, &o) != 0)
		return;
	/* two records opened: two readings in the audit log */
	audit_rq(rq, platform_conn(), "person.viewed",
		 members_person_ref(rq->arena, p.id),
		 json_pack("{s:I}", "review", (json_int_t)r.id));
	audit_rq(rq, platform_conn(), "person.viewed",
		 members_person_ref(rq->arena, o.id),
		 json_pack("{s:I}", "review", (json_int_t)r.id));
	review_page(rq, rs, 200, &r, &p, &o, NULL);
}

struct resolve {
	struct http_req *rq;
	struct contact_review *r;
	bool merge;
	int64_t branch;
	int64_t later_account; /* unlinked by a merge */
};

static int resolve_tx(struct db_conn *c, void *arg)
{
	struct resolve *x = arg;
	struct http_req *rq = x->rq;
	const struct contact_review *r = x->r;
	int rc = members_review_resolve(c, r->id, x->merge ? "merged" : "apart",
					rq->user.id);

	if (rc != DB_OK)
		return rc;
	if (x->merge)
		rc = members_person_merge(c, rq->arena, r->other_id,
					  r->person_id, x->branch, rq->user.id);
	if (rc != DB_OK)
		return rc;
	return audit_rq(
	    rq, c, x->merge ? "person.merged" : "person.kept_apart",
	    members_person_ref(rq->arena, r->other_id),
	    json_pack("{s:I, s:I, s:s, s:I}", "review", (json_int_t)r->id,
		      "other", (json_int_t)r->person_id, "field",
		      members_contact_field_name(r->field), "unlinked_account",
		      (json_int_t)(x->merge ? x->later_account : 0)));
}

void members_reviews_resolve(struct http_req *rq, struct http_resp *rs)
{
	struct contact_review r;
	struct person p, o;
	const char *decision = http_field(rq, "decision");
	struct resolve x = {.rq = rq, .r = &r};
	int rc;

	if (load_review(rq, rs, true, &r, &p, &o) != 0)
		return;
	if (!decision || (strcmp(decision, "merge") != 0 && strcmp(decision, "apart") != 0)) {
		review_page(rq, rs, 422, &r, &p, &o,
			    tr_rq(rq, N_("Choose to merge the records or to keep them apart.")));
		return;
	}
	x.merge = strcmp(decision, "merge") == 0;
	x.later_account = p.account_id;
	x.branch = http_field_int(rq, "branch", o.branch_id);
	if (x.merge && x.branch != o.branch_id && x.branch != p.branch_id) {
		review_page(rq, rs, 422, &r, &p, &o,
			    tr_rq(rq, N_("The merged record stays in the branch of one of the two.")));
		return;
	}
	rc = db_tx(platform_conn(), resolve_tx, &x);
	if (rc == DB_NOTFOUND) {
		http_error(rq, rs, HTTP_E_CONFLICT, N_("This review was decided already."));
		return;
	}
	if (rc != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	members_changed(rq, r.person_id);
	members_changed(rq, r.other_id);
	http_flash(rq, rs, x.merge ? N_("The records are merged.")
				   : N_("The records stay apart."));
	http_redirect(rs, x.merge ? arena_printf(rq->arena, "/members/%lld",
						 (long long)r.other_id)
				  : "/members/reviews");
}
