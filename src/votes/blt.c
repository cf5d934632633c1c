/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The BLT ballot format (docs/votes.md), read and written by hand: no
 * Debian library reads it. A file is
 *
 *     CANDIDATES SEATS
 *     -3 -7                    (optional: withdrawn candidates)
 *     [tie 3 2 1]              (optional: the order in which lots fall)
 *     WEIGHT PREF PREF=PREF … 0   (one line per ballot, = ranks equal)
 *     0
 *     "name" …                 (one quoted name per candidate)
 *     "title"
 *     …                        (anything after the title is not read)
 *
 * with an optional UTF-8 byte-order mark and # comments. Anything else
 * is refused with its line and a reason; nothing is guessed.
 */
#include "votes/count.h"
#include "platform/core/core.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_BYTES 500

struct parser {
	const char *s, *end;
	int line;
	int *line_r;
	char *why;
	size_t why_cap;
};

static int fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	*p->line_r = p->line;
	va_start(ap, fmt);
	vsnprintf(p->why, p->why_cap, fmt, ap);
	va_end(ap);
	return -1;
}

static bool at_eol(const struct parser *p)
{
	return p->s >= p->end || *p->s == '\n' || *p->s == '#';
}

static void skip_blanks(struct parser *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\r'))
		p->s++;
}

/* Past the end of this line (a comment included). */
static void next_line(struct parser *p)
{
	const char *nl = memchr(p->s, '\n', (size_t)(p->end - p->s));

	p->s = nl ? nl + 1 : p->end;
	if (nl)
		p->line++;
}

/* Skips blank and comment lines; false at the end of the file. */
static bool next_content(struct parser *p)
{
	for (;;) {
		skip_blanks(p);
		if (p->s >= p->end)
			return false;
		if (!at_eol(p))
			return true;
		next_line(p);
	}
}

/* A whole number of at most 13 digits at p->s. */
static int number(struct parser *p, int64_t *v, const char *what)
{
	int64_t n = 0;
	int digits = 0;

	while (p->s < p->end && *p->s >= '0' && *p->s <= '9') {
		if (++digits > 13)
			return fail(p, "%s is too large", what);
		n = n * 10 + (*p->s++ - '0');
	}
	if (!digits) {
		if (p->s >= p->end || *p->s == '\n')
			return fail(p, "expected %s, found the end of the line",
				    what);
		return fail(p, "expected %s, found '%c'", what,
			    *p->s >= ' ' && *p->s < 127 ? *p->s : '?');
	}
	if (p->s < p->end && !strchr(" \t\r\n#=]", *p->s))
		return fail(p, "%s must be a whole number", what);
	*v = n;
	return 0;
}

static int header(struct parser *p, struct blt *b)
{
	int64_t n, s;

	if (!next_content(p))
		return fail(p, "the file is empty; it should begin with "
			       "'CANDIDATES SEATS'");
	if (number(p, &n, "the number of candidates") < 0)
		return -1;
	skip_blanks(p);
	if (number(p, &s, "the number of seats") < 0)
		return -1;
	skip_blanks(p);
	if (!at_eol(p))
		return fail(p, "the first line should hold only 'CANDIDATES "
			       "SEATS'");
	if (n < 1 || n > BLT_MAX_CANDIDATES)
		return fail(p, "the number of candidates must be between 1 "
			       "and %d", BLT_MAX_CANDIDATES);
	if (s < 1 || s > n)
		return fail(p, "the number of seats must be between 1 and the "
			       "number of candidates (%lld)", (long long)n);
	b->ncand = (int)n;
	b->seats = (int)s;
	b->names = xcalloc((size_t)n, sizeof(*b->names));
	b->withdrawn = xcalloc((size_t)n, sizeof(*b->withdrawn));
	b->lot = xcalloc((size_t)n, sizeof(*b->lot));
	for (int i = 0; i < b->ncand; i++)
		b->lot[i] = i;
	next_line(p);
	return 0;
}

/* A candidate's number, 1 ... ncand, as a 0-based index. */
static int candidate(struct parser *p, const struct blt *b, int *c)
{
	int64_t v;

	if (number(p, &v, "a candidate's number") < 0)
		return -1;
	if (v < 1 || v > b->ncand)
		return fail(p, "there is no candidate %lld (the file has %d)",
			    (long long)v, b->ncand);
	*c = (int)v - 1;
	return 0;
}

