/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * votes: whether a yes/no/abstain poll is carried, in plain C that knows
 * nothing of HTTP or SQL (docs/votes.md, "Majorities"). Weights are the
 * mandates' weights: a tally counts weight, not people.
 */
#ifndef RUDDER_VOTES_MAJORITY_H
#define RUDDER_VOTES_MAJORITY_H

#include <stdbool.h>
#include <stdint.h>

enum vote_majority {
	MAJ_SIMPLE,	 /* more yes than no */
	MAJ_ABSOLUTE,	 /* more than half of the base */
	MAJ_TWO_THIRDS,	 /* at least two thirds of the base */
	MAJ_FOUR_FIFTHS, /* at least four fifths of the base */
	MAJ__MAX
};

enum vote_base {
	BASE_CAST,    /* the votes cast (see majority.c for abstentions) */
	BASE_PRESENT, /* the delegates' weight present when the poll closes */
	BASE__MAX
};

/* "simple", "absolute", "two_thirds", "four_fifths"; "cast", "present" */
const char *vote_majority_name(enum vote_majority m);
const char *vote_base_name(enum vote_base b);
/* By name; -1 when s names none. */
int vote_majority_parse(const char *s);
int vote_base_parse(const char *s);

struct vote_tally {
	int64_t yes, no, abstain;
	/* presence when the poll closed, and the congress's quorum */
	int64_t weight_present, weight_total;
	int quorum_pct; /* 0..100 */
};

enum vote_verdict {
	VERDICT_ADOPTED,
	VERDICT_REJECTED,
	VERDICT_NO_QUORUM, /* too few present when it closed: nothing decided */
	VERDICT__MAX
};

struct vote_outcome {
	enum vote_verdict verdict;
	bool quorate;
	/* yes, no abstentions, nobody against: said "unanimously" */
	bool unanimous;
	int64_t base;	/* what the fraction is of (0 for a simple majority) */
	int64_t needed; /* the least yes that carries it, given no as cast */
};

/* The outcome of t under majority m of base b. */
struct vote_outcome vote_decide(const struct vote_tally *t,
				enum vote_majority m, enum vote_base b);

#endif
