/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Congresses and their participants over real HTTP on the demo
 * organization: preparing a congress needs the organization-wide
 * congress organizer; its roles are granted over its own scope, so a
 * registrar of it registers delegates only from the registry they may
 * read (someone outside it is "no such member"), a chair of another
 * congress is nobody here, and a participant with an account finds the
 * congress on their phone; mandates count once checked; the quorum
 * follows the checked weight present; settings are versioned.
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
TestSuite(congress, .init = up, .fini = down, .timeout = 180);

/* The administrator grants who's account role over scope ("0": the
 * organization). */
static void grant(const char *who, const char *role, const char *scope)
{
	struct client *ad = cl_as(&S, "admin", "en");
	char *id = srv_value(&S, "SELECT min(id) FROM users WHERE display_name LIKE '%s%%'",
			     who);
	char *path = xasprintf("/admin/users/%s/grants", id);
	struct resp *r = cl_post(ad, path, "role=%s&scope=%s", role, scope);

	cr_assert_eq(r->status, 303, "%s %s: %ld %s", who, role, r->status, r->body);
	resp_free(r);
	free(path);
	free(id);
	cl_free(ad);
}

/* A congress prepared by the national coordinator made its organizer:
 * its id (malloc'd). */
static char *prepare(struct client *c, const char *name)
{
	char *enc = urlenc(name), *id;
	struct resp *r = cl_post(c, "/congress", "name=%s&place=Almaty&starts_on=2026-12-12"
				 "&ends_on=2026-12-13&quorum_pct=50&speak_seconds=180", enc);

	cr_assert_eq(r->status, 303, "%ld %s", r->status, r->body);
	id = xstrdup(resp_header(r, "Location") + strlen("/congress/"));
	resp_free(r);
	free(enc);
	return id;
}

