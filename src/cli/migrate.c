/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* rudder migrate: apply pending migrations (serve does it too). */
#include "cli.h"
#include "platform/platform.h"

#include <getopt.h>
#include <stdio.h>

static const char USAGE[] = "--data DIR [--passphrase-file F] [--status]";

int cmd_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, NULL, 'd'},
		{"passphrase-file", required_argument, NULL, 'P'},
		{"status", no_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *dir = NULL, *passfile = NULL;
	bool status = false;
	char err[512];
	int c, n;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'P': passfile = optarg; break;
		case 's': status = true; break;
		case 'h':
			printf("usage: rudder migrate %s\n\n"
			       "Unlocks the data directory and applies the database "
			       "migrations this\nrudder carries and the database "
			       "lacks (rudder serve does the same at\nstart). With "
			       "--status, only counts them.\n",
			       USAGE);
			return 0;
		default:
			cli_usage_error("migrate", USAGE);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_err("migrate", "unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (!dir) {
		cli_err("migrate", "no data directory: give --data DIR");
		return EXIT_USAGE;
	}
	if (cli_open("migrate", dir, passfile, true, false) != 0)
		return 1;
	if (status) {
		n = db_pending(platform_db(), platform_migration_groups());
		printf("%d pending migration%s\n", n, n == 1 ? "" : "s");
		platform_close();
		return n < 0 ? 1 : 0;
	}
	n = db_migrate(platform_db(), platform_migration_groups(), err,
		       sizeof(err));
	platform_close();
	if (n < 0) {
		cli_err("migrate", "%s", err);
		return 1;
	}
	printf("applied %d migration%s\n", n, n == 1 ? "" : "s");
	return 0;
}
