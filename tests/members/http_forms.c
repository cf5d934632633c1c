/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The members module's forms over real HTTP on the demo organization:
 * a form refused for several reasons at once shows each beside its field
 * (aria-invalid, the focus on the first) with everything typed kept —
 * the member form, the dues form and the public join form; a payment is
 * corrected or removed with a reason, audited, its old values kept, and
 * a removal waits for its confirmation; a second payment for a period
 * is recorded only when the officer says so.
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
	srv_up(&S, SRV_DEMO, NULL);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(members_forms, .init = up, .fini = down, .timeout = 180);

/* The control whose id is id: its tag, up to its '>' (malloc'd). */
static char *control(const char *body, const char *id)
{
	char *needle = xasprintf(" id=\"%s\" ", id);
	const char *p = strstr(body, needle), *start, *end;

	cr_assert_not_null(p, "no control %s on the page:\n%s", id, body);
	free(needle);
	for (start = p; start > body && *start != '<'; start--)
		;
	end = strchr(p, '>');
	cr_assert_not_null(end);
	return xasprintf("%.*s", (int)(end - start + 1), start);
}

/* The field's own error, beside it: the text of <p id="ID-error"> with
 * the control marked invalid and described by it. */
static void refused_beside(const char *body, const char *id, const char *why)
{
	char *open = xasprintf("id=\"%s-error\">", id), *text, *tag = control(body, id);

	text = between(body, open, "</p>");
	cr_assert_not_null(text, "no error beside %s:\n%s", id, body);
	cr_assert(strstr(text, why), "beside %s: \"%s\", not \"%s\"", id, text, why);
	cr_assert(strstr(tag, "aria-invalid=\"true\""), "%s is not marked invalid: %s", id, tag);
	cr_assert(strstr(tag, "-error"), "%s is not described by its error: %s", id, tag);
	free(open);
	free(text);
	free(tag);
}

static void not_refused(const char *body, const char *id)
{
	char *tag = control(body, id);

	cr_assert_null(strstr(tag, "aria-invalid"), "%s is marked invalid: %s", id, tag);
	free(tag);
}

