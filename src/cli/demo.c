/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * rudder demo: a data directory with a realistic demo organization —
 * Socialist Movement Kazakhstan, its regional branches and workplace
 * cells, and accounts for its officers — then serve it. Each module adds
 * its own demo data through its demo hook. The passphrase is "demo" and
 * every demo account's password is "rudder-demo".
 */
#include "cli.h"
#include "init.h"
#include "serve.h"
#include "platform/audit/audit.h"
#include "platform/auth/auth.h"
#include "platform/core/conf.h"
#include "platform/core/core.h"
#include "platform/platform.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEMO_PASSPHRASE "demo"
#define DEMO_PASSWORD "rudder-demo"

static const char USAGE[] =
	"[--data DIR] [--listen IP:PORT] [--no-serve] [--db URL]\n"
	"       [--set KEY=VALUE]...";

/* The organization's tree: regions, cities and cells. */
static const struct {
	const char *name;
	const char *parent;
} demo_scopes[] = {
	{"Almaty", NULL},
	{"Almaty: AZTM machine works cell", "Almaty"},
	{"Almaty: students' union cell", "Almaty"},
	{"Astana", NULL},
	{"Astana: construction workers' cell", "Astana"},
	{"Aktau", NULL},
	{"Aktau: oil workers' cell", "Aktau"},
	{"Zhanaozen", NULL},
	{"Zhanaozen: Ozenmunaigas cell", "Zhanaozen"},
	{"Karaganda", NULL},
	{"Karaganda: Shakhtinsk miners' cell", "Karaganda"},
	{"Karaganda: scientific workers' cell", "Karaganda"},
	{"Shymkent", NULL},
	{"Central Kazakhstan", NULL},
	{"Central Kazakhstan: Temirtau steelworkers' cell", "Central Kazakhstan"},
};

/* Officers with platform roles; modules add their own people. */
static const struct {
	const char *email, *name, *lang, *role, *scope;
} demo_accounts[] = {
	{"coordinator@example.org", "Ainur (national coordinator)", "ru",
	 "coordinator", NULL},
	{"aktau@example.org", "Yerlan (Aktau coordinator)", "kk", "coordinator",
	 "Aktau"},
	{"karaganda@example.org", "Galina (Karaganda coordinator)", "ru",
	 "coordinator", "Karaganda"},
};

static int demo_platform(struct db_conn *c, struct arena *a)
{
	int rc = DB_OK;

	for (size_t i = 0; i < ARRAY_LEN(demo_scopes) && rc == DB_OK; i++) {
		struct scope parent = {0};
		int64_t id;
		if (demo_scopes[i].parent &&
		    scope_find(c, a, demo_scopes[i].parent, &parent) != DB_OK)
			return DB_ERROR;
		rc = scope_create(c, parent.id, demo_scopes[i].name, &id);
	}
	for (size_t i = 0; i < ARRAY_LEN(demo_accounts) && rc == DB_OK; i++) {
		struct scope s = {0};
		int64_t id;
		if (demo_accounts[i].scope &&
		    scope_find(c, a, demo_accounts[i].scope, &s) != DB_OK)
			return DB_ERROR;
		rc = account_create(c, a, demo_accounts[i].email,
				    demo_accounts[i].name, demo_accounts[i].lang,
				    DEMO_PASSWORD, &id);
		if (rc == DB_OK)
			rc = grant_add(c, id, demo_accounts[i].role, s.id, 0, NULL);
		if (rc == DB_OK)
			rc = audit_add(c, 0, "cli", "account.created",
				       arena_printf(a, "user:%lld", (long long)id),
				       json_pack("{s:b}", "demo", 1));
	}
	if (rc == DB_OK)
		rc = setting_set(c, "org.name", "Socialist Movement Kazakhstan");
	return rc;
}

static int demo_tx(struct db_conn *c, void *arg)
{
	struct arena *a = arena_new();
	char err[256] = "";
	size_t n;
	const struct module *const *mods = platform_modules(&n);
	int rc = demo_platform(c, a);

	for (size_t i = 0; i < n && rc == DB_OK; i++)
		if (mods[i]->demo && mods[i]->demo(c, err, sizeof(err)) != 0) {
			log_error("demo", "module %s: %s", mods[i]->name, err);
			rc = DB_ERROR;
		}
	if (rc == DB_OK)
		rc = setting_set(c, "demo.loaded", "1");
	arena_free(a);
	(void)arg;
	return rc;
}

