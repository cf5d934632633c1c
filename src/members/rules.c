/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The member registry's rules that need neither the database nor HTTP:
 * membership statuses, what a phone number, a date, a person's record
 * and a payment of dues must look like, money in minor units, and what a
 * merge writes into the kept record's notes. The pages, the API, the
 * importer and the store all ask here, so they agree; the unit tests
 * (tests/members/unit_rules.c) need no database either.
 */
#include "internal.h"
#include "platform/core/core.h"
#include "platform/i18n/i18n.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- statuses ---- */

static const char *const status_names[MS__MAX] = {
	"applicant", "active", "lapsed", "suspended", "left"};
static const char *const status_labels[MS__MAX] = {
	N_("applicant"), N_("active"), N_("lapsed"), N_("suspended"),
	N_("left")};

const char *members_status_name(enum mstatus s)
{
	return s < MS__MAX ? status_names[s] : "active";
}

const char *members_status_label(enum mstatus s)
{
	return s < MS__MAX ? status_labels[s] : status_labels[MS_ACTIVE];
}

int members_status_parse(const char *s, enum mstatus *out_r)
{
	for (int i = 0; s && i < MS__MAX; i++)
		if (strcmp(s, status_names[i]) == 0) {
			*out_r = (enum mstatus)i;
			return 0;
		}
	return -1;
}

/* ---- checks ---- */

/* The Kazakh (and Russian) plan behind +7: ten digits after the 7. */
#define KZ_DIGITS 11

const char *members_phone_check(struct arena *a, const char *in, char **out_r)
{
	static const char *const not_phone =
		N_("is not a phone number (like +7 701 123 45 67)");
	static const char *const kz_length =
		N_("is not a phone number: numbers in Kazakhstan have 10 digits after +7 (like +7 701 123 45 67)");
	char digits[24];
	size_t n = 0;
	bool plus = false;

	*out_r = NULL;
	for (const char *p = in; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n >= sizeof(digits) - 1)
				return not_phone;
			digits[n++] = *p;
		} else if (*p == '+' && n == 0 && !plus) {
			plus = true;
		} else if (*p != ' ' && *p != '-' && *p != '(' && *p != ')' &&
			   *p != '.') {
			return not_phone;
		}
	}
	digits[n] = '\0';
	if (n == 0)
		return not_phone;
	if (!plus) {
		/* without +, a number is Kazakhstan's: the domestic 8 7xx...,
		 * 7 7xx..., or the ten digits alone (7xx...) */
		if (n == KZ_DIGITS && (digits[0] == '8' || digits[0] == '7')) {
			*out_r = arena_printf(a, "+7%s", digits + 1);
			return NULL;
		}
		if (n == KZ_DIGITS - 1 && digits[0] == '7') {
			*out_r = arena_printf(a, "+7%s", digits);
			return NULL;
		}
		return digits[0] == '8' || digits[0] == '7' ? kz_length : not_phone;
	}
	if (digits[0] == '7') {
		if (n != KZ_DIGITS)
			return kz_length;
	} else if (n < 8 || n > 15) {
		return not_phone; /* E.164: at most 15 digits */
	}
	*out_r = arena_printf(a, "+%s", digits);
	return NULL;
}

char *members_phone_normalize(struct arena *a, const char *in)
{
	char *out;

	return members_phone_check(a, in, &out) ? NULL : out;
}

const char *members_phone_display(struct arena *a, const char *e164)
{
	size_t n;

	if (!e164)
		return "";
	n = strlen(e164);
	if (n != KZ_DIGITS + 1 || e164[0] != '+' || e164[1] != '7' ||
	    strspn(e164 + 1, "0123456789") != KZ_DIGITS)
		return e164;
	/* +7 702 555 17 58: the code, the area or operator, three, two, two */
	return arena_printf(a, "+7 %.3s %.3s %.2s %.2s", e164 + 2, e164 + 5,
			    e164 + 8, e164 + 10);
}

const char *members_phone_tel(const char *e164)
{
	size_t n = e164 ? strlen(e164) : 0;

	if (n < 9 || n > 16 || e164[0] != '+' ||
	    strspn(e164 + 1, "0123456789") != n - 1)
		return NULL;
	return e164;
}

