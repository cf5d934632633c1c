/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The members module's part of the authorization walk
 * (tests/http/test_authz.c): what the demo's Aktau coordinator holds of
 * the module's permissions (the demo makes them Aktau's organizer), and,
 * for each route that takes an id, an object outside Aktau to try.
 */
#include <stddef.h>

#include "../http/harness.h"

static const char *const held[] = {"members.read", "members.write", "members.vet",
				   "members.export", NULL};

static const struct walk_foreign foreign[] = {
	/* person 1 and scope 1 are in Almaty */
	{"/members/{id:int}", "1"},
	{"/members/{id:int}/edit", "1"},
	{"/members/{id:int}/status", "1"},
	{"/members/{id:int}/dues", "1"},
	{"/members/{id:int}/dues/{due:int}", "1"},
	{"/members/{id:int}/dues/{due:int}/remove", "1"},
	{"/members/{id:int}/invite", "1"},
	{"/api/v1/members/{id:int}", "1"},
	{"/branches/{id:int}", "1"},
	{"/branches/{id:int}/edit", "1"},
	{"/api/v1/branches/{id:int}", "1"},
	/* affiliated unions belong to the whole organization; their page
	 * lists only members in reach (tests/members/http_members.c) */
	{"/unions/{id:int}", WALK_SHARED},
	{"/api/v1/unions/{id:int}", WALK_SHARED},
	/* changing one is organization-wide: the coordinator of Aktau is
	 * refused every union (403), union 1 as any; the POST and PATCH of
	 * the shared patterns above are refused them in
	 * tests/members/http_versions.c */
	{"/unions/{id:int}/edit", "1"},
	/* the union is shared; the member named in the body (1) is not */
	{"/unions/{id:int}/reps", "1"},
	/* the demo's first application is to Almaty */
	{"/applications/{id:int}", "1"},
	{"/applications/{id:int}/review", "1"},
	/* no upload or export request exists in the demo: 404; taking
	 * another officer's is refused in tests/members/http_transfer.c */
	{"/members/import/{id:int}/run", "1"},
	{"/members/import/{id:int}/map", "1"},
	{"/members/export/{id:int}/approve", "1"},
	{"/members/export/{id:int}/download", "1"},
	/* no review exists in the demo: 404; one outside the officer's
	 * reach is refused in tests/members/http_contacts.c */
	{"/members/reviews/{id:int}", "1"},
	{0},
};

WALK_PART(members, "members", held, foreign)
