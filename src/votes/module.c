/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The votes module as the platform sees it: its routes and audit words,
 * and, once started, its part of the congress's pages (panels.c). Its
 * permissions are the congress's: the chair runs polls, participants
 * see them, delegates present vote. Its demo (demo.c) takes the demo
 * congress's decisions.
 */
#include "internal.h"

static int start(void)
{
	congress_extend(&votes_extension);
	congress_extend(&votes_codes_extension);
	congress_extend(&votes_proxies_extension);
	return 0;
}

const struct module votes_module = {
	.name = "votes",
	.routes = &votes_routes,
	.start = start,
	.audit_words = &votes_audit_words,
	.demo = votes_demo,
};
