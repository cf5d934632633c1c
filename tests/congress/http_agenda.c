/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The agenda and the speakers' lists of the demo's national congress
 * over real HTTP: the chair adds an item and makes it current; a
 * delegate asks to speak from her phone, once; hands raised in the hall
 * are put on the list by the chair; a point of order goes ahead of the
 * queue and a first-time speaker ahead of those who spoke before (the
 * congress's rule); the floor passes one speaker at a time; a delegate
 * without the speaking right and a closed item are refused with a
 * reason; another congress's item does not exist here.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
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
TestSuite(agenda, .init = up, .fini = down, .timeout = 180);

/* The display names of an item page's queue, in order, "A|B|C". */
static char *queue_of(const char *body)
{
	char *q = between(body, "<ol class=\"rows\" id=\"queue\">", "</ol>");
	struct buf b;
	char *out;

	buf_init(&b);
	for (const char *p = q ? q : ""; (p = strstr(p, "<li"));) {
		char *name = between(p, "<strong>", "</strong>");
		buf_printf(&b, "%s%s", b.len ? "|" : "", name ? name : "?");
		free(name);
		p += 3;
	}
	out = xstrndup(b.data ? b.data : "", b.len);
	buf_free(&b);
	free(q);
	return out;
}

/* c does action to the request of participant on the item at path (its
 * waiting one when waiting, else its latest): the status. */
static long act(struct client *c, const char *path, const char *participant,
		bool waiting, const char *action)
{
	char *sid = srv_value(&S, "SELECT max(id) FROM speakers WHERE participant_id = %s%s",
			      participant, waiting ? " AND started_at IS NULL" : "");
	char *sp = xasprintf("%s/speakers/%s", path, sid);
	struct resp *r = cl_post(c, sp, "action=%s", action);
	long status = r->status;

	resp_free(r);
	free(sp);
	free(sid);
	return status;
}

/* Participant ids and names of the national congress (1) with the right
 * to speak and no account: hands raised in the hall. */
static char *hand(int n, char **name_r)
{
	char *id = srv_value(&S, "SELECT id FROM participants WHERE congress_id = 1 AND "
			     "may_speak = 1 AND account_id IS NULL AND id NOT IN (SELECT participant_id "
			     "FROM speakers) ORDER BY id LIMIT 1 OFFSET %d", n);
	*name_r = srv_value(&S, "SELECT display_name FROM participants WHERE id = %s", id);
	return id;
}

Test(agenda, the_floor_passes_in_the_order_the_rules_give)
{
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	struct client *mem = cl_as(&S, "member", "en");
	char *n1, *n2, *n3, *h1 = hand(0, &n1), *h2 = hand(1, &n2), *h3 = hand(2, &n3);
	char *item, *path, *speak, *q, *want, *saule;
	struct resp *r;

	r = cl_post(ch, "/congress/1/agenda", "title=Report+of+the+leadership&planned_minutes=40");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	item = srv_value(&S, "SELECT max(id) FROM agenda_items WHERE congress_id = 1");
	path = xasprintf("/congress/1/agenda/%s", item);
	speak = xasprintf("%s/speakers", path);
	r = cl_post(ch, path, "action=current");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);

	/* two hands, then the delegate from her phone, then a point of order */
	r = cl_post(ch, speak, "participant=%s", h1);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	/* the first has spoken before (on this item's earlier speech) */
	cr_assert_eq(act(ch, path, h1, true, "floor"), 303);
	cr_assert_eq(act(ch, path, h1, false, "end"), 303);
	r = cl_post(ch, speak, "participant=%s", h1); /* again: not a first time */
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_post(mem, speak, "%s", "");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_post(mem, speak, "%s", "");
	cr_assert_eq(r->status, 409, "once: %s", r->body);
	cr_assert(strstr(r->body, "s list already"), "%s", r->body);
	resp_free(r);
	r = cl_post(ch, speak, "participant=%s&point_of_order=1", h2);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_post(ch, speak, "participant=%s", h3);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);

	/* the point of order first; first-time speakers ahead of one who
	 * spoke before (the congress's rule) */
	saule = srv_value(&S, "SELECT display_name FROM participants WHERE congress_id = 1 "
			  "AND account_id = (SELECT min(id) FROM users WHERE display_name LIKE 'Saule%%') AND kind = 'delegate'");
	r = cl_get(mem, path);
	cr_assert_eq(r->status, 200, "%s", r->body);
	q = queue_of(r->body);
	want = xasprintf("%s|%s|%s|%s", n2, saule, n3, n1);
	cr_assert_str_eq(q, want, "%s", r->body);
	cr_assert(strstr(r->body, "Withdraw my request"), "she may take hers off");
	cr_assert(!strstr(r->body, "Give the floor"), "the chair's buttons are the chair's");
	resp_free(r);
	free(q);
	free(want);

	/* the chair moves the last to the top, and gives the floor */
	{
		char *sid = srv_value(&S, "SELECT id FROM speakers WHERE participant_id = %s "
				      "AND started_at IS NULL", h1);
		char *sp = xasprintf("%s/speakers/%s", path, sid);
		r = cl_post(ch, sp, "action=top");
		cr_assert_eq(r->status, 303, "%s", r->body);
		resp_free(r);
		r = cl_get(ch, path);
		q = queue_of(r->body);
		want = xasprintf("%s|%s|%s|%s", n1, n2, saule, n3);
		cr_assert_str_eq(q, want);
		free(q);
		free(want);
		resp_free(r);
		r = cl_post(ch, sp, "action=floor");
		cr_assert_eq(r->status, 303, "%s", r->body);
		resp_free(r);
		/* a waiting speaker's request cannot be ended, nor a speech
		 * given twice */
		r = cl_post(ch, sp, "action=floor");
		cr_assert_eq(r->status, 409, "%s", r->body);
		resp_free(r);
		free(sp);
		free(sid);
	}
	r = cl_get(mem, path);
	cr_assert(strstr(r->body, "id=\"speaking\""), "%s", r->body);
	q = queue_of(r->body);
	want = xasprintf("%s|%s|%s", n2, saule, n3);
	cr_assert_str_eq(q, want);
	free(q);
	free(want);
	cr_assert(strstr(r->body, "until "), "the clock: when the speech ends");
	resp_free(r);
	/* the next one takes the floor: whoever had it ends */
	cr_assert_eq(act(ch, path, h2, true, "floor"), 303);
	q = srv_value(&S, "SELECT count(*) FROM speakers s JOIN agenda_items i ON i.id = "
		      "s.item_id WHERE i.id = %s AND s.started_at IS NOT NULL AND s.ended_at "
		      "IS NULL", item);
	cr_assert_str_eq(q, "1", "one speaker has the floor");
	free(q);
	/* a delegate is not the chair */
	cr_assert_eq(act(mem, path, h3, true, "floor"), 403);

	free(saule);
	free(speak);
	free(path);
	free(item);
	free(h1);
	free(h2);
	free(h3);
	free(n1);
	free(n2);
	free(n3);
	cl_free(ch);
	cl_free(mem);
}

