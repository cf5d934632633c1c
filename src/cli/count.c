/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * rudder count FILE.blt: counts an election by single transferable vote
 * under the Scottish rules (src/votes/stv.c) and prints the elected, one
 * name a line as the file writes it, in order of election; --rounds
 * prints each round for people, --tsv the rounds table as tab-separated
 * values. Needs no data directory: anyone can recount a published list.
 */
#include "cli.h"
#include "platform/core/core.h"
#include "votes/count.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT_USAGE "[--rounds | --tsv] FILE.blt"
#define COUNT_MAX_BYTES (1024UL * 1024 * 1024)

int cmd_count(int argc, char **argv)
{
	static const struct option opts[] = {
		{"rounds", no_argument, NULL, 'r'},
		{"tsv", no_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	enum { ELECTED, ROUNDS, TSV } out = ELECTED;
	const char *path, *open_path;
	struct blt *b;
	struct stv_result *r;
	char why[256];
	size_t len;
	char *data;
	int c, line;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': out = ROUNDS; break;
		case 't': out = TSV; break;
		case 'h':
			printf("usage: rudder count " COUNT_USAGE "\n\n"
			       "Counts the ballots of a BLT file by single "
			       "transferable vote under the\nScottish rules "
			       "(Droop quota, weighted inclusive Gregory "
			       "transfers, values\ntruncated to five decimal "
			       "places) and prints the elected candidates in\n"
			       "order of election, one name a line as the file "
			       "writes it.\n\n"
			       "  --rounds  each round: what happened and "
			       "everyone's votes\n"
			       "  --tsv     the rounds table as tab-separated "
			       "values\n\n"
			       "FILE '-' reads standard input. A malformed file "
			       "is refused as\nFILE:LINE: reason, with exit "
			       "status 1.\n");
			return 0;
		default:
			cli_err("count", "unknown option '%s'", argv[optind - 1]);
			cli_usage_error("count", COUNT_USAGE);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		cli_err("count", optind == argc ? "no BLT file given"
						: "give one BLT file");
		cli_usage_error("count", COUNT_USAGE);
		return EXIT_USAGE;
	}
	path = argv[optind];
	open_path = strcmp(path, "-") == 0 ? "/dev/stdin" : path;
	data = file_read(open_path, COUNT_MAX_BYTES, &len);
	if (!data) {
		cli_err("count", "%s: %s", path,
			errno == E2BIG ? "larger than 1 GiB" : strerror(errno));
		return 1;
	}
	if (blt_parse(data, len, &b, &line, why, sizeof(why)) < 0) {
		fprintf(stderr, "%s:%d: %s\n", path, line, why);
		free(data);
		return 1;
	}
	free(data);
	r = stv_count(b);
	if (out == TSV)
		stv_write_tsv(r, stdout);
	else if (out == ROUNDS)
		stv_write_text(r, stdout);
	else
		for (int i = 0; i < r->nelected; i++)
			puts(b->names[r->elected[i]]);
	stv_free(r);
	blt_free(b);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_err("count", "cannot write the count: %s", strerror(errno));
		return 1;
	}
	return 0;
}
