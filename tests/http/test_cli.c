/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The command line: clear errors and exit codes, init, user management,
 * settings from file, environment and flags, and backup and restore of a
 * server while it runs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "platform/core/core.h"

static struct srv S;
static void up(void)
{
	srv_init(&S, false);
}
static void down(void)
{
	srv_destroy(&S);
}
TestSuite(cli, .init = up, .fini = down, .timeout = 120);

Test(cli, help_version_and_usage_errors)
{
	char *out = NULL, *err = NULL;
	const char *cmds[] = {"init", "serve", "demo", "migrate", "user", "audit",
			      "backup", "restore", "passphrase", "routes"};
	cr_assert_eq(run_rudder(NULL, &out, NULL, "--help", NULL), 0);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(*cmds); i++) {
		cr_assert(strstr(out, cmds[i]), "%s is not listed", cmds[i]);
		char *o = NULL;
		cr_assert_eq(run_rudder(NULL, &o, NULL, cmds[i], "--help", NULL), 0, "%s --help", cmds[i]);
		cr_assert(strstr(o, "usage: rudder"), "%s --help: %s", cmds[i], o);
		free(o);
	}
	free(out);
	cr_assert_eq(run_rudder(NULL, &out, NULL, "version", NULL), 0);
	cr_assert(str_starts(out, "rudder "));
	free(out);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "frobnicate", NULL), 2);
	cr_assert(strstr(err, "unknown command 'frobnicate'"));
	free(err);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "serve", "--bogus", NULL), 2);
	cr_assert(strstr(err, "bogus") || strstr(err, "unrecognized"), "%s", err);
	free(err);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "serve", NULL), 2);
	cr_assert(strstr(err, "--data"), "%s", err);
	free(err);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "serve", "--data", S.dir, "--threads", "many", NULL), 2);
	cr_assert(strstr(err, "server.threads"), "%s", err);
	free(err);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "serve", "--data", S.dir, "--set", "nonsense", NULL), 2);
	cr_assert(strstr(err, "KEY=VALUE"), "%s", err);
	free(err);
}

Test(cli, never_asks_when_stdin_is_not_a_terminal)
{
	char *err = NULL;
	/* no passphrase file and stdin is a pipe: a message, not a prompt */
	cr_assert_eq(run_rudder("demo\n", NULL, &err, "serve", "--data", S.dir, NULL), 1);
	cr_assert(strstr(err, "not a terminal"), "%s", err);
	free(err);
	char *d = xasprintf("%s/other", S.root);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "init", "--data", d, NULL), 2);
	cr_assert(strstr(err, "--admin-email"), "%s", err);
	free(err);
	free(d);
}

Test(cli, serve_explains_what_is_wrong)
{
	char *err = NULL;
	int rc;
	char *wrong = xasprintf("%s/wrong", S.root);
	sh("echo nope > %s", wrong);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "serve", "--data", S.dir,
				"--passphrase-file", wrong, NULL), 1);
	cr_assert(strstr(err, "wrong passphrase"), "%s", err);
	free(err);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "serve", "--data", "/nonexistent/dir",
				"--passphrase-file", S.pass, NULL), 1);
	cr_assert(strstr(err, "no such data directory"), "%s", err);
	free(err);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "serve", "--data", S.dir, "--passphrase-file",
				"/nonexistent/file", NULL), 1);
	cr_assert(strstr(err, "/nonexistent/file"), "%s", err);
	free(err);
	rc = run_rudder(NULL, NULL, &err, "serve", "--data", S.dir, "--passphrase-file",
			S.pass, "--listen", "localhost", NULL);
	cr_assert_eq(rc, 1, "exit %d: %s", rc, err);
	cr_assert(strstr(err, "listen address"), "%s", err);
	free(err);
	/* a bad setting in rudder.conf names the file and the line */
	sh("printf '[server]\\nthreads = 4\\ntimeout = soon\\n' >> %s/rudder.conf", S.dir);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "serve", "--data", S.dir, "--passphrase-file",
				S.pass, NULL), 1);
	cr_assert(strstr(err, "rudder.conf:") && strstr(err, "server.timeout"), "%s", err);
	free(err);
	free(wrong);
}