const char *members_date_from_sheet(struct arena *a, const char *s)
{
	unsigned d = 0, m = 0, y = 0;
	int nd = 0, nm = 0, ny = 0;
	const char *p = s;

	if (!s)
		return s;
	for (; *p >= '0' && *p <= '9' && nd < 3; p++, nd++)
		d = d * 10 + (unsigned)(*p - '0');
	if (*p++ != '.')
		return s;
	for (; *p >= '0' && *p <= '9' && nm < 3; p++, nm++)
		m = m * 10 + (unsigned)(*p - '0');
	if (*p++ != '.')
		return s;
	for (; *p >= '0' && *p <= '9' && ny < 5; p++, ny++)
		y = y * 10 + (unsigned)(*p - '0');
	if (*p || nd < 1 || nd > 2 || nm < 1 || nm > 2 || ny != 4)
		return s;
	/* a day or month out of range stays so: date_valid refuses it */
	return arena_printf(a, "%04u-%02u-%02u", y, m, d);
}

static bool ok_line(const char *s, size_t max)
{
	return !s || (strlen(s) <= max && text_is_line(s, strlen(s)));
}

/* Notes a refusal (counted even past cap, so the caller learns how
 * many there are). */
static void refuse(struct members_refusal *out, size_t cap, size_t *n,
		   const char *field, const char *why)
{
	if (*n < cap) {
		out[*n].field = field;
		out[*n].why = why;
	}
	(*n)++;
}

static bool ok_block(const char *s, size_t max)
{
	return !s || (strlen(s) <= max && text_is_block(s, strlen(s)));
}

size_t members_person_refusals(struct arena *a, struct person_input *in,
			       struct members_refusal *out, size_t cap)
{
	const char *bad_text =
		N_("holds characters that are not allowed or is too long");
	enum mstatus st;
	size_t n = 0;

	if (!in->display_name || !*in->display_name)
		refuse(out, cap, &n, "display_name", N_("is required"));
	else if (!ok_line(in->display_name, MEMBERS_MAX_NAME))
		refuse(out, cap, &n, "display_name", bad_text);
	if (!ok_line(in->legal_name, MEMBERS_MAX_LEGAL_NAME))
		refuse(out, cap, &n, "legal_name", bad_text);
	if (in->phone && *in->phone) {
		char *p;
		const char *why = members_phone_check(a, in->phone, &p);
		if (why)
			refuse(out, cap, &n, "phone", why);
		else
			in->phone = p;
	}
	if (in->email && *in->email) {
		char *e = str_trim(arena_strdup(a, in->email));
		if (!email_plausible(e))
			refuse(out, cap, &n, "email", N_("is not an email address"));
		else
			in->email = e;
	}
	if (!ok_block(in->address, MEMBERS_MAX_ADDRESS))
		refuse(out, cap, &n, "address", bad_text);
	if (in->birth_date && *in->birth_date && !date_valid(in->birth_date, true))
		refuse(out, cap, &n, "birth_date",
		       N_("is not a date in the past (YYYY-MM-DD)"));
	if (!ok_line(in->workplace, MEMBERS_MAX_WORKPLACE))
		refuse(out, cap, &n, "workplace", bad_text);
	if (!ok_block(in->notes, MEMBERS_MAX_NOTES))
		refuse(out, cap, &n, "notes", bad_text);
	if (in->status && *in->status &&
	    members_status_parse(in->status, &st) != 0)
		refuse(out, cap, &n, "status", N_("is not a membership status"));
	if (in->joined_on && *in->joined_on && !date_valid(in->joined_on, true))
		refuse(out, cap, &n, "joined",
		       N_("is not a date in the past (YYYY-MM-DD)"));
	if (in->branch_id <= 0)
		refuse(out, cap, &n, "branch", N_("is required"));
	return n;
}

const char *members_person_check(struct arena *a, struct person_input *in,
				 const char **field_r)
{
	struct members_refusal r;

	if (members_person_refusals(a, in, &r, 1) == 0) {
		*field_r = NULL;
		return NULL;
	}
	*field_r = r.field;
	return r.why;
}

/* ---- dues and money ---- */

static const char *amount_refused(int64_t amount)
{
	if (amount <= 0 || amount > 100000000000LL)
		return N_("The amount must be more than nothing.");
	return NULL;
}

static const char *currency_refused(const char *currency)
{
	if (!currency || strlen(currency) != 3 || currency[0] < 'A' ||
	    currency[0] > 'Z' || currency[1] < 'A' || currency[1] > 'Z' ||
	    currency[2] < 'A' || currency[2] > 'Z')
		return N_("A currency is three capital letters, like KZT.");
	return NULL;
}