Test(congress, a_congress_is_prepared_and_its_delegates_registered_within_reach)
{
	struct client *co = cl_as(&S, "coordinator", "en");
	struct client *ak, *mem, *kg;
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	char *kar = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Karaganda'");
	char *almaty_person = srv_value(&S, "SELECT min(p.id) FROM people p JOIN scopes s "
					"ON s.id = p.branch_id WHERE s.path LIKE (SELECT path FROM "
					"scopes WHERE name = 'Almaty') || '%%'");
	char *k, *scope, *path, *x, *want;
	struct resp *r;

	/* the members module's organizer is no congress organizer */
	r = cl_get(co, "/congress/new");
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);
	grant("Ainur", "congress_organizer", "0");
	k = prepare(co, "Fourth conference");
	scope = srv_value(&S, "SELECT scope_id FROM congresses WHERE id = %s", k);
	x = srv_value(&S, "SELECT name FROM scopes WHERE id = %s", scope);
	cr_assert_str_eq(x, "Congress: Fourth conference", "its own scope, for its roles");
	free(x);
	path = xasprintf("/congress/%s", k);
	r = cl_get(co, path);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "does not have its quorum"), "%s", r->body);
	resp_free(r);
	free(path);

	/* Aktau's organizer is made the congress's registrar */
	grant("Yerlan", "congress_registrar", scope);
	ak = cl_as(&S, "aktau", "en");
	path = xasprintf("/congress/%s/participants", k);
	/* a branch outside their registry: no such branch, nobody registered */
	r = cl_post(ak, path, "kind=delegate&branch=%s", kar);
	cr_assert_eq(r->status, 422, "%s", r->body);
	cr_assert(strstr(r->body, "There is no such branch"), "%s", r->body);
	resp_free(r);
	/* a member outside it: no such member */
	r = cl_post(ak, path, "kind=delegate&person=%s", almaty_person);
	cr_assert_eq(r->status, 422, "%s", r->body);
	cr_assert(strstr(r->body, "There is no such member"), "%s", r->body);
	resp_free(r);
	x = srv_value(&S, "SELECT count(*) FROM participants WHERE congress_id = %s", k);
	cr_assert_str_eq(x, "0");
	free(x);

	/* their own branch: every active member in it, with a mandate from it */
	r = cl_post(ak, path, "kind=delegate&branch=%s", aktau);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	want = srv_value(&S, "SELECT count(*) FROM people p JOIN scopes s ON s.id = p.branch_id "
			 "WHERE p.status = 'active' AND p.erased_at IS NULL AND "
			 "s.path LIKE (SELECT path FROM scopes WHERE id = %s) || '%%'", aktau);
	x = srv_value(&S, "SELECT count(*) FROM participants p JOIN mandates m ON "
		      "m.participant_id = p.id WHERE p.congress_id = %s AND p.kind = 'delegate' "
		      "AND m.source = 'branch' AND m.source_id = %s", k, aktau);
	cr_assert_gt(atoi(want), 1);
	cr_assert(*almaty_person);
	cr_assert_str_eq(x, want, "every active member of Aktau, once");
	free(x);
	/* again: nobody twice */
	r = cl_post(ak, path, "kind=delegate&branch=%s", aktau);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	x = srv_value(&S, "SELECT count(*) FROM participants WHERE congress_id = %s", k);
	cr_assert_str_eq(x, want);
	free(x);
	/* a guest at the door, by the name they give */
	r = cl_post(ak, path, "kind=guest&display_name=A+journalist+from+abroad");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_get(ak, path);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "A journalist from abroad"), "%s", r->body);
	resp_free(r);
	free(path);

	/* the same over the API: the registrar lists them, the ETag is the
	 * congress's version */
	{
		char *api = xasprintf("/api/v1/congresses/%s", k);
		char *apip = xasprintf("%s/participants", api);
		r = cl_api(ak, "GET", api, NULL);
		cr_assert_eq(r->status, 200, "%s", r->body);
		cr_assert_str_eq(resp_header(r, "ETag"), "\"v1\"");
		cr_assert(strstr(r->body, "\"presence\""), "%s", r->body);
		resp_free(r);
		r = cl_api(ak, "GET", apip, NULL);
		cr_assert_eq(r->status, 200, "%s", r->body);
		cr_assert(strstr(r->body, "A journalist from abroad"), "%s", r->body);
		resp_free(r);
		r = cl_api(ak, "GET", "/api/v1/congresses", NULL);
		cr_assert(strstr(r->body, "Fourth conference"), "%s", r->body);
		resp_free(r);
		free(apip);
		free(api);
	}

	/* the member with an account takes part through the congress's scope */
	mem = cl_as(&S, "member", "en");
	r = cl_get(mem, "/congress");
	cr_assert(strstr(r->body, "Fourth conference"), "%s", r->body);
	resp_free(r);
	path = xasprintf("/congress/%s", k);
	r = cl_get(mem, path);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "Delegate"), "%s", r->body);
	resp_free(r);
	/* Karaganda's registrar holds no congress role: refused, whatever
	 * the congress */
	kg = cl_as(&S, "karaganda", "en");
	r = cl_get(kg, path);
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);
	/* a participant of another congress: this one does not exist for them */
	{
		char *k2 = prepare(co, "Karaganda regional meeting");
		char *scope2 = srv_value(&S, "SELECT scope_id FROM congresses WHERE id = %s", k2);
		char *p2 = xasprintf("/congress/%s", k2);
		grant("Galina", "congress_participant", scope2);
		cl_free(kg);
		kg = cl_as(&S, "karaganda", "en");
		r = cl_get(kg, p2);
		cr_assert_eq(r->status, 200, "%s", r->body);
		resp_free(r);
		r = cl_get(kg, path);
		cr_assert_eq(r->status, 404, "%s", r->body);
		cr_assert(strstr(r->body, "There is no such congress"), "%s", r->body);
		resp_free(r);
		r = cl_get(kg, "/congress/999999");
		cr_assert_eq(r->status, 404, "the same as one that does not exist");
		resp_free(r);
		free(p2);
		free(scope2);
		free(k2);
	}
	r = cl_get(kg, "/congress");
	cr_assert(!strstr(r->body, "Fourth conference"), "%s", r->body);
	resp_free(r);
	free(path);

	free(want);
	free(scope);
	free(k);
	free(almaty_person);
	free(kar);
	free(aktau);
	cl_free(co);
	cl_free(ak);
	cl_free(mem);
	cl_free(kg);
}

