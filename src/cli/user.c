/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * rudder user: accounts from the command line, for whoever holds the
 * server's passphrase — add, list, set a password, grant and revoke a
 * role, disable and enable. Every change is written to the audit log with
 * "cli" as the actor.
 */
#include "cli.h"
#include "platform/audit/audit.h"
#include "platform/auth/auth.h"
#include "platform/core/core.h"
#include "platform/i18n/i18n.h"
#include "platform/platform.h"

#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
	"add EMAIL --name NAME [--role ROLE] [--branch NAME] [--lang L]\n"
	"                  [--password-file F]\n"
	"       rudder user list\n"
	"       rudder user passwd EMAIL [--password-file F]\n"
	"       rudder user grant EMAIL ROLE [--branch NAME]\n"
	"       rudder user revoke EMAIL ROLE [--branch NAME]\n"
	"       rudder user disable|enable EMAIL\n"
	"  each with --data DIR [--passphrase-file F] [--db URL]";

struct user_opts {
	const char *dir, *passfile, *name, *role, *branch, *lang, *pwfile;
};

static char *obj(struct arena *a, int64_t id)
{
	return arena_printf(a, "user:%lld", (long long)id);
}

/* Resolves --branch NAME to a scope id (0 when absent); -1 on error. */
static int64_t branch_id(struct arena *a, const char *branch)
{
	struct scope s;

	if (!branch)
		return 0;
	if (scope_find(platform_conn(), a, branch, &s) != DB_OK) {
		cli_err("user", "--branch: there is no branch named '%s'", branch);
		return -1;
	}
	return s.id;
}

static int check_role(const char *role, int64_t scope)
{
	const struct role_def *r = authz_role(role);
	size_t n;
	const struct role_def *const *all;

	if (!r) {
		all = authz_roles(&n);
		fprintf(stderr, "rudder user: there is no role '%s'; roles:", role);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " %s", all[i]->name);
		fputc('\n', stderr);
		return -1;
	}
	if (r->org_only && scope) {
		cli_err("user", "the role %s is held over the whole organization "
				"only: drop --branch", role);
		return -1;
	}
	return 0;
}

static int find(struct arena *a, const char *email, struct account *acc)
{
	if (account_find_email(platform_conn(), a, email, acc) != DB_OK) {
		cli_err("user", "there is no account with the email '%s'", email);
		return -1;
	}
	return 0;
}

struct add_ctx {
	struct arena *a;
	const char *email, *name, *lang, *password, *role;
	int64_t scope, id;
	char *link;
};

static int add_tx(struct db_conn *c, void *arg)
{
	struct add_ctx *x = arg;
	int rc = account_create(c, x->a, x->email, x->name, x->lang,
				x->password, &x->id);

	if (rc == DB_OK && x->role)
		rc = grant_add(c, x->id, x->role, x->scope, 0, NULL);
	if (rc == DB_OK && !x->password) {
		char *t = account_token_create(c, x->a, x->id, 7 * 24 * 3600);
		if (!t)
			return DB_ERROR;
		x->link = arena_printf(x->a, "%s/account/set-password?token=%s",
				       platform_base_url(), t);
	}
	if (rc == DB_OK)
		rc = audit_add(c, 0, "cli", "account.created", obj(x->a, x->id),
			       NULL);
	if (rc == DB_OK && x->role)
		rc = audit_add(c, 0, "cli", "grant.added", obj(x->a, x->id),
			       json_pack("{s:s, s:I}", "role", x->role, "scope",
					 (json_int_t)x->scope));
	return rc;
}

