/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Self-service over real HTTP on the demo organization: a member sees and
 * corrects their record, downloads all of it as JSON, and leaves — after
 * which nothing of them is found in the raw data — and an organizer opens
 * self-service to a member by email.
 */
#include <criterion/criterion.h>
#include <jansson.h>
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
TestSuite(self_service, .init = up, .fini = down, .timeout = 180);

Test(self_service, a_member_sees_corrects_and_downloads_their_record)
{
	struct client *c = cl_as(&S, "member", NULL);
	struct resp *r = cl_get(c, "/me");
	json_t *j;

	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "Saule Mukhanova"));
	cr_assert(strstr(r->body, "+7 702 555 77 10"), "the phone, grouped");
	cr_assert(strstr(r->body, "1500.00 KZT"));
	resp_free(r);
	/* a new phone and address; the legal name is not theirs to change */
	r = cl_post(c, "/me", "display_name=Saule&phone=8+702+555+77+11&email=member%%40example.org"
		    "&address=Aktau%%2C+15th+microdistrict&consent_email=on");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_post(c, "/me", "display_name=Saule&legal_name=Someone+Else");
	cr_assert_eq(r->status, 400, "not a field a member sends");
	resp_free(r);
	r = cl_post(c, "/me", "display_name=Saule&phone=12");
	cr_assert_eq(r->status, 422);
	resp_free(r);
	r = cl_get(c, "/me/data.json");
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(resp_header(r, "Content-Disposition"), "attachment"));
	j = json_loads(r->body, 0, NULL);
	cr_assert_not_null(j, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "person"), "phone")),
			 "+77025557711");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "person"), "legal_name")),
			 "Saule Mukhanova");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "account"), "email")),
			 "member@example.org");
	cr_assert_eq(json_array_size(json_object_get(j, "dues")), 1);
	cr_assert_geq(json_array_size(json_object_get(j, "status_history")), 1);
	json_decref(j);
	resp_free(r);
	{
		char *n = srv_value(&S, "SELECT count(*) FROM audit_log "
				    "WHERE action = 'person.downloaded'");
		cr_assert_str_eq(n, "1");
		free(n);
	}
	cl_free(c);
	/* an account without a record is told so */
	c = cl_as(&S, "karaganda", NULL);
	r = cl_get(c, "/me");
	cr_assert_eq(r->status, 200);
	cr_assert_null(strstr(r->body, "action=\"/me?"));
	resp_free(r);
	r = cl_get(c, "/me/data.json");
	cr_assert_null(strstr(r->body, "Mukhanova"));
	resp_free(r);
	cl_free(c);
}

Test(self_service, all_my_data_reads_as_a_page_and_holds_only_mine)
{
	struct client *c = cl_as(&S, "member", "en");
	char *pid = srv_sql(&S, "SELECT id FROM people WHERE display_name = 'Saule M.' "
			   "AND account_id IS NOT NULL");
	char *other = srv_sql(&S, "SELECT display_name FROM people WHERE account_id IS NULL "
			      "AND erased_at IS NULL ORDER BY id LIMIT 1");
	char *n;
	struct resp *r;

	str_trim(pid);
	str_trim(other);
	/* an application that made them */
	n = srv_sql(&S, "UPDATE applications SET person_id = %s, state = 'accepted' "
		    "WHERE id = (SELECT min(id) FROM applications)", pid);
	free(n);
	r = cl_post(c, "/account", "display_name=Saule+(member)&lang=en");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_get(c, "/me");
	cr_assert(strstr(r->body, "href=\"/me/data\""), "offered beside the JSON");
	resp_free(r);
	r = cl_get(c, "/me/data");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(str_starts(resp_header(r, "Content-Type"), "text/html"));
	cr_assert(strstr(r->body, "Saule Mukhanova"), "the record, opened");
	cr_assert(strstr(r->body, "+77025557710"));
	cr_assert(strstr(r->body, "member@example.org"), "the account");
	cr_assert(strstr(r->body, "1500.00 KZT"), "the dues, as people read them");
	cr_assert(strstr(r->body, "Independent oil workers"), "the unions");
	cr_assert(strstr(r->body, "h-history"), "the status history");
	cr_assert(strstr(r->body, "h-applications"), "the application that made them");
	cr_assert(strstr(r->body, "accepted"));
	cr_assert(strlen(other) > 0);
	cr_assert_null(strstr(r->body, other), "nobody else's record: %s", other);
	resp_free(r);
	n = srv_sql(&S, "SELECT count(*) FROM audit_log WHERE action = 'person.downloaded' "
		    "AND object = 'person:%s'", pid);
	cr_assert_str_eq(str_trim(n), "1", "audited like the JSON");
	free(n);
	cl_free(c);
	/* someone without a record gets nobody's */
	c = cl_new(&S);
	cr_assert_eq(cl_login(c, "karaganda@example.org", DEMO_PASSWORD, NULL), 303);
	r = cl_get(c, "/me/data");
	cr_assert_null(strstr(r->body, "Mukhanova"));
	cr_assert_null(strstr(r->body, "h-record"));
	resp_free(r);
	cl_free(c);
	free(pid);
	free(other);
}

