/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * CSV in and out, for any module's import and export. Reading is
 * libcsv's (strict mode); added here: the line each row starts on (so
 * that every refusal names it), a refusal of what is not text, and the
 * writing side: quoting, and a guard so that no cell runs as a formula
 * when the file is opened in a spreadsheet.
 */
#ifndef RUDDER_CSV_H
#define RUDDER_CSV_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

struct csv_row {
	size_t line; /* the physical line the row starts on */
	char **fields;
	size_t *lens;
	size_t n;
	bool too_many, too_long;
};
typedef int (*csv_row_fn)(void *arg, const struct csv_row *row);
/* Reads CSV text (UTF-8, an optional byte order mark, CRLF or LF, quoted
 * fields with commas, quotes and newlines); fn runs for every row, the
 * header included, and stops the reading by returning non-zero. -1 with
 * a msgid and the line (0: the whole file) when the text is not CSV. */
int csv_read(const char *data, size_t n, csv_row_fn fn, void *arg,
	     const char **why_r, size_t *line_r);
/* Appends a cell (quoted when needed; a leading = + - @ guarded by ',
 * except a "+" followed only by digits and spaces, a phone number, which
 * cannot be a formula) and "," or, for the last cell, CRLF. */
void csv_put(struct buf *b, const char *s, bool last);
/* A guarded cell as it was: "'=x" -> "=x". */
const char *csv_unguard(const char *s);

#endif
