/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Two-person rules that one person cannot satisfy alone, and what
 * officers learn about accounts:
 *
 *  - the export rule counts what one officer exported over a window, so
 *    one branch after another needs the second officer one export of
 *    them all would;
 *  - an officer cannot be the second for an account they made or gave a
 *    role, nor the reverse (exports, and applications needing two);
 *  - a branch coordinator creating an account, and an organizer opening
 *    self-service to a member, are answered alike whether the address
 *    has an account; no account is linked or given a role without its
 *    holder accepting while signed in.
 *
 * Against the demo organization, with a real mail server on loopback.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "../http/harness.h"
#include "platform/core/core.h"

static struct srv S;
static pid_t mailer;
static int smtp;

static void start_with(const char *extra)
{
	char *url = xasprintf("smtp.url=smtp://127.0.0.1:%d", smtp);
	const char *sets[] = {url, "outbox.poll_ms=100", "outbox.retry_base=1",
			      "smtp.from=rudder@example.org", extra, NULL};
	srv_start(&S, sets);
	free(url);
}

static void up(void)
{
	srv_init(&S, true);
	smtp = free_port();
	mailer = mail_start(&S, smtp);
	start_with(NULL);
}
static void down(void)
{
	cr_expect_eq(srv_stop(&S), 0); /* while the mail server still listens */
	mail_stop(mailer);
	srv_destroy(&S);
}
TestSuite(two_person, .init = up, .fini = down, .timeout = 240);

/* An account a test made, signed in, in English. */
static struct client *as(const char *email, const char *password)
{
	struct client *c = cl_new(&S);

	cr_assert_eq(cl_login(c, email, password, NULL), 303, "%s", email);
	cl_lang(c, "en");
	return c;
}

/* POST /members/export branch=...: the status (200 a download, 303 a
 * request waiting). */
static long export(struct client *c, const char *branch_name)
{
	char *id = branch_name ? srv_value(&S, "SELECT id FROM scopes WHERE name = '%s'",
					   branch_name)
			       : xstrdup("0");
	struct resp *r = cl_post(c, "/members/export", "branch=%s", id);
	long st = r->status;

	if (st == 200)
		cr_assert(strstr(resp_header(r, "Content-Type"), "text/csv"));
	resp_free(r);
	free(id);
	return st;
}

static long post(struct client *c, const char *path)
{
	struct resp *r = cl_post(c, path, "%s", "");
	long st = r->status;
	resp_free(r);
	return st;
}

static char *last_request(void)
{
	return srv_value(&S, "SELECT max(id) FROM export_requests");
}

Test(two_person, one_branch_after_another_needs_the_second_officer_all_at_once_would)
{
	struct client *co = cl_as(&S, "coordinator", "en");
	struct client *ad = cl_as(&S, "admin", "en");
	char *id, *path;

	/* one region: at once */
	cr_assert_eq(export(co, "Aktau"), 200);
	/* the same region again, and a cell inside it: still one branch */
	cr_assert_eq(export(co, "Aktau"), 200);
	cr_assert_eq(export(co, "Aktau: oil workers'' cell"), 200);
	/* a second region in the window: a second officer first */
	cr_assert_eq(export(co, "Astana"), 303);
	/* and so is every region after it, and all of them at once */
	cr_assert_eq(export(co, "Karaganda"), 303);
	cr_assert_eq(export(co, NULL), 303);
	/* another officer: a budget of their own */
	cr_assert_eq(export(ad, "Karaganda"), 200);
	cr_assert_eq(export(ad, NULL), 303, "all seven regions: approval");

	/* the coordinator's whole-organization request, approved by the
	 * administrator (no tie between them in the demo), downloads once */
	id = srv_value(&S, "SELECT max(id) FROM export_requests "
		       "WHERE requested_by = (SELECT id FROM users "
		       "WHERE display_name LIKE 'Ainur%%')");
	path = xasprintf("/members/export/%s/approve", id);
	cr_assert_eq(post(ad, path), 303);
	free(path);
	path = xasprintf("/members/export/%s/download", id);
	cr_assert_eq(post(co, path), 200);
	cr_assert_eq(post(co, path), 409);
	free(path);
	free(id);
	id = srv_value(&S, "SELECT count(*) FROM export_log");
	cr_assert_eq(atoi(id), 5, "every download is counted");
	free(id);
	cl_free(co);
	cl_free(ad);
}

