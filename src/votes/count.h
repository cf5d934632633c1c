/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * votes: counting an election by single transferable vote, in plain C
 * that knows nothing of HTTP or SQL. A BLT file (or a closed ranked
 * poll, written as one) is parsed into a struct blt; stv_count counts it
 * by the Scottish rules (The Scottish Local Government Elections Order
 * 2007, docs/votes.md) in fixed point, and keeps every action of the
 * count as a row of the rounds table.
 */
#ifndef RUDDER_VOTES_COUNT_H
#define RUDDER_VOTES_COUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Votes are integers in units of 1/100,000 of a vote. */
#define STV_UNIT 100000

/* The largest election rudder counts. */
#define BLT_MAX_CANDIDATES 1000
#define BLT_MAX_PAPERS 1000000000000LL /* the sum of the weights */

/* One ballot line: weight papers ranking ranks[off .. off + n). A rank
 * with BLT_EQUAL set is ranked equal with the one before it. */
#define BLT_EQUAL 0x40000000
struct blt_line {
	int64_t weight;
	uint32_t off, n;
};

struct blt {
	int ncand, seats;
	char **names; /* ncand, as written in the file (UTF-8) */
	char *title;
	bool *withdrawn; /* ncand */
	int *lot;	 /* ncand: place in the order of lots (0 drawn first) */
	bool lot_given;	 /* the file has a [tie ...] line */
	struct blt_line *lines;
	size_t nlines;
	int32_t *ranks; /* 0-based candidates, maybe | BLT_EQUAL */
	size_t nranks;
};

/* Parses a BLT file's bytes. On success *r is set (blt_free it) and 0
 * returned; on refusal -1, with the line (1-based) and a reason in
 * English in why (never longer than why_cap) — the CLI prints
 * "FILE:LINE: reason". */
int blt_parse(const char *data, size_t len, struct blt **r, int *line_r,
	      char *why, size_t why_cap);
void blt_free(struct blt *b);

/* Writes b as a BLT file that blt_parse reads back to the same
 * election (with a [tie] line when the lot order is not the file order). */
void blt_write(const struct blt *b, FILE *f);

enum stv_state { STV_HOPEFUL, STV_PENDING, STV_ELECTED, STV_DEFEATED,
		 STV_WITHDRAWN };

enum stv_action {
	STV_LOG,      /* msg: a candidate added or withdrawn, papers refused */
	STV_BEGIN,    /* first preferences counted */
	STV_ROUND,    /* a new round (stage) begins */
	STV_ELECT,    /* cand reached the quota, or fills a last seat */
	STV_TIE,      /* a tie broken, before the row it decides */
	STV_UNPEND,   /* cand's surplus is to be transferred */
	STV_TRANSFER, /* a surplus or an excluded candidate's papers moved */
	STV_DEFEAT,   /* cand excluded */
	STV_END,
	STV__MAX
};

/* One row of the rounds table: the action and everyone's votes after it. */
struct stv_row {
	int round; /* -1 on the END row */
	enum stv_action action;
	int cand;	/* the candidate the action is about, or -1 */
	const char *msg; /* for LOG and ROUND rows, else NULL */
	/* TIE rows: the tied candidates (cand is the one chosen), and the
	 * round whose votes decided, or -1 when it fell to lot */
	const int *tied;
	int ntied, tie_round;
	int64_t quota, nontransferable;
	const uint8_t *state; /* ncand enum stv_state */
	const int64_t *vote;  /* ncand */
};

struct stv_result {
	const struct blt *blt;
	int64_t quota;	       /* units */
	int64_t valid;	       /* papers with a valid first preference */
	int64_t rejected;      /* papers with several first preferences */
	int64_t empty;	       /* papers ranking nobody who stands */
	int *elected;	       /* in order of election */
	int nelected;
	struct stv_row *rows;
	size_t nrows;
	struct stv_result_mem *mem; /* private */
};

/* Counts b (which must outlive the result). Returns a result to free
 * with stv_free; it cannot fail. */
struct stv_result *stv_count(const struct blt *b);
void stv_free(struct stv_result *r);

/* "12.34567" for a vote in units; out must hold 24 bytes. */
void stv_format(int64_t v, char *out);

/* The rounds table as tab-separated values: a header, then one row per
 * action (the layout of the reference counts in ../shared/stv/ref). */
void stv_write_tsv(const struct stv_result *r, FILE *f);
/* The rounds table for people: each action as a sentence and everyone's
 * votes after it. */
void stv_write_text(const struct stv_result *r, FILE *f);

/* "log", "begin", ... (the TSV's action column) */
const char *stv_action_name(enum stv_action a);

#endif
