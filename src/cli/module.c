/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * rudder VERB MODULE ...: the commands modules add (struct
 * module_command), such as `rudder import members FILE`. The options
 * every data-directory command shares (--data, --passphrase-file, --db)
 * are taken here, the directory opened and unlocked, and the rest handed
 * to the module.
 */
#include "cli.h"
#include "platform/core/core.h"
#include "platform/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct module_command *find(const char *verb, const char *module)
{
	size_t n;
	const struct module *const *mods = platform_modules(&n);

	for (size_t i = 0; i < n; i++) {
		if (strcmp(mods[i]->name, module) != 0 || !mods[i]->commands)
			continue;
		for (const struct module_command *mc = mods[i]->commands; mc->verb; mc++)
			if (strcmp(mc->verb, verb) == 0)
				return mc;
	}
	return NULL;
}

static void list(FILE *f, const char *verb)
{
	size_t n;
	const struct module *const *mods = platform_modules(&n);

	fprintf(f, "usage: rudder %s MODULE ... --data DIR [--passphrase-file F] [--db URL]\n\n",
		verb);
	for (size_t i = 0; i < n; i++)
		for (const struct module_command *mc = mods[i]->commands;
		     mc && mc->verb; mc++)
			if (strcmp(mc->verb, verb) == 0)
				fprintf(f, "  rudder %s %s %s\n      %s\n", verb, mods[i]->name,
					mc->usage, mc->summary);
}

static int run(const char *verb, int argc, char **argv)
{
	const struct module_command *mc;
	const char *dir = NULL, *passfile = NULL;
	char **rest, *cmd;
	int nrest = 0, rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		list(argc < 2 ? stderr : stdout, verb);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	mc = find(verb, argv[1]);
	if (!mc) {
		cli_err(verb, "no module '%s' can %s (see rudder %s --help)", argv[1], verb,
			verb);
		return EXIT_USAGE;
	}
	cmd = xasprintf("%s %s", verb, argv[1]);
	rest = xcalloc((size_t)argc + 1, sizeof(*rest));
	rest[nrest++] = cmd;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *names[] = {"--data", "--passphrase-file", "--db"};
		int which = -1;
		for (int k = 0; k < 3; k++) {
			size_t len = strlen(names[k]);
			if (strcmp(a, names[k]) == 0 ||
			    (strncmp(a, names[k], len) == 0 && a[len] == '='))
				which = k;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			printf("usage: rudder %s %s --data DIR [--passphrase-file F] [--db URL]\n\n%s\n%s",
			       cmd, mc->usage, mc->summary, mc->help ? mc->help : "");
			free(rest);
			free(cmd);
			return 0;
		}
		if (which < 0) {
			rest[nrest++] = argv[i];
			continue;
		}
		const char *val = strchr(a, '=') ? strchr(a, '=') + 1 : argv[++i];
		if (!val) {
			cli_err(cmd, "%s needs a value", names[which]);
			free(rest);
			free(cmd);
			return EXIT_USAGE;
		}
		if (which == 0)
			dir = val;
		else if (which == 1)
			passfile = val;
		else if (cli_set(cmd, "db.url", val) != 0) {
			free(rest);
			free(cmd);
			return EXIT_USAGE;
		}
	}
	if (!dir) {
		cli_err(cmd, "no data directory: give --data DIR");
		free(rest);
		free(cmd);
		return EXIT_USAGE;
	}
	if (cli_open(cmd, dir, passfile, true, false) != 0) {
		free(rest);
		free(cmd);
		return 1;
	}
	rc = mc->run(nrest, rest);
	platform_close();
	free(rest);
	free(cmd);
	return rc;
}

int cmd_import(int argc, char **argv)
{
	return run("import", argc, argv);
}

int cmd_export(int argc, char **argv)
{
	return run("export", argc, argv);
}