Test(agenda, a_request_is_refused_with_its_reason)
{
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	struct client *mem = cl_as(&S, "member", "en");
	struct client *ak = cl_as(&S, "aktau", "en");
	char *me = srv_value(&S, "SELECT id FROM participants WHERE congress_id = 1 AND "
			     "account_id = (SELECT min(id) FROM users WHERE display_name LIKE 'Saule%%')");
	char *item, *path, *speak, *pp, *x;
	struct resp *r;

	r = cl_post(ch, "/congress/1/agenda", "title=Draft+programme");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	item = srv_value(&S, "SELECT max(id) FROM agenda_items WHERE congress_id = 1");
	path = xasprintf("/congress/1/agenda/%s", item);
	speak = xasprintf("%s/speakers", path);

	/* without the speaking right */
	pp = xasprintf("/congress/1/participants/%s", me);
	r = cl_post(ch, pp, "action=mute");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_post(mem, speak, "%s", "");
	cr_assert_eq(r->status, 403, "%s", r->body);
	cr_assert(strstr(r->body, "No speaking right at this congress"), "%s", r->body);
	resp_free(r);
	r = cl_post(ch, pp, "action=speak");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	/* a closed item */
	r = cl_post(ch, path, "action=done");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_post(mem, speak, "%s", "");
	cr_assert_eq(r->status, 409, "%s", r->body);
	cr_assert(strstr(r->body, "This item is closed"), "%s", r->body);
	resp_free(r);
	x = srv_value(&S, "SELECT count(*) FROM speakers WHERE item_id = %s", item);
	cr_assert_str_eq(x, "0", "nothing written");
	free(x);
	/* only the chair puts someone else on the list */
	r = cl_post(mem, speak, "participant=%s", me);
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);
	/* the Aktau conference's chair: the national congress's item does
	 * not exist for them, nor under their own congress's path */
	r = cl_get(ak, path);
	cr_assert(r->status == 404 || r->status == 403, "%ld", r->status);
	resp_free(r);
	{
		char *own = srv_value(&S, "SELECT id FROM congresses WHERE name LIKE 'Aktau%%'");
		char *p2 = xasprintf("/congress/%s/agenda/%s", own, item);
		r = cl_get(ak, p2);
		cr_assert_eq(r->status, 404, "%s", r->body);
		resp_free(r);
		r = cl_post(ak, p2, "action=current");
		cr_assert_eq(r->status, 404, "%s", r->body);
		resp_free(r);
		free(p2);
		free(own);
	}

	free(pp);
	free(speak);
	free(path);
	free(item);
	free(me);
	cl_free(ch);
	cl_free(mem);
	cl_free(ak);
}