Test(congress, checked_mandates_make_the_quorum_and_settings_are_versioned)
{
	struct client *co = cl_as(&S, "coordinator", "en");
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	char *k, *path, *pid, *mid, *ppath, *x, *v;
	struct resp *r;

	grant("Ainur", "congress_organizer", "0");
	k = prepare(co, "Quorum congress");
	path = xasprintf("/congress/%s/participants", k);
	r = cl_post(co, path, "kind=delegate&branch=%s", aktau);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	free(path);

	/* unchecked mandates weigh nothing */
	path = xasprintf("/congress/%s", k);
	r = cl_get(co, path);
	cr_assert(strstr(r->body, "data-weight-total=\"0\""), "%s", r->body);
	resp_free(r);
	/* one checked, with weight 3 */
	pid = srv_value(&S, "SELECT min(id) FROM participants WHERE congress_id = %s", k);
	mid = srv_value(&S, "SELECT id FROM mandates WHERE participant_id = %s", pid);
	ppath = xasprintf("/congress/%s/participants/%s", k, pid);
	r = cl_post(co, ppath, "action=check&mandate=%s&weight=3", mid);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_post(co, ppath, "action=check&mandate=%s&weight=0", mid);
	cr_assert_eq(r->status, 422, "a weight below 1: %s", r->body);
	resp_free(r);
	/* a mandate of another participant is none of this one's */
	{
		char *other = srv_value(&S, "SELECT max(m.id) FROM mandates m JOIN participants p "
					"ON p.id = m.participant_id WHERE p.congress_id = %s", k);
		r = cl_post(co, ppath, "action=check&mandate=%s&weight=1", other);
		cr_assert_eq(r->status, 404, "%s", r->body);
		resp_free(r);
		free(other);
	}
	r = cl_get(co, path);
	cr_assert(strstr(r->body, "data-weight-total=\"3\"") &&
		  strstr(r->body, "data-weight-present=\"0\"") &&
		  strstr(r->body, "data-quorum=\"0\""), "%s", r->body);
	resp_free(r);
	/* present (the door comes in the next slice): the quorum is there */
	free(srv_sql(&S, "UPDATE participants SET present = 1 WHERE id = %s", pid));
	r = cl_get(co, path);
	cr_assert(strstr(r->body, "data-weight-present=\"3\"") &&
		  strstr(r->body, "data-quorum=\"1\""), "%s", r->body);
	resp_free(r);

	/* settings: two saves from one form, the second refused */
	{
		char *edit = xasprintf("%s/edit", path);
		r = cl_get(co, edit);
		cr_assert_eq(r->status, 200, "%s", r->body);
		v = between(r->body, "name=\"version\" value=\"", "\"");
		cr_assert_not_null(v, "%s", r->body);
		resp_free(r);
		r = cl_post(co, path, "name=Quorum+congress&state=open&quorum_pct=60&version=%s", v);
		cr_assert_eq(r->status, 303, "%s", r->body);
		resp_free(r);
		r = cl_post(co, path, "name=Renamed+meanwhile&state=preparing&quorum_pct=50&version=%s", v);
		cr_assert_eq(r->status, 409, "%s", r->body);
		cr_assert(strstr(r->body, "Someone else saved this"), "%s", r->body);
		cr_assert(strstr(r->body, "value=\"Renamed meanwhile\""), "%s", r->body);
		resp_free(r);
		x = srv_value(&S, "SELECT name || ' ' || state || ' ' || quorum_pct FROM congresses "
			      "WHERE id = %s", k);
		cr_assert_str_eq(x, "Quorum congress open 60");
		free(x);
		/* the posts named no place nor dates: those stand */
		x = srv_value(&S, "SELECT place || ' ' || starts_on || ' ' || ends_on FROM "
			      "congresses WHERE id = %s", k);
		cr_assert_str_eq(x, "Almaty 2026-12-12 2026-12-13");
		free(x);
		/* a quorum out of range is refused beside its field */
		r = cl_post(co, path, "name=Quorum+congress&quorum_pct=101&version=0");
		cr_assert_eq(r->status, 422, "%s", r->body);
		resp_free(r);
		free(edit);
		free(v);
	}

	/* removing a participant with an account takes their grant away */
	{
		char *member_pid = srv_value(&S, "SELECT p.id FROM participants p WHERE "
					     "p.congress_id = %s AND p.account_id = (SELECT min(id) FROM users WHERE display_name LIKE 'Saule%%')", k);
		char *acc = srv_value(&S, "SELECT account_id FROM participants WHERE id = %s",
				      member_pid);
		char *rp = xasprintf("/congress/%s/participants/%s", k, member_pid);
		char *scope = srv_value(&S, "SELECT scope_id FROM congresses WHERE id = %s", k);
		x = srv_value(&S, "SELECT count(*) FROM grants WHERE user_id = %s AND "
			      "role = 'congress_participant' AND scope_id = %s", acc, scope);
		cr_assert_str_eq(x, "1");
		free(x);
		r = cl_post(co, rp, "action=remove&confirm=yes");
		cr_assert_eq(r->status, 303, "%s", r->body);
		resp_free(r);
		x = srv_value(&S, "SELECT count(*) FROM grants WHERE user_id = %s AND "
			      "role = 'congress_participant' AND scope_id = %s", acc, scope);
		cr_assert_str_eq(x, "0");
		free(x);
		r = cl_get(co, rp);
		cr_assert_eq(r->status, 404, "removed: %s", r->body);
		resp_free(r);
		free(scope);
		free(rp);
		free(acc);
		free(member_pid);
	}

	free(ppath);
	free(mid);
	free(pid);
	free(path);
	free(k);
	free(aktau);
	cl_free(co);
}

