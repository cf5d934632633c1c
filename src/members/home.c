/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * What waits for an officer, as lines of the home page: applications to
 * vet, exports to approve, contact reviews, and the records changed this
 * week — each counted within what the reader may see, never beyond it.
 */
#include "internal.h"
#include "platform/i18n/i18n.h"

#include <string.h>

#define RECENT_DAYS 7
#define RECENT_MAX 5

/* counted per branch the reader vets in (a branch inside another they
 * vet in counted once, with it), so that neither the count nor its cost
 * depends on the queue of branches out of reach */
static void applications(struct http_req *rq, json_t *lines)
{
	const char **paths;
	size_t np, waiting = 0;
	bool org;

	authz_scopes(rq, PERM_MEMBERS_VET, &org, &paths, &np);
	for (size_t k = 0; k < (org ? 1 : np); k++) {
		bool inside = false;
		int64_t n = 0;
		for (size_t j = 0; !org && j < np && !inside; j++)
			inside = j != k && scope_path_within(paths[k], paths[j]) &&
				 (strcmp(paths[k], paths[j]) != 0 || j < k);
		if (inside ||
		    members_applications_waiting(platform_conn(), rq->arena,
						 org ? NULL : paths[k], &n) != DB_OK)
			continue;
		waiting += (size_t)n;
	}
	if (waiting)
		http_waiting(lines,
			     arena_printf(rq->arena,
					  trn(rq->lang, "%lu application waits to be vetted",
					      "%lu applications wait to be vetted",
					      (unsigned long)waiting),
					  (unsigned long)waiting),
			     "/applications", false);
}

static void exports(struct http_req *rq, json_t *lines)
{
	struct export_request *r;
	size_t n, waiting = 0;

	/* every pending one, not the newest few of the organization: how
	 * many others asked for elsewhere changes nothing here */
	if (!can_any(rq, PERM_MEMBERS_EXPORT) ||
	    members_export_requests_pending(platform_conn(), rq->arena,
					    rq->user.id, &r, &n) != DB_OK)
		return;
	for (size_t i = 0; i < n; i++)
		if (members_export_covers(rq, r[i].scopes))
			waiting++;
	if (waiting)
		http_waiting(lines,
			     arena_printf(rq->arena,
					  trn(rq->lang, "%lu export waits for a second officer",
					      "%lu exports wait for a second officer",
					      (unsigned long)waiting),
					  (unsigned long)waiting),
			     "/members/export", false);
}

static void reviews(struct http_req *rq, json_t *lines)
{
	size_t n;

	if (!can_any(rq, PERM_MEMBERS_WRITE) || !(n = members_reviews_waiting(rq)))
		return;
	http_waiting(lines,
		     arena_printf(rq->arena,
				  trn(rq->lang, "%lu phone or email is held by two records",
				      "%lu phones or emails are held by two records",
				      (unsigned long)n),
				  (unsigned long)n),
		     "/members/reviews", false);
}

/* the records changed this week, under each branch the reader may read */
static void recent(struct http_req *rq, json_t *lines)
{
	int64_t since = time_now() - RECENT_DAYS * 86400;
	const char **paths;
	int64_t seen[RECENT_MAX];
	size_t np, shown = 0;
	bool org;

	authz_scopes(rq, PERM_MEMBERS_READ, &org, &paths, &np);
	for (size_t k = 0; k < (org ? 1 : np) && shown < RECENT_MAX; k++) {
		struct person *p;
		size_t n;
		if (members_people_changed_since(platform_conn(), rq->arena,
						 org ? NULL : paths[k], since,
						 RECENT_MAX, &p, &n) != DB_OK)
			continue;
		for (size_t i = 0; i < n && shown < RECENT_MAX; i++) {
			char when[32];
			bool dup = false; /* grants over a branch and one inside it */
			for (size_t j = 0; j < shown && !dup; j++)
				dup = seen[j] == p[i].id;
			if (dup)
				continue;
			seen[shown++] = p[i].id;
			time_format(p[i].updated_at, when, sizeof(when));
			http_waiting(lines,
				     arena_printf(rq->arena,
						  tr_rq(rq, N_("%s, changed %s")),
						  p[i].display_name, when),
				     arena_printf(rq->arena, "/members/%lld",
						  (long long)p[i].id),
				     false);
		}
	}
}

void members_waiting(struct http_req *rq, json_t *lines)
{
	applications(rq, lines);
	exports(rq, lines);
	reviews(rq, lines);
	recent(rq, lines);
}
