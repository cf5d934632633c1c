/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests of the member rules that need no database (src/members/
 * rules.c): statuses, phones, dates, a person's record, dues, money and
 * the notes a merge writes. No fixture: nothing here opens a database or
 * a key, and each test is a table of inputs, the good next to the bad,
 * with the boundaries on both sides. */
#include <criterion/criterion.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "members/internal.h"

TestSuite(rules);

/* ---- statuses ---- */

Test(rules, statuses_read_back_as_written_and_nothing_else)
{
	enum mstatus s = MS_APPLICANT;

	for (int i = 0; i < MS__MAX; i++) {
		cr_assert_eq(members_status_parse(
				 members_status_name((enum mstatus)i), &s),
			     0);
		cr_assert_eq(s, (enum mstatus)i);
		cr_assert_not_null(members_status_label((enum mstatus)i));
	}
	s = MS_LAPSED;
	cr_assert_neq(members_status_parse("Active", &s), 0,
		      "names are lower case");
	cr_assert_neq(members_status_parse("active ", &s), 0);
	cr_assert_neq(members_status_parse("", &s), 0);
	cr_assert_neq(members_status_parse(NULL, &s), 0);
	cr_assert_neq(members_status_parse("активный", &s), 0);
	cr_assert_eq(s, MS_LAPSED, "a refused name leaves the status alone");
	/* out of range reads as active, never past the table */
	cr_assert_str_eq(members_status_name(MS__MAX), "active");
	cr_assert_str_eq(members_status_label(MS__MAX),
			 members_status_label(MS_ACTIVE));
}

/* ---- phones ---- */

Test(rules, phones_are_normalized_or_refused)
{
	static const struct {
		const char *in, *out; /* out NULL: refused */
	} cases[] = {
		{"+7 701 123-45-67", "+77011234567"},
		{"8 (701) 123 45 67", "+77011234567"}, /* domestic 8 is +7 */
		{"77011234567", "+77011234567"},
		{"7011234567", "+77011234567"},       /* ten digits from 7 */
		{"+7.701.123.45.67", "+77011234567"},
		{"+44 20 7946 0958", "+442079460958"},
		{"+12345678", "+12345678"},            /* eight digits: shortest */
		{"+123456789012345", "+123456789012345"}, /* fifteen: longest */
		{"+1234567", NULL},
		{"+1234567890123456", NULL},
		{"12345", NULL},
		{"6011234567", NULL},                  /* ten digits, not from 7 */
		{"98011234567", NULL},                 /* eleven, not from 7 or 8 */
		{"", NULL},
		{"+", NULL},
		{"++77011234567", NULL},
		{"7+7011234567", NULL},                /* a plus inside */
		{"+7 701 abc", NULL},
		{"+7 701 123 45 67 доб. 2", NULL},     /* Russian "extension" */
		{"+7 701 555 ОО 01", NULL},            /* Cyrillic O, not zero */
		{"+7 701 555 00 0１", NULL},           /* a full-width digit */
		{"+7/701/1234567", NULL},
		{"+7 701 123 45 67\n", NULL},
		{"12345678901234567890123456789", NULL}, /* longer than any buffer */
	};
	struct arena *a = arena_new();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = members_phone_normalize(a, cases[i].in);
		if (cases[i].out)
			cr_assert_str_eq(got ? got : "(refused)", cases[i].out, "%s",
					 cases[i].in);
		else
			cr_assert_null(got, "%s -> %s", cases[i].in, got);
	}
	arena_free(a);
}

/* Behind +7 (and a number typed without +, Kazakhstan's own) there are
 * exactly ten digits, and a refusal says so; other countries keep E.164's
 * 8 to 15 digits in all. */