Test(self_service, leaving_erases_the_person_and_the_account)
{
	struct client *c = cl_as(&S, "member", NULL);
	struct resp *r;
	char *pid = srv_value(&S, "SELECT id FROM people WHERE account_id IS NOT NULL");
	char *n;

	r = cl_post(c, "/me/leave", "password=wrong+password");
	cr_assert_eq(r->status, 422);
	resp_free(r);
	r = cl_post(c, "/me/leave", "password=%s", DEMO_PASSWORD);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	r = cl_get(c, "/me");
	cr_assert_eq(r->status, 303, "signed out: %ld", r->status);
	resp_free(r);
	cl_free(c);
	c = cl_new(&S);
	cr_assert_neq(cl_login(c, "member@example.org", DEMO_PASSWORD, NULL), 303,
		      "the account is gone");
	cl_free(c);
	/* the record stays, anonymous; its history and dues stay too */
	n = srv_value(&S, "SELECT status || CASE WHEN erased_at > 0 THEN ' erased' ELSE '' END || "
		      "CASE WHEN legal_name_sealed IS NULL THEN ' nameless' ELSE '' END "
		      "FROM people WHERE id = %s", pid);
	cr_assert_str_eq(n, "left erased nameless");
	free(n);
	n = srv_value(&S, "SELECT count(*) FROM dues WHERE person_id = %s", pid);
	cr_assert_str_eq(n, "1");
	free(n);
	n = srv_value(&S, "SELECT from_status || ' ' || to_status FROM status_history "
		      "WHERE person_id = %s ORDER BY id DESC LIMIT 1", pid);
	cr_assert_str_eq(n, "active left", "the history says she left");
	free(n);
	n = srv_value(&S, "SELECT count(*) FROM audit_log WHERE action = 'person.left'");
	cr_assert_str_eq(n, "1");
	free(n);
	/* the organizers cannot find her, and the raw data does not hold her */
	c = cl_as(&S, "aktau", NULL);
	r = cl_get(c, "/api/v1/members?q=mukhanova");
	cr_assert(strstr(r->body, "\"total\":0"), "%s", r->body);
	resp_free(r);
	cl_free(c);
	cr_assert_eq(srv_stop(&S), 0);
	{
		const char *gone[] = {"Mukhanova", "5557710", NULL};
		srv_assert_no_plaintext(&S, "Comrade", gone);
	}
	srv_start(&S, NULL);
	free(pid);
}

Test(self_service, an_organizer_invites_a_member)
{
	struct client *c = cl_as(&S, "aktau", "en");
	struct resp *r;
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	char *pid, *path, *n;

	r = cl_post(c, "/members", "display_name=Invitee&email=invitee%%40example.org&branch=%s",
		    aktau);
	cr_assert_eq(r->status, 303);
	pid = xasprintf("%s", resp_header(r, "Location") + strlen("/members/"));
	resp_free(r);
	path = xasprintf("/members/%s/invite", pid);
	r = cl_post(c, path, "%s", "");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	/* this server has no mail relay: the pages say so, not "emailed" */
	{
		char *rec = xasprintf("/members/%s", pid);
		r = cl_get(c, rec);
		cr_assert(strstr(r->body, "no mail relay is set up"), "%s", r->body);
		cr_assert_null(strstr(r->body, "was emailed"), "%s", r->body);
		resp_free(r);
		free(rec);
	}
	n = srv_value(&S, "SELECT count(*) FROM outbox WHERE label = 'invitation'");
	cr_assert_str_eq(n, "1");
	free(n);
	/* nothing is linked until the address's holder accepts
	 * (tests/members/http_two_person.c follows it to the end) */
	n = srv_value(&S, "SELECT count(*) FROM people WHERE id = %s AND account_id IS NOT NULL",
		      pid);
	cr_assert_str_eq(n, "0");
	free(n);
	n = srv_value(&S, "SELECT count(*) FROM invitations WHERE object = 'person:%s' "
		      "AND kind = 'members.link'", pid);
	cr_assert_str_eq(n, "1");
	free(n);
	r = cl_post(c, "/members/1/invite", "%s", "");
	cr_assert_eq(r->status, 404, "someone in Almaty is out of reach");
	resp_free(r);
	free(path);
	free(pid);
	free(aktau);
	cl_free(c);
}

/* `rudder demo` names the member's login with the officers' (the module
 * adds it to the platform's list). */
Test(self_service, the_demo_prints_the_members_login)
{
	char *out = NULL, *err = NULL;
	int rc = S.db[0] ? run_rudder(NULL, &out, &err, "demo", "--data", S.dir,
				      "--no-serve", "--db", S.db, NULL)
			 : run_rudder(NULL, &out, &err, "demo", "--data", S.dir,
				      "--no-serve", NULL);

	cr_assert_eq(rc, 0, "%s", err);
	cr_assert(strstr(out, "aktau@example.org"), "%s", out);
	cr_assert(strstr(out, "member@example.org"), "%s", out);
	free(out);
	free(err);
}