static int withdrawn(struct parser *p, struct blt *b)
{
	while (!at_eol(p)) {
		int c;

		if (*p->s != '-')
			return fail(p, "a line of withdrawn candidates holds "
				       "only negative numbers");
		p->s++;
		if (candidate(p, b, &c) < 0)
			return -1;
		if (b->withdrawn[c])
			return fail(p, "candidate %d is withdrawn twice", c + 1);
		b->withdrawn[c] = true;
		skip_blanks(p);
	}
	next_line(p);
	return 0;
}

static int option(struct parser *p, struct blt *b, int *seen)
{
	int placed = 0;

	if (p->end - p->s < 5 || memcmp(p->s, "[tie", 4) != 0 ||
	    !strchr(" \t", p->s[4]))
		return fail(p, "the only option rudder reads is [tie ...]; "
			       "it counts by the Scottish rules");
	if (b->lot_given)
		return fail(p, "a second [tie] line");
	p->s += 4;
	for (;;) {
		int c;

		skip_blanks(p);
		if (p->s < p->end && *p->s == ']')
			break;
		if (at_eol(p))
			return fail(p, "the [tie] line does not end with ']'");
		if (candidate(p, b, &c) < 0)
			return -1;
		if (seen[c])
			return fail(p, "candidate %d is twice in the [tie] line",
				    c + 1);
		seen[c] = 1;
		b->lot[c] = placed++;
	}
	if (placed != b->ncand)
		return fail(p, "the [tie] line must name every candidate once "
			       "(it names %d of %d)", placed, b->ncand);
	p->s++;
	skip_blanks(p);
	if (!at_eol(p))
		return fail(p, "text after the [tie] line's ']'");
	b->lot_given = true;
	next_line(p);
	return 0;
}

/* One ballot line; *done when it is the closing "0". */
static int ballot(struct parser *p, struct blt *b, int *stamp, size_t *cap_l,
		  size_t *cap_r, int64_t *papers, bool *done)
{
	int64_t w;
	bool eq = false;
	struct blt_line *l;

	if (number(p, &w, "a ballot's weight") < 0)
		return -1;
	skip_blanks(p);
	if (w == 0) {
		if (!at_eol(p))
			return fail(p, "a ballot's weight must be at least 1 "
				       "(a line '0' alone ends the ballots)");
		*done = true;
		next_line(p);
		return 0;
	}
	if (*papers + w > BLT_MAX_PAPERS)
		return fail(p, "more than %lld ballots", BLT_MAX_PAPERS);
	*papers += w;
	if (b->nlines == *cap_l) {
		*cap_l = *cap_l ? *cap_l * 2 : 64;
		b->lines = xrealloc(b->lines, *cap_l * sizeof(*b->lines));
	}
	l = &b->lines[b->nlines];
	l->weight = w;
	l->off = (uint32_t)b->nranks;
	l->n = 0;
	for (;;) {
		int c;

		skip_blanks(p);
		if (at_eol(p))
			return fail(p, "the ballot does not end with 0");
		if (*p->s == '=') {
			if (eq || l->n == 0)
				return fail(p, "'=' must stand between two "
					       "candidates");
			eq = true;
			p->s++;
			continue;
		}
		if (*p->s == '0' && (p->s + 1 >= p->end ||
				     !(p->s[1] >= '0' && p->s[1] <= '9'))) {
			p->s++;
			if (eq)
				return fail(p, "'=' must stand between two "
					       "candidates");
			skip_blanks(p);
			if (!at_eol(p))
				return fail(p, "text after the ballot's "
					       "closing 0");
			break;
		}
		if (candidate(p, b, &c) < 0)
			return -1;
		if (stamp[c] == p->line)
			return fail(p, "candidate %d is ranked twice", c + 1);
		stamp[c] = p->line;
		if (b->nranks == *cap_r) {
			*cap_r = *cap_r ? *cap_r * 2 : 256;
			b->ranks = xrealloc(b->ranks, *cap_r * sizeof(*b->ranks));
		}
		b->ranks[b->nranks++] = c | (eq ? BLT_EQUAL : 0);
		l->n++;
		eq = false;
	}
	b->nlines++;
	next_line(p);
	return 0;
}