Test(rules, a_kazakh_number_has_ten_digits_after_the_seven)
{
	static const struct {
		const char *in, *out; /* out NULL: refused */
		bool kz;              /* refused for its length in Kazakhstan */
	} cases[] = {
		{"+7 702 555 17 58", "+77025551758", false},
		{"8 702 555 17 58", "+77025551758", false},
		{"+7 702 555", NULL, true},            /* seven after +7 */
		{"+7 702 555 17 5", NULL, true},       /* nine: one short */
		{"+7 702 555 17 580", NULL, true},     /* eleven: one over */
		{"+7", NULL, true},
		{"8 702 555 17", NULL, true},          /* the domestic form, short */
		{"8 702 555 17 58 1", NULL, true},
		{"702 555 17 5", NULL, true},          /* 7xx without +7, short */
		{"+44 20 7946 0958", "+442079460958", false},
		{"+998 90 123 45 67", "+998901234567", false}, /* Uzbekistan: 12 */
		{"+1234567", NULL, false},             /* elsewhere: too short */
		{"6011234567", NULL, false},           /* no +, not Kazakh */
		{"+7 702 abc", NULL, false},
	};
	struct arena *a = arena_new();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = (char *)"unset";
		const char *why = members_phone_check(a, cases[i].in, &got);
		if (cases[i].out) {
			cr_assert_null(why, "%s: %s", cases[i].in, why);
			cr_assert_str_eq(got, cases[i].out, "%s", cases[i].in);
			continue;
		}
		cr_assert_not_null(why, "%s -> %s", cases[i].in, got);
		cr_assert_null(got, "%s", cases[i].in);
		cr_assert_eq(strstr(why, "10 digits after +7") != NULL, cases[i].kz,
			     "%s: %s", cases[i].in, why);
	}
	/* the record's check gives the same reason, on the phone field */
	{
		struct person_input in = {.display_name = "Асель", .phone = "+7 702 555",
					  .branch_id = 1};
		const char *field = NULL, *why = members_person_check(a, &in, &field);
		cr_assert_str_eq(field, "phone");
		cr_assert(why && strstr(why, "10 digits after +7"), "%s", why);
	}
	arena_free(a);
}

/* A Kazakh number reads in groups, +7 702 555 17 58; any other as it is
 * stored (its grouping is its country's, which we do not guess). A tel:
 * link takes only a number as stored, + and digits. */
Test(rules, phones_are_shown_grouped_and_linked_as_stored)
{
	static const struct {
		const char *in, *shown, *tel; /* tel NULL: no link */
	} cases[] = {
		{"+77025551758", "+7 702 555 17 58", "+77025551758"},
		{"+77011234567", "+7 701 123 45 67", "+77011234567"},
		{"+442079460958", "+442079460958", "+442079460958"},
		{"+12345678", "+12345678", "+12345678"},
		{"+7702555175", "+7702555175", "+7702555175"}, /* not Kazakh-shaped */
		{"+770255517580", "+770255517580", "+770255517580"},
		{"+7702555175x", "+7702555175x", NULL},
		{"77025551758", "77025551758", NULL},          /* no +: not stored so */
		{"+7 702 555 17 58", "+7 702 555 17 58", NULL}, /* spaces: not stored so */
		{"+1234567", "+1234567", NULL},                /* too short to call */
		{"+1234567890123456", "+1234567890123456", NULL},
		{"javascript:alert(1)", "javascript:alert(1)", NULL},
		{"", "", NULL},
	};
	struct arena *a = arena_new();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *tel = members_phone_tel(cases[i].in);
		cr_assert_str_eq(members_phone_display(a, cases[i].in), cases[i].shown,
				 "%s", cases[i].in);
		if (cases[i].tel)
			cr_assert_str_eq(tel ? tel : "(none)", cases[i].tel, "%s",
					 cases[i].in);
		else
			cr_assert_null(tel, "%s -> %s", cases[i].in, tel);
	}
	cr_assert_str_eq(members_phone_display(a, NULL), "");
	cr_assert_null(members_phone_tel(NULL));
	/* what the form normalizes, displayed, normalizes back the same */
	{
		char *back;
		cr_assert_null(members_phone_check(
			a, members_phone_display(a, "+77025551758"), &back));
		cr_assert_str_eq(back, "+77025551758");
	}
	arena_free(a);
}

/* ---- dates ---- */