/* The badge link of participant pid, from the registrar's page. */
static char *badge_code(struct client *c, const char *k, const char *pid)
{
	char *path = xasprintf("/congress/%s/participants/%s", k, pid);
	struct resp *r = cl_get(c, path);
	char *code = between(r->body, "door?code=", "<");

	cr_assert_not_null(code, "%s", r->body);
	resp_free(r);
	free(path);
	return code;
}

Test(congress, the_door_checks_badges_in_and_out_once)
{
	struct client *co = cl_as(&S, "coordinator", "en");
	struct client *mem;
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	char *k, *k2, *pid, *gid, *code, *gcode, *door, *path, *x;
	struct resp *r;

	grant("Ainur", "congress_organizer", "0");
	k = prepare(co, "Door congress");
	k2 = prepare(co, "Another congress");
	path = xasprintf("/congress/%s/participants", k);
	r = cl_post(co, path, "kind=delegate&branch=%s", aktau);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	free(path);
	path = xasprintf("/congress/%s/participants", k2);
	r = cl_post(co, path, "kind=guest&display_name=Elsewhere+Guest");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	free(path);
	/* a guest's badge is the one the registrar's page shows (someone with
	 * an account has theirs on their phone) */
	path = xasprintf("/congress/%s/participants", k);
	r = cl_post(co, path, "kind=guest&display_name=Saule%%27s+neighbour");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	free(path);
	pid = srv_value(&S, "SELECT id FROM participants WHERE congress_id = %s AND "
			"kind = 'guest'", k);
	gid = srv_value(&S, "SELECT id FROM participants WHERE congress_id = %s", k2);
	code = badge_code(co, k, pid);
	gcode = badge_code(co, k2, gid);
	cr_assert_str_neq(code, gcode);
	x = srv_value(&S, "SELECT count(*) FROM participants WHERE badge_index IS NOT NULL "
		      "AND congress_id = %s", k);
	cr_assert_neq(atoi(x), 0);
	free(x);

	/* a scanned badge opens the door page with its holder */
	door = xasprintf("/congress/%s/door", k);
	path = xasprintf("%s?code=%s", door, code);
	r = cl_get(co, path);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "Saule"), "%s", r->body);
	resp_free(r);
	free(path);
	/* another congress's badge, and one that is no badge */
	path = xasprintf("%s?code=%s", door, gcode);
	r = cl_get(co, path);
	cr_assert_eq(r->status, 409, "%s", r->body);
	cr_assert(strstr(r->body, "This badge is for another congress"), "%s", r->body);
	resp_free(r);
	free(path);
	path = xasprintf("%s?code=notabadge", door);
	r = cl_get(co, path);
	cr_assert_eq(r->status, 404, "%s", r->body);
	resp_free(r);
	free(path);
	/* a new badge: the old code opens nothing, the new one the door */
	path = xasprintf("/congress/%s/participants/%s", k, pid);
	r = cl_post(co, path, "action=badge");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	free(path);
	path = xasprintf("%s?code=%s", door, code);
	r = cl_get(co, path);
	cr_assert_eq(r->status, 404, "the old badge: %s", r->body);
	resp_free(r);
	free(path);
	free(code);
	code = badge_code(co, k, pid);
	path = xasprintf("%s?code=%s", door, code);
	r = cl_get(co, path);
	cr_assert_eq(r->status, 200, "the new badge: %s", r->body);
	resp_free(r);
	free(path);

	/* in, once */
	r = cl_post(co, door, "participant=%s&went=in", pid);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_post(co, door, "participant=%s&went=in", pid);
	cr_assert_eq(r->status, 409, "%s", r->body);
	cr_assert(strstr(r->body, "is checked in already"), "%s", r->body);
	resp_free(r);
	r = cl_get(co, door);
	cr_assert(strstr(r->body, "data-present=\"1\""), "%s", r->body);
	resp_free(r);
	/* nor on this congress's participant pages */
	{
		char *pp = xasprintf("/congress/%s/participants/%s", k, gid);
		r = cl_get(co, pp);
		cr_assert_eq(r->status, 404, "%s", r->body);
		resp_free(r);
		r = cl_post(co, pp, "action=speak");
		cr_assert_eq(r->status, 404, "%s", r->body);
		resp_free(r);
		free(pp);
	}
	/* another congress's participant does not exist at this door */
	r = cl_post(co, door, "participant=%s&went=in", gid);
	cr_assert_eq(r->status, 404, "%s", r->body);
	resp_free(r);
	/* out, once */
	r = cl_post(co, door, "participant=%s&went=out", pid);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_post(co, door, "participant=%s&went=out", pid);
	cr_assert_eq(r->status, 409, "%s", r->body);
	resp_free(r);
	x = srv_value(&S, "SELECT count(*) FROM presence_log WHERE participant_id = %s", pid);
	cr_assert_str_eq(x, "2", "one in, one out");
	free(x);
	/* found by name too */
	path = xasprintf("%s?q=saule", door);
	r = cl_get(co, path);
	cr_assert(strstr(r->body, "Saule") && strstr(r->body, "Check in"), "%s", r->body);
	resp_free(r);
	free(path);

	/* the member sees their own badge; the code stays sealed at rest */
	mem = cl_as(&S, "member", "en");
	path = xasprintf("/congress/%s/badge", k);
	r = cl_get(mem, path);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "<svg") && strstr(r->body, "class=\"qr\""), "%s", r->body);
	resp_free(r);
	free(path);
	/* the door is not theirs */
	r = cl_get(mem, door);
	cr_assert_eq(r->status, 403, "%s", r->body);
	resp_free(r);
	{
		const char *needles[] = {code, gcode, NULL};
		srv_assert_no_plaintext(&S, "Elsewhere Guest", needles);
	}

	free(door);
	free(gcode);
	free(code);
	free(gid);
	free(pid);
	free(k2);
	free(k);
	free(aktau);
	cl_free(mem);
	cl_free(co);
}

