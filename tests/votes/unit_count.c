/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests of the STV count and the BLT parser (src/votes): every
 * reference count in tests/votes/stv agrees to the last digit, row by
 * row; the elected come out in the order the reference elects them; a
 * file written back reads to the same count; equal rankings, withdrawn
 * candidates and lots follow the Scottish rules; and every malformed
 * file is refused with its line and a reason. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/core/core.h"
#include "votes/count.h"

#define STV_DIR "tests/votes/stv"

TestSuite(votes_count);

static struct blt *parse(const char *text)
{
	struct blt *b;
	char why[256];
	int line;

	cr_assert_eq(blt_parse(text, strlen(text), &b, &line, why, sizeof(why)),
		     0, "refused at line %d: %s\n%s", line, why, text);
	return b;
}

static char *tsv(const struct stv_result *r)
{
	char *s = NULL;
	size_t n;
	FILE *f = open_memstream(&s, &n);

	stv_write_tsv(r, f);
	fclose(f);
	return s;
}

struct named {
	char *name;
	double v;
};

/* The elected of a reference count: candidates whose state turns from H
 * to e or E, row by row, within a row by vote (most first). */
static int ref_elected(const char *ref, char names[][128], int max)
{
	char *copy = xstrdup(ref), *save = NULL, *line;
	char prev[64] = {0};
	int n = 0;

	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[256];
		int nf = 0;
		for (char *p = line, *t; (t = strsep(&p, "\t")) && nf < 256;)
			f[nf++] = t;
		if (nf < 7 || strcmp(f[0], "R") == 0)
			continue;
		struct named now[64];
		int k = 0;
		for (int i = 4, c = 0; i + 2 < nf; i += 3, c++) {
			bool el = f[i + 1][0] == 'e' || f[i + 1][0] == 'E';
			if (el && prev[c] == 'H')
				now[k++] = (struct named){f[i], atof(f[i + 2])};
			prev[c] = f[i + 1][0];
		}
		for (int a = 0; a < k; a++)
			for (int b = a + 1; b < k; b++)
				if (now[b].v > now[a].v) {
					struct named t = now[a];
					now[a] = now[b];
					now[b] = t;
				}
		for (int a = 0; a < k && n < max; a++)
			snprintf(names[n++], 128, "%s", now[a].name);
	}
	free(copy);
	return n;
}

Test(votes_count, every_reference_count_agrees_to_the_last_digit)
{
	DIR *d = opendir(STV_DIR "/blt");
	struct dirent *e;
	int files = 0;

	cr_assert(d, "%s/blt is missing", STV_DIR);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name), n;
		if (len < 5 || strcmp(e->d_name + len - 4, ".blt") != 0)
			continue;
		char *bp = xasprintf(STV_DIR "/blt/%s", e->d_name);
		char *rp = xasprintf(STV_DIR "/ref/%.*s.txt", (int)len - 4,
				     e->d_name);
		char *text = file_read(bp, 1 << 24, &n);
		char *ref = file_read(rp, 1 << 24, &n);
		cr_assert(text && ref, "%s or %s unreadable", bp, rp);
		struct blt *b = parse(text);
		struct stv_result *r = stv_count(b);
		char *got = tsv(r);

		/* row by row, so a difference names its row */
		char *g = got, *w = ref;
		for (int row = 1; *g || *w; row++) {
			size_t gl = strcspn(g, "\n"), wl = strcspn(w, "\n");
			cr_assert(gl == wl && memcmp(g, w, gl) == 0,
				  "%s row %d:\n got  %.*s\n want %.*s", e->d_name,
				  row, (int)gl, g, (int)wl, w);
			g += gl + (g[gl] == '\n');
			w += wl + (w[wl] == '\n');
		}
		char want[64][128];
		int nw = ref_elected(ref, want, 64);
		cr_assert_eq(r->nelected, nw, "%s: %d elected, want %d",
			     e->d_name, r->nelected, nw);
		for (int i = 0; i < nw; i++)
			cr_assert_str_eq(b->names[r->elected[i]], want[i],
					 "%s: elected #%d", e->d_name, i + 1);
		free(got);
		stv_free(r);
		blt_free(b);
		free(text);
		free(ref);
		free(bp);
		free(rp);
		files++;
	}
	closedir(d);
	cr_assert_geq(files, 15, "only %d reference counts found", files);
}