static int user_add(struct arena *a, const struct user_opts *o,
		    const char *email)
{
	struct add_ctx x = {.a = a, .email = email, .name = o->name,
			    .lang = o->lang ? o->lang : "", .role = o->role};
	char *pw = NULL;
	const char *weak;
	int rc;

	if (!email_plausible(email)) {
		cli_err("user", "'%s' is not an email address", email);
		return EXIT_USAGE;
	}
	if (!o->name || !*o->name || !text_is_line(o->name, strlen(o->name)) ||
	    strlen(o->name) > 200) {
		cli_err("user", "--name: give 1 to 200 characters of one line");
		return EXIT_USAGE;
	}
	if (o->lang && !i18n_known(o->lang)) {
		cli_err("user", "--lang: '%s' is not en, ru or kk", o->lang);
		return EXIT_USAGE;
	}
	x.scope = branch_id(a, o->branch);
	if (x.scope < 0 || (o->role && check_role(o->role, x.scope) != 0))
		return EXIT_USAGE;
	if (o->pwfile) {
		pw = cli_secret("user", o->pwfile, "password", true);
		if (!pw)
			return EXIT_USAGE;
		if ((weak = password_weak(pw))) {
			cli_err("user", "%s: %s", o->pwfile, weak);
			free(pw);
			return EXIT_USAGE;
		}
		x.password = pw;
	}
	rc = db_tx(platform_conn(), add_tx, &x);
	if (pw) {
		sodium_memzero(pw, strlen(pw));
		free(pw);
	}
	if (rc == DB_CONSTRAINT) {
		cli_err("user", "an account with the email '%s' exists already",
			email);
		return 1;
	}
	if (rc != DB_OK) {
		cli_err("user", "cannot create the account");
		return 1;
	}
	printf("created account %lld\n", (long long)x.id);
	if (x.link)
		printf("one-time link to set a password (valid 7 days):\n%s\n",
		       x.link);
	return 0;
}

static int user_list(struct arena *a)
{
	struct account *l;
	struct grant **g;
	size_t *ng, n;

	if (account_list(platform_conn(), a, &l, &g, &ng, &n) != DB_OK) {
		cli_err("user", "cannot read the accounts");
		return 1;
	}
	printf("%-5s %-30s %-32s %-9s %-4s %s\n", "id", "name", "email",
	       "status", "2fa", "roles");
	for (size_t i = 0; i < n; i++) {
		printf("%-5lld %-30s %-32s %-9s %-4s", (long long)l[i].id,
		       l[i].display_name, l[i].email, l[i].status,
		       l[i].totp_enabled ? "yes" : "no");
		for (size_t k = 0; k < ng[i]; k++)
			printf("%s%s@%s", k ? ", " : " ", g[i][k].role,
			       g[i][k].scope_id ? g[i][k].scope_name
						: "organization");
		putchar('\n');
	}
	return 0;
}

struct change {
	struct arena *a;
	struct account *acc;
	const char *what, *role, *password;
	int64_t scope;
};

static int change_tx(struct db_conn *c, void *arg)
{
	struct change *x = arg;
	int rc = DB_OK;

	if (strcmp(x->what, "passwd") == 0) {
		rc = account_set_password(c, x->a, x->acc->id, x->password);
		if (rc == DB_OK)
			rc = audit_add(c, 0, "cli", "password.set",
				       obj(x->a, x->acc->id), NULL);
		/* a reset, as a password link is: every session and every
		 * access token of the account ends (docs/api/tokens.md) */
		if (rc == DB_OK)
			rc = account_reset_access(c, x->acc->id, 0, "cli",
						  "password.set");
	} else if (strcmp(x->what, "grant") == 0) {
		rc = grant_add(c, x->acc->id, x->role, x->scope, 0, NULL);
		if (rc == DB_OK)
			rc = audit_add(c, 0, "cli", "grant.added",
				       obj(x->a, x->acc->id),
				       json_pack("{s:s, s:I}", "role", x->role,
						 "scope", (json_int_t)x->scope));
	} else if (strcmp(x->what, "revoke") == 0) {
		struct grant *g;
		size_t n;
		int64_t gid = 0;
		rc = grants_of(c, x->a, x->acc->id, &g, &n);
		for (size_t i = 0; rc == DB_OK && i < n; i++)
			if (strcmp(g[i].role, x->role) == 0 &&
			    g[i].scope_id == x->scope)
				gid = g[i].id;
		if (rc == DB_OK)
			rc = gid ? grant_remove(c, gid) : DB_NOTFOUND;
		if (rc == DB_OK)
			rc = audit_add(c, 0, "cli", "grant.revoked",
				       obj(x->a, x->acc->id),
				       json_pack("{s:s, s:I}", "role", x->role,
						 "scope", (json_int_t)x->scope));
	} else {
		bool dis = strcmp(x->what, "disable") == 0;
		rc = account_set_status(c, x->acc->id, dis ? "disabled" : "active");
		if (rc == DB_OK && dis && account_revoke_sessions(c, x->acc->id) < 0)
			rc = DB_ERROR;
		if (rc == DB_OK)
			rc = audit_add(c, 0, "cli",
				       dis ? "account.disabled" : "account.enabled",
				       obj(x->a, x->acc->id), NULL);
	}
	return rc;
}

