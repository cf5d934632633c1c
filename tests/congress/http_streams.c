/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The congress's event streams under their limits (src/platform/http/
 * sse.c): one account holds at most server.max_streams_per_account at
 * once (429 beyond, with Retry-After), and a stream ends after
 * server.stream_seconds, so that a reader signed out or removed
 * meanwhile hears no more once the browser comes back through the gate.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../http/harness.h"
#include "platform/core/core.h"

static struct srv S;
static void up(void)
{
	const char *sets[] = {"server.max_streams_per_account=2", "server.stream_seconds=1",
			      NULL};
	srv_up(&S, SRV_DEMO, sets);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(streams, .init = up, .fini = down, .timeout = 120);

Test(streams, an_account_holds_few_and_none_lives_for_ever)
{
	struct client *mem = cl_as(&S, "member", "en");
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	char *token = cl_cookie(mem, "rudder_session");
	char *mine = cl_cookie(ch, "rudder_session");
	int a, b, c, d;
	struct resp *r;

	a = open_stream(&S, "/congress/1/events", token);
	cr_assert(stream_until(a, "text/event-stream", 5));
	b = open_stream(&S, "/congress/1/events", token);
	cr_assert(stream_until(b, "text/event-stream", 5));
	/* a third of the same account's is refused; another account's not */
	c = open_stream(&S, "/congress/1/events", token);
	cr_assert(stream_until(c, "429", 5), "a third stream is refused");
	close(c);
	d = open_stream(&S, "/congress/1/events", mine);
	cr_assert(stream_until(d, "text/event-stream", 5), "the chair's own");
	/* after its second: the next change ends it instead of reaching it */
	sleep(2);
	r = cl_post(ch, "/congress/1/agenda", "title=After+the+streams+expired");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	cr_assert(stream_until(a, "0\r\n\r\n", 10), "the stream ended");
	close(a);
	close(b);
	close(d);
	/* and the account may open new ones */
	a = open_stream(&S, "/congress/1/events", token);
	cr_assert(stream_until(a, "text/event-stream", 5), "a new stream after the old ones ended");
	close(a);
	free(token);
	free(mine);
	cl_free(mem);
	cl_free(ch);
}
