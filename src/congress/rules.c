/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The congress's rules that need neither the database nor HTTP: a
 * motion's lines (its Markdown wrapped once, when saved, so that line n
 * is the same everywhere), amendments to line ranges (checked, found in
 * conflict, applied), as docs/congress.md ("The amendment model") says.
 */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- lines ---- */

/* Would a line starting at s open a block of its own (and so break the
 * paragraph it was meant to continue)? */
static bool starts_block(const char *s)
{
	const char *p = s;

	if (*s == '#' || *s == '>' || *s == '|' || *s == '<')
		return true;
	if (strncmp(s, "```", 3) == 0 || strncmp(s, "~~~", 3) == 0)
		return true;
	if ((*s == '-' || *s == '+' || *s == '*' || *s == '=') &&
	    (s[1] == ' ' || s[1] == '\0' || s[1] == '\n' || s[1] == *s))
		return true;
	while (isdigit((unsigned char)*p))
		p++;
	return p > s && p - s <= 9 && (*p == '.' || *p == ')') &&
	       (p[1] == ' ' || p[1] == '\0' || p[1] == '\n');
}

/* How far a line's continuation is indented to stay in its block: a
 * list item's content offset ("- ", "12. "), a quote's "> ", else the
 * line's own leading spaces. */
static size_t continuation(const char *line, const char **prefix_r)
{
	const char *p = line;
	size_t lead;

	*prefix_r = NULL;
	while (*p == ' ')
		p++;
	lead = (size_t)(p - line);
	if (*p == '>') {
		*prefix_r = "> ";
		return 0;
	}
	if ((*p == '-' || *p == '+' || *p == '*') && p[1] == ' ')
		return lead + 2;
	{
		const char *q = p;
		while (isdigit((unsigned char)*q))
			q++;
		/* CommonMark's ordered list: at most nine digits */
		if (q > p && q - p <= 9 && (*q == '.' || *q == ')') && q[1] == ' ')
			return lead + (size_t)(q - p) + 2;
	}
	return lead;
}

/* Never wrapped: a heading, a table row, a thematic break, HTML, code. */
static bool keep_whole(const char *line)
{
	const char *p = line;

	while (*p == ' ')
		p++;
	if (p - line >= 4 || *p == '#' || *p == '|' || *p == '<')
		return true;
	if ((*p == '-' || *p == '*' || *p == '_') && p[1] == p[0] && p[2] == p[0])
		return true;
	return false;
}

/* Widths count characters, not bytes: a line of Cyrillic wraps where a
 * line of Latin does. */
static size_t chars(const char *p, const char *end)
{
	size_t n = 0;

	for (; p < end; p++)
		n += ((unsigned char)*p & 0xC0) != 0x80;
	return n;
}

/* The place n characters after p (end at most). */
static const char *ahead(const char *p, const char *end, size_t n)
{
	while (p < end && n) {
		p++;
		while (p < end && ((unsigned char)*p & 0xC0) == 0x80)
			p++;
		n--;
	}
	return p;
}

/* Appends line, wrapped at width characters (its continuation indented
 * to stay in its block; never a break before a word that would open a
 * block). */
static void wrap_line(struct buf *out, const char *line, size_t len,
		      size_t width)
{
	const char *prefix;
	size_t indent = continuation(line, &prefix);
	size_t pre = indent + (prefix ? strlen(prefix) : 0);
	size_t room = width; /* on the first line; the rest less their indent */
	const char *p = line, *end = line + len;

	/* never a break in the line's indentation or after its marker */
	size_t from = indent + (prefix ? strlen(prefix) : 0) + 1;

	/* indented nearly as far as the width: left whole */
	if (pre + 20 > width) {
		buf_append(out, line, len);
		return;
	}
	while (chars(p, end) > room) {
		const char *cut = NULL, *limit = ahead(p, end, room);
		/* the last space within room whose next word opens no block */
		for (const char *q = ahead(p, end, from); q <= limit && q < end; q++)
			if (*q == ' ' && q + 1 < end && !isblank((unsigned char)q[1]) &&
			    !starts_block(q + 1))
				cut = q;
		/* a word longer than the room: the break comes after it */
		for (const char *q = ahead(p, end, room > from ? room : from); !cut && q < end;
		     q++)
			if (*q == ' ' && q + 1 < end && !isblank((unsigned char)q[1]) &&
			    !starts_block(q + 1))
				cut = q;
		if (!cut)
			break;
		{
			/* no blank at the end of the piece (a second wrap
			 * would take it off, and the lines would move) */
			const char *e = cut;
			while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			buf_append(out, p, (size_t)(e - p));
		}
		buf_putc(out, '\n');
		if (prefix)
			buf_puts(out, prefix);
		for (size_t i = 0; i < indent; i++)
			buf_putc(out, ' ');
		p = cut + 1;
		/* a continuation's indent counts in its width, as it will
		 * when the line is read again */
		room = width > pre ? width - pre : 1;
		from = 1;
	}
	buf_append(out, p, (size_t)(end - p));
}