static const char *period_refused(const char *period)
{
	int y, m;
	char extra;

	if (!period ||
	    !((strlen(period) == 4 && sscanf(period, "%4d%c", &y, &extra) == 1 &&
	       y >= 1990 && y <= 2200) ||
	      (strlen(period) == 7 &&
	       sscanf(period, "%4d-%2d%c", &y, &m, &extra) == 2 && y >= 1990 &&
	       m >= 1 && m <= 12)))
		return N_("A period is a year (2026) or a month (2026-11).");
	return NULL;
}

static const char *paid_on_refused(const char *paid_on)
{
	if (!paid_on || !date_valid(paid_on, true))
		return N_("The payment date must be a date, not in the future (YYYY-MM-DD).");
	return NULL;
}

const char *members_due_check(int64_t amount, const char *currency,
			      const char *period, const char *paid_on)
{
	const char *why;

	if ((why = amount_refused(amount)) || (why = currency_refused(currency)) ||
	    (why = period_refused(period)) || (why = paid_on_refused(paid_on)))
		return why;
	return NULL;
}

size_t members_due_refusals(const char *amount, const char *currency,
			    const char *period, const char *paid_on,
			    int64_t *amount_r, struct members_refusal *out,
			    size_t cap)
{
	size_t n = 0;
	const char *why;

	*amount_r = 0;
	if (members_money_parse(amount, amount_r) != 0)
		refuse(out, cap, &n, "amount",
		       N_("The amount must be a number, like 2000 or 2000.50."));
	else if ((why = amount_refused(*amount_r)))
		refuse(out, cap, &n, "amount", why);
	if ((why = currency_refused(currency)))
		refuse(out, cap, &n, "currency", why);
	if ((why = period_refused(period)))
		refuse(out, cap, &n, "period", why);
	if ((why = paid_on_refused(paid_on)))
		refuse(out, cap, &n, "paid_on", why);
	return n;
}

const struct due *members_due_same_period(const struct due *d, size_t n,
					  const char *period, int64_t except)
{
	for (size_t i = 0; period && i < n; i++)
		if (d[i].id != except && strcmp(d[i].period, period) == 0)
			return &d[i];
	return NULL;
}

bool members_due_differs(const struct due *old, int64_t amount,
			 const char *currency, const char *period,
			 const char *paid_on)
{
	return old->amount != amount || strcmp(old->currency, currency) != 0 ||
	       strcmp(old->period, period) != 0 ||
	       strcmp(old->paid_on, paid_on) != 0;
}

char *members_money(struct arena *a, int64_t minor, const char *currency)
{
	return arena_printf(a, "%lld.%02lld %s", (long long)(minor / 100),
			    (long long)(minor % 100), currency);
}

int members_money_parse(const char *s, int64_t *out_r)
{
	int64_t whole = 0, frac = 0;
	int nfrac = -1, digits = 0;

	if (!s)
		return -1;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (nfrac >= 0) {
				if (++nfrac > 2)
					return -1;
				frac = frac * 10 + (*s - '0');
			} else {
				if (++digits > 12)
					return -1;
				whole = whole * 10 + (*s - '0');
			}
		} else if ((*s == '.' || *s == ',') && nfrac < 0 && digits) {
			nfrac = 0;
		} else if (*s != ' ' || nfrac >= 0) {
			return -1;
		}
	}
	if (!digits || nfrac == 0)
		return -1;
	if (nfrac == 1)
		frac *= 10;
	*out_r = whole * 100 + frac;
	return 0;
}

/* ---- merging two records of one person ---- */

char *members_person_merge_notes(struct arena *a, const struct person *keep,
				 const struct person *drop)
{
	const char *fields[][2] = {
		{"name", drop->display_name},   {"legal name", drop->legal_name},
		{"phone", drop->phone},         {"email", drop->email},
		{"address", drop->address},     {"birth date", drop->birth_date},
		{"workplace", drop->workplace}, {"joined", drop->joined_on},
	};
	const char *kept = keep->notes ? keep->notes : "";
	struct buf b;
	char *out;

	buf_init(&b);
	for (size_t i = 0; i < ARRAY_LEN(fields); i++)
		if (fields[i][1] && *fields[i][1])
			buf_printf(&b, "\n%s: %s", fields[i][0], fields[i][1]);
	if (drop->notes && *drop->notes)
		buf_printf(&b, "\n%s", drop->notes);
	out = arena_printf(a, "%s%s[merged from record %lld]%s", kept,
			   *kept ? "\n\n" : "", (long long)drop->id,
			   b.data ? b.data : "");
	buf_free(&b);
	return out;
}
