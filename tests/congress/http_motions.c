/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Motions and amendments of the demo's national congress over real HTTP:
 * a delegate submits a motion (stored wrapped, raw HTML never passed
 * through), another supports it, the chair admits it once it has the
 * supporters the congress asks for and it gets its number; amendments
 * name lines that exist, conflicting ones are flagged and only one of
 * them can be adopted, an amendment of an amendment is refused, the text
 * as amended is what "adopted as amended" keeps; deadlines, rights and
 * versions refuse with a reason; another congress's motion is 404.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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
TestSuite(motions, .init = up, .fini = down, .timeout = 180);

/* c submits a motion to congress 1: its id (the Location's last part). */
static char *submit(struct client *c, const char *title, const char *body)
{
	char *t = urlenc(title), *b = urlenc(body);
	struct resp *r = cl_post(c, "/congress/1/motions", "kind=motion&title=%s&body=%s",
				 t, b);
	const char *loc;
	char *id;

	cr_assert_eq(r->status, 303, "%s", r->body);
	loc = resp_header(r, "Location");
	cr_assert(loc && strrchr(loc, '/'), "where it went");
	id = xstrdup(strrchr(loc, '/') + 1);
	resp_free(r);
	free(t);
	free(b);
	return id;
}

/* A path or form made here (a ring of buffers: no freeing in the steps). */
static const char *at(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *at(const char *fmt, ...)
{
	static char ring[8][512];
	static int next;
	char *b = ring[next++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(ring[0]), fmt, ap);
	va_end(ap);
	return b;
}

/* A string member of motion id as the API gives it (malloc'd; "" when
 * null). Whole texts: a SQL value is read a line at a time. */
static char *api_text(struct client *c, const char *id, const char *name)
{
	struct resp *r = cl_get(c, at("/api/v1/congresses/1/motions/%s", id));
	json_t *j;
	char *v;

	cr_assert_eq(r->status, 200, "%s", r->body);
	j = json_loads(r->body, 0, NULL);
	cr_assert(j, "%s", r->body);
	v = xstrdup(json_is_string(json_object_get(j, name))
			    ? json_string_value(json_object_get(j, name))
			    : "");
	json_decref(j);
	resp_free(r);
	return v;
}

static long post_status(struct client *c, const char *path, const char *form,
			const char *want)
{
	struct resp *r = cl_post(c, path, "%s", form);
	long status = r->status;

	if (want)
		cr_assert(strstr(r->body, want), "%s → %ld, wanted \"%s\": %s", form,
			  status, want, r->body);
	resp_free(r);
	return status;
}

Test(motions, submitted_supported_admitted_and_numbered)
{
	struct client *mem = cl_as(&S, "member", "en");
	struct client *del = cl_as(&S, "delegate", "en");
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	char *id, *path, *x, *want;
	struct resp *r;

	id = submit(mem, "Re-launch as the Socialist Movement of Kazakhstan",
		    "The conference decides to re-launch the organization under the name "
		    "Socialist Movement of Kazakhstan, by unanimous decision of the delegates "
		    "present, and to register it anew.\n\n<script>alert(1)</script>\n\n"
		    "- first, a list item that is long enough to be wrapped at eighty columns "
		    "when it is saved\n- second");
	path = xasprintf("/congress/1/motions/%s", id);

	/* stored wrapped: no line over 80 columns, the list item's
	 * continuation indented to stay in it */
	x = api_text(mem, id, "body");
	for (char *line = x, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		cr_assert_leq(nl ? (size_t)(nl - line) : strlen(line), 80, "%s", x);
	}
	cr_assert(strstr(x, "columns when it\n  is saved\n- second"),
		  "a list item's continuation stays in it: %s", x);
	cr_assert(strstr(x, "anew.\n\n<script>"), "paragraphs stay apart: %s", x);
	free(x);
	x = srv_value(&S, "SELECT coalesce(seq, 0) || ' ' || state FROM motions WHERE id = %s", id);
	cr_assert_str_eq(x, "0 submitted");
	free(x);

	/* read as a delegate: numbered blocks, raw HTML never passed */
	r = cl_get(del, path);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "lines 1–"), "%s", r->body);
	cr_assert(!strstr(r->body, "<script>alert"), "raw HTML is not passed through");
	cr_assert(strstr(r->body, "Support this motion"), "%s", r->body);
	resp_free(r);
	r = cl_get(mem, path);
	cr_assert(!strstr(r->body, "Support this motion"), "not one's own");
	cr_assert(strstr(r->body, "Withdraw my motion"), "one's own");
	resp_free(r);

	cr_assert_eq(post_status(mem, path, "action=support", "You submitted this motion"), 409);
	cr_assert_eq(post_status(del, path, "action=support", NULL), 303);
	cr_assert_eq(post_status(del, path, "action=support", "already"), 409);
	cr_assert_eq(post_status(ch, path, "action=support", "Only a delegate"), 403);

	/* the demo congress asks for five supporters */
	cr_assert_eq(post_status(ch, path, "action=move&to=admitted", "fewer supporters"), 409);
	cr_assert_eq(post_status(mem, path, "action=move&to=admitted", "Only the chair"), 403);
	free(srv_sql(&S, "UPDATE congresses SET min_supporters = 1 WHERE id = 1"));
	cr_assert_eq(post_status(ch, path, "action=move&to=admitted&note=on+time", NULL), 303);
	x = srv_value(&S, "SELECT max(seq) FROM motions WHERE congress_id = 1");
	want = xasprintf("M%s", x);
	free(x);
	r = cl_get(del, path);
	cr_assert(strstr(r->body, want), "numbered %s: %s", want, r->body);
	cr_assert(strstr(r->body, "Admitted"), "%s", r->body);
	cr_assert(strstr(r->body, "on time"), "the note is in the history");
	cr_assert(!strstr(r->body, "Withdraw my support"), "support is closed");
	resp_free(r);
	/* twice: it is not submitted any more */
	cr_assert_eq(post_status(ch, path, "action=move&to=admitted", "cannot go from"), 409);
	cr_assert_eq(post_status(del, path, "action=unsupport", "not yet admitted"), 409);
	cr_assert_eq(post_status(ch, path, "action=move&to=nonsense", "cannot go from"), 409);
	/* the submitter edits no more once admitted */
	r = cl_get(mem, at("%s/edit", path));
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);
	x = srv_value(&S, "SELECT count(*) FROM motion_history WHERE motion_id = %s", id);
	cr_assert_str_eq(x, "2");
	free(x);
	free(srv_sql(&S, "UPDATE congresses SET min_supporters = 5 WHERE id = 1"));
	free(want);
	free(path);
	free(id);
	cl_free(mem);
	cl_free(del);
	cl_free(ch);
}