Test(cli, init_refuses_a_used_directory_and_weak_input)
{
	char *err = NULL, *apw = xasprintf("%s/apw", S.root);
	sh("echo 'good admin password' > %s", apw);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "init", "--data", S.dir, "--admin-email",
				"a@example.org", "--admin-password-file", apw,
				"--passphrase-file", S.pass, "--kdf", "interactive", NULL), 1);
	cr_assert(strstr(err, "not empty"), "%s", err);
	free(err);
	char *d = xasprintf("%s/new", S.root);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "init", "--data", d, "--admin-email",
				"not-an-email", "--admin-password-file", apw,
				"--passphrase-file", S.pass, NULL), 2);
	cr_assert(strstr(err, "not an email"), "%s", err);
	free(err);
	sh("echo short > %s", apw);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "init", "--data", d, "--admin-email",
				"a@example.org", "--admin-password-file", apw,
				"--passphrase-file", S.pass, NULL), 2);
	cr_assert(strstr(err, "10 characters"), "%s", err);
	free(err);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "init", "--data", d, "--kdf", "extreme", NULL), 2);
	free(err);
	struct stat sb;
	cr_assert_neq(stat(d, &sb), 0, "nothing was created on bad input");
	/* what init made is for the operator's eyes only */
	cr_assert_eq(stat(S.dir, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0700);
	char *db = xasprintf("%s/rudder.db", S.dir);
	if (on_pg()) {
		cr_assert_neq(stat(db, &sb), 0,
			      "a data directory on PostgreSQL holds no SQLite database");
		cr_assert_eq(sh("grep -q '^url = postgres://' %s/rudder.conf", S.dir), 0);
	} else {
		cr_assert_eq(stat(db, &sb), 0);
		cr_assert_eq(sb.st_mode & 077, 0);
	}
	cr_assert_eq(sh("grep -q 'rudder-backup-key:' %s", S.bkey), 0);
	cr_assert_neq(sh("grep -rq 'rudder-backup-key' %s", S.dir), 0,
		      "the backup secret key is not kept in the data directory");
	/* no plaintext email: not in the data directory, nor in a backup
	 * (the organization's name is plain, and shows the check can fail) */
	{
		const char *email[] = {ADMIN_EMAIL, NULL};
		srv_assert_no_plaintext(&S, "Test Movement", email);
	}
	free(db);
	free(d);
	free(apw);
}

Test(cli, user_commands_manage_accounts_and_are_audited)
{
	char *out = NULL, *err = NULL, *pw = xasprintf("%s/pw", S.root);
	sh("echo 'organizer password' > %s", pw);
	cr_assert_eq(run_rudder(NULL, &out, &err, "user", "add", "org@example.org", "--name",
				"Organizer", "--role", "coordinator", "--password-file", pw,
				"--data", S.dir, "--passphrase-file", S.pass, NULL), 0, "%s", err);
	free(out);
	free(err);
	cr_assert_eq(run_rudder(NULL, &out, &err, "user", "add", "inv@example.org", "--name",
				"Invited", "--data", S.dir, "--passphrase-file", S.pass, NULL), 0);
	cr_assert(strstr(out, "/account/set-password?token="), "%s", out);
	free(out);
	free(err);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "user", "add", "org@example.org", "--name", "Again",
				"--data", S.dir, "--passphrase-file", S.pass, NULL), 1);
	cr_assert(strstr(err, "exists already"), "%s", err);
	free(err);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "user", "grant", "org@example.org", "superuser",
				"--data", S.dir, "--passphrase-file", S.pass, NULL), 2);
	cr_assert(strstr(err, "no role 'superuser'"), "%s", err);
	free(err);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "user", "grant", "org@example.org", "admin",
				"--branch", "Nowhere", "--data", S.dir, "--passphrase-file", S.pass,
				NULL), 2);
	cr_assert(strstr(err, "no branch named 'Nowhere'"), "%s", err);
	free(err);
	cr_assert_eq(run_rudder(NULL, &out, &err, "user", "revoke", "org@example.org", "coordinator",
				"--data", S.dir, "--passphrase-file", S.pass, NULL), 0, "%s", err);
	free(out);
	free(err);
	cr_assert_eq(run_rudder(NULL, &out, &err, "user", "list", "--data", S.dir,
				"--passphrase-file", S.pass, NULL), 0);
	cr_assert(strstr(out, "org@example.org"));
	cr_assert(strstr(out, "admin@organization"));
	free(out);
	free(err);
	cr_assert_eq(run_rudder(NULL, &out, &err, "user", "disable", "org@example.org",
				"--data", S.dir, "--passphrase-file", S.pass, NULL), 0);
	free(out);
	free(err);
	cr_assert_eq(run_rudder(NULL, &out, &err, "audit", "verify", "--data", S.dir,
				"--passphrase-file", S.pass, NULL), 0, "%s", err);
	free(out);
	free(err);
	/* the disabled account cannot sign in */
	srv_start(&S, NULL);
	struct client *c = cl_new(&S);
	cr_assert_eq(cl_login(c, "org@example.org", "organizer password", NULL), 401);
	cl_free(c);
	cr_assert_eq(srv_stop(&S), 0);
	free(pw);
}

