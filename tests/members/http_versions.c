/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * No lost updates, over real HTTP on the demo organization: two officers
 * open the same member; the first saves; the second, whose form names
 * the version both read, gets 409 with what they typed kept and, beside
 * each field that differs, what the first saved; nothing of the first is
 * lost, and saving again from that page (which names the new version)
 * goes through. The same for a status change, and over the API with
 * ETag and If-Match (409 "conflict" with the record as it is now in
 * "current"). And the same for a branch (renamed by whoever could have
 * added it) and an affiliated organization (changed organization-wide).
 */
#include <criterion/criterion.h>
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
TestSuite(members_versions, .init = up, .fini = down, .timeout = 180);

/* A new member of Aktau named name, made by the Aktau organizer: its id
 * (malloc'd). */
static char *new_member(struct client *c, const char *name, const char *aktau)
{
	char *enc = urlenc(name);
	struct resp *r = cl_post(c, "/members",
				 "display_name=%s&workplace=Port&branch=%s", enc,
				 aktau);

	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	free(enc);
	return srv_value(&S, "SELECT id FROM people WHERE display_name = '%s'", name);
}

/* The version a page's form names in its hidden field (malloc'd). */
static char *form_version(const char *body)
{
	char *v = between(body, "name=\"version\" value=\"", "\"");

	cr_assert_not_null(v, "no version in the form:\n%s", body);
	return v;
}

/* The text shown under field id as what the record says now, or NULL. */
static char *now_beside(const char *body, const char *id)
{
	char *open = xasprintf("id=\"%s-now\">", id);
	char *text = between(body, open, "</p>");

	free(open);
	return text;
}

Test(members_versions, the_second_of_two_officers_is_refused_and_keeps_what_they_typed)
{
	struct client *a = cl_as(&S, "aktau", "en");
	struct client *b = cl_as(&S, "coordinator", "en");
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	char *id = new_member(a, "Twice Edited", aktau);
	char *path = xasprintf("/members/%s", id), *edit = xasprintf("%s/edit", path);
	char *va, *vb, *v, *now;
	struct resp *r;

	/* both open the form at the same version */
	r = cl_get(a, edit);
	cr_assert_eq(r->status, 200, "%s", r->body);
	va = form_version(r->body);
	resp_free(r);
	r = cl_get(b, edit);
	vb = form_version(r->body);
	resp_free(r);
	cr_assert_str_eq(va, "1");
	cr_assert_str_eq(vb, va);

	/* the first saves */
	r = cl_post(a, path,
		    "display_name=First+Officer+Name&workplace=Port+of+Aktau"
		    "&branch=%s&consent_sms=on&version=%s", aktau, va);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);

	/* the second, from the form drawn before: refused, nothing written */
	r = cl_post(b, path,
		    "display_name=Second+Officer+Name&workplace=Port"
		    "&notes=typed+by+the+second&branch=%s&version=%s", aktau, vb);
	cr_assert_eq(r->status, 409, "%s", r->body);
	cr_assert(strstr(r->body, "Someone else saved this member"), "%s", r->body);
	/* what they typed is kept */
	cr_assert(strstr(r->body, "value=\"Second Officer Name\""), "%s", r->body);
	cr_assert(strstr(r->body, ">typed by the second</textarea>"));
	/* and beside each field that differs, what the first saved */
	now = now_beside(r->body, "display_name");
	cr_assert_not_null(now, "%s", r->body);
	cr_assert(strstr(now, "First Officer Name"), "%s", now);
	free(now);
	now = now_beside(r->body, "workplace");
	cr_assert(now && strstr(now, "Port of Aktau"), "%s", now ? now : r->body);
	free(now);
	now = now_beside(r->body, "consent_sms");
	cr_assert(now && strstr(now, "yes"), "%s", now ? now : r->body);
	free(now);
	now = now_beside(r->body, "notes");
	cr_assert(now && strstr(now, "(empty)"), "%s", now ? now : r->body);
	free(now);
	/* a field both left alike says nothing */
	cr_assert_null(now_beside(r->body, "branch"));
	cr_assert_null(now_beside(r->body, "legal_name"));
	/* the form now names the version the first left */
	v = form_version(r->body);
	cr_assert_str_eq(v, "2");
	resp_free(r);

	/* nothing of the first is lost */
	{
		char *name = srv_value(&S, "SELECT display_name FROM people WHERE id = %s", id);
		char *ver = srv_value(&S, "SELECT version FROM people WHERE id = %s", id);
		cr_assert_str_eq(name, "First Officer Name");
		cr_assert_str_eq(ver, "2");
		free(name);
		free(ver);
	}

	/* saving again from that page, with both in view, goes through */
	r = cl_post(b, path,
		    "display_name=Second+Officer+Name&workplace=Port+of+Aktau"
		    "&notes=typed+by+the+second&branch=%s&consent_sms=on&version=%s",
		    aktau, v);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	{
		char *name = srv_value(&S, "SELECT display_name FROM people WHERE id = %s", id);
		char *ver = srv_value(&S, "SELECT version FROM people WHERE id = %s", id);
		cr_assert_str_eq(name, "Second Officer Name");
		cr_assert_str_eq(ver, "3");
		free(name);
		free(ver);
	}
	/* the edit form names the newest */
	r = cl_get(a, edit);
	free(va);
	va = form_version(r->body);
	cr_assert_str_eq(va, "3");
	resp_free(r);

	free(v);
	free(va);
	free(vb);
	free(edit);
	free(path);
	free(id);
	free(aktau);
	cl_free(a);
	cl_free(b);
}