char *congress_wrap(struct arena *a, const char *text, size_t width)
{
	struct buf out;
	bool fence = false;
	char *res, *norm = arena_strdup(a, text), *w = norm;
	const char *p = norm;

	/* line endings as Markdown reads them: CR LF and a lone CR are LF */
	for (const char *r = text; *r; r++)
		if (*r == '\r')
			*w++ = '\n', r += r[1] == '\n';
		else
			*w++ = *r;
	*w = '\0';

	buf_init(&out);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *t = p;

		/* no carriage returns, no trailing blanks */
		while (len && (p[len - 1] == '\r' || p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		while (*t == ' ')
			t++;
		if (strncmp(t, "```", 3) == 0 || strncmp(t, "~~~", 3) == 0) {
			buf_append(&out, p, len);
			fence = !fence;
		} else if (fence || chars(p, p + len) <= width || keep_whole(p)) {
			buf_append(&out, p, len);
		} else {
			wrap_line(&out, p, len, width);
		}
		buf_putc(&out, '\n');
		p = nl ? nl + 1 : p + strlen(p);
	}
	/* no blank lines at the end */
	while (out.len && out.data[out.len - 1] == '\n')
		out.len--;
	res = arena_strndup(a, out.data ? out.data : "", out.len);
	buf_free(&out);
	return res;
}

size_t congress_lines(struct arena *a, const char *text, const char ***lines_r)
{
	size_t n = 0, cap = 16;
	const char **v = arena_alloc(a, cap * sizeof(*v));
	const char *p = text;

	if (!*text) {
		*lines_r = v;
		return 0;
	}
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (n == cap) {
			const char **w = arena_alloc(a, cap * 2 * sizeof(*w));
			memcpy(w, v, cap * sizeof(*v));
			v = w;
			cap *= 2;
		}
		v[n++] = arena_strndup(a, p, len);
		if (!nl)
			break;
		p = nl + 1;
	}
	*lines_r = v;
	return n;
}

/* ---- amendments ---- */

static const char *const op_names[] = {"replace", "insert", "delete"};

int congress_amend_op(const char *name)
{
	for (int i = 0; i < 3; i++)
		if (name && strcmp(name, op_names[i]) == 0)
			return i;
	return -1;
}

const char *congress_amend_op_name(int op)
{
	return op >= 0 && op < 3 ? op_names[op] : "";
}

const char *congress_amend_check(const struct amend *m, size_t nlines,
				 const char **field_r)
{
	*field_r = "op";
	if (m->op < 0)
		return N_("is not replace, insert or delete");
	if (m->op == AMEND_INSERT) {
		*field_r = "first_line";
		if (m->first > (int64_t)nlines || m->first < 0 || m->last != m->first)
			return N_("names a line the motion does not have");
	} else {
		*field_r = m->first < 1 || m->first > (int64_t)nlines ? "first_line"
									: "last_line";
		if (m->first < 1 || m->first > (int64_t)nlines || m->last < m->first ||
		    m->last > (int64_t)nlines)
			return N_("names a line the motion does not have");
	}
	*field_r = "new_text";
	if (m->op == AMEND_DELETE && m->text && *m->text)
		return N_("must be empty to delete lines");
	if (m->op != AMEND_DELETE && (!m->text || !*m->text))
		return N_("is required to replace or insert");
	return NULL;
}

bool congress_amend_conflict(const struct amend *a, const struct amend *b)
{
	if (a->op == AMEND_INSERT && b->op == AMEND_INSERT)
		return a->first == b->first;
	if (a->op == AMEND_INSERT)
		return b->first <= a->first && a->first <= b->last;
	if (b->op == AMEND_INSERT)
		return a->first <= b->first && b->first <= a->last;
	return a->first <= b->last && b->first <= a->last;
}

static int by_first_desc(const void *x, const void *y)
{
	const struct amend *a = x, *b = y;

	if (a->first != b->first)
		return a->first < b->first ? 1 : -1;
	return 0;
}

char *congress_apply(struct arena *a, const char *text, const struct amend *ms,
		     size_t n, size_t width)
{
	const char **lines;
	size_t nl = congress_lines(a, text, &lines);
	struct amend *sorted = arena_alloc(a, (n + 1) * sizeof(*sorted));
	bool *gone = arena_alloc(a, (nl + 2) * sizeof(*gone));
	const char **after = arena_alloc(a, (nl + 2) * sizeof(*after));
	const char **instead = arena_alloc(a, (nl + 2) * sizeof(*instead));
	struct buf out;
	char *res;

	memset(gone, 0, (nl + 2) * sizeof(*gone));
	memset(after, 0, (nl + 2) * sizeof(*after));
	memset(instead, 0, (nl + 2) * sizeof(*instead));
	if (n) { /* none: ms may be NULL */
		memcpy(sorted, ms, n * sizeof(*ms));
		qsort(sorted, n, sizeof(*sorted), by_first_desc);
	}
	/* adopted amendments never overlap (congress_amend_conflict); each
	 * marks its lines gone, and what comes in their place */
	for (size_t i = 0; i < n; i++) {
		const struct amend *m = &sorted[i];
		const char *field;
		/* one written against other lines (another version) is no
		 * amendment of these: left out, never written past the end */
		if (congress_amend_check(m, nl, &field))
			continue;
		if (m->op == AMEND_INSERT) {
			after[m->first] = m->text;
			continue;
		}
		for (int64_t l = m->first; l <= m->last; l++)
			gone[l] = true;
		if (m->op == AMEND_REPLACE)
			instead[m->first] = m->text;
	}
	buf_init(&out);
	if (after[0])
		buf_printf(&out, "%s\n", after[0]);
	for (size_t l = 1; l <= nl; l++) {
		if (instead[l])
			buf_printf(&out, "%s\n", instead[l]);
		if (!gone[l])
			buf_printf(&out, "%s\n", lines[l - 1]);
		if (after[l])
			buf_printf(&out, "%s\n", after[l]);
	}
	res = arena_strndup(a, out.data ? out.data : "", out.len);
	buf_free(&out);
	return congress_wrap(a, res, width);
}

