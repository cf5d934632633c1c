/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* rudder migrate-db: an organization moves from SQLite to PostgreSQL with
 * nothing lost, and then serves from there. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../http/harness.h"
#include "platform/core/core.h"

static struct srv S;
static char target[160], dbname[40];

static void up(void)
{
	cr_assert(on_pg(), "these tests run on PostgreSQL: use tests/pg/run");
	srv_init_sqlite(&S, true); /* the demo organization, on SQLite */
	snprintf(dbname, sizeof(dbname), "m_%.20s", S.root + 17);
	for (char *p = dbname; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	char *sql = xasprintf("CREATE DATABASE %s", dbname);
	pg_admin(sql);
	free(sql);
	snprintf(target, sizeof(target), "%.100s/%s", getenv("RUDDER_TEST_PG"), dbname);
}

static void down(void)
{
	srv_destroy(&S);
	char *sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", dbname);
	pg_admin(sql);
	free(sql);
}

TestSuite(migrate, .init = up, .fini = down, .timeout = 120);

Test(migrate, an_organization_moves_to_postgres_with_nothing_lost)
{
	char *out = NULL, *err = NULL, *from = xasprintf("sqlite:%s", S.dir);
	struct resp *r;

	/* something of every kind first: sessions, audit, an outbox row */
	srv_start(&S, NULL);
	struct client *c = cl_new(&S);
	cr_assert_eq(cl_login(c, "admin@example.org", DEMO_PASSWORD, NULL), 303);
	r = cl_post(c, "/admin/users", "display_name=Before&email=before%%40example.kz&role=coordinator&scope=0");
	cr_assert_eq(r->status, 201);
	resp_free(r);
	cl_free(c);
	cr_assert_eq(srv_stop(&S), 0);
	char *users = srv_sql(&S, "SELECT count(*) FROM users");
	char *audit = srv_sql(&S, "SELECT count(*) FROM audit_log");

	cr_assert_eq(run_rudder(NULL, &out, &err, "migrate-db", "--from", from, "--to",
				"sqlite:/tmp/x", "--passphrase-file", S.pass, NULL), 2);
	free(err);
	cr_assert_eq(run_rudder(NULL, &out, &err, "migrate-db", "--from", from, "--to", target,
				"--passphrase-file", S.pass, NULL),
		     0, "%s", err);
	cr_assert(strstr(out, "users"), "%s", out);
	cr_assert(strstr(out, "every row arrived unchanged"), "%s", out);
	free(out);
	free(err);
	/* a second copy into the same database is refused, and says why */
	cr_assert_eq(run_rudder(NULL, &out, &err, "migrate-db", "--from", from, "--to", target,
				"--passphrase-file", S.pass, NULL), 1);
	cr_assert(strstr(err, "already has rows"), "%s", err);
	free(out);
	free(err);

	/* switch the directory over and serve from PostgreSQL */
	cr_assert_eq(sh("printf '\\n[db]\\nurl = %s\\n' >> %s/rudder.conf && mv %s/rudder.db %s/old.db",
			target, S.dir, S.dir, S.root), 0);
	snprintf(S.db, sizeof(S.db), "%s", target);
	char *users2 = srv_sql(&S, "SELECT count(*) FROM users");
	char *audit2 = srv_sql(&S, "SELECT count(*) FROM audit_log");
	cr_assert_str_eq(users2, users);
	cr_assert_eq(atoi(audit2), atoi(audit) + 1, "one entry more: the migration itself");
	cr_assert_eq(run_rudder(NULL, &out, &err, "audit", "verify", "--data", S.dir,
				"--passphrase-file", S.pass, NULL), 0, "%s", err);
	free(out);
	free(err);
	srv_start(&S, NULL);
	c = cl_new(&S);
	cr_assert_eq(cl_login(c, "aktau@example.org", DEMO_PASSWORD, NULL), 303);
	cl_free(c);
	c = cl_new(&S);
	cr_assert_eq(cl_login(c, "admin@example.org", DEMO_PASSWORD, NULL), 303);
	r = cl_get(c, "/admin/users");
	cr_assert(strstr(r->body, "before@example.kz"), "sealed emails open on PostgreSQL");
	resp_free(r);
	/* new accounts get new ids after the copied ones */
	r = cl_post(c, "/admin/users", "display_name=After&email=after%%40example.kz&role=coordinator&scope=0");
	cr_assert_eq(r->status, 201, "%s", r->body);
	resp_free(r);
	cl_free(c);
	cr_assert_eq(srv_stop(&S), 0);
	S.dbname[0] = '\0';
	free(users);
	free(audit);
	free(users2);
	free(audit2);
	free(from);
}