Test(two_person, the_operator_sets_the_floor_of_approvals)
{
	struct client *co;
	struct resp *r;

	cr_assert_eq(srv_stop(&S), 0);
	start_with("members.approvals_min=2");
	co = cl_as(&S, "coordinator", "en");
	r = cl_post(co, "/applications/settings", "approvals=1");
	cr_assert_eq(r->status, 403, "one officer cannot lower it: %s", r->body);
	resp_free(r);
	cl_free(co);
}

Test(two_person, the_people_count_over_the_window_too)
{
	struct client *co;

	cr_assert_eq(srv_stop(&S), 0);
	start_with("members.export_people=3");
	co = cl_as(&S, "coordinator", "en");
	/* a region of the demo has more than three people */
	cr_assert_eq(export(co, "Almaty"), 303);
	cl_free(co);
}

/* Sets a password through a one-time link shown to an administrator. */
static void set_password(const char *link, const char *password)
{
	struct client *n = cl_new(&S);
	char *token = xstrdup(strstr(link, "token=") + 6);
	char *pw = urlenc(password);
	struct resp *r = cl_post(n, "/account/set-password",
				 "token=%s&password=%s&password2=%s", token, pw, pw);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	free(token);
	free(pw);
	cl_free(n);
}

Test(two_person, an_officer_cannot_approve_for_an_account_they_made)
{
	struct client *ad = cl_as(&S, "admin", "en");
	struct client *co = cl_as(&S, "coordinator", "en");
	struct client *pu;
	struct resp *r;
	char *link, *id, *path;

	/* the administrator makes a second account of the whole organization
	 * (a sock puppet: they saw its link) */
	r = cl_post(ad, "/admin/users", "display_name=Puppet&email=puppet%%40example.org"
					"&role=coordinator&scope=0");
	cr_assert_eq(r->status, 201, "%s", r->body);
	link = between(r->body, "<code class=\"secret\" id=\"link\">", "</code>");
	cr_assert_not_null(link);
	resp_free(r);
	set_password(link, "puppet password 1");
	free(link);
	id = srv_value(&S, "SELECT id FROM users WHERE display_name = 'Puppet'");
	path = xasprintf("/admin/users/%s/grants", id);
	r = cl_post(ad, path, "role=organizer&scope=0");
	cr_assert_eq(r->status, 303);
	resp_free(r);
	free(path);
	free(id);
	pu = as("puppet@example.org", "puppet password 1");

	/* the administrator asks for everything; the puppet may not approve */
	cr_assert_eq(export(ad, NULL), 303);
	id = last_request();
	path = xasprintf("/members/export/%s/approve", id);
	r = cl_post(pu, path, "%s", "");
	cr_assert_eq(r->status, 403, "the account the requester made: %s", r->body);
	cr_assert(strstr(r->body, "made the other"), "%s", r->body);
	resp_free(r);
	/* an independent officer may */
	cr_assert_eq(post(co, path), 303);
	free(path);
	free(id);
	/* nor the reverse: the puppet asks, its maker may not approve */
	cr_assert_eq(export(pu, NULL), 303);
	id = last_request();
	path = xasprintf("/members/export/%s/approve", id);
	cr_assert_eq(post(ad, path), 403);
	cr_assert_eq(post(co, path), 303);
	free(path);
	free(id);

	/* two approvals for applications: not the puppet after its maker */
	r = cl_post(ad, "/applications/settings", "approvals=2");
	cr_assert_eq(r->status, 303);
	resp_free(r);
	id = srv_value(&S, "SELECT min(id) FROM applications WHERE state = 'new'");
	path = xasprintf("/applications/%s/review", id);
	r = cl_post(ad, path, "decision=approve");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_post(pu, path, "decision=approve");
	cr_assert_eq(r->status, 409, "%s", r->body);
	cr_assert(strstr(r->body, "made the other"));
	resp_free(r);
	free(path);
	free(id);
	cl_free(ad);
	cl_free(co);
	cl_free(pu);
}

/* maker (a manager of the whole organization) makes an account with
 * role over the organization, sees its link and sets its password, and
 * grants it organizer too: an account maker holds. Returns its client. */
static struct client *made_by(struct client *maker, const char *name, const char *email)
{
	char *e = urlenc(email), *link, *id, *path, *pw;
	struct resp *r = cl_post(maker, "/admin/users",
				 "display_name=%s&email=%s&role=coordinator&scope=0", name, e);
	struct client *c;

