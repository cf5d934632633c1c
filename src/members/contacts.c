/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * One phone or email, two people: what a write does when the value is
 * someone else's already (docs/members.md, "Contacts of people outside
 * one's scope").
 *
 * The rule: an officer's answer never depends on people outside their
 * scope. "Registered already" would tell an Aktau organizer that a phone
 * number belongs to a member somewhere in the organization, and a file of
 * a thousand numbers would tell them which. So:
 *
 *   - a holder the writer may see (members.read over its branch) makes
 *     the write a conflict (409): the writer can look them up anyway;
 *   - holders the writer may not see change nothing in the answer: the
 *     value is written as if it were new, its blind index kept as an alias
 *     when the unique one is taken, and a contact review is opened for an
 *     officer who sees both people (reviews.c).
 *
 * Both paths run the same queries up to the last write: the holders are
 * read with their branches in one statement, and a write that meets no
 * clash closes stale reviews where one that meets a hidden holder opens
 * one.
 */
#include "internal.h"
#include "platform/auth/auth.h"

#include <stdlib.h>
#include <string.h>

/* From the holder's branch path and the grants the request loaded: no
 * query, so a hidden holder costs no more than none */
static bool sees_read(void *arg, const char *path)
{
	bool org;
	const char **paths;
	size_t n;

	authz_scopes(arg, PERM_MEMBERS_READ, &org, &paths, &n);
	if (org)
		return true;
	for (size_t i = 0; i < n; i++)
		if (scope_path_within(path, paths[i]))
			return true;
	return false;
}

struct contact_view members_contact_view_of(struct http_req *rq)
{
	return (struct contact_view){sees_read, rq};
}

/* The branch nearest two scope paths ("/1/7/12/" and "/1/7/30/": 7), 0
 * when only the organization holds both. */
static int64_t nearest_common(const char *a, const char *b)
{
	size_t i = 0, last = 0, start;

	while (a[i] && a[i] == b[i]) {
		if (a[i] == '/')
			last = i + 1; /* just after a common '/' */
		i++;
	}
	if (last <= 1)
		return 0;
	for (start = last - 1; start > 0 && a[start - 1] != '/'; start--)
		;
	return strtoll(a + start, NULL, 10);
}

int members_contacts_plan(struct db_conn *c, struct arena *a,
			  const unsigned char *const bi[CONTACT__MAX],
			  int64_t self, int64_t branch,
			  const struct contact_view *v,
			  struct contact_plan *out)
{
	struct scope mine = {.path = ""};

	memset(out, 0, sizeof(*out));
	/* read whether or not anything clashes: both paths do the same */
	if (branch && scope_get(c, a, branch, &mine) != DB_OK)
		mine.path = "";
	for (int f = 0; f < CONTACT__MAX; f++) {
		struct contact_holder *h;
		size_t n;
		int rc;

		if (!bi[f])
			continue;
		rc = members_person_holders(c, a, f, bi[f], self, &h, &n);
		if (rc != DB_OK)
			return rc;
		for (size_t i = 0; i < n; i++) {
			bool seen = !v || !v->sees || v->sees(v->arg, h[i].path);
			if (h[i].first)
				out->taken[f] = true;
			if (seen && !out->seen[f])
				out->seen[f] = h[i].id;
			else if (!seen && !out->hidden[f]) {
				out->hidden[f] = h[i].id;
				out->cover[f] = nearest_common(mine.path, h[i].path);
			}
		}
	}
	return DB_OK;
}

int members_contacts_plan_input(struct db_conn *c, struct arena *a,
				const struct person_input *in, int64_t self,
				const struct contact_view *v,
				struct contact_plan *out)
{
	unsigned char e[16], p[16];
	const unsigned char *bi[CONTACT__MAX] = {
	    members_person_contact_index(CONTACT_EMAIL, in->email, e) ? e
								      : NULL,
	    members_person_contact_index(CONTACT_PHONE, in->phone, p) ? p
								      : NULL,
	};

	return members_contacts_plan(c, a, bi, self, in->branch_id, v, out);
}

void members_contacts_apply(const struct contact_plan *p,
			    struct person_input *in)
{
	in->email_alias = p->taken[CONTACT_EMAIL];
	in->phone_alias = p->taken[CONTACT_PHONE];
}

int members_contacts_settle(struct db_conn *c, int64_t person,
			    const struct contact_plan *p, int64_t by)
{
	for (int f = 0; f < CONTACT__MAX; f++) {
		int rc = p->hidden[f]
			     ? members_review_open(c, person, p->hidden[f], f,
						   p->cover[f], by)
			     : members_review_moot(c, person, f);
		if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}

int members_person_put(struct db_conn *c, struct arena *a,
		       struct person_input *in, const struct contact_view *v,
		       int64_t by, int64_t *id_io)
{
	struct contact_plan p;
	int rc = members_contacts_plan_input(c, a, in, *id_io, v, &p);

	if (rc != DB_OK)
		return rc;
	if (p.seen[CONTACT_EMAIL] || p.seen[CONTACT_PHONE])
		return DB_CONSTRAINT;
	members_contacts_apply(&p, in);
	rc = *id_io ? members_person_update(c, a, *id_io, in, by)
		    : members_person_create(c, a, in, by, id_io);
	if (rc == DB_OK)
		rc = members_contacts_settle(c, *id_io, &p, by);
	return rc;
}
