/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* libFuzzer: a BLT file through the parser and, when it is accepted,
 * the STV count. A refusal names a line within the file; a count elects
 * at most the seats, nobody twice, and never shows more votes than the
 * valid papers (truncation only loses); the file written back reads to
 * the very same rounds table. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "votes/count.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *tsv(const struct stv_result *r)
{
	char *s = NULL;
	size_t n;
	FILE *f = open_memstream(&s, &n);

	stv_write_tsv(r, f);
	fclose(f);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blt *b, *b2;
	struct stv_result *r, *r2;
	char why[256], *t1, *t2, *back = NULL, *text = NULL;
	size_t n, lines = 1;
	int line;
	FILE *f;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (blt_parse((const char *)data, size, &b, &line, why, sizeof(why)) < 0) {
		if (line < 1 || (size_t)line > lines || !why[0] || b)
			abort(); /* a refusal must say where and why */
		return 0;
	}
	r = stv_count(b);
	if (r->nelected > b->seats)
		abort();
	for (int i = 0; i < r->nelected; i++)
		for (int k = i + 1; k < r->nelected; k++)
			if (r->elected[i] == r->elected[k])
				abort();
	for (size_t i = 0; i < r->nrows; i++) {
		int64_t sum = r->rows[i].nontransferable;
		for (int c = 0; c < b->ncand; c++)
			sum += r->rows[i].vote[c];
		if (sum > r->valid * STV_UNIT)
			abort(); /* votes out of nowhere */
	}
	f = open_memstream(&text, &n);
	stv_write_text(r, f);
	fclose(f);
	f = open_memstream(&back, &n);
	blt_write(b, f);
	fclose(f);
	if (blt_parse(back, n, &b2, &line, why, sizeof(why)) < 0)
		abort(); /* we wrote what we cannot read */
	r2 = stv_count(b2);
	t1 = tsv(r);
	t2 = tsv(r2);
	if (strcmp(t1, t2) != 0)
		abort();
	free(t1);
	free(t2);
	free(text);
	free(back);
	stv_free(r);
	stv_free(r2);
	blt_free(b);
	blt_free(b2);
	return 0;
}