static void has_focus(const char *body, const char *id)
{
	char *tag = control(body, id);
	const char *first = strstr(body, " autofocus");

	cr_assert(strstr(tag, " autofocus"), "%s has not the focus: %s", id, tag);
	{
	const char *at = strstr(body, tag);

	cr_assert(first && first > at && first < at + strlen(tag),
		  "another field has the focus first");
	}
	cr_assert_null(strstr(first + 1, " autofocus"), "two fields have the focus");
	free(tag);
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

Test(members_forms, the_member_form_shows_every_refusal_beside_its_field)
{
	struct client *c = cl_as(&S, "aktau@example.org", "en");
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	char *almaty = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Almaty'");
	char *long_name = xcalloc(1, 260), *path, *before, *after;
	struct resp *r;

	before = srv_value(&S, "SELECT count(*) FROM people");
	/* the limit is the declaration's, on the page */
	r = cl_get(c, "/members/new");
	cr_assert_eq(r->status, 200);
	{
		char *tag = control(r->body, "phone");
		cr_assert(strstr(tag, "maxlength=\"40\""), "%s", tag);
		cr_assert(strstr(tag, "type=\"tel\""), "%s", tag);
		free(tag);
	}
	resp_free(r);

	/* the module's reasons, all at once, what was typed kept */
	r = cl_post(c, "/members",
		    "display_name=Typed+Person&legal_name=Kept+Legal+Name&phone=12"
		    "&email=not-an-address&birth_date=2999-01-01&workplace=Port+of+Aktau"
		    "&branch=%s&consent_sms=on&notes=remember+this",
		    almaty);
	cr_assert_eq(r->status, 422, "%s", r->body);
	refused_beside(r->body, "phone", "Phone: is not a phone number");
	refused_beside(r->body, "email", "is not an email address");
	refused_beside(r->body, "birth_date", "is not a date in the past");
	refused_beside(r->body, "branch", "is not one of your branches");
	not_refused(r->body, "display_name");
	not_refused(r->body, "workplace");
	has_focus(r->body, "phone");
	cr_assert(strstr(r->body, "value=\"Typed Person\""), "the name typed comes back");
	cr_assert(strstr(r->body, "value=\"Kept Legal Name\""));
	cr_assert(strstr(r->body, "value=\"12\""), "the phone as typed");
	cr_assert(strstr(r->body, "value=\"not-an-address\""));
	cr_assert(strstr(r->body, "value=\"2999-01-01\""));
	cr_assert(strstr(r->body, "value=\"Port of Aktau\""));
	cr_assert(strstr(r->body, ">remember this</textarea>"));
	cr_assert(strstr(r->body, "name=\"consent_sms\" checked"), "the box ticked stays ticked");
	cr_assert_null(strstr(r->body, "name=\"consent_phone\" checked"));
	/* a refused date shows as typed, not as an empty date picker */
	{
		char *tag = control(r->body, "birth_date");
		cr_assert(strstr(tag, "type=\"text\""), "%s", tag);
		free(tag);
	}
	cr_assert_eq(count_of(r->body, "class=\"field-error\""), 4, "%s", r->body);
	resp_free(r);

	/* the router's reasons (a limit, a number) and the module's together */
	memset(long_name, 'a', 201);
	r = cl_post(c, "/members", "display_name=%s&phone=12&branch=abc&unions=%s", long_name,
		    aktau);
	cr_assert_eq(r->status, 422, "%s", r->body);
	refused_beside(r->body, "display_name", "too long");
	refused_beside(r->body, "phone", "is not a phone number");
	refused_beside(r->body, "branch", "is not a whole number");
	has_focus(r->body, "display_name");
	cr_assert(strstr(r->body, long_name), "even the overlong name comes back");
	resp_free(r);

	/* an edit keeps what was typed too, not what the record says */
	path = srv_value(&S, "SELECT '/members/' || min(id) FROM people WHERE branch_id = %s "
		    "AND erased_at IS NULL", aktau);
	r = cl_post(c, path, "display_name=Edited+Name&email=still+not&branch=%s", aktau);
	cr_assert_eq(r->status, 422, "%s", r->body);
	refused_beside(r->body, "email", "is not an email address");
	cr_assert(strstr(r->body, "value=\"Edited Name\""));
	cr_assert(strstr(r->body, "value=\"still not\""));
	resp_free(r);

	/* a phone someone has: beside the phone */
	r = cl_post(c, "/members", "display_name=First&phone=%%2B77019990001&branch=%s", aktau);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_post(c, "/members", "display_name=Second&phone=8+701+999+00+01&branch=%s", aktau);
	cr_assert_eq(r->status, 409, "%s", r->body);
	refused_beside(r->body, "phone", "registered already");
	cr_assert(strstr(r->body, "value=\"Second\""));
	resp_free(r);

	after = srv_value(&S, "SELECT count(*) FROM people");
	cr_assert_eq(atol(after), atol(before) + 1, "only the good one was added");
	free(before);
	free(after);
	free(path);
	free(long_name);
	free(aktau);
	free(almaty);
	cl_free(c);
}

/* Someone in Aktau the officer may write, as "/members/N". */
static char *aktau_person(void)
{
	return srv_value(&S, "SELECT '/members/' || min(p.id) FROM people p JOIN scopes s "
		    "ON s.id = p.branch_id WHERE s.name = 'Aktau' AND p.erased_at IS NULL");
}

Test(members_forms, the_dues_form_shows_every_refusal_beside_its_field)
{
	struct client *c = cl_as(&S, "aktau@example.org", "en");
	char *person = aktau_person(), *path = xasprintf("%s/dues", person);
	char *before = srv_value(&S, "SELECT count(*) FROM dues");
	struct resp *r;

	r = cl_post(c, path, "amount=lots&currency=kzt&period=2026-13&paid_on=2999-01-01");
	cr_assert_eq(r->status, 422, "%s", r->body);
	refused_beside(r->body, "amount", "must be a number");
	refused_beside(r->body, "currency", "three capital letters");
	refused_beside(r->body, "period", "A period is a year");
	refused_beside(r->body, "paid_on", "not in the future");
	has_focus(r->body, "amount");
	cr_assert(strstr(r->body, "value=\"lots\""));
	cr_assert(strstr(r->body, "value=\"kzt\""));
	cr_assert(strstr(r->body, "value=\"2026-13\""));
	cr_assert(strstr(r->body, "value=\"2999-01-01\""));
	resp_free(r);
	/* the router's too: an amount past its limit, with a bad period */
	r = cl_post(c, path, "amount=123456789012345678901&period=soon&paid_on=2026-11-01");
	cr_assert_eq(r->status, 422, "%s", r->body);
	refused_beside(r->body, "amount", "too long");
	refused_beside(r->body, "period", "A period is a year");
	not_refused(r->body, "paid_on");
	cr_assert(strstr(r->body, "value=\"soon\""));
	resp_free(r);
	/* the status form beside it, likewise */
	free(path);
	path = xasprintf("%s/status", person);
	r = cl_post(c, path, "status=emperor&note=why+not");
	cr_assert_eq(r->status, 422, "%s", r->body);
	cr_assert(strstr(r->body, "aria-invalid=\"true\""));
	cr_assert(strstr(r->body, ">why not</textarea>"), "%s", r->body);
	resp_free(r);
	{
		char *after = srv_value(&S, "SELECT count(*) FROM dues");
		cr_assert_str_eq(after, before, "nothing was recorded");
		free(after);
	}
	free(before);
	free(path);
	free(person);
	cl_free(c);
}

Test(members_forms, the_join_form_shows_every_refusal_beside_its_field)
{
	struct client *c = cl_new(&S);
	char *long_name = xcalloc(1, 260), *t, *tq, *before;
	struct resp *r;

	before = srv_value(&S, "SELECT count(*) FROM applications");
	r = cl_get(c, "/join");
	cr_assert_eq(r->status, 200);
	t = between(r->body, "name=\"t\" value=\"", "\"");
	cr_assert_not_null(t);
	{
		char *tag = control(r->body, "phone");
		cr_assert(strstr(tag, "maxlength=\"40\""), "%s", tag);
		free(tag);
	}
	resp_free(r);
	sleep(3);
	tq = urlenc(t);
	/* the module's reasons: no way to reach them, no branch */
	r = cl_post(c, "/join", "t=%s&display_name=Applicant+A&workplace=Depot+7"
		    "&message=please+call&consent_phone=on", tq);
	cr_assert_eq(r->status, 422, "%s", r->body);
	refused_beside(r->body, "phone", "Give a phone number or an email address");
	refused_beside(r->body, "branch", "is required");
	has_focus(r->body, "phone");
	cr_assert(strstr(r->body, "value=\"Applicant A\""));
	cr_assert(strstr(r->body, "value=\"Depot 7\""));
	cr_assert(strstr(r->body, ">please call</textarea>"));
	cr_assert(strstr(r->body, "name=\"consent_phone\" checked"));
	resp_free(r);
	/* the router's and the module's at once */
	memset(long_name, 'b', 201);
	r = cl_post(c, "/join", "t=%s&display_name=%s&phone=12&email=nope", tq, long_name);
	cr_assert_eq(r->status, 422, "%s", r->body);
	refused_beside(r->body, "display_name", "too long");
	refused_beside(r->body, "phone", "is not a phone number");
	refused_beside(r->body, "email", "is not an email address");
	has_focus(r->body, "display_name");
	cr_assert(strstr(r->body, "value=\"nope\""));
	resp_free(r);
	{
		char *after = srv_value(&S, "SELECT count(*) FROM applications");
		cr_assert_str_eq(after, before, "nothing arrived");
		free(after);
	}
	free(before);
	free(tq);
	free(t);
	free(long_name);
	cl_free(c);
}

/* The id of the person's newest payment. */
static char *last_due(const char *person)
{
	return srv_value(&S, "SELECT max(id) FROM dues WHERE person_id = %s AND removed_at IS NULL",
		    person + strlen("/members/"));
}

Test(members_forms, a_payment_is_corrected_and_removed_with_a_reason_nothing_lost)
{
	struct client *c = cl_as(&S, "aktau@example.org", "en");
	char *person = aktau_person(), *dues = xasprintf("%s/dues", person);
	char *due, *path, *remove, *n;
	struct resp *r;

	r = cl_post(c, dues, "amount=1200&currency=KZT&period=2025-03&paid_on=2025-03-10");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	due = last_due(person);
	path = xasprintf("%s/dues/%s", person, due);
	remove = xasprintf("%s/remove", path);
	r = cl_get(c, path);
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "value=\"12.00\"") || strstr(r->body, "value=\"1200.00\""),
		  "the form holds the amount: %s", r->body);
	resp_free(r);

	/* a correction needs a reason; refused, nothing changes */
	r = cl_post(c, path, "amount=2100&currency=KZT&period=2025-03&paid_on=2025-03-10");
	cr_assert_eq(r->status, 422, "%s", r->body);
	refused_beside(r->body, "reason", "is required");
	cr_assert(strstr(r->body, "value=\"2100\""));
	resp_free(r);
	n = srv_value(&S, "SELECT amount FROM dues WHERE id = %s", due);
	cr_assert_str_eq(n, "120000");
	free(n);
	r = cl_post(c, path, "amount=2100&currency=KZT&period=2025-03&paid_on=2025-03-10"
		    "&reason=typed+the+digits+the+wrong+way");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	n = srv_value(&S, "SELECT amount || ' ' || period FROM dues WHERE id = %s", due);
	cr_assert_str_eq(n, "210000 2025-03", "corrected");
	free(n);
	n = srv_value(&S, "SELECT kind || ' ' || amount || ' ' || period || ' ' || paid_on "
		 "FROM dues_changes WHERE due_id = %s", due);
	cr_assert_str_eq(n, "corrected 120000 2025-03 2025-03-10", "the old values kept");
	free(n);
	n = srv_value(&S, "SELECT count(*) FROM dues_changes WHERE due_id = %s "
		 "AND reason_sealed IS NOT NULL", due);
	cr_assert_str_eq(n, "1", "with the reason, sealed");
	free(n);

	/* a removal without its confirmation changes nothing: it asks */
	r = cl_post(c, remove, "removal_reason=recorded+for+the+wrong+member");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "name=\"confirm\" value=\"yes\""), "%s", r->body);
	cr_assert(strstr(r->body, "class=\"danger\""), "the button says harm");
	cr_assert(strstr(r->body, "value=\"recorded for the wrong member\""),
		  "the reason goes with the confirmation");
	resp_free(r);
	n = srv_value(&S, "SELECT count(*) FROM dues WHERE id = %s AND removed_at IS NULL", due);
	cr_assert_str_eq(n, "1", "still there");
	free(n);
	/* nor without a reason */
	r = cl_post(c, remove, "confirm=yes");
	cr_assert_eq(r->status, 422, "%s", r->body);
	refused_beside(r->body, "removal_reason", "is required");
	resp_free(r);
	r = cl_post(c, remove, "removal_reason=recorded+for+the+wrong+member&confirm=yes");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	n = srv_value(&S, "SELECT count(*) FROM dues WHERE id = %s AND removed_at IS NOT NULL "
		 "AND amount = 210000", due);
	cr_assert_str_eq(n, "1", "the row stays, marked removed, with its values");
	free(n);
	n = srv_value(&S, "SELECT count(*) FROM dues_changes WHERE due_id = %s AND kind = 'removed' "
		 "AND amount = 210000", due);
	cr_assert_str_eq(n, "1");
	free(n);
	r = cl_get(c, person);
	cr_assert_null(strstr(r->body, "2100.00 KZT</td>"), "no longer among the dues");
	cr_assert(strstr(r->body, "typed the digits the wrong way"), "the history says why");
	resp_free(r);
	r = cl_get(c, path);
	cr_assert_eq(r->status, 404, "a removed payment is not corrected again");
	resp_free(r);

	/* both in the audit log, in words */
	n = srv_value(&S, "SELECT count(*) FROM audit_log WHERE action IN ('dues.corrected', "
		 "'dues.removed') AND object = 'person:%s'", person + strlen("/members/"));
	cr_assert_str_eq(n, "2");
	free(n);
	cl_free(c);
	c = cl_as(&S, "admin@example.org", "en");
	{
		char *audit = xasprintf("/audit?object=person:%s", person + strlen("/members/"));
		r = cl_get(c, audit);
		cr_assert_eq(r->status, 200, "%s", r->body);
		cr_assert(strstr(r->body, "corrected a payment of"), "%s", r->body);
		cr_assert(strstr(r->body, "removed a payment of"));
		resp_free(r);
		free(audit);
	}
	free(remove);
	free(path);
	free(due);
	free(dues);
	free(person);
	cl_free(c);
}

