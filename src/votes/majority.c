/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * Majorities (docs/votes.md). With the votes cast as the base, a simple
 * majority is more yes than no; an absolute majority more yes than no
 * and abstentions together (an abstention is a vote cast that is not
 * yes); two thirds and four fifths are of yes and no, abstentions left
 * out, as in most unions' standing orders. With the weight present at
 * the close as the base, absentees and abstentions alike count against.
 * Nothing is carried without a yes, nor without a quorum.
 */
#include "votes/majority.h"

#include <string.h>

static const char *const majority_names[MAJ__MAX] = {
	"simple", "absolute", "two_thirds", "four_fifths"};
static const char *const base_names[BASE__MAX] = {"cast", "present"};

const char *vote_majority_name(enum vote_majority m)
{
	return m < MAJ__MAX ? majority_names[m] : "?";
}

const char *vote_base_name(enum vote_base b)
{
	return b < BASE__MAX ? base_names[b] : "?";
}

int vote_majority_parse(const char *s)
{
	for (int i = 0; s && i < MAJ__MAX; i++)
		if (strcmp(s, majority_names[i]) == 0)
			return i;
	return -1;
}

int vote_base_parse(const char *s)
{
	for (int i = 0; s && i < BASE__MAX; i++)
		if (strcmp(s, base_names[i]) == 0)
			return i;
	return -1;
}

/* The least whole y with y * den >= x * num. */
static int64_t at_least(int64_t x, int64_t num, int64_t den)
{
	return (x * num + den - 1) / den;
}

struct vote_outcome vote_decide(const struct vote_tally *t,
				enum vote_majority m, enum vote_base b)
{
	struct vote_outcome o = {0};
	int64_t present = t->weight_present;

	o.quorate = present * 100 >= (int64_t)t->quorum_pct * t->weight_total;
	o.unanimous = t->abstain == 0 && ((t->yes > 0 && t->no == 0) ||
					  (t->no > 0 && t->yes == 0));
	switch (m) {
	case MAJ_SIMPLE:
		o.needed = t->no + 1;
		break;
	case MAJ_ABSOLUTE:
		o.base = b == BASE_CAST ? t->yes + t->no + t->abstain : present;
		/* more than half of the cast: more yes than no and abstentions */
		o.needed = b == BASE_CAST ? t->no + t->abstain + 1
					  : present / 2 + 1;
		break;
	case MAJ_TWO_THIRDS:
	case MAJ_FOUR_FIFTHS: {
		int64_t num = m == MAJ_TWO_THIRDS ? 2 : 4;
		int64_t den = m == MAJ_TWO_THIRDS ? 3 : 5;
		o.base = b == BASE_CAST ? t->yes + t->no : present;
		/* yes >= num/den of (yes + no): yes >= num * no / (den - num) */
		o.needed = b == BASE_CAST ? at_least(t->no, num, den - num)
					  : at_least(present, num, den);
		break;
	}
	case MAJ__MAX:
		break;
	}
	if (o.needed < 1)
		o.needed = 1;
	o.verdict = !o.quorate		? VERDICT_NO_QUORUM
		    : t->yes >= o.needed ? VERDICT_ADOPTED
					 : VERDICT_REJECTED;
	return o;
}