Test(members_versions, a_conflict_page_speaks_the_readers_language)
{
	struct client *a = cl_as(&S, "aktau", "en");
	struct client *b = cl_as(&S, "coordinator", "ru");
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	char *id = new_member(a, "Edited In Russian", aktau);
	char *path = xasprintf("/members/%s", id);
	struct resp *r;

	r = cl_post(a, path, "display_name=Changed+First&branch=%s&version=1", aktau);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_post(b, path, "display_name=Changed+Second&branch=%s&version=1", aktau);
	cr_assert_eq(r->status, 409, "%s", r->body);
	cr_assert_null(strstr(r->body, "Someone else saved this member"),
		       "the message is not in Russian");
	cr_assert_null(strstr(r->body, "Saved meanwhile by someone else"));
	cr_assert(strstr(r->body, "Changed First"));
	resp_free(r);
	free(path);
	free(id);
	free(aktau);
	cl_free(a);
	cl_free(b);
}

Test(members_versions, a_status_change_against_an_old_version_is_refused)
{
	struct client *a = cl_as(&S, "aktau", "en");
	struct client *b = cl_as(&S, "coordinator", "en");
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	char *id = new_member(a, "Status Twice", aktau);
	char *path = xasprintf("/members/%s", id), *spath = xasprintf("%s/status", path);
	char *v, *st;
	struct resp *r;

	/* the person's page names the version in its status form */
	r = cl_get(b, path);
	cr_assert_eq(r->status, 200, "%s", r->body);
	v = form_version(r->body);
	cr_assert_str_eq(v, "1");
	resp_free(r);

	r = cl_post(a, path, "display_name=Status+Twice+Renamed&branch=%s&version=1", aktau);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);

	r = cl_post(b, spath, "status=suspended&note=typed+note&version=%s", v);
	cr_assert_eq(r->status, 409, "%s", r->body);
	cr_assert(strstr(r->body, "Someone else changed this member"), "%s", r->body);
	cr_assert(strstr(r->body, "Status Twice Renamed"), "the record as it is now");
	cr_assert(strstr(r->body, ">typed note</textarea>"), "the note typed is kept");
	cr_assert(strstr(r->body, "value=\"suspended\" selected"), "the status chosen is kept");
	free(v);
	v = form_version(r->body);
	cr_assert_str_eq(v, "2");
	resp_free(r);
	st = srv_value(&S, "SELECT status FROM people WHERE id = %s", id);
	cr_assert_str_eq(st, "active");
	free(st);

	r = cl_post(b, spath, "status=suspended&note=typed+note&version=%s", v);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	st = srv_value(&S, "SELECT status || ' ' || version FROM people WHERE id = %s", id);
	cr_assert_str_eq(st, "suspended 3");
	free(st);

	free(v);
	free(spath);
	free(path);
	free(id);
	free(aktau);
	cl_free(a);
	cl_free(b);
}

