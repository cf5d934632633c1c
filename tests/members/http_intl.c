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
TestSuite(intl, .init = up, .fini = down, .timeout = 180);

static long people(void)
{
	char *n = srv_value(&S, "SELECT count(*) FROM people");
	long v = atol(n);
	free(n);
	return v;
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
	struct client *c = cl_as(&S, "aktau@example.org", "en");
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
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
		r = cl_api(c, "POST", "/api/v1/members", js);
		cr_assert_eq(r->status, 422, "%s", r->body);
		cr_assert(strstr(r->body, "\"field\":\"phone\""), "%s", r->body);
		cr_assert(strstr(r->body, "10 digits after +7"), "%s", r->body);
		resp_free(r);
		free(js);
	}
	/* the member's own page, and the join form, say it beside the phone too */
	{
		struct client *m = cl_as(&S, "member@example.org", "en");
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
	struct client *c = cl_as(&S, "aktau@example.org", "en");
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
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
		char *n = srv_value(&S, "SELECT count(*) FROM people WHERE display_name = 'Dana'");
		cr_assert_str_eq(n, "1");
		free(n);
	}
	/* a member's own page shows their number grouped */
	{
		struct client *m = cl_as(&S, "member@example.org", "en");
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

/* POSTs a multipart upload of text as "file" (default options). */
static struct resp *upload(struct client *c, const char *text, size_t len)
{
	char *t = cl_csrf(c), *h = xasprintf("X-CSRF-Token: %s", t);
	const char *hs[] = {h, NULL};
	struct buf b;
	struct resp *r;

	buf_init(&b);
	buf_puts(&b, "--XX\r\nContent-Disposition: form-data; name=\"file\"; "
		     "filename=\"m.csv\"\r\nContent-Type: text/csv\r\n\r\n");
	buf_append(&b, text, len);
	buf_puts(&b, "\r\n--XX--\r\n");
	r = cl_req(c, "POST", "/members/import", "multipart/form-data; boundary=XX", b.data,
		   b.len, hs);
	buf_free(&b);
	free(t);
	free(h);
	return r;
}

static char *last_upload(void)
{
	return srv_value(&S, "SELECT max(id) FROM import_uploads");
}

static struct resp *run_upload(struct client *c, const char *id)
{
	char *path = xasprintf("/members/import/%s/run", id);
	struct resp *r = cl_post(c, path, "%s", "");
	free(path);
	return r;
}

/* The member the API finds by a search, as JSON (or NULL). */
static json_t *find(struct client *c, const char *q)
{
	char *path = xasprintf("/api/v1/members?q=%s", q);
	struct resp *r = cl_get(c, path);
	json_t *j = json_loads(r->body, 0, NULL), *hit = NULL, *items;
	size_t tries = 0;

	/* the index learns of an import after it commits */
	while (j && json_integer_value(json_object_get(j, "total")) == 0 && ++tries < 20) {
		json_decref(j);
		resp_free(r);
		usleep(100000);
		r = cl_get(c, path);
		j = json_loads(r->body, 0, NULL);
	}
	items = json_object_get(j, "items");
	if (!items)
		items = json_object_get(j, "people");
	if (json_array_size(items) == 1) {
		char *one = xasprintf("/api/v1/members/%lld",
				      (long long)json_integer_value(
					      json_object_get(json_array_get(items, 0), "id")));
		struct resp *r1 = cl_get(c, one);
		hit = json_loads(r1->body, 0, NULL);
		resp_free(r1);
		free(one);
	}
	json_decref(j);
	resp_free(r);
	free(path);
	return hit;
}

static const char *jstr(json_t *j, const char *k)
{
	const char *v = json_string_value(json_object_get(j, k));
	return v ? v : "";
}

Test(intl, a_russian_file_with_day_first_dates_imports)
{
	static const char csv[] =
		"\xEF\xBB\xBF" "Имя,ФИО,Телефон,Эл. почта,Филиал,Дата вступления,Дата рождения\r\n"
		"Гульнар,Гульнар Сейткали,8 747 100 20 30,gulnar@example.org,Aktau,01.05.2024,08.03.1988\r\n";
	struct client *c = cl_as(&S, "aktau@example.org", "en");
	long before = people();
	struct resp *r = upload(c, csv, sizeof(csv) - 1);
	char *id;
	json_t *p;

	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "data-created=\"1\""), "%s", r->body);
	cr_assert(strstr(r->body, "data-refused=\"0\""), "%s", r->body);
	resp_free(r);
	id = last_upload();
	r = run_upload(c, id);
	cr_assert_eq(r->status, 200, "%s", r->body);
	resp_free(r);
	cr_assert_eq(people(), before + 1);
	p = find(c, "gulnar%40example.org");
	cr_assert_not_null(p);
	cr_assert_str_eq(jstr(p, "legal_name"), "Гульнар Сейткали");
	cr_assert_str_eq(jstr(p, "phone"), "+77471002030");
	cr_assert_str_eq(jstr(p, "email"), "gulnar@example.org");
	cr_assert_str_eq(jstr(p, "joined"), "2024-05-01");
	cr_assert_str_eq(jstr(p, "birth_date"), "1988-03-08");
	json_decref(p);
	free(id);
	/* a Kazakh header too, and a date that is not one names DD.MM.YYYY */
	{
		static const char kk[] = "Аты,Телефон,Бөлімше,Кіру күні\n"
					 "Бақыт,+7 747 100 20 31,Aktau,31.02.2024\n";
		r = upload(c, kk, sizeof(kk) - 1);
		cr_assert_eq(r->status, 200, "%s", r->body);
		cr_assert(strstr(r->body, "data-refused=\"1\""), "%s", r->body);
		cr_assert(strstr(r->body, "DD.MM.YYYY or YYYY-MM-DD"), "%s", r->body);
		resp_free(r);
	}
	cl_free(c);
}