Test(congress, a_congress_keeps_its_dates_its_name_and_its_state)
{
	struct client *co = cl_as(&S, "coordinator", "en");
	struct client *ak = cl_as(&S, "aktau", "en");
	struct client *mem = cl_as(&S, "member", "en");
	char *k, *x, *aktau_k, *path;
	struct resp *r;

	grant("Ainur", "congress_organizer", "0");
	k = prepare(co, "Dated congress");
	/* the dates as typed (the last day was once stored as a pointer) */
	x = srv_value(&S, "SELECT starts_on || ' ' || ends_on FROM congresses WHERE id = %s", k);
	cr_assert_str_eq(x, "2026-12-12 2026-12-13");
	free(x);
	/* a branch's conference cannot take another congress's name */
	aktau_k = srv_value(&S, "SELECT id FROM congresses WHERE name LIKE 'Aktau%%'");
	path = xasprintf("/congress/%s", aktau_k);
	{
		char *v = srv_value(&S, "SELECT version FROM congresses WHERE id = %s", aktau_k);
		r = cl_post(ak, path, "name=Fourth+conference+of+Kazakhstan+2012&state=preparing"
			    "&quorum_pct=50&version=%s", v);
		cr_assert_eq(r->status, 409, "%s", r->body);
		cr_assert(strstr(r->body, "A congress with that name exists already"), "%s", r->body);
		resp_free(r);
		/* no version named: refused, never "whatever is there" */
		r = cl_post(ak, path, "name=Aktau+regional+conference&quorum_pct=50");
		cr_assert_eq(r->status, 422, "%s", r->body);
		resp_free(r);
		/* a place and a deadline sent empty are blanked; a deadline
		 * not a time is refused */
		free(srv_sql(&S, "UPDATE congresses SET motion_deadline = 1000 WHERE id = %s", aktau_k));
		free(v);
		v = srv_value(&S, "SELECT version FROM congresses WHERE id = %s", aktau_k);
		r = cl_post(ak, path, "name=Aktau+regional+conference&place=&motion_deadline=&"
			    "amendment_deadline=2027-02-06T18:00&version=%s", v);
		cr_assert_eq(r->status, 303, "%s", r->body);
		resp_free(r);
		free(v);
		x = srv_value(&S, "SELECT place || '|' || motion_deadline || '|' || "
			      "(amendment_deadline > 0) FROM congresses WHERE id = %s", aktau_k);
		cr_assert(strcmp(x, "|0|1") == 0 || strcmp(x, "|0|t") == 0 || strcmp(x, "|0|true") == 0, "%s", x);
		free(x);
		v = srv_value(&S, "SELECT version FROM congresses WHERE id = %s", aktau_k);
		r = cl_post(ak, path, "name=Aktau+regional+conference&motion_deadline=2027-02-06+1a:00&version=%s", v);
		cr_assert_eq(r->status, 422, "%s", r->body);
		cr_assert(strstr(r->body, "is not a day and a time"), "%s", r->body);
		resp_free(r);
		free(v);
	}
	r = cl_post(co, "/congress", "name=Dated+congress");
	cr_assert_eq(r->status, 409, "%s", r->body);
	resp_free(r);
	free(path);

	/* preparing: nobody asks to speak yet */
	{
		char *item, *ip, *sp;
		r = cl_post(ak, "/congress/1/agenda", "title=x");
		cr_assert_eq(r->status, 404, "not theirs: %s", r->body);
		resp_free(r);
		path = xasprintf("/congress/%s/agenda", aktau_k);
		r = cl_post(ak, path, "title=Local+report");
		cr_assert_eq(r->status, 303, "%s", r->body);
		resp_free(r);
		item = srv_value(&S, "SELECT max(id) FROM agenda_items WHERE congress_id = %s",
				 aktau_k);
		ip = xasprintf("%s/%s", path, item);
		sp = xasprintf("%s/speakers", ip);
		r = cl_post(ak, "/congress", "%s", ""); /* not an organizer */
		cr_assert_eq(r->status, 403, "%s", r->body);
		resp_free(r);
		{
			char *pid;
			char *pp = xasprintf("/congress/%s/participants", aktau_k);
			char *scope = srv_value(&S, "SELECT scope_id FROM congresses WHERE "
						"id = %s", aktau_k);
			grant("Yerlan", "congress_registrar", scope);
			free(scope);
			cl_free(ak);
			ak = cl_as(&S, "aktau", "en");
			r = cl_post(ak, pp, "kind=guest&display_name=Early+guest");
			cr_assert_eq(r->status, 303, "%s", r->body);
			resp_free(r);
			pid = srv_value(&S, "SELECT id FROM participants WHERE display_name = "
					"'Early guest'");
			free(srv_sql(&S, "UPDATE participants SET may_speak = 1 WHERE id = %s", pid));
			r = cl_post(ak, sp, "participant=%s", pid);
			cr_assert_eq(r->status, 409, "%s", r->body);
			cr_assert(strstr(r->body, "The congress is not open"), "%s", r->body);
			resp_free(r);
			free(pid);
			free(pp);
		}
		/* closed: nothing changes any more */
		free(srv_sql(&S, "UPDATE congresses SET state = 'closed' WHERE id = %s", aktau_k));
		r = cl_post(ak, path, "title=Too+late");
		cr_assert_eq(r->status, 409, "%s", r->body);
		cr_assert(strstr(r->body, "This congress is closed"), "%s", r->body);
		resp_free(r);
		{
			char *pp = xasprintf("/congress/%s/participants", aktau_k);
			r = cl_post(ak, pp, "kind=guest&display_name=Late+guest");
			cr_assert_eq(r->status, 409, "%s", r->body);
			resp_free(r);
			free(pp);
		}
		x = srv_value(&S, "SELECT count(*) FROM agenda_items WHERE title = 'Too late'");
		cr_assert_str_eq(x, "0");
		free(x);
		free(sp);
		free(ip);
		free(item);
		free(path);
	}
	free(aktau_k);
	free(k);
	cl_free(co);
	cl_free(ak);
	cl_free(mem);
}