/* PATCH with headers: the CSRF token, and If-Match when not NULL. */
static struct resp *patch(struct client *c, const char *path, const char *json,
			  const char *if_match)
{
	char *csrf = cl_csrf(c);
	char *h1 = xasprintf("X-CSRF-Token: %s", csrf);
	char *h2 = if_match ? xasprintf("If-Match: %s", if_match) : NULL;
	const char *headers[] = {h1, h2, NULL};
	struct resp *r = cl_req(c, "PATCH", path, "application/json", json,
				strlen(json), headers);

	free(csrf);
	free(h1);
	free(h2);
	return r;
}

Test(members_versions, the_api_sends_etags_and_honours_if_match)
{
	struct client *a = cl_as(&S, "aktau", "en");
	struct client *b = cl_as(&S, "coordinator", "en");
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	char *id = new_member(a, "Over The Api", aktau);
	char *path = xasprintf("/api/v1/members/%s", id), *etag, *name;
	struct resp *r;

	/* GET: the version as an ETag and in the JSON */
	r = cl_api(b, "GET", path, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	etag = xstrdup(resp_header(r, "ETag"));
	cr_assert_str_eq(etag, "\"v1\"");
	cr_assert(strstr(r->body, "\"version\": 1") || strstr(r->body, "\"version\":1"),
		  "%s", r->body);
	resp_free(r);

	/* the first writes with the tag it read: a new tag comes back */
	r = patch(a, path, "{\"display_name\": \"Api First\"}", etag);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(resp_header(r, "ETag"), "\"v2\"");
	resp_free(r);

	/* the second, with the same old tag: 409 conflict, the record as it
	 * is now in "current", nothing written */
	r = patch(b, path, "{\"display_name\": \"Api Second\", \"workplace\": \"Mine\"}",
		  etag);
	cr_assert_eq(r->status, 409, "%s", r->body);
	cr_assert(strstr(r->body, "\"code\": \"conflict\"") ||
		  strstr(r->body, "\"code\":\"conflict\""), "%s", r->body);
	cr_assert(strstr(r->body, "\"current\""), "%s", r->body);
	cr_assert(strstr(r->body, "Api First"), "%s", r->body);
	cr_assert_str_eq(resp_header(r, "ETag"), "\"v2\"");
	resp_free(r);
	name = srv_value(&S, "SELECT display_name || ' ' || version FROM people WHERE id = %s", id);
	cr_assert_str_eq(name, "Api First 2");
	free(name);

	/* a weak form of the current tag, and then the body's "version",
	 * name the same version */
	r = patch(b, path, "{\"display_name\": \"Api Second\"}", "W/\"v2\"");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	r = patch(a, path, "{\"display_name\": \"Api Body Stale\", \"version\": 2}", NULL);
	cr_assert_eq(r->status, 409, "%s", r->body);
	resp_free(r);
	r = patch(a, path, "{\"display_name\": \"Api Body\", \"version\": 3}", NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);

	/* a tag that is no version of ours matches none */
	r = patch(a, path, "{\"display_name\": \"Api Odd\"}", "\"abc\"");
	cr_assert_eq(r->status, 409, "%s", r->body);
	resp_free(r);

	/* without If-Match (or with "*") the write goes ahead: the API's
	 * callers from before versions keep working */
	r = patch(a, path, "{\"display_name\": \"Api Unconditional\"}", NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_eq(resp_header(r, "ETag"), "\"v5\"");
	resp_free(r);
	r = patch(a, path, "{\"display_name\": \"Api Star\"}", "*");
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	name = srv_value(&S, "SELECT display_name || ' ' || version FROM people WHERE id = %s", id);
	cr_assert_str_eq(name, "Api Star 6");
	free(name);

	free(etag);
	free(path);
	free(id);
	free(aktau);
	cl_free(a);
	cl_free(b);
}

Test(members_versions, branches_and_unions_say_their_version)
{
	struct client *c = cl_as(&S, "coordinator", "en");
	struct resp *r = cl_api(c, "GET", "/api/v1/branches", NULL);

	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "\"version\""), "%s", r->body);
	resp_free(r);
	r = cl_api(c, "GET", "/api/v1/unions", NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "\"version\""), "%s", r->body);
	resp_free(r);
	cl_free(c);
}

