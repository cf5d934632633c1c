/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The congress module's part of the authorization walk
 * (tests/http/test_authz.c). The demo's Aktau coordinator chairs the
 * demo's second congress (the Aktau regional conference) and holds
 * nothing over the first (the national one, id 1, with its
 * participants): every route that takes a congress or a participant is
 * tried on the first's, and must refuse. A participant of another
 * congress under one's own congress's path is refused in
 * tests/congress/http_congress.c.
 */
#include <stddef.h>

#include "../http/harness.h"

static const char *const held[] = {"congress.chair", "congress.register",
				   "congress.door", "congress.participate",
				   NULL};

static const struct walk_foreign foreign[] = {
	{"/congress/{c:int}", "1"},
	{"/congress/{c:int}/edit", "1"},
	{"/congress/{c:int}/participants", "1"},
	{"/congress/{c:int}/participants/{p:int}", "1"},
	{"/congress/{c:int}/badge", "1"},
	{"/congress/{c:int}/door", "1"},
	{"/congress/{c:int}/agenda", "1"},
	{"/congress/{c:int}/agenda/{i:int}", "1"},
	{"/congress/{c:int}/agenda/{i:int}/speakers", "1"},
	{"/congress/{c:int}/agenda/{i:int}/speakers/{s:int}", "1"},
	{"/congress/{c:int}/motions", "1"},
	{"/congress/{c:int}/motions/{m:int}", "1"},
	{"/congress/{c:int}/motions/{m:int}/edit", "1"},
	{"/congress/{c:int}/motions/{m:int}/amend", "1"},
	{"/congress/{c:int}/motions/{m:int}/amendments", "1"},
	{"/congress/{c:int}/motions/{m:int}/amendments/{a:int}", "1"},
	{"/congress/{c:int}/motions/{m:int}/amendments/{a:int}/amendments", "1"},
	{"/congress/{c:int}/book", "1"},
	{"/congress/{c:int}/book.md", "1"},
	{"/congress/{c:int}/minutes", "1"},
	{"/congress/{c:int}/minutes.md", "1"},
	{"/congress/{c:int}/projector", "1"},
	{"/congress/{c:int}/events", "1"},
	{"/api/v1/congresses/{c:int}", "1"},
	{"/api/v1/congresses/{c:int}/participants", "1"},
	{"/api/v1/congresses/{c:int}/motions", "1"},
	{"/api/v1/congresses/{c:int}/motions/{m:int}", "1"},
	{"/api/v1/congresses/{c:int}/motions/{m:int}/amendments", "1"},
	{"/api/v1/congresses/{c:int}/motions/{m:int}/amendments/{a:int}", "1"},
	{"/api/v1/congresses/{c:int}/agenda", "1"},
	{"/api/v1/congresses/{c:int}/door", "1"},
	{"/api/v1/congresses/{c:int}/projector", "1"},
	{"/api/v1/congresses/{c:int}/minutes", "1"},
	{"/api/v1/congresses/{c:int}/participants/{p:int}", "1"},
	{"/api/v1/congresses/{c:int}/agenda/{i:int}", "1"},
	{"/api/v1/congresses/{c:int}/agenda/{i:int}/speakers", "1"},
	{"/api/v1/congresses/{c:int}/agenda/{i:int}/speakers/{s:int}", "1"},
	{0},
};

WALK_PART(congress, "congress", held, foreign)