Test(motions, amendments_name_lines_conflict_and_make_the_text_as_amended)
{
	struct client *mem = cl_as(&S, "member", "en");
	struct client *del = cl_as(&S, "delegate", "en");
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	char *id = submit(ch, "Draft programme: chapter 1",
			  "First paragraph.\n\nSecond paragraph.\n\nThird paragraph.");
	char *path = xasprintf("/congress/1/motions/%s", id);
	char *am = xasprintf("%s/amendments", path);
	char *a1, *a2, *a3, *x;
	struct resp *r;

	/* no amendments before it is admitted */
	cr_assert_eq(post_status(mem, am, "op=replace&first_line=3&new_text=x",
				 "admitted motion"), 409);
	free(srv_sql(&S, "UPDATE congresses SET min_supporters = 0 WHERE id = 1"));
	cr_assert_eq(post_status(ch, path, "action=move&to=admitted", NULL), 303);

	r = cl_get(mem, at("%s/amend", path));
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "Third paragraph."), "the numbered lines: %s", r->body);
	resp_free(r);

	cr_assert_eq(post_status(mem, am, "op=replace&first_line=3&last_line=3&new_text=Second%2C+better.&text_version=1",
				 NULL), 303);
	cr_assert_eq(post_status(del, am, "op=delete&first_line=3&last_line=5&text_version=1", NULL), 303);
	cr_assert_eq(post_status(del, am, "op=insert&first_line=0&new_text=Preamble.&text_version=1", NULL), 303);
	/* refused with the field and a reason; nothing written */
	cr_assert_eq(post_status(del, am, "op=replace&first_line=9&last_line=9&new_text=x",
				 "names a line the motion does not have"), 422);
	cr_assert_eq(post_status(del, am, "op=delete&first_line=1&last_line=1&new_text=x",
				 "must be empty to delete"), 422);
	cr_assert_eq(post_status(del, am, "op=replace&first_line=1&last_line=1",
				 "is required to replace"), 422);
	cr_assert_eq(post_status(del, am, "op=move&first_line=1&new_text=x",
				 "is not replace, insert or delete"), 422);
	cr_assert_eq(post_status(del, am, "op=replace&first_line=1&new_text=x&text_version=7",
				 "changed since you read it"), 409);
	x = srv_value(&S, "SELECT count(*) FROM amendments WHERE motion_id = %s", id);
	cr_assert_str_eq(x, "3");
	free(x);
	a1 = srv_value(&S, "SELECT id FROM amendments WHERE motion_id = %s AND seq = 1", id);
	a2 = srv_value(&S, "SELECT id FROM amendments WHERE motion_id = %s AND seq = 2", id);
	a3 = srv_value(&S, "SELECT id FROM amendments WHERE motion_id = %s AND seq = 3", id);

	/* shown in place, the conflict flagged */
	r = cl_get(del, path);
	cr_assert(strstr(r->body, "-A1</strong>"), "%s", r->body);
	cr_assert(strstr(r->body, "conflicts with M"), "%s", r->body);
	resp_free(r);
	r = cl_get(del, at("%s/%s", am, a1));
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "<del>Second paragraph.</del>"), "%s", r->body);
	cr_assert(strstr(r->body, "<ins>Second, better.</ins>"), "%s", r->body);
	resp_free(r);

	/* an amendment of an amendment is refused with the way to do it */
	cr_assert_eq(post_status(del, at("%s/%s/amendments", am, a1),
				 "op=replace&first_line=1&new_text=x", "Amend the motion"),
		     422);
	/* only the chair decides; the submitter may withdraw */
	cr_assert_eq(post_status(mem, at("%s/%s", am, a1), "to=adopted", "Only the chair"), 403);
	cr_assert_eq(post_status(ch, at("%s/%s", am, a1), "to=adopted", "cannot go from"), 409);
	cr_assert_eq(post_status(ch, at("%s/%s", am, a1), "to=admitted", NULL), 303);
	cr_assert_eq(post_status(ch, at("%s/%s", am, a2), "to=admitted", NULL), 303);
	cr_assert_eq(post_status(ch, at("%s/%s", am, a3), "to=admitted", NULL), 303);
	cr_assert_eq(post_status(ch, at("%s/%s", am, a1), "to=adopted", NULL), 303);
	cr_assert_eq(post_status(ch, at("%s/%s", am, a2), "to=adopted",
				 "touches the same lines as M"), 409);
	cr_assert_eq(post_status(ch, at("%s/%s", am, a3), "to=adopted", NULL), 303);

	/* adopted as amended, with the text as amended kept */
	cr_assert_eq(post_status(ch, path, "action=move&to=adopted", "adopted as amended"), 409);
	cr_assert_eq(post_status(ch, path, "action=move&to=adopted_amended", NULL), 303);
	x = api_text(del, id, "final_body");
	cr_assert_str_eq(x, "Preamble.\nFirst paragraph.\n\nSecond, better.\n\nThird paragraph.");
	free(x);
	r = cl_get(del, path);
	cr_assert(strstr(r->body, "As adopted with its amendments"), "%s", r->body);
	resp_free(r);
	/* decided: its amendments change no more */
	cr_assert_eq(post_status(ch, at("%s/%s", am, a2), "to=rejected", "was decided"), 409);
	free(srv_sql(&S, "UPDATE congresses SET min_supporters = 5 WHERE id = 1"));
	free(a1);
	free(a2);
	free(a3);
	free(am);
	free(path);
	free(id);
	cl_free(mem);
	cl_free(del);
	cl_free(ch);
}