	cr_assert_eq(r->status, 201, "%s", r->body);
	link = between(r->body, "<code class=\"secret\" id=\"link\">", "</code>");
	cr_assert_not_null(link);
	resp_free(r);
	pw = xasprintf("%s password 1", name);
	set_password(link, pw);
	id = srv_value(&S, "SELECT id FROM users WHERE display_name = '%s'", name);
	path = xasprintf("/admin/users/%s/grants", id);
	r = cl_post(maker, path, "role=organizer&scope=0");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	c = as(email, pw);
	free(path);
	free(id);
	free(pw);
	free(link);
	free(e);
	return c;
}

/* One person holding a chain of accounts (A made B, B made C) is one
 * person to the rules, and so are accounts made by one maker; their
 * exports count together. Accounts an administrator made are trusted
 * apart: the administrator can take any account anyway. */
Test(two_person, a_chain_of_accounts_is_one_person)
{
	struct client *co = cl_as(&S, "coordinator", "en");
	struct client *ad = cl_as(&S, "admin", "en");
	struct client *b = made_by(co, "Bee", "bee@example.org");
	struct client *cc = made_by(b, "Cee", "cee@example.org");
	struct client *d = made_by(co, "Dee", "dee@example.org");
	struct client *e = made_by(ad, "Eee", "eee@example.org");
	struct client *f = made_by(ad, "Eff", "eff@example.org");
	char *id, *path;

	/* the coordinator asks; the account their account made may not
	 * approve, nor one made beside it; an independent officer may */
	cr_assert_eq(export(co, NULL), 303);
	id = last_request();
	path = xasprintf("/members/export/%s/approve", id);
	cr_assert_eq(post(cc, path), 403, "made by an account the requester made");
	cr_assert_eq(post(d, path), 403, "made by the requester, like the other");
	cr_assert_eq(post(b, path), 403, "made by the requester");
	cr_assert_eq(post(e, path), 303);
	free(path);
	free(id);
	/* one person's exports count together, whichever account: a second
	 * region through a puppet needs approval too */
	cr_assert_eq(export(co, "Aktau"), 200);
	cr_assert_eq(export(b, "Astana"), 303, "the puppet's budget is its maker's");
	cr_assert_eq(export(cc, "Karaganda"), 303);
	/* the administrator's accounts are apart from each other */
	cr_assert_eq(export(e, NULL), 303);
	id = last_request();
	path = xasprintf("/members/export/%s/approve", id);
	cr_assert_eq(post(ad, path), 403, "its maker");
	cr_assert_eq(post(f, path), 303, "made beside it by an administrator");
	free(path);
	free(id);
	cl_free(co);
	cl_free(ad);
	cl_free(b);
	cl_free(cc);
	cl_free(d);
	cl_free(e);
	cl_free(f);
}

/* The page or JSON with the address sent blanked out. */
static char *without(const char *body, const char *what)
{
	char *out = xstrdup(body), *p;
	size_t wl = strlen(what);

	while ((p = strstr(out, what)))
		memmove(p, p + wl, strlen(p + wl) + 1);
	return out;
}