/* The body and status of a branch's or union's edit page drawn for c. */
static char *edit_version(struct client *c, const char *edit)
{
	struct resp *r = cl_get(c, edit);
	char *v;

	cr_assert_eq(r->status, 200, "%s %s", edit, r->body);
	v = form_version(r->body);
	resp_free(r);
	return v;
}

Test(members_versions, two_officers_renaming_one_branch)
{
	struct client *a = cl_as(&S, "aktau", "en");
	struct client *b = cl_as(&S, "coordinator", "en");
	char *cell = srv_value(&S, "SELECT id FROM scopes WHERE name LIKE 'Aktau: oil%%'");
	char *path = xasprintf("/branches/%s", cell), *edit = xasprintf("%s/edit", path);
	char *va = edit_version(a, edit), *vb = edit_version(b, edit), *v, *now, *x;
	char *member, *mpath;
	struct resp *r;

	cr_assert_str_eq(va, vb);
	/* a member of the cell read first: its branch's name is cached */
	member = srv_value(&S, "SELECT min(id) FROM people WHERE branch_id = %s "
			   "AND erased_at IS NULL", cell);
	mpath = xasprintf("/api/v1/members/%s", member);
	r = cl_api(a, "GET", mpath, NULL);
	cr_assert(strstr(r->body, "Aktau: oil workers"), "%s", r->body);
	resp_free(r);
	r = cl_post(a, path, "name=Aktau+oil+cell&kind=cell&version=%s", va);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);

	/* the second, from the form drawn before: refused, nothing written */
	r = cl_post(b, path, "name=Aktau+oil+workers&kind=city&version=%s", vb);
	cr_assert_eq(r->status, 409, "%s", r->body);
	cr_assert(strstr(r->body, "Someone else saved this while you were editing it"),
		  "%s", r->body);
	cr_assert(strstr(r->body, "value=\"Aktau oil workers\""), "%s", r->body);
	now = now_beside(r->body, "name");
	cr_assert(now && strstr(now, "Aktau oil cell"), "%s", now ? now : r->body);
	free(now);
	now = now_beside(r->body, "kind");
	cr_assert(now && strstr(now, "Cell"), "%s", now ? now : r->body);
	free(now);
	v = form_version(r->body);
	cr_assert_eq(atoi(v), atoi(va) + 1);
	resp_free(r);
	x = srv_value(&S, "SELECT s.name || ' ' || b.kind FROM scopes s JOIN branches b "
		      "ON b.scope_id = s.id WHERE s.id = %s", cell);
	cr_assert_str_eq(x, "Aktau oil cell cell");
	free(x);

	/* with both in view, saving again goes through */
	r = cl_post(b, path, "name=Aktau+oil+workers&kind=cell&version=%s", v);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	/* the new name is everywhere at once (names are cached, and
	 * forgotten at a rename) */
	r = cl_api(a, "GET", mpath, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "\"branch\": \"Aktau oil workers\"") ||
		  strstr(r->body, "\"branch\":\"Aktau oil workers\""), "%s", r->body);
	resp_free(r);
	/* audited, old and new name */
	x = srv_value(&S, "SELECT count(*) FROM audit_log WHERE action = 'branch.updated' "
		      "AND object = 'scope:%s'", cell);
	cr_assert_eq(atoi(x), 2);
	free(x);

	free(v);
	free(va);
	free(vb);
	free(mpath);
	free(member);
	free(edit);
	free(path);
	free(cell);
	cl_free(a);
	cl_free(b);
}