Test(votes_count, a_written_file_reads_back_to_the_same_count)
{
	const char *files[] = {"SCw", "42t", "Hillhead-2007", "M135"};

	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		char *p = xasprintf(STV_DIR "/blt/%s.blt", files[i]);
		size_t n;
		char *text = file_read(p, 1 << 24, &n), *back = NULL;
		struct blt *b = parse(text), *b2;
		FILE *f = open_memstream(&back, &n);

		blt_write(b, f);
		fclose(f);
		b2 = parse(back);
		struct stv_result *r1 = stv_count(b), *r2 = stv_count(b2);
		char *t1 = tsv(r1), *t2 = tsv(r2);
		cr_assert_str_eq(t1, t2, "%s written back counts otherwise",
				 files[i]);
		for (int c = 0; c < b->ncand; c++)
			cr_assert_eq(b->lot[c], b2->lot[c]);
		free(t1);
		free(t2);
		stv_free(r1);
		stv_free(r2);
		blt_free(b);
		blt_free(b2);
		free(back);
		free(text);
		free(p);
	}
}

static struct stv_result *count_text(const char *text, struct blt **b)
{
	*b = parse(text);
	return stv_count(*b);
}

static const char *elected(struct stv_result *r, int i)
{
	cr_assert_lt(i, r->nelected);
	return r->blt->names[r->elected[i]];
}

/* The row after the transfer of cand's papers. */
static const struct stv_row *after_transfer(struct stv_result *r, int cand)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (r->rows[i].action == STV_TRANSFER && r->rows[i].cand == cand)
			return &r->rows[i];
	cr_assert_fail("no transfer of candidate %d", cand + 1);
	return NULL;
}

/* Rules 42 and 43: several first preferences make a paper void; a paper
 * whose next preference is shared stops there, non-transferable. A
 * withdrawn candidate is not on the paper at all. */
Test(votes_count, equal_rankings_follow_the_order)
{
	const char *names = "0\n\"A\"\n\"B\"\n\"C\"\n\"equal\"\n";
	char *text = xasprintf("3 1\n4 1=2 0\n1 3 1 = 2 0\n3 1 0\n2 2 0\n%s",
			       names);
	struct blt *b;
	struct stv_result *r = count_text(text, &b);
	const struct stv_row *w;

	cr_assert_eq(r->rejected, 4);
	cr_assert_eq(r->valid, 6);
	cr_assert_eq(r->quota, 4 * STV_UNIT); /* 6 / 2 + 1 */
	w = after_transfer(r, 2);	      /* C out first, with 1 */
	cr_assert_eq(w->nontransferable, 1 * STV_UNIT,
		     "C's paper should stop at the shared preference");
	cr_assert_eq(w->vote[0], 3 * STV_UNIT);
	cr_assert_eq(w->vote[1], 2 * STV_UNIT);
	cr_assert_str_eq(elected(r, 0), "A");
	stv_free(r);
	blt_free(b);
	free(text);

	/* B withdrawn: "1 = 2" leaves A alone at that preference */
	text = xasprintf("3 1\n-2\n4 1=2 0\n1 3 1=2 0\n3 1 0\n2 2 0\n%s",
			 names);
	r = count_text(text, &b);
	cr_assert_eq(r->rejected, 0);
	cr_assert_eq(r->empty, 2); /* "2 2 0": only B */
	cr_assert_eq(r->valid, 8);
	cr_assert_eq(r->rows[r->nrows - 1].vote[0], 7 * STV_UNIT);
	cr_assert_str_eq(elected(r, 0), "A");
	stv_free(r);
	blt_free(b);
	free(text);
}

/* Equal at every stage: the lot falls in the file's [tie] order, or the
 * candidates' order without one, and the TIE row says so. */
Test(votes_count, lots_fall_in_the_given_order)
{
	const char *body = "2 1 0\n2 2 0\n3 3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n";
	char *plain = xasprintf("3 1\n%s", body);
	char *tie = xasprintf("3 1\n[tie 2 3 1]\n%s", body);
	struct blt *b;
	struct stv_result *r = count_text(plain, &b);
	const struct stv_row *w = NULL;

	for (size_t i = 0; i < r->nrows && !w; i++)
		if (r->rows[i].action == STV_TIE)
			w = &r->rows[i];
	cr_assert(w, "no tie row");
	cr_assert_eq(w->cand, 0);
	cr_assert_eq(w->ntied, 2);
	cr_assert_eq(w->tie_round, -1);
	cr_assert_eq(r->rows[(size_t)(w - r->rows) + 1].action, STV_DEFEAT);
	cr_assert_eq(r->rows[(size_t)(w - r->rows) + 1].cand, 0);
	stv_free(r);
	blt_free(b);
	r = count_text(tie, &b);
	cr_assert(b->lot_given);
	for (size_t i = 0; i < r->nrows; i++)
		if (r->rows[i].action == STV_DEFEAT) {
			cr_assert_eq(r->rows[i].cand, 1, "B falls first by lot");
			break;
		}
	stv_free(r);
	blt_free(b);
	free(plain);
	free(tie);
}

/* A file with no valid paper, or fewer standing than seats, still
 * counts: the last seats go to whoever is left. */
