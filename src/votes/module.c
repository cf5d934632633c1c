/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The votes module as the platform sees it. So far its tables (sql/);
 * its routes, roles and demo come with the polls (docs/votes.md, slices).
 */
#include "votes/votes.h"
#include "platform/platform.h"

const struct module votes_module = {
	.name = "votes",
};