Test(rules, dates_must_be_real_and_within_range)
{
	static const struct {
		const char *in;
		bool ok;
	} cases[] = {
		{"1990-02-28", true},
		{"2000-02-29", true},  /* a leap year by 400 */
		{"1999-02-29", false},
		{"1900-02-29", false}, /* not a leap year by 100 */
		{"2024-02-29", true},
		{"2026-02-30", false},
		{"2026-04-31", false},
		{"2026-12-31", true},
		{"1900-01-01", true},  /* the first year taken */
		{"1899-12-31", false},
		{"2200-12-31", true},  /* the last */
		{"2201-01-01", false},
		{"2026-13-01", false},
		{"2026-00-10", false},
		{"2026-01-00", false},
		{"2026-1-01", false},
		{"2026-01-1", false},
		{"2026-01-01x", false},
		{" 2026-01-01", false},
		{"2026/01/01", false},
		{"01.02.2026", false}, /* the Russian way of writing it */
		{"२०२६-०१-०१", false},
		{"", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_assert_eq(date_valid(cases[i].in, false), cases[i].ok, "%s",
			     cases[i].in);
}

Test(rules, a_past_date_may_be_today_anywhere_but_not_later)
{
	char d[16];
	time_t now = time(NULL), later = now + 3 * 86400, earlier = now - 86400;

	strftime(d, sizeof(d), "%Y-%m-%d", gmtime(&now));
	cr_assert(date_valid(d, true), "today: %s", d);
	strftime(d, sizeof(d), "%Y-%m-%d", gmtime(&earlier));
	cr_assert(date_valid(d, true), "yesterday: %s", d);
	strftime(d, sizeof(d), "%Y-%m-%d", gmtime(&later));
	cr_assert_not(date_valid(d, true), "in three days: %s", d);
	cr_assert(date_valid(d, false), "a date, only not past: %s", d);
	cr_assert_not(date_valid("2199-01-01", true));
	cr_assert(date_valid("2199-01-01", false));
}

/* ---- a person's record ---- */

/* A string of n copies of s (arena-owned). */
static char *repeat(struct arena *a, const char *s, size_t n)
{
	size_t len = strlen(s);
	char *out = arena_alloc(a, len * n + 1);

	for (size_t i = 0; i < n; i++)
		memcpy(out + i * len, s, len);
	out[len * n] = '\0';
	return out;
}

/* The member of in that members_person_check names field (its error's name). */
static const char **slot(struct person_input *in, const char *field)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{"display_name", offsetof(struct person_input, display_name)},
		{"legal_name", offsetof(struct person_input, legal_name)},
		{"phone", offsetof(struct person_input, phone)},
		{"email", offsetof(struct person_input, email)},
		{"address", offsetof(struct person_input, address)},
		{"birth_date", offsetof(struct person_input, birth_date)},
		{"workplace", offsetof(struct person_input, workplace)},
		{"notes", offsetof(struct person_input, notes)},
		{"status", offsetof(struct person_input, status)},
		{"joined", offsetof(struct person_input, joined_on)},
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(fields[i].name, field) == 0)
			return (const char **)((char *)in + fields[i].off);
	cr_assert_fail("no field %s", field);
	return NULL;
}

static struct person_input good(void)
{
	return (struct person_input){.display_name = "Әсел",
				     .legal_name = "Әсел Нұрланқызы Омарова",
				     .phone = "8 701 555 12 34",
				     .email = "  Asel@Example.org ",
				     .address = "Қарағанды қ., Бұқар жырау даңғ. 1\nпәтер 5",
				     .birth_date = "1990-05-01",
				     .workplace = "Шахта «Казахстанская», забойщик",
				     .notes = "Первая строка.\nВторая строка.",
				     .status = "lapsed",
				     .joined_on = "2019-04-12",
				     .branch_id = 1};
}

Test(rules, a_good_record_in_kazakh_and_russian_passes_normalized)
{
	struct arena *a = arena_new();
	struct person_input in = good();
	const char *field = "unset";

	cr_assert_null(members_person_check(a, &in, &field));
	cr_assert_null(field);
	cr_assert_str_eq(in.phone, "+77015551234");
	cr_assert_str_eq(in.email, "Asel@Example.org", "trimmed, case kept");
	cr_assert_str_eq(in.legal_name, "Әсел Нұрланқызы Омарова");
	/* only the display name and the branch are needed */
	in = (struct person_input){.display_name = "Қайрат", .branch_id = 7};
	cr_assert_null(members_person_check(a, &in, &field));
	in.phone = in.email = in.birth_date = in.joined_on = in.status = "";
	cr_assert_null(members_person_check(a, &in, &field), "empty is absent");
	arena_free(a);
}

