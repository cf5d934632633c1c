/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The members module in the audit log's words: a person is named (and
 * linked) only to a reader who may read that person's branch; anyone
 * else reads "person #12", so the log leaks no names past a scope. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../http/harness.h"
#include "platform/core/core.h"

static struct srv S;
static void up(void)
{
	srv_up(&S, SRV_DEMO, NULL);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(members_audit, .init = up, .fini = down, .timeout = 120);

Test(members_audit, a_person_is_named_only_to_whoever_may_read_them)
{
	struct client *coord = cl_as(&S, "coordinator", NULL), *admin;
	struct resp *r = cl_get(coord, "/members");
	const char *p = r->body;
	while ((p = strstr(p, "href=\"/members/")) && !isdigit((unsigned char)p[15]))
		p++;
	cr_assert_not_null(p, "no record linked in %s", r->body);
	char *id = between(p, "href=\"/members/", "\"");
	resp_free(r);
	char *person = xasprintf("/members/%s", id);
	r = cl_get(coord, person);
	cr_assert_eq(r->status, 200);
	char *name = between(r->body, "<h1>", "</h1>");
	cr_assert_not_null(name);
	resp_free(r);
	cl_free(coord);

	/* the demo's administrator is an organizer too: the name shows */
	char *about = xasprintf("/audit?object=person:%s", id);
	admin = cl_as(&S, "admin", NULL);
	r = cl_get(admin, about);
	cr_assert_eq(r->status, 200, "%s", r->body);
	char *named = xasprintf("opened the record of <a href=\"%s\">%s</a>", person, name);
	cr_assert(strstr(r->body, named), "wanted %s in %s", named, r->body);
	resp_free(r);
	cl_free(admin);

	/* an administrator who holds no members role reads a number */
	cr_assert_eq(srv_stop(&S), 0);
	free(srv_sql(&S, "DELETE FROM grants WHERE role <> 'admin' AND user_id = "
			 "(SELECT id FROM users WHERE display_name = 'Administrator')"));
	srv_start(&S, NULL);
	admin = cl_as(&S, "admin", NULL);
	char *hidden = xasprintf("opened the record of person #%s", id);
	r = cl_get(admin, about);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, hidden), "wanted %s in %s", hidden, r->body);
	cr_assert_null(strstr(r->body, name), "%s shown in %s", name, r->body);
	resp_free(r);
	r = cl_get(admin, "/audit");
	cr_assert_null(strstr(r->body, name));
	resp_free(r);
	cl_free(admin);

	free(hidden);
	free(named);
	free(about);
	free(name);
	free(person);
	free(id);
}