static int user_change(struct arena *a, const struct user_opts *o,
		       const char *what, char **args, int nargs)
{
	struct account acc;
	struct change x = {.a = a, .acc = &acc, .what = what};
	char *pw = NULL;
	int rc;

	bool wants_role = strcmp(what, "grant") == 0 || strcmp(what, "revoke") == 0;
	if (nargs != (wants_role ? 2 : 1)) {
		cli_err("user", "%s wants %s", what,
			wants_role ? "EMAIL ROLE" : "EMAIL");
		return EXIT_USAGE;
	}
	if (find(a, args[0], &acc) != 0)
		return 1;
	if (wants_role) {
		x.role = args[1];
		x.scope = branch_id(a, o->branch);
		if (x.scope < 0 || check_role(x.role, x.scope) != 0)
			return EXIT_USAGE;
	}
	if (strcmp(what, "passwd") == 0) {
		const char *weak;
		pw = cli_secret("user", o->pwfile, "new password", true);
		if (!pw)
			return EXIT_USAGE;
		if ((weak = password_weak(pw))) {
			cli_err("user", "%s", weak);
			free(pw);
			return EXIT_USAGE;
		}
		x.password = pw;
	}
	rc = db_tx(platform_conn(), change_tx, &x);
	if (pw) {
		sodium_memzero(pw, strlen(pw));
		free(pw);
	}
	if (rc == DB_CONSTRAINT) {
		cli_err("user", "%s holds that role there already", args[0]);
		return 1;
	}
	if (rc == DB_NOTFOUND) {
		cli_err("user", "%s does not hold that role there", args[0]);
		return 1;
	}
	if (rc != DB_OK) {
		cli_err("user", "the change failed");
		return 1;
	}
	printf("done\n");
	return 0;
}

int cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{"data", required_argument, NULL, 'd'},
		{"db", required_argument, NULL, 'B'},
		{"passphrase-file", required_argument, NULL, 'P'},
		{"name", required_argument, NULL, 'n'},
		{"role", required_argument, NULL, 'r'},
		{"branch", required_argument, NULL, 'b'},
		{"lang", required_argument, NULL, 'l'},
		{"password-file", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct user_opts o = {0};
	struct arena *a;
	const char *sub;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o.dir = optarg; break;
		case 'B':
			if (cli_set("user", "db.url", optarg) != 0)
				return EXIT_USAGE;
			break;
		case 'P': o.passfile = optarg; break;
		case 'n': o.name = optarg; break;
		case 'r': o.role = optarg; break;
		case 'b': o.branch = optarg; break;
		case 'l': o.lang = optarg; break;
		case 'p': o.pwfile = optarg; break;
		case 'h':
			printf("usage: rudder user %s\n", USAGE);
			return 0;
		default:
			cli_usage_error("user", USAGE);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_usage_error("user", USAGE);
		return EXIT_USAGE;
	}
	sub = argv[optind++];
	if (strcmp(sub, "add") != 0 && strcmp(sub, "list") != 0 &&
	    strcmp(sub, "passwd") != 0 && strcmp(sub, "grant") != 0 &&
	    strcmp(sub, "revoke") != 0 && strcmp(sub, "disable") != 0 &&
	    strcmp(sub, "enable") != 0) {
		cli_err("user", "unknown subcommand '%s'", sub);
		cli_usage_error("user", USAGE);
		return EXIT_USAGE;
	}
	if (strcmp(sub, "add") == 0 && argc - optind != 1) {
		cli_err("user", "add wants one EMAIL");
		return EXIT_USAGE;
	}
	if (strcmp(sub, "list") == 0 && argc - optind != 0) {
		cli_err("user", "list takes no arguments");
		return EXIT_USAGE;
	}
	if (!o.dir) {
		cli_err("user", "no data directory: give --data DIR");
		return EXIT_USAGE;
	}
	if (cli_open("user", o.dir, o.passfile, true, true) != 0)
		return 1;
	a = arena_new();
	if (strcmp(sub, "add") == 0)
		rc = user_add(a, &o, argv[optind]);
	else if (strcmp(sub, "list") == 0)
		rc = user_list(a);
	else
		rc = user_change(a, &o, sub, argv + optind, argc - optind);
	arena_free(a);
	platform_close();
	return rc;
}