Test(congress, registering_again_and_removing_leave_nothing_behind)
{
	struct client *co = cl_as(&S, "coordinator", "en");
	struct client *mem = cl_as(&S, "member", "en");
	char *pid = srv_value(&S, "SELECT id FROM participants WHERE congress_id = 1 AND "
			      "account_id = (SELECT min(id) FROM users WHERE display_name LIKE 'Saule%%')");
	char *person = srv_value(&S, "SELECT person_id FROM participants WHERE id = %s", pid);
	char *applicant = srv_value(&S, "SELECT min(id) FROM people WHERE status = 'applicant'");
	char *pp = xasprintf("/congress/1/participants/%s", pid), *old, *fresh, *x;
	struct resp *r;

	/* a participant with an account: their badge is on their phone, not
	 * on the registrar's page */
	r = cl_get(co, pp);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert_null(strstr(r->body, "door?code="), "%s", r->body);
	resp_free(r);
	r = cl_get(mem, "/congress/1/badge");
	cr_assert(strstr(r->body, "<svg"), "%s", r->body);
	resp_free(r);
	/* the badge's blind index as hex text on either backend */
	old = srv_value(&S, on_pg() ? "SELECT encode(badge_index, 'hex') FROM participants "
				      "WHERE id = %s"
				    : "SELECT hex(badge_index) FROM participants WHERE id = %s",
			pid);

	/* she asks to speak, then is removed: off the list */
	{
		char *item, *sp;
		struct client *ch = cl_as(&S, "chair@example.org", "en");
		r = cl_post(ch, "/congress/1/agenda", "title=Removal+item");
		cr_assert_eq(r->status, 303, "%s", r->body);
		resp_free(r);
		cl_free(ch);
		item = srv_value(&S, "SELECT max(id) FROM agenda_items WHERE congress_id = 1");
		sp = xasprintf("/congress/1/agenda/%s/speakers", item);
		r = cl_post(mem, sp, "%s", "");
		cr_assert_eq(r->status, 303, "%s", r->body);
		resp_free(r);
		r = cl_post(co, pp, "action=remove&confirm=yes");
		cr_assert_eq(r->status, 303, "%s", r->body);
		resp_free(r);
		x = srv_value(&S, "SELECT count(*) FROM speakers WHERE item_id = %s AND "
			      "removed_at IS NULL", item);
		cr_assert_str_eq(x, "0", "a removed participant waits on no list");
		free(x);
		free(sp);
		free(item);
	}
	/* registered again, as a visitor: a new badge, her kind, her mandate
	 * to be checked again */
	r = cl_post(co, "/congress/1/participants", "kind=visitor&person=%s", person);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	fresh = srv_value(&S, on_pg() ? "SELECT encode(badge_index, 'hex') FROM participants "
					"WHERE id = %s"
				      : "SELECT hex(badge_index) FROM participants WHERE id = %s",
			  pid);
	cr_assert_str_neq(fresh, old, "the old badge is no badge any more");
	x = srv_value(&S, "SELECT kind || ' ' || (SELECT count(*) FROM mandates WHERE "
		      "participant_id = %s AND checked_at IS NOT NULL) FROM participants "
		      "WHERE id = %s", pid, pid);
	cr_assert_str_eq(x, "visitor 0");
	free(x);

	/* from the registry: an active member only, a union's mandate for its
	 * members, an unknown union is none */
	if (*applicant) {
		r = cl_post(co, "/congress/1/participants", "kind=delegate&person=%s", applicant);
		cr_assert_eq(r->status, 422, "%s", r->body);
		cr_assert(strstr(r->body, "Only an active member"), "%s", r->body);
		resp_free(r);
	}
	r = cl_post(co, "/congress/1/participants", "kind=delegate&union=999999");
	cr_assert_eq(r->status, 422, "%s", r->body);
	cr_assert(strstr(r->body, "There is no such union"), "%s", r->body);
	resp_free(r);
	{
		char *outsider = srv_value(&S, "SELECT min(p.id) FROM people p WHERE p.status = "
					   "'active' AND p.id NOT IN (SELECT person_id FROM "
					   "person_unions WHERE union_id = 1)");
		r = cl_post(co, "/congress/1/participants", "kind=delegate&person=%s&union=1",
			    outsider);
		cr_assert_eq(r->status, 422, "%s", r->body);
		cr_assert(strstr(r->body, "needs a member of that union"), "%s", r->body);
		resp_free(r);
		free(outsider);
	}

	free(fresh);
	free(old);
	free(pp);
	free(applicant);
	free(person);
	free(pid);
	cl_free(co);
	cl_free(mem);
}

