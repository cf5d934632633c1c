/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * rudder init: a new data directory — mode 0700, a commented rudder.conf,
 * keys.json with the data key wrapped by the passphrase, the database with
 * every migration, and the first administrator. The backup secret key is
 * written to --backup-key-out (or printed) and kept nowhere on the server.
 */
#include "cli.h"
#include "init.h"
#include "platform/audit/audit.h"
#include "platform/auth/auth.h"
#include "platform/core/conf.h"
#include "platform/core/core.h"
#include "platform/crypto/crypto.h"
#include "platform/platform.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char USAGE[] =
	"--data DIR [--admin-email EMAIL] [--admin-name NAME]\n"
	"       [--admin-password-file F] [--passphrase-file F]\n"
	"       [--backup-key-out F] [--kdf interactive|moderate|sensitive]\n"
	"       [--org-name NAME] [--db postgres://...]";

static const char HELP[] =
	"Creates a data directory: the database, the sealed data key and the\n"
	"first administrator.\n\n"
	"  --data DIR               the directory to create (mode 0700); it must\n"
	"                           not exist or be empty\n"
	"  --admin-email EMAIL      the first administrator's email\n"
	"  --admin-name NAME        their display name (default Administrator)\n"
	"  --admin-password-file F  their password, first line of F\n"
	"  --passphrase-file F      the passphrase that will unlock the server,\n"
	"                           first line of F (asked twice on a terminal)\n"
	"  --backup-key-out F       write the backup secret key to F (0600);\n"
	"                           without it the key is printed. Keep it off\n"
	"                           this machine: only it opens backups.\n"
	"  --kdf COST               Argon2id cost of the passphrase (default\n"
	"                           moderate)\n"
	"  --org-name NAME          the organization's name\n"
	"  --db URL                 keep the data in PostgreSQL (postgres://user@\n"
	"                           host/name) instead of DIR/rudder.db; written\n"
	"                           to DIR/rudder.conf for every later command\n"
	"Without --admin-email and on a terminal, rudder asks.\n";

static const char CONF_TEMPLATE[] =
	"# rudder settings. Each can also be set as RUDDER_SECTION_KEY in the\n"
	"# environment, or with a flag; see 'rudder serve --help'.\n";

/* Writes a rudder.conf listing every setting, commented out. */
int init_write_conf(const char *dir, const char *extra)
{
	struct buf b;
	size_t n;
	const struct conf_key *k = conf_keys(&n);
	char sec[32] = "";
	char *path = xasprintf("%s/rudder.conf", dir);
	int rc;

	buf_init(&b);
	buf_puts(&b, CONF_TEMPLATE);
	for (size_t i = 0; i < n; i++) {
		const char *dot = strchr(k[i].name, '.');
		int sl = (int)(dot - k[i].name);
		if ((int)strlen(sec) != sl || strncmp(sec, k[i].name, (size_t)sl) != 0) {
			snprintf(sec, sizeof(sec), "%.*s", sl, k[i].name);
			buf_printf(&b, "\n[%s]\n", sec);
		}
		buf_printf(&b, "# %s\n# %s = %s\n", k[i].help, dot + 1, k[i].def);
	}
	if (extra)
		buf_puts(&b, extra);
	if (*conf_str("db.url"))
		buf_printf(&b, "\n[db]\nurl = %s\n", conf_str("db.url"));
	rc = file_write_atomic(path, b.data, b.len, 0600);
	buf_free(&b);
	free(path);
	return rc;
}

static bool dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool empty = true;

	if (!d)
		return false;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = false;
	closedir(d);
	return empty;
}

struct first_admin {
	const char *email, *name, *password, *org;
	int64_t id;
};

static int first_admin_tx(struct db_conn *c, void *arg)
{
	struct first_admin *f = arg;
	struct arena *a = arena_new();
	char *obj;
	int rc;

	rc = account_create(c, a, f->email, f->name, "", f->password, &f->id);
	if (rc == DB_OK)
		rc = grant_add(c, f->id, "admin", 0, 0, NULL);
	if (rc == DB_OK && f->org)
		rc = setting_set(c, "org.name", f->org);
	obj = arena_printf(a, "user:%lld", (long long)f->id);
	if (rc == DB_OK)
		rc = audit_add(c, 0, "cli", "system.init", "", NULL);
	if (rc == DB_OK)
		rc = audit_add(c, 0, "cli", "account.created", obj, NULL);
	if (rc == DB_OK)
		rc = audit_add(c, 0, "cli", "grant.added", obj,
			       json_pack("{s:s, s:i}", "role", "admin", "scope", 0));
	arena_free(a);
	return rc;
}