Test(motions, deadlines_versions_and_other_congresses)
{
	struct client *mem = cl_as(&S, "member", "en");
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	struct client *ak = cl_as(&S, "aktau", "en");
	char *id = submit(mem, "Solidarity with the Zhanaozen oil workers",
			  "The conference sends its solidarity.");
	char *path = xasprintf("/congress/1/motions/%s", id);
	char *edit = xasprintf("%s/edit", path), *x, *v;
	struct resp *r;

	/* after the deadline only the chair enters one */
	free(srv_sql(&S, "UPDATE congresses SET motion_deadline = 1000 WHERE id = 1"));
	r = cl_post(mem, "/congress/1/motions", "kind=motion&title=Late&body=Late.");
	cr_assert_eq(r->status, 409, "%s", r->body);
	cr_assert(strstr(r->body, "deadline for motions has passed"), "%s", r->body);
	resp_free(r);
	free(submit(ch, "Urgency motion", "Entered by the chair."));
	free(srv_sql(&S, "UPDATE congresses SET motion_deadline = 0 WHERE id = 1"));

	/* the submitter edits it while submitted; an old version is 409 and
	 * keeps what was typed */
	v = srv_value(&S, "SELECT version FROM motions WHERE id = %s", id);
	cr_assert_eq(post_status(mem, edit,
				 at("title=Solidarity+with+Zhanaozen&body=The+conference+sends+its+solidarity+to+the+strikers.&version=%s", v),
				 NULL), 303);
	r = cl_post(mem, edit, "title=Mine&body=Typed+late.&version=%s", v);
	cr_assert_eq(r->status, 409, "%s", r->body);
	cr_assert(strstr(r->body, "Someone else saved this"), "%s", r->body);
	cr_assert(strstr(r->body, "Typed late."), "what was typed is kept");
	resp_free(r);
	x = srv_value(&S, "SELECT count(*) FROM motion_history WHERE motion_id = %s AND "
		      "old_body LIKE 'The conference sends its solidarity.%%' AND "
		      "text_version = 2", id);
	cr_assert_str_eq(x, "1", "the old text is kept");
	free(x);
	free(v);

	/* the Aktau chair holds nothing over the national congress; a motion
	 * of one congress is nothing under another's path */
	r = cl_get(ak, path);
	cr_assert_eq(r->status, 404, "%s", r->body);
	resp_free(r);
	r = cl_get(ak, at("/congress/2/motions/%s", id));
	cr_assert_eq(r->status, 404, "%s", r->body);
	cr_assert(strstr(r->body, "no such motion"), "%s", r->body);
	resp_free(r);
	cr_assert_eq(post_status(ak, at("/congress/2/motions/%s", id),
				 "action=move&to=rejected", NULL), 404);

	/* the API: the list pages, the record has an ETag */
	r = cl_get(mem, "/api/v1/congresses/1/motions?limit=1");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "\"next_cursor\""), "%s", r->body);
	resp_free(r);
	r = cl_get(mem, at("/api/v1/congresses/1/motions/%s", id));
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(resp_header(r, "ETag"), "versioned");
	cr_assert(strstr(r->body, "strikers"), "%s", r->body);
	resp_free(r);
	free(edit);
	free(path);
	free(id);
	cl_free(mem);
	cl_free(ch);
	cl_free(ak);
}

