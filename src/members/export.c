/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * CSV export of members: the import's columns, so that an export imports
 * again cleanly (and changes nothing). One pass over people with their
 * unions (the store's members_export_people_each); every cell written with
 * csv_put, which keeps a spreadsheet from running any of them as a
 * formula. Who may export what, and the audit entry, are the callers'
 * (the command line, the page).
 *
 * Made to open in a spreadsheet as it is: the file starts with a UTF-8
 * byte order mark (without one, Excel reads Cyrillic and Kazakh as
 * Latin-1), and a phone is written as people read it, "+7 702 555 17
 * 58": a "+" with digits and spaces, which csv_put leaves unguarded (it
 * cannot be a formula) and no spreadsheet turns into a number. The
 * import reads both back as they were.
 */
#include "internal.h"
#include "platform/platform.h"

static bool bit(const uint8_t *bits, size_t n, int64_t i)
{
	return i >= 0 && (size_t)i < n && (bits[i >> 3] >> (i & 7)) & 1;
}

struct export {
	struct arena *a;
	struct buf *out;
	bool org;
	const uint8_t *bits;
	size_t nbits;
	struct branch *branches;
	size_t nbranches;
	size_t count;
};

static bool export_wants(void *arg, int64_t branch)
{
	struct export *x = arg;

	return x->org || bit(x->bits, x->nbits, branch);
}

static int export_row(const struct person *p, const char *unions, void *arg)
{
	struct export *x = arg;
	const char *bname = "";

	for (size_t i = 0; i < x->nbranches; i++)
		if (x->branches[i].id == p->branch_id)
			bname = x->branches[i].name;
	csv_put(x->out, p->display_name, false);
	csv_put(x->out, p->legal_name, false);
	csv_put(x->out, members_phone_display(x->a, p->phone), false);
	csv_put(x->out, p->email, false);
	csv_put(x->out, p->address, false);
	csv_put(x->out, p->birth_date, false);
	csv_put(x->out, p->workplace, false);
	csv_put(x->out, bname, false);
	csv_put(x->out, unions, false);
	csv_put(x->out, members_status_name(p->status), false);
	csv_put(x->out, p->joined_on, true);
	x->count++;
	return 0;
}

int members_export_csv(struct db_conn *c, struct arena *a, bool org,
		       const uint8_t *bits, size_t nbits, struct buf *out,
		       size_t *n_r)
{
	struct export x = {.a = a, .out = out, .org = org, .bits = bits,
			   .nbits = nbits};
	int rc;

	*n_r = 0;
	if ((rc = members_branch_list(c, a, &x.branches, &x.nbranches)) !=
	    DB_OK)
		return rc;
	buf_puts(out, "\xEF\xBB\xBF"); /* UTF-8, for spreadsheets */
	for (int k = 0; k < COL__MAX; k++)
		csv_put(out, members_import_col_name(k), k == COL__MAX - 1);
	rc = members_export_people_each(c, export_wants, export_row, &x);
	*n_r = x.count;
	return rc;
}