static void print_logins(void)
{
	printf("\nrudder demo: Socialist Movement Kazakhstan\n"
	       "  passphrase of the data directory: %s\n"
	       "  every demo password: %s\n"
	       "  admin@example.org        Administrator (whole organization)\n",
	       DEMO_PASSPHRASE, DEMO_PASSWORD);
	size_t n;
	const struct module *const *mods = platform_modules(&n);

	for (size_t i = 0; i < ARRAY_LEN(demo_accounts); i++)
		printf("  %-24s %s\n", demo_accounts[i].email,
		       demo_accounts[i].name);
	for (size_t m = 0; m < n; m++)
		for (size_t i = 0; mods[m]->demo_logins && mods[m]->demo_logins[i][0]; i++)
			printf("  %-24s %s\n", mods[m]->demo_logins[i][0],
			       mods[m]->demo_logins[i][1]);
	printf("\n");
}

/* DIR.backup-key: beside the data directory (trailing slashes of DIR
 * dropped, so "demo-data/" gives "demo-data.backup-key"). Caller frees. */
static char *demo_backup_key_path(const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return xasprintf("%.*s.backup-key", (int)n, dir);
}

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, NULL, 'd'},
		{"db", required_argument, NULL, 'B'},
		{"listen", required_argument, NULL, 'l'},
		{"no-serve", no_argument, NULL, 'n'},
		{"set", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *dir = "demo-data";
	bool serve = true;
	struct stat sb;
	char *keys;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'B':
			if (cli_set("demo", "db.url", optarg) != 0)
				return EXIT_USAGE;
			break;
		case 'n': serve = false; break;
		case 'l':
			if (cli_set("demo", "server.listen", optarg) != 0)
				return EXIT_USAGE;
			break;
		case 's':
			if (serve_set_flag("demo", optarg) != 0)
				return EXIT_USAGE;
			break;
		case 'h':
			printf("usage: rudder demo %s\n\n"
			       "Creates DIR (default ./demo-data) with a demo "
			       "organization if it does not\nexist yet, then "
			       "serves it (unless --no-serve). The passphrase is "
			       "\"demo\".\nNever put real people's data in a "
			       "demo directory.\n",
			       USAGE);
			return 0;
		default:
			cli_usage_error("demo", USAGE);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_err("demo", "unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	keys = xasprintf("%s/keys.json", dir);
	if (stat(keys, &sb) != 0) {
		struct init_opts o = {
			.dir = dir,
			.admin_email = "admin@example.org",
			.admin_name = "Administrator",
			.admin_password = DEMO_PASSWORD,
			.passphrase = DEMO_PASSPHRASE,
			.org_name = "Socialist Movement Kazakhstan",
			.kdf = KDF_INTERACTIVE,
			.conf_extra =
				"\n# This is a demo: the administrator may sign in "
				"without a second\n# factor. Never do this with "
				"real data.\n[auth]\nrequire_totp = false\n",
		};
		char *bk = demo_backup_key_path(dir);
		free(keys);
		printf("rudder demo: creating %s\n", dir);
		fflush(stdout);
		/* beside the directory, never in it: a key kept with what it
		 * protects protects nothing (a copy of the directory would
		 * carry it along) */
		o.backup_key_out = bk;
		rc = init_data_dir("demo", &o);
		if (rc != 0) {
			free(bk);
			return rc;
		}
		printf("rudder demo: the backup key is in %s (beside the "
		       "directory, not in it)\n",
		       bk);
		free(bk);
		if (db_tx(platform_conn(), demo_tx, NULL) != DB_OK) {
			cli_err("demo", "cannot load the demo organization");
			return 1;
		}
	} else {
		free(keys);
		{
			/* reuse: unlock with the demo passphrase */
			struct platform_open po = {.dir = dir,
						   .passphrase = DEMO_PASSPHRASE,
						   .migrate = true};
			char err[512];
			if (platform_open(&po, err, sizeof(err)) != 0) {
				cli_err("demo", "%s", err);
				return 1;
			}
		}
	}
	print_logins();
	if (!serve) {
		platform_close();
		return 0;
	}
	return serve_run("demo");
}