Test(members_versions, a_branch_is_renamed_only_from_above)
{
	struct client *a = cl_as(&S, "aktau", "en");
	struct client *k = cl_as(&S, "karaganda", "en");
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	char *cell = srv_value(&S, "SELECT id FROM scopes WHERE name LIKE 'Aktau: oil%%'");
	char *sib = NULL, *path, *x;
	struct resp *r;

	/* Aktau's organizer renames inside Aktau, not Aktau itself */
	path = xasprintf("/branches/%s/edit", aktau);
	r = cl_get(a, path);
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);
	free(path);
	path = xasprintf("/branches/%s", aktau);
	r = cl_post(a, path, "name=Renamed&kind=city&version=0");
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);
	free(path);
	x = srv_value(&S, "SELECT count(*) FROM scopes WHERE name = 'Aktau'");
	cr_assert_str_eq(x, "1");
	free(x);

	/* another branch's registrar: no such branch, form or API */
	path = xasprintf("/branches/%s/edit", cell);
	r = cl_get(k, path);
	cr_assert_eq(r->status, 404, "%s", r->body);
	resp_free(r);
	free(path);
	path = xasprintf("/api/v1/branches/%s", cell);
	r = cl_api(k, "GET", path, NULL);
	cr_assert_eq(r->status, 404, "%s", r->body);
	resp_free(r);
	r = cl_api(k, "PATCH", path, "{\"name\": \"Taken Over\"}");
	cr_assert_eq(r->status, 404, "%s", r->body);
	resp_free(r);
	free(path);

	/* a sibling's name is refused beside the field, nothing written */
	r = cl_post(a, "/branches", "parent=%s&name=Aktau+sibling+cell&kind=cell", aktau);
	cr_assert_eq(r->status, 303, "%s", r->body);
	sib = xstrdup(resp_header(r, "Location") + strlen("/branches/"));
	resp_free(r);
	path = xasprintf("/branches/%s", sib);
	r = cl_post(a, path, "name=Aktau%%3A+oil+workers%%27+cell&kind=cell&version=1");
	cr_assert_eq(r->status, 409, "%s", r->body);
	cr_assert(strstr(r->body, "A branch with that name exists already there"), "%s", r->body);
	resp_free(r);
	free(path);
	path = xasprintf("/api/v1/branches/%s", sib);
	r = cl_api(a, "PATCH", path, "{\"kind\": \"planet\"}");
	cr_assert_eq(r->status, 422, "%s", r->body);
	cr_assert(strstr(r->body, "\"kind\""), "%s", r->body);
	resp_free(r);
	free(path);
	x = srv_value(&S, "SELECT s.name || ' ' || b.version FROM scopes s JOIN branches b "
		      "ON b.scope_id = s.id WHERE s.id = %s", sib);
	cr_assert_str_eq(x, "Aktau sibling cell 1");
	free(x);

	free(sib);
	free(cell);
	free(aktau);
	cl_free(a);
	cl_free(k);
}

