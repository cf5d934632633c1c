/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The home page of an officer lists what waits for them — applications
 * to vet, records changed this week — counted within their branches and
 * never beyond: an Aktau application or change does not show in
 * Karaganda. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
TestSuite(members_home, .init = up, .fini = down, .timeout = 120);

static char *home(const char *who)
{
	struct client *c = cl_as(&S, who, "en");
	struct resp *r = cl_get(c, "/");
	char *body;

	cr_assert_eq(r->status, 200);
	body = xstrdup(r->body);
	resp_free(r);
	cl_free(c);
	return body;
}

Test(members_home, what_waits_is_counted_within_the_readers_branches)
{
	struct client *anon = cl_new(&S);
	struct resp *r = cl_get(anon, "/join");
	char *t = between(r->body, "name=\"t\" value=\"", "\""), *tq, *body;
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	resp_free(r);
	cr_assert_not_null(t);
	sleep(3); /* the join form refuses what comes back too fast */
	tq = urlenc(t);
	r = cl_post(anon, "/join", "t=%s&display_name=Yerzhan&branch=%s&phone=%%2B77015550199",
		    tq, aktau);
	cr_assert_lt(r->status, 400, "%ld %s", r->status, r->body);
	resp_free(r);

	/* a record of Aktau changes */
	char *pid = srv_value(&S, "SELECT min(id) FROM people WHERE branch_id = %s "
				  "AND erased_at IS NULL", aktau);
	char *name = srv_value(&S, "SELECT display_name FROM people WHERE id = %s", pid);
	struct client *ak = cl_as(&S, "aktau", "en");
	char *path = xasprintf("/api/v1/members/%s", pid);
	r = cl_api(ak, "PATCH", path, "{\"workplace\":\"Port of Aktau, berth 4\"}");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	cl_free(ak);

	body = home("aktau");
	cr_assert(strstr(body, "application waits to be vetted") ||
		  strstr(body, "applications wait to be vetted"), "%s", body);
	cr_assert(strstr(body, "href=\"/applications\""));
	char *link = xasprintf("href=\"/members/%s\">%s, changed ", pid, name);
	cr_assert(strstr(body, link), "no line for the changed record: %s", body);
	cr_assert(strstr(body, name));
	free(body);

	/* Karaganda sees neither */
	body = home("karaganda");
	cr_assert_null(strstr(body, link), "Aktau's change shown in Karaganda");
	cr_assert_null(strstr(body, "to be vetted"), "Aktau's application shown in Karaganda");
	free(body);

	/* a member holds no officer's role: nothing waits */
	body = home("member");
	cr_assert(strstr(body, "Nothing waits for you now."), "%s", body);
	free(body);

	free(link);
	free(path);
	free(name);
	free(pid);
	free(aktau);
	free(tq);
	free(t);
	cl_free(anon);
}