Test(rules, a_bad_field_is_refused_and_named)
{
	static const struct {
		const char *field, *value;
	} cases[] = {
		{"display_name", ""},
		{"display_name", "Асель\nБекова"},      /* one line only */
		{"display_name", "Asel\x01"},
		{"display_name", "Ас\xd0"},             /* cut in the middle of a letter */
		{"display_name", "\xe2\x80\xae" "лесА"}, /* a right-to-left override */
		{"legal_name", "Омарова\tӘсел"},
		{"phone", "8 701 555 ОО 01"},
		{"email", "not an address"},
		{"email", "әсел@мысал"},                /* no dot after the @ */
		{"email", "a@b@example.org"},
		{"address", "Алматы\x7f"},
		{"birth_date", "2100-01-01"},           /* not in the past */
		{"birth_date", "31.12.1990"},
		{"workplace", "Шахта\r\nзабой"},
		{"notes", "ok\x02"},
		{"status", "emperor"},
		{"status", "Active"},
		{"joined", "2999-01-01"},
	};
	struct arena *a = arena_new();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct person_input in = good();
		const char *f = cases[i].field, *field = NULL;
		*slot(&in, f) = cases[i].value;
		cr_assert_not_null(members_person_check(a, &in, &field),
				   "%s = %s", f, cases[i].value);
		cr_assert_str_eq(field, f, "%s = %s", f, cases[i].value);
	}
	{
		struct person_input in = good();
		const char *field;
		in.display_name = NULL;
		cr_assert_not_null(members_person_check(a, &in, &field));
		cr_assert_str_eq(field, "display_name");
		in = good();
		in.branch_id = 0;
		cr_assert_not_null(members_person_check(a, &in, &field));
		cr_assert_str_eq(field, "branch");
		in.branch_id = -3;
		cr_assert_not_null(members_person_check(a, &in, &field));
		cr_assert_str_eq(field, "branch");
	}
	arena_free(a);
}

/* Lengths are counted in bytes: a Cyrillic or Kazakh letter takes two. */
Test(rules, lengths_stop_at_their_limits_in_bytes)
{
	static const struct {
		const char *field;
		size_t max;
	} limits[] = {
		{"display_name", 200}, {"legal_name", 300}, {"address", 500},
		{"workplace", 300},    {"notes", 5000},
	};
	struct arena *a = arena_new();

	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		const char *f = limits[i].field, *field;
		size_t max = limits[i].max;
		for (int over = 0; over <= 1; over++) {
			struct person_input in = good();
			const char *v = repeat(a, "x", max + (size_t)over);
			*slot(&in, f) = v;
			if (over) {
				cr_assert_not_null(
				    members_person_check(a, &in, &field),
				    "%s: %zu", f, max + 1);
				cr_assert_str_eq(field, f);
			} else {
				cr_assert_null(
				    members_person_check(a, &in, &field),
				    "%s: %zu", f, max);
			}
			/* the same number of bytes in Kazakh letters */
			in = good();
			v = repeat(a, "Ә", (max + (size_t)over) / 2);
			*slot(&in, f) = over ? arena_printf(a, "%sx", v) : v;
			if (over)
				cr_assert_not_null(
				    members_person_check(a, &in, &field),
				    "%s: Ә", f);
			else
				cr_assert_null(
				    members_person_check(a, &in, &field),
				    "%s: Ә", f);
		}
	}
	arena_free(a);
}

/* ---- dues and money ---- */

