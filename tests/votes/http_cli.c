/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* rudder count, as a person recounting a published ballot list runs it:
 * the elected of a real election in order, one name a line; the rounds
 * for people and as a table; a malformed file refused as FILE:LINE:
 * reason with exit status 1; usage errors with 2. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../http/harness.h"
#include "platform/core/core.h"

#define STV "tests/votes/stv"

TestSuite(votes_cli, .timeout = 60);

Test(votes_cli, count_prints_the_elected_in_order)
{
	char *out = NULL, *err = NULL, *ref;
	size_t n;

	/* Glasgow, Govan ward, May 2007: the councillors returned */
	cr_assert_eq(run_rudder(NULL, &out, &err, "count",
				STV "/blt/Govan-2007.blt", NULL), 0, "%s", err);
	cr_assert_str_eq(out, "Allison Hunter\nShaukat Butt\nStephen Dornan\n"
			      "John Flanagan\n");
	free(out);
	free(err);
	cr_assert_eq(run_rudder(NULL, &out, NULL, "count", "--tsv",
				STV "/blt/Govan-2007.blt", NULL), 0);
	ref = file_read(STV "/ref/Govan-2007.txt", 1 << 20, &n);
	cr_assert_str_eq(out, ref);
	free(ref);
	free(out);
	cr_assert_eq(run_rudder(NULL, &out, NULL, "count", "--rounds",
				STV "/blt/weak-defeat.blt", NULL), 0);
	cr_assert(strstr(out, "Quota: 6.00000."), "%s", out);
	cr_assert(strstr(out, "B and C are lowest with equal votes; B had the "
			      "fewest votes at round 0."), "%s", out);
	cr_assert(strstr(out, "- A is excluded (1.00000)."), "%s", out);
	cr_assert(strstr(out, "Elected, in order of election:\n1. D\n2. E\n"),
		  "%s", out);
	free(out);
	/* standard input */
	cr_assert_eq(run_rudder("2 1\n3 2 0\n1 1 0\n0\n\"Ann\"\n\"Bo\"\n\"t\"\n",
				&out, NULL, "count", "-", NULL), 0);
	cr_assert_str_eq(out, "Bo\n");
	free(out);
}

Test(votes_cli, malformed_files_and_bad_arguments)
{
	char *err = NULL, *out = NULL, *path;
	struct {
		const char *text, *want;
	} bad[] = {
		{"3 1\n1 1 2\n0\n", ":2: the ballot does not end with 0\n"},
		{"3 1\n1 1 0\n0\n\"A\"\n\"B\"\n", ":6: the file ends before the "
						 "name of candidate 3\n"},
		{"three 1\n", ":1: expected the number of candidates, found 't'\n"},
	};

	path = xasprintf("/tmp/rudder-count-%d.blt", (int)getpid());
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char *want = xasprintf("%s%s", path, bad[i].want);
		FILE *f = fopen(path, "w");
		fputs(bad[i].text, f);
		fclose(f);
		cr_assert_eq(run_rudder(NULL, &out, &err, "count", path, NULL),
			     1, "#%zu", i);
		cr_assert_str_eq(err, want);
		cr_assert_str_empty(out, "nothing elected from a bad file");
		free(err);
		free(out);
		free(want);
	}
	unlink(path);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "count", path, NULL), 1);
	cr_assert(strstr(err, "No such file"), "%s", err);
	free(err);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "count", NULL), 2);
	cr_assert(strstr(err, "no BLT file given"), "%s", err);
	free(err);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "count", "--meek", path, NULL),
		     2);
	cr_assert(strstr(err, "unknown option '--meek'"), "%s", err);
	free(err);
	cr_assert_eq(run_rudder(NULL, &out, NULL, "count", "--help", NULL), 0);
	cr_assert(strstr(out, "usage: rudder count"), "%s", out);
	free(out);
	cr_assert_eq(run_rudder(NULL, &out, NULL, "--help", NULL), 0);
	cr_assert(strstr(out, "count "), "%s", out);
	free(out);
	free(path);
}