Test(agenda, the_projector_shows_the_floor_and_follows_the_chair)
{
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	struct client *mem = cl_as(&S, "member", "en");
	char *token = cl_cookie(mem, "rudder_session");
	char *item, *path;
	struct resp *r;
	int fd;

	cr_assert_not_null(token);
	r = cl_post(ch, "/congress/1/agenda", "title=Re-launch+under+a+new+name");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	item = srv_value(&S, "SELECT max(id) FROM agenda_items WHERE congress_id = 1");
	path = xasprintf("/congress/1/agenda/%s", item);

	/* the delegate's phone follows the congress */
	fd = open_stream(&S, "/congress/1/events", token);
	cr_assert(stream_until(fd, "text/event-stream", 5));
	r = cl_post(ch, path, "action=current");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	cr_assert(stream_until(fd, "event: changed", 10), "the change reached the stream");
	close(fd);

	/* the projector shows it, and who speaks until when */
	r = cl_get(mem, "/congress/1/projector");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "Re-launch under a new name"), "%s", r->body);
	resp_free(r);
	{
		char *speak = xasprintf("%s/speakers", path), *sid, *sp;
		r = cl_post(mem, speak, "%s", "");
		cr_assert_eq(r->status, 303, "%s", r->body);
		resp_free(r);
		sid = srv_value(&S, "SELECT id FROM speakers WHERE item_id = %s", item);
		sp = xasprintf("%s/%s", speak, sid);
		r = cl_post(ch, sp, "action=floor");
		cr_assert_eq(r->status, 303, "%s", r->body);
		resp_free(r);
		free(sp);
		free(sid);
		free(speak);
	}
	r = cl_get(mem, "/congress/1/projector");
	cr_assert(strstr(r->body, "class=\"projector-clock\" role=\"timer\" aria-live=\"off\" data-ends-at="), "%s", r->body);
	cr_assert(strstr(r->body, "Saule"), "%s", r->body);
	resp_free(r);
	/* a stream of a congress the reader is not in is refused */
	{
		struct client *kg = cl_as(&S, "karaganda", "en");
		r = cl_get(kg, "/congress/1/events");
		cr_assert(r->status == 403 || r->status == 404, "%ld", r->status);
		resp_free(r);
		cl_free(kg);
	}

	free(path);
	free(item);
	free(token);
	cl_free(ch);
	cl_free(mem);
}

Test(agenda, a_paused_speech_keeps_its_time)
{
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	char *name, *h = hand(0, &name), *item, *path, *sid, *x, *want;
	struct resp *r;

	r = cl_post(ch, "/congress/1/agenda", "title=Paused+item&speak_seconds=120");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	item = srv_value(&S, "SELECT max(id) FROM agenda_items WHERE congress_id = 1");
	path = xasprintf("/congress/1/agenda/%s", item);
	r = cl_post(ch, path, "action=current");
	resp_free(r);
	x = xasprintf("%s/speakers", path);
	r = cl_post(ch, x, "participant=%s", h);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	free(x);
	cr_assert_eq(act(ch, path, h, true, "floor"), 303);
	cr_assert_eq(act(ch, path, h, false, "resume"), 409, "not paused");
	cr_assert_eq(act(ch, path, h, false, "pause"), 303);
	cr_assert_eq(act(ch, path, h, false, "pause"), 409, "paused already");
	r = cl_get(ch, path);
	cr_assert(strstr(r->body, "id=\"paused\""), "%s", r->body);
	cr_assert(!strstr(r->body, "data-ends-at"), "a paused clock stands: %s", r->body);
	cr_assert(strstr(r->body, "value=\"resume\""), "%s", r->body);
	resp_free(r);
	/* it stood for half a minute */
	sid = srv_value(&S, "SELECT max(id) FROM speakers WHERE participant_id = %s", h);
	free(srv_sql(&S, "UPDATE speakers SET paused_at = paused_at - 30 WHERE id = %s", sid));
	cr_assert_eq(act(ch, path, h, false, "resume"), 303);
	x = srv_value(&S, "SELECT paused_seconds >= 30 AND paused_seconds < 40 FROM speakers "
		      "WHERE id = %s", sid);
	cr_assert(strcmp(x, "1") == 0 || strcmp(x, "t") == 0, "the pause counted: %s", x);
	free(x);
	/* the clock ends as much later */
	want = srv_value(&S, "SELECT started_at + 120 + paused_seconds FROM speakers WHERE id = %s", sid);
	r = cl_get(ch, path);
	x = xasprintf("data-ends-at=\"%s\"", want);
	cr_assert(strstr(r->body, x), "%s in %s", x, r->body);
	resp_free(r);
	free(x);
	cr_assert_eq(act(ch, path, h, false, "end"), 303);
	free(want);
	free(sid);
	free(item);
	free(path);
	free(h);
	free(name);
	cl_free(ch);
}