Test(rules, dues_are_checked_at_their_boundaries)
{
	static const struct {
		int64_t amount;
		const char *currency, *period, *paid_on;
		bool ok;
	} cases[] = {
		{100, "KZT", "2026", "2026-01-05", true},
		{1, "KZT", "2026-11", "2026-01-05", true},
		{100000000000LL, "USD", "1990", "2026-01-05", true},
		{100000000001LL, "KZT", "2026", "2026-01-05", false},
		{0, "KZT", "2026", "2026-01-05", false},
		{-100, "KZT", "2026", "2026-01-05", false},
		{100, "kzt", "2026", "2026-01-05", false},
		{100, "KZ", "2026", "2026-01-05", false},
		{100, "KZTT", "2026", "2026-01-05", false},
		{100, "ТЕҢ", "2026", "2026-01-05", false}, /* Kazakh letters */
		{100, NULL, "2026", "2026-01-05", false},
		{100, "KZT", "1989", "2026-01-05", false},
		{100, "KZT", "2200", "2026-01-05", true},
		{100, "KZT", "2201", "2026-01-05", false},
		{100, "KZT", "2026-12", "2026-01-05", true},
		{100, "KZT", "2026-13", "2026-01-05", false},
		{100, "KZT", "2026-00", "2026-01-05", false},
		{100, "KZT", "2026-1", "2026-01-05", false},
		{100, "KZT", "2026-11-01", "2026-01-05", false},
		{100, "KZT", "ноябрь", "2026-01-05", false},
		{100, "KZT", NULL, "2026-01-05", false},
		{100, "KZT", "2026", "2999-01-05", false}, /* paid in the future */
		{100, "KZT", "2026", "05.01.2026", false},
		{100, "KZT", "2026", NULL, false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why =
		    members_due_check(cases[i].amount, cases[i].currency,
				      cases[i].period, cases[i].paid_on);
		cr_assert_eq(why == NULL, cases[i].ok, "case %zu: %s", i,
			     why ? why : "accepted");
	}
}

Test(rules, money_is_read_in_minor_units)
{
	static const struct {
		const char *in;
		int64_t minor; /* -1: refused */
	} cases[] = {
		{"2000", 200000},
		{"2 000,5", 200050},
		{"2000.50", 200050},
		{"0.07", 7},
		{"0,5", 50},
		{"1 000 000", 100000000},
		{"999999999999", 99999999999900LL}, /* twelve digits: the most */
		{"9999999999999", -1},
		{"2000.", -1},
		{"20.001", -1},
		{"20.0 1", -1},
		{",5", -1},
		{"1.2.3", -1},
		{"-5", -1},
		{"+5", -1},
		{"1e5", -1},
		{"５", -1},       /* a full-width digit */
		{"2 000 тг", -1}, /* the tenge written out */
		{"", -1},
		{" ", -1},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = -12345;
		int rc = members_money_parse(cases[i].in, &v);
		if (cases[i].minor < 0) {
			cr_assert_neq(rc, 0, "%s -> %lld", cases[i].in, (long long)v);
			cr_assert_eq(v, -12345, "%s: untouched", cases[i].in);
		} else {
			cr_assert_eq(rc, 0, "%s", cases[i].in);
			cr_assert_eq(v, cases[i].minor, "%s -> %lld", cases[i].in,
				     (long long)v);
		}
	}
	cr_assert_neq(members_money_parse(NULL, &(int64_t){0}), 0);
}

Test(rules, money_is_written_with_two_decimals)
{
	struct arena *a = arena_new();

	cr_assert_str_eq(members_money(a, 150000, "KZT"), "1500.00 KZT");
	cr_assert_str_eq(members_money(a, 7, "KZT"), "0.07 KZT");
	cr_assert_str_eq(members_money(a, 200050, "USD"), "2000.50 USD");
	cr_assert_str_eq(members_money(a, 0, "KZT"), "0.00 KZT");
	arena_free(a);
}

/* ---- merging ---- */

Test(rules, a_merge_writes_the_later_record_into_the_notes_and_loses_nothing)
{
	struct arena *a = arena_new();
	struct person keep = {.id = 3, .display_name = "Галина", .notes = "Староста цеха."};
	struct person drop = {.id = 42, .display_name = "Галина К.",
			      .legal_name = "Галина Петровна Ким", .phone = "+77015550001",
			      .email = "", .address = "Қарағанды", .birth_date = "",
			      .workplace = NULL, .joined_on = "2020-03-01",
			      .notes = "Пришла через профком."};
	const char *n = members_person_merge_notes(a, &keep, &drop);

	cr_assert_str_eq(n, "Староста цеха.\n\n[merged from record 42]\n"
			    "name: Галина К.\n"
			    "legal name: Галина Петровна Ким\n"
			    "phone: +77015550001\n"
			    "address: Қарағанды\n"
			    "joined: 2020-03-01\n"
			    "Пришла через профком.");
	/* a kept record without notes starts with the marker; an empty
	 * later record leaves the marker alone */
	keep.notes = "";
	drop = (struct person){.id = 7, .notes = ""};
	cr_assert_str_eq(members_person_merge_notes(a, &keep, &drop),
			 "[merged from record 7]");
	keep.notes = NULL;
	drop.email = "qairat@example.kz";
	cr_assert_str_eq(members_person_merge_notes(a, &keep, &drop),
			 "[merged from record 7]\nemail: qairat@example.kz");
	arena_free(a);
}

/* ---- every refusal at once, for the forms ---- */

Test(rules, a_person_is_refused_for_every_reason_at_once)
{
	struct arena *a = arena_new();
	struct person_input in = {.display_name = "", .phone = "12",
				  .email = "nope", .birth_date = "2999-01-01",
				  .status = "emperor", .joined_on = "yesterday",
				  .workplace = "Depot\x01"};
	struct members_refusal r[16];
	static const char *const want[] = {"display_name", "phone", "email",
					   "birth_date", "workplace", "status",
					   "joined", "branch"};
	size_t n = members_person_refusals(a, &in, r, 16);
	const char *field;

	cr_assert_eq(n, ARRAY_LEN(want), "%zu refusals", n);
	for (size_t i = 0; i < n; i++)
		cr_assert_str_eq(r[i].field, want[i], "refusal %zu", i);
	cr_assert_str_eq(r[0].why, "is required");
	/* fewer places than refusals: the count is still every one */
	cr_assert_eq(members_person_refusals(a, &in, r, 2), ARRAY_LEN(want));
	/* the single check is the first of them */
	cr_assert_str_eq(members_person_check(a, &in, &field), "is required");
	cr_assert_str_eq(field, "display_name");
	/* what passes is normalized, whatever else is refused */
	in.phone = "8 701 123 45 67";
	members_person_refusals(a, &in, r, 16);
	cr_assert_str_eq(in.phone, "+77011234567");
	/* a good one has none */
	struct person_input ok = {.display_name = "A", .branch_id = 3};
	cr_assert_eq(members_person_refusals(a, &ok, r, 16), 0);
	arena_free(a);
}

Test(rules, a_payment_is_refused_field_by_field)
{
	struct members_refusal r[4];
	int64_t amount = 7;

	cr_assert_eq(members_due_refusals("lots", "kzt", "2026-13", "2999-01-01",
					  &amount, r, 4), 4);
	cr_assert_str_eq(r[0].field, "amount");
	cr_assert_str_eq(r[1].field, "currency");
	cr_assert_str_eq(r[2].field, "period");
	cr_assert_str_eq(r[3].field, "paid_on");
	cr_assert_eq(amount, 0);
	cr_assert_eq(members_due_refusals("0", "KZT", "2026", "2026-01-05", &amount,
					  r, 4), 1);
	cr_assert_str_eq(r[0].why, "The amount must be more than nothing.");
	cr_assert_eq(members_due_refusals("1 500,5", "KZT", "2026-11", "2026-11-05",
					  &amount, r, 4), 0);
	cr_assert_eq(amount, 150050);
}

Test(rules, a_second_payment_for_a_period_is_found_and_a_change_is_seen)
{
	struct due d[] = {
		{.id = 1, .amount = 100, .currency = "KZT", .period = "2026-10", .paid_on = "2026-10-02"},
		{.id = 2, .amount = 100, .currency = "KZT", .period = "2026-11", .paid_on = "2026-11-02"},
	};

	cr_assert_eq(members_due_same_period(d, 2, "2026-11", 0), &d[1]);
	cr_assert_null(members_due_same_period(d, 2, "2026-11", 2), "itself does not count");
	cr_assert_null(members_due_same_period(d, 2, "2026", 0), "a year is not its months");
	cr_assert_null(members_due_same_period(d, 0, "2026-11", 0));
	cr_assert_null(members_due_same_period(d, 2, NULL, 0));
	cr_assert_not(members_due_differs(&d[0], 100, "KZT", "2026-10", "2026-10-02"));
	cr_assert(members_due_differs(&d[0], 101, "KZT", "2026-10", "2026-10-02"));
	cr_assert(members_due_differs(&d[0], 100, "USD", "2026-10", "2026-10-02"));
	cr_assert(members_due_differs(&d[0], 100, "KZT", "2026-09", "2026-10-02"));
	cr_assert(members_due_differs(&d[0], 100, "KZT", "2026-10", "2026-10-03"));
}

/* ---- dates as spreadsheets write them ---- */

Test(rules, a_date_from_a_sheet_reads_day_first)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"01.05.2024", "2024-05-01"},
		{"1.5.2024", "2024-05-01"},
		{"31.12.1990", "1990-12-31"},
		{"2024-05-01", "2024-05-01"},   /* the registry's own, as it is */
		{"31.02.2024", "2024-02-31"},   /* converted; date_valid refuses it */
		{"01.05.24", "01.05.24"},       /* a two-digit year: as it is */
		{"001.05.2024", "001.05.2024"},
		{"01.005.2024", "01.005.2024"},
		{"01.05.20245", "01.05.20245"},
		{"01/05/2024", "01/05/2024"},   /* day or month first? not guessed */
		{"05.2024", "05.2024"},
		{"01.05.2024 ", "01.05.2024 "},
		{".05.2024", ".05.2024"},
		{"01..2024", "01..2024"},
		{"", ""},
	};
	struct arena *a = arena_new();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_assert_str_eq(members_date_from_sheet(a, cases[i].in), cases[i].out,
				 "%s", cases[i].in);
	cr_assert_null(members_date_from_sheet(a, NULL));
	cr_assert(date_valid(members_date_from_sheet(a, "08.03.1988"), true));
	cr_assert_not(date_valid(members_date_from_sheet(a, "31.02.2024"), true));
	arena_free(a);
}

