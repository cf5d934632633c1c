/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * The subcommand table and what subcommands share: reading secrets from
 * files or a terminal, and opening a data directory.
 */
#include "cli.h"
#include "modules.h"
#include "platform/core/conf.h"
#include "platform/core/core.h"
#include "platform/platform.h"

#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static const struct cli_command commands[] = {
	{"init", cmd_init, "create a data directory and its first administrator"},
	{"serve", cmd_serve, "unlock a data directory and serve it over HTTP"},
	{"demo", cmd_demo, "set up a demo organization and serve it"},
	{"migrate", cmd_migrate, "apply pending database migrations"},
	{"migrate-db", cmd_migrate_db, "copy an organization from SQLite to PostgreSQL"},
	{"user", cmd_user, "add, list and change accounts and their roles"},
	{"audit", cmd_audit, "verify the audit log"},
	{"backup", cmd_backup, "write a sealed backup of a data directory"},
	{"restore", cmd_restore, "restore a sealed backup into a new directory"},
	{"passphrase", cmd_passphrase, "change the passphrase of a data directory"},
	{"import", cmd_import, "import into a module (rudder import members FILE.csv)"},
	{"export", cmd_export, "export from a module (rudder export members)"},
	{"count", cmd_count, "count a BLT file by single transferable vote"},
	{"routes", cmd_routes, "list every HTTP route and its permission"},
	{"version", cmd_version, "print the version"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: rudder COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'rudder COMMAND --help' tells more about each.\n");
}

int cli_main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "rudder: libsodium cannot start\n");
		return 1;
	}
	/* everything rudder writes is for its operator's eyes only */
	umask(077);
	conf_reset();
	platform_set_modules(rudder_modules, rudder_modules_count);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(1, argv + 1);
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "rudder: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}

void cli_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "rudder %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_usage_error(const char *cmd, const char *usage_text)
{
	fprintf(stderr, "usage: rudder %s %s\n", cmd, usage_text);
	fprintf(stderr, "'rudder %s --help' tells more.\n", cmd);
}

static char *read_line_file(const char *cmd, const char *file)
{
	size_t len;
	char *s = file_read(file, 4096, &len);
	char *nl;

	if (!s) {
		cli_err(cmd, "%s: %s", file,
			errno == E2BIG ? "too large for a secret" : strerror(errno));
		return NULL;
	}
	nl = strpbrk(s, "\r\n");
	if (nl)
		*nl = '\0';
	if (!*s) {
		cli_err(cmd, "%s: line 1: the secret is empty", file);
		free(s);
		return NULL;
	}
	if (!text_is_line(s, strlen(s))) {
		cli_err(cmd, "%s: line 1: the secret holds control characters or is not UTF-8",
			file);
		sodium_memzero(s, len);
		free(s);
		return NULL;
	}
	return s;
}

static char *ask(const char *prompt)
{
	struct termios old, quiet;
	char buf[1100];
	bool tty_ok = tcgetattr(STDIN_FILENO, &old) == 0;
	char *nl;

	fprintf(stderr, "%s", prompt);
	fflush(stderr);
	if (tty_ok) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	if (!fgets(buf, sizeof(buf), stdin))
		buf[0] = '\0';
	if (tty_ok)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	fputc('\n', stderr);
	nl = strpbrk(buf, "\r\n");
	if (nl)
		*nl = '\0';
	char *out = xstrdup(buf);
	sodium_memzero(buf, sizeof(buf));
	return out;
}

char *cli_secret(const char *cmd, const char *file, const char *prompt,
		 bool confirm)
{
	char *a, *b;
	char p2[128];

	if (file)
		return read_line_file(cmd, file);
	if (!isatty(STDIN_FILENO)) {
		cli_err(cmd,
			"no %s given: pass it in a file (see --help); stdin is "
			"not a terminal, so rudder does not ask",
			prompt);
		return NULL;
	}
	snprintf(p2, sizeof(p2), "%s: ", prompt);
	a = ask(p2);
	if (!*a) {
		cli_err(cmd, "the %s is empty", prompt);
		free(a);
		return NULL;
	}
	if (!confirm)
		return a;
	snprintf(p2, sizeof(p2), "%s again: ", prompt);
	b = ask(p2);
	if (strcmp(a, b) != 0) {
		cli_err(cmd, "the two entries are not the same");
		sodium_memzero(a, strlen(a));
		free(a);
		free(b);
		return NULL;
	}
	sodium_memzero(b, strlen(b));
	free(b);
	return a;
}

int cli_open(const char *cmd, const char *dir, const char *passfile,
	     bool unlock, bool migrate)
{
	struct platform_open o = {.dir = dir, .migrate = migrate};
	char err[512];
	char *pass = NULL;
	int rc;

	if (!dir) {
		cli_err(cmd, "no data directory: give --data DIR");
		return -1;
	}
	if (unlock) {
		pass = cli_secret(cmd, passfile, "passphrase", false);
		if (!pass)
			return -1;
		o.passphrase = pass;
	}
	rc = platform_open(&o, err, sizeof(err));
	if (pass) {
		sodium_memzero(pass, strlen(pass));
		free(pass);
	}
	if (rc != 0) {
		cli_err(cmd, "%s", err);
		return -1;
	}
	return 0;
}

int cli_set(const char *cmd, const char *name, const char *value)
{
	char err[256];

	if (conf_set_flag(name, value, err, sizeof(err)) != 0) {
		cli_err(cmd, "%s", err);
		return -1;
	}
	return 0;
}
