/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The signed-in home shows what waits for the reader; pages that send
 * mail tell the truth when no relay is set up (they show the link and
 * say nothing left); the menu marks one entry as the current page. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "platform/core/core.h"

static struct srv S;
static void up(void)
{
	srv_init(&S, false);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(home, .init = up, .fini = down, .timeout = 120);

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

Test(home, without_a_relay_the_home_warns_and_account_pages_show_the_link_instead)
{
	/* one attempt only, so an undeliverable message fails at once */
	const char *sets[] = {"outbox.max_attempts=1", "outbox.poll_ms=100", NULL};
	srv_start(&S, sets);
	struct client *c = cl_as(&S, "admin", NULL);
	struct resp *r = cl_get(c, "/");

	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "No mail relay is set up"), "%s", r->body);
	cr_assert(strstr(r->body, "<li class=\"warn\"><a href=\"/admin/outbox\">"));
	resp_free(r);

	r = cl_post(c, "/admin/users",
		    "display_name=Dana&email=dana%%40example.org&role=coordinator&scope=0");
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert_null(strstr(r->body, "on its way"), "a page says mail left: %s", r->body);
	cr_assert(strstr(r->body, "nothing was emailed"));
	cr_assert(strstr(r->body, "/account/set-password?token="), "no link shown");
	resp_free(r);

	/* the invitation it queued cannot leave: the home says so */
	bool seen = false;
	for (int i = 0; i < 50 && !seen; i++) {
		r = cl_get(c, "/");
		seen = strstr(r->body, "1 message could not be delivered") != NULL;
		if (seen)
			cr_assert(strstr(r->body, "href=\"/admin/outbox?status=failed\""));
		resp_free(r);
		if (!seen)
			usleep(100 * 1000);
	}
	cr_assert(seen, "the home never told of the failed message");
	cl_free(c);
}

Test(home, with_a_relay_nothing_warns_and_mail_is_said_to_leave)
{
	int port = free_port();
	pid_t mailer = mail_start(&S, port);
	char *smtp = xasprintf("smtp.url=smtp://127.0.0.1:%d", port);
	const char *sets[] = {smtp, "outbox.poll_ms=100", NULL};
	srv_start(&S, sets);
	struct client *c = cl_as(&S, "admin", NULL);
	struct resp *r = cl_get(c, "/");

	cr_assert_null(strstr(r->body, "No mail relay"), "%s", r->body);
	cr_assert(strstr(r->body, "Nothing waits for you now."), "%s", r->body);
	resp_free(r);
	r = cl_post(c, "/admin/users",
		    "display_name=Dana&email=dana%%40example.org&role=coordinator&scope=0");
	cr_assert_eq(r->status, 201, "%s", r->body);
	cr_assert(strstr(r->body, "on its way by email"), "%s", r->body);
	resp_free(r);
	free(mail_find(&S, "dana@example.org", "set-password"));
	free(smtp);
	cl_free(c);
	mail_stop(mailer);
}

Test(home, one_menu_entry_is_current_the_one_holding_the_page)
{
	srv_start(&S, NULL);
	struct client *c = cl_as(&S, "admin", NULL);
	struct resp *r = cl_get(c, "/admin/users/1");

	cr_assert_eq(r->status, 200);
	cr_assert_eq(count(r->body, "aria-current=\"page\""), 1, "%s", r->body);
	cr_assert(strstr(r->body, "<a href=\"/admin/users\" aria-current=\"page\">"));
	resp_free(r);
	r = cl_get(c, "/");
	cr_assert_eq(count(r->body, "aria-current=\"page\""), 1);
	cr_assert(strstr(r->body, "<a href=\"/\" aria-current=\"page\">"));
	resp_free(r);
	/* a page below an entry marks that entry: "Your account" is one */
	r = cl_get(c, "/account/sessions");
	cr_assert_eq(count(r->body, "aria-current=\"page\""), 1);
	cr_assert(strstr(r->body, "<a href=\"/account\" aria-current=\"page\">Your account</a>"),
		  "%s", r->body);
	resp_free(r);
	cl_free(c);
}