/* ---- an import's header and the columns an officer maps ---- */

Test(rules, a_header_names_a_column_in_three_languages)
{
	static const struct {
		const char *header;
		int col; /* -1: not known */
	} cases[] = {
		{"display_name", COL_DISPLAY}, {"Display Name", COL_DISPLAY},
		{"Имя", COL_DISPLAY},          {"АТЫ", COL_DISPLAY},
		{"ФИО", COL_LEGAL},            {"Ф.И.О.", COL_LEGAL},
		{"Аты-жөні", COL_LEGAL},       {"legal_name", COL_LEGAL},
		{"Телефон", COL_PHONE},        {"тел.", COL_PHONE},
		{"Телефон нөмірі", COL_PHONE}, {"Эл. почта", COL_EMAIL},
		{"эл.почта", COL_EMAIL},       {"E-mail", COL_EMAIL},
		{"Электрондық пошта", COL_EMAIL}, {"Адрес", COL_ADDRESS},
		{"Мекенжай", COL_ADDRESS},     {"Дата рождения", COL_BIRTH},
		{"Туған күні", COL_BIRTH},     {"Место работы", COL_WORKPLACE},
		{"Жұмыс орны", COL_WORKPLACE}, {"Филиал", COL_BRANCH},
		{"Бөлімше", COL_BRANCH},       {"Профсоюз", COL_AFFIL},
		{"Кәсіподақ", COL_AFFIL},      {"Статус", COL_STATUS},
		{"Мәртебе", COL_STATUS},       {"Дата вступления", COL_JOINED},
		{"Кіру күні", COL_JOINED},     {"joined", COL_JOINED},
		{"Размер обуви", -1},          {"Тел. (рабочий)", -1},
		{"", -1},                      {"phone2", -1},
		{"Имя Имя", -1},
	};
	struct arena *a = arena_new();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_assert_eq(members_import_header_col(a, cases[i].header), cases[i].col,
			     "%s", cases[i].header);
	arena_free(a);
}