Test(two_person, a_branch_coordinator_learns_nothing_from_creating_accounts)
{
	struct client *ak = cl_as(&S, "aktau", "en");
	char *cell = srv_value(&S, "SELECT id FROM scopes WHERE name LIKE 'Aktau: oil%%'");
	struct resp *a, *b;
	char *x, *y, *link;

	/* an address with an account (outside Aktau) and one without */
	a = cl_post(ak, "/admin/users", "display_name=Galina&email=karaganda%%40example.org"
					"&role=coordinator&scope=%s", cell);
	b = cl_post(ak, "/admin/users", "display_name=Galina&email=fresh.cell%%40example.org"
					"&role=coordinator&scope=%s", cell);
	cr_assert_eq(a->status, 202, "%ld %s", a->status, a->body);
	cr_assert_eq(b->status, 202);
	x = without(a->body, "karaganda@example.org");
	y = without(b->body, "fresh.cell@example.org");
	cr_assert_str_eq(x, y, "the answers differ");
	cr_assert_null(strstr(a->body, "token="), "no link for a branch coordinator");
	free(x);
	free(y);
	resp_free(a);
	resp_free(b);
	/* the API alike */
	{
		char *ja = xasprintf("{\"email\":\"admin@example.org\",\"display_name\":\"A\","
				     "\"role\":\"coordinator\",\"scope_id\":%s}", cell);
		char *jb = xasprintf("{\"email\":\"fresh.api@example.org\",\"display_name\":\"A\","
				     "\"role\":\"coordinator\",\"scope_id\":%s}", cell);
		a = cl_api(ak, "POST", "/api/v1/users", ja);
		b = cl_api(ak, "POST", "/api/v1/users", jb);
		cr_assert_eq(a->status, 202, "%s", a->body);
		cr_assert_eq(b->status, 202);
		cr_assert_eq(a->len, b->len, "%s / %s", a->body, b->body);
		resp_free(a);
		resp_free(b);
		free(ja);
		free(jb);
	}
	/* both wait alike on the accounts page */
	a = cl_get(ak, "/admin/users");
	cr_assert(strstr(a->body, "karaganda@example.org") && strstr(a->body, "fresh.cell@"));
	cr_assert_null(strstr(a->body, "/admin/users/new\">Galina"));
	resp_free(a);
	x = srv_value(&S, "SELECT count(*) FROM users WHERE display_name = 'Galina'");
	cr_assert_eq(atoi(x), 0, "no account is made before its holder accepts");
	free(x);

	/* the holder of the existing address signs in and accepts */
	link = mail_link(&S, "karaganda@example.org", "/account/invitation");
	{
		struct client *k = cl_new(&S);
		a = cl_get(k, link);
		cr_assert_eq(a->status, 200);
		cr_assert(strstr(a->body, "Sign in"), "%s", a->body);
		resp_free(a);
		cr_assert_eq(cl_login(k, "karaganda@example.org", DEMO_PASSWORD, NULL), 303);
		a = cl_post(k, "/account/invitation", "token=%s&action=accept",
			    strstr(link, "token=") + 6);
		cr_assert_eq(a->status, 303, "%s", a->body);
		resp_free(a);
		cl_free(k);
	}
	x = srv_value(&S, "SELECT count(*) FROM grants g "
		      "JOIN users u ON u.id = g.user_id "
		      "WHERE u.display_name LIKE 'Galina%%' AND g.scope_id = %s", cell);
	cr_assert_eq(atoi(x), 1, "the role is held once accepted");
	free(x);
	free(link);
	/* the new address chooses a password and has an account */
	link = mail_link(&S, "fresh.cell@example.org", "/account/invitation");
	{
		struct client *n = cl_new(&S);
		a = cl_get(n, link);
		cr_assert(strstr(a->body, "password2"), "%s", a->body);
		resp_free(a);
		a = cl_post(n, "/account/invitation",
			    "token=%s&action=create&password=cell+password+1&password2=cell+password+1",
			    strstr(link, "token=") + 6);
		cr_assert_eq(a->status, 303, "%s", a->body);
		resp_free(a);
		a = cl_get(n, link);
		cr_assert_eq(a->status, 410, "an invitation works once");
		resp_free(a);
		cr_assert_eq(cl_login(n, "fresh.cell@example.org", "cell password 1", NULL), 303);
		cl_free(n);
	}
	free(link);
	/* whoever holds an address without an account may decline too: a
	 * "declined" on the list says nothing about accounts */
	a = cl_post(ak, "/admin/users", "display_name=Nobody&email=decliner%%40example.org"
					"&role=coordinator&scope=%s", cell);
	cr_assert_eq(a->status, 202);
	resp_free(a);
	link = mail_link(&S, "decliner@example.org", "/account/invitation");
	{
		struct client *n = cl_new(&S);
		a = cl_post(n, "/account/invitation", "token=%s&action=decline",
			    strstr(link, "token=") + 6);
		cr_assert_eq(a->status, 303, "%s", a->body);
		resp_free(a);
		cl_free(n);
	}
	free(link);
	x = srv_value(&S, "SELECT state FROM invitations WHERE display_name = 'Nobody'");
	cr_assert_str_eq(x, "declined");
	free(x);
	/* an invitation to a role in another branch is not there to cancel */
	{
		struct client *kg = cl_as(&S, "karaganda", "en");
		char *kar = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Karaganda'");
		char *path;
		a = cl_post(kg, "/admin/users", "display_name=Miner&email=miner%%40example.org"
						"&role=coordinator&scope=%s", kar);
		cr_assert_eq(a->status, 202, "%s", a->body);
		resp_free(a);
		x = srv_value(&S, "SELECT max(id) FROM invitations");
		path = xasprintf("/admin/invitations/%s/cancel", x);
		cr_assert_eq(post(ak, path), 404);
		cr_assert_eq(post(kg, path), 303);
		free(path);
		free(x);
		free(kar);
		cl_free(kg);
	}
	/* an account the coordinator made cannot be their second officer */
	x = srv_value(&S, "SELECT count(*) FROM account_ties t "
		      "JOIN users u ON u.id = t.user_id WHERE u.display_name = 'Galina' "
		      "AND t.kind = 'created'");
	cr_assert_eq(atoi(x), 1);
	free(x);
	free(cell);
	cl_free(ak);
}