Test(motions, the_book_and_the_minutes_follow_the_day)
{
	struct client *mem = cl_as(&S, "member", "en");
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	char *relaunch = srv_value(&S, "SELECT id FROM motions WHERE congress_id = 1 AND "
				   "kind = 'statute'");
	const char *path = at("/congress/1/motions/%s", relaunch);
	struct resp *r;

	/* the book: every motion but the withdrawn, amendments as diffs */
	r = cl_get(mem, "/congress/1/book");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "M1: Re-launch as the Socialist Movement of Kazakhstan"), "%s", r->body);
	cr_assert(strstr(r->body, "M3-A1"), "%s", r->body);
	cr_assert(strstr(r->body, "<del>- the nationalization of the banks under democratic control;</del>"),
		  "%s", r->body);
	cr_assert(!strstr(r->body, "M4-A1"), "a withdrawn amendment is not in the book");
	cr_assert(strstr(r->body, "class=\"card book-motion\""), "a page per motion");
	resp_free(r);
	r = cl_get(mem, "/congress/1/book.md");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(resp_header(r, "Content-Type"), "text/markdown"), "markdown");
	cr_assert(strstr(resp_header(r, "Content-Disposition"), "attachment"), "a download");
	cr_assert(strstr(r->body, "# M1: Re-launch as the Socialist Movement of Kazakhstan\n"), "%s", r->body);
	cr_assert(strstr(r->body, "## M3-A4 · Admitted · insert after line 12"), "%s", r->body);
	cr_assert(strstr(r->body, "> - rent controls"), "%s", r->body);
	resp_free(r);

	/* the hall's screen shows the motion in debate under the current item */
	r = cl_get(mem, "/congress/1/projector");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "<strong>M3: Draft programme, chapter 2: Banks, homes and deposits</strong>"),
		  "%s", r->body);
	resp_free(r);

	/* the chair puts an amendment on it: its diff; another congress's
	 * chair cannot put this congress's amendment on theirs */
	{
		char *a1 = srv_value(&S, "SELECT a.id FROM amendments a JOIN motions m ON "
				     "m.id = a.motion_id WHERE m.congress_id = 1 AND "
				     "m.seq = 3 AND a.seq = 1");
		struct client *ak = cl_as(&S, "aktau", "en");
		cr_assert_eq(post_status(ch, "/congress/1/projector", at("amendment=%s", a1), NULL), 303);
		r = cl_get(mem, "/congress/1/projector");
		cr_assert(strstr(r->body, "id=\"projector-amendment\""), "%s", r->body);
		cr_assert(strstr(r->body, "<del>- the nationalization of the banks under democratic control;</del>"),
			  "%s", r->body);
		resp_free(r);
		cr_assert_eq(post_status(ak, "/congress/2/projector", at("amendment=%s", a1),
					 "no such amendment"), 404);
		cr_assert_eq(post_status(mem, "/congress/1/projector", "amendment=0", NULL), 403);
		cr_assert_eq(post_status(ch, "/congress/1/projector", "amendment=0", NULL), 303);
		r = cl_get(mem, "/congress/1/projector");
		cr_assert(!strstr(r->body, "projector-amendment"), "taken off");
		resp_free(r);
		cl_free(ak);
		free(a1);
	}

	/* the minutes: what was said and decided, as it happens */
	r = cl_get(mem, "/congress/1/minutes");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "The report was received"), "the chair's note: %s", r->body);
	cr_assert(!strstr(r->body, "data-state=\"adopted\""), "no motion adopted yet");
	resp_free(r);
	cr_assert_eq(post_status(ch, path, "action=move&to=debated", NULL), 303);
	cr_assert_eq(post_status(ch, path, "action=move&to=adopted&note=unanimously", NULL), 303);
	r = cl_get(mem, "/congress/1/minutes");
	cr_assert(strstr(r->body, "Adopted"), "%s", r->body);
	cr_assert(strstr(r->body, "<strong>Socialist Movement of Kazakhstan</strong>"),
		  "the adopted text: %s", r->body);
	resp_free(r);
	r = cl_get(mem, "/congress/1/minutes.md");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "## 3. Re-launch as the Socialist Movement of Kazakhstan\n"), "%s", r->body);
	cr_assert(strstr(r->body, "- **M1 Re-launch as the Socialist Movement of Kazakhstan**: Adopted"),
		  "%s", r->body);
	cr_assert(strstr(r->body, "> The fourth conference of Kazakhstan 2012 decides:"), "%s", r->body);
	resp_free(r);
	free(relaunch);
	cl_free(mem);
	cl_free(ch);
}