Test(rules, a_file_in_russian_with_day_first_dates_reads_as_the_registrys)
{
	static const char csv[] =
		"\xEF\xBB\xBF" "Имя,Телефон,Эл. почта,Филиал,Дата вступления,Дата рождения\r\n"
		"Асель,8 702 555 17 58,asel@example.org,Актау,01.05.2024,08.03.1988\r\n"
		"Ерлан,+7 702 555,,Актау,2024-05-02,\r\n"
		"Дана,,,Актау,31.02.2024,\r\n";
	struct arena *a = arena_new();
	struct import_plan p;

	cr_assert_eq(members_import_parse(a, csv, sizeof(csv) - 1, NULL, &p), 0,
		     "%s", p.fatal);
	cr_assert_eq(p.n, 3);
	cr_assert_null(p.rows[0].error, "%s", p.rows[0].error);
	cr_assert_str_eq(p.rows[0].in.phone, "+77025551758");
	cr_assert_str_eq(p.rows[0].in.joined_on, "2024-05-01");
	cr_assert_str_eq(p.rows[0].in.birth_date, "1988-03-08");
	cr_assert_str_eq(p.rows[0].branch, "Актау");
	cr_assert_eq(p.rows[1].error_col, COL_PHONE);
	cr_assert(strstr(p.rows[1].error, "10 digits after +7"), "%s", p.rows[1].error);
	cr_assert_eq(p.rows[2].error_col, COL_JOINED);
	cr_assert(strstr(p.rows[2].error, "DD.MM.YYYY"), "%s", p.rows[2].error);
	arena_free(a);
}

