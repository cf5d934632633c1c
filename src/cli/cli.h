/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * cli: rudder's subcommands, one file each, dispatched from a table of
 * {name, function, summary}. Conventions for every subcommand:
 *   --help prints usage and exits 0;
 *   bad arguments print a message naming the argument and exit 2;
 *   a failure while working prints what failed and exits 1;
 *   nothing is asked on a terminal unless stdin is one.
 */
#ifndef RUDDER_CLI_H
#define RUDDER_CLI_H

#include <stdbool.h>
#include <stddef.h>

#define EXIT_USAGE 2

int cli_main(int argc, char **argv);

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_migrate_db(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_passphrase(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_count(int argc, char **argv);

/* Prints "rudder CMD: message" to stderr (printf-style). */
void cli_err(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A secret from a file (its first line) or, on a terminal, typed twice
 * when confirm is set. malloc'd; NULL with a message printed. */
char *cli_secret(const char *cmd, const char *file, const char *prompt,
		 bool confirm);

/* Opens the data directory: settings, keys (passphrase from file or
 * terminal when unlock is set), database, migrations when migrate is set.
 * Returns 0 or prints why and returns -1. */
int cli_open(const char *cmd, const char *dir, const char *passfile,
	     bool unlock, bool migrate);

/* Sets a setting from a flag; prints and returns -1 when invalid. */
int cli_set(const char *cmd, const char *name, const char *value);

/* getopt_long's unknown-option and missing-argument messages are ours */
void cli_usage_error(const char *cmd, const char *usage);

#endif
