/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The audit page in words: each entry a sentence naming who did what to
 * whom, with links; filters by who, action, object and days, refused
 * beside their field when wrong; pages that go back and forth without
 * losing or repeating an entry. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "platform/core/core.h"

static struct srv S;
static void up(void)
{
	srv_up(&S, SRV_FRESH, NULL);
}
static void down(void)
{
	srv_down(&S);
}
TestSuite(audit_words, .init = up, .fini = down, .timeout = 120);

/* the ids of the rows of a page, in order, as "12,11,10," */
static char *row_ids(const char *body, int *n_r)
{
	struct buf b = {0};
	const char *p = body;
	int n = 0;

	while ((p = strstr(p, "<tr data-id=\""))) {
		p += strlen("<tr data-id=\"");
		buf_printf(&b, "%ld,", strtol(p, NULL, 10));
		n++;
	}
	*n_r = n;
	buf_putc(&b, 0);
	return buf_steal(&b, NULL);
}

/* every id below the one before it */
static bool decreasing(const char *ids)
{
	long prev = -1;

	for (const char *p = ids; *p; p = strchr(p, ',') + 1) {
		long id = strtol(p, NULL, 10);
		if (prev >= 0 && id >= prev)
			return false;
		prev = id;
	}
	return true;
}

/* the href of a pager link, with &amp; undone */
static char *pager(const char *body, const char *label)
{
	const char *end = strstr(body, label);
	const char *start;
	struct buf b = {0};

	if (!end)
		return NULL;
	start = end;
	while (start > body && strncmp(start, "href=\"", 6) != 0)
		start--;
	start += 6;
	for (const char *p = start; *p && *p != '"'; p++) {
		if (strncmp(p, "&amp;", 5) == 0) {
			buf_putc(&b, '&');
			p += 4;
		} else {
			buf_putc(&b, *p);
		}
	}
	buf_putc(&b, 0);
	return buf_steal(&b, NULL);
}

Test(audit_words, each_entry_is_a_sentence_with_links_and_the_codes_kept_below)
{
	struct client *c = cl_as(&S, "admin", NULL);
	struct resp *r = cl_post(c, "/admin/users",
				 "display_name=Dana+K.&email=dana%%40example.org&role=coordinator&scope=0");
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);

	r = cl_get(c, "/audit");
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "\">Administrator</a> signed in"), "%s", r->body);
	cr_assert(strstr(r->body, "\">Administrator</a> created the account of <a href=\"/admin/users/"),
		  "%s", r->body);
	cr_assert(strstr(r->body, "\">Dana K.</a>"), "%s", r->body);
	cr_assert(strstr(r->body, "the role Coordinator over the whole organization"),
		  "%s", r->body);
	cr_assert(strstr(r->body, "The organization was set up from the command line"));
	/* the codes stay, for whoever greps them */
	cr_assert(strstr(r->body, "<code>account.created</code>"));
	resp_free(r);

	/* the JSON of the same page carries the sentence in parts */
	cl_header(c, "Accept: application/json");
	r = cl_get(c, "/api/v1/audit?limit=5");
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "\"sentence\""), "%s", r->body);
	resp_free(r);
	cl_free(c);
}