Test(intl, a_column_not_known_must_be_mapped_before_anything_is_imported)
{
	static const char csv[] =
		"Имя,Тел. (рабочий),Филиал,Размер обуви\n"
		"Жанар,8 747 200 30 40,Aktau,38\n";
	struct client *c = cl_as(&S, "aktau@example.org", "en");
	long before = people();
	struct resp *r = upload(c, csv, sizeof(csv) - 1);
	char *id = last_upload(), *path;
	json_t *p;

	/* the mapping step, not a preview: every column not known, a sample */
	cr_assert_eq(r->status, 422, "%s", r->body);
	cr_assert(strstr(r->body, "id=\"import-map\""), "%s", r->body);
	cr_assert(strstr(r->body, "Тел. (рабочий)") && strstr(r->body, "Размер обуви"),
		  "%s", r->body);
	cr_assert(strstr(r->body, "8 747 200 30 40"), "a sample of the column: %s", r->body);
	cr_assert(strstr(r->body, "value=\"col1=phone\""), "%s", r->body);
	cr_assert(strstr(r->body, "value=\"col3=ignore\""), "%s", r->body);
	cr_assert_null(strstr(r->body, "data-created="), "no preview yet");
	resp_free(r);
	/* running it now imports nothing */
	r = run_upload(c, id);
	cr_assert_neq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "id=\"import-map\""), "back to the mapping: %s", r->body);
	resp_free(r);
	cr_assert_eq(people(), before);
	/* one column chosen, the other not: asked again, that one kept */
	path = xasprintf("/members/import/%s/map", id);
	r = cl_post(c, path, "map=col1%%3Dphone&map=");
	cr_assert_eq(r->status, 422, "%s", r->body);
	cr_assert(strstr(r->body, "nothing is imported until every column is chosen"), "%s",
		  r->body);
	cr_assert(strstr(r->body, "value=\"col1=phone\" selected"), "%s", r->body);
	resp_free(r);
	r = run_upload(c, id);
	cr_assert_neq(r->status, 200);
	resp_free(r);
	cr_assert_eq(people(), before);
	/* a choice that is not one */
	r = cl_post(c, path, "map=col1%%3Dshoe_size");
	cr_assert_eq(r->status, 422, "%s", r->body);
	resp_free(r);
	/* both: the preview, with the choices shown */
	r = cl_post(c, path, "map=col1%%3Dphone&map=col3%%3Dignore");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "data-created=\"1\""), "%s", r->body);
	cr_assert(strstr(r->body, "“Тел. (рабочий)” → Phone"), "%s", r->body);
	cr_assert(strstr(r->body, "“Размер обуви” → left out"), "%s", r->body);
	resp_free(r);
	cr_assert_eq(people(), before, "a preview writes no one");
	/* and the import does what the preview showed */
	r = run_upload(c, id);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "data-created=\"1\""), "%s", r->body);
	resp_free(r);
	cr_assert_eq(people(), before + 1);
	p = find(c, "zhanar");
	if (!p)
		p = find(c, "%D0%B6%D0%B0%D0%BD%D0%B0%D1%80");
	cr_assert_not_null(p);
	cr_assert_str_eq(jstr(p, "phone"), "+77472003040", "the mapped column was imported");
	{
		char *all = json_dumps(p, 0);
		cr_assert_null(strstr(all, "38\""), "the column left out went nowhere");
		free(all);
	}
	json_decref(p);
	/* someone else's upload cannot be mapped */
	{
		struct client *o = cl_as(&S, "coordinator@example.org", "en");
		r = upload(o, csv, sizeof(csv) - 1);
		resp_free(r);
		free(path);
		free(id);
		id = last_upload();
		path = xasprintf("/members/import/%s/map", id);
		r = cl_post(c, path, "map=col1%%3Dphone&map=col3%%3Dignore");
		cr_assert_eq(r->status, 404, "%s", r->body);
		resp_free(r);
		cl_free(o);
	}
	free(path);
	free(id);
	cl_free(c);
}