Test(members_forms, a_second_payment_for_a_period_is_recorded_only_when_meant)
{
	struct client *c = cl_as(&S, "aktau@example.org", "en");
	char *person = aktau_person(), *dues = xasprintf("%s/dues", person), *n;
	const char *pid = person + strlen("/members/");
	struct resp *r;

	r = cl_post(c, dues, "amount=1000&period=2024-05&paid_on=2024-05-02");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	r = cl_post(c, dues, "amount=1000&period=2024-05&paid_on=2024-05-03");
	cr_assert_eq(r->status, 409, "%s", r->body);
	cr_assert(strstr(r->body, "A payment for 2024-05 is recorded already"), "%s", r->body);
	refused_beside(r->body, "period", "recorded already");
	cr_assert(strstr(r->body, "name=\"anyway\""), "a box to record it anyway");
	cr_assert(strstr(r->body, "value=\"2024-05-03\""), "what was typed stays");
	resp_free(r);
	n = srv_value(&S, "SELECT count(*) FROM dues WHERE person_id = %s AND period = '2024-05'", pid);
	cr_assert_str_eq(n, "1", "not recorded yet");
	free(n);
	/* a removed payment does not count */
	r = cl_post(c, dues, "amount=1000&period=2024-05&paid_on=2024-05-03&anyway=on");
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	n = srv_value(&S, "SELECT count(*) FROM dues WHERE person_id = %s AND period = '2024-05'", pid);
	cr_assert_str_eq(n, "2", "recorded, as meant");
	free(n);
	free(dues);
	free(person);
	cl_free(c);
}