/* A column not known stops the file, names every such column with a
 * sample, and is read once the officer says what each holds; left out,
 * its cells go nowhere. The choices survive their text (the upload's
 * options). */
Test(rules, a_column_not_known_waits_for_the_officer_to_map_it)
{
	static const char csv[] =
		"Имя,Тел. (рабочий),Филиал,Размер обуви\n"
		"Асель,8 702 555 17 58,Актау,38\n";
	struct arena *a = arena_new();
	struct import_plan p;
	struct import_opts o = {0}, back = {0};

	cr_assert_eq(members_import_parse(a, csv, sizeof(csv) - 1, NULL, &p), -1);
	cr_assert(p.unmapped);
	cr_assert_eq(p.nunknown, 2);
	cr_assert_eq(p.unknown[0].cell, 1);
	cr_assert_str_eq(p.unknown[0].name, "Тел. (рабочий)");
	cr_assert_str_eq(p.unknown[0].sample, "8 702 555 17 58");
	cr_assert_eq(p.unknown[1].cell, 3);
	cr_assert_str_eq(p.unknown[1].sample, "38");
	cr_assert_eq(p.n, 0, "no row is read");
	cr_assert_str_eq(p.fatal_detail, "Тел. (рабочий)");

	/* one chosen, one not: still nothing */
	cr_assert_eq(members_import_map_parse("col1=phone", &o.map), 0);
	cr_assert_eq(members_import_parse(a, csv, sizeof(csv) - 1, &o.map, &p), -1);
	cr_assert(p.unmapped);
	cr_assert_str_eq(p.fatal_detail, "Размер обуви");
	/* both: the phone is read, the shoe size goes nowhere */
	cr_assert_eq(members_import_map_parse("col3=ignore", &o.map), 0);
	cr_assert_eq(members_import_opts_parse(members_import_opts_text(a, &o), &back), 0);
	cr_assert_str_eq(members_import_opts_text(a, &back), "update,col1=phone,col3=ignore");
	cr_assert_eq(members_import_parse(a, csv, sizeof(csv) - 1, &back.map, &p), 0,
		     "%s", p.fatal);
	cr_assert_not(p.unmapped);
	cr_assert_eq(p.n, 1);
	cr_assert_str_eq(p.rows[0].in.phone, "+77025551758");
	cr_assert_eq(p.col[COL_PHONE], 1);
	for (int c = 0; c < COL__MAX; c++)
		cr_assert_neq(p.col[c], 3, "the column left out is no column");
	/* a choice naming a column the file has already: named twice */
	memset(&o.map, 0, sizeof(o.map));
	cr_assert_eq(members_import_map_parse("col1=branch", &o.map), 0);
	cr_assert_eq(members_import_map_parse("col3=ignore", &o.map), 0);
	cr_assert_eq(members_import_parse(a, csv, sizeof(csv) - 1, &o.map, &p), -1);
	cr_assert_str_eq(p.fatal, "a column is named twice:");
	cr_assert_eq(p.nunknown, 2, "still listed, to choose again");
	/* choices that are not such */
	cr_assert_neq(members_import_map_parse("col1=shoe_size", &o.map), 0);
	cr_assert_neq(members_import_map_parse("col64=phone", &o.map), 0);
	cr_assert_neq(members_import_map_parse("col-1=phone", &o.map), 0);
	cr_assert_neq(members_import_map_parse("col=phone", &o.map), 0);
	cr_assert_neq(members_import_map_parse("1=phone", &o.map), 0);
	cr_assert_neq(members_import_opts_parse("update,col1=nothing", &back), 0);
	arena_free(a);
}
