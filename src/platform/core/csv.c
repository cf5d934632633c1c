/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* CSV in and out (csv.h). */
#include "csv.h"
#include "core.h"

#include <csv.h>
#include <string.h>

#define CSV_MAX_FIELDS 64
#define CSV_MAX_FIELD 100000

struct reader {
	struct csv_row row;
	char *fields[CSV_MAX_FIELDS];
	size_t lens[CSV_MAX_FIELDS];
	size_t n;
	bool too_many, too_long;
	size_t line;      /* the physical line being fed */
	size_t row_start; /* where the current row began */
	bool pending;     /* a row began on an earlier line and goes on */
	bool ended;       /* a row ended in the line being fed */
	csv_row_fn fn;
	void *arg;
	int stop;
};

static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;

	if (r->n == CSV_MAX_FIELDS) {
		r->too_many = true;
		return;
	}
	if (len > CSV_MAX_FIELD)
		r->too_long = true;
	r->fields[r->n] = xmalloc(len + 1);
	if (len)
		memcpy(r->fields[r->n], s, len);
	r->fields[r->n][len] = '\0';
	r->lens[r->n++] = len;
}

static void clear(struct reader *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->fields[i]);
	r->n = 0;
	r->too_many = r->too_long = false;
}

static void on_row(int c, void *data)
{
	struct reader *r = data;

	(void)c;
	if (!r->stop) {
		r->row.line = r->row_start;
		r->row.fields = r->fields;
		r->row.lens = r->lens;
		r->row.n = r->n;
		r->row.too_many = r->too_many;
		r->row.too_long = r->too_long;
		r->stop = r->fn(r->arg, &r->row);
	}
	clear(r);
	r->pending = false;
	r->ended = true;
}

int csv_read(const char *data, size_t n, csv_row_fn fn, void *arg,
	     const char **why_r, size_t *line_r)
{
	struct csv_parser p;
	struct reader r = {.fn = fn, .arg = arg, .line = 1};
	size_t pos = 0;
	int rc = 0;

	if (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		pos = 3; /* a byte order mark, as spreadsheets write */
	if (memchr(data, '\0', n)) {
		*why_r = N_("this is not a text file (it holds NUL bytes)");
		*line_r = 0;
		return -1;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		*why_r = N_("the file is too large to read");
		*line_r = 0;
		return -1;
	}
	/* fed a line at a time, so that each row knows where it began */
	while (pos < n && !r.stop) {
		const char *nl = memchr(data + pos, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - (data + pos)) + 1 : n - pos;
		bool blank = true;

		for (size_t k = 0; k < len && blank; k++) /* not NUL-ended */
			blank = data[pos + k] == '\r' || data[pos + k] == '\n';

		if (!r.pending)
			r.row_start = r.line;
		r.ended = false;
		if (csv_parse(&p, data + pos, len, on_field, on_row, &r) != len) {
			*line_r = r.row_start;
			*why_r = csv_error(&p) == CSV_EPARSE
					 ? N_("a quote is misplaced (a cell with quotes must be "
					      "quoted whole, and a quote inside it doubled)")
					 : N_("the file is too large to read");
			rc = -1;
			break;
		}
		if (!r.ended && !blank)
			r.pending = true;
		pos += len;
		r.line++;
	}
	if (rc == 0 && !r.stop && csv_fini(&p, on_field, on_row, &r) != 0) {
		*line_r = r.row_start;
		*why_r = N_("a quoted cell is not closed before the end of the file");
		rc = -1;
	}
	clear(&r);
	csv_free(&p);
	return rc;
}

/* ---- writing ---- */

/* "+" then only digits and spaces, with a digit: a phone number. As a
 * formula it could only be a number (no name, no reference, no call,
 * no operator but the sign), so it needs no guard, and a spreadsheet
 * shows it as written instead of "'+7 ...". */
static bool plain_phone(const char *s)
{
	bool digit = false;

	if (s[0] != '+')
		return false;
	for (s++; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (*s != ' ')
			return false;
	}
	return digit;
}

void csv_put(struct buf *b, const char *s, bool last)
{
	bool quote = false;

	if (!s)
		s = "";
	/* a leading =, +, -, @ (or tab, CR) would make a formula */
	bool guard = strchr("=+-@\t\r", s[0]) && s[0] && !plain_phone(s);
	for (const char *p = s; *p && !quote; p++)
		quote = *p == ',' || *p == '"' || *p == '\n' || *p == '\r';
	if (quote || guard)
		buf_putc(b, '"');
	if (guard)
		buf_putc(b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_putc(b, '"');
		buf_putc(b, *p);
	}
	if (quote || guard)
		buf_putc(b, '"');
	buf_puts(b, last ? "\r\n" : ",");
}

const char *csv_unguard(const char *s)
{
	if (s[0] == '\'' && s[1] && strchr("=+-@\t\r", s[1]))
		return s + 1;
	return s;
}