/* A member of an API answer's JSON (borrowed from j). */
static const char *jstr(json_t *j, const char *name)
{
	json_t *v = json_object_get(j, name);
	return json_is_string(v) ? json_string_value(v) : "";
}

static json_t *api(struct client *c, const char *method, const char *path,
		   const char *body, long want)
{
	struct resp *r = cl_api(c, method, path, body);
	json_t *j;

	cr_assert_eq(r->status, want, "%s %s %s → %ld: %s", method, path,
		     body ? body : "", r->status, r->body);
	j = json_loads(r->body, 0, NULL);
	cr_assert(j, "%s", r->body);
	resp_free(r);
	return j;
}

Test(motions, the_api_submits_supports_amends_and_asks_to_speak)
{
	struct client *mem = cl_as(&S, "member", "en");
	struct client *del = cl_as(&S, "delegate", "en");
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	json_t *j, *items, *it;
	char path[128], am[160];
	int64_t id, item = 0;
	size_t i;

	j = api(mem, "POST", "/api/v1/congresses/1/motions",
		"{\"kind\": \"resolution\", \"title\": \"For the miners of Karaganda\", "
		"\"body\": \"The conference supports the miners' strike.\"}", 201);
	cr_assert_str_eq(jstr(j, "state"), "submitted");
	id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/congresses/1/motions/%lld", (long long)id);
	j = api(mem, "POST", "/api/v1/congresses/1/motions",
		"{\"kind\": \"manifesto\", \"title\": \"x\", \"body\": \"y\"}", 422);
	cr_assert_str_eq(jstr(j, "field"), "kind");
	json_decref(j);

	j = api(del, "POST", path, "{\"action\": \"support\"}", 200);
	cr_assert_eq(json_integer_value(json_object_get(j, "supporters")), 1);
	json_decref(j);
	j = api(del, "POST", path, "{\"action\": \"support\"}", 409);
	cr_assert_str_eq(jstr(j, "code"), "conflict");
	json_decref(j);
	free(srv_sql(&S, "UPDATE congresses SET min_supporters = 1 WHERE id = 1"));
	j = api(ch, "POST", path, "{\"action\": \"move\", \"to\": \"admitted\"}", 200);
	cr_assert(jstr(j, "number")[0] == 'M', "numbered: %s", jstr(j, "number"));
	json_decref(j);
	free(srv_sql(&S, "UPDATE congresses SET min_supporters = 5 WHERE id = 1"));

	snprintf(am, sizeof(am), "%s/amendments", path);
	j = api(del, "POST", am, "{\"op\": \"replace\", \"first_line\": 9, \"new_text\": \"x\"}", 422);
	cr_assert_str_eq(jstr(j, "field"), "first_line");
	json_decref(j);
	j = api(del, "POST", am,
		"{\"op\": \"replace\", \"first_line\": 1, \"last_line\": 1, "
		"\"new_text\": \"The conference supports the miners' strike and their union.\"}",
		201);
	cr_assert(strstr(jstr(j, "number"), "-A1"), "%s", jstr(j, "number"));
	cr_assert_str_eq(jstr(j, "state"), "submitted");
	snprintf(am + strlen(am), sizeof(am) - strlen(am), "/%lld",
		 (long long)json_integer_value(json_object_get(j, "id")));
	json_decref(j);
	j = api(del, "POST", am, "{\"to\": \"admitted\"}", 403);
	json_decref(j);
	j = api(ch, "POST", am, "{\"to\": \"admitted\"}", 200);
	cr_assert_str_eq(jstr(j, "state"), "admitted");
	json_decref(j);

	/* the agenda and a request to speak on the current item */
	j = api(mem, "GET", "/api/v1/congresses/1/agenda", NULL, 200);
	items = json_object_get(j, "items");
	json_array_foreach(items, i, it)
		if (json_is_true(json_object_get(it, "current")))
			item = json_integer_value(json_object_get(it, "id"));
	json_decref(j);
	cr_assert(item, "an item is current");
	snprintf(path, sizeof(path), "/api/v1/congresses/1/agenda/%lld/speakers", (long long)item);
	j = api(mem, "POST", path, "{}", 201);
	cr_assert(json_array_size(json_object_get(j, "speakers")) >= 2, "the list with her on it");
	json_decref(j);
	j = api(mem, "POST", path, "{}", 409);
	json_decref(j);
	cl_free(mem);
	cl_free(del);
	cl_free(ch);
}

