/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The members JSON API under /api/v1/: the same checks, scopes and audit
 * entries as the pages (docs/api/openapi.yaml describes it).
 */
#include "internal.h"
#include "platform/audit/audit.h"
#include "platform/i18n/i18n.h"
#include "platform/platform.h"

#include <stdio.h>
#include <string.h>

void members_stale(struct http_req *rq, struct http_resp *rs, int64_t id)
{
	struct person now;

	if (members_person_get(platform_conn(), rq->arena, id, true, &now) !=
	    DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	/* the answer opens the record: a reading like a GET */
	audit_rq(rq, platform_conn(), "person.viewed",
		 members_person_ref(rq->arena, now.id), NULL);
	http_etag(rq, rs, now.version);
	http_error_with(rq, rs, HTTP_E_CONFLICT,
			N_("Someone else changed this member since the version you sent; nothing was changed. The record as it is now is in \"current\"."),
			"current", members_person_json(rq, &now, true));
}

static void field_invalid(struct http_req *rq, struct http_resp *rs,
			  const char *field, const char *why)
{
	http_error_field(rq, rs, field, members_field_label(rq, field), why);
}

/* People in ascending id, a page at a time (http.h, "lists"): the
 * cursor is the last id a page held, so a walk sees everyone present
 * when it began exactly once, whoever is renamed or added meanwhile (the
 * added come last); the filters go with every page. */
void members_api_members_list(struct http_req *rq, struct http_resp *rs)
{
	struct http_list l;
	struct mindex_page pg;
	json_t *arr;

	if (http_list_args(rq, rs, &l) != 0)
		return;
	/* one more than the page: whether another follows */
	if (members_query_after(rq, l.id, l.limit + 1, &pg) != 0) {
		http_error(rq, rs, HTTP_E_NOT_FOUND, N_("There is no such branch."));
		return;
	}
	if (members_search_audit(rq, &pg) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < pg.n && i < l.limit; i++) {
		const struct mindex_hit *h = &pg.hits[i];
		json_array_append_new(
		    arr, json_pack(
			     "{s:I, s:s, s:I, s:s, s:s}", "id",
			     (json_int_t)h->id, "display_name", h->display_name,
			     "branch_id", (json_int_t)h->branch_id, "branch",
			     members_branch_name(rq, h->branch_id), "status",
			     members_status_name((enum mstatus)h->status)));
	}
	http_list_reply(rs, &l, "people", arr,
			pg.n > l.limit ? pg.hits[l.limit - 1].id : 0, pg.total,
			pg.at_least);
}

/* "unions": [1, 2] in the body: each must exist. NULL/0 when absent;
 * -1 when not an array of known ids. */
static int json_unions(struct http_req *rq, bool *given_r, int64_t **ids_r,
		       size_t *n_r)
{
	json_t *arr = rq->json ? json_object_get(rq->json, "unions") : NULL;
	json_t *v;
	size_t i;
	struct union_org u;

	*given_r = arr != NULL;
	*ids_r = NULL;
	*n_r = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return -1;
	*ids_r = arena_alloc(rq->arena, (json_array_size(arr) + 1) * sizeof(int64_t));
	json_array_foreach(arr, i, v) {
		if (!json_is_integer(v) ||
		    members_union_get(platform_conn(), rq->arena,
				      json_integer_value(v), &u) != DB_OK)
			return -1;
		(*ids_r)[(*n_r)++] = json_integer_value(v);
	}
	return 0;
}

/* Writes in (after the checks) and answers with the person. */
static void write_and_answer(struct http_req *rq, struct http_resp *rs,
			     struct person_input *in, int64_t *uids,
			     size_t nu, int64_t id)
{
	const char *field, *why;
	struct person p;
	int rc;

	if ((why = members_write_check(rq, in, &field))) {
		field_invalid(rq, rs, field, why);
		return;
	}
	rc = members_write(rq, in, uids, nu, &id);
	if (rc == DB_STALE) {
		members_stale(rq, rs, id);
		return;
	}
	if (rc == DB_CONSTRAINT) {
		http_error(rq, rs, HTTP_E_CONFLICT,
			   N_("Someone with this phone or email is registered already."));
		return;
	}
	if (rc != DB_OK || members_person_get(platform_conn(), rq->arena, id,
					      true, &p) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	http_etag(rq, rs, p.version);
	http_json(rs, rq->method == HTTP_POST ? 201 : 200,
		  members_person_json(rq, &p, true));
}

void members_api_members_create(struct http_req *rq, struct http_resp *rs)
{
	struct person_input in;
	int64_t *uids;
	size_t nu;
	bool given;

	members_input_from_form(rq, &in);
	/* a status is set once, on creation; later changes have their own
	 * route (as on the form) */
	in.status = http_field(rq, "status");
	if (json_unions(rq, &given, &uids, &nu) != 0) {
		field_invalid(rq, rs, "unions", N_("is not a known union"));
		return;
	}
	write_and_answer(rq, rs, &in, uids, nu, 0);
}

void members_api_members_get(struct http_req *rq, struct http_resp *rs)
{
	struct person p;

	if (members_load(rq, rs, PERM_MEMBERS_READ, true, &p) != 0)
		return;
	audit_rq(rq, platform_conn(), "person.viewed",
		 arena_printf(rq->arena, "person:%lld", (long long)p.id), NULL);
	http_etag(rq, rs, p.version);
	http_json(rs, 200, members_person_json(rq, &p, true));
}

/* A field of the body when present, else what the person has. */
static const char *keep(struct http_req *rq, const char *name,
			const char *current)
{
	const char *v = http_field(rq, name);
	return v ? v : current;
}

static bool keep_bool(struct http_req *rq, const char *name, bool current)
{
	return http_field(rq, name) ? http_field_bool(rq, name) : current;
}

void members_api_members_update(struct http_req *rq, struct http_resp *rs)
{
	struct person p;
	struct person_input in = {0};
	int64_t *uids;
	size_t nu;
	bool given;

	if (members_load(rq, rs, PERM_MEMBERS_WRITE, true, &p) != 0)
		return;
	if (p.erased_at) {
		http_error(rq, rs, HTTP_E_ERASED, N_("This person's data was erased."));
		return;
	}
	in.display_name = keep(rq, "display_name", p.display_name);
	in.legal_name = keep(rq, "legal_name", p.legal_name);
	in.phone = keep(rq, "phone", p.phone);
	in.email = keep(rq, "email", p.email);
	in.address = keep(rq, "address", p.address);
	in.birth_date = keep(rq, "birth_date", p.birth_date);
	in.workplace = keep(rq, "workplace", p.workplace);
	in.notes = keep(rq, "notes", p.notes);
	in.joined_on = keep(rq, "joined", p.joined_on);
	in.branch_id = http_field(rq, "branch") ? http_field_int(rq, "branch", 0)
						: p.branch_id;
	in.consent_phone = keep_bool(rq, "consent_phone", p.consent_phone);
	in.consent_sms = keep_bool(rq, "consent_sms", p.consent_sms);
	in.consent_email = keep_bool(rq, "consent_email", p.consent_email);
	/* If-Match (or the body's "version"): the write goes ahead only
	 * while the record is at that version; without either it goes
	 * ahead (as GitHub's and Stripe's APIs do), the fields not sent
	 * kept as they are */
	in.version = http_if_match(rq);
	if (json_unions(rq, &given, &uids, &nu) != 0) {
		field_invalid(rq, rs, "unions", N_("is not a known union"));
		return;
	}
	if (!given && members_person_unions(platform_conn(), rq->arena, p.id,
					    &uids, &nu) != DB_OK) {
		http_error(rq, rs, HTTP_E_INTERNAL, NULL);
		return;
	}
	write_and_answer(rq, rs, &in, uids, nu, p.id);
}

/* Branches and unions are few: their whole lists, paged by id (a
 * branch's parent_id and depth rebuild the tree). */
void members_api_branches(struct http_req *rq, struct http_resp *rs)
{
	struct http_list l;

	if (http_list_args(rq, rs, &l) == 0)
		http_list_array(rs, &l, "branches", members_branches_json(rq));
}

void members_api_unions(struct http_req *rq, struct http_resp *rs)
{
	struct http_list l;

	if (http_list_args(rq, rs, &l) == 0)
		http_list_array(rs, &l, "unions", members_unions_json(rq));
}