Test(congress, the_secretariat_s_slips_are_refused_or_harmless)
{
	struct client *co = cl_as(&S, "coordinator", "en");
	char *pid = srv_value(&S, "SELECT id FROM participants WHERE congress_id = 1 AND "
			      "account_id = (SELECT min(id) FROM users WHERE display_name LIKE 'Saule%%')");
	char *person = srv_value(&S, "SELECT person_id FROM participants WHERE id = %s", pid);
	char *mid = srv_value(&S, "SELECT min(id) FROM mandates WHERE participant_id = %s", pid);
	char *scope = srv_value(&S, "SELECT scope_id FROM congresses WHERE id = 1");
	char *pp = xasprintf("/congress/1/participants/%s", pid), *x;
	struct resp *r;

	/* unchecking with a weight out of range is refused, the weight kept */
	r = cl_post(co, pp, "action=uncheck&mandate=%s&weight=0", mid);
	cr_assert_eq(r->status, 422, "%s", r->body);
	resp_free(r);
	x = srv_value(&S, "SELECT weight FROM mandates WHERE id = %s AND checked_at IS NOT NULL",
		      mid);
	cr_assert_str_eq(x, "1");
	free(x);
	/* removing someone in the hall checks them out first: the log has
	 * no gap */
	free(srv_sql(&S, "UPDATE participants SET present = 1 WHERE id = %s", pid));
	r = cl_post(co, pp, "action=remove&confirm=yes");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	x = srv_value(&S, "SELECT went FROM presence_log WHERE participant_id = %s "
		      "ORDER BY id DESC LIMIT 1", pid);
	cr_assert_str_eq(x, "out");
	free(x);
	/* an administrator grants her the participant role by hand; then
	 * the secretariat registers her: one grant, no error */
	grant("Saule", "congress_participant", scope);
	r = cl_post(co, "/congress/1/participants", "kind=delegate&person=%s", person);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	x = srv_value(&S, "SELECT count(*) FROM grants g JOIN participants p ON "
		      "p.account_id = g.user_id WHERE p.id = %s AND g.role = "
		      "'congress_participant' AND g.scope_id = %s", pid, scope);
	cr_assert_str_eq(x, "1");
	free(x);

	free(pp);
	free(scope);
	free(mid);
	free(person);
	free(pid);
	cl_free(co);
}