int init_data_dir(const char *cmd, const struct init_opts *o)
{
	unsigned char sk[BACKUP_SK_LEN];
	char err[512];
	struct first_admin f = {.email = o->admin_email,
				.name = o->admin_name ? o->admin_name : "Administrator",
				.password = o->admin_password,
				.org = o->org_name};
	const char *weak;
	int rc;

	if (!email_plausible(o->admin_email)) {
		cli_err(cmd, "--admin-email: '%s' is not an email address",
			o->admin_email);
		return EXIT_USAGE;
	}
	if (!text_is_line(f.name, strlen(f.name)) || !*f.name ||
	    strlen(f.name) > 200) {
		cli_err(cmd, "--admin-name: give 1 to 200 characters of one line");
		return EXIT_USAGE;
	}
	if ((weak = password_weak(o->admin_password))) {
		cli_err(cmd, "administrator password: %s", weak);
		return EXIT_USAGE;
	}
	if (mkdir(o->dir, 0700) != 0) {
		if (errno != EEXIST) {
			cli_err(cmd, "cannot create %s: %s", o->dir, strerror(errno));
			return 1;
		}
		if (!dir_empty(o->dir)) {
			cli_err(cmd, "%s exists and is not empty: refusing to "
				     "touch it", o->dir);
			return 1;
		}
		chmod(o->dir, 0700);
	}
	if (init_write_conf(o->dir, o->conf_extra) != 0) {
		cli_err(cmd, "cannot write %s/rudder.conf: %s", o->dir,
			strerror(errno));
		return 1;
	}
	if (keys_create(o->dir, o->passphrase, o->kdf, sk, err, sizeof(err)) != 0) {
		cli_err(cmd, "%s", err);
		return 1;
	}
	{
		struct platform_open po = {.dir = o->dir, .migrate = true};
		if (platform_open(&po, err, sizeof(err)) != 0) {
			cli_err(cmd, "%s", err);
			return 1;
		}
	}
	rc = db_tx(platform_conn(), first_admin_tx, &f);
	if (rc != DB_OK) {
		cli_err(cmd, "cannot create the first administrator (%d)", rc);
		return 1;
	}
	/* the backup secret key leaves now, and is not kept here */
	{
		char b64[64];
		sodium_bin2base64(b64, sizeof(b64), sk, sizeof(sk),
				  sodium_base64_VARIANT_ORIGINAL);
		if (o->backup_key_out) {
			char *line = xasprintf("rudder-backup-key:%s\n", b64);
			rc = file_write_atomic(o->backup_key_out, line,
					       strlen(line), 0600);
			sodium_memzero(line, strlen(line));
			free(line);
			if (rc != 0) {
				cli_err(cmd, "cannot write %s: %s",
					o->backup_key_out, strerror(errno));
				return 1;
			}
		} else {
			printf("Backup secret key (store it away from this "
			       "server; only it opens backups):\n"
			       "rudder-backup-key:%s\n",
			       b64);
		}
		sodium_memzero(b64, sizeof(b64));
		sodium_memzero(sk, sizeof(sk));
	}
	return 0;
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, NULL, 'd'},
		{"db", required_argument, NULL, 'B'},
		{"admin-email", required_argument, NULL, 'e'},
		{"admin-name", required_argument, NULL, 'n'},
		{"admin-password-file", required_argument, NULL, 'p'},
		{"passphrase-file", required_argument, NULL, 'P'},
		{"backup-key-out", required_argument, NULL, 'b'},
		{"kdf", required_argument, NULL, 'k'},
		{"org-name", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct init_opts o = {.kdf = KDF_MODERATE};
	const char *pwfile = NULL, *passfile = NULL;
	char *pw = NULL, *pass = NULL, *email = NULL;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o.dir = optarg; break;
		case 'B':
			if (cli_set("init", "db.url", optarg) != 0)
				return EXIT_USAGE;
			break;
		case 'e': o.admin_email = optarg; break;
		case 'n': o.admin_name = optarg; break;
		case 'p': pwfile = optarg; break;
		case 'P': passfile = optarg; break;
		case 'b': o.backup_key_out = optarg; break;
		case 'o': o.org_name = optarg; break;
		case 'k':
			if (kdf_cost_parse(optarg, &o.kdf) != 0) {
				cli_err("init", "--kdf: '%s' is not interactive, "
						"moderate or sensitive", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			printf("usage: rudder init %s\n\n%s", USAGE, HELP);
			return 0;
		default:
			cli_usage_error("init", USAGE);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_err("init", "unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (!o.dir) {
		cli_err("init", "no data directory: give --data DIR");
		return EXIT_USAGE;
	}
	if (!o.admin_email) {
		if (!isatty(STDIN_FILENO)) {
			cli_err("init", "no --admin-email given (stdin is not a "
					"terminal, so rudder does not ask)");
			return EXIT_USAGE;
		}
		email = cli_secret("init", NULL, "administrator's email", false);
		if (!email)
			return EXIT_USAGE;
		o.admin_email = email;
	}
	pass = cli_secret("init", passfile, "passphrase", true);
	if (!pass) {
		free(email);
		return EXIT_USAGE;
	}
	pw = cli_secret("init", pwfile, "administrator's password", true);
	if (!pw) {
		free(email);
		free(pass);
		return EXIT_USAGE;
	}
	o.passphrase = pass;
	o.admin_password = pw;
	rc = init_data_dir("init", &o);
	if (rc == 0)
		printf("Created %s. Start it with: rudder serve --data %s\n",
		       o.dir, o.dir);
	sodium_memzero(pw, strlen(pw));
	sodium_memzero(pass, strlen(pass));
	free(pw);
	free(pass);
	free(email);
	platform_close();
	return rc;
}