Test(audit_words, filters_narrow_by_who_what_and_about_whom_and_refuse_bad_days)
{
	struct client *c = cl_as(&S, "admin", NULL);
	struct resp *r = cl_post(c, "/admin/users",
				 "display_name=Dana+K.&email=dana%%40example.org&role=coordinator&scope=0");
	cr_assert_eq(r->status, 201);
	char *dana = between(r->body, "<a href=\"/admin/users/", "\"");
	cr_assert_not_null(dana, "%s", r->body);
	resp_free(r);

	/* who: the administrator's entries, not the command line's */
	r = cl_get(c, "/audit?actor=1");
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "signed in"));
	cr_assert_null(strstr(r->body, "set up from the command line"));
	cr_assert(strstr(r->body, "<option value=\"1\" selected>"), "%s", r->body);
	resp_free(r);

	/* about whom: Dana's account only, named above the list */
	char *path = xasprintf("/audit?object=user:%s", dana);
	r = cl_get(c, path);
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "class=\"about\""), "%s", r->body);
	cr_assert(strstr(r->body, "created the account of"));
	cr_assert_null(strstr(r->body, "signed in"));
	cr_assert_null(strstr(r->body, "<code>user:1</code>"));
	resp_free(r);
	free(path);

	/* what */
	r = cl_get(c, "/audit?action=grant.added");
	cr_assert(strstr(r->body, "<code>grant.added</code>"));
	cr_assert_null(strstr(r->body, "<code>login</code>"));
	resp_free(r);

	/* days: today holds everything so far, tomorrow nothing */
	char today[11], *from;
	/* the server's days are the organization's (org.timezone,
	 * Asia/Almaty by default), not this machine's */
	cr_assert_eq(time_zone_set("Asia/Almaty"), 0);
	date_today(today, sizeof(today));
	from = xasprintf("/audit?from=%s&to=%s", today, today);
	r = cl_get(c, from);
	cr_assert_eq(r->status, 200, "%s", r->body);
	cr_assert(strstr(r->body, "signed in"), "%s", r->body);
	resp_free(r);
	free(from);
	r = cl_get(c, "/audit?from=2999-01-01");
	cr_assert_eq(r->status, 200);
	cr_assert(strstr(r->body, "No entries match."));
	resp_free(r);

	/* a day that is not one is refused beside its field, the form kept */
	r = cl_get(c, "/audit?from=yesterday&action=login");
	cr_assert_eq(r->status, 422, "%s", r->body);
	cr_assert(strstr(r->body, "aria-invalid=\"true\""), "%s", r->body);
	cr_assert(strstr(r->body, "class=\"field-error\" id=\"from-error\""), "%s", r->body);
	cr_assert(strstr(r->body, "value=\"yesterday\""));
	cr_assert(strstr(r->body, "<option value=\"login\" selected>"));
	resp_free(r);
	free(dana);
	cl_free(c);
}

Test(audit_words, pages_go_back_and_forth_without_losing_or_repeating_an_entry)
{
	struct client *c = cl_as(&S, "admin", NULL);

	/* each account made writes two entries: created and granted */
	for (int i = 0; i < 40; i++) {
		struct resp *r = cl_post(c, "/admin/users",
					 "display_name=Person+%d&email=p%d%%40example.org&role=coordinator&scope=0",
					 i, i);
		cr_assert_eq(r->status, 201, "%s", r->body);
		resp_free(r);
	}
	char *total = srv_value(&S, "SELECT count(*) FROM audit_log");
	int all = atoi(total), n1, n2, n3;
	cr_assert_gt(all, 80);

	struct resp *r = cl_get(c, "/audit");
	char *first = row_ids(r->body, &n1), *older = pager(r->body, ">Older entries<");
	cr_assert_eq(n1, 50);
	cr_assert_not_null(older, "no older link");
	cr_assert_null(pager(r->body, ">Newer entries<"));
	resp_free(r);

	r = cl_get(c, older);
	cr_assert_eq(r->status, 200, "%s", r->body);
	char *second = row_ids(r->body, &n2), *newer = pager(r->body, ">Newer entries<");
	cr_assert_eq(n1 + n2, all, "%d + %d of %d", n1, n2, all);
	cr_assert_not_null(newer);
	cr_assert_null(pager(r->body, ">Older entries<"), "a last page links further back");
	/* together, every entry once, newest first */
	char *both = xasprintf("%s%s", first, second);
	cr_assert(decreasing(both), "%s", both);
	free(both);
	resp_free(r);

	/* and back: the newer page is the first page again */
	r = cl_get(c, newer);
	cr_assert_eq(r->status, 200);
	char *again = row_ids(r->body, &n3);
	cr_assert_str_eq(again, first);
	resp_free(r);

	free(first);
	free(second);
	free(again);
	free(older);
	free(newer);
	free(total);
	cl_free(c);
}
