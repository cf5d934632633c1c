/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Unit tests of the majorities (src/votes/majority.c): each rule at its
 * edge, of votes cast and of the weight present, the quorum taken at the
 * close, and "unanimous" computed from the count. */
#include <criterion/criterion.h>

#include "votes/majority.h"

TestSuite(votes_majority);

static struct vote_outcome decide(int64_t yes, int64_t no, int64_t ab,
				  int64_t present, enum vote_majority m,
				  enum vote_base b)
{
	struct vote_tally t = {yes, no, ab, present, 200, 50};
	return vote_decide(&t, m, b);
}

#define CARRIED(o) ((o).verdict == VERDICT_ADOPTED)

Test(votes_majority, each_rule_at_its_edge)
{
	static const struct {
		int64_t yes, no, ab, present;
		enum vote_majority m;
		enum vote_base b;
		bool carried;
		int64_t needed;
	} cases[] = {
		/* simple: more yes than no; abstentions do not count */
		{10, 9, 50, 150, MAJ_SIMPLE, BASE_CAST, true, 10},
		{10, 10, 0, 150, MAJ_SIMPLE, BASE_CAST, false, 11},
		{0, 0, 40, 150, MAJ_SIMPLE, BASE_CAST, false, 1},
		/* absolute of the cast: abstentions count against */
		{51, 40, 10, 150, MAJ_ABSOLUTE, BASE_CAST, true, 51},
		{50, 40, 10, 150, MAJ_ABSOLUTE, BASE_CAST, false, 51},
		/* absolute of those present: more than half of 150 */
		{76, 0, 0, 150, MAJ_ABSOLUTE, BASE_PRESENT, true, 76},
		{75, 0, 0, 150, MAJ_ABSOLUTE, BASE_PRESENT, false, 76},
		{76, 0, 0, 151, MAJ_ABSOLUTE, BASE_PRESENT, true, 76},
		/* two thirds of yes and no */
		{20, 10, 99, 150, MAJ_TWO_THIRDS, BASE_CAST, true, 20},
		{19, 10, 0, 150, MAJ_TWO_THIRDS, BASE_CAST, false, 20},
		{1, 0, 0, 150, MAJ_TWO_THIRDS, BASE_CAST, true, 1},
		{0, 0, 0, 150, MAJ_TWO_THIRDS, BASE_CAST, false, 1},
		/* two thirds of 150 present is 100; of 151, 101 */
		{100, 0, 0, 150, MAJ_TWO_THIRDS, BASE_PRESENT, true, 100},
		{99, 0, 0, 150, MAJ_TWO_THIRDS, BASE_PRESENT, false, 100},
		{100, 0, 0, 151, MAJ_TWO_THIRDS, BASE_PRESENT, false, 101},
		/* four fifths */
		{40, 10, 5, 150, MAJ_FOUR_FIFTHS, BASE_CAST, true, 40},
		{39, 10, 0, 150, MAJ_FOUR_FIFTHS, BASE_CAST, false, 40},
		{120, 30, 0, 150, MAJ_FOUR_FIFTHS, BASE_PRESENT, true, 120},
		{119, 0, 0, 150, MAJ_FOUR_FIFTHS, BASE_PRESENT, false, 120},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct vote_outcome o =
			decide(cases[i].yes, cases[i].no, cases[i].ab,
			       cases[i].present, cases[i].m, cases[i].b);
		cr_assert_eq(CARRIED(o), cases[i].carried, "case %zu", i);
		cr_assert_eq(o.needed, cases[i].needed, "case %zu: needed %lld",
			     i, (long long)o.needed);
	}
}

Test(votes_majority, the_quorum_is_taken_at_the_close)
{
	struct vote_tally t = {90, 0, 0, 99, 200, 50};
	struct vote_outcome o = vote_decide(&t, MAJ_SIMPLE, BASE_CAST);

	cr_assert_not(o.quorate);
	cr_assert_eq(o.verdict, VERDICT_NO_QUORUM);
	t.weight_present = 100;
	o = vote_decide(&t, MAJ_SIMPLE, BASE_CAST);
	cr_assert(o.quorate);
	cr_assert_eq(o.verdict, VERDICT_ADOPTED);
	t.quorum_pct = 0;
	t.weight_present = 0;
	cr_assert(vote_decide(&t, MAJ_SIMPLE, BASE_CAST).quorate);
}

Test(votes_majority, unanimous_is_counted_not_typed)
{
	cr_assert(decide(120, 0, 0, 150, MAJ_TWO_THIRDS, BASE_CAST).unanimous);
	cr_assert_not(decide(120, 0, 1, 150, MAJ_TWO_THIRDS, BASE_CAST).unanimous);
	cr_assert_not(decide(120, 1, 0, 150, MAJ_TWO_THIRDS, BASE_CAST).unanimous);
	cr_assert(decide(0, 7, 0, 150, MAJ_SIMPLE, BASE_CAST).unanimous,
		  "rejected unanimously");
	cr_assert_not(decide(0, 0, 0, 150, MAJ_SIMPLE, BASE_CAST).unanimous);
}

Test(votes_majority, names_read_back)
{
	for (int m = 0; m < MAJ__MAX; m++)
		cr_assert_eq(vote_majority_parse(vote_majority_name(m)), m);
	for (int b = 0; b < BASE__MAX; b++)
		cr_assert_eq(vote_base_parse(vote_base_name(b)), b);
	cr_assert_eq(vote_majority_parse("most"), -1);
	cr_assert_eq(vote_base_parse(NULL), -1);
}