Test(members_versions, a_union_changed_twice_over_the_api_and_the_form)
{
	struct client *a = cl_as(&S, "aktau", "en");
	struct client *b = cl_as(&S, "coordinator", "en");
	char *uid = srv_value(&S, "SELECT min(id) FROM unions");
	char *api = xasprintf("/api/v1/unions/%s", uid), *path = xasprintf("/unions/%s", uid);
	char *edit = xasprintf("%s/edit", path), *etag, *v, *now, *x;
	struct resp *r;

	/* only organization-wide */
	r = cl_get(a, edit);
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);
	r = cl_api(a, "PATCH", api, "{\"description\": \"by a branch\"}");
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);
	r = cl_post(a, path, "name=By+A+Branch&kind=union&version=0");
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);

	/* the form drawn, then a script writes with the tag it read */
	v = edit_version(b, edit);
	r = cl_api(b, "GET", api, NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	etag = xstrdup(resp_header(r, "ETag"));
	resp_free(r);
	r = patch(b, api, "{\"description\": \"Written by a script\"}", etag);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_str_neq(resp_header(r, "ETag"), etag);
	resp_free(r);
	/* the same old tag again: 409, "current" holds what the script wrote */
	r = patch(b, api, "{\"description\": \"stale\"}", etag);
	cr_assert_eq(r->status, 409, "%s", r->body);
	cr_assert(strstr(r->body, "\"current\"") && strstr(r->body, "Written by a script"),
		  "%s", r->body);
	resp_free(r);

	/* the form from before the script: 409, what was typed kept */
	r = cl_post(b, path, "name=Typed+Union+Name&kind=union&description=typed+here&version=%s", v);
	cr_assert_eq(r->status, 409, "%s", r->body);
	cr_assert(strstr(r->body, "value=\"Typed Union Name\""), "%s", r->body);
	now = now_beside(r->body, "description");
	cr_assert(now && strstr(now, "Written by a script"), "%s", now ? now : r->body);
	free(now);
	resp_free(r);
	x = srv_value(&S, "SELECT description FROM unions WHERE id = %s", uid);
	cr_assert_str_eq(x, "Written by a script");
	free(x);

	free(etag);
	free(v);
	free(edit);
	free(path);
	free(api);
	free(uid);
	cl_free(a);
	cl_free(b);
}

Test(members_versions, a_member_and_an_organizer_on_one_record)
{
	struct client *m = cl_as(&S, "member", "en");
	struct client *o = cl_as(&S, "coordinator", "en");
	char *id = srv_value(&S, "SELECT p.id FROM people p JOIN users u ON u.id = p.account_id "
			     "WHERE u.display_name LIKE 'Saule%%'");
	char *api = xasprintf("/api/v1/members/%s", id), *v, *v2, *now, *x;
	struct resp *r = cl_get(m, "/me");

	cr_assert_eq(r->status, 200, "%s", r->body);
	v = form_version(r->body);
	resp_free(r);
	/* the organizer corrects the workplace meanwhile */
	r = patch(o, api, "{\"workplace\": \"Set by the organizer\"}", NULL);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);

	/* the member's form, drawn before: refused, both kept */
	r = cl_post(m, "/me", "display_name=Saule&workplace=Typed+by+the+member&version=%s", v);
	cr_assert_eq(r->status, 409, "%s", r->body);
	cr_assert(strstr(r->body, "An organizer saved your record while you were editing it"),
		  "%s", r->body);
	cr_assert(strstr(r->body, "value=\"Typed by the member\""), "%s", r->body);
	now = now_beside(r->body, "workplace");
	cr_assert(now && strstr(now, "Set by the organizer"), "%s", now ? now : r->body);
	free(now);
	v2 = form_version(r->body);
	cr_assert_eq(atoi(v2), atoi(v) + 1);
	resp_free(r);
	x = srv_value(&S, "SELECT version FROM people WHERE id = %s", id);
	cr_assert_str_eq(x, v2, "nothing written by the refused save");
	free(x);

	/* saving again, both in view, goes through */
	r = cl_post(m, "/me", "display_name=Saule&workplace=Typed+by+the+member&version=%s", v2);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_api(o, "GET", api, NULL);
	cr_assert(strstr(r->body, "Typed by the member"), "%s", r->body);
	resp_free(r);

	free(v);
	free(v2);
	free(api);
	free(id);
	cl_free(m);
	cl_free(o);
}