/* ---- workflows ---- */

/* A motion: submitted → admitted (numbered) → debated → one outcome;
 * withdrawn, referred or rejected on the way; an outcome set by mistake
 * goes back to debated (its history keeps both). */
static const char *const motion_moves[][2] = {
	{"submitted", "admitted"},	 {"submitted", "rejected"},
	{"submitted", "withdrawn"},	 {"submitted", "referred"},
	{"admitted", "debated"},	 {"admitted", "adopted"},
	{"admitted", "adopted_amended"}, {"admitted", "rejected"},
	{"admitted", "withdrawn"},	 {"admitted", "referred"},
	{"debated", "adopted"},		 {"debated", "adopted_amended"},
	{"debated", "rejected"},	 {"debated", "withdrawn"},
	{"debated", "referred"},	 {"adopted", "debated"},
	{"adopted_amended", "debated"},	 {"rejected", "debated"},
	{"referred", "debated"},	 {"rejected", "admitted"},
};
static const char *const amendment_moves[][2] = {
	{"submitted", "admitted"}, {"submitted", "rejected"},
	{"submitted", "withdrawn"}, {"admitted", "adopted"},
	{"admitted", "rejected"},  {"admitted", "withdrawn"},
	{"adopted", "admitted"},   {"rejected", "admitted"},
};

static bool move_in(const char *const (*moves)[2], size_t n, const char *from,
		    const char *to)
{
	for (size_t i = 0; i < n; i++)
		if (from && to && strcmp(moves[i][0], from) == 0 &&
		    strcmp(moves[i][1], to) == 0)
			return true;
	return false;
}

bool congress_motion_move_ok(const char *from, const char *to)
{
	return move_in(motion_moves, ARRAY_LEN(motion_moves), from, to);
}

bool congress_amendment_move_ok(const char *from, const char *to)
{
	return move_in(amendment_moves, ARRAY_LEN(amendment_moves), from, to);
}

bool congress_motion_final(const char *state)
{
	return strcmp(state, "submitted") && strcmp(state, "admitted") &&
	       strcmp(state, "debated");
}

static const char *label_of(const char *const (*names)[2], size_t n,
			    const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (name && strcmp(names[i][0], name) == 0)
			return names[i][1];
	return name ? name : "";
}

const char *congress_motion_state_label(const char *state)
{
	static const char *const labels[][2] = {
		{"submitted", N_("Submitted")},
		{"admitted", N_("Admitted")},
		{"debated", N_("In debate")},
		{"adopted", N_("Adopted")},
		{"adopted_amended", N_("Adopted as amended")},
		{"rejected", N_("Rejected")},
		{"withdrawn", N_("Withdrawn")},
		{"referred", N_("Referred")},
	};
	return label_of(labels, ARRAY_LEN(labels), state);
}

const char *congress_motion_kind_label(const char *kind)
{
	static const char *const labels[][2] = {
		{"motion", N_("Motion")},
		{"resolution", N_("Resolution")},
		{"programme", N_("Programme chapter")},
		{"statute", N_("Statute change")},
	};
	return label_of(labels, ARRAY_LEN(labels), kind);
}

const char *congress_amendment_state_label(const char *state)
{
	static const char *const labels[][2] = {
		{"submitted", N_("Submitted")}, {"admitted", N_("Admitted")},
		{"adopted", N_("Adopted")},	{"rejected", N_("Rejected")},
		{"withdrawn", N_("Withdrawn")},
	};
	return label_of(labels, ARRAY_LEN(labels), state);
}

struct amend congress_amend_of(const struct amendment *am)
{
	return (struct amend){.op = congress_amend_op(am->op),
			      .first = am->first_line,
			      .last = am->last_line,
			      .text = am->new_text};
}

int64_t congress_spoken(const struct speaker *s, int64_t now)
{
	int64_t end = s->ended_at ? s->ended_at : s->paused_at ? s->paused_at : now;
	int64_t t = s->started_at ? end - s->started_at - s->paused_seconds : 0;

	return t > 0 ? t : 0;
}