/* An export opens in a spreadsheet (a byte order mark; a phone as it is
 * read, with no quote mark before it) and, uploaded again, changes
 * nothing. */
Test(intl, an_export_opens_in_a_spreadsheet_and_imports_again_unchanged)
{
	struct client *c = cl_as(&S, "aktau@example.org", "en");
	char *aktau = srv_value(&S, "SELECT id FROM scopes WHERE name = 'Aktau'");
	struct resp *r, *e;
	char *want;

	r = cl_post(c, "/members", "display_name=Roundtrip&phone=%%2B77473004050"
		    "&email=rt%%40example.org&birth_date=1990-01-02&joined=2020-03-04&branch=%s",
		    aktau);
	cr_assert_eq(r->status, 303, "%s", r->body);
	resp_free(r);
	e = cl_post(c, "/members/export", "branch=%s", aktau);
	cr_assert_eq(e->status, 200, "%s", e->body);
	cr_assert(e->len > 3 && memcmp(e->body, "\xEF\xBB\xBF" "display_name,", 16) == 0,
		  "a byte order mark first: %.20s", e->body);
	want = xasprintf("Roundtrip,,+7 747 300 40 50,rt@example.org,");
	cr_assert(strstr(e->body, want), "%s", e->body);
	free(want);
	cr_assert_null(strstr(e->body, "'+"), "no phone behind a quote mark");
	cr_assert_null(strstr(e->body, "\"+7"), "nor quoted");
	/* uploaded again: every row unchanged, none refused, none new */
	r = upload(c, e->body, e->len);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "data-created=\"0\" data-updated=\"0\""), "%s", r->body);
	cr_assert(strstr(r->body, "data-refused=\"0\""), "%s", r->body);
	cr_assert(strstr(r->body, " 0 new, 0 changed,"), "%s", r->body);
	resp_free(r);
	resp_free(e);
	free(aktau);
	cl_free(c);
}
