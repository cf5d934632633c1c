/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Harm asks first, on the server (so without JavaScript too): revoking a
 * role and cancelling a message show a confirmation page that changes
 * nothing; only its own button, posting confirm=yes, does the harm. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "platform/core/core.h"

static struct srv S;
static void up(void)
{
	/* no relay and a slow retry: a queued message stays waiting */
	const char *sets[] = {"outbox.retry_base=3600", NULL};
	srv_up(&S, SRV_FRESH, sets);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(confirm, .init = up, .fini = down, .timeout = 120);

static void asks(struct resp *r, const char *title, const char *back)
{
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, title), "%s", r->body);
	cr_assert(strstr(r->body, "<input type=\"hidden\" name=\"confirm\" value=\"yes\">"));
	cr_assert(strstr(r->body, "<button type=\"submit\" class=\"danger\">"));
	char *link = xasprintf("<a class=\"button secondary\" href=\"%s\">", back);
	cr_assert(strstr(r->body, link), "no way back to %s", back);
	free(link);
}

Test(confirm, revoking_a_role_asks_first_and_only_the_answer_revokes)
{
	struct client *c = cl_as(&S, "admin", NULL);
	struct resp *r = cl_post(c, "/admin/users",
				 "display_name=Dana&email=dana%%40example.org&role=coordinator&scope=0");
	cr_assert_eq(r->status, 201, "%s", r->body);
	char *id = between(r->body, "<a href=\"/admin/users/", "\"");
	resp_free(r);
	char *page = xasprintf("/admin/users/%s", id);
	r = cl_get(c, page);
	char *revoke = between(r->body, "/grants/", "/revoke?_csrf");
	cr_assert_not_null(revoke, "%s", r->body);
	resp_free(r);
	char *path = xasprintf("/admin/users/%s/grants/%s/revoke", id, revoke);
	char *sql = xasprintf("SELECT count(*) FROM grants WHERE user_id = %s", id);

	r = cl_post(c, path, "%s", "");
	asks(r, "Revoke a role?", page);
	cr_assert(strstr(r->body, "Dana loses the role Coordinator over the whole organization"),
		  "%s", r->body);
	resp_free(r);
	char *n = srv_value(&S, "%s", sql);
	cr_assert_eq(atoi(n), 1, "asking revoked the role");
	free(n);

	r = cl_post(c, path, "confirm=yes");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	n = srv_value(&S, "%s", sql);
	cr_assert_eq(atoi(n), 0, "the answer did not revoke the role");
	free(n);

	free(sql);
	free(path);
	free(revoke);
	free(page);
	free(id);
	cl_free(c);
}

Test(confirm, cancelling_a_message_asks_first_and_only_the_answer_cancels)
{
	struct client *c = cl_as(&S, "admin", NULL);
	struct resp *r = cl_post(c, "/admin/users",
				 "display_name=Dana&email=dana%%40example.org&role=coordinator&scope=0");
	cr_assert_eq(r->status, 201);
	resp_free(r);
	char *id = srv_value(&S, "SELECT max(id) FROM outbox WHERE status = 'pending'");
	cr_assert_gt(atoi(id), 0, "nothing waits in the outbox");
	char *path = xasprintf("/admin/outbox/%d/cancel", atoi(id));
	char *sql = xasprintf("SELECT status FROM outbox WHERE id = %d", atoi(id));

	r = cl_post(c, path, "%s", "");
	asks(r, "Cancel a message?", "/admin/outbox");
	resp_free(r);
	char *st = srv_value(&S, "%s", sql);
	cr_assert(strstr(st, "pending"), "asking cancelled it: %s", st);
	free(st);

	r = cl_post(c, path, "confirm=yes");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	st = srv_value(&S, "%s", sql);
	cr_assert(strstr(st, "cancelled"), "%s", st);
	free(st);

	/* anything but yes still only asks */
	r = cl_post(c, path, "confirm=no");
	cr_assert_eq(r->status, 200);
	resp_free(r);

	free(sql);
	free(path);
	free(id);
	cl_free(c);
}
