/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The registry as people in Kazakhstan use it (issue 9, item 15), over
 * real HTTP against the demo organization: a phone of the wrong length
 * refused beside its field, phones shown grouped and as tel: links;
 * imports with DD.MM.YYYY dates and Russian or Kazakh headers; a file
 * whose headers are not known waits until each column is mapped or left
 * out; an export that opens in a spreadsheet (a byte order mark, phones
 * without a quote mark) and imports again changing nothing.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../http/harness.h"
#include "platform/core/core.h"

static struct srv S;
static void up(void)
{
	srv_init(&S, true);
	srv_start(&S, NULL);
}
static void down(void)
{
	cr_expect_eq(srv_stop(&S), 0);
	srv_destroy(&S);
}
TestSuite(intl, .init = up, .fini = down, .timeout = 180);

static struct client *as(const char *email, const char *lang)
{
	struct client *c = cl_new(&S);
	struct resp *r;

	cr_assert_eq(cl_login(c, email, DEMO_PASSWORD, NULL), 303, "%s", email);
	r = cl_post(c, "/account", "display_name=Officer&lang=%s", lang);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	return c;
}

/* The first line of an SQL query's answer, trimmed (malloc'd). */
static char *sql1(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sql1(const char *fmt, ...)
{
	va_list ap;
	char *q, *out;

	va_start(ap, fmt);
	cr_assert_geq(vasprintf(&q, fmt, ap), 0);
	va_end(ap);
	out = srv_sql(&S, "%s", q);
	cr_assert_not_null(out, "%s", q);
	free(q);
	str_trim(out);
	return out;
}

static long people(void)
{
	char *n = sql1("SELECT count(*) FROM people");
	long v = atol(n);
	free(n);
	return v;
}

static struct resp *api(struct client *c, const char *method, const char *path,
			const char *json)
{
	char *t = cl_csrf(c), *h = xasprintf("X-CSRF-Token: %s", t);
	const char *hs[] = {h, NULL};
	struct resp *r = cl_req(c, method, path, "application/json", json,
				json ? strlen(json) : 0, hs);
	free(t);
	free(h);
	return r;
}

/* The phone field's part of a form page: from its label to the next
 * field (malloc'd). */
static char *phone_field(const char *body)
{
	char *f = between(body, "<label for=\"phone\">", "<label for=\"email\">");
	cr_assert_not_null(f, "no phone field in:\n%s", body);
	return f;
}

Test(intl, a_kazakh_phone_of_the_wrong_length_is_refused_beside_its_field)
{
	struct client *c = as("aktau@example.org", "en");
	char *aktau = sql1("SELECT id FROM scopes WHERE name = 'Aktau'");
	long before = people();
	struct resp *r;
	char *f;

	/* seven digits after +7: refused, the reason beside the phone */
	r = cl_post(c, "/members", "display_name=Short&phone=%%2B7+702+555&branch=%s", aktau);
	cr_assert_eq(r->status, 422, "%s", r->body);
	f = phone_field(r->body);
	cr_assert(strstr(f, "aria-invalid=\"true\""), "%s", f);
	cr_assert(strstr(f, "id=\"phone-error\""), "%s", f);
	cr_assert(strstr(f, "numbers in Kazakhstan have 10 digits after +7"), "%s", f);
	cr_assert(strstr(f, "value=\"+7 702 555\""), "what was typed comes back: %s", f);
	free(f);
	resp_free(r);
	/* eleven: refused too; the other fields carry no error */
	r = cl_post(c, "/members", "display_name=Long&phone=8+702+555+17+58+1&branch=%s", aktau);
	cr_assert_eq(r->status, 422);
	cr_assert(strstr(r->body, "10 digits after +7"), "%s", r->body);
	cr_assert_null(strstr(r->body, "id=\"email-error\""));
	resp_free(r);
	/* in the reader's language */
	resp_free(cl_post(c, "/account", "display_name=Officer&lang=ru"));
	r = cl_post(c, "/members", "display_name=Short&phone=%%2B7+702+555&branch=%s", aktau);
	f = phone_field(r->body);
	cr_assert(strstr(f, "10 цифр после +7"), "%s", f);
	free(f);
	resp_free(r);
	resp_free(cl_post(c, "/account", "display_name=Officer&lang=kk"));
	r = cl_post(c, "/members", "display_name=Short&phone=%%2B7+702+555&branch=%s", aktau);
	f = phone_field(r->body);
	cr_assert(strstr(f, "+7-ден кейін 10 цифр"), "%s", f);
	free(f);
	resp_free(r);
	cr_assert_eq(people(), before, "nothing was written");
	/* the API names the field and says why */
	{
		char *js = xasprintf("{\"display_name\":\"Short\",\"phone\":\"+7 702 555\","
				     "\"branch\":%s}", aktau);
		resp_free(cl_post(c, "/account", "display_name=Officer&lang=en"));
		r = api(c, "POST", "/api/v1/members", js);
		cr_assert_eq(r->status, 422, "%s", r->body);
		cr_assert(strstr(r->body, "\"field\":\"phone\""), "%s", r->body);
		cr_assert(strstr(r->body, "10 digits after +7"), "%s", r->body);
		resp_free(r);
		free(js);
	}
	/* the member's own page, and the join form, say it beside the phone too */
	{
		struct client *m = as("member@example.org", "en");
		r = cl_post(m, "/me", "display_name=Me&phone=%%2B7+702+555");
		cr_assert_eq(r->status, 422, "%s", r->body);
		f = phone_field(r->body);
		cr_assert(strstr(f, "10 digits after +7"), "%s", f);
		cr_assert(strstr(f, "aria-invalid=\"true\""), "%s", f);
		free(f);
		resp_free(r);
		cl_free(m);
	}
	/* ten digits go in */
	r = cl_post(c, "/members", "display_name=Right&phone=%%2B7+702+555+17+59&branch=%s", aktau);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	cr_assert_eq(people(), before + 1);
	free(aktau);
	cl_free(c);
}

Test(intl, a_phone_is_shown_grouped_and_called_with_a_tap)
{
	struct client *c = as("aktau@example.org", "en");
	char *aktau = sql1("SELECT id FROM scopes WHERE name = 'Aktau'");
	char *loc, *api_path;
	struct resp *r;
	json_t *j;

	r = cl_post(c, "/members", "display_name=Dana&phone=8+747+321+09+87&branch=%s", aktau);
	cr_assert_eq(r->status, 303, "%s", r->body);
	loc = xstrdup(resp_header(r, "Location"));
	resp_free(r);
	r = cl_get(c, loc);
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "<a href=\"tel:+77473210987\">+7 747 321 09 87</a>"), "%s",
		  r->body);
	resp_free(r);
	/* the edit form shows it grouped; sent back as it is, it is the same number */
	api_path = xasprintf("%s/edit", loc);
	r = cl_get(c, api_path);
	cr_assert(strstr(r->body, "value=\"+7 747 321 09 87\""), "%s", r->body);
	resp_free(r);
	free(api_path);
	/* the API keeps the stored form, and adds the grouped one */
	api_path = xasprintf("/api/v1%s", loc);
	r = cl_get(c, api_path);
	j = json_loads(r->body, 0, NULL);
	cr_assert_not_null(j, "%s", r->body);
	cr_assert_str_eq(json_string_value(json_object_get(j, "phone")), "+77473210987");
	cr_assert_str_eq(json_string_value(json_object_get(j, "phone_display")),
			 "+7 747 321 09 87");
	json_decref(j);
	resp_free(r);
	free(api_path);
	/* stored as +digits only: nothing grouped reaches the database's index */
	{
		char *n = sql1("SELECT count(*) FROM people WHERE display_name = 'Dana'");
		cr_assert_str_eq(n, "1");
		free(n);
	}
	/* a member's own page shows their number grouped */
	{
		struct client *m = as("member@example.org", "en");
		r = cl_get(m, "/me");
		cr_assert_eq(r->status, 200);
		cr_assert(strstr(r->body, "value=\"+7 702 555 77 10\""), "%s", r->body);
		resp_free(r);
		cl_free(m);
	}
	free(loc);
	free(aktau);
	cl_free(c);
}