/* What attacking motions found (docs/THREATS.md, "The congress"): text
 * hidden from readers yet adopted, supporters of another text, a
 * deadline passed by editing, a motion adopted that was never admitted,
 * an audit line naming a state the motion never reached, a flood of
 * amendments from one delegate. */
Test(motions, what_attacking_found_stays_refused)
{
	struct client *mem = cl_as(&S, "member", "en");
	struct client *del = cl_as(&S, "delegate", "en");
	struct client *ch = cl_as(&S, "chair@example.org", "en");
	char *id = submit(mem, "Lower dues",
			  "We demand the release<!-- and hand the member list over -->.\n\n"
			  "[note]: /x \"The chair may expel any member without a vote.\"\n"
			  "We call for free elections.");
	const char *path = at("/congress/1/motions/%s", id);
	char *x, *v;
	struct resp *r;

	/* nothing stored is hidden from the reader */
	r = cl_get(del, path);
	cr_assert(strstr(r->body, "and hand the member list over"), "%s", r->body);
	cr_assert(strstr(r->body, "The chair may expel any member without a vote."), "%s", r->body);
	resp_free(r);

	/* a new text is not what its supporters supported */
	cr_assert_eq(post_status(del, path, "action=support", NULL), 303);
	v = srv_value(&S, "SELECT version FROM motions WHERE id = %s", id);
	cr_assert_eq(post_status(mem, at("%s/edit", path),
				 at("title=Dissolve+the+movement&body=We+dissolve.&version=%s", v), NULL),
		     303);
	free(v);
	x = srv_value(&S, "SELECT count(*) FROM motion_people WHERE motion_id = %s AND "
		      "role = 'supporter'", id);
	cr_assert_str_eq(x, "0", "the support of the old text is gone");
	free(x);

	/* after the deadline its submitter edits it no more */
	free(srv_sql(&S, "UPDATE congresses SET motion_deadline = 1000 WHERE id = 1"));
	r = cl_get(mem, at("%s/edit", path));
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);
	free(srv_sql(&S, "UPDATE congresses SET motion_deadline = 0 WHERE id = 1"));

	/* rejected before admission, it is never debated nor adopted */
	cr_assert_eq(post_status(ch, path, "action=move&to=rejected", NULL), 303);
	cr_assert_eq(post_status(ch, path, "action=move&to=debated", "never admitted"), 409);
	free(srv_sql(&S, "UPDATE congresses SET min_supporters = 0 WHERE id = 1"));
	cr_assert_eq(post_status(ch, path, "action=move&to=admitted", NULL), 303);

	/* the audit says the state the motion went to */
	cr_assert_eq(post_status(mem, path, "action=withdraw&to=adopted", NULL), 303);
	x = srv_value(&S, "SELECT detail FROM audit_log WHERE action = 'congress.motion.changed' "
		      "ORDER BY id DESC LIMIT 1");
	cr_assert(strstr(x, "\"to\": \"withdrawn\"") || strstr(x, "\"to\":\"withdrawn\""), "%s", x);
	free(x);
	free(id);

	/* an amendment of a line between blocks is shown (under the next) */
	id = submit(ch, "Gaps", "First.\n\nSecond.");
	path = at("/congress/1/motions/%s", id);
	cr_assert_eq(post_status(ch, path, "action=move&to=admitted", NULL), 303);
	cr_assert_eq(post_status(del, at("%s/amendments", path),
				 "op=insert&first_line=2&new_text=Between.", NULL), 303);
	r = cl_get(del, path);
	cr_assert(strstr(r->body, "-A1</strong>"), "shown in place: %s", r->body);
	resp_free(r);
	free(id);

	/* one delegate's amendments are bounded */
	id = submit(ch, "Bounded", "One line.");
	path = at("/congress/1/motions/%s", id);
	cr_assert_eq(post_status(ch, path, "action=move&to=admitted", NULL), 303);
	free(srv_sql(&S, "UPDATE congresses SET min_supporters = 5 WHERE id = 1"));
	{
		char am[128];
		snprintf(am, sizeof(am), "/congress/1/motions/%s/amendments", id);
		for (int i = 0; i < 100; i++)
			free(srv_sql(&S, "INSERT INTO amendments (motion_id, seq, text_version, "
				     "first_line, last_line, op, new_text, submitted_by, created_at) "
				     "SELECT %s, %d, 1, 1, 1, 'replace', 'x', id, 0 FROM participants "
				     "WHERE account_id = (SELECT min(id) FROM users WHERE display_name "
				     "LIKE 'Saule%%') AND congress_id = 1", id, 100 + i));
		cr_assert_eq(post_status(mem, am, "op=replace&first_line=1&new_text=y",
					 "as many amendments as one delegate may"), 409);
		cr_assert_eq(post_status(ch, am, "op=replace&first_line=1&new_text=y", NULL), 303,
			     "the chair is bound only by the motion's limit");
		/* a page names a few conflicts and counts the rest */
		r = cl_get(del, at("/congress/1/motions/%s", id));
		cr_assert(strstr(r->body, " +95<"), "the rest counted: %.400s", r->body);
		resp_free(r);
	}
	free(id);
	cl_free(mem);
	cl_free(del);
	cl_free(ch);
}