Test(cli, settings_from_environment_and_flags)
{
	char *err = NULL;
	setenv("RUDDER_SERVER_THREADS", "lots", 1);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "serve", "--data", S.dir, "--passphrase-file",
				S.pass, NULL), 1);
	cr_assert(strstr(err, "server.threads") && strstr(err, "lots"), "%s", err);
	unsetenv("RUDDER_SERVER_THREADS");
	free(err);
	/* a flag wins over the file */
	sh("printf '[server]\\nlisten = 127.0.0.1:1\\n' >> %s/rudder.conf", S.dir);
	srv_start(&S, NULL); /* --listen 127.0.0.1:0 from the harness wins */
	cr_assert_neq(S.port, 1);
	cr_assert_eq(srv_stop(&S), 0);
}

Test(cli, backup_while_serving_and_restore)
{
	char *out = NULL, *err = NULL;
	char *bk = xasprintf("%s/backup.rudder", S.root);
	char *restored = xasprintf("%s/restored", S.root);
	srv_start(&S, NULL);
	struct client *c = cl_new(&S);
	char *secret = cl_admin(c);
	struct resp *r = cl_post(c, "/admin/users",
				 "display_name=Saved&email=saved%%40example.kz&role=coordinator&scope=0");
	cr_assert_eq(r->status, 201);
	resp_free(r);
	/* online: the server keeps serving */
	cr_assert_eq(run_rudder(NULL, &out, &err, "backup", "--data", S.dir, "--to", bk,
				"--passphrase-file", S.pass, NULL), 0, "%s", err);
	free(out);
	free(err);
	r = cl_get(c, "/account");
	cr_assert_eq(r->status, 200);
	resp_free(r);
	cl_free(c);
	cr_assert_eq(srv_stop(&S), 0);
	/* the backup names no one, and the server's own keys do not open it */
	cr_assert_neq(sh("grep -qa 'saved@example' %s", bk), 0);
	cr_assert_neq(sh("grep -qa 'SQLite format' %s", bk), 0);
	char *keys = xasprintf("%s/keys.json", S.dir);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "restore", "--from", bk, "--backup-key", keys,
				"--data", restored, NULL), 2);
	free(err);
	/* a damaged backup restores nothing */
	char *bad = xasprintf("%s/bad.rudder", S.root);
	sh("cp %s %s && printf 'XX' | dd of=%s bs=1 seek=3000 conv=notrunc status=none", bk, bad, bad);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "restore", "--from", bad, "--backup-key", S.bkey,
				"--data", restored, NULL), 1);
	cr_assert(strstr(err, "damaged"), "%s", err);
	struct stat sb;
	cr_assert_neq(stat(restored, &sb), 0, "no half-restored directory is left");
	free(err);
	/* the real restore */
	cr_assert_eq(run_rudder(NULL, &out, &err, "restore", "--from", bk, "--backup-key", S.bkey,
				"--data", restored, NULL), 0, "%s", err);
	free(out);
	free(err);
	cr_assert_eq(run_rudder(NULL, &out, &err, "audit", "verify", "--data", restored,
				"--passphrase-file", S.pass, NULL), 0, "%s", err);
	free(out);
	free(err);
	/* serve the restored copy and sign in there; a backup is an SQLite
	 * database whatever the server ran on */
	char *rdb = xasprintf("%s/rudder.db", restored);
	cr_assert_eq(stat(rdb, &sb), 0);
	free(rdb);
	cr_assert_neq(sh("grep -q '^url = postgres' %s/rudder.conf", restored), 0,
		      "a restored copy does not reach back to the old server");
	snprintf(S.dir, sizeof(S.dir), "%s", restored);
	S.db[0] = '\0';
	srv_start(&S, NULL);
	c = cl_new(&S);
	cr_assert_eq(cl_login(c, ADMIN_EMAIL, ADMIN_PASSWORD, secret), 303);
	r = cl_get(c, "/admin/users");
	cr_assert(strstr(r->body, "saved@example.kz"), "the restored copy has the account");
	resp_free(r);
	cl_free(c);
	cr_assert_eq(srv_stop(&S), 0);
	free(keys);
	free(bad);
	free(secret);
	free(bk);
	free(restored);
}

