/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The rounds table of an STV count, written out: as tab-separated values
 * in the layout of the reference counts (so a count can be compared with
 * one to the last digit), and as sentences for people.
 */
#include "votes/count.h"

#include <inttypes.h>
#include <string.h>

static const char *const action_names[STV__MAX] = {
	[STV_LOG] = "log",	     [STV_BEGIN] = "begin",
	[STV_ROUND] = "round",	     [STV_ELECT] = "elect",
	[STV_TIE] = "tie",	     [STV_UNPEND] = "unpend",
	[STV_TRANSFER] = "transfer", [STV_DEFEAT] = "defeat",
	[STV_END] = "end",
};

const char *stv_action_name(enum stv_action a)
{
	return a < STV__MAX ? action_names[a] : "?";
}

void stv_format(int64_t v, char *out)
{
	snprintf(out, 24, "%s%" PRId64 ".%05" PRId64, v < 0 ? "-" : "",
		 (v < 0 ? -v : v) / STV_UNIT, (v < 0 ? -v : v) % STV_UNIT);
}

static const char state_letter[] = {'H', 'e', 'E', 'D', 'W'};

void stv_write_tsv(const struct stv_result *r, FILE *f)
{
	const struct blt *b = r->blt;
	char q[24], nt[24], v[24];

	fputs("R\tAction\tQuota\tNon-Transferable", f);
	for (int c = 0; c < b->ncand; c++)
		if (!b->withdrawn[c])
			fprintf(f, "\t%d.name\t%d.state\t%d.vote", c + 1, c + 1,
				c + 1);
	fputc('\n', f);
	for (size_t i = 0; i < r->nrows; i++) {
		const struct stv_row *w = &r->rows[i];

		if (w->round < 0)
			fputs("X", f);
		else
			fprintf(f, "%d", w->round);
		fprintf(f, "\t%s", stv_action_name(w->action));
		if (w->action == STV_LOG || w->action == STV_ROUND) {
			fprintf(f, "\t%s\n", w->msg);
			continue;
		}
		stv_format(w->quota, q);
		stv_format(w->nontransferable, nt);
		fprintf(f, "\t%s\t%s", q, nt);
		for (int c = 0; c < b->ncand; c++) {
			if (b->withdrawn[c])
				continue;
			stv_format(w->vote[c], v);
			fprintf(f, "\t%s\t%c\t%s", b->names[c],
				state_letter[w->state[c]], v);
		}
		fputc('\n', f);
	}
}

static const char *const state_words[] = {"hopeful", "elected", "elected",
					  "excluded", "withdrawn"};

/* Everyone's votes after row w, and the non-transferable papers. */
static void standings(const struct stv_result *r, const struct stv_row *w,
		      FILE *f)
{
	const struct blt *b = r->blt;
	int width = 16; /* "non-transferable" */
	char v[24];

	for (int c = 0; c < b->ncand; c++) {
		int n = 0;
		for (const char *s = b->names[c]; *s; s++)
			n += ((unsigned char)*s & 0xC0) != 0x80;
		if (!b->withdrawn[c] && n > width)
			width = n;
	}
	for (int c = 0; c < b->ncand; c++) {
		int pad = width;
		if (b->withdrawn[c])
			continue;
		for (const char *s = b->names[c]; *s; s++)
			pad -= ((unsigned char)*s & 0xC0) != 0x80;
		stv_format(w->vote[c], v);
		fprintf(f, "  %s%*s  %14s  %s\n", b->names[c], pad, "", v,
			state_words[w->state[c]]);
	}
	stv_format(w->nontransferable, v);
	fprintf(f, "  %-*s  %14s\n", width, "non-transferable", v);
}

/* "A, B and C" */
static void names(const struct blt *b, const int *c, int n, FILE *f)
{
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ",
			b->names[c[i]]);
}

static void tie(const struct stv_result *r, const struct stv_row *w,
		enum stv_action next, FILE *f)
{
	bool defeat = next == STV_DEFEAT;

	fputs("- ", f);
	names(r->blt, w->tied, w->ntied, f);
	fprintf(f, defeat ? " are lowest with equal votes; " :
		" have equal surpluses; ");
	if (w->tie_round >= 0)
		fprintf(f, "%s had %s at round %d", r->blt->names[w->cand],
			defeat ? "the fewest votes" : "the most votes",
			w->tie_round);
	else
		fprintf(f, "they were equal at every earlier round, and the "
			   "lot falls on %s", r->blt->names[w->cand]);
	fputs(".\n", f);
}

void stv_write_text(const struct stv_result *r, FILE *f)
{
	const struct blt *b = r->blt;
	char v[24], s[24];

	fprintf(f, "Election: %s\n", b->title);
	stv_format(r->quota, v);
	fprintf(f, "Seats: %d. Valid papers: %" PRId64 ". Quota: %s.\n",
		b->seats, r->valid, v);
	if (r->rejected)
		fprintf(f, "Rejected: %" PRId64 " papers giving a first "
			   "preference to more than one candidate.\n",
			r->rejected);
	if (r->empty)
		fprintf(f, "Not counted: %" PRId64 " papers ranking no "
			   "candidate who stands.\n",
			r->empty);
	for (int c = 0; c < b->ncand; c++)
		if (b->withdrawn[c])
			fprintf(f, "Withdrawn: %s.\n", b->names[c]);
	for (size_t i = 0; i < r->nrows; i++) {
		const struct stv_row *w = &r->rows[i];
		const char *name = w->cand >= 0 ? b->names[w->cand] : "";
		bool last = i + 1 == r->nrows ||
			    r->rows[i + 1].action == STV_ROUND ||
			    r->rows[i + 1].action == STV_END;

		switch (w->action) {
		case STV_BEGIN:
			fprintf(f, "\nRound 0: first preferences.\n");
			break;
		case STV_ROUND:
			fprintf(f, "\nRound %d:\n", w->round);
			break;
		case STV_ELECT:
			stv_format(w->vote[w->cand], v);
			fprintf(f, "- %s is elected (%s).\n", name, v);
			break;
		case STV_TIE:
			tie(r, w, i + 1 < r->nrows ? r->rows[i + 1].action
						   : STV_END, f);
			break;
		case STV_UNPEND:
			stv_format(w->vote[w->cand] - w->quota, s);
			fprintf(f, "- The surplus of %s (%s) is transferred.\n",
				name, s);
			break;
		case STV_DEFEAT:
			stv_format(w->vote[w->cand], v);
			fprintf(f, "- %s is excluded (%s).\n", name, v);
			break;
		case STV_END:
			fprintf(f, "\nElected, in order of election:\n");
			for (int e = 0; e < r->nelected; e++)
				fprintf(f, "%d. %s\n", e + 1,
					b->names[r->elected[e]]);
			break;
		case STV_LOG:
		case STV_TRANSFER:
		case STV__MAX:
			break;
		}
		if (last && w->action != STV_END && w->action != STV_LOG)
			standings(r, w, f);
	}
}
