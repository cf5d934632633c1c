/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* rudder audit verify: check the audit chain end to end. */
#include "cli.h"
#include "platform/audit/audit.h"
#include "platform/platform.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char USAGE[] =
	"verify --data DIR [--passphrase-file F] [--db URL]";

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, NULL, 'd'},
		{"db", required_argument, NULL, 'B'},
		{"passphrase-file", required_argument, NULL, 'P'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *dir = NULL, *passfile = NULL;
	int64_t rows = 0, bad = 0;
	char err[256];
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'B':
			if (cli_set("audit", "db.url", optarg) != 0)
				return EXIT_USAGE;
			break;
		case 'P': passfile = optarg; break;
		case 'h':
			printf("usage: rudder audit %s\n\n"
			       "Checks every row of the audit log against the "
			       "chain of keyed hashes.\nExits 0 when the log is "
			       "intact, 1 naming the first bad row otherwise.\n",
			       USAGE);
			return 0;
		default:
			cli_usage_error("audit", USAGE);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc || strcmp(argv[optind], "verify") != 0 ||
	    optind + 1 != argc) {
		cli_usage_error("audit", USAGE);
		return EXIT_USAGE;
	}
	if (!dir) {
		cli_err("audit", "no data directory: give --data DIR");
		return EXIT_USAGE;
	}
	if (cli_open("audit", dir, passfile, true, false) != 0)
		return 1;
	char head[65];
	int64_t last;

	rc = audit_verify(platform_conn(), &rows, &bad, err, sizeof(err));
	audit_head(platform_conn(), &last, head);
	platform_close();
	if (rc != 0) {
		cli_err("audit", "the audit log is NOT intact: %s", err);
		return 1;
	}
	printf("audit log intact: %lld entr%s\n", (long long)rows,
	       rows == 1 ? "y" : "ies");
	/* worth noting somewhere else: it pins the whole chain up to now */
	printf("head: entry %lld, hash %s\n", (long long)last, head);
	return 0;
}