/* A quoted string: the next one in the file, maybe on a later line. */
static int quoted(struct parser *p, char **out, const char *what)
{
	const char *start, *q;

	if (!next_content(p))
		return fail(p, "the file ends before %s", what);
	if (*p->s != '"')
		return fail(p, "expected %s in double quotes", what);
	start = ++p->s;
	q = start;
	while (q < p->end && *q != '"' && *q != '\n')
		q++;
	if (q >= p->end || *q != '"')
		return fail(p, "%s has no closing quote on its line", what);
	if (q == start)
		return fail(p, "%s is empty", what);
	if ((size_t)(q - start) > NAME_MAX_BYTES)
		return fail(p, "%s is longer than %d bytes", what,
			    NAME_MAX_BYTES);
	if (!text_is_line(start, (size_t)(q - start)))
		return fail(p, "%s is not UTF-8 text", what);
	*out = xstrndup(start, (size_t)(q - start));
	p->s = q + 1;
	return 0;
}

int blt_parse(const char *data, size_t len, struct blt **r, int *line_r,
	      char *why, size_t why_cap)
{
	struct parser p = {data, data + len, 1, line_r, why, why_cap};
	struct blt *b = xcalloc(1, sizeof(*b));
	int *stamp = NULL, *seen = NULL;
	size_t cap_l = 0, cap_r = 0;
	int64_t papers = 0;
	bool done = false, ballots = false;
	char what[64];

	*r = NULL;
	*line_r = 0;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		p.s += 3;
	if (memchr(data, '\0', len)) {
		p.s = memchr(data, '\0', len);
		p.line = 1;
		for (const char *q = data; q < p.s; q++)
			p.line += *q == '\n';
		fail(&p, "a NUL byte: this is not a BLT file");
		goto fail;
	}
	if (header(&p, b) < 0)
		goto fail;
	stamp = xcalloc((size_t)b->ncand, sizeof(*stamp));
	seen = xcalloc((size_t)b->ncand, sizeof(*seen));
	while (!done) {
		if (!next_content(&p)) {
			fail(&p, "the file ends before the line '0' that "
				 "closes the ballots");
			goto fail;
		}
		if (*p.s == '-' && !ballots) {
			if (withdrawn(&p, b) < 0)
				goto fail;
		} else if (*p.s == '[' && !ballots) {
			if (option(&p, b, seen) < 0)
				goto fail;
		} else {
			ballots = true;
			if (ballot(&p, b, stamp, &cap_l, &cap_r, &papers,
				   &done) < 0)
				goto fail;
		}
	}
	for (int i = 0; i < b->ncand; i++) {
		snprintf(what, sizeof(what), "the name of candidate %d", i + 1);
		if (quoted(&p, &b->names[i], what) < 0)
			goto fail;
	}
	if (quoted(&p, &b->title, "the election's title") < 0)
		goto fail;
	/* what follows the title (a source, notes, the first preferences
	 * as the file's author counted them) is the author's, not ours */
	free(stamp);
	free(seen);
	*r = b;
	return 0;
fail:
	free(stamp);
	free(seen);
	blt_free(b);
	return -1;
}

void blt_free(struct blt *b)
{
	if (!b)
		return;
	for (int i = 0; i < b->ncand && b->names; i++)
		free(b->names[i]);
	free(b->names);
	free(b->title);
	free(b->withdrawn);
	free(b->lot);
	free(b->lines);
	free(b->ranks);
	free(b);
}

void blt_write(const struct blt *b, FILE *f)
{
	bool any = false, lot_plain = true;

	fprintf(f, "%d %d\n", b->ncand, b->seats);
	for (int i = 0; i < b->ncand; i++)
		if (b->withdrawn[i]) {
			fprintf(f, "%s-%d", any ? " " : "", i + 1);
			any = true;
		}
	if (any)
		fputc('\n', f);
	for (int i = 0; i < b->ncand; i++)
		lot_plain &= b->lot[i] == i;
	if (!lot_plain) {
		int *by = xmalloc((size_t)b->ncand * sizeof(*by));
		for (int i = 0; i < b->ncand; i++)
			by[b->lot[i]] = i;
		fputs("[tie", f);
		for (int i = 0; i < b->ncand; i++)
			fprintf(f, " %d", by[i] + 1);
		fputs("]\n", f);
		free(by);
	}
	for (size_t i = 0; i < b->nlines; i++) {
		const struct blt_line *l = &b->lines[i];
		fprintf(f, "%lld", (long long)l->weight);
		for (uint32_t k = 0; k < l->n; k++) {
			int32_t c = b->ranks[l->off + k];
			fprintf(f, "%s%d", c & BLT_EQUAL ? "=" : " ",
				(c & ~BLT_EQUAL) + 1);
		}
		fputs(" 0\n", f);
	}
	fputs("0\n", f);
	for (int i = 0; i < b->ncand; i++)
		fprintf(f, "\"%s\"\n", b->names[i]);
	fprintf(f, "\"%s\"\n", b->title);
}
