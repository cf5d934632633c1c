/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The congress module's part of the authorization walk
 * (tests/http/test_authz.c). The demo's Aktau coordinator holds no
 * congress role, so every congress route but the list answers them 403
 * (the walk checks that); a congress's roles are granted over its own
 * scope, and a participant of another congress is refused in
 * tests/congress/http_congress.c.
 */
#include <stddef.h>

#include "../http/harness.h"

static const char *const held[] = {NULL};

static const struct walk_foreign foreign[] = {
	{0},
};

WALK_PART(congress, "congress", held, foreign)