Test(votes_count, odd_but_valid_elections)
{
	struct blt *b;
	struct stv_result *r =
		count_text("\xEF\xBB\xBF# a comment\n3 2\n-1 -2\n0\n\"A\"\n"
			   "\"B\"\n\"C\"\n\"all but one withdrawn\"\n", &b);

	cr_assert_eq(r->valid, 0);
	cr_assert_eq(r->nelected, 1);
	cr_assert_str_eq(elected(r, 0), "C");
	stv_free(r);
	blt_free(b);
	r = count_text("2 1\n1000000000 1 2 0\n999999999 2 0\n0\n\"Big\"\n"
		       "\"Bigger\"\n\"weights\" trailing notes\nmore\n", &b);
	cr_assert_eq(r->quota, (1999999999LL / 2 + 1) * STV_UNIT);
	cr_assert_str_eq(elected(r, 0), "Big");
	stv_free(r);
	blt_free(b);
}

Test(votes_count, malformed_files_name_their_line)
{
	static const struct {
		const char *text;
		int line;
		const char *why;
	} bad[] = {
		{"", 1, "empty"},
		{"\n\n  \n", 4, "empty"},
		{"3\n", 1, "number of seats"},
		{"3 two\n", 1, "number of seats"},
		{"3 2 1\n", 1, "only"},
		{"0 0\n", 1, "candidates must be between"},
		{"3 4\n", 1, "seats must be between"},
		{"1001 1\n", 1, "candidates must be between"},
		{"99999999999999 1\n", 1, "too large"},
		{"3 1\n1 1 2 0\n", 3, "ends before the line '0'"},
		{"3 1\n1 1 2\n0\n", 2, "does not end with 0"},
		{"3 1\n1 1 4 0\n0\n", 2, "no candidate 4"},
		{"3 1\n1 1 1 0\n0\n", 2, "ranked twice"},
		{"3 1\n1 =1 0\n0\n", 2, "'='"},
		{"3 1\n1 1= 0\n0\n", 2, "'='"},
		{"3 1\n1 1==2 0\n0\n", 2, "'='"},
		{"3 1\n1.5 1 0\n0\n", 2, "whole number"},
		{"3 1\n1 1 0 2\n0\n", 2, "after the ballot's closing 0"},
		{"3 1\n0 1 0\n0\n", 2, "at least 1"},
		{"3 1\n1 1 0\n-2\n0\n", 3, "weight"},
		{"3 1\n-2 3\n", 2, "negative"},
		{"3 1\n-2 -2\n", 2, "withdrawn twice"},
		{"3 1\n-4\n", 2, "no candidate 4"},
		{"3 1\n[rule meek]\n", 2, "only option"},
		{"3 1\n[tie 1 2]\n", 2, "every candidate"},
		{"3 1\n[tie 1 1 2]\n", 2, "twice"},
		{"3 1\n[tie 1 2 3\n", 2, "']'"},
		{"3 1\n[tie 1 2 3]\n[tie 1 2 3]\n", 3, "second"},
		{"3 1\n1 1 0\n0\n\"A\"\n\"B\"\n", 6, "candidate 3"},
		{"3 1\n1 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n", 7, "title"},
		{"3 1\n1 1 0\n0\n\"A\"\nB\n", 5, "double quotes"},
		{"3 1\n1 1 0\n0\n\"A\"\n\"B\n", 5, "closing quote"},
		{"3 1\n1 1 0\n0\n\"A\"\n\"\"\n", 5, "empty"},
		{"3 1\n1 1 0\n0\n\"A\"\n\"\xff\"\n", 5, "UTF-8"},
		{"3 1\n1 1 0\n0\n\"A\"\n\"a\tb\"\n", 5, "UTF-8"},
		{"3 1\n1000000000000 1 0\n1 2 0\n0\n", 3, "more than"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct blt *b = (void *)1;
		char why[256];
		int line = -1;
		size_t len = strlen(bad[i].text);

		cr_assert_eq(blt_parse(bad[i].text, len, &b, &line, why,
				       sizeof(why)),
			     -1, "accepted #%zu: %s", i, bad[i].text);
		cr_assert_null(b);
		cr_assert_eq(line, bad[i].line, "#%zu: line %d, want %d (%s)",
			     i, line, bad[i].line, why);
		cr_assert(strstr(why, bad[i].why), "#%zu: \"%s\" lacks \"%s\"",
			  i, why, bad[i].why);
	}
	{
		struct blt *b;
		char why[256];
		int line;

		cr_assert_eq(blt_parse("3 1\n1 1\0 0\n", 11, &b, &line, why,
				       sizeof(why)), -1);
		cr_assert_eq(line, 2);
		cr_assert(strstr(why, "NUL"), "%s", why);
	}
}