Test(cli, the_server_makes_its_own_backups_on_a_schedule)
{
	char *bdir = xasprintf("%s/backups", S.root), *sets0 = xasprintf("backup.dir=%s", bdir);
	const char *sets[] = {sets0, "backup.every=1", "backup.keep=2", NULL};
	char *out = NULL, *err = NULL;
	sh("mkdir -m 700 %s", bdir);
	srv_start(&S, sets);
	sleep(4);
	cr_assert_eq(srv_stop(&S), 0);
	char *count = NULL;
	cr_assert_eq(sh("test $(ls %s | grep -c '^rudder-.*\\.rudder$') -eq 2", bdir), 0,
		     "two kept, older ones pruned");
	cr_assert_eq(sh("ls %s | grep -q tmp", bdir), 1, "no half-written backup left");
	/* one of them restores */
	char *restored = xasprintf("%s/from-schedule", S.root);
	cr_assert_eq(sh("cp $(ls -d %s/rudder-*.rudder | tail -1) %s/latest.rudder", bdir, S.root), 0);
	char *latest = xasprintf("%s/latest.rudder", S.root);
	cr_assert_eq(run_rudder(NULL, &out, &err, "restore", "--from", latest, "--backup-key", S.bkey,
				"--data", restored, NULL), 0, "%s", err);
	free(out);
	free(err);
	cr_assert_eq(run_rudder(NULL, &out, &err, "audit", "verify", "--data", restored,
				"--passphrase-file", S.pass, NULL), 0, "%s", err);
	free(out);
	free(err);
	/* and the audit log says who made them */
	char *n = srv_sql(&S, "SELECT count(*) FROM audit_log WHERE action = 'backup.created' "
			      "AND actor_label = 'schedule'");
	cr_assert_geq(atoi(n), 3, "%s scheduled backups audited", n);
	free(n);
	free(count);
	free(latest);
	free(restored);
	free(sets0);
	free(bdir);
}

Test(cli, migrate_and_passphrase)
{
	char *out = NULL, *err = NULL, *np = xasprintf("%s/newpass", S.root);
	cr_assert_eq(run_rudder(NULL, &out, &err, "migrate", "--data", S.dir, "--passphrase-file",
				S.pass, "--status", NULL), 0, "%s", err);
	cr_assert(strstr(out, "0 pending"), "%s", out);
	free(out);
	free(err);
	sh("echo 'a new passphrase' > %s", np);
	cr_assert_eq(run_rudder(NULL, &out, &err, "passphrase", "--data", S.dir, "--passphrase-file",
				S.pass, "--new-passphrase-file", np, "--kdf", "interactive", NULL),
		     0, "%s", err);
	free(out);
	free(err);
	cr_assert_eq(run_rudder(NULL, NULL, &err, "audit", "verify", "--data", S.dir,
				"--passphrase-file", S.pass, NULL), 1);
	free(err);
	cr_assert_eq(run_rudder(NULL, &out, &err, "audit", "verify", "--data", S.dir,
				"--passphrase-file", np, NULL), 0, "%s", err);
	free(out);
	free(err);
	free(np);
}

Test(cli, demo_keeps_its_backup_key_outside_its_directory)
{
	/* on SQLite: what matters is where the files go */
	char *dir = xasprintf("%s/demo/", S.root), *key = xasprintf("%s/demo.backup-key", S.root);
	char *out = NULL, *err = NULL;
	struct stat sb;

	cr_assert_eq(run_rudder(NULL, &out, &err, "demo", "--data", dir, "--no-serve", NULL), 0,
		     "%s", err);
	cr_assert(strstr(out, key), "demo does not say where the key is: %s", out);
	cr_assert_eq(stat(key, &sb), 0, "no key beside the directory");
	cr_assert_eq(sb.st_mode & 077, 0, "the key is for its owner only");
	cr_assert_eq(sh("grep -q '^rudder-backup-key:' %s", key), 0);
	cr_assert_neq(sh("grep -rq 'rudder-backup-key' %s", dir), 0,
		      "the backup secret key is inside the directory it protects");
	free(out);
	free(err);
	free(key);
	free(dir);
}