Test(two_person, opening_self_service_needs_the_account_holder)
{
	struct client *ak = cl_as(&S, "aktau", "en");
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	const char *emails[3] = {"admin@example.org", "nobody.yet@example.org",
				 "old.address@example.org"};
	char *pages[3], *ids[3], *x, *link, *admin;
	struct resp *r;

	for (int k = 0; k < 3; k++) {
		char *e = urlenc(emails[k]), *path;
		r = cl_post(ak, "/members", "display_name=Invitee&branch=%s&email=%s", aktau, e);
		cr_assert_eq(r->status, 303, "%s", r->body);
		ids[k] = xstrdup(resp_header(r, "Location") + strlen("/members/"));
		resp_free(r);
		path = xasprintf("/members/%s/invite", ids[k]);
		r = cl_post(ak, path, "%s", "");
		cr_assert_eq(r->status, 303, "%s", r->body);
		resp_free(r);
		free(path);
		path = xasprintf("/members/%s", ids[k]);
		r = cl_get(ak, path);
		cr_assert(strstr(r->body, "invitation to self-service was emailed"), "%s", r->body);
		unversion(r->body);
		pages[k] = without(r->body, emails[k]);
		/* ids, and the minute each record was made and each
		 * invitation went, may differ */
		numbers_as_one(pages[k]);
		resp_free(r);
		free(path);
		free(e);
	}
	cr_assert_str_eq(pages[0], pages[1], "the organizer's pages differ");
	admin = srv_value(&S, "SELECT id FROM users WHERE display_name = 'Administrator'");
	cr_assert(*admin, "the demo's administrator is named Administrator");
	x = srv_value(&S, "SELECT count(*) FROM people WHERE account_id = %s", admin);
	cr_assert_eq(atoi(x), 0, "the administrator's account is not linked");
	free(x);
	free(admin);

	/* the administrator declines */
	link = mail_link(&S, "admin@example.org", "/account/invitation");
	{
		struct client *ad = cl_as(&S, "admin", "en");
		r = cl_get(ad, link);
		cr_assert(strstr(r->body, "Decline"), "%s", r->body);
		resp_free(r);
		r = cl_post(ad, "/account/invitation", "token=%s&action=decline",
			    strstr(link, "token=") + 6);
		cr_assert_eq(r->status, 303);
		resp_free(r);
		cl_free(ad);
	}
	free(link);
	x = srv_value(&S, "SELECT count(*) FROM people WHERE id = %s AND account_id IS NOT NULL",
		      ids[0]);
	cr_assert_eq(atoi(x), 0);
	free(x);
	/* the new member makes an account and sees their record */
	link = mail_link(&S, "nobody.yet@example.org", "/account/invitation");
	{
		struct client *m = cl_new(&S);
		r = cl_post(m, "/account/invitation",
			    "token=%s&action=create&password=member+password+1"
			    "&password2=member+password+1", strstr(link, "token=") + 6);
		cr_assert_eq(r->status, 303, "%s", r->body);
		resp_free(r);
		cr_assert_eq(cl_login(m, "nobody.yet@example.org", "member password 1", NULL), 303);
		r = cl_get(m, "/me");
		cr_assert_eq(r->status, 200);
		cr_assert(strstr(r->body, "nobody.yet@example.org"), "%s", r->body);
		resp_free(r);
		cl_free(m);
	}
	free(link);
	/* the record's email was corrected after the invitation: the old
	 * address's holder links nothing */
	{
		char *path = xasprintf("/api/v1/members/%s", ids[2]);
		struct client *m = cl_new(&S);

		r = cl_api(ak, "PATCH", path, "{\"email\":\"new.address@example.org\"}");
		cr_assert_eq(r->status, 200, "%s", r->body);
		resp_free(r);
		link = mail_link(&S, "old.address@example.org", "/account/invitation");
		r = cl_post(m, "/account/invitation",
			    "token=%s&action=create&password=stale+password+1"
			    "&password2=stale+password+1", strstr(link, "token=") + 6);
		cr_assert_eq(r->status, 409, "%s", r->body);
		cr_assert(strstr(r->body, "no longer has"), "%s", r->body);
		resp_free(r);
		x = srv_value(&S, "SELECT count(*) FROM people WHERE id = %s "
			      "AND account_id IS NOT NULL", ids[2]);
		cr_assert_eq(atoi(x), 0);
		free(x);
		free(link);
		free(path);
		cl_free(m);
	}
	for (int k = 0; k < 3; k++) {
		free(pages[k]);
		free(ids[k]);
	}
	free(aktau);
	cl_free(ak);
}
