/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* rudder migrate: apply pending migrations (serve does it too). */
#include "cli.h"
#include "platform/audit/audit.h"
#include "platform/core/core.h"
#include "platform/platform.h"

#include <getopt.h>
#include <stdio.h>

static const char USAGE[] =
	"--data DIR [--passphrase-file F] [--db URL] [--status]";

int cmd_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, NULL, 'd'},
		{"db", required_argument, NULL, 'B'},
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
		case 'B':
			if (cli_set("migrate", "db.url", optarg) != 0)
				return EXIT_USAGE;
			break;
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

/* ---- rudder migrate-db ---- */

static void report(const char *table, int64_t rows)
{
	printf("  %-24s %lld row%s\n", table, (long long)rows,
	       rows == 1 ? "" : "s");
}

int cmd_migrate_db(int argc, char **argv)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"passphrase-file", required_argument, NULL, 'P'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	static const char USAGE_DB[] =
		"--from sqlite:DIR --to postgres://... [--passphrase-file F]";
	const char *from = NULL, *to = NULL, *passfile = NULL;
	struct db *dst;
	char err[512];
	int64_t rows, bad;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'P': passfile = optarg; break;
		case 'h':
			printf("usage: rudder migrate-db %s\n\n"
			       "Copies the organization in the data directory DIR "
			       "(its SQLite database)\ninto a new, empty PostgreSQL "
			       "database, in one transaction, then\nchecks that "
			       "every table has the same rows on both sides and that "
			       "the\naudit chain verifies there. Stop 'rudder serve' "
			       "first. Nothing in DIR\nis changed; to switch, add "
			       "\"url = postgres://...\" under [db] in\n"
			       "DIR/rudder.conf and move rudder.db out of DIR.\n",
			       USAGE_DB);
			return 0;
		default:
			cli_usage_error("migrate-db", USAGE_DB);
			return EXIT_USAGE;
		}
	}
	if (optind < argc || !from || !to) {
		cli_usage_error("migrate-db", USAGE_DB);
		return EXIT_USAGE;
	}
	if (!str_starts(from, "sqlite:") || !from[7]) {
		cli_err("migrate-db", "--from: want sqlite:DIR, the data directory");
		return EXIT_USAGE;
	}
	if (!str_starts(to, "postgres://") && !str_starts(to, "postgresql://")) {
		cli_err("migrate-db", "--to: want a postgres:// URL");
		return EXIT_USAGE;
	}
	/* the source as it is configured: its own SQLite file */
	if (cli_set("migrate-db", "db.url", "") != 0 ||
	    cli_open("migrate-db", from + 7, passfile, true, true) != 0)
		return 1;
	dst = db_open(to, err, sizeof(err));
	if (!dst || !db_conn(dst)) {
		cli_err("migrate-db", "%s", dst ? "cannot connect to the destination" : err);
		db_close(dst);
		platform_close();
		return 1;
	}
	if (db_migrate(dst, platform_migration_groups(), err, sizeof(err)) < 0) {
		cli_err("migrate-db", "%s", err);
		db_close(dst);
		platform_close();
		return 1;
	}
	printf("copying %s into PostgreSQL:\n", from + 7);
	if (db_copy(platform_db(), dst, report, err, sizeof(err)) != 0) {
		cli_err("migrate-db", "%s; the destination was left as it was", err);
		db_close(dst);
		platform_close();
		return 1;
	}
	/* sealed data and the chain, checked with the keys on the new side */
	if (audit_verify(db_conn(dst), &rows, &bad, err, sizeof(err)) != 0) {
		cli_err("migrate-db", "the audit log does not verify there: %s", err);
		db_close(dst);
		platform_close();
		return 1;
	}
	audit_add(db_conn(dst), 0, "cli", "database.migrated", "",
		  json_pack("{s:s}", "from", "sqlite"));
	printf("every row arrived unchanged; the audit log verifies "
	       "(%lld entries)\n",
	       (long long)rows);
	db_close(dst);
	platform_close();
	return 0;
}
