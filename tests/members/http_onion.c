/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Behind an onion service every visitor reaches rudder from the relay's
 * one address (server.shared_address). A limit per address would let one
 * visitor shut sign-in or the join form for everyone, so: sign-in locks
 * per account still hold, the lock per client is off, and each join form
 * takes one application instead of a quota per address. On the demo
 * organization, over real HTTP.
 */
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
	const char *sets[] = {"server.shared_address=true", NULL};
	srv_up(&S, SRV_DEMO, sets);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(onion, .init = up, .fini = down, .timeout = 180);

static char *form(struct client *c)
{
	struct resp *r = cl_get(c, "/join");
	char *t = between(r->body, "name=\"t\" value=\"", "\"");
	cr_assert_not_null(t);
	resp_free(r);
	return t;
}

static long apply(struct client *c, const char *t, int i)
{
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	char *tq = urlenc(t);
	struct resp *r = cl_post(c, "/join", "t=%s&display_name=Visitor+%d&branch=%s"
				 "&phone=%%2B770155590%02d", tq, i, aktau, i);
	long st = r->status;
	resp_free(r);
	free(aktau);
	free(tq);
	return st;
}

Test(onion, one_visitor_cannot_shut_the_join_form_for_everyone)
{
	struct client *flood = cl_new(&S), *other = cl_new(&S);
	char *ts[15], *mine;

	/* fifteen forms from the one address, more than the per-address
	 * quota of ten would allow: each takes its application */
	for (int i = 0; i < 15; i++)
		ts[i] = form(flood);
	mine = form(other);
	sleep(3);
	for (int i = 0; i < 15; i++)
		cr_assert_eq(apply(flood, ts[i], i), 200, "application %d", i);
	/* and still, a visitor with a form of their own gets in */
	cr_assert_eq(apply(other, mine, 50), 200);
	/* a form used already takes no second one */
	cr_assert_eq(apply(flood, ts[0], 60), 409);
	for (int i = 0; i < 15; i++)
		free(ts[i]);
	free(mine);
	cl_free(flood);
	cl_free(other);
}

Test(onion, sign_in_locks_hold_per_account_not_per_address)
{
	struct client *c = cl_new(&S);
	struct resp *r;

	/* more failures from the one address than the per-client lock of 30
	 * would allow, each on another (unknown) account */
	for (int i = 0; i < 35; i++) {
		r = cl_post(c, "/login", "email=guess%d%%40example.org&password=wrong", i);
		cr_assert_eq(r->status, 401, "attempt %d: %ld", i, r->status);
		resp_free(r);
	}
	/* everyone else behind the relay still signs in */
	{
		struct client *k = cl_new(&S);
		cr_assert_eq(cl_login(k, "karaganda@example.org", DEMO_PASSWORD, NULL), 303);
		cl_free(k);
	}
	/* and an account under attack is still locked */
	for (int i = 0; i < 5; i++) {
		r = cl_post(c, "/login", "email=aktau%%40example.org&password=wrong");
		resp_free(r);
	}
	r = cl_post(c, "/login", "email=aktau%%40example.org&password=rudder-demo");
	cr_assert_eq(r->status, 429, "the account's own lock holds: %ld", r->status);
	resp_free(r);
	cl_free(c);
}
