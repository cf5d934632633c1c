/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The votes module's part of the authorization walk
 * (tests/http/test_authz.c). Its permissions are the congress's: the
 * demo's Aktau coordinator chairs the demo's second congress and holds
 * nothing over the first (the national one, id 1), so every route that
 * takes a congress (and a poll or a proxy in it) is tried on the
 * first's and must refuse. A poll or a proxy of another congress under
 * one's own congress's path answers 404 (poll_load and the proxy's
 * lookup compare the congress); the booth is public, its one-time code
 * the credential (tests/votes/http_booth.c).
 */
#include <stddef.h>

#include "../http/harness.h"

static const char *const held[] = {"congress.chair", "congress.door",
				   "congress.participate", NULL};

static const struct walk_foreign foreign[] = {
	{"/congress/{c:int}/polls", "1"},
	{"/congress/{c:int}/polls/{p:int}", "1"},
	{"/congress/{c:int}/polls/{p:int}/ballots", "1"},
	{"/congress/{c:int}/polls/{p:int}/ballots.csv", "1"},
	{"/congress/{c:int}/polls/{p:int}/ballots.blt", "1"},
	{"/congress/{c:int}/polls/{p:int}/receipt", "1"},
	{"/congress/{c:int}/codes", "1"},
	{"/congress/{c:int}/proxies", "1"},
	{"/congress/{c:int}/proxies/{x:int}/revoke", "1"},
	{"/congress/{c:int}/vote-rules", "1"},
	{"/api/v1/congresses/{c:int}/polls", "1"},
	{"/api/v1/congresses/{c:int}/polls/{p:int}", "1"},
	{"/api/v1/congresses/{c:int}/polls/{p:int}/ballots", "1"},
	{"/api/v1/congresses/{c:int}/polls/{p:int}/ballots.csv", "1"},
	{"/api/v1/congresses/{c:int}/polls/{p:int}/ballots.blt", "1"},
	{"/api/v1/congresses/{c:int}/polls/{p:int}/receipt", "1"},
	{"/api/v1/congresses/{c:int}/proxies", "1"},
	{"/api/v1/congresses/{c:int}/proxies/{x:int}/revoke", "1"},
	{"/api/v1/congresses/{c:int}/vote-rules", "1"},
	{0},
};

WALK_PART(votes, "votes", held, foreign)
